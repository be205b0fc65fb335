"""Issue 17, point 4: a run that adds one article writes state in proportion to the change,
not to the archive: the input stat cache (``_state/inputstat/``), the shard plans
(``_state/plan/``) and the shard states (``_state/shards/``) were each rewritten whole by
every run that touched a shard; the SQLite dedup index is written in place, by pages."""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from .operations_support import cli, manifest, parts
from newsclean.pipeline.output.shards import Entry, plan_json
from newsclean.tasks import integrity, paths, plans, statcache


def settle(files: list[Path]) -> None:
    """Inputs last changed a minute ago: old enough for the stat cache to trust them."""
    for path in files:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 10**9))


def write_articles(raw: Path, start: int, count: int) -> list[Path]:
    """``count`` short articles, each its own text, settled (tests/test_scale_segments.py)."""
    raw.mkdir(parents=True, exist_ok=True)
    made = [raw / f"story-{i:05d}.txt" for i in range(start, start + count)]
    for i, path in zip(range(start, start + count), made):
        path.write_text(
            f"Council report number {i}\n\nThe town council met on day {i} of the session to discuss item {i}. "
            f"Residents of ward {i % 7} asked about the state of road {i} and the new library.\n", encoding="utf-8")
    settle(made)
    return made


BLOCK = 4096


def snapshot(out: Path) -> dict[str, tuple]:
    """rel -> (inode, mtime_ns, size, digests of its 4 KiB blocks when it is an SQLite file)."""
    found = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            st = p.stat()
            data = p.read_bytes() if p.suffix == ".sqlite" else b""
            found[p.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size, [
                hashlib.sha256(data[i:i + BLOCK]).digest() for i in range(0, len(data), BLOCK)])
    return found


def written(before: dict, after: dict) -> Counter:
    """Bytes written, by folder (``_state/plan``, ``corpus``...): every file created or
    replaced, and of a file changed in place (SQLite) the blocks that differ."""
    by: Counter = Counter()
    for rel, (ino, mtime, size, blocks) in after.items():
        old = before.get(rel)
        if old is not None and old[:3] == (ino, mtime, size):
            continue
        if old is not None and old[0] == ino and blocks:
            size = BLOCK * sum(1 for i, b in enumerate(blocks) if i >= len(old[3]) or old[3][i] != b)
        folder = rel.split("/")
        by["/".join(folder[:2]) if folder[0] == "_state" and len(folder) > 2 else folder[0]] += size
    return by


def add_one(tmp_path: Path, articles: int) -> tuple[Counter, int]:
    """(bytes a run that adds one article to an archive of ``articles`` writes, by folder;
    the output's size)."""
    raw, out = tmp_path / f"raw{articles}", tmp_path / f"out{articles}"
    config = tmp_path / "newsclean.toml"
    config.write_text("shards = 2\n")
    write_articles(raw, 0, articles)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0  # nothing to do
    write_articles(raw, articles, 1)
    before = snapshot(out)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert manifest(out)["counts"]["cleaned"] == 1 and manifest(out)["counts"]["unchanged"] == articles
    assert cli("verify", "--out", out) == 0
    return written(before, snapshot(out)), sum(v[2] for v in before.values())


@pytest.mark.integration
def test_adding_one_article_writes_state_that_does_not_grow_with_the_archive(tmp_path):
    small, small_size = add_one(tmp_path, 40)
    large, large_size = add_one(tmp_path, 400)
    assert large_size > 5 * small_size  # the archive grew ten-fold
    for folder in ("_state/plan", "_state/inputstat", "_state/shards"):
        assert small[folder] > 0, folder  # the run did write each of them
        # each was rewritten whole (ten times the bytes): now a delta of about the same size
        assert large[folder] <= 1.5 * small[folder] + 256, (folder, small[folder], large[folder])
    assert sum(large.values()) <= 1.5 * sum(small.values()) + 8 * BLOCK, (small, large)


# --- the stat cache ------------------------------------------------------------------------

def entry(rel: str, n: int = 0) -> list:
    return [[100 + n, 1_000_000 + n, 7, None], [[rel[:-4], rel, f"{n:064x}", None]]]


def cache_of(tmp_path: Path, count: int) -> tuple[Path, Path]:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir(exist_ok=True)
    cache = statcache.load(out, raw)
    cache.inputs.update({f"a{i:06d}.txt": entry(f"a{i:06d}.txt", i) for i in range(count)})
    assert statcache.save(out, cache)
    return raw, out


def files(out: Path) -> list[str]:
    return sorted(p.name for p in paths.input_stats_dir(out).iterdir())


