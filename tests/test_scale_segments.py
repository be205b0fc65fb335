"""Issue 17, point 1: the cost of a run follows the change. Additions go to a new segment of
their shard, a changed or removed record's segment is rewritten in the same commit, small
segments merge, `compact` gives a full run's parts, and readers see every id once."""
from __future__ import annotations

import json
import os
import shutil
from collections import Counter

import pytest

from .operations_support import SEEDS, cli, file_stats, make_raw, manifest, parts, records
from newsclean.pipeline import io
from newsclean.pipeline.output.segments import SegmentIndex, plan_commit
from newsclean.pipeline.output.shards import Entry
from newsclean.tasks.folder import paths
from newsclean.tasks.run.task_base import load_context
from newsclean.tasks.commands.export import export
from newsclean.tasks.commands.show import find_article


def settle(raw):
    """Inputs last changed a minute ago: old enough for the stat cache to trust them."""
    for path in raw.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 10**9))


def add_copies(raw, tag: str, n: int = 1) -> list[str]:
    """``n`` copies of the seeds under new names; their ids."""
    made = []
    for i in range(n):
        for seed in SEEDS:
            name = f"{tag}{i:02d}_{seed.name}"
            shutil.copy(seed, raw / name)
            made.append(name[:-4])
    settle(raw)
    return made


@pytest.fixture
def batch(tmp_path):
    raw, out = make_raw(tmp_path / "raw", copies=4), tmp_path / "out"
    config = tmp_path / "newsclean.toml"
    config.write_text("shards = 2\n")
    settle(raw)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    return raw, out, config


def run(raw, out, config) -> None:
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0


def all_ids(out, folder="corpus") -> Counter:
    return Counter(json.loads(line)["id"] for p in sorted((out / folder).glob("*.jsonl"))
                   for line in p.read_text(encoding="utf-8").splitlines())


@pytest.mark.integration
def test_added_articles_go_to_a_new_segment_and_old_parts_are_not_rewritten(batch):
    raw, out, config = batch
    before = {k: v for k, v in file_stats(out).items() if k.startswith(("corpus/part", "changelog/part"))}
    size_before = sum(len(b) for b in parts(out).values())
    added = add_copies(raw, "n")
    run(raw, out, config)
    after = file_stats(out)
    assert {k: after[k] for k in before} == before  # every old part untouched
    new = sorted(set(after) - set(before))
    new_parts = [k for k in new if k.startswith(("corpus/part", "changelog/part"))]
    assert len(new_parts) == 4 and all(paths.parse_part_name(k.split("/")[1])[1] > 0 for k in new_parts)
    written = sum(len(parts(out)[k]) for k in new_parts)
    assert written < size_before / 3  # 5 articles added to 20
    assert set(records(out)) >= set(added) and all(n == 1 for n in all_ids(out).values())
    assert all(n == 1 for n in all_ids(out, "changelog").values())
    assert manifest(out)["counts"]["cleaned"] == 5 and manifest(out)["counts"]["unchanged"] == 20
    assert cli("verify", "--out", out) == 0


@pytest.mark.integration
def test_a_changed_article_rewrites_its_segment_in_the_same_commit(batch):
    raw, out, config = batch
    add_copies(raw, "n")
    run(raw, out, config)
    target = raw / "n00_002_110745e9e9445cd3.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nA sentence added to this article later on.\n",
                      encoding="utf-8")
    run(raw, out, config)
    assert all(n == 1 for n in all_ids(out).values()) and all(n == 1 for n in all_ids(out, "changelog").values())
    import hashlib
    held = json.loads(records(out)["n00_002_110745e9e9445cd3"])["source"]["sha256"]
    assert held == hashlib.sha256(target.read_bytes()).hexdigest()
    assert manifest(out)["counts"]["cleaned"] == 1
    assert cli("verify", "--out", out) == 0


@pytest.mark.integration
def test_a_removed_article_leaves_its_segment_and_is_reported(batch):
    raw, out, config = batch
    added = add_copies(raw, "n")
    run(raw, out, config)
    (raw / f"{added[0]}.txt").unlink()
    (raw / "c001_000_1be1833fb9aa4d76.txt").unlink()
    run(raw, out, config)
    assert manifest(out)["removed"] == sorted([added[0], "c001_000_1be1833fb9aa4d76"])
    ids = all_ids(out, "changelog")
    assert added[0] not in ids and "c001_000_1be1833fb9aa4d76" not in ids and all(n == 1 for n in ids.values())
    assert cli("verify", "--out", out) == 0


@pytest.mark.integration
def test_compact_gives_the_parts_of_a_full_run(batch, tmp_path):
    raw, out, config = batch
    for tag in "abc":
        add_copies(raw, tag)
        run(raw, out, config)
    assert len(paths.part_files(out)) > 4  # more than one segment per shard
    fresh = tmp_path / "fresh"
    run(raw, fresh, config)
    assert parts(out) != parts(fresh)
    assert cli("compact", "--out", out) == 0
    assert parts(out) == parts(fresh)
    assert cli("verify", "--out", out) == 0
    stats = file_stats(out)
    run(raw, out, config)  # nothing changed: nothing rewritten
    assert file_stats(out) == stats


