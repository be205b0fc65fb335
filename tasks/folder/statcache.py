"""The input stat cache (``_state/inputstat.sqlite``): what hashing each input of raw/ gave,
by its size, mtime_ns and inode (and its sidecar's), so that a run reads only the inputs that
changed (pipeline/io.hashed_inputs says what it trusts: a regular file whose three numbers,
and its sidecar's, are those cached, and which had not changed for 2 s when it was hashed).

It is one SQLite file (``io.InputStatStore``) read beside the inputs of raw/ in path order
(tasks/run/plan_inputs.py sorts the walk on disk), one entry at a time, so that a run holds none
of it: the whole cache parsed was the largest part of a plan's memory (81 MB at 100,000
inputs), and a lookup per input in the file system's order read a 4 KiB page per input
(758 MB at 100,000). A run writes what changed, in one transaction,
and only when it has something to do: the pages of the entries it hashed again and of those
whose file is gone (when the cache holds more entries than the run listed inputs it holds,
each entry's file is looked for). It is local to a machine (inodes are; tasks/folder/remote.py
never uploads it).

It is a cache: a file that is not a SQLite database, or one made for another raw folder, is
emptied (every input is hashed again); an entry that does not read is not used (its input
is hashed); a file whose pages fail to read mid-run is not used from there on and removed
when the run saves (the next run hashes every input). The cache of earlier versions
(``_state/inputstat/NNNNNNNN-full.json`` and its deltas, or ``_state/inputstat.json``) is
read once, moved into the database when it is made, and deleted.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from newsclean.pipeline import io

from newsclean.tasks.folder import paths


class StatCache:
    """The cache of ``raw``'s inputs held in ``out``, as ``io.hashed_inputs`` asks it
    (``get``, ``put``); ``save`` writes what the run found. Use it as a context manager."""

    def __init__(self, out: Path, raw: Path):
        self.out, self.raw = out, str(raw.resolve())
        self.path = paths.input_stats_db(out)
        self.broken = False
        self.kept = 0  # entries of inputs this run listed that the cache holds after it saves
        self._last: tuple[str, bool] | None = None  # the rel last asked about, and whether it was cached
        self.store = self._open()
        self.trusted = self._meta_raw() == self.raw

    def __enter__(self) -> StatCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def _open(self) -> io.InputStatStore:
        fresh = not self.path.exists()
        try:
            store = io.InputStatStore(self.path)
            store.get_meta("raw")
        except sqlite3.DatabaseError:  # not a database: emptied, every input hashed again
            remove_db(self.path)
            store, fresh = io.InputStatStore(self.path), True
        if fresh:
            _move_legacy(self.out, self.raw, store)
        return store

    def _meta_raw(self) -> str | None:
        try:
            return self.store.get_meta("raw")
        except sqlite3.DatabaseError:
            self.broken = True
            return None

    def get(self, rel: str) -> list | None:
        if not self.trusted or self.broken:
            return None
        try:
            text = self.store.get_in_order(rel)  # the plan asks in path order (tasks/run/plan_inputs.py)
        except sqlite3.DatabaseError:
            self.broken = True
            return None
        self._last = (rel, text is not None)
        self.kept += text is not None
        return entry_of(text) if text is not None else None

    def put(self, rel: str, entry: list | None) -> None:
        if self._last == (rel, True):
            self.kept -= 1
        self._last = None
        self.kept += entry is not None
        self.store.put(rel, None if entry is None else json.dumps(entry, ensure_ascii=False, separators=(",", ":")))

    def save(self) -> bool:
        """Write what the run found (see the module); whether anything changed."""
        if self.broken:
            self.store.close()
            remove_db(self.path)
            return True
        try:
            return self.store.save({"raw": self.raw}, clear=not self.trusted, listed=self.kept, raw=Path(self.raw)) > 0
        except sqlite3.OperationalError:  # another run holds it past the timeout: a cache, not saved
            return False

    def entries(self) -> dict[str, list | None]:
        """Every entry cached, read whole (for tests and tools; a run never needs it)."""
        return {rel: entry_of(text) for rel, text in self.store.iter_entries()} if self.trusted else {}


def entry_of(text: str) -> list | None:
    """A cached entry read back: [stat key, [[id, rel, sha256, sidecar sha256], ...]], or
    None when it is not one (its input is hashed again)."""
    try:
        entry = json.loads(text)
    except ValueError:
        return None
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], list) and isinstance(entry[1], list)
            and all(isinstance(t, list) and len(t) == 4 for t in entry[1])):
        return None
    return entry


def remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        p.unlink(missing_ok=True)


def _move_legacy(out: Path, raw: str, store: io.InputStatStore) -> None:
    """Move the cache of earlier versions (numbered JSON files, or one file) into ``store``
    and delete it: read whole once, as those versions did every run."""
    folder, single = paths.input_stats_dir(out), paths.input_stats(out)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    numbered = [p for p in files if p.stem.partition("-")[0].isdigit() and p.stem.partition("-")[2] in ("full", "delta")]
    start = max((i for i, p in enumerate(numbered) if p.stem.endswith("-full")), default=None)
    chain = numbered[start:] if start is not None else ([single] if single.exists() else [])
    held: dict = {}
    for path in chain:
        data = io.read_json(path)
        if not (isinstance(data, dict) and data.get("raw") == raw and isinstance(data.get("inputs"), dict)):
            held = {}
            break
        for rel, entry in data["inputs"].items():
            if entry is None:
                held.pop(rel, None)
            else:
                held[rel] = entry
    if held:
        store.load(((rel, json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
                    for rel, entry in sorted(held.items())), {"raw": raw})
    for path in [*files, single]:
        path.unlink(missing_ok=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
