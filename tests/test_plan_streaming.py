"""Issue 17, "peak memory flat in archive size": planning a batch streams. The raw folder is
walked as it is read (io.RawWalk), each input is hashed or looked up in the stat cache as it
is found (the cache is a SQLite file looked up an input at a time, never loaded whole), its
articles are spilled by shard, and each shard is planned alone (tasks/run/plan_inputs.py). At
100,000 inputs the plan held the whole listing, the whole stat cache parsed and every
shard's entries at once (231-252 MB against 67-71 MB at 10,000)."""
from __future__ import annotations

import gc
import os
import tracemalloc
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.output.shards import Entry, plan_shards
from newsclean.tasks import batch
from newsclean.tasks.folder import paths, statcache


def settle(raw: Path) -> None:
    """Inputs last changed a minute ago: old enough for the stat cache to trust them."""
    for path in raw.rglob("*"):
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 10**9))


def write_raw(raw: Path, count: int, folders: tuple[str, ...] = ("",)) -> Path:
    for i in range(count):
        folder = raw / folders[i % len(folders)]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"story-{i:05d}.txt").write_text(f"Story {i}\n\nThe council met on day {i} to talk about road {i}.\n",
                                                   encoding="utf-8")
    settle(raw)
    return raw


def config(tmp_path: Path, shards: int) -> str:
    path = tmp_path / f"shards{shards}.toml"
    path.write_text(f"shards = {shards}\n")
    return str(path)


def publish(out: Path, task) -> None:
    """What a run's Publish leaves for the next plan to compare with (bench/plan_scale.py)."""
    io.atomic_write_json(paths.manifest(out), {"shard_digests": list(task.digests), "counts": {"read": 1}})


# --- the walk ------------------------------------------------------------------------------

def test_the_walk_gives_an_input_before_it_has_listed_the_tree(tmp_path, monkeypatch):
    raw = write_raw(tmp_path / "raw", 40, ("", "a", "b/c", "d"))
    listed = []
    scandir = os.scandir
    monkeypatch.setattr(io.os, "scandir", lambda path: listed.append(path) or scandir(path))
    walk = iter(io.RawWalk(raw))
    first = next(walk)
    assert first.rel.count("/") == 0 and len(listed) == 1  # the top folder alone has been read
    rest = list(walk)
    assert len(listed) == 5 and len(rest) == 39


def test_the_listing_is_in_path_order_as_before(tmp_path):
    raw = tmp_path / "raw"
    for rel in ("a.txt", "a/b.txt", "a-b.txt", "a0.txt", "b/a.txt", "b.txt", "B.txt", "a/z/y.txt", "a/c.txt",
                ".hidden/x.txt", "notes.csv", "README.md", "x.meta.json"):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text("Title\n\nSome text.\n")
    listing = io.scan_raw(raw)
    rels = [r.rel for r in listing.inputs]
    assert rels == sorted(rels) and len(rels) == 9
    assert listing.ignored == ["notes.csv"]
    walked = io.RawWalk(raw)
    assert sorted(r.rel for r in walked) == rels and walked.ignored == ["notes.csv"]


def test_an_output_folder_inside_raw_is_skipped_and_named(tmp_path):
    raw = write_raw(tmp_path / "raw", 3)
    (raw / "clean" / "corpus").mkdir(parents=True)
    (raw / "clean" / "corpus" / "part-00000.txt").write_text("not an input")
    walk = io.RawWalk(raw, skip=raw / "clean")
    assert len(list(walk)) == 3 and walk.skipped == "clean"


# --- the plan ------------------------------------------------------------------------------

