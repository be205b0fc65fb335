"""Issue 17, points 2 and 3: --raw and --out on object storage, through a local S3 server
(moto in server mode, started here on a free 127.0.0.1 port, as s3fs's own tests do, and
stopped after). Records through S3 are byte-identical to a local run's; a run killed between
its part uploads and its manifest resumes to the same store; objects a killed run left are
removed; the lease stands for the local lock; rebuild, show, export, verify and compact work
on an s3:// output; luigid and three worker processes that share nothing but the store and
the scheduler write every article once, as one process does."""
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsclean.tasks.loopback import free_port, loopback_service, moto_command

from .operations_support import cli, make_raw, parts
from .test_operations_distributed import luigid  # noqa: F401 - the fixture: luigid on 127.0.0.1

pytest.importorskip("s3fs")
pytest.importorskip("moto")

pytestmark = pytest.mark.integration

AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
       "AWS_SESSION_TOKEN": "testing"}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server in its own process on a free loopback port (its own process: the
    runs under test do not share a GIL with it); the endpoint URL."""
    port = free_port()
    with loopback_service(moto_command(port), port, "the S3 server") as url:
        yield url


@pytest.fixture
def s3(s3_server, tmp_path, monkeypatch, request):
    """A fresh bucket on the server, AWS_* pointing at it (dummy credentials), this test's own
    working folder; returns an fsspec S3 file system and the bucket's name."""
    import s3fs

    from newsclean.tasks.folder import remote

    for key, value in {**AWS, "AWS_ENDPOINT_URL": s3_server, "NEWSCLEAN_WORK": str(tmp_path / "work")}.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    s3fs.S3FileSystem.clear_instance_cache()
    remote._store.cache_clear()
    remote._raw_pulled.clear()
    fs = s3fs.S3FileSystem()
    name = request.node.name.lower()
    bucket = re.sub(r"[^a-z0-9-]", "-", name)[:40].strip("-") + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    fs.mkdir(bucket)
    yield fs, bucket
    remote._store.cache_clear()
    remote._raw_pulled.clear()


def upload(fs, folder: Path, url: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fs.pipe_file(f"{url.removeprefix('s3://')}/{path.relative_to(folder).as_posix()}", path.read_bytes())


def objects(fs, url: str) -> dict[str, bytes]:
    root = url.removeprefix("s3://")
    fs.invalidate_cache()
    return {k[len(root) + 1:]: fs.cat_file(k) for k in sorted(fs.find(root))}


def stored_parts(fs, url: str) -> dict[str, bytes]:
    """The part objects of an output on S3, by the local name they stand for (each once)."""
    found: dict[str, bytes] = {}
    for key, data in objects(fs, url).items():
        m = re.fullmatch(r"((?:corpus|changelog)/part-[0-9-]+)\.[0-9a-f]{16}\.jsonl", key)
        if m:
            name = m.group(1) + ".jsonl"
            assert name not in found, f"two objects stand for {name}"
            found[name] = data
    return found


CONFIG = Path(__file__).resolve().parent / "fixtures" / "four_shards.toml"  # fewer tasks: a shorter test


def run(raw, out, *extra) -> int:
    return cli("run", "--raw", raw, "--out", out, "--quiet", "--config", CONFIG, *extra)


def local_run(raw: Path, out: Path, *extra) -> None:
    assert run(raw, out, *extra) == 0


def test_a_batch_through_s3_gives_the_records_of_a_local_run(s3, tmp_path):
    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=2)
    upload(fs, raw, f"s3://{bucket}/raw")
    out = f"s3://{bucket}/clean"
    assert run(f"s3://{bucket}/raw", out) == 0
    local_run(raw, tmp_path / "local")
    assert stored_parts(fs, out) == parts(tmp_path / "local")  # corpus and change-log records, byte for byte
    stored = objects(fs, out)
    for name in ("duplicates.jsonl", "corpus/README.md", "_state/dedup/summary.json"):
        assert stored[name] == (tmp_path / "local" / name).read_bytes()
    ours, theirs = json.loads(stored["manifest.json"]), json.loads((tmp_path / "local" / "manifest.json").read_text())
    assert {k for k in ours if ours[k] != theirs[k]} == {"raw"}  # the one difference: where raw/ was
    assert ours["raw"] == f"s3://{bucket}/raw"
    assert not any(k.startswith(("_state/locks/", "_state/partstat", "_state/inputstat")) for k in stored)
    # a rerun with nothing changed writes no object
    assert run(f"s3://{bucket}/raw", out) == 0
    assert objects(fs, out) == stored
    # the stage chain (one task per stage and shard) too; its intermediates are not kept
    assert run(f"s3://{bucket}/raw", f"s3://{bucket}/chained", "--chain") == 0
    assert stored_parts(fs, f"s3://{bucket}/chained") == parts(tmp_path / "local")
    assert not any(k.startswith("_state/chain/") for k in objects(fs, f"s3://{bucket}/chained"))