@pytest.mark.integration
def test_show_rebuild_and_export_find_records_in_later_segments(batch, tmp_path):
    raw, out, config = batch
    added = add_copies(raw, "n")
    run(raw, out, config)
    record, log = find_article(str(out), added[2])
    assert record["id"] == added[2] and log["status"] == "cleaned"
    assert cli("rebuild", added[2], "--raw", raw, "--out", out, "--config", config) == 0
    assert cli("verify", "--out", out) == 0
    fresh = tmp_path / "fresh"
    run(raw, fresh, config)
    export(str(out), "txt", str(tmp_path / "a"))
    export(str(fresh), "txt", str(tmp_path / "b"))
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").glob("*.txt")}
    assert a == {p.name: p.read_bytes() for p in (tmp_path / "b").glob("*.txt")} and len(a) == 25
    assert export(str(out), "parquet", str(tmp_path / "a.parquet")) == 25
    export(str(fresh), "parquet", str(tmp_path / "b.parquet"))
    import pyarrow.parquet as pq
    assert pq.read_table(tmp_path / "a.parquet").equals(pq.read_table(tmp_path / "b.parquet"))


@pytest.mark.integration
def test_a_config_change_rewrites_every_segment_into_one(batch):
    raw, out, config = batch
    add_copies(raw, "n")
    run(raw, out, config)
    config.write_text("shards = 2\nmax_input_bytes = 9000000\n")
    run(raw, out, config)
    assert sorted(paths.part_files(out)) == sorted(paths.shard_parts(0) + paths.shard_parts(1))
    assert manifest(out)["counts"]["cleaned"] == 25


@pytest.mark.integration
def test_a_no_change_rerun_reads_no_input(batch, monkeypatch):
    raw, out, config = batch
    run(raw, out, config)  # the first run saw the inputs settled: they are cached now
    read = []
    real = io.file_sha256
    monkeypatch.setattr(io, "file_sha256", lambda path: read.append(path) or real(path))
    run(raw, out, config)
    assert [p for p in read if str(p).startswith(str(raw))] == []


@pytest.mark.integration
def test_the_stat_cache_sees_a_replaced_file_and_rehashes_a_fresh_one(batch, monkeypatch):
    raw, out, config = batch
    target = raw / "001_88141e08922914d6.txt"
    st = target.stat()
    text = target.read_text(encoding="utf-8")
    swapped = text.replace("the", "teh", 1)
    assert len(swapped) == len(text)
    replacement = raw / ".new"
    replacement.write_text(swapped, encoding="utf-8")
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(replacement, target)  # same size and mtime, another inode
    run(raw, out, config)
    assert manifest(out)["counts"]["cleaned"] == 1
    target.write_text(text, encoding="utf-8")  # changed just now: not trusted by stat
    run(raw, out, config)
    read = []
    real = io.file_sha256
    monkeypatch.setattr(io, "file_sha256", lambda path: read.append(path) or real(path))
    run(raw, out, config)
    assert [p.name for p in read if str(p).startswith(str(raw))] == ["001_88141e08922914d6.txt"]


def entry(rid: str, sha: str = "s") -> Entry:
    return Entry(rid, f"{rid}.txt", sha)


def index(seg: int, ids: list[str], ctx) -> SegmentIndex:
    found = SegmentIndex(seg)
    from newsclean.pipeline.output.contract import stamp
    for rid in ids:
        found.add({"id": rid, "status": "cleaned", "changes": [], "source": {"path": f"{rid}.txt", "sha256": "s"},
                   "pipeline": {**stamp(ctx), "site_stats": None}})
    return found


@pytest.mark.parametrize("held, new, replaced, target", [
    ({0: 100}, 1, (), 1),  # one addition: a new segment, nothing rewritten
    ({0: 100, 1: 1}, 1, (1,), 2),  # an equal segment merges
    ({0: 100, 1: 2, 2: 1}, 1, (1, 2), 3),  # ... and the merged size carries on to older ones
    ({0: 100, 1: 8, 2: 1}, 1, (2,), 3),  # a bigger one stops the merge
    ({0: 3, 1: 2}, 2, (0, 1), 0),  # reaching segment 0 rewrites it
])
def test_small_segments_merge_into_the_new_one(held, new, replaced, target):
    ctx = load_context("")
    names = {seg: [f"s{seg}-{i}" for i in range(n)] for seg, n in held.items()}
    indexes = {seg: index(seg, ids, ctx) for seg, ids in names.items()}
    entries = [entry(rid) for ids in names.values() for rid in ids] + [entry(f"new{i}") for i in range(new)]
    plan = plan_commit(entries, indexes, ctx)
    assert (plan.replaced, plan.target) == (replaced, target)
    moved = {rid for seg in replaced for rid in names[seg]}
    assert {e.id for e in plan.entries} == moved | {f"new{i}" for i in range(new)}


def test_a_changed_record_dirties_only_its_segment():
    ctx = load_context("")
    base = list("abfghijk")
    indexes = {0: index(0, base, ctx), 1: index(1, ["c", "d", "e"], ctx)}
    plan = plan_commit([entry(r) for r in base] + [entry("c", "changed"), entry("d"), entry("e")], indexes, ctx)
    assert plan.replaced == (1,) and {e.id for e in plan.entries} == {"c", "d", "e"} and plan.target == 2
    plan = plan_commit([entry(r) for r in base if r != "b"] + [entry("c"), entry("d"), entry("e")], indexes, ctx)
    # b removed: segment 0 is rewritten, and segment 1, smaller than what it will hold, merged in
    assert plan.replaced == (0, 1) and plan.target == 0
    assert {e.id for e in plan.entries} == set(base) - {"b"} | {"c", "d", "e"}
