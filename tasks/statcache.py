"""The input stat cache (``_state/inputstat/``): what hashing each input of raw/ gave, by its
size, mtime_ns and inode (and its sidecar's), so that a run reads only the inputs that
changed (pipeline/io.list_inputs says what it trusts).

It is kept as numbered files, each written once and never changed: a full one (every input)
and, after it, one delta per run that hashed something (the inputs hashed again, ``null``
for an input gone). A run writes only its delta, so what it writes follows what changed,
not the size of raw/. When the deltas hold more entries than half the full file, or there
are more than ``MAX_FILES`` of them, the next write is a full file and the older files are
deleted (a rewrite of the whole cache every so many runs, its cost shared among them).

It is a cache: a file that cannot be read drops the whole cache (every input is hashed
again), as does one made for another raw folder. The single file of earlier versions
(``_state/inputstat.json``) is read as the full file and replaced by one at the next write.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from newsclean.pipeline import io

from newsclean.tasks import paths
from newsclean.tasks.plans import compact_json

MAX_FILES = 64  # deltas before the cache is written whole again (a no-change run reads them all)


@dataclass
class StatCache:
    """The cache as read: ``inputs`` (rel -> [stat key, hashed tuples]), what was read to
    make it (``held``, a copy to diff against), the files it came from and their size."""

    raw: str
    inputs: dict = field(default_factory=dict)
    held: dict = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    base: int = 0  # entries of the full file
    deltas: int = 0  # entries of the delta files after it
    legacy: bool = False  # read from _state/inputstat.json


def numbered(out: Path) -> list[tuple[int, bool, Path]]:
    """The cache's files in order: (number, whether it is a full one, path)."""
    folder = paths.input_stats_dir(out)
    found = []
    for path in folder.glob("*.json") if folder.is_dir() else []:
        number, _, kind = path.stem.partition("-")
        if number.isdigit() and kind in ("full", "delta"):
            found.append((int(number), kind == "full", path))
    return sorted(found)


def load(out: Path, raw: Path) -> StatCache:
    """The cache of ``raw``'s inputs held in ``out`` (empty when none can be trusted)."""
    want = str(raw.resolve())
    files = numbered(out)
    start = max((i for i, (_, full, _) in enumerate(files) if full), default=None)
    if start is None:
        return _load_legacy(out, want, [p for _, _, p in files])
    cache = StatCache(want, files=[p for _, _, p in files])
    for n, (_, _, path) in enumerate(files[start:]):
        data = io.read_json(path)
        if not _fits(data, want):
            return StatCache(want, files=cache.files)
        for rel, entry in data["inputs"].items():
            if entry is None:
                cache.inputs.pop(rel, None)
            else:
                cache.inputs[rel] = entry
        if n == 0:
            cache.base = len(data["inputs"])
        else:
            cache.deltas += len(data["inputs"])
    cache.held = dict(cache.inputs)
    return cache


def _fits(data: dict | None, raw: str) -> TypeGuard[dict]:
    return isinstance(data, dict) and data.get("raw") == raw and isinstance(data.get("inputs"), dict)


def _load_legacy(out: Path, raw: str, files: list[Path]) -> StatCache:
    held = io.read_json(paths.input_stats(out))
    cache = StatCache(raw, files=files, legacy=paths.input_stats(out).exists())
    if _fits(held, raw):
        cache.inputs = dict(held["inputs"])
        cache.held = dict(cache.inputs)
        cache.base = len(cache.inputs)
    return cache


def delta(cache: StatCache) -> dict:
    """What changed since the cache was read: rel -> its new entry, or None for one gone."""
    changed = {rel: entry for rel, entry in cache.inputs.items() if cache.held.get(rel) != entry}
    changed.update({rel: None for rel in cache.held.keys() - cache.inputs.keys()})
    return dict(sorted(changed.items()))


def save(out: Path, cache: StatCache) -> bool:
    """Write what changed since the cache was read: a delta file, or a full file (and the
    older files deleted) when the deltas would outweigh it. Returns whether it wrote."""
    changes = delta(cache)
    if not changes:
        return False
    number = int(cache.files[-1].stem.partition("-")[0]) + 1 if cache.files else 1
    whole = not cache.base or cache.legacy or len(cache.files) >= MAX_FILES \
        or 2 * (cache.deltas + len(changes)) > cache.base
    if whole:
        path = paths.input_stats_dir(out) / f"{number:08d}-full.json"
        io.atomic_write_text(path, compact_json({"raw": cache.raw, "inputs": dict(sorted(cache.inputs.items()))}))
        for old in cache.files:
            old.unlink(missing_ok=True)
        paths.input_stats(out).unlink(missing_ok=True)
    else:
        path = paths.input_stats_dir(out) / f"{number:08d}-delta.json"
        io.atomic_write_text(path, compact_json({"raw": cache.raw, "inputs": changes}))
    return True
