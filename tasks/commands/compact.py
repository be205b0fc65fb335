"""``newsclean compact --out O``: merge every shard's segments into one (its segment 0,
``part-SSSSS.jsonl``; a shard of more than ``SEGMENT_RECORDS`` records into segments 0, 1, ...
of that many, in id order), so that the parts are those a full run would write, byte for byte.

Runs merge small segments as they go (pipeline/output/segments.py); compaction is for an archive
handed on, or after many runs. Each shard is merged under its lock (a run or a rebuild may
be at work); the manifest's part table is then written with what every shard holds now.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.output import segments as segment_rules

from newsclean.tasks.folder import integrity, paths, remote, segment_files as segments
from newsclean.tasks.run.link_duplicates import carry_links
from newsclean.tasks.exitcodes import CommandError, Exit


def compact_shard(out: Path, shard: int) -> bool:
    """Merge a shard's segments into those a full run writes; whether they were not. The
    records are the same: the near-duplicate links made for them still hold (tasks/run/link_duplicates.py)."""
    merged = merge_segments(out, shard)
    if merged is not None:
        carry_links(out, shard, *merged)
    return merged is not None


def merge_segments(out: Path, shard: int) -> tuple[list[dict], list[dict]] | None:
    """(the shard's part table before, after) merging its segments into those a full run
    writes (``compacted``), None when they are those already."""
    with remote.locked(out, paths.shard_lock(out, shard)):
        parts = segments.recorded_parts(out, shard)
        held = segments.segments(parts)
        if held in ([], [0]) or compacted(out, shard, held):
            return None
        problems = integrity.check_in_full(out, shard)
        if problems:
            raise integrity.DamagedOutput(f"{problems[0]}; run `newsclean run --out {out}` to rebuild it first")
        ids = [rid for seg in held for rid in segments.load_index(out, shard, seg).ids]
        stored = segments.StreamedRecords(out, shard, held, ids)  # read in id order, one record at a time
        with segments.SegmentRun(out, shard, 0) as new:
            for rid in sorted(ids):
                corpus_line, log_line = stored[rid]
                new.write(corpus_line, log_line, json.loads(log_line))
            table = segments.commit_shard(out, shard, new.writers, held, [], parts)
        integrity.record_rebuilt_parts(out, shard, table)
        return parts, table


def compacted(out: Path, shard: int, held: list[int]) -> bool:
    """Whether the shard's segments are those a full run writes: 0, 1, ... each full
    (``SEGMENT_RECORDS``) but the last, in id order."""
    if held != list(range(len(held))):
        return False
    last: str | None = None
    for seg in held:
        ids = segments.load_index(out, shard, seg).ids
        if not ids or (seg != held[-1] and len(ids) != segment_rules.SEGMENT_RECORDS) or (last is not None and min(ids) <= last):
            return False
        last = max(ids)
    return True


def compact(out: Path) -> int:
    """Compact every shard; returns how many were not as a full run writes them."""
    manifest = io.read_json(paths.manifest(out))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), int):
        raise CommandError(f"{out} holds no run (no readable manifest.json): nothing to compact", Exit.NOT_FOUND)
    merged = sum(compact_shard(out, shard) for shard in range(manifest["shards"]))
    if merged:
        table, pending = integrity.manifest_parts(out), integrity.journals(out)
        parts = [p for shard in range(manifest["shards"]) for p in integrity.shard_table(out, shard, table, pending)]
        io.atomic_write_json(paths.manifest(out), {**manifest, "parts": sorted(parts, key=lambda p: p["path"])})
    return merged


def cmd_compact(args) -> int:
    out = Path(args.out)
    try:
        merged = compact(out)
    except integrity.DamagedOutput as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return Exit.FAILED
    print(f"newsclean: {out}: {merged} shards compacted into the segments a full run writes" if merged
          else f"newsclean: {out}: every shard is as a full run writes it already")
    return 0


def add_compact_command(sub: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None) -> None:
    c = sub.add_parser("compact", help="merge each shard's segments into those a full run writes (at most 4,096 records each)",
                       parents=[common] if common is not None else [])
    c.add_argument("--out", default="clean", help="output folder (default: clean/)")
    c.set_defaults(func=cmd_compact)
