"""tasks/folder/storage.py on fsspec's in-memory store (no server): content names of generational
files, what a pull takes and leaves, what a push uploads and collects."""
import hashlib
import json
import uuid
from pathlib import Path

import pytest

from newsclean.tasks.folder import storage

pytest.importorskip("fsspec")


def layout() -> storage.Layout:
    """parts/* are generational; manifest.json names them ({"parts": {rel: sha256}})."""
    def references(local: Path) -> dict[str, list[str]]:
        try:
            table = json.loads((local / "manifest.json").read_text())["parts"]
        except (OSError, ValueError, KeyError):
            return {}
        return {rel: [sha] for rel, sha in table.items()}

    return storage.Layout(local_only=lambda rel: rel.startswith("cache/"), generational=lambda rel: rel.startswith("parts/"),
                          rank=lambda rel: 1 if rel == "manifest.json" else 0, references=references,
                          manifest="manifest.json")


@pytest.fixture
def store():
    s = storage.Store(f"memory://newsclean-test-{uuid.uuid4().hex}/out")
    yield s
    try:
        s.fs.rm(s.root, recursive=True)
    except FileNotFoundError:  # nothing left in it
        pass


def commit(folder: Path, parts: dict[str, bytes]) -> None:
    for rel, data in parts.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    (folder / "manifest.json").write_text(json.dumps(
        {"parts": {rel: hashlib.sha256(data).hexdigest() for rel, data in parts.items()}}))


def test_content_names_round_trip_and_other_names_are_not_taken_for_them():
    sha = hashlib.sha256(b"x").hexdigest()
    key = storage.content_key("corpus/part-00003.jsonl", sha)
    assert key == f"corpus/part-00003.{sha[:16]}.jsonl"
    assert storage.content_rel(key) == ("corpus/part-00003.jsonl", sha[:16])
    for other in ("corpus/part-00003.jsonl", "corpus/part-00003-000002.jsonl", "manifest.json",
                  "corpus/part-00003.0123456789ABCDEF.jsonl", "corpus/part.0123.jsonl"):
        assert storage.content_rel(other) is None


def test_a_push_stores_parts_under_new_names_and_a_pull_elsewhere_takes_the_ones_named(store, tmp_path):
    a = storage.Mirror(store, tmp_path / "a", layout())
    a.pull()
    commit(a.local, {"parts/p1.jsonl": b"one\n", "parts/p2.jsonl": b"two\n"})
    (a.local / "cache").mkdir()
    (a.local / "cache" / "stat.json").write_text("{}")
    a.push()
    keys = set(store.listing())
    assert keys == {"manifest.json", storage.content_key("parts/p1.jsonl", hashlib.sha256(b"one\n").hexdigest()),
                    storage.content_key("parts/p2.jsonl", hashlib.sha256(b"two\n").hexdigest())}  # no cache/
    # a second commit rewrites p1: a new object beside the old until the manifest is pushed
    commit(a.local, {"parts/p1.jsonl": b"one, again\n", "parts/p2.jsonl": b"two\n"})
    a.push()
    assert len(store.listing()) == 3  # the old p1 collected after the new manifest
    b = storage.Mirror(store, tmp_path / "b", layout())
    b.pull()
    assert (b.local / "parts" / "p1.jsonl").read_bytes() == b"one, again\n"
    assert not (b.local / "cache").exists()


def test_a_pull_ignores_objects_nothing_names_and_a_manifest_push_deletes_them(store, tmp_path):
    a = storage.Mirror(store, tmp_path / "a", layout())
    a.pull()
    commit(a.local, {"parts/p1.jsonl": b"one\n"})
    a.push()
    ghost = storage.content_key("parts/p1.jsonl", hashlib.sha256(b"a killed run's\n").hexdigest())
    store.fs.pipe_file(store.path(ghost), b"a killed run's\n")
    b = storage.Mirror(store, tmp_path / "b", layout())
    b.pull()
    assert (b.local / "parts" / "p1.jsonl").read_bytes() == b"one\n"
    assert ghost in store.listing()
    commit(b.local, {"parts/p1.jsonl": b"one\n", "parts/p2.jsonl": b"two\n"})
    b.push()
    assert ghost not in store.listing()