@pytest.mark.parametrize("count", [10, 2000])
def test_the_stat_cache_writes_a_delta_the_size_of_the_change(tmp_path, count):
    raw, out = cache_of(tmp_path, count)
    cache = statcache.load(out, raw)
    assert len(cache.inputs) == count
    cache.inputs["new.txt"] = entry("new.txt", 1)
    del cache.inputs["a000003.txt"]
    assert statcache.save(out, cache)
    assert files(out) == ["00000001-full.json", "00000002-delta.json"]
    delta = paths.input_stats_dir(out) / "00000002-delta.json"
    assert json.loads(delta.read_text())["inputs"] == {"a000003.txt": None, "new.txt": entry("new.txt", 1)}
    assert delta.stat().st_size < 1000  # whatever the size of the cache
    again = statcache.load(out, raw)
    assert "new.txt" in again.inputs and "a000003.txt" not in again.inputs and len(again.inputs) == count
    assert not statcache.save(out, again)  # nothing changed: nothing written


def test_the_stat_cache_is_written_whole_when_its_deltas_outweigh_it(tmp_path):
    raw, out = cache_of(tmp_path, 4)
    seen = []
    for n in range(3):
        cache = statcache.load(out, raw)
        cache.inputs[f"b{n}.txt"] = entry(f"b{n}.txt")
        statcache.save(out, cache)
        seen.append(files(out))
    assert seen == [["00000001-full.json", "00000002-delta.json"],
                    ["00000001-full.json", "00000002-delta.json", "00000003-delta.json"],
                    ["00000004-full.json"]]  # 3 entries in deltas on 4 in full: written whole, the rest deleted
    cache = statcache.load(out, raw)
    assert cache.base == 7 and cache.deltas == 0 and len(cache.inputs) == 7


def test_the_stat_cache_of_earlier_versions_is_read_then_replaced(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    legacy = {"raw": str(raw.resolve()), "inputs": {"x.txt": entry("x.txt")}}
    paths.input_stats(out).parent.mkdir(parents=True)
    paths.input_stats(out).write_text(json.dumps(legacy))
    cache = statcache.load(out, raw)
    assert cache.inputs == legacy["inputs"]
    cache.inputs["y.txt"] = entry("y.txt")
    statcache.save(out, cache)
    assert not paths.input_stats(out).exists() and files(out) == ["00000001-full.json"]
    assert set(statcache.load(out, raw).inputs) == {"x.txt", "y.txt"}


def test_a_stat_cache_of_another_raw_folder_or_unreadable_is_dropped(tmp_path):
    raw, out = cache_of(tmp_path, 5)
    other = tmp_path / "other"
    other.mkdir()
    assert statcache.load(out, other).inputs == {}
    cache = statcache.load(out, raw)
    cache.inputs["n.txt"] = entry("n.txt")
    statcache.save(out, cache)
    (paths.input_stats_dir(out) / "00000002-delta.json").write_text("{not json")
    assert statcache.load(out, raw).inputs == {}  # every input is hashed again


# --- the plans -----------------------------------------------------------------------------

def entries(count: int, start: int = 0) -> list[Entry]:
    return [Entry(f"a{i:06d}", f"a{i:06d}.txt", f"{i:064x}") for i in range(start, start + count)]


@pytest.mark.parametrize("count", [20, 2000])
def test_a_plan_holds_what_differs_from_the_previous_one(tmp_path, count):
    out = tmp_path / "out"
    first = entries(count)
    plans.write(out, 3, "d1", first, None)
    assert "entries" in json.loads(paths.shard_plan(out, 3, "d1").read_text())
    second = [e for e in first if e.id != "a000002"] + entries(1, start=count)
    plans.write(out, 3, "d2", second, "d1")
    data = json.loads(paths.shard_plan(out, 3, "d2").read_text())
    assert (data["base"], len(data["added"]), len(data["removed"])) == ("d1", 1, 1)
    assert paths.shard_plan(out, 3, "d2").stat().st_size < 1000  # whatever the size of the shard
    assert plans.read(out, 3, "d2") == sorted(second, key=lambda e: e.rel)
    assert plans.chain(out, 3, "d2") == [paths.shard_plan(out, 3, "d2"), paths.shard_plan(out, 3, "d1")]


def test_a_plan_whose_base_is_gone_is_planned_again_whole(tmp_path):
    out = tmp_path / "out"
    plans.write(out, 0, "d1", entries(20), None)
    plans.write(out, 0, "d2", entries(21), "d1")
    paths.shard_plan(out, 0, "d1").unlink()
    assert not plans.readable(out, 0, "d2")
    assert integrity.discard_unreadable(out, 0, "d2")  # it must be written again
    assert not paths.shard_plan(out, 0, "d2").exists()
    plans.write(out, 0, "d2", entries(21), "d1")  # the previous plan does not read: whole
    assert plans.read(out, 0, "d2") == entries(21) and plans.chain(out, 0, "d2") == [paths.shard_plan(out, 0, "d2")]


def test_a_long_chain_of_plans_is_cut_by_a_whole_one(tmp_path):
    out = tmp_path / "out"
    plans.write(out, 0, "d0", entries(1000), None)
    for n in range(1, plans.MAX_DEPTH + 2):
        plans.write(out, 0, f"d{n}", entries(1000 + n), f"d{n - 1}")
    lengths = [len(plans.chain(out, 0, f"d{n}")) for n in range(plans.MAX_DEPTH + 2)]
    assert max(lengths) == plans.MAX_DEPTH and lengths[-1] == 2  # whole at d{MAX_DEPTH}, then a delta on it
    assert plans.read(out, 0, f"d{plans.MAX_DEPTH + 1}") == entries(1000 + plans.MAX_DEPTH + 1)


def test_plans_of_earlier_versions_are_whole_plans(tmp_path):
    out = tmp_path / "out"
    path = paths.shard_plan(out, 1, "old")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(plan_json(1, "old", entries(3))))
    assert plans.read(out, 1, "old") == entries(3)
    plans.write(out, 1, "new", entries(4), "old")
    assert json.loads(paths.shard_plan(out, 1, "new").read_text())["base"] == "old"