def test_a_plan_reads_the_stat_cache_in_path_order_beside_the_inputs(tmp_path, monkeypatch):
    """The walk comes in the file system's order; the inputs are put in path order on disk
    (sorted runs, merged) and the stat cache is read in that order, beside them: one pass
    over its table, never a lookup per input (which read a 4 KiB page per input at random,
    758 MB at 100,000 inputs). The sort holds a run of rows at a time, not the listing."""
    raw, out = write_raw(tmp_path / "raw", 30, ("", "x")), tmp_path / "out"
    walk_iter = io.RawWalk.__iter__
    monkeypatch.setattr(io.RawWalk, "__iter__", lambda self: iter(sorted(walk_iter(self), key=lambda r: r.rel,
                                                                          reverse=True)))  # any order
    asked = []

    def get(self, rel, real=statcache.StatCache.get):
        asked.append(rel)
        return real(self, rel)

    monkeypatch.setattr(statcache.StatCache, "get", get)
    sort = io.external_sorted
    held = []
    monkeypatch.setattr(io, "external_sorted", lambda rows, key, folder, run=4096: (
        held.append(folder), sort(rows, key, folder, run=4))[1])  # runs of 4 rows: 8 runs merged
    first = batch.plan_batch(str(raw), str(out))  # every input hashed, and cached
    publish(out, first)
    assert held and asked == sorted(asked) and len(asked) == 30
    asked.clear()
    monkeypatch.setattr(io, "_hash_input", lambda *a: pytest.fail("an unchanged input was read"))
    monkeypatch.setattr(io.InputStatStore, "get", lambda *a: pytest.fail("an input looked up alone"))
    again = batch.plan_batch(str(raw), str(out))  # nothing changed: every input from the cache
    assert asked == sorted(asked) and len(asked) == 30
    assert again.digests == first.digests


def test_the_sort_on_disk_gives_the_sorted_rows_holding_a_run(tmp_path):
    import random

    rows = [[f"r{random.Random(i).random():.12f}", i] for i in range(1000)]
    got = list(io.external_sorted(iter(rows), key=lambda row: row[0], folder=tmp_path, run=7))
    assert got == sorted(rows, key=lambda row: row[0])  # 143 runs: merged in passes of FAN_IN
    assert not list(tmp_path.iterdir())  # every run removed once read


def test_each_shard_is_planned_alone_and_its_digest_streamed(tmp_path, monkeypatch):
    """A shard's digest is made from its entries one at a time (its rows sorted by id on
    disk): while it is made, no shard's entries are held, its own included; the digests
    are those of the whole listing's shards."""
    from newsclean.pipeline.stages.context import Context
    from newsclean.pipeline.output.shards import shard_digest

    raw, out = write_raw(tmp_path / "raw", 60), tmp_path / "out"
    (raw / "story-00004.text").write_text("Another\n\nThe same id as story-00004.txt.\n")
    settle(raw)
    seen = []
    digest = batch.shard_digest

    def counting(entries, ctx, ordered=False):
        most, count = 0, 0

        def watched():
            nonlocal most, count
            for e in entries:
                gc.collect()
                most = max(most, sum(1 for o in gc.get_objects() if type(o) is Entry))
                count += 1
                yield e
        result = digest(watched(), ctx, ordered) if ordered else digest(list(watched()), ctx)
        seen.append((count, most))
        return result

    monkeypatch.setattr(batch, "shard_digest", counting)
    task = batch.plan_batch(str(raw), str(out), config(tmp_path, 6))
    assert len(seen) == 6 and sum(n for n, _ in seen) == 61
    assert all(most <= 2 for _, most in seen), seen  # the entry at hand (and the one before)
    ctx = Context(io.load_config(config(tmp_path, 6)), io.load_rules())
    whole = plan_shards(io.list_inputs(raw, 10_000_000), 6)
    assert list(task.digests) == [shard_digest(whole[i], ctx) for i in range(6)]


def test_the_streamed_plan_gives_the_entries_of_the_whole_listing(tmp_path):
    """Each shard's entries, duplicates marked, as plan_shards gives them for the sorted listing."""
    from newsclean.tasks.run import plan_inputs

    raw = write_raw(tmp_path / "raw", 20, ("", "sub"))
    (raw / "story-00004.text").write_text("Another\n\nThe same id as story-00004.txt.\n")
    (raw / "sub" / "story-00003.text").write_text("Third\n\nThe same id as sub/story-00003.txt.\n")
    settle(raw)
    out = tmp_path / "out"
    whole = plan_shards(io.list_inputs(raw, 10_000_000), 4)
    with plan_inputs.listed(raw, out, 10_000_000, 4) as inputs:
        streamed = dict(inputs.shards())
        assert inputs.count == 22 and inputs.shard(2) == whole[2]
    assert streamed == whole
    assert sum(1 for entries in whole.values() for e in entries if e.duplicate_of) == 2