def test_a_pull_undoes_unpushed_work_unless_it_is_the_sessions_own(store, tmp_path):
    a = storage.Mirror(store, tmp_path / "a", layout())
    a.pull()
    commit(a.local, {"parts/p1.jsonl": b"one\n"})
    (a.local / "state.json").write_text("stored")
    a.push()
    (a.local / "state.json").write_text("mine, not pushed")
    (a.local / "new.json").write_text("mine too")
    a.pull(keep_local=True)  # under a lease, mid-task: the task's own writes stay
    assert (a.local / "state.json").read_text() == "mine, not pushed" and (a.local / "new.json").exists()
    a.pull()  # a fresh session: what a killed task left is undone
    assert (a.local / "state.json").read_text() == "stored" and not (a.local / "new.json").exists()


def test_an_object_deleted_between_a_pulls_listing_and_its_download_is_listed_again(store, tmp_path, monkeypatch):
    """Another worker removes an object this pull has just listed (CI saw a worker fail on
    it): the pull lists again and ends with what the store holds, not with an error."""
    a = storage.Mirror(store, tmp_path / "a", layout())
    a.pull()
    commit(a.local, {"parts/p1.jsonl": b"one\n"})
    (a.local / "plan-old.json").write_text("an old plan")
    (a.local / "plan-new.json").write_text("a new plan")
    a.push()
    download_many = storage.Store.download_many
    raced = []

    def another_worker_deletes_first(self, pairs):
        if any(key == "plan-old.json" for key, _ in pairs) and not raced:
            raced.append("plan-old.json")
            self.delete(["plan-old.json"])  # after the listing, before these downloads
        return download_many(self, pairs)

    monkeypatch.setattr(storage.Store, "download_many", another_worker_deletes_first)
    b = storage.Mirror(store, tmp_path / "b", layout())
    b.pull()
    assert raced
    assert not (b.local / "plan-old.json").exists()
    assert (b.local / "plan-new.json").read_text() == "a new plan"
    assert (b.local / "parts" / "p1.jsonl").read_bytes() == b"one\n"


def test_a_pull_whose_objects_keep_vanishing_says_so_in_one_error(store, tmp_path, monkeypatch):
    a = storage.Mirror(store, tmp_path / "a", layout())
    a.pull()
    (a.local / "state.json").write_text("x")
    a.push()

    def always_gone(self, key, dest):
        raise FileNotFoundError(key)

    monkeypatch.setattr(storage.Store, "download", always_gone)
    monkeypatch.setattr(storage.time, "sleep", lambda s: None)
    with pytest.raises(storage.StoreError, match="state.json was listed and then gone"):
        storage.Mirror(store, tmp_path / "b", layout()).pull()


def test_a_lease_is_taken_once_and_taken_over_when_its_holder_is_gone(store):
    with storage.Lease(store, "locks/x.lease"):
        assert store.create("locks/x.lease", b"{}") is None  # held
    assert store.read("locks/x.lease") is None  # released
    store.create("locks/y.lease", json.dumps({"host": "elsewhere", "pid": 1, "token": "t", "expires": 0}).encode())
    with storage.Lease(store, "locks/y.lease") as lease:
        assert json.loads(store.read("locks/y.lease")[0])["token"] == lease.token


def raw_objects(store, count: int) -> dict[str, bytes]:
    """``count`` objects put straight in the store, as a raw folder's uploads are."""
    objects = {f"site/a{i:03d}.txt": f"article {i}\n".encode() * (i + 1) for i in range(count)}
    for key, data in objects.items():
        store.fs.pipe_file(store.path(key), data)
    return objects