@pytest.mark.integration
def test_a_run_on_delta_plans_gives_the_parts_of_a_fresh_run(tmp_path):
    raw, out, fresh = tmp_path / "raw", tmp_path / "out", tmp_path / "fresh"
    config = tmp_path / "newsclean.toml"
    config.write_text("shards = 2\n")
    write_articles(raw, 0, 30)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    for n in range(3):
        write_articles(raw, 30 + n, 1)
        (raw / f"story-{n:05d}.txt").unlink()
        assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert any("base" in json.loads(p.read_text()) for p in (out / "_state" / "plan").glob("*.json"))
    assert manifest(out)["counts"]["read"] == 30 and manifest(out)["removed"] == ["story-00002"]
    assert cli("compact", "--out", out) == 0
    assert cli("run", "--raw", raw, "--out", fresh, "--config", config, "--quiet") == 0
    assert parts(out) == parts(fresh)
    assert cli("verify", "--out", out) == 0


# --- the dedup step: one new record's shingles in memory at a time ------------------------

def story_records(count: int, version: int = 0) -> list[dict]:
    """Records in groups of three copies of one story (linked), ``version`` changing some texts."""
    from .test_dedup import body
    found = []
    for i in range(count):
        paragraphs = body(500 + i // 3, 4)
        if version and i % 4 == 0:
            paragraphs = paragraphs[:2] + body(900 + i, 1)
        found.append({"id": f"r{i:03d}", "text": "\n\n".join(paragraphs), "published": None})
    return found


def test_the_dedup_step_holds_one_new_record_at_a_time(tmp_path, monkeypatch):
    from newsclean.pipeline import io
    from newsclean.pipeline.output import dedup
    import weakref

    alive: list = []
    real = dedup.make_doc

    def tracked(record, shard, params):
        doc = real(record, shard, params)
        alive.append(weakref.ref(doc))
        return doc

    def records():
        for record in story_records(30):
            assert sum(ref() is not None for ref in alive) == 0  # the docs made before were let go
            yield record

    monkeypatch.setattr(dedup, "make_doc", tracked)
    store = io.DedupStore(tmp_path / "index.sqlite")
    try:
        with store.transaction():
            updater = dedup.Updater(store, dedup.Params())
            dedup.update_shard(updater, 0, records(), dedup.Params())
            result = updater.finish()
        assert len(result.added) == 30 and len(alive) == 30
        assert store.link_counts()["linked"] == 20  # ten stories of three copies
    finally:
        store.close()


def test_records_applied_shard_by_shard_link_as_a_fresh_index_does():
    from newsclean.pipeline.output import dedup

    params = dedup.Params()
    before, after = story_records(30), story_records(27, version=1)  # 3 removed, some edited
    index = dedup.MemoryIndex()
    dedup.update(index, [dedup.make_doc(r, int(r["id"][1:]) % 3, params) for r in before], [], params)
    updater = dedup.Updater(index, params)
    for shard in range(3):
        dedup.update_shard(updater, shard, [r for r in after if int(r["id"][1:]) % 3 == shard], params)
    result = updater.finish()
    fresh = dedup.MemoryIndex()
    dedup.update(fresh, [dedup.make_doc(r, int(r["id"][1:]) % 3, params) for r in reversed(after)], [], params)
    assert {i: index.link(i) for i in sorted(index.docs)} == {i: fresh.link(i) for i in sorted(fresh.docs)}
    assert any(fresh.link(i) for i in fresh.docs)
    assert result.removed == ["r000", "r004", "r008", "r012", "r016", "r020", "r024", "r027", "r028", "r029"]


@pytest.mark.integration
def test_adding_an_article_reads_no_part_of_the_segments_it_keeps(tmp_path, monkeypatch):
    from newsclean.pipeline import io

    raw, out = tmp_path / "raw", tmp_path / "out"
    config = tmp_path / "newsclean.toml"
    config.write_text("shards = 2\n")
    write_articles(raw, 0, 20)
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    write_articles(raw, 20, 1)
    read: list[str] = []
    for name in ("iter_part_records", "iter_part", "part_records"):
        real = getattr(io, name)
        monkeypatch.setattr(io, name, lambda path, real=real: read.append(path.name) or real(path))
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert manifest(out)["counts"]["cleaned"] == 1
    assert read and not [name for name in read if name in ("part-00000.jsonl", "part-00001.jsonl")], read