def test_a_store_output_grows_with_new_part_objects_and_keeps_none_it_replaced(s3, tmp_path):
    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=3)
    out, raw_url = f"s3://{bucket}/clean", f"s3://{bucket}/raw"
    upload(fs, raw, raw_url)
    assert run(raw_url, out) == 0
    local_run(raw, tmp_path / "local")  # the same two runs on local folders
    first = {k for k in objects(fs, out) if "/part-" in k}
    extra = make_raw(tmp_path / "more", copies=1)
    for p in sorted(extra.iterdir()):
        fs.pipe_file(f"{bucket}/raw/new_{p.name}", p.read_bytes())
        (raw / f"new_{p.name}").write_bytes(p.read_bytes())
    fs.rm(f"{bucket}/raw/c001_{sorted(extra.iterdir())[0].name}")
    (raw / f"c001_{sorted(extra.iterdir())[0].name}").unlink()
    assert run(raw_url, out) == 0
    local_run(raw, tmp_path / "local")
    assert stored_parts(fs, out) == parts(tmp_path / "local")
    manifest = json.loads(objects(fs, out)["manifest.json"])
    assert manifest["counts"]["removed"] == 1
    now = {k for k in objects(fs, out) if "/part-" in k}
    assert now - first, "no new part object"
    assert len(now) == len(manifest["parts"])  # the replaced ones are gone


class Killed(BaseException):
    """What the store sees of a process killed at that point: nothing more from it (a
    BaseException, so that no handler of the run mistakes it for a task's failure)."""


def _failing_upload(monkeypatch, when):
    """Make the store's upload raise (a killed process, as far as the store can tell) the
    first time ``when(key)`` holds."""
    from newsclean.tasks.folder import storage

    real, fired = storage.Store.upload, []

    def upload(self, src, key):
        if not fired and when(key):
            fired.append(key)
            raise Killed(f"killed before uploading {key}")
        return real(self, src, key)

    monkeypatch.setattr(storage.Store, "upload", upload)
    return fired


@pytest.mark.parametrize("kill_before", ["manifest.json", "changelog/part-"])
def test_a_run_killed_between_its_uploads_resumes_to_the_same_store(s3, tmp_path, monkeypatch, kill_before):
    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=3)
    raw_url = f"s3://{bucket}/raw"
    upload(fs, raw, raw_url)
    killed, whole = f"s3://{bucket}/killed", f"s3://{bucket}/whole"
    for out in (killed, whole):
        assert run(raw_url, out) == 0
    changed = sorted(raw.iterdir())[0]  # one article edited, one added: a commit that replaces a part
    fs.pipe_file(f"{bucket}/raw/{changed.name}", changed.read_bytes().replace(b"\n\n", b"\n\nA new paragraph here.\n\n", 1))
    fs.pipe_file(f"{bucket}/raw/z_new.txt", changed.read_bytes())
    assert run(raw_url, whole) == 0
    fired = _failing_upload(monkeypatch, lambda key: key.startswith(kill_before))
    assert run(raw_url, killed) != 0  # Luigi reports the task failed
    assert fired
    monkeypatch.undo()
    for key, value in {**AWS, "AWS_ENDPOINT_URL": os.environ.get("AWS_ENDPOINT_URL", ""),
                       "NEWSCLEAN_WORK": str(tmp_path / "other-machine")}.items():
        monkeypatch.setenv(key, value)  # resumed from another working folder: the store is all it has
    from newsclean.tasks.folder import remote

    remote._raw_pulled.clear()
    assert run(raw_url, killed) == 0
    a, b = objects(fs, killed), objects(fs, whole)
    assert a.keys() == b.keys()  # nothing left over, nothing missing
    differ = {k for k in a if a[k] != b[k]}
    assert differ <= {"manifest.json", "_state/dedup/summary.json"}, {k: (a[k], b[k]) for k in differ}
    ma, mb = json.loads(a["manifest.json"]), json.loads(b["manifest.json"])
    assert {k: ma[k] for k in ma if k != "run"} == {k: mb[k] for k in mb if k != "run"}
    # the near-duplicate index is a cache of each working folder: on a fresh one, the links
    # step compares every record again (its summary's last_run says so), and finds the same links
    sa, sb = json.loads(a["_state/dedup/summary.json"]), json.loads(b["_state/dedup/summary.json"])
    assert {k: sa[k] for k in sa if k != "last_run"} == {k: sb[k] for k in sb if k != "last_run"}


