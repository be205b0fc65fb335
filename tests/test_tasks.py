"""The Luigi shell on a temporary folder with the local scheduler."""
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.ingest.decode import decode_bytes
from newsclean.tasks.commands.cli import main

from .conftest import RAW

pytestmark = pytest.mark.integration


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    for p in sorted(RAW.glob("*.txt")):
        shutil.copy(p, folder / p.name)
    return folder


def run(raw, out, *extra):
    return main(["run", "--raw", str(raw), "--out", str(out), *extra])


def snapshot(out: Path) -> dict:
    """path -> (mtime_ns, bytes) of every output file."""
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


def records(out: Path, kind: str) -> dict:
    return {r["id"]: r for p in sorted((out / kind).glob("*.jsonl")) for r in io.read_jsonl(p)}


def test_run_writes_corpus_changelog_manifest(raw, tmp_path, capsys):
    out = tmp_path / "clean"
    assert run(raw, out) == 0
    corpus, logs = records(out, "corpus"), records(out, "changelog")
    assert sorted(corpus) == sorted(logs) == sorted(p.stem for p in raw.glob("*.txt"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"read": 5, "cleaned": 5, "unchanged": 0, "rejected": 0, "removed": 0}
    assert manifest["rules"]["meta.title"] == 5 and manifest["pipeline"]["rules_digest"]
    for aid, rec in corpus.items():
        text = decode_bytes((raw / rec["source"]["path"]).read_bytes())[0]
        assert unaccounted_lines(text, rec, logs[aid]["changes"]) == []
        assert rec["pipeline"] == logs[aid]["pipeline"]
    assert "read 5, cleaned 5" in capsys.readouterr().out


def test_rerun_with_nothing_changed_rewrites_nothing(raw, tmp_path, capsys):
    out = tmp_path / "clean"
    run(raw, out)
    before = snapshot(out)
    assert run(raw, out) == 0
    assert snapshot(out) == before
    assert "nothing changed" in capsys.readouterr().out


def test_changed_article_reprocesses_its_shard_only(raw, tmp_path):
    out = tmp_path / "clean"
    run(raw, out)
    before = snapshot(out)
    target = raw / "001_88141e08922914d6.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("Share\n", "Share\n\nTweet\n"), encoding="utf-8")
    assert run(raw, out) == 0
    after = snapshot(out)
    changed = {k for k in after if before.get(k) != after[k]}
    parts = {k for k in changed if k.startswith(("corpus/", "changelog/"))}
    from newsclean.pipeline.output.shards import shard_of
    shard = shard_of("001_88141e08922914d6", 8)
    assert parts <= {f"corpus/part-{shard:05d}.jsonl", f"changelog/part-{shard:05d}.jsonl"}
    assert f"changelog/part-{shard:05d}.jsonl" in parts
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["cleaned"] == 1 and manifest["counts"]["unchanged"] == 4
    log = records(out, "changelog")["001_88141e08922914d6"]
    assert any(c["before"] == "Tweet" and c["rule"] == "bp.share-button" for c in log["changes"])


def test_deleted_article_leaves_the_corpus(raw, tmp_path):
    out = tmp_path / "clean"
    run(raw, out)
    (raw / "003_d4e081953e54f5da.txt").unlink()
    run(raw, out)
    assert "003_d4e081953e54f5da" not in records(out, "corpus")
    assert "003_d4e081953e54f5da" not in records(out, "changelog")
    assert json.loads((out / "manifest.json").read_text())["removed"] == ["003_d4e081953e54f5da"]


def test_two_fresh_runs_are_byte_identical(raw, tmp_path):
    run(raw, tmp_path / "a")
    run(raw, tmp_path / "b")
    for kind in ("corpus", "changelog"):
        a = {p.name: p.read_bytes() for p in (tmp_path / "a" / kind).glob("*.jsonl")}
        b = {p.name: p.read_bytes() for p in (tmp_path / "b" / kind).glob("*.jsonl")}
        assert a == b and a


def test_rebuild_touches_one_article_and_equals_batch(raw, tmp_path):
    out = tmp_path / "clean"
    run(raw, out)
    batch = records(out, "corpus")
    corpus_file = next(p for p in (out / "corpus").glob("*.jsonl") if '"002_110745e9e9445cd3"' in p.read_text())
    # a stale record (as after a rule change) that rebuild must replace
    lines = corpus_file.read_text().splitlines()
    corpus_file.write_text("\n".join(line.replace('"Geoff Brown"', '"Nobody"') for line in lines) + "\n")
    before = snapshot(out)
    assert main(["rebuild", "002_110745e9e9445cd3", "--raw", str(raw), "--out", str(out)]) == 0
    after = snapshot(out)
    assert {k for k in after if before.get(k) != after.get(k) and not k.startswith("_state/")} == {
        corpus_file.relative_to(out).as_posix()}
    assert records(out, "corpus") == batch


@pytest.mark.parametrize("bad", ["../etc/passwd", "a/../b", "..", ".hidden", "/abs"])
def test_rebuild_refuses_non_plain_ids(raw, tmp_path, bad, capsys):
    assert main(["rebuild", bad, "--raw", str(raw), "--out", str(tmp_path / "clean")]) == 2
    assert "refusing id" in capsys.readouterr().err


def test_duplicate_id_is_rejected_with_reason(raw, tmp_path):
    # ids keep sub-folders (sub/x is not x): only a file differing in its format suffix clashes
    (raw / "001_88141e08922914d6.txt.gz").write_bytes(gzip.compress(b"Another Article With The Same Name\n"))
    out = tmp_path / "clean"
    assert run(raw, out) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rejected"] == [{"id": "001_88141e08922914d6@001_88141e08922914d6.txt.gz",
                                     "rule": "reject.duplicate-id",
                                     "reason": "id '001_88141e08922914d6' is already taken by 001_88141e08922914d6.txt"}]
    assert records(out, "corpus")["001_88141e08922914d6"]["source"]["path"] == "001_88141e08922914d6.txt"