@pytest.mark.integration
def test_planning_memory_does_not_grow_with_the_archive(tmp_path, monkeypatch):
    """Python's allocations at the plan's peak (tracemalloc) at 300 and 3,000 inputs, the
    shards ten times as many so that a shard holds as many: what is added per input stays
    small (the listing, the stat cache and every entry held: over 1,200 bytes an input). The
    sort on disk holds a run of rows (4,096 in a run): 256 here, so that both sizes fill one.

    Each plan is made twice, into two output folders, and the lower peak is the plan's: a
    one-time cost of the process lands in one plan, never in both. CPython's table of
    interned strings (pathlib interns every path part) doubles when it fills, a single
    allocation of 1.9 or 3.7 MB whose moment depends on every string the process has
    interned, earlier tests' in the same worker included; once grown it has room for at least
    as many strings as it holds (tens of thousands under pytest), more than a plan interns.
    Measured once, that growth fell in the plan at 3,000 after some tests (1,600 bytes an
    input) and in the plan at 300 when alone (hiding as much)."""
    monkeypatch.setattr(io, "SORT_RUN", 256)
    peaks = {}
    for count in (300, 3000):
        raw = write_raw(tmp_path / f"raw{count}", count)
        cfg = config(tmp_path, count // 100)
        batch.plan_batch(str(write_raw(tmp_path / f"warm{count}", 2)), str(tmp_path / f"warm-out{count}"), cfg)
        outs = [tmp_path / f"out{count}-{i}" for i in (1, 2)]
        for step in ("first", "no change"):
            seen = []
            for out in outs:
                gc.collect()
                tracemalloc.start()
                task = batch.plan_batch(str(raw), str(out), cfg)
                seen.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
                publish(out, task)
            peaks[count, step] = min(seen)
    for step in ("first", "no change"):
        per_input = (peaks[3000, step] - peaks[300, step]) / 2700
        assert per_input < 400, (step, peaks)


# --- the spill folder of a killed plan -----------------------------------------------------

@pytest.mark.integration  # kills a plan process
def test_a_killed_plans_spill_folder_is_removed_by_the_next_plan(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)  # a process that has ended
    host = io._HOST
    dead = tmp_path / "tmp" / f"newsclean-plan~{host}~{dead_pid}~abc"
    live = tmp_path / "tmp" / f"newsclean-plan~{host}~{os.getppid()}~def"  # pytest's parent: alive
    other = tmp_path / "tmp" / "someone-elses-folder"
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "00000.jsonl").write_text("[0, []]\n")
    raw = write_raw(tmp_path / "raw", 5)
    batch.plan_batch(str(raw), str(tmp_path / "out"))
    assert not dead.exists()
    assert live.exists() and other.exists()
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == sorted([live.name, other.name])  # its own removed too


# --- the plans a run checks ----------------------------------------------------------------

def test_a_no_change_plan_reads_no_plan_file_whose_stat_is_unchanged(tmp_path, monkeypatch):
    """Each run checked every shard's plan by reading it in full (24 MB at 100,000 inputs);
    a plan file found readable (or written) is recorded by its size, mtime_ns and inode, and
    read again only when one of them changed."""
    from newsclean.tasks.folder import plans

    raw, out = write_raw(tmp_path / "raw", 40), tmp_path / "out"
    cfg = config(tmp_path, 4)
    first = batch.plan_batch(str(raw), str(out), cfg)
    publish(out, first)
    (raw / "story-00040.txt").write_text("Story 40\n\nA new story about the harbour.\n", encoding="utf-8")
    settle(raw)
    second = batch.plan_batch(str(raw), str(out), cfg)  # one shard changes: its plan a delta on the first
    publish(out, second)
    for shard, digest in enumerate(second.digests):  # a delta's count without its entries made
        assert plans.count(out, shard, digest) == len(plans.read(out, shard, digest))
    links = plans.links
    read = []
    monkeypatch.setattr(plans, "links", lambda out, shard, digest, hook=None: read.append(shard) or links(
        out, shard, digest, **({"hook": hook} if hook else {})))
    assert batch.plan_batch(str(raw), str(out), cfg).digests == second.digests
    assert read == []  # nothing changed: no plan read
    changed = next(i for i in range(4) if second.digests[i] != first.digests[i])
    plan = paths.shard_plan(out, changed, second.digests[changed])
    plan.write_text("{")  # damaged: its size and inode differ from those recorded
    assert batch.plan_batch(str(raw), str(out), cfg).digests == second.digests
    assert read == [changed]  # read, found unreadable, planned again
    assert plans.readable(out, changed, second.digests[changed]) and plans.read(out, changed, second.digests[changed])