def test_objects_a_killed_run_left_are_removed_by_the_next_run(s3, tmp_path):
    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=2)
    raw_url, out = f"s3://{bucket}/raw", f"s3://{bucket}/clean"
    upload(fs, raw, raw_url)
    assert run(raw_url, out) == 0
    local_run(raw, tmp_path / "local")  # the same two runs on local folders
    leftovers = [f"{bucket}/clean/corpus/part-00003.0123456789abcdef.jsonl",
                 f"{bucket}/clean/changelog/part-00003-000007.0123456789abcdef.jsonl"]
    for key in leftovers:  # part objects of a commit that no journal and no manifest names
        fs.pipe_file(key, b'{"id":"ghost"}\n')
    fs.pipe_file(f"{bucket}/raw/z_new.txt", sorted(raw.iterdir())[0].read_bytes())
    (raw / "z_new.txt").write_bytes(sorted(raw.iterdir())[0].read_bytes())
    assert run(raw_url, out) == 0
    stored = objects(fs, out)
    assert not any(k.endswith(".0123456789abcdef.jsonl") for k in stored)
    assert all(b"ghost" not in data for data in stored.values())
    local_run(raw, tmp_path / "local")
    assert stored_parts(fs, out) == parts(tmp_path / "local")


def test_the_lease_is_exclusive_and_taken_over_from_a_dead_holder(s3):
    from newsclean.tasks.folder import storage

    fs, bucket = s3
    store = storage.Store(f"s3://{bucket}/clean")
    order = []
    with storage.Lease(store, "_state/locks/x.lease"):
        def second():
            with storage.Lease(store, "_state/locks/x.lease", poll=0.05):
                order.append("second")
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.5)
        order.append("first done")
    t.join(timeout=10)
    assert order == ["first done", "second"]
    assert not fs.exists(f"{bucket}/clean/_state/locks/x.lease")  # released
    # a holder past its time, and a process of this host that has ended: taken over at once
    for body in ({"host": "elsewhere", "pid": 1, "token": "t", "expires": time.time() - 1},
                 {"host": storage._HOST, "pid": _ended_pid(), "token": "t", "expires": time.time() + 3600}):
        fs.pipe_file(f"{bucket}/clean/_state/locks/y.lease", json.dumps(body).encode())
        start = time.monotonic()
        with storage.Lease(store, "_state/locks/y.lease"):
            assert json.loads(fs.cat_file(f"{bucket}/clean/_state/locks/y.lease"))["pid"] == os.getpid()
        assert time.monotonic() - start < 5


def _ended_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_rebuild_waits_for_the_lease_a_run_holds_on_its_shard(s3, tmp_path):
    from newsclean.tasks.folder import storage
    from newsclean.pipeline.output.shards import shard_of

    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=1)
    raw_url, out = f"s3://{bucket}/raw", f"s3://{bucket}/clean"
    upload(fs, raw, raw_url)
    assert run(raw_url, out) == 0
    article = sorted(p.stem for p in raw.iterdir())[0]
    shard = shard_of(article, 4)
    done = []
    with storage.Lease(storage.Store(out), f"_state/locks/part-{shard:05d}.jsonl.lease"):  # as a run's CleanShard takes it
        t = threading.Thread(target=lambda: done.append(cli("rebuild", article, "--out", out, "--config", CONFIG)))
        t.start()
        time.sleep(2)
        assert not done, "the rebuild went on while the lease was held"
    t.join(timeout=60)
    assert done == [0]


