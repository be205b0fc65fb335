"""Where things live in an output folder (the folder names: pipeline/core/output_layout.py)."""
from __future__ import annotations

import os
from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.core.output_layout import CHANGELOG, CORPUS, PART_FOLDERS, PART_GLOB, STATE
from newsclean.tasks.exitcodes import CommandError, Exit
from newsclean.pipeline.core.ids import safe_name  # noqa: F401  (the one function that turns an id into a file name)


def part_name(shard: int, segment: int = 0) -> str:
    """A part file's name. A shard's records lie in one or more segments, each a corpus part
    and a change-log part of the same name: segment 0 (``part-00003.jsonl``) holds what a full
    run or a compaction wrote, later segments (``part-00003-000002.jsonl``) what later runs
    added (tasks/folder/segment_files.py). Every id is in exactly one segment of its shard."""
    return f"part-{shard:05d}.jsonl" if segment == 0 else f"part-{shard:05d}-{segment:06d}.jsonl"


def parse_part_name(name: str) -> tuple[int, int] | None:
    """(shard, segment) of a part file's name, None for any other name."""
    if not (name.startswith("part-") and name.endswith(".jsonl")):
        return None
    fields = name[5:-6].split("-")
    if len(fields) > 2 or not all(f.isdigit() and f.isascii() for f in fields) or len(fields[0]) != 5 \
            or (len(fields) == 2 and len(fields[1]) != 6):
        return None
    return int(fields[0]), int(fields[1]) if len(fields) == 2 else 0


def part_key(name: str) -> tuple[int, int]:
    """(shard, segment) of a name known to be a part file's (``part_files`` lists only those)."""
    found = parse_part_name(name)
    if found is None:
        raise ValueError(f"not a part file's name: {name}")
    return found


def segment_parts(shard: int, segment: int) -> list[str]:
    """A segment's part files, as the manifest's part table names them (corpus first)."""
    return [f"{folder}/{part_name(shard, segment)}" for folder in PART_FOLDERS]


def part_files(out: Path) -> list[str]:
    """Every part file in an output folder, as the part table names them."""
    return sorted(f"{folder}/{p.name}" for folder in PART_FOLDERS if (out / folder).is_dir()
                  for p in (out / folder).glob(PART_GLOB) if parse_part_name(p.name))


def segment_index(out: Path, shard: int, segment: int) -> Path:
    """A segment's id index (which ids it holds, each with what decides whether its record
    is still current, and the segment's counts): a cache, made again from the change-log
    part when missing or stale."""
    return state_dir(out) / "index" / f"{shard:05d}-{segment:06d}.json"


def corpus_part(out: Path, shard: int, segment: int = 0) -> Path:
    return out / CORPUS / part_name(shard, segment)


def corpus_card(out: Path) -> Path:
    """The corpus folder's dataset card (tasks/run/card.py)."""
    return out / CORPUS / "README.md"


def changelog_part(out: Path, shard: int, segment: int = 0) -> Path:
    return out / CHANGELOG / part_name(shard, segment)


def state_dir(out: Path) -> Path:
    return out / STATE


def plan_file(out: Path) -> Path:
    return state_dir(out) / "plan.json"


def shard_state(out: Path, shard: int, digest: str) -> Path:
    return state_dir(out) / "shards" / f"{shard:05d}-{digest}.json"


def listing(out: Path) -> Path:
    """What the last plan saw in raw/ besides its inputs: files not read, an output folder skipped."""
    return state_dir(out) / "listing.json"


def site_stats(out: Path) -> Path:
    return state_dir(out) / "sitestats.json"


def manifest(out: Path) -> Path:
    return out / "manifest.json"


def shard_plan(out: Path, shard: int, digest: str) -> Path:
    return state_dir(out) / "plan" / f"{shard:05d}-{digest}.json"


def shard_lock(out: Path, shard: int) -> Path:
    return state_dir(out) / "locks" / f"{part_name(shard)}.lock"


def part_path(out: Path, rel: str) -> Path:
    """A part file named as the manifest's part table names it (``corpus/part-00003.jsonl``)."""
    return out / rel


def shard_parts(shard: int) -> list[str]:
    """The part files of a shard's first segment (all of a shard written by a full run)."""
    return segment_parts(shard, 0)


def journal(out: Path, shard: int) -> Path:
    """What a shard's last commit removed and wrote, kept until a manifest reports it: not a
    cache, never discarded (tasks/folder/integrity.py)."""
    return state_dir(out) / "journal" / f"{shard:05d}.json"


