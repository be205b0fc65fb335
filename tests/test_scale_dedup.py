"""Segments (issue 17.1) with near-duplicate links (issue 16) and the stage chain (issue 20):
links are rewritten in the segment that holds the record, counted once, kept by compact and
rebuild, dropped by a streaming export; the chain reuses records of every segment."""
from __future__ import annotations

import json
import os
import shutil
from collections import Counter

import pytest

from .operations_support import cli, file_stats, manifest, records
from .test_dedup import CHROME, article, body, corpus_raw
from newsclean.pipeline.output.shards import shard_of
from newsclean.tasks.folder import paths, segment_files

pytestmark = pytest.mark.integration  # every test here runs newsclean end to end (tests/test_markers.py)

FILLER = tuple(f"story-{i:02d}" for i in range(24))  # distinct stories: segment 0 outweighs a run's additions
FIRST = ("site-a", "event-1", "event-2", "other", *FILLER)
SHARDS = 2
COPIES = ("site-b", "site-c", "short", "edited")


def settle(raw):
    """Inputs last changed a minute ago: old enough for the stat cache to trust them."""
    for path in raw.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 10**9))


def run(raw, out, *extra) -> None:
    config = out.parent / "newsclean.toml"
    config.write_text(f"shards = {SHARDS}\n")
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet", *extra) == 0


def links_of(out) -> dict[str, str | None]:
    return {rid: json.loads(line)["duplicate_of"] for rid, line in records(out).items()}


def segment_of(out, rid: str) -> int | None:
    return segment_files.find(out, shard_of(rid, SHARDS), rid)


@pytest.fixture
def staged(tmp_path):
    """The story's first site and the unrelated articles in a first run; its copies arrive in
    a second run, so they lie in later segments of their shards."""
    every, raw, out = corpus_raw(tmp_path / "every"), tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for i, name in enumerate(FILLER):
        (every / f"{name}.txt").write_text(article(f"Story number {i} of the day in the town", body(100 + i, 6),
                                                   *CHROME["abc"[i % 3]]), encoding="utf-8")
    for name in FIRST:
        shutil.copy(every / f"{name}.txt", raw)
    settle(raw)
    run(raw, out)
    for name in COPIES:
        shutil.copy(every / f"{name}.txt", raw)
    settle(raw)
    run(raw, out)
    assert all(links_of(out)[c] == "site-a" for c in COPIES)
    assert any(segment_of(out, c) > 0 for c in COPIES)  # else the fixture tests nothing here
    return raw, out


def test_links_are_rewritten_in_the_segment_that_holds_the_record(staged):
    raw, out = staged
    held = {c: segment_of(out, c) for c in COPIES}
    (raw / "site-a.txt").unlink()  # the canonical goes: its group elects site-b
    run(raw, out)
    links = links_of(out)
    assert links["site-b"] is None and {links[c] for c in ("site-c", "short", "edited")} == {"site-b"}
    gone = shard_of("site-a", SHARDS)
    for c in COPIES:  # a shard whose inputs did not change is relinked in place, same segment
        if shard_of(c, SHARDS) != gone:
            assert segment_of(out, c) == held[c], c
    m = manifest(out)
    assert m["duplicates"]["linked"] == 3
    assert m["rules"].get("dup.near-copy", 0) + m["rules"].get("dup.contained", 0) == 3  # counted once
    assert sorted(records(out, "changelog")) == sorted(set(FIRST + COPIES) - {"site-a"})  # every id once
    assert cli("verify", "--out", out, "--quiet") == 0
    stats = file_stats(out)
    run(raw, out)  # nothing changed: nothing rewritten
    assert file_stats(out) == stats


def test_links_in_a_kept_segment_are_counted_once(staged):
    raw, out = staged
    counted = manifest(out)["rules"]
    assert counted.get("dup.near-copy", 0) + counted.get("dup.contained", 0) == len(COPIES)
    later = Counter((shard_of(c, SHARDS), segment_of(out, c)) for c in COPIES if segment_of(out, c) > 0)
    (shard, seg), n = later.most_common(1)[0]
    assert n >= 2  # bigger than the next run's new segment, so that run keeps it as it is
    name = next(f"late-{i}" for i in range(100) if shard_of(f"late-{i}", SHARDS) == shard)
    (raw / f"{name}.txt").write_text(article("A late story about the harbour", body(300, 6), *CHROME["a"]),
                                     encoding="utf-8")
    settle(raw)
    run(raw, out)
    assert any(segment_of(out, c) == seg for c in COPIES if shard_of(c, SHARDS) == shard)  # kept, not merged
    again = manifest(out)["rules"]
    assert again.get("dup.near-copy", 0) + again.get("dup.contained", 0) == len(COPIES)


