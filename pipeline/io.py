"""The one module of the library that touches files: raw inputs, rule packs, config,
JSONL parts, atomic writes."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from newsclean.pipeline.core.article import RejectedInput
from newsclean.pipeline.classify.blocks import load_models
from newsclean.pipeline.core.config import RULE_ID_KEYS, CleanConfig, ConfigError, check_rule_ids, config_from_mapping
from newsclean.pipeline.core.duplicates import Doc, Link, priority
from newsclean.pipeline.core.output_layout import CHANGELOG, CORPUS, PART_FOLDERS, STATE, STATE_FOLDERS
from newsclean.pipeline.core.ids import SIDECAR, input_id, printable_path, sidecar_name, undecoded_path
from newsclean.pipeline.ingest.inputs import Record, expand, file_format, is_multi, meta_problem, single_record
from newsclean.pipeline.rules.ruleset import DeferredRuleSet, RuleSet, build_ruleset, rules_digest, text_rule_ids

RULES_DIR = Path(__file__).resolve().parent / "rules"
TEXT_SUFFIXES = (".txt", ".text")  # plain text read as is (other inputs are extracted)


@dataclass(frozen=True)
class RawInput:
    id: str
    path: Path  # absolute
    rel: str  # relative to the raw folder, "/"-separated
    raw_rel: str | None = None  # ``rel`` as the file system names it, when printable_path changed it


def walk_order(rel: str, raw_rel: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Where an input comes in path order: by ``rel``; inputs whose printable names are
    the same (a name that is not UTF-8 and one spelt with its escape) in the order of a
    walk of sorted folders (their names as the file system gives them)."""
    return rel, tuple((raw_rel or rel).split("/"))


def load_rules(directory: Path = RULES_DIR, models: bool = True, deferred: bool = False,
               then: Callable[[], object] | None = None) -> RuleSet:
    """The rule packs and models of ``directory``, parsed, compiled and checked. ``deferred``:
    read now and digested, built when a rule is first asked for (``DeferredRuleSet``), then
    ``then()`` is called (the task layer takes the built rules out of the garbage
    collector's sight)."""
    packs = rule_packs(directory)
    model_files = [(p.relative_to(directory).as_posix(), p.read_text(encoding="utf-8"))
                   for p in sorted(directory.glob("models/*.json"))] if models else []
    if not deferred:
        return build_ruleset(packs, load_models(model_files))

    def build() -> RuleSet:
        rules = build_ruleset(packs, load_models(model_files))
        if then is not None:
            then()
        return rules
    return DeferredRuleSet(rules_digest(packs, [(source, text, None) for source, text in model_files]), build)


