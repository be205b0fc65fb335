"""Issue 17, peak memory flat in archive size: a shard's worker holds one segment's worth of
records at a time, whatever the size of its shard. A segment holds at most SEGMENT_RECORDS
records, sealed (its files closed, its index written and let go) as it fills, and a full
run's plan is read a piece at a time and sorted on disk instead of held. Small limits here
stand for the 4,096 records of a real segment."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from .operations_support import SEEDS, cli, make_raw, parts, records
from newsclean.pipeline import io
from newsclean.pipeline.output import segments as segment_rules
from newsclean.pipeline.output.segments import SegmentIndex, plan_commit
from newsclean.pipeline.output.shards import Entry, process_shard
from newsclean.tasks.folder import paths, plans, segment_files as segments
from newsclean.tasks.run.task_base import load_context


def log(rid: str) -> dict:
    return {"id": rid, "status": "cleaned", "changes": [], "source": {"path": f"{rid}.txt", "sha256": "s"},
            "pipeline": {}}


def test_a_run_of_records_is_written_to_segments_of_a_bounded_size_each_let_go_as_it_fills(tmp_path):
    out = tmp_path / "out"
    ids = [f"a{i:02d}" for i in range(7)]
    held = []
    with segments.SegmentRun(out, 0, 0, limit=3) as run:
        for rid in ids:
            run.write(json.dumps({"id": rid}), json.dumps(log(rid)), log(rid))
            held.append(sum(len(w.index.ids) for w in run.writers))
            assert sum(not w.corpus.fh.closed for w in run.writers) == 1  # one open part file per folder
        assert [w.segment for w in run.writers] == [0, 1, 2]
        assert [w.sealed for w in run.writers] == [True, True, False]
        table = segments.commit_shard(out, 0, run.writers, (), [], [])
    assert max(held) <= 3  # the ids an index holds: one segment's, never the run's
    assert [p["path"] for p in table] == sorted(f"{f}/{paths.part_name(0, s)}" for f in ("corpus", "changelog")
                                                for s in (0, 1, 2))
    assert [list(segments.load_index(out, 0, s).ids) for s in (0, 1, 2)] == [ids[:3], ids[3:6], ids[6:]]
    assert [rid for s in (0, 1, 2) for rid, _ in io.part_records(paths.corpus_part(out, 0, s))] == ids


def test_a_run_skips_the_segments_its_commit_keeps(tmp_path):
    out = tmp_path / "out"
    with segments.SegmentRun(out, 0, 0, taken={1, 2}, limit=2) as run:
        for rid in "abcde":
            run.write(None, json.dumps(log(rid)), log(rid))
        assert [w.segment for w in run.writers] == [0, 3, 4]
        for w in run.writers:
            w.discard()


def test_a_full_segment_is_not_merged_as_a_small_one(monkeypatch):
    monkeypatch.setattr(segment_rules, "SEGMENT_RECORDS", 4)
    ctx = load_context("")
    from newsclean.pipeline.output.contract import stamp

    def index(seg, ids):
        found = SegmentIndex(seg)
        for rid in ids:
            found.add({**log(rid), "pipeline": {**stamp(ctx), "site_stats": None}})
        return found

    names = {0: ["a", "b", "c", "d"], 1: ["e", "f", "g", "h"], 2: ["i"]}
    indexes = {seg: index(seg, ids) for seg, ids in names.items()}
    entries = [Entry(r, f"{r}.txt", "s") for ids in names.values() for r in ids]
    new = [Entry(f"n{i}", f"n{i}.txt", "s") for i in range(6)]
    plan = plan_commit(entries + new, indexes, ctx)
    assert plan.replaced == (2,)  # 7 records: the small one merged, the full one before it left alone


def write_plan(out, shard, entries) -> str:
    plans.write_whole(out, shard, "d0", entries)
    return "d0"


def test_a_plan_is_read_a_piece_at_a_time(tmp_path, monkeypatch):
    out = tmp_path / "out"
    entries = [Entry(f"id{i:04d}", f"dir/é{i:04d}.txt", f"{i:064x}", None, None) for i in range(3000)]
    write_plan(out, 0, entries)
    path = paths.shard_plan(out, 0, "d0")
    opened = []
    real_open = open

    def spy(file, *a, **k):
        fh = real_open(file, *a, **k)
        if str(file) == str(path):
            opened.append(fh)
        return fh

    monkeypatch.setattr("builtins.open", spy)
    stream = plans.iter_entries(out, 0, "d0")
    assert next(stream) == entries[0]
    assert opened and opened[0].buffer.tell() < path.stat().st_size / 4  # the first entry before the file is read
    assert [entries[0], *stream] == entries == plans.read(out, 0, "d0")


def test_a_streamed_plan_applies_its_deltas_as_a_read_plan_does(tmp_path):
    out = tmp_path / "out"
    first = [Entry(f"id{i}", f"{i}.txt", "a") for i in range(20)]
    plans.write_whole(out, 0, "d0", first)
    second = first[2:] + [Entry("new1", "new1.txt", "b")]
    assert plans.write_delta(out, 0, "d1", lambda: second, "d0")
    third = [e for e in second if e.id != "new1"] + [Entry("new2", "new2.txt", "c"), Entry("id5", "5.txt", "z")]
    third = [e for e in third if e != first[5]]
    assert plans.write_delta(out, 0, "d2", lambda: third, "d1")
    assert "base" in json.loads(paths.shard_plan(out, 0, "d2").read_text())
    assert sorted(plans.iter_entries(out, 0, "d2"), key=lambda e: e.rel) == plans.read(out, 0, "d2")
    assert sorted(plans.iter_entries(out, 0, "d2"), key=lambda e: e.rel) == sorted(third, key=lambda e: e.rel)


@pytest.mark.parametrize("text", ['{"shard":0,"digest":"d0","entries":[{"id":"a","rel":"a.txt","sha256":"s"},',
                                  '{"shard":0,"digest":"d0","entries":[{"id":"a"}]}', '[]'])
def test_a_damaged_plan_raises_when_streamed(tmp_path, text):
    out = tmp_path / "out"
    path = paths.shard_plan(out, 0, "d0")
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(ValueError):
        list(plans.iter_entries(out, 0, "d0"))


def test_process_shard_takes_entries_in_part_order_one_at_a_time():
    ctx = load_context("")
    entries = [Entry("b", "b.txt", "s"), Entry("a", "a.txt", "s"), Entry("a", "z.txt", "s", "a.txt")]

    def load(entry):
        raise FileNotFoundError(entry.rel)

    held = process_shard(entries, {"gone": (None, "{}")}, load, ctx)
    ordered = sorted(entries, key=lambda e: e.id if e.duplicate_of is None else f"{e.id}@{e.rel}")
    taken = []

    def one_at_a_time():
        for e in ordered:
            taken.append(e)
            yield e

    streamed = process_shard(one_at_a_time(), {"gone": (None, "{}")}, load, ctx, total=3)
    assert streamed == held and streamed.removed == ["gone"] and taken == ordered


def settle(raw):
    for path in raw.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 10**9))


@pytest.mark.integration
def test_a_shard_bigger_than_a_segment_is_written_in_full_segments_and_runs_on(tmp_path, monkeypatch):
    """Shards of 10 articles in segments of 4: a full run writes segments 0-2 of each shard,
    the same records as one segment per shard (the parts concatenated); the plan is not read
    whole; an addition writes a new segment only; compact gives a full run's parts."""
    raw, config = make_raw(tmp_path / "raw", copies=4), tmp_path / "newsclean.toml"
    config.write_text("shards = 2\n")
    settle(raw)
    one = tmp_path / "one"
    assert cli("run", "--raw", raw, "--out", one, "--config", config, "--quiet") == 0
    monkeypatch.setattr(segment_rules, "SEGMENT_RECORDS", 4)
    monkeypatch.setattr(plans, "read", lambda *a: pytest.fail("a full run reads its plan whole"))
    out = tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    monkeypatch.undo()
    monkeypatch.setattr(segment_rules, "SEGMENT_RECORDS", 4)
    held = {shard: sorted(segments.segments(segments.recorded_parts(out, shard))) for shard in (0, 1)}
    sizes = {shard: [len(segments.load_index(out, shard, s).ids) for s in held[shard]] for shard in (0, 1)}
    assert sum(map(sum, sizes.values())) == 20 and all(n <= 4 for s in sizes.values() for n in s)
    assert all(held[s] == list(range(len(held[s]))) and len(held[s]) >= 2 for s in (0, 1))

    def joined(folder):
        held = parts(folder)
        return {shard: b"".join(held[f"corpus/{paths.part_name(shard, s)}"] for s in range(3)
                                if f"corpus/{paths.part_name(shard, s)}" in held) for shard in (0, 1)}

    assert joined(out) == joined(one)
    assert cli("verify", "--out", out) == 0
    before = parts(out)
    for seed in SEEDS[:2]:
        shutil.copy(seed, raw / f"n_{seed.name}")
    settle(raw)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    after = parts(out)
    assert {k: after[k] for k in before} == before  # the full segments are left as they are
    assert set(records(out)) >= {f"n_{seed.stem}" for seed in SEEDS[:2]} and cli("verify", "--out", out) == 0
    fresh = tmp_path / "fresh"
    assert cli("run", "--raw", raw, "--out", fresh, "--config", config, "--quiet") == 0
    assert cli("compact", "--out", out) == 0
    assert parts(out) == parts(fresh)
    assert cli("verify", "--out", out) == 0