def test_compact_keeps_the_links_and_the_next_run_relinks_nothing(staged):
    raw, out = staged
    links = links_of(out)
    assert cli("compact", "--out", out, "--quiet") == 0
    assert {paths.parse_part_name(p.split("/")[1])[1] for p in paths.part_files(out)} == {0}  # one segment a shard
    assert links_of(out) == links and cli("verify", "--out", out, "--quiet") == 0
    stats = file_stats(out)
    run(raw, out)
    assert file_stats(out) == stats


def test_a_rebuild_keeps_the_link_of_a_record_in_a_later_segment(staged):
    raw, out = staged
    later = next(c for c in COPIES if segment_of(out, c) > 0)
    before = records(out)[later]
    assert cli("rebuild", later, "--raw", raw, "--out", out, "--config", out.parent / "newsclean.toml", "--quiet") == 0
    assert records(out)[later] == before and links_of(out)[later] == "site-a"
    assert cli("verify", "--out", out, "--quiet") == 0


def test_export_drops_duplicates_as_it_streams(staged, tmp_path):
    _, out = staged
    assert cli("export", "--out", out, "--format", "txt", "--to", tmp_path / "one", "--drop-duplicates", "--quiet") == 0
    assert sorted(p.stem for p in (tmp_path / "one").glob("*.txt")) == sorted(FIRST)
    assert cli("export", "--out", out, "--format", "txt", "--to", tmp_path / "all", "--quiet") == 0
    assert len(list((tmp_path / "all").glob("*.txt"))) == len(FIRST + COPIES)


def test_the_chain_decodes_only_what_no_segment_holds_current(staged, monkeypatch):
    raw, out = staged
    from newsclean.tasks.run import stage_tasks

    decoded = []
    real = stage_tasks.decode_entry

    def spy(entry, load, ctx):
        decoded.append(entry.id)
        return real(entry, load, ctx)

    monkeypatch.setattr(stage_tasks, "decode_entry", spy)
    (raw / "edited.txt").write_text((raw / "edited.txt").read_text() + "\nA last line added later.\n")
    settle(raw)
    run(raw, out, "--chain")
    assert decoded == ["edited"]  # the records of every segment are reused, not only segment 0's
    assert cli("verify", "--out", out, "--quiet") == 0


def test_dedup_reads_only_the_segments_that_changed(staged, monkeypatch):
    raw, out = staged
    from newsclean.pipeline import io

    read, real = [], io.iter_part

    def spy(path):
        read.append(path.relative_to(out).as_posix())
        return real(path)

    monkeypatch.setattr(io, "iter_part", spy)
    before = set(paths.part_files(out))
    (raw / "late.txt").write_text(article("A late story about the harbour", body(301, 6), *CHROME["b"]),
                                  encoding="utf-8")
    settle(raw)
    run(raw, out)
    new = sorted(set(paths.part_files(out)) - before)
    assert read and all(rel in new for rel in read), (read, new)  # not the shard's other segments
    assert segment_of(out, "late") is not None and links_of(out)["site-c"] == "site-a"
    assert cli("verify", "--out", out, "--quiet") == 0


def test_an_index_that_missed_a_run_catches_up_with_the_corpus(tmp_path):
    """On object storage each machine keeps its own duplicate index (tasks/folder/remote.py:
    LOCAL_ONLY), and the Dedup step may run on another machine each time. An index that
    missed a run must compare what changed since IT last ran, not since the published
    summary: it read the summary and linked a new copy to a record removed meanwhile."""
    every, raw, out = corpus_raw(tmp_path / "every"), tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for i, name in enumerate(FILLER[:6]):
        (every / f"{name}.txt").write_text(article(f"Story number {i} of the day in the town", body(100 + i, 6),
                                                   *CHROME["abc"[i % 3]]), encoding="utf-8")
    for name in ("site-a", "other", *FILLER[:6]):
        shutil.copy(every / f"{name}.txt", raw)
    settle(raw)
    run(raw, out)
    stale = tmp_path / "index-of-machine-a"
    shutil.copy(paths.dedup_index(out), stale)  # machine A's index after the first run
    (raw / "site-a.txt").unlink()  # the second run, on machine B: site-a goes, site-b comes
    shutil.copy(every / "site-b.txt", raw)
    settle(raw)
    run(raw, out)
    assert "site-a" not in records(out)
    shutil.copy(stale, paths.dedup_index(out))  # the third run, on machine A again: site-c comes
    shutil.copy(every / "site-c.txt", raw)
    settle(raw)
    run(raw, out)
    fresh = tmp_path / "fresh" / "out"
    fresh.parent.mkdir()
    run(raw, fresh)
    assert links_of(out)["site-c"] == "site-b"
    assert links_of(out) == links_of(fresh)
    assert cli("verify", "--out", out, "--quiet") == 0