def rule_packs(directory: Path = RULES_DIR) -> list[tuple[str, str]]:
    """Every rule pack of ``directory``: (path under it, text), in path order."""
    return [(p.relative_to(directory).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(directory.rglob("*.toml"))]


def load_config(path: str | Path | None) -> CleanConfig:
    """The operator's config file (none: the defaults); ConfigError, one line, for a file
    that does not read or parse, an unknown key, a bad value or an unknown rule id."""
    if not path:
        return CleanConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        raise ConfigError(f"{path}: {exc}") from None
    table = data.get("clean", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [clean] must be a table of config keys, got {table!r}")
    config = config_from_mapping(table)
    if any(key in table for key in RULE_ID_KEYS):
        check_rule_ids(config, text_rule_ids(rule_packs()))
    return config


def is_input(path: Path) -> bool:
    name = path.name.lower()
    return not name.startswith(".") and file_format(name) is not None and not name.endswith(SIDECAR)


def is_quietly_ignored(name: str) -> bool:
    """Files of raw/ that are not inputs and need no mention: sidecars, dot-files, READMEs."""
    low = name.lower()
    return low.startswith(".") or low.endswith(SIDECAR) or low.startswith("readme")


@dataclass(frozen=True)
class RawListing:
    inputs: list[RawInput]  # sorted by rel
    ignored: list[str]  # rel paths of files that are not read (not an input format), sorted
    skipped: str | None = None  # rel path of the output folder found inside raw/, not entered
    passed: list[tuple[str, str]] = field(default_factory=list)  # other folders not entered: (rel path, why), sorted


class RawWalk:
    """The input files under ``raw`` as its folders are read (recursively; symlinks not
    followed; hidden folders such as ``.git`` not entered), in the file system's order: it
    holds the folders open on the way down and the names of their sub-folders, never the
    listing, so that planning an archive does not grow with it (``scan_raw`` sorts it).
    ``skip``: an output folder, never read as input when it lies inside ``raw``. As it goes,
    ``ignored`` collects the files that are not read (unsorted), ``skipped`` the output
    folder's path when it was met, and ``passed`` the other folders not entered, with why: a
    symlink to a folder, an earlier output folder (it holds ``_state`` and ``corpus``), whose
    parts would be read as JSONL inputs, and a folder that cannot be listed (unsorted)."""

    def __init__(self, raw: Path, skip: Path | None = None):
        self.raw = Path(raw).resolve()
        self.skip = Path(skip).resolve() if skip is not None else None
        self.ignored: list[str] = []
        self.skipped: str | None = None
        self.passed: list[tuple[str, str]] = []

    def __iter__(self) -> Iterator[RawInput]:
        return self._folder(self.raw, "")

    def _folder(self, here: Path, prefix: str) -> Iterator[RawInput]:
        folders = []
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    if self._is_folder(entry):
                        if self._enters(here, entry):
                            folders.append(entry.name)
                        continue
                    found = self._file(here, prefix, entry.name)
                    if found is not None:
                        yield found
        except OSError as exc:  # a folder that cannot be listed is passed over, as os.walk does, and named
            self.passed.append((printable_path(prefix.rstrip("/")) or ".", f"cannot be listed: {exc.strerror or exc}"))
        for name in sorted(folders):
            yield from self._folder(here / name, f"{prefix}{name}/")

    @staticmethod
    def _is_folder(entry: os.DirEntry) -> bool:
        try:
            return entry.is_dir()  # a symlink to a folder too: neither entered nor an input
        except OSError:
            return False

    def _enters(self, here: Path, entry: os.DirEntry) -> bool:
        if entry.name.startswith("."):
            return False
        if self.skip is not None and (here / entry.name).resolve() == self.skip:
            self.skipped = printable_path((here / entry.name).relative_to(self.raw).as_posix())
            return False
        why = "a symlink to a folder: not followed" if entry.is_symlink() else \
            "an earlier newsclean output folder" if is_output_folder(here / entry.name) else None
        if why is not None:
            self.passed.append((printable_path((here / entry.name).relative_to(self.raw).as_posix()), why))
        return why is None

    def _file(self, here: Path, prefix: str, name: str) -> RawInput | None:
        path = here / name
        raw_rel = prefix + name
        rel = printable_path(raw_rel)
        if is_input(path):
            return RawInput(input_id(rel), path, rel, None if rel == raw_rel else raw_rel)
        if not is_quietly_ignored(name):
            self.ignored.append(rel)
        return None


def is_output_folder(path: Path) -> bool:
    """Whether ``path`` holds a newsclean output (its ``_state`` and ``corpus`` folders); a
    folder that cannot be looked into does not (the walk then finds it cannot be listed)."""
    try:
        return (path / STATE).is_dir() and (path / CORPUS).is_dir()
    except OSError:
        return False


def scan_raw(raw: Path, skip: Path | None = None) -> RawListing:
    """Every input file under ``raw``, sorted (``walk_order``), and the files that are not
    read (see ``RawWalk``, which gives them one at a time)."""
    walk = RawWalk(raw, skip)
    found = sorted(walk, key=lambda r: walk_order(r.rel, r.raw_rel))
    return RawListing(found, sorted(walk.ignored), walk.skipped, sorted(walk.passed))


def list_raw(raw: Path, skip: Path | None = None) -> list[RawInput]:
    """Every input file under ``raw`` (see ``scan_raw``)."""
    return scan_raw(raw, skip).inputs


def open_regular(path: Path):
    """Open ``path`` for reading in binary, refusing anything but a regular file: opening a
    FIFO would block the batch forever (opened non-blocking, checked, then read)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise RejectedInput("reject.unreadable", f"{Path(path).name} is not a regular file (mode {stat.filemode(mode)})")
    return os.fdopen(fd, "rb")


def read_bytes(path: Path) -> bytes:
    with open_regular(path) as fh:
        return fh.read()


def checked_input(raw: Path, rel: str) -> Path:
    """The path of input ``rel`` once it is known safe to open: it resolves inside ``raw``
    (a symlink out of raw/ is not followed) and is a regular file (a FIFO would block)."""
    path = raw / rel
    if (named := undecoded_path(rel)) and not os.path.lexists(path) and os.path.lexists(raw / named):
        raise RejectedInput("reject.bad-name", f"the path {rel} is not valid UTF-8 (its bytes shown as %XX): "
                            "rename it to read it")
    try:
        real = path.resolve()
    except (RuntimeError, OSError) as exc:  # a symlink loop: RuntimeError before Python 3.13, OSError after
        raise RejectedInput("reject.unreadable", f"{rel} cannot be resolved (a symlink loop?): {exc}") from None
    if not real.is_relative_to(raw.resolve()):
        raise RejectedInput("reject.outside-raw", f"{rel} is a symlink to {real}, outside the raw folder: not followed")
    mode = os.stat(path).st_mode  # a dangling symlink raises FileNotFoundError here
    if not stat.S_ISREG(mode):
        raise RejectedInput("reject.unreadable", f"{rel} is not a regular file (mode {stat.filemode(mode)})")
    return path


def input_sha256(raw: Path, rel: str) -> str:
    """sha256 of an input's bytes; "unreadable:<why>" when it cannot or must not be read,
    so that the batch plans it anyway and its shard rejects it with the reason."""
    try:
        return file_sha256(checked_input(raw, rel))
    except RejectedInput as exc:
        return f"unreadable:{exc.rule}:{hashlib.sha256(exc.reason.encode()).hexdigest()[:16]}"
    except OSError as exc:
        return f"unreadable:{type(exc).__name__}"


def read_input(raw: Path, rel: str, max_bytes: int) -> tuple[bytes, dict | None]:
    """An input's bytes and sidecar metadata. Raises RejectedInput for a symlink out of
    raw/, a special file, or a file over ``max_bytes`` (checked before reading it)."""
    path = checked_input(raw, rel)
    size = os.stat(path).st_size
    if size > max_bytes:
        raise RejectedInput("reject.too-large", f"input is {size:,} bytes, over max_input_bytes={max_bytes:,}")
    side = sidecar_in(raw, path)
    return read_bytes(path), (parse_sidecar(side) if side else None)


def list_inputs(raw: Path, limit: int, skip: Path | None = None,
                listing: RawListing | None = None) -> list[tuple[str, str, str, str | None]]:
    """``(id, rel, sha256, sidecar sha256)`` of every article under ``raw``, in path order:
    one per single-article file (its file's sha256, and its sidecar's when it has one), one
    per record of a JSONL or WARC file (the record's own; records carry their metadata)."""
    inputs = (listing or scan_raw(raw, skip)).inputs
    return [t for _, found in hashed_inputs(raw, limit, inputs) for t in found]


class StatLookup(Protocol):
    """A stat cache as ``hashed_inputs`` asks it (tasks/folder/statcache.py keeps one)."""

    def get(self, rel: str) -> list | None:
        """What was cached for ``rel``: [stat key, hashed tuples], or None."""

    def put(self, rel: str, entry: list | None) -> None:
        """What this run found for ``rel`` after hashing it (None: not to be cached)."""


def hashed_inputs(raw: Path, limit: int, inputs: Iterable[RawInput],
                  stat_cache: StatLookup | None = None) -> Iterator[tuple[RawInput, list[tuple[str, str, str, str | None]]]]:
    """Each input file of ``inputs`` (a ``RawWalk``: one at a time, as it is found) with its
    articles' ``(id, rel, sha256, sidecar sha256)`` (see ``list_inputs``).

    ``stat_cache``: an input whose size, mtime_ns and inode, and its sidecar's, are those
    cached is not read again; an input hashed is put in the cache when it had settled
    (``_settled``) and is a regular file."""
    now = time.time_ns()
    for r in inputs:
        key = _stat_key(raw, r.rel)
        cached = stat_cache.get(r.rel) if stat_cache is not None and key is not None else None
        if cached is not None and cached[0] == key:
            yield r, [tuple(t) for t in cached[1]]
            continue
        try:
            found = _hash_input(raw, r, limit)
        except Exception as exc:  # noqa: BLE001 - one input never stops planning: its shard rejects it
            found = [(r.id, r.rel, f"unreadable:{type(exc).__name__}", None)]
            key = None  # not cached: read again next run
        if stat_cache is not None:
            stat_cache.put(r.rel, [key, [list(t) for t in found]] if key is not None and _settled(key, now) else None)
        yield r, found


STAT_SETTLE_NS = 2_000_000_000  # a file changed less than this before it was hashed may change again unseen


def _stat_key(raw: Path, rel: str) -> list | None:
    """[size, mtime_ns, inode] of a regular input file and of its sidecar (None when it has
    none); None when the input is not a regular file (a symlink, a special file: hashed
    every time, so that what it points at is checked every time)."""
    try:
        st = os.lstat(raw / rel)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    side = sidecar_path(raw / rel)
    try:
        sst = os.lstat(side)
    except OSError:
        sst = None
    if sst is not None and not stat.S_ISREG(sst.st_mode):
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, None if sst is None else [sst.st_size, sst.st_mtime_ns, sst.st_ino]]


def _settled(key: list, now_ns: int) -> bool:
    """Whether the input and its sidecar were last changed long enough before ``now_ns`` that
    a change made after hashing them would show in their mtime (racy-git's rule)."""
    times = [key[1]] + ([key[3][1]] if key[3] else [])
    return all(now_ns - t > STAT_SETTLE_NS for t in times)


def _hash_input(raw: Path, r: RawInput, limit: int) -> list[tuple[str, str, str, str | None]]:
    if is_multi(r.path.name):
        return [(rec.id, r.rel, rec.sha256, None) for rec in iter_records(raw, r.rel, limit)]
    return [(r.id, r.rel, input_sha256(raw, r.rel), sidecar_sha256(raw, r.rel))]


def sidecar_sha256(raw: Path, rel: str) -> str | None:
    """sha256 of the sidecar (``<id>.meta.json``) beside a single-article input, None when
    there is none: an edited sidecar makes the article stale like an edited input."""
    side = sidecar_in(raw, raw / rel)
    return file_sha256(side) if side else None


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of the input at ``path`` would be: its name less the format
    suffix, with ``.meta.json`` (``x/bbc.co.uk_a.html`` has ``x/bbc.co.uk_a.meta.json``)."""
    return path.with_name(sidecar_name(path.name))


def sidecar_in(raw: Path, path: Path) -> Path | None:
    """The sidecar of the input at ``path`` when there is one and it lies inside ``raw``
    (a sidecar symlinked out of raw/ is not read)."""
    side = sidecar_path(path)
    try:
        found = side.is_file()
    except OSError as exc:  # an input named near the file system's limit: no sidecar name fits
        if exc.errno != errno.ENAMETOOLONG:
            raise
        return None
    return side if found and side.resolve().is_relative_to(raw.resolve()) else None


def read_records(raw: Path, rel: str, limit: int) -> list[Record]:
    """Every record of a JSONL or WARC file, as a list (see ``iter_records``)."""
    return list(iter_records(raw, rel, limit))


def iter_records(raw: Path, rel: str, limit: int) -> Iterator[Record]:
    """The records of a JSONL or WARC file, one at a time as the file is read (any size:
    ``limit`` caps each record; planning a batch and loading a shard hold one record at a
    time, not the file); a file that cannot or must not be opened gives one rejected record,
    one that breaks off, a rejected record after those read (see ``inputs.expand``)."""
    try:
        fh = open(checked_input(raw, rel), "rb")
    except RejectedInput as exc:
        error = (exc.rule, exc.reason)
    except OSError as exc:
        error = ("reject.unreadable", f"cannot read input: {type(exc).__name__}: {exc}")
    else:
        with fh:
            yield from expand(Path(rel).name, fh, limit, stem=input_id(rel))
        return
    yield Record(input_id(rel), "text", b"", None, f"unreadable:{error[0]}", error=error)


def read_record(raw: Path, rel: str, limit: int) -> Record:
    """The record of a single-article file, with its sidecar metadata (see read_input)."""
    data, meta = read_input(raw, rel, limit)
    return single_record(input_id(rel), Path(rel).name, data, meta, limit)


class RecordReader:
    """Loads the records of a batch's entries by (id, rel), reading each multi-record file
    once and keeping only the records asked for (``wanted``: (id, rel) pairs)."""

    def __init__(self, raw: Path, limit: int, wanted=()):
        self.raw, self.limit = Path(raw), limit
        self.wanted: dict[str, set[str]] = {}
        for aid, rel in wanted:  # only a multi-record file's: a file of one record is read whole
            if is_multi(Path(rel).name):
                self.wanted.setdefault(rel, set()).add(aid)
        self.files: dict[str, dict[str, Record]] = {}

    def __call__(self, aid: str, rel: str) -> Record:
        if not is_multi(Path(rel).name):
            return read_record(self.raw, rel, self.limit)
        if rel not in self.files:
            keep = self.wanted.get(rel)
            records: dict[str, Record] = {}
            for rec in iter_records(self.raw, rel, self.limit):
                if keep is None or rec.id in keep:
                    records.setdefault(rec.id, rec)
            self.files[rel] = records
        if aid not in self.files[rel]:
            raise FileNotFoundError(f"no record {aid!r} in {rel} any more")
        return self.files[rel][aid]


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes; "unreadable:<error>" when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open_regular(path) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        return f"unreadable:{type(exc).__name__}"
    except RejectedInput:
        return "unreadable:not-a-regular-file"
    return h.hexdigest()


class DamagedPart(Exception):
    """A part file that cannot be read back: a line that is not a JSON record with an id."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def read_parts(out: Path, name: str) -> dict[str, tuple[str | None, str]]:
    """Stored records of one shard: id -> (corpus line or None, change-log line). Raises
    DamagedPart when a line of either part is not a record (a truncated file)."""
    corpus = dict(part_records(out / CORPUS / name))
    return {rid: (corpus.get(rid), line) for rid, line in part_records(out / CHANGELOG / name)}


def part_records(path: Path) -> list[tuple[str, str]]:
    """(id, line) of every record of a part file, in order; DamagedPart on a line that is
    not a JSON record with an id."""
    try:
        lines = _lines(path)
    except UnicodeDecodeError as exc:
        raise DamagedPart(path, f"is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    found = []
    for n, line in enumerate(lines, start=1):
        rid = _record_id(line)
        if rid is None:
            raise DamagedPart(path, f"line {n} is not a JSON record with an id")
        found.append((rid, line))
    return found


def iter_part_records(path: Path) -> Iterator[tuple[str, str]]:
    """(id, line) of every record of a part file, one at a time (see ``part_records``)."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        n = 0
        for line in fh:
            if not line.strip():
                continue
            n += 1
            line = line.rstrip("\n")
            rid = _record_id(line)
            if rid is None:
                raise DamagedPart(path, f"line {n} is not a JSON record with an id")
            yield rid, line


def _record_id(line: str) -> str | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    return data["id"] if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def salvage_ids(path: Path) -> set[str]:
    """The ids of the lines of a (maybe damaged) part that still read as records."""
    try:
        return {rid for rid in map(_record_id, _lines(path)) if rid is not None}
    except (OSError, UnicodeDecodeError):
        return set()


def part_record(path: Path) -> dict:
    """What a part file holds: its record count, size in bytes and sha256 (file_sha256)."""
    with open_regular(path) as fh:
        data = fh.read()
    return {"records": sum(1 for line in data.split(b"\n") if line.strip()), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


def write_if_changed(path: Path, lines: list[str]) -> bool:
    """Atomically write JSONL ``lines`` unless the file already holds exactly them."""
    return write_text_if_changed(path, "".join(line + "\n" for line in lines))


def write_text_if_changed(path: Path, text: str) -> bool:
    """Atomically write ``text`` unless the file already holds exactly it; whether written."""
    if holds_text(path, text):
        return False
    atomic_write_text(path, text)
    return True


def holds_text(path: Path, text: str) -> bool:
    """The file exists and holds exactly ``text`` (as UTF-8)."""
    try:
        return path.read_text(encoding="utf-8") == text
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return False


class PartWriter:
    """Stream JSONL lines into a temporary file beside ``path``; on a clean exit it replaces
    ``path`` atomically, unless ``path`` already holds exactly these bytes (then it is left
    untouched, as ``write_if_changed`` does). On an error the temporary file is removed.

    ``record()`` gives what the new part holds (records, bytes, sha256), counted as it is
    written; ``commit()`` replaces ``path`` before the block ends, so that a caller can
    write down that record durably first."""

    def __init__(self, path: Path):
        self.path = path
        self.records, self.bytes, self.hash, self.committed = 0, 0, hashlib.sha256(), False

    def __enter__(self) -> PartWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=_temp_prefix(self.path), suffix=".tmp", dir=self.path.parent)
        os.fchmod(fd, _FILE_MODE)
        self.fh = os.fdopen(fd, "wb")
        return self

    def write(self, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        self.fh.write(data)
        self.hash.update(data)
        self.records += 1
        self.bytes += len(data)

    def record(self) -> dict:
        return {"records": self.records, "bytes": self.bytes, "sha256": self.hash.hexdigest()}

    def finish(self) -> None:
        """No more lines: the temporary file is flushed and closed (``commit`` renames it
        later), so that a writer waiting for its commit holds no open file."""
        self.fh.close()

    def commit(self) -> None:
        if self.committed:
            return
        self.committed = True
        if not self.fh.closed:
            self.fh.flush()
        if not _same_bytes(self.tmp, self.path):
            if self.fh.closed:
                fd = os.open(self.tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            else:
                os.fsync(self.fh.fileno())
                self.fh.close()
            os.replace(self.tmp, self.path)
            _fsync_dir(self.path.parent)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            try:  # close flushes what is buffered, which fails again on a full disk
                self.fh.close()
            finally:
                if os.path.exists(self.tmp):
                    os.unlink(self.tmp)


def _same_bytes(a: str | Path, b: Path, chunk: int = 1 << 20) -> bool:
    if not b.exists() or os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(chunk), fb.read(chunk)
            if x != y:
                return False
            if not x:
                return True


def read_json(path: str | Path, object_hook=None) -> dict | None:
    """A JSON file's value; None when it cannot be read or parsed. ``object_hook``: called on
    each object as it is parsed, its result kept in its place (json.loads); a ValueError it
    raises makes the file unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"), object_hook=object_hook)
    except (OSError, ValueError):
        return None


def iter_json_object(path: str | Path, arrays: Iterable[str] = (), object_hook=None,
                     chunk: int = 1 << 16) -> Iterator[tuple[str, object, bool]]:
    """The members of a file holding one JSON object, read a piece at a time: (key, value,
    False) for each member, except that a member named in ``arrays`` whose value is a list
    gives (key, element, True) for each of its elements as it is parsed, so that a large
    list is never held (an empty list: (key, [], False)). ``object_hook`` as for ``json.loads``. ValueError (or OSError) when
    the file does not hold one JSON object, raised when reading reaches the fault."""
    arrays = set(arrays)
    decoder = json.JSONDecoder(object_hook=object_hook)
    space = re.compile(r"[ \t\n\r]*")
    with open(path, encoding="utf-8") as fh:
        buf, pos, eof = "", 0, False

        def fill() -> bool:
            nonlocal buf, pos, eof
            more = "" if eof else fh.read(chunk)
            if not more:
                eof = True
                return False
            buf, pos = buf[pos:] + more, 0
            return True

        def peek() -> str:
            nonlocal pos
            while True:
                pos = space.match(buf, pos).end()  # type: ignore[union-attr]
                if pos < len(buf) or not fill():
                    return buf[pos] if pos < len(buf) else ""

        def take(char: str) -> None:
            nonlocal pos
            if peek() != char:
                raise ValueError(f"{path}: expected {char!r} at {pos}")
            pos += 1

        def closed(close: str) -> bool:
            """After a member or element: True at ``close``, False at a comma."""
            nonlocal pos
            char = peek()
            pos += 1
            if char == close:
                return True
            if char != ",":
                raise ValueError(f"{path}: expected ',' or {close!r}")
            return False

        def value():
            nonlocal pos
            peek()
            while True:
                try:
                    found, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError:
                    if fill():
                        continue
                    raise
                if end == len(buf) and fill():  # a number may go on in the next piece
                    continue
                pos = end
                return found

        take("{")
        if peek() == "}":
            pos += 1
        else:
            while True:
                key = value()
                if not isinstance(key, str):
                    raise ValueError(f"{path}: not an object's key")
                take(":")
                if key in arrays and peek() == "[":
                    pos += 1
                    if peek() == "]":
                        pos += 1
                        yield key, [], False
                    else:
                        while True:
                            yield key, value(), True
                            if closed("]"):
                                break
                else:
                    yield key, value(), False
                if closed("}"):
                    break
        if peek():
            raise ValueError(f"{path}: more after the object")


def read_sidecar(path: Path) -> dict | None:
    """``<name>.meta.json`` beside the input: {url, site, published, title, authors, language}."""
    side = sidecar_path(path)
    return parse_sidecar(side) if side.is_file() else None


def parse_sidecar(side: Path) -> dict | None:
    """The sidecar file's object (None when it holds another JSON value). Its bytes are
    read as JSON reads them: UTF-8 with or without a BOM (Notepad's), UTF-16 or UTF-32."""
    try:
        raw = side.read_bytes()
        data = json.loads(raw.decode(json.detect_encoding(raw)))  # strict: no lone surrogate gets in
    except (ValueError, UnicodeDecodeError) as exc:
        raise RejectedInput("reject.bad-sidecar", f"{side.name} is not valid JSON (UTF-8, -16 or -32): {exc}") from None
    if not isinstance(data, dict):
        return None
    if (problem := meta_problem(data)) is not None:
        raise RejectedInput("reject.bad-sidecar", f"{side.name}: {problem}")
    return data


def iter_jsonl(path: Path) -> Iterator[dict]:
    """The records of a JSONL file, one at a time."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


_HOST = socket.gethostname().replace("~", "-") or "localhost"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes files private (0600); outputs are for others to read too, as a plain
# open() would make them: 0666 less the process's umask, read once at import
_FILE_MODE = 0o666 & ~_umask()


def _temp_prefix(path: Path) -> str:
    """Temporary files carry host and pid, so that ``remove_temp_files`` removes only the
    leftovers of dead writers, never a file another live worker is writing."""
    return f".{path.name}~{_HOST}~{os.getpid()}~"


def atomic_write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write to a temporary file beside ``path``, fsync, rename into place. ``text``: a
    string, or its pieces as they are made (written one at a time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    os.fchmod(fd, _FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def atomic_write_jsonl(path: Path, lines: list[str]) -> None:
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def atomic_write_json(path: Path, data: dict) -> None:
    """``json.dumps(data, indent=1)`` and a newline, written as the encoder makes its pieces
    (json.dumps holds them all, then their join: a piece per value of a long list)."""
    pieces = json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=False).iterencode(data)
    atomic_write_text(path, itertools.chain(pieces, ["\n"]))


@contextmanager
def locked(path: Path):
    """Hold an exclusive advisory lock (flock) on ``path`` for the block: a shard's parts are
    read, changed and written by one process at a time (a batch and a rebuild, or two
    overlapping batches), so that no update is lost."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class Busy(Exception):
    """Another process holds a run lock (``run_lock``); ``holder`` says which, when known."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


@contextmanager
def run_lock(path: Path, shared: bool = False) -> Iterator[None]:
    """Hold an output folder's run lock for the block, or raise Busy at once: exclusive for
    a run with its own scheduler, shared by the worker processes of a central scheduler's
    batch (which hands each task to one of them), so that neither kind overlaps the other.
    An flock: the kernel lets go when the holder ends, however it ends, so no lock is ever
    stale. The file is made once and never written (a run with nothing to do writes no file);
    in a folder this process may not write, where it cannot be made, the block runs without
    it (a run there with something to write says so at its first write)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # NFS: an exclusive flock needs write access
        except PermissionError:
            fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        yield
        return
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(_lock_holder(fd)) from None
        yield
    finally:
        os.close(fd)  # lets go of the lock


def _lock_holder(fd: int) -> str:
    """Who holds the run lock ``fd`` is open on: the worker processes of a central
    scheduler's batch (they hold it shared, and so let another share it), else the pid that
    /proc/locks gives for it (Linux; a holder on another NFS client is not listed there)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        pass
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return "the worker processes of a --scheduler-url batch"
    st = os.fstat(fd)
    node = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii") as fh:
            pids = [f[4] for f in (line.split() for line in fh) if len(f) > 5 and f[1] == "FLOCK" and f[5] == node]
    except OSError:
        pids = []
    return f"pid {pids[0]}" if pids else "another process"


def remove_stale(out: Path, keep_states: set[str], keep_plans: set[str]) -> list[Path]:
    """Remove state and plan files of earlier batches, and temporary files left by a crashed
    write (part files no manifest lists are tasks/folder/segment_files.py's to remove)."""
    gone = [p for p in sorted((out / STATE / "shards").glob("*.json")) if str(p) not in keep_states]
    gone.extend(p for p in sorted((out / STATE / "plan").glob("*.json")) if str(p) not in keep_plans)
    for path in gone:
        path.unlink(missing_ok=True)
    return gone + remove_temp_files(out)


TEMP_FOLDERS = ("", *PART_FOLDERS, STATE, *(f"{STATE}/{sub}" for sub in STATE_FOLDERS))
FOREIGN_TEMP_AGE = 24 * 3600  # seconds; another host's temporary file older than this is dead


def remove_temp_files(out: Path) -> list[Path]:
    """Remove temporary files left by writers that died (SIGKILL, power loss): those of this
    host whose process is gone, and those of other hosts older than a day."""
    gone = []
    for sub in TEMP_FOLDERS:
        for path in sorted((out / sub).glob(".*.tmp")):
            if not path.is_file():
                continue
            parts = path.name.rsplit("~", 3)
            if len(parts) == 4 and parts[1] == _HOST and parts[2].isdigit():
                dead = not _alive(int(parts[2]))
            else:
                try:
                    dead = time.time() - path.stat().st_mtime > FOREIGN_TEMP_AGE
                except FileNotFoundError:
                    continue
            if dead:
                path.unlink(missing_ok=True)
                gone.append(path)
    return gone


def replace_tree(target: Path,
                 files: dict[str, str | bytes] | Iterable[tuple[str, str | bytes]]) -> None:
    """Write ``files`` ({relative path: text, as UTF-8, or bytes}, or (path, content) pairs
    made as they are written) as the folder ``target``, replacing what was there in one
    rename: a reader sees the old folder or the new one, never half of each."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a report is for reading
    try:
        for rel, text in files.items() if isinstance(files, dict) else files:
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8", newline="\n")
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _alive(pid: int) -> bool:
    if os.path.isdir("/proc/self"):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has finished
        except FileNotFoundError:
            return False
        except (OSError, IndexError):
            pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the library's own source (pipeline/**/*.py), read once per process: stamped
    on outputs so that a code change under an unchanged version still makes them stale."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def module_source_digest(module_name: str) -> str:
    """Digest of one importable module's source file (a user stage's module): stamped with the
    library's code digest, so that editing a user stage makes its outputs stale."""
    import importlib.util

    spec = importlib.util.find_spec(module_name)
    origin = spec.origin if spec else None
    data = Path(origin).read_bytes() if origin and Path(origin).is_file() else b""
    return hashlib.sha256(module_name.encode() + b"\0" + data).hexdigest()[:16]


@lru_cache(maxsize=1)
def library_sources() -> dict[str, str]:
    """The library's modules by dotted name (``newsclean.pipeline.stages.encoding``; a package by its
    own name), their source text: what the stage chain's step digests read (pipeline/output/chain.py)."""
    out = {}
    package = __name__.rpartition(".")[0]  # the library's own dotted name, wherever it is installed
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        name = ".".join((package, *parts[:-1])) if parts[-1] == "__init__" else ".".join((package, *parts))
        out[name] = path.read_text(encoding="utf-8")
    return out


def write_bytes_renamed(path: Path, data: bytes) -> None:
    """Bytes written beside ``path`` and renamed into place (the stage chain's intermediates).
    Not fsynced: an intermediate is a cache, which the chain makes again when it is lost."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_folder(path: Path) -> None:
    """A folder and what it holds (the stage chain's intermediates of a committed shard)."""
    shutil.rmtree(path, ignore_errors=True)

# --- the near-duplicate index (pipeline/output/dedup.py's Index, kept in SQLite) --------------------

class DedupStore:
    """The near-duplicate index of an output folder, one SQLite file: per record its shard,
    date, length, text digest, shingle hashes (4 bytes each) and link; its LSH band keys;
    the verified edges; and ``meta`` (what the index was built with, the part digests it
    last saw). Lookups go to disk, so a run's memory does not grow with the index.

    ``with store.transaction():`` holds every change until the block ends; a crash inside
    leaves the index as it was before it (SQLite's journal)."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS docs (rid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, shard INTEGER NOT NULL,
        published TEXT, length INTEGER NOT NULL, text_sha TEXT NOT NULL, shingles BLOB NOT NULL, bands BLOB NOT NULL,
        link_of TEXT, link_sim REAL, link_con REAL, link_rule TEXT);
    CREATE INDEX IF NOT EXISTS docs_shard ON docs (shard);
    CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS edges (a INTEGER NOT NULL, b INTEGER NOT NULL, sim REAL NOT NULL, con REAL NOT NULL,
        PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """

    def __init__(self, path: Path):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.executescript(self.SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def clear(self) -> None:
        for table in ("docs", "bands", "edges", "meta"):
            self.db.execute(f"DELETE FROM {table}")

    def get_meta(self, key: str):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))

    def _rid(self, doc_id: str) -> int | None:
        row = self.db.execute("SELECT rid FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def shard_docs(self, shard: int) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, text_sha FROM docs WHERE shard = ?", (shard,)))

    def shard_links(self, shard: int) -> dict:
        """id -> Link or None, of every record of a shard."""
        return {row[0]: (Link(row[0], *row[1:]) if row[1] is not None else None) for row in self.db.execute(
            "SELECT id, link_of, link_sim, link_con, link_rule FROM docs WHERE shard = ?", (shard,))}

    def shards_of(self, ids) -> set[int]:
        found = set()
        for doc_id in ids:
            row = self.db.execute("SELECT shard FROM docs WHERE id = ?", (doc_id,)).fetchone()
            if row:
                found.add(row[0])
        return found

    def get(self, doc_id: str):
        row = self.db.execute("SELECT id, shard, published, length, text_sha, shingles, bands FROM docs WHERE id = ?",
                              (doc_id,)).fetchone()
        if row is None:
            return None
        doc_id, shard, published, length, text_sha, shingles, bands = row
        return Doc(doc_id, shard, published, length, text_sha, frozenset(_unpack(shingles, "I")), tuple(_unpack(bands, "q")))

    def key(self, doc_id: str):
        row = self.db.execute("SELECT published, length, id FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return priority(*row) if row else None

    def candidates(self, bands) -> set[str]:
        if not bands:
            return set()
        marks = ",".join("?" * len(bands))
        return {r[0] for r in self.db.execute(
            f"SELECT DISTINCT d.id FROM bands b JOIN docs d ON d.rid = b.rid WHERE b.key IN ({marks})", tuple(bands))}

    def neighbours(self, doc_id: str) -> dict[str, tuple[float, float]]:
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT o.id, e.sim, e.con FROM docs d JOIN edges e ON e.a = d.rid JOIN docs o ON o.rid = e.b "
            "WHERE d.id = ?", (doc_id,))}

    def add(self, doc) -> None:
        cur = self.db.execute("INSERT INTO docs (id, shard, published, length, text_sha, shingles, bands) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)",
                              (doc.id, doc.shard, doc.published, doc.length, doc.text_sha,
                               _pack(sorted(doc.shingles), "I"), _pack(doc.bands, "q")))
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(k, cur.lastrowid) for k in doc.bands])

    def remove(self, doc_id: str) -> None:
        row = self.db.execute("SELECT rid, bands FROM docs WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        rid, bands = row
        self.db.executemany("DELETE FROM bands WHERE key = ? AND rid = ?", [(k, rid) for k in _unpack(bands, "q")])
        self.db.execute("DELETE FROM edges WHERE a = ? OR b = ?", (rid, rid))
        self.db.execute("DELETE FROM docs WHERE rid = ?", (rid,))

    def add_edge(self, a: str, b: str, similarity: float, containment: float) -> None:
        ra, rb = self._rid(a), self._rid(b)
        self.db.executemany("INSERT OR REPLACE INTO edges VALUES (?, ?, ?, ?)",
                            [(ra, rb, similarity, containment), (rb, ra, similarity, containment)])

    def link(self, doc_id: str):
        row = self.db.execute("SELECT link_of, link_sim, link_con, link_rule FROM docs WHERE id = ?",
                              (doc_id,)).fetchone()
        return Link(doc_id, *row) if row and row[0] is not None else None

    def set_link(self, doc_id: str, link) -> None:
        values = (link.of, link.similarity, link.containment, link.rule) if link else (None, None, None, None)
        self.db.execute("UPDATE docs SET link_of = ?, link_sim = ?, link_con = ?, link_rule = ? WHERE id = ?",
                        (*values, doc_id))

    def linked(self) -> Iterator[tuple]:
        """(id, canonical id, similarity, containment, rule) of every linked record, by id, read
        as it is consumed."""
        return iter(self.db.execute("SELECT id, link_of, link_sim, link_con, link_rule FROM docs "
                                    "WHERE link_of IS NOT NULL ORDER BY id"))

    def link_counts(self) -> dict:
        """Records indexed and linked, groups, and linked records per rule."""
        indexed, linked, groups = self.db.execute(
            "SELECT count(*), count(link_of), count(DISTINCT link_of) FROM docs").fetchone()
        rules = dict(self.db.execute("SELECT link_rule, count(*) FROM docs WHERE link_of IS NOT NULL "
                                     "GROUP BY link_rule ORDER BY link_rule"))
        return {"indexed": indexed, "linked": linked, "groups": groups, "rules": rules}

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]


