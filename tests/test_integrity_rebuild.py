"""Issue 13, point 4: a rebuild with another config or raw folder marks its shard changed,
so that the next run makes every record match the batch's own raw folder and config; one
function writes and reads a plan entry (named fields, old positional entries still read)."""
import json
import shutil

import pytest

from newsclean.pipeline.output.shards import Entry, shard_of

from .operations_support import cli, make_raw, manifest, parts, records

pytestmark = pytest.mark.integration

ID = "c001_002_110745e9e9445cd3"


@pytest.fixture
def batch(tmp_path):
    raw, out = make_raw(tmp_path / "raw", copies=4), tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    return raw, out, parts(out)


def reference_log(reference):
    return next(line for name, data in reference.items() if name.startswith("changelog/")
                for line in data.decode().splitlines() if json.loads(line)["id"] == ID)


def log_of(out, aid):
    return json.loads(records(out, "changelog")[aid])


def test_rebuild_with_another_config_is_undone_by_the_next_run(batch, tmp_path, capsys):
    raw, out, reference = batch
    other = tmp_path / "other.toml"
    other.write_text("max_input_bytes = 9000000\n")
    digest = log_of(out, ID)["pipeline"]["config_digest"]
    assert cli("rebuild", ID, "--raw", raw, "--out", out, "--config", other) == 0
    assert log_of(out, ID)["pipeline"]["config_digest"] != digest
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", out) == 0
    assert "nothing changed" not in capsys.readouterr().out
    assert log_of(out, ID)["pipeline"]["config_digest"] == digest
    assert parts(out) == reference
    assert manifest(out)["counts"]["cleaned"] == 1


def test_rebuild_from_another_raw_folder_is_undone_by_the_next_run(batch, tmp_path):
    raw, out, reference = batch
    other = tmp_path / "other"
    shutil.copytree(raw, other)
    target = other / f"{ID}.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nA sentence only the other folder has.\n", encoding="utf-8")
    assert cli("rebuild", ID, "--raw", other, "--out", out) == 0
    assert log_of(out, ID)["source"]["sha256"] != json.loads(reference_log(reference))["source"]["sha256"]
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert parts(out) == reference


def test_rebuild_keeps_the_sidecar_hash_in_the_plan(tmp_path):
    raw, out = make_raw(tmp_path / "raw", copies=2), tmp_path / "out"
    (raw / f"{ID}.meta.json").write_text(json.dumps({"title": "A title from the sidecar"}))
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    reference = parts(out)
    assert cli("rebuild", ID, "--raw", raw, "--out", out) == 0
    shard = shard_of(ID, manifest(out)["shards"])
    for path in (out / "_state" / "plan").glob(f"{shard:05d}-*.json"):
        entry = next(e for e in json.loads(path.read_text())["entries"] if (e["id"] if isinstance(e, dict) else e[0]) == ID)
        assert (entry["sidecar_sha256"] if isinstance(entry, dict) else entry[4:5] and entry[4]) is not None
    for path in (out / "_state" / "shards").glob(f"{shard:05d}-*.json"):
        path.unlink()  # a cache: the shard is cleaned again from its plan, which must hold the sidecar's hash
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert parts(out) == reference and manifest(out)["counts"]["read"] == 10
    assert manifest(out)["counts"]["cleaned"] == 0


@pytest.mark.parametrize("stored", [
    ["a", "a.txt", "f" * 64, None],
    ["a", "a.txt", "f" * 64, None, None],
    {"id": "a", "rel": "a.txt", "sha256": "f" * 64},
])
def test_plan_entries_of_earlier_versions_still_read(stored):
    from newsclean.pipeline.output.shards import plan_entries

    assert plan_entries({"entries": [stored]}) == [Entry("a", "a.txt", "f" * 64)]


def test_a_plan_entry_is_written_by_name_and_read_back():
    from newsclean.pipeline.output.shards import plan_entries, plan_json

    entry = Entry("a", "x/a.txt", "f" * 64, "x/b.txt", "e" * 64)
    data = json.loads(json.dumps(plan_json(3, "d", [entry])))
    assert data["entries"] == [{"id": "a", "rel": "x/a.txt", "sha256": "f" * 64, "duplicate_of": "x/b.txt",
                                "sidecar_sha256": "e" * 64}]
    assert plan_entries(data) == [entry]
    with pytest.raises(ValueError):
        plan_entries({"entries": [{"id": "a"}]})


def test_verify_after_a_rebuild_that_rejects_or_restores_an_article(batch):
    """The manifest's counts wait for the next run; verify used to compare them with the
    parts as they are and call the folder damaged ("the manifest counts 20 records corpus,
    the parts hold 19") after a rebuild that turned a cleaned article into a rejected one."""
    raw, out, _ = batch
    path = next(raw.glob(f"{ID}.txt"))
    text = path.read_bytes()
    path.write_bytes(b"")
    assert cli("rebuild", ID, "--raw", raw, "--out", out) == 0
    assert log_of(out, ID)["status"] == "rejected" and ID not in records(out)
    assert cli("verify", "--out", out) == 0
    path.write_bytes(text)
    assert cli("rebuild", ID, "--raw", raw, "--out", out) == 0
    assert ID in records(out) and cli("verify", "--out", out) == 0
    lost = next(p for p in sorted((out / "corpus").glob("part-*.jsonl")) if p.stat().st_size)
    lost.write_bytes(lost.read_bytes().split(b"\n", 1)[1])  # a record lost after it: still damage
    assert cli("verify", "--out", out) == 1