def test_a_plan_after_a_change_is_written_as_a_delta_holding_neither_plan(tmp_path, monkeypatch):
    """The delta is made from both plans sorted on disk (runs of 4 rows here) and compared as
    they are read: the plan it makes reads back as the new entries; neither plan is read whole."""
    monkeypatch.setattr(io, "SORT_RUN", 4)
    out = tmp_path / "out"
    first = [Entry(f"id{i:02d}", f"{i:02d}.txt", "a") for i in range(30)] + [Entry("id03", "dup.txt", "a", "03.txt")]
    plans.write_whole(out, 0, "d0", first)
    second = [e for e in first if e.id not in ("id07", "id21")] + [Entry("new", "new.txt", "b")]
    second = [Entry("id11", "11.txt", "changed") if e.id == "id11" else e for e in second]
    monkeypatch.setattr(plans, "links", lambda *a, **k: pytest.fail("a plan read whole"))
    assert plans.write_delta(out, 0, "d1", lambda: iter(reversed(second)), "d0")
    monkeypatch.undo()
    data = json.loads(paths.shard_plan(out, 0, "d1").read_text())
    assert {e["id"] for e in data["added"]} == {"new", "id11"}
    assert {(e["id"], e["sha256"]) for e in data["removed"]} == {("id07", "a"), ("id21", "a"), ("id11", "a")}
    assert plans.read(out, 0, "d1") == sorted(second, key=lambda e: e.rel)
    # a change of more than half the shard is written whole
    third = [Entry(f"x{i}", f"x{i}.txt", "c") for i in range(20)]
    assert not plans.write_delta(out, 0, "d2", lambda: iter(third), "d1")


@pytest.mark.integration
def test_a_full_run_streams_the_records_of_a_multi_record_file(tmp_path, monkeypatch):
    """A JSONL file's records, spread over both shards, each written once in segments of 2."""
    monkeypatch.setattr(segment_rules, "SEGMENT_RECORDS", 2)
    text = SEEDS[0].read_text(encoding="utf-8")
    raw, out, config = tmp_path / "raw", tmp_path / "out", tmp_path / "newsclean.toml"
    raw.mkdir()
    (raw / "dump.jsonl").write_text("".join(json.dumps({"id": f"r{n}", "text": f"{text}\nEnd {n}.\n"}) + "\n"
                                            for n in range(6)), encoding="utf-8")
    config.write_text("shards = 2\n")
    settle(raw)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert set(records(out)) == {f"r{n}" for n in range(6)}
    assert len(paths.part_files(out)) > 4 and cli("verify", "--out", out) == 0
