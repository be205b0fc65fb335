"""Issue 17, point 4: a run that adds one article writes state in proportion to the change,
not to the archive: the input stat cache (``_state/inputstat.sqlite``), the shard plans
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
from newsclean.tasks.folder import integrity, paths, plans, statcache


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
        by["/".join(folder[:2]) if folder[0] == "_state" else folder[0]] += size
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
    for folder in ("_state/plan", "_state/inputstat.sqlite", "_state/shards"):
        assert small[folder] > 0, folder  # the run did write each of them
        # each was rewritten whole (ten times the bytes): now a delta of about the same size (the
        # stat cache, a SQLite file changed in place: its pages, one more when its tree is deeper)
        assert large[folder] <= 1.5 * small[folder] + (BLOCK if folder.endswith(".sqlite") else 256), \
            (folder, small[folder], large[folder])
    assert sum(large.values()) <= 1.5 * sum(small.values()) + 8 * BLOCK, (small, large)


# --- the stat cache ------------------------------------------------------------------------

def entry(rel: str, n: int = 0) -> list:
    return [[100 + n, 1_000_000 + n, 7, None], [[rel[:-4], rel, f"{n:064x}", None]]]


def cache_of(tmp_path: Path, count: int) -> tuple[Path, Path]:
    """A stat cache of ``count`` inputs, as a run that listed and hashed them saves it."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir(exist_ok=True)
    for i in range(count):
        (raw / f"a{i:06d}.txt").touch()
    with statcache.StatCache(out, raw) as cache:
        for i in range(count):
            assert cache.get(f"a{i:06d}.txt") is None
            cache.put(f"a{i:06d}.txt", entry(f"a{i:06d}.txt", i))
        assert cache.save()
    return raw, out


def run_listing(out: Path, raw: Path, rels: list[str], hashed: dict[str, list | None]) -> bool:
    """A run that lists ``rels`` (cache hits) and hashes ``hashed`` (rel -> entry); whether its save changed the cache."""
    with statcache.StatCache(out, raw) as cache:
        for rel in rels:
            assert cache.get(rel) is not None, rel
        for rel, found in hashed.items():
            cache.put(rel, found)
        return cache.save()


def pages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[i:i + BLOCK] for i in range(0, len(data), BLOCK)]


@pytest.mark.parametrize("count", [10, 2000])
def test_the_stat_cache_writes_the_pages_of_the_change(tmp_path, count):
    raw, out = cache_of(tmp_path, count)
    db = paths.input_stats_db(out)
    before = pages(db)
    kept = [f"a{i:06d}.txt" for i in range(count) if i != 3]
    (raw / "a000003.txt").unlink()  # gone from raw/: its entry goes
    (raw / "new.txt").touch()
    assert run_listing(out, raw, kept, {"new.txt": entry("new.txt", 1)})
    after = pages(db)
    changed = sum(1 for i, p in enumerate(after) if i >= len(before) or before[i] != p)
    assert changed <= 8, (count, changed)  # the header, a leaf or two and their parents: whatever its size
    with statcache.StatCache(out, raw) as again:
        held = again.entries()
        assert "new.txt" in held and "a000003.txt" not in held and len(held) == count
        assert again.get("new.txt") == entry("new.txt", 1)
    assert not run_listing(out, raw, [*kept, "new.txt"], {})  # nothing changed: nothing written
    assert pages(db) == after


def test_an_input_hashed_again_replaces_its_entry_and_one_not_to_cache_leaves(tmp_path):
    raw, out = cache_of(tmp_path, 3)
    assert run_listing(out, raw, ["a000000.txt"], {"a000001.txt": entry("a000001.txt", 9), "a000002.txt": None})
    with statcache.StatCache(out, raw) as cache:
        assert cache.entries() == {"a000000.txt": entry("a000000.txt", 0), "a000001.txt": entry("a000001.txt", 9)}


@pytest.mark.parametrize("kind", ["numbered", "single"])
def test_the_stat_cache_of_earlier_versions_is_moved_in_then_deleted(tmp_path, kind):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    mine = str(raw.resolve())
    if kind == "single":
        paths.input_stats(out).parent.mkdir(parents=True)
        paths.input_stats(out).write_text(json.dumps({"raw": mine, "inputs": {"x.txt": entry("x.txt")}}))
    else:
        folder = paths.input_stats_dir(out)
        folder.mkdir(parents=True)
        (folder / "00000001-full.json").write_text(json.dumps(
            {"raw": mine, "inputs": {"x.txt": entry("x.txt"), "z.txt": entry("z.txt")}}))
        (folder / "00000002-delta.json").write_text(json.dumps({"raw": mine, "inputs": {"z.txt": None}}))
    with statcache.StatCache(out, raw) as cache:
        assert cache.get("x.txt") == entry("x.txt") and cache.get("z.txt") is None
    assert not paths.input_stats(out).exists() and not paths.input_stats_dir(out).exists()
    assert paths.input_stats_db(out).is_file()


def test_a_stat_cache_of_another_raw_folder_or_unreadable_is_dropped(tmp_path):
    raw, out = cache_of(tmp_path, 5)
    other = tmp_path / "other"
    other.mkdir()
    with statcache.StatCache(out, other) as cache:
        assert cache.get("a000001.txt") is None  # made for raw/: not trusted for other/
        cache.put("o.txt", entry("o.txt"))
        assert cache.save()
    with statcache.StatCache(out, other) as cache:
        assert cache.entries() == {"o.txt": entry("o.txt")}  # raw/'s entries gone
    paths.input_stats_db(out).write_bytes(b"not a database, " * 512)
    with statcache.StatCache(out, other) as cache:
        assert cache.get("o.txt") is None  # every input is hashed again
        cache.put("o.txt", entry("o.txt"))
        assert cache.save()
    with statcache.StatCache(out, other) as cache:
        assert cache.get("o.txt") == entry("o.txt")


def test_an_unreadable_entry_is_not_used(tmp_path):
    raw, out = cache_of(tmp_path, 2)
    import sqlite3

    db = sqlite3.connect(paths.input_stats_db(out))
    db.execute("UPDATE inputs SET entry = '{not json' WHERE rel = 'a000001.txt'")
    db.commit()
    db.close()
    with statcache.StatCache(out, raw) as cache:
        assert cache.get("a000000.txt") == entry("a000000.txt", 0)
        assert cache.get("a000001.txt") is None  # its input is hashed again


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