def test_rebuild_show_export_verify_and_compact_work_on_an_s3_output(s3, tmp_path, capsys):
    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=2)
    raw_url, out = f"s3://{bucket}/raw", f"s3://{bucket}/clean"
    upload(fs, raw, raw_url)
    assert run(raw_url, out) == 0
    local_run(raw, tmp_path / "local")
    article = sorted(p.stem for p in raw.iterdir())[0]
    capsys.readouterr()
    assert cli("rebuild", article, "--out", out, "--config", CONFIG) == 0  # raw: the s3:// URL the manifest names
    assert cli("rebuild", article, "--out", tmp_path / "local", "--config", CONFIG) == 0
    assert stored_parts(fs, out) == parts(tmp_path / "local")
    capsys.readouterr()
    assert cli("show", article, "--out", out, "--no-color", "--config", CONFIG) == 0
    shown = capsys.readouterr().out
    assert cli("show", article, "--out", tmp_path / "local", "--no-color", "--config", CONFIG) == 0
    assert shown == capsys.readouterr().out.replace(str(tmp_path / "local"), out)
    assert cli("export", "--out", out, "--format", "txt", "--to", tmp_path / "txt") == 0
    assert cli("export", "--out", tmp_path / "local", "--format", "txt", "--to", tmp_path / "txt-local") == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "txt").iterdir()} == \
        {p.name: p.read_bytes() for p in (tmp_path / "txt-local").iterdir()}
    assert cli("verify", "--out", out) == 0
    fs.pipe_file(f"{bucket}/raw/z_new.txt", sorted(raw.iterdir())[1].read_bytes())  # a second segment somewhere
    (raw / "z_new.txt").write_bytes(sorted(raw.iterdir())[1].read_bytes())
    assert run(raw_url, out) == 0
    assert cli("compact", "--out", out) == 0
    local_run(raw, tmp_path / "local")
    assert cli("compact", "--out", tmp_path / "local") == 0
    assert stored_parts(fs, out) == parts(tmp_path / "local")
    assert cli("verify", "--out", out) == 0
    # damage one stored part: verify on the store says so
    key = next(k for k in fs.find(f"{bucket}/clean/corpus") if "/part-" in k)
    fs.pipe_file(key, fs.cat_file(key) + b'{"id":"intruder"}\n')
    assert cli("verify", "--out", out) == 1


def test_three_workers_that_share_nothing_but_the_store_and_luigid_write_each_article_once(s3, tmp_path, luigid):  # noqa: F811
    fs, bucket = s3
    raw = make_raw(tmp_path / "raw", copies=8)
    raw_url, out = f"s3://{bucket}/raw", f"s3://{bucket}/clean"
    upload(fs, raw, raw_url)
    config = tmp_path / "newsclean.toml"
    config.write_text("shards = 9\n")
    workers = []
    for n in range(3):
        home = tmp_path / f"machine{n}"  # each its own working folder and local temp
        (home / "tmp").mkdir(parents=True)
        env = {**os.environ, "NEWSCLEAN_WORK": str(home / "work"), "TMPDIR": str(home / "tmp")}
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "newsclean.tasks.commands.cli", "run", "--raw", raw_url, "--out", out, "--config",
             str(config), "--scheduler-url", luigid, "--workers", "1", "-v"],
            cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [w.communicate(timeout=300) for w in workers]
    for w, (_, stderr) in zip(workers, results):
        assert w.returncode == 0, stderr
    ran = [[int(s) for s in re.findall(r"shard (\d+) done", stderr)] for _, stderr in results]
    print("shards per worker process:", ran)
    every = [s for r in ran for s in r]
    assert sorted(every) == list(range(9)), "a shard was cleaned twice, or not at all"
    assert cli("run", "--raw", raw, "--out", tmp_path / "local", "--config", config, "--quiet") == 0
    assert stored_parts(fs, out) == parts(tmp_path / "local")
    ids = [json.loads(line)["id"] for name, data in stored_parts(fs, out).items() if name.startswith("corpus/")
           for line in data.decode().splitlines()]
    assert len(ids) == len(set(ids)) == 40


def test_a_store_without_credentials_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    """botocore's NoCredentialsError is no OSError: `--out s3://...` on a machine with no AWS
    credentials set up ended in its traceback."""
    import s3fs

    from newsclean.tasks.commands.cli import main
    from newsclean.tasks.exitcodes import Exit
    from newsclean.tasks.folder import remote

    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("NEWSCLEAN_WORK", str(tmp_path / "work"))
    s3fs.S3FileSystem.clear_instance_cache()
    remote._store.cache_clear()
    assert main(["run", "--raw", str(make_raw(tmp_path / "raw")), "--out", "s3://newsclean-no-such-bucket/out", "-q"]) \
        == Exit.FAILED
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("newsclean: cannot write or read: s3://newsclean-no-such-bucket/out: NoCredentialsError")
    remote._store.cache_clear()
