"""What an output folder's parts must hold, and what a run does when they do not.

The manifest's part table (``parts``: one entry per part file, with its shard, record
count, size and sha256) is the record of what each part holds. A run checks every part
against it cheaply (a stat, the checksum only when size or mtime changed since the part
was last seen: ``_state/partstat.json``, a cache) and rebuilds from raw/ the shard of a
part that is missing or differs.

A shard commits its parts after writing down, in its journal (``_state/journal/``), the
ids it removed and the records of the parts it is about to rename into place: a run killed
between that commit and the manifest loses neither the removals (the next manifest reports
them) nor the knowledge of what the new parts hold. The journal is folded into the manifest
and then cleared; unlike plans and shard states it is not a cache and is never discarded
for being stale.

Plans, shard states and the stat cache can be derived again: one that cannot be read is
discarded, with a one-line warning, and rebuilt.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, TypeGuard

from newsclean.pipeline import io

from newsclean.tasks.folder import paths, plans

STATE_FIELDS = {"cleaned": list, "unchanged": list, "rejected": dict, "removed": list, "rules": dict,
                "categories": dict}


def warn(message: str) -> None:
    print(f"newsclean: warning: {message}", file=sys.stderr)


# --- the records: manifest part table and shard journals ---------------------------------

def part_entry(rel: str, shard: int, record: dict) -> dict:
    return {"path": rel, "shard": shard, **record}


def manifest_parts(out: Path) -> dict[str, dict]:
    """The manifest's part table by path (empty for a manifest written before it existed)."""
    table = (io.read_json(paths.manifest(out)) or {}).get("parts")
    return {p["path"]: p for p in table if isinstance(p, dict) and "path" in p} if isinstance(table, list) else {}


def read_journal(out: Path, shard: int) -> dict:
    path = paths.journal(out, shard)
    if not path.exists():
        return {"removed": [], "parts": []}
    data = io.read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("removed"), list) or not isinstance(data.get("parts"), list):
        warn(f"{path.relative_to(out)} cannot be read: discarded (removals it held are not reported)")
        path.unlink(missing_ok=True)
        return {"removed": [], "parts": []}
    return data


def write_journal(out: Path, shard: int, removed: list[str], parts: list[dict]) -> None:
    """Before a shard's parts are replaced: add ``removed`` to what its journal holds, and
    record the parts about to be committed (the caller holds the shard's lock)."""
    held = read_journal(out, shard)
    io.atomic_write_json(paths.journal(out, shard), {
        "shard": shard, "removed": sorted(set(held["removed"]) | set(removed)), "parts": parts})


def journals(out: Path) -> dict[int, dict]:
    folder = paths.state_dir(out) / "journal"
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if path.stem.isdigit():
            found[int(path.stem)] = read_journal(out, int(path.stem))
    return found


def clear_journals(out: Path, folded: dict[int, dict]) -> None:
    """Remove the journals a manifest now reports."""
    for shard in folded:
        paths.journal(out, shard).unlink(missing_ok=True)


def shard_table(out: Path, shard: int, table: dict[str, dict], pending: dict[int, dict],
                state: dict | None = None) -> list[dict]:
    """A shard's part table now (its segments, tasks/folder/segment_files.py), the one answer to "which
    parts are the shard's current ones" (runs, rebuild, compact, Dedup's relinking, Publish,
    verify): its journal's when a commit is not yet in a manifest (a shard cleaned, a rebuild,
    links rewritten by tasks/run/link_duplicates.py), else its ``state``'s when the state was written after
    the manifest, else the manifest's; for a manifest without a part table (an earlier
    version), the state's or the shard's first segment as it is on disk."""
    if shard in pending:
        return [p for p in pending[shard]["parts"] if isinstance(p, dict) and "path" in p]
    state = state or {}
    if state.get("parts") and (state.get("run") or 0) > ((io.read_json(paths.manifest(out)) or {}).get("run") or 0):
        return state["parts"]
    if table:
        return [p for p in table.values() if p.get("shard") == shard]
    return state.get("parts") or current_parts(out, shard, paths.shard_parts(shard))


def expected(out: Path, rel: str, table: dict[str, dict], pending: dict[int, dict]) -> list[dict]:
    """The records a part may match: the manifest's, and the one its shard's journal holds
    (parts committed after the manifest was written)."""
    found = [table[rel]] if rel in table else []
    for journal in pending.values():
        found.extend(p for p in journal["parts"] if p.get("path") == rel)
    return found