def input_stats_db(out: Path) -> Path:
    """A cache of each input's (size, mtime_ns, inode) and what hashing it gave, so that a
    run does not read the bytes of inputs that did not change (pipeline/io.py): one SQLite
    file, looked up an input at a time (tasks/folder/statcache.py)."""
    return state_dir(out) / "inputstat.sqlite"


def input_stats_dir(out: Path) -> Path:
    """The stat cache as the version before kept it, a full file and the deltas of the runs
    since: moved into ``input_stats_db`` once (tasks/folder/statcache.py), then deleted."""
    return state_dir(out) / "inputstat"


def input_stats(out: Path) -> Path:
    """The stat cache as earlier versions kept it, one file rewritten whole by every run:
    read once as the full file (tasks/folder/statcache.py), then deleted."""
    return state_dir(out) / "inputstat.json"


def part_stats(out: Path) -> Path:
    """A cache of each part's (size, mtime_ns, sha256), so that a run checks parts by stat."""
    return state_dir(out) / "partstat.json"


def plan_stats(out: Path) -> Path:
    """A cache of the plan files found readable, by (size, mtime_ns, inode): a shard's plan
    is read in full once, not by every run (tasks/plans.readable)."""
    return state_dir(out) / "planstat.json"


def chain_dir(out: Path, shard: int) -> Path:
    """A shard's stage-chain intermediates (tasks/run/stage_tasks.py), removed when the shard commits."""
    return state_dir(out) / "chain" / f"{shard:05d}"


def chain_step(out: Path, shard: int, position: int, step: str, digest: str) -> Path:
    """The intermediate a step of a shard's chain writes: its articles after that step."""
    return chain_dir(out, shard) / f"{position:02d}-{safe_name(step)}-{digest}.bin"

def duplicates(out: Path) -> Path:
    """The duplicates table: one line per linked record (tasks/run/link_duplicates.py)."""
    return out / "duplicates.jsonl"


def dedup_index(out: Path) -> Path:
    """The near-duplicate index (SQLite, pipeline/io.DedupStore): a cache of the corpus's
    shingles, band keys, edges and links, rebuilt from the parts when lost."""
    return state_dir(out) / "dedup" / "index.sqlite"


def dedup_summary(out: Path) -> Path:
    """What the last Dedup step saw and found: the corpus parts' digests, the links' digest, counts."""
    return state_dir(out) / "dedup" / "summary.json"


def dedup_lock(out: Path) -> Path:
    return state_dir(out) / "locks" / "dedup.lock"


def run_lock(out: Path) -> Path:
    """Held by a run from its plan to its manifest (pipeline/io.run_lock)."""
    return state_dir(out) / "locks" / "run.lock"


def top_level(out: Path) -> list[Path]:
    """What a run writes at the top of an output folder (besides ``_state``, made first)."""
    return [out / CORPUS, out / CHANGELOG, manifest(out), duplicates(out)]


def written_by_a_run(out: Path) -> bool:
    """Whether a run wrote ``out``: it holds ``_state`` (a run's plan makes it before any
    part), or, ``_state`` deleted (docs/operations.md allows it), a run's manifest."""
    if state_dir(out).is_dir():
        return True
    found = io.read_json(manifest(out))
    return isinstance(found, dict) and isinstance(found.get("shard_digests"), list) and "parts" in found


def foreign_output(out: Path) -> Path | None:
    """The first file or folder in ``out`` that a run would write over though no run wrote
    it (a corpus of the user's own): None for a new or empty folder, one a run wrote, or one
    holding other files only (a README.md)."""
    try:
        if written_by_a_run(out):
            return None
        return next((p for p in top_level(out) if os.path.lexists(p)), None)
    except OSError:  # a folder that cannot be looked into: the run's first write says why
        return None


def refuse_foreign_output(out: str, out_path: Path) -> None:
    """CommandError (Exit.USAGE) when ``out`` holds a corpus, change log, manifest or
    duplicates table that no run wrote: a run would write over the user's own files."""
    found = foreign_output(out_path)
    if found is not None:
        raise CommandError(f"{out!r} holds {found.name}{'/' if found.is_dir() else ''} but no newsclean run wrote it "
                           "(no _state folder, no run's manifest): refusing to write over it; choose a new or empty "
                           "folder for --out", Exit.USAGE)
