"""Issue 5, points 1-2: reruns redo exactly what changed; rebuild of one article.

(Basic task behaviour is in tests/test_tasks.py; these tests pin what each kind of change
reprocesses, which files it rewrites, and what the manifest says.)"""
import json
import shutil

import pytest

from .operations_support import cli, file_stats, make_raw, manifest, parts, records
from newsclean.pipeline import io
from newsclean.pipeline.output.dedup import without_links
from newsclean.tasks.run import task_base
from newsclean.tasks.commands.rebuild import RebuildError, check_id

pytestmark = pytest.mark.integration


@pytest.fixture
def batch(tmp_path):
    raw, out = make_raw(tmp_path / "raw", copies=3), tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    return raw, out


def test_unchanged_rerun_rewrites_no_file_and_says_so(batch, capsys):
    raw, out = batch
    before = file_stats(out)
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", out) == 0
    assert "nothing changed, no file rewritten" in capsys.readouterr().out
    assert file_stats(out) == before


def test_changed_article_reprocesses_only_itself(batch):
    raw, out = batch
    target = raw / "c001_002_110745e9e9445cd3.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence was added to this article today.\n",
                      encoding="utf-8")
    before, stats = records(out), file_stats(out)
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    m = manifest(out)
    assert (m["counts"]["cleaned"], m["counts"]["unchanged"], m["counts"]["removed"]) == (1, 14, 0)
    after = records(out)
    assert {i for i in after if after[i] != before[i]} == {"c001_002_110745e9e9445cd3"}
    # only the two part files of that article's shard were rewritten
    changed = {p for p, s in file_stats(out).items() if stats.get(p) != s and p.endswith(".jsonl")}
    shard = next(p for p in changed if p.startswith("corpus/")).split("/")[1]
    assert changed == {f"corpus/{shard}", f"changelog/{shard}"}


@pytest.mark.parametrize("edit", ["add", "change", "remove"])
def test_sidecar_edit_reprocesses_its_article(batch, edit):
    raw, out = batch
    aid = "c001_002_110745e9e9445cd3"
    side = raw / f"{aid}.meta.json"
    if edit != "add":
        side.write_text(json.dumps({"title": "A Title From The Sidecar", "url": "https://example.org/a"}), encoding="utf-8")
        assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
        assert json.loads(records(out)[aid])["title"] == "A Title From The Sidecar"
    before = records(out)
    if edit == "remove":
        side.unlink()
    else:
        side.write_text(json.dumps({"title": "The Sidecar's Newer Title", "url": "https://example.org/b"}), encoding="utf-8")
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    m = manifest(out)
    assert (m["counts"]["cleaned"], m["counts"]["unchanged"]) == (1, 14)
    after = records(out)
    # only its article is cleaned again; its copies' links may follow it (a longer text is the canonical one)
    assert {i for i in after if without_links(json.loads(after[i])) != without_links(json.loads(before[i]))} == {aid}
    after = {i: json.loads(line) for i, line in after.items()}
    if edit == "remove":
        assert after[aid]["title"] != "A Title From The Sidecar" and after[aid]["source"]["sidecar_sha256"] is None
    else:
        assert after[aid]["title"] == "The Sidecar's Newer Title" and after[aid]["url"] == "https://example.org/b"
        assert after[aid]["source"]["sidecar_sha256"] == io.file_sha256(side)
    # the others carry no sidecar digest, and a rerun finds everything current
    assert all(after[i]["source"]["sidecar_sha256"] is None for i in after if i != aid)
    stats = file_stats(out)
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert file_stats(out) == stats


def test_deleted_article_leaves_corpus_and_manifest_says_so(batch):
    raw, out = batch
    (raw / "c002_000_1be1833fb9aa4d76.txt").unlink()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    m = manifest(out)
    assert m["removed"] == ["c002_000_1be1833fb9aa4d76"]
    assert (m["counts"]["removed"], m["counts"]["read"], m["counts"]["cleaned"]) == (1, 14, 0)
    assert "c002_000_1be1833fb9aa4d76" not in records(out)
    assert "c002_000_1be1833fb9aa4d76" not in records(out, "changelog")


def test_config_change_reprocesses_everything_as_a_fresh_run(batch, tmp_path):
    raw, out = batch
    config = tmp_path / "newsclean.toml"
    config.write_text("collapse_spaces = false\nshards = 3\n")
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    m = manifest(out)
    assert (m["counts"]["cleaned"], m["counts"]["unchanged"], m["removed"]) == (15, 0, [])
    fresh = tmp_path / "fresh"
    assert cli("run", "--raw", raw, "--out", fresh, "--config", config, "--quiet") == 0
    assert parts(out) == parts(fresh)  # the five part files beyond shard 3 are gone too