def test_bad_input_is_set_aside_and_the_batch_goes_on(raw, tmp_path):
    (raw / "empty.txt").write_bytes(b"")
    (raw / "junk.txt").write_bytes(bytes(range(256)) * 50)
    out = tmp_path / "clean"
    assert run(raw, out) == 0
    logs = records(out, "changelog")
    assert logs["empty"]["status"] == "rejected" and logs["empty"]["changes"][0]["rule"] == "reject.empty"
    assert logs["junk"]["changes"][0]["rule"] == "reject.binary"
    assert "empty" not in records(out, "corpus") and len(records(out, "corpus")) == 5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["rejected"] == 2
    assert [(r["id"], r["rule"]) for r in manifest["rejected"]] == [("empty", "reject.empty"), ("junk", "reject.binary")]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "part.jsonl"
    io.atomic_write_jsonl(target, ["old"])

    def boom(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        io.atomic_write_jsonl(target, ["new"] * 1000)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["part.jsonl"]


def test_cli_clean_and_show(raw, tmp_path, capsys):
    assert main(["clean", str(raw / "004_e0a4c11860b658b6.txt"), "--pretty"]) == 0  # the former shape
    out = json.loads(capsys.readouterr().out)
    assert out["record"]["title"].startswith("Lavrov asserts") and out["record"]["authors"] == ["Asif Shahid"]
    assert out["changelog"]["id"] == "004_e0a4c11860b658b6"
    run(raw, tmp_path / "clean")
    capsys.readouterr()
    assert main(["show", "004_e0a4c11860b658b6", "--out", str(tmp_path / "clean")]) == 0
    shown = capsys.readouterr().out
    assert "Lavrov asserts" in shown and "bp.comment-form-heading" in shown and "LEAVE A REPLY" in shown
    assert main(["show", "nope", "--out", str(tmp_path / "clean")]) == 4  # Exit.NOT_FOUND


def test_config_file_changes_digest_and_output(raw, tmp_path):
    cfg = tmp_path / "newsclean.toml"
    cfg.write_text("shards = 2\ndrop_tail = false\nclassify_blocks = false\n")  # the classifier would drop the tail too
    out = tmp_path / "clean"
    assert run(raw, out, "--config", str(cfg)) == 0
    assert sorted(p.name for p in (out / "corpus").glob("*.jsonl")) == ["part-00000.jsonl", "part-00001.jsonl"]
    texts = " ".join(r["text"] for r in records(out, "corpus").values())
    assert "Follow us on:" not in texts  # still dropped by its rule
    assert "ON NOW Newsday" in texts or "• en" in texts  # position no longer drops the tail
    cfg.write_text("no_such_switch = 1\n")
    assert run(raw, tmp_path / "other", "--config", str(cfg)) == 2


def test_show_piped_into_head_is_not_an_error(raw, tmp_path):
    import subprocess
    import sys

    body = "\n\n".join(f"Paragraph {i} of a long article says that the talks went on for hours." for i in range(3000))
    (raw / "long.txt").write_text("A Long Article About The Talks\n\n" + body, encoding="utf-8")
    run(raw, tmp_path / "clean")
    # an article view far larger than a pipe's buffer, into a reader that stops after one line
    proc = subprocess.run(
        f"{sys.executable} -m newsclean.tasks.commands.cli show long --out {tmp_path / 'clean'} --no-color | head -n 1",
        shell=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, timeout=60)
    assert proc.stdout.startswith("id:") and "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_code_change_under_same_version_makes_records_stale(raw, tmp_path, monkeypatch):
    import newsclean.pipeline.output.contract

    out = tmp_path / "clean"
    run(raw, out)
    assert all(r["pipeline"]["code_digest"] for r in records(out, "corpus").values())
    monkeypatch.setattr(newsclean.pipeline.output.contract, "code_digest", lambda: "0123456789abcdef")
    assert run(raw, out) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["cleaned"] == 5 and manifest["counts"]["unchanged"] == 0
    assert {r["pipeline"]["code_digest"] for r in records(out, "corpus").values()} == {"0123456789abcdef"}


def test_outputs_are_readable_like_ordinary_files(raw, tmp_path):
    out = tmp_path / "clean"
    run(raw, out)
    mask = os.umask(0)
    os.umask(mask)
    for path in [out / "manifest.json", *(out / "corpus").glob("*.jsonl"), *(out / "changelog").glob("*.jsonl")]:
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path