# --- checking parts -----------------------------------------------------------------------

def _matches(record: dict, size: int, sha: str) -> bool:
    return record.get("bytes") == size and record.get("sha256") == sha


def describe(rel: str, problem: str, record: dict) -> str:
    return f"{rel} {problem} (the manifest records {record.get('records')} records, {record.get('bytes')} bytes)"


def check_parts(out: Path, shards: int | list[int]) -> dict[int, list[str]]:
    """Damaged parts of shards below ``shards`` (or of the shards listed), by shard: each a line saying what is wrong.
    A part whose size and mtime are those last seen is taken to hold what it held then;
    otherwise its checksum is computed again (and remembered)."""
    table, pending = manifest_parts(out), journals(out)
    cache = read_stat_cache(out)
    damaged: dict[int, list[str]] = {}
    changed = False
    for shard in range(shards) if isinstance(shards, int) else shards:
        for rel in [p["path"] for p in shard_table(out, shard, table, pending)]:
            records = expected(out, rel, table, pending)
            if not records:
                continue
            problem, seen = _stat_problem(paths.part_path(out, rel), records, cache.get(rel))
            if seen != cache.get(rel):
                cache[rel], changed = seen, True
            if problem:
                damaged.setdefault(shard, []).append(describe(rel, problem, records[0]))
    if changed:
        write_stat_cache(out, cache)
    return damaged


def _stat_problem(path: Path, records: list[dict], seen: list | None) -> tuple[str | None, list | None]:
    """(what is wrong with the part or None, its stat-cache entry [size, mtime_ns, sha256])."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "is missing", None
    if seen and seen[:2] == [st.st_size, st.st_mtime_ns]:
        sha = seen[2]
    elif not any(r.get("bytes") == st.st_size for r in records):
        return f"is {st.st_size} bytes", None
    else:
        sha = io.file_sha256(path)
    entry = [st.st_size, st.st_mtime_ns, sha]
    if any(_matches(r, st.st_size, sha) for r in records):
        return None, entry
    return "differs from its record (sha256)", entry


def held_sha256(out: Path, rel: str) -> str | None:
    """The sha256 of what a part holds now: the stat cache's when its size and mtime are
    those last seen, else computed (None when the part is missing)."""
    path = paths.part_path(out, rel)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    seen = read_stat_cache(out).get(rel)
    if seen and seen[:2] == [st.st_size, st.st_mtime_ns]:
        return seen[2]
    return io.file_sha256(path)


def check_in_full(out: Path, shard: int, segments: Iterable[int] | None = None) -> list[str]:
    """Damaged parts of one shard (of its ``segments``, default all), each checksum computed
    again (no cache)."""
    table, pending = manifest_parts(out), journals(out)
    problems = []
    for rel in [p["path"] for p in shard_table(out, shard, table, pending)
                if segments is None or paths.part_key(Path(p["path"]).name)[1] in segments]:
        records = expected(out, rel, table, pending)
        problem = part_problem(paths.part_path(out, rel), records)
        if problem:
            problems.append(describe(rel, problem, records[0]))
    return problems


def part_problem(path: Path, records: list[dict]) -> str | None:
    """What is wrong with a part against its records, read in full (None when it matches
    one, or when nothing is recorded for it)."""
    if not records:
        return None
    if not path.is_file():
        return "is missing"
    held = io.part_record(path)
    if any(_matches(r, held["bytes"], held["sha256"]) and r.get("records") == held["records"] for r in records):
        return None
    if any(r.get("bytes") == held["bytes"] and r.get("records") == held["records"] for r in records):
        return "differs from its record (sha256)"
    return f"holds {held['records']} records, {held['bytes']} bytes"


def read_stat_cache(out: Path) -> dict[str, list | None]:
    path = paths.part_stats(out)
    data = io.read_json(path)
    if path.exists() and not isinstance(data, dict):
        warn(f"{path.relative_to(out)} cannot be read: discarded (every part is checksummed again)")
        return {}
    return {k: v for k, v in (data or {}).items() if isinstance(v, list) and len(v) == 3}


def write_stat_cache(out: Path, cache: dict[str, list | None]) -> None:
    io.atomic_write_json(paths.part_stats(out), dict(sorted(cache.items())))


def remember_parts(out: Path, table: list[dict]) -> None:
    """After the parts of ``table`` were written and recorded: their stat, so that the next
    run does not checksum them again."""
    cache = read_stat_cache(out)
    for part in table:
        try:
            st = paths.part_path(out, part["path"]).stat()
        except FileNotFoundError:
            continue
        if st.st_size == part["bytes"]:
            cache[part["path"]] = [st.st_size, st.st_mtime_ns, part["sha256"]]
    write_stat_cache(out, cache)


def current_parts(out: Path, shard: int, rels: list[str] | None = None) -> list[dict]:
    """Records of a shard's parts (``rels``, default every part file of the shard) as they
    are on disk now (for a state without them)."""
    if rels is None:
        rels = [rel for rel in paths.part_files(out) if paths.part_key(Path(rel).name)[0] == shard]
    found = []
    for rel in rels:
        path = paths.part_path(out, rel)
        if path.is_file():
            found.append(part_entry(rel, shard, io.part_record(path)))
    return found


def record_rebuilt_parts(out: Path, shard: int, parts: list[dict] | None = None) -> None:
    """After a rebuild rewrote a shard's parts (``parts``: its part table now, default as on
    disk): the shard's journal and states record what they hold now, the manifest (the
    batch's) is left as it is until the next batch folds the journal in (the caller holds
    the shard's lock)."""
    parts = current_parts(out, shard) if parts is None else parts
    write_journal(out, shard, [], parts)
    for path in sorted((paths.state_dir(out) / "shards").glob(f"{shard:05d}-*.json")):
        state = io.read_json(path)
        if valid_state(state):
            io.atomic_write_json(path, {**state, "parts": parts})
    remember_parts(out, parts)