def test_rule_change_reprocesses_every_article(batch, tmp_path, monkeypatch):
    raw, out = batch
    rules = tmp_path / "rules"
    shutil.copytree(io.RULES_DIR, rules)
    pack = rules / "share.toml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("Share This Article", "Share this article"),
                    encoding="utf-8")
    load_rules = io.load_rules
    monkeypatch.setattr(io, "load_rules", lambda **kw: load_rules(rules, **kw))
    task_base._context.cache_clear()
    try:
        assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
        m = manifest(out)
        assert (m["counts"]["cleaned"], m["counts"]["unchanged"]) == (15, 0)
        assert m["pipeline"]["rules_digest"] == load_rules(rules).digest != load_rules().digest
        assert all(json.loads(line)["pipeline"]["rules_digest"] == m["pipeline"]["rules_digest"]
                   for line in records(out).values())
    finally:
        task_base._context.cache_clear()


@pytest.mark.parametrize("bad", ["../x", "..", ".hidden", "", "a\\b", "/etc/passwd", "x\0y", "a//b", "a/../b", "a/.git/x"])
def test_rebuild_refuses_ids_that_cannot_name_an_input(bad, batch, capsys):
    raw, out = batch
    with pytest.raises(RebuildError):
        check_id(bad)
    before = file_stats(out)
    assert cli("rebuild", bad, "--raw", raw, "--out", out) == 2
    assert "refusing id" in capsys.readouterr().err
    assert file_stats(out) == before


def test_rebuild_gives_what_a_batch_gives(batch, tmp_path, capsys):
    raw, out = batch
    target = raw / "003_d4e081953e54f5da.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("\n", "\n\n", 3), encoding="utf-8")
    assert cli("rebuild", "003_d4e081953e54f5da", "--raw", raw, "--out", out) == 0
    fresh = tmp_path / "fresh"
    assert cli("run", "--raw", raw, "--out", fresh, "--quiet") == 0
    assert parts(out) == parts(fresh)
    # the rebuilt article's shard is marked current: the next batch redoes nothing
    before = {p: s for p, s in file_stats(out).items() if p.endswith(".jsonl")}
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert {p: s for p, s in file_stats(out).items() if p.endswith(".jsonl")} == before
    assert manifest(out)["counts"]["cleaned"] == 0


def test_rebuild_of_an_unknown_id_is_an_error(batch, capsys):
    raw, out = batch
    assert cli("rebuild", "no_such_article", "--raw", raw, "--out", out) == 4  # Exit.NOT_FOUND
    assert "no input with id" in capsys.readouterr().err


def test_rebuild_waits_for_a_batch_at_work_on_its_shard(batch):
    """Batch and rebuild take the shard's lock, so that neither overwrites the other's update."""
    import threading
    import time
    from pathlib import Path

    from newsclean.pipeline.output.shards import shard_of
    from newsclean.tasks.folder import paths

    raw, out = batch
    aid = "004_e0a4c11860b658b6"
    done = threading.Event()
    with io.locked(paths.shard_lock(Path(out), shard_of(aid, 8))):
        worker = threading.Thread(target=lambda: (cli("rebuild", aid, "--raw", raw, "--out", out), done.set()))
        worker.start()
        time.sleep(0.5)
        assert not done.is_set()  # blocked on the lock
    worker.join(timeout=60)
    assert done.is_set()


def test_an_empty_raw_folder_does_not_wipe_the_corpus(batch, capsys):
    """An unmounted share looks like an empty folder: the run refuses instead of removing all."""
    raw, out = batch
    before = file_stats(out)
    for path in raw.iterdir():
        path.unlink()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 2  # Exit.USAGE: refused as given
    assert "refusing to remove them all" in capsys.readouterr().err
    assert file_stats(out) == before


def test_input_rejected_for_its_sidecar_is_not_redone_on_a_rerun(batch):
    """A rejection at load (here an unreadable sidecar) carries the sidecar's digest like any
    record of that input, so the next run finds it current and rewrites nothing."""
    raw, out = batch
    aid = "c001_002_110745e9e9445cd3"
    (raw / f"{aid}.meta.json").write_bytes(b"{not json")
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    log = {json.loads(line)["id"]: json.loads(line) for p in sorted((out / "changelog").glob("part-*.jsonl"))
           for line in p.read_text(encoding="utf-8").splitlines()}
    assert log[aid]["status"] == "rejected" and log[aid]["changes"][0]["rule"] == "reject.bad-sidecar"
    assert log[aid]["source"]["sidecar_sha256"] == io.file_sha256(raw / f"{aid}.meta.json")
    stats = file_stats(out)
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert file_stats(out) == stats
