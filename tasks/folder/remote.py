"""--raw and --out on object storage (``s3://bucket/prefix``; any fsspec URL): every process
works on its own local mirror of the store's folders (tasks/folder/storage.py), in the working
folder ``$NEWSCLEAN_WORK`` (default ``~/.cache/newsclean``), and the store is the one place
that processes on several machines share (with luigid).

- A task whose ``out`` is a URL runs in a ``Session``: its shard's files (or all, for the
  tasks that are not a shard's) are pulled before ``run`` and pushed after it; ``complete``
  pulls first, so that it sees what other processes did. A task that fails pushes nothing.
- ``locked(out, lock)`` is what ``io.locked`` is for a local folder: on a store, the lease
  object ``_state/locks/<name>.lease``, under which the session pulls again and pushes what
  the block changed before letting go.
- The raw folder is pulled into its mirror once per process (objects that did not change
  are not downloaded again).

A local --out or --raw goes through none of this: every function here returns at once.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsclean.pipeline import io
from newsclean.tasks.folder import storage
from newsclean.tasks.folder.storage import is_url

from newsclean.pipeline.core.output_layout import PART_FOLDERS, STATE
from newsclean.tasks.folder import integrity, paths
from newsclean.tasks.exitcodes import CommandError, Exit

_S = f"{STATE}/"  # the output folder's names are output_layout's; these are prefixes of object keys
_PARTS = tuple(f"{folder}/part-" for folder in PART_FOLDERS)
# what stays on each machine: locks, caches of its own files (stat, inode), its duplicate index
LOCAL_ONLY = (f"{_S}locks/", f"{_S}partstat.json", f"{_S}planstat.json", f"{_S}inputstat.json", f"{_S}inputstat/", f"{_S}inputstat.sqlite", f"{_S}dedup/index.sqlite")
RANKS = (f"{_S}journal/", *_PARTS, f"{_S}index/", _S, f"{_S}shards/")
CHAIN = f"{_S}chain/"
SHARD_FOLDERS = (*_PARTS, f"{_S}index/", f"{_S}shards/", f"{_S}plan/", f"{_S}journal/", CHAIN)

_sessions: dict[Path, Session] = {}  # mirror folder -> the session at work on it in this process
_raw_pulled: set[str] = set()  # raw URLs mirrored by this process


def work_folder() -> Path:
    return Path(os.environ.get("NEWSCLEAN_WORK") or Path.home() / ".cache" / "newsclean")


def out_folder(out: str) -> Path:
    """The local folder a task works in: ``out`` itself, or the mirror of a store folder."""
    return storage.mirror_folder(work_folder() / "out", out) if is_url(out) else Path(out)


def raw_folder(raw: str, refresh: bool = False) -> Path:
    """The raw folder to read: ``raw`` itself, or its mirror, pulled when ``refresh`` (a plan,
    a rebuild) or when this process has not pulled it yet (a task reads what its plan saw)."""
    if not is_url(raw):
        return Path(raw)
    local = storage.mirror_folder(work_folder() / "raw", raw)
    if refresh or raw not in _raw_pulled:
        found = storage.Mirror(store(raw), local, storage.Layout(local_only=lambda rel: False), track=False).pull()
        if not found["listed"]:
            raise CommandError(f"raw folder {raw!r} holds no object (a wrong bucket or prefix, or no right to list it)",
                               Exit.NOT_FOUND)
        _raw_pulled.add(raw)
    return local


def name(spec: str, local: Path) -> str:
    """How a run names a folder in its task parameters and manifest: a URL as given (the same
    in every process), a local folder by its absolute path."""
    return spec.rstrip("/") if is_url(spec) else str(local.resolve())


def _local_only(rel: str) -> bool:
    return rel.startswith(LOCAL_ONLY)


def _generational(rel: str) -> bool:
    folder, _, file = rel.partition("/")
    return folder in PART_FOLDERS and paths.parse_part_name(file) is not None


def _scope(rel: str) -> int | None:
    if not rel.startswith(SHARD_FOLDERS):
        return None
    name = rel.split("/")[-1] if not rel.startswith(CHAIN) else rel.split("/")[2]
    digits = name.removeprefix("part-")[:5]
    return int(digits) if digits.isdigit() else None


def _rank(rel: str) -> int:
    """Upload order: the journal (what a commit is about to do), the parts, the indexes, other
    state, the shard states (a task's mark of done), other files, the manifest last."""
    if rel == "manifest.json":
        return len(RANKS) + 1
    found = [(len(prefix), i) for i, prefix in enumerate(RANKS) if rel.startswith(prefix)]
    return max(found)[1] if found else len(RANKS)


def _references(local: Path) -> dict[str, list[str]]:
    """Per part file, the sha256s that name it, preferred first, as integrity.shard_table
    prefers them: its shard's journal (a commit not yet in a manifest), the shard states
    written after the manifest (newest first), the manifest."""
    refs: dict[str, list[str]] = {}
    last = (io.read_json(paths.manifest(local)) or {}).get("run") or 0
    states = [io.read_json(p) for p in sorted((paths.state_dir(local) / "shards").glob("*.json"))]
    tables = [j["parts"] for j in integrity.journals(local).values()]
    tables += [s["parts"] for s in sorted((s for s in states if isinstance(s, dict) and isinstance(s.get("parts"), list)
                                           and (s.get("run") or 0) > last), key=lambda s: -(s.get("run") or 0))]
    tables.append(list(integrity.manifest_parts(local).values()))
    for table in tables:
        for part in table:
            if isinstance(part, dict) and isinstance(part.get("sha256"), str):
                refs.setdefault(part["path"], []).append(part["sha256"])
    return refs


OUT_LAYOUT = storage.Layout(local_only=_local_only, generational=_generational, scope=_scope, rank=_rank,
                            references=_references, manifest="manifest.json")


def store(url: str) -> storage.Store:
    """A store folder, made once per process (its client and connections are kept; a
    process forked by Luigi's --workers makes its own: the parent's is not fork-safe)."""
    return _store(url, os.getpid())


@functools.lru_cache(maxsize=8)
def _store(url: str, pid: int) -> storage.Store:
    return storage.Store(url)


def mirror(out: str) -> storage.Mirror:
    return storage.Mirror(store(out), out_folder(out), OUT_LAYOUT)


class Session:
    """One piece of work on a store's output folder: pull (``scope``: the shards it touches,
    None for all), work on the mirror, push (unless ``write`` is off or the work failed)."""

    def __init__(self, out: str, scope: set[int] | None = None, write: bool = True):
        self.mirror, self.scope, self.write = mirror(out), scope, write

    def __enter__(self) -> Session:
        if self.mirror.local in _sessions:
            raise RuntimeError(f"{self.mirror.local} is already at work in this process")
        self.mirror.pull(self.scope)
        _sessions[self.mirror.local] = self
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        _sessions.pop(self.mirror.local, None)
        if exc_type is None and self.write:
            self.mirror.push(self.scope)

    @contextmanager
    def locked(self, lock: Path) -> Iterator[None]:
        with storage.Lease(self.mirror.store, _lease_key(self.mirror.local, lock)), io.locked(lock):
            self.mirror.pull(self.scope, keep_local=True)  # what another holder pushed before this one got the lease
            yield
            if self.write:
                self.mirror.push(self.scope)


@contextmanager
def locked(out: Path, lock: Path) -> Iterator[None]:
    """The lock that guards a shard's (or the links') read-change-write: ``io.locked`` for a
    local folder, a lease on the store for a mirror at work in a session."""
    session = _sessions.get(out)
    if session is None:
        with io.locked(lock):
            yield
    else:
        with session.locked(lock):
            yield


@contextmanager
def session(out: str, scope: set[int] | None = None, write: bool = True) -> Iterator[Path]:
    """The local folder to work in for ``out``: itself, or a store's mirror in a Session."""
    if not is_url(out):
        yield Path(out)
        return
    with Session(out, scope, write) as s:
        yield s.mirror.local


def busy(out: Path, lock: Path) -> bool:
    """Whether another process holds the lease that stands for ``lock`` (a store's mirror at
    work in a session): its shard's commit may be half uploaded, so its parts are not judged."""
    session = _sessions.get(out)
    if session is None:
        return False
    held = session.mirror.store.read(_lease_key(session.mirror.local, lock))
    return held is not None and not storage.lease_dead(held[0])


def _lease_key(local: Path, lock: Path) -> str:
    return lock.relative_to(local).as_posix().removesuffix(".lock") + ".lease"


def task_scope(task) -> set[int] | None:
    shard = getattr(task, "shard", None)
    return {shard} if isinstance(shard, int) else None


def in_session(run):
    """A task's ``run`` inside a Session when its ``out`` is a store (see BatchTask)."""
    @functools.wraps(run)
    def wrapped(self):
        if not is_url(self.out) or out_folder(self.out) in _sessions:
            return run(self)
        with Session(self.out, task_scope(self)):
            return run(self)
    return wrapped


def pulled_first(complete):
    """A task's ``complete`` after pulling what it reads, when its ``out`` is a store; the
    checks it makes of other tasks (Publish asks its shards) use that one pull."""
    @functools.wraps(complete)
    def wrapped(self):
        if not is_url(self.out) or out_folder(self.out) in _sessions or out_folder(self.out) in _fresh:
            return complete(self)
        scope = task_scope(self)
        if scope is not None:
            mirror(self.out).pull(scope)
            return complete(self)
        with checking(self.out):
            return complete(self)
    return wrapped


_fresh: set[Path] = set()  # mirrors pulled in full for the checks under way (``checking``)


@contextmanager
def checking(out: str) -> Iterator[None]:
    """One pull of a store's folder for several ``complete`` checks in a row (nothing else
    of this process writes meanwhile); on a local folder, nothing."""
    local = out_folder(out)
    if not is_url(out) or local in _fresh or local in _sessions:
        yield
        return
    mirror(out).pull()
    _fresh.add(local)
    try:
        yield
    finally:
        _fresh.discard(local)