# --- caches: plans and shard states -------------------------------------------------------

def valid_state(state: object) -> TypeGuard[dict]:
    return isinstance(state, dict) and all(isinstance(state.get(k), t) for k, t in STATE_FIELDS.items())


def discard_unreadable(out: Path, shard: int, digest: str) -> bool:
    """Remove a shard's plan or state file that cannot be read, saying so; whether the plan
    must be written again."""
    plan, state = paths.shard_plan(out, shard, digest), paths.shard_state(out, shard, digest)
    rewrite = not plan.exists()
    if plan.exists() and not plans.readable(out, shard, digest):
        warn(f"{plan.relative_to(out)} cannot be read: discarded and planned again")
        plan.unlink(missing_ok=True)
        rewrite = True
    if state.exists() and not valid_state(io.read_json(state)):
        warn(f"{state.relative_to(out)} cannot be read: discarded, shard {shard} is cleaned again")
        state.unlink(missing_ok=True)
    return rewrite


# --- readers refuse damaged parts ----------------------------------------------------------

class DamagedOutput(Exception):
    """An output folder whose parts do not hold what the manifest records: one line."""


def assert_intact(out: Path, shards: list[int] | None = None) -> None:
    """Raise DamagedOutput when a part of ``shards`` (default: every recorded part) is
    missing, differs from its record or does not read back as records."""
    table, pending = manifest_parts(out), journals(out)
    rels = sorted(set(table) | {p["path"] for j in pending.values() for p in j["parts"] if "path" in p}) \
        if shards is None else [p["path"] for shard in shards for p in shard_table(out, shard, table, pending)]
    for rel in rels:
        records = expected(out, rel, table, pending)
        problem = part_problem(paths.part_path(out, rel), records)
        if problem is None and paths.part_path(out, rel).is_file():
            problem = unreadable_line(paths.part_path(out, rel))
        if problem:
            raise DamagedOutput(f"{out / rel} is damaged: it {problem}; run `newsclean run --out {out}` "
                                "to rebuild it from the raw folder")


def unreadable_line(path: Path) -> str | None:
    try:
        io.part_records(path)
    except io.DamagedPart as exc:
        return f"holds a line that does not read back ({exc.reason})"
    return None


def manifest_problems(out: Path) -> list[str]:
    """What keeps an output folder from being published and consistent: no manifest (or one
    without a part table), or a part that differs from the manifest's record of it (size,
    then sha256 when its stat changed since last seen). Empty when it is consistent."""
    manifest = io.read_json(paths.manifest(out))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("parts"), list):
        return [f"{paths.manifest(out)} is missing or has no part table"]
    cache = read_stat_cache(out)
    problems = []
    for part in manifest["parts"]:
        problem, _ = _stat_problem(paths.part_path(out, part["path"]), [part], cache.get(part["path"]))
        if problem:
            problems.append(describe(part["path"], problem, part))
    return problems