def _pack(values, code: str) -> bytes:
    import array

    data = array.array(code, values)
    if sys.byteorder != "little":
        data.byteswap()
    return data.tobytes()


def _unpack(blob: bytes, code: str) -> list[int]:
    import array

    data = array.array(code)
    data.frombytes(blob)
    if sys.byteorder != "little":
        data.byteswap()
    return data.tolist()


def part_lines(path: Path) -> list[tuple[str, str]]:
    """(id, line) of every record of a part the run has checked already (tasks/run/link_duplicates.py):
    the id is read from the line's start, where every record writes it, without parsing
    the rest (part_records parses each line; DamagedPart on a line without an id)."""
    found = []
    for line in _lines(path):
        rid = _leading_id(line) if line.startswith('{"id":"') else _record_id(line)
        if rid is None:
            raise DamagedPart(path, "a line is not a JSON record with an id")
        found.append((rid, line))
    return found


_DECODER = json.JSONDecoder()


def _leading_id(line: str) -> str | None:
    try:
        rid, _ = _DECODER.raw_decode(line, 6)
    except ValueError:
        return None
    return rid if isinstance(rid, str) else None


def iter_part(path: Path) -> Iterator[dict]:
    """The records of a part file one at a time (memory does not grow with the part)."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


# --- a plan's spill and the input stat cache (tasks/run/plan_inputs.py, tasks/folder/statcache.py) ------------

class Spill:
    """Rows (JSON values) put aside on disk by group (a shard), in the order they are added,
    and read back one group at a time: what one pass over the inputs of raw/ hands to the
    planning of each shard, so that neither holds every input. The rows are in at most
    ``MAX_FILES`` temporary files (group % MAX_FILES), removed when the block ends (and by the
    next plan on this host when the process was killed: ``remove_stale_spills``)."""

    MAX_FILES = 64  # open at once while the rows are added

    def __init__(self, groups: int):
        self.groups = groups
        self.count = 0

    PREFIX = "newsclean-plan"  # its folder: PREFIX~host~pid~random, in the system's temporary folder

    def __enter__(self) -> Spill:
        remove_stale_spills()
        self.folder = tempfile.TemporaryDirectory(prefix=f"{self.PREFIX}~{_HOST}~{os.getpid()}~")
        self.files = [open(Path(self.folder.name) / f"{i:05d}.jsonl", "w", encoding="utf-8")
                      for i in range(min(self.groups, self.MAX_FILES))]
        return self

    def __exit__(self, *exc) -> None:
        for fh in self.files:
            fh.close()
        self.folder.cleanup()

    def add(self, group: int, row) -> None:
        self.files[group % len(self.files)].write(json.dumps([group, row]) + "\n")
        self.count += 1

    def sorted(self, rows: Iterable, key, run: int | None = None) -> Iterator:
        """``rows`` (JSON values) in the order of ``key``, holding ``run`` of them at a time:
        sorted runs of ``run`` rows written beside the groups' files, then merged as read
        (at most ``FAN_IN`` files open at once; more runs are merged in passes first)."""
        return external_sorted(rows, key, Path(self.folder.name), run or SORT_RUN)

    def read(self) -> Iterator[tuple[int, list]]:
        """(group, its rows in the order added) of every group, one at a time, in the order
        of their files (by group when there are at most ``MAX_FILES``)."""
        for n in range(len(self.files)):
            held = self._file(n)
            for group in range(n, self.groups, len(self.files)):
                yield group, held.pop(group, [])

    def group(self, group: int) -> list:
        """The rows of one group."""
        return self._file(group % len(self.files)).get(group, [])

    def iter_group(self, group: int) -> Iterator:
        """The rows of one group in the order added, one at a time (its file read through)."""
        fh = self.files[group % len(self.files)]
        fh.flush()
        with open(fh.name, encoding="utf-8") as lines:
            for line in lines:
                at, row = json.loads(line)
                if at == group:
                    yield row

    def _file(self, n: int) -> dict[int, list]:
        self.files[n].flush()
        held: dict[int, list] = {}
        with open(self.files[n].name, encoding="utf-8") as fh:
            for line in fh:
                group, row = json.loads(line)
                held.setdefault(group, []).append(row)
        return held


SORT_RUN = 4096  # rows a sort on disk holds (about 1.5 MB of a plan's rows)
FAN_IN = 64  # sorted runs merged at once (files open)


def external_sorted(rows: Iterable, key, folder: Path, run: int = SORT_RUN) -> Iterator:
    """``rows`` (JSON values) sorted by ``key`` (stable), at most ``run`` of them held at a
    time: sorted runs of ``run`` rows are written to files in ``folder`` and merged as they are
    read, ``FAN_IN`` files at a time (more runs are merged into longer ones first); each file
    is removed once merged. A single run is never written."""
    import heapq

    runs: list[Path] = []

    def write(sorted_rows: Iterable) -> Path:
        fd, name = tempfile.mkstemp(prefix="sort-", suffix=".jsonl", dir=folder)
        path = Path(name)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row) + "\n" for row in sorted_rows)
        return path

    def read(path: Path) -> Iterator:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)
        path.unlink(missing_ok=True)

    held: list = []
    for row in rows:
        held.append(row)
        if len(held) >= run:
            held.sort(key=key)
            runs.append(write(held))
            held = []
    held.sort(key=key)
    if not runs:
        yield from held
        return
    if held:
        runs.append(write(held))
    del held
    while len(runs) > FAN_IN:
        runs = [write(heapq.merge(*map(read, runs[:FAN_IN]), key=key)), *runs[FAN_IN:]]
    try:
        yield from heapq.merge(*map(read, runs), key=key)
    finally:
        for path in runs:
            path.unlink(missing_ok=True)


def remove_stale_spills(folder: str | Path | None = None) -> list[Path]:
    """Remove the spill folders (``Spill``) in ``folder`` (the system's temporary folder)
    left by a plan that was killed (SIGKILL, power loss: the block never ended): those of
    this host whose process is gone, and those of other hosts, or of versions that did not
    name their process, older than a day."""
    gone = []
    for path in Path(folder or tempfile.gettempdir()).glob(f"{Spill.PREFIX}*"):
        parts = path.name.split("~")
        if len(parts) == 4 and parts[0] == Spill.PREFIX and parts[1] == _HOST and parts[2].isdigit():
            dead = int(parts[2]) != os.getpid() and not _alive(int(parts[2]))
        elif path.name.startswith(f"{Spill.PREFIX}-") or parts[0] == Spill.PREFIX:
            try:
                dead = time.time() - path.stat().st_mtime > FOREIGN_TEMP_AGE
            except FileNotFoundError:
                continue
        else:
            continue
        if dead and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


class InputStatStore:
    """The input stat cache as one SQLite file (tasks/folder/statcache.py says what it holds and
    trusts): rel -> its entry as JSON, and ``meta``. Lookups go to disk, one input at a time,
    so that the cache is never held whole (1 MB of pages cached: the tree's inner pages).
    The entries a run changes go to a temporary table (its pages on disk too); ``save``
    applies them in one transaction, which a run with nothing to do never opens."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS inputs (rel TEXT PRIMARY KEY, entry TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """
    TEMP = """
    PRAGMA main.cache_size = -1024;
    PRAGMA temp_store = FILE;
    CREATE TEMP TABLE changed (rel TEXT PRIMARY KEY, entry TEXT) WITHOUT ROWID;
    PRAGMA temp.cache_size = -512;
    """

    def __init__(self, path: Path, timeout: float = 30.0):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._order: tuple | None = None  # get_in_order's place: (last rel asked, the rows after it, the next row)
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=timeout)
        try:
            self.db.executescript(self.SCHEMA)
            self.db.executescript(self.TEMP)
        except sqlite3.Error:
            self.db.close()
            raise

    def close(self) -> None:
        self.end_order()
        self.db.close()

    def end_order(self) -> None:
        """Close ``get_in_order``'s reading of the table (before the table is written)."""
        if self._order is not None:
            self._order[1].close()
        self._order = None

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def get(self, rel: str) -> str | None:
        row = self.db.execute("SELECT entry FROM main.inputs WHERE rel = ?", (rel,)).fetchone()
        return row[0] if row else None

    def get_in_order(self, rel: str) -> str | None:
        """As ``get``, for lookups made in the order of ``rel`` (SQLite's, by UTF-8 bytes, is
        the order of Python's strings): the table is read once from the first ``rel`` asked,
        page after page, beside the lookups (a lookup at random reads a page, 4 KiB, for each
        input). A ``rel`` before the last one asked is looked up alone."""
        if self._order is None or rel < self._order[0]:
            if self._order is not None:
                return self.get(rel)
            self._order = (rel, self.db.execute(
                "SELECT rel, entry FROM main.inputs WHERE rel >= ? ORDER BY rel", (rel,)), None)
        _, rows, head = self._order
        while head is None or head[0] < rel:
            head = rows.fetchone()
            if head is None:  # past the last entry
                break
        self._order = (rel, rows, head)
        return head[1] if head is not None and head[0] == rel else None

    def put(self, rel: str, entry: str | None) -> None:
        """Set (or with None, remove) ``rel``'s entry when the run saves."""
        self.db.execute("INSERT OR REPLACE INTO temp.changed VALUES (?, ?)", (rel, entry))

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM main.inputs").fetchone()[0]

    def iter_entries(self) -> Iterator[tuple[str, str]]:
        """(rel, entry) of every input cached, by rel, read as consumed."""
        return iter(self.db.execute("SELECT rel, entry FROM main.inputs ORDER BY rel"))

    def _missing(self, raw: Path) -> list[str]:
        """The entries whose file is no longer in ``raw`` (one stat per entry)."""
        gone = []
        cursor = self.db.execute("SELECT rel FROM main.inputs")
        while rows := cursor.fetchmany(1000):
            for (rel,) in rows:
                named = undecoded_path(rel)
                if not os.path.lexists(raw / rel) and not (named and os.path.lexists(raw / named)):
                    gone.append(rel)
        return gone

    def save(self, meta: dict[str, str], clear: bool = False, listed: int | None = None, raw: Path | None = None) -> int:
        """Apply what the run found: the changed entries and removals (every entry removed
        first when ``clear``); ``meta`` set. When the cache then holds more entries than
        ``listed`` (those of the inputs the run listed), those whose file is no longer in
        ``raw`` are removed. Returns the rows changed."""
        self.end_order()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if clear:
                self.db.execute("DELETE FROM main.inputs")
            gone = self.db.execute("DELETE FROM main.inputs WHERE rel IN "
                                   "(SELECT rel FROM temp.changed WHERE entry IS NULL)").rowcount
            put = self.db.execute("INSERT OR REPLACE INTO main.inputs SELECT rel, entry FROM temp.changed "
                                  "WHERE entry IS NOT NULL").rowcount
            if listed is not None and raw is not None and self.count() > listed:
                for rel in self._missing(raw):
                    gone += self.db.execute("DELETE FROM main.inputs WHERE rel = ?", (rel,)).rowcount
            for key, value in meta.items():
                if self.get_meta(key) != value:
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return gone + put

    def load(self, rows: Iterable[tuple[str, str]], meta: dict[str, str]) -> None:
        """Fill an empty cache with ``rows`` (rel, entry) and ``meta`` in one transaction (a
        cache kept by an earlier version, moved in)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR REPLACE INTO main.inputs VALUES (?, ?)", rows)
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