def test_a_pull_that_changes_nothing_rewrites_nothing(store, tmp_path):
    """The mirror's record has an entry per object (one per input, for raw/): a pull that
    downloaded and removed nothing leaves it as it was, so that a run with nothing to do
    writes nothing in proportion to the archive."""
    raw_objects(store, 12)
    mirror = storage.Mirror(store, tmp_path / "m", storage.Layout(local_only=lambda rel: False))
    assert mirror.pull()["downloaded"] == 12
    record = tmp_path / "m" / storage.RECORD
    before = (record.stat().st_ino, record.stat().st_mtime_ns, record.read_bytes())
    again = storage.Mirror(store, tmp_path / "m", storage.Layout(local_only=lambda rel: False))  # the next run's
    assert again.pull() == {"listed": 12, "downloaded": 0, "removed": 0}
    assert (record.stat().st_ino, record.stat().st_mtime_ns, record.read_bytes()) == before
    assert again.push() == {"uploaded": 0, "deleted": 0}
    assert (record.stat().st_ino, record.stat().st_mtime_ns) == before[:2]
    store.fs.pipe_file(store.path("site/a003.txt"), b"edited\n")  # one object changed: the record follows
    assert again.pull()["downloaded"] == 1
    assert json.loads(record.read_text())["site/a003.txt"][2][0] == len(b"edited\n")


def test_a_fresh_mirror_downloads_in_batches_and_leaves_no_temporary_file(store, tmp_path, monkeypatch):
    """A fresh mirror (another machine's first run) fetches the objects a batch of
    FETCH_BATCH at a time in one call of the store (concurrent requests on S3), not one
    round trip after the other; every file ends whole in place, and a batch that fails
    leaves no temporary file and no file of that batch half-written."""
    monkeypatch.setattr(storage, "FETCH_BATCH", 4)
    objects = raw_objects(store, 10)
    calls = []
    get = store.fs.get
    monkeypatch.setattr(store.fs, "get", lambda rpaths, lpaths, **kw: (calls.append(len(rpaths)), get(rpaths, lpaths, **kw)))
    monkeypatch.setattr(store, "download", lambda *a: pytest.fail("one object at a time"))
    mirror = storage.Mirror(store, tmp_path / "m", storage.Layout(local_only=lambda rel: False))
    assert mirror.pull()["downloaded"] == 10
    assert calls == [4, 4, 2]
    assert {p.relative_to(mirror.local).as_posix(): p.read_bytes() for p in mirror.local.rglob("*.txt")} == objects
    assert not list(mirror.local.rglob("*.tmp"))

    fresh = storage.Mirror(store, tmp_path / "f", storage.Layout(local_only=lambda rel: False))
    monkeypatch.setattr(store, "listing", lambda prefix="": {k: "tag" for k in [*objects, "site/gone.txt"]})
    with pytest.raises(storage.StoreError, match="site/gone.txt was listed and then gone"):  # deleted
        fresh.pull()  # between the listing and its download, in every listing
    assert not list(fresh.local.rglob("*.tmp"))
    assert sorted(p.name for p in fresh.local.rglob("*.txt")) == [f"a{i:03d}.txt" for i in range(8)]  # two whole batches
    assert all((fresh.local / k).read_bytes() == objects[k] for k in [f"site/a{i:03d}.txt" for i in range(8)])


def test_a_mirror_only_read_stats_each_file_once_per_pull(store, tmp_path, monkeypatch):
    """The raw folder's mirror is never pushed: its pull checks each file against its record
    (a stat each) and keeps no snapshot, which cost a second walk and stat of every input on
    every run; a mirror that is pushed keeps it."""
    raw_objects(store, 12)
    storage.Mirror(store, tmp_path / "m", storage.Layout(local_only=lambda rel: False), track=False).pull()
    stats = []
    real = storage._stat
    monkeypatch.setattr(storage, "_stat", lambda path: (stats.append(path), real(path))[1])
    read_only = storage.Mirror(store, tmp_path / "m", storage.Layout(local_only=lambda rel: False), track=False)
    assert read_only.pull() == {"listed": 12, "downloaded": 0, "removed": 0}
    assert len(stats) == 12 and read_only.snapshot == {}
    stats.clear()
    pushed = storage.Mirror(store, tmp_path / "m", storage.Layout(local_only=lambda rel: False))
    pushed.pull()
    assert len(stats) == 24 and len(pushed.snapshot) == 12
