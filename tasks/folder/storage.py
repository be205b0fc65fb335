"""Object storage (S3, MinIO, Ceph, and the other stores fsspec knows): the only module that
talks to a store (the cleaning library, pipeline/, never does: it works on local folders).

A folder in a store is worked on through a *mirror*, a local folder that holds a copy of it:
``Mirror.pull`` makes the mirror (or the part of it a task needs) what the store holds,
downloading only the objects that changed since it last did; the pipeline runs on the mirror
as on any local folder; ``Mirror.push`` uploads what the work changed. No rename is used:

- an object is written by one PUT, which a reader sees whole or not at all;
- files the layout calls *generational* (the corpus and change-log parts) are written as new
  objects named by their content (``corpus/part-00003.<sha256[:16]>.jsonl``), never over an
  object that a manifest or a journal names; a pull takes, for each part name, the object
  the journals and the manifest it has just read name, and ignores the others;
- uploads go in the layout's order (journal, parts, indexes, states, manifest last), so that
  what a killed push leaves is what a killed local commit leaves;
- an object a push removes is deleted after its uploads; a part object only by a push that
  uploaded a manifest (``collect``): the objects a run killed before its manifest left behind
  are deleted by the next run's.

``Lease`` is the store's lock: an object created with a conditional PUT (If-None-Match), held
while renewed, taken over once it expired or its holder on this host died.

Credentials and the endpoint are botocore's (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_ENDPOINT_URL, AWS_PROFILE, ~/.aws/config ...), read by s3fs; nothing here names them.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20  # bytes read or written at a time: an object of any size streams through
RECORD = ".sync.json"  # in the mirror: what each file was when last pulled or pushed
LEASE_TTL = 120.0  # seconds a lease holds without renewal (renewed every third of it)
LEASE_POLL = 0.2  # seconds between two tries at a held lease
FETCH_BATCH = 256  # objects a pull downloads in one batch of concurrent requests


def is_url(spec: str | os.PathLike | None) -> bool:
    """Whether an --out or --raw names a store (``s3://bucket/prefix``, ``memory://x``) rather
    than a local folder (a plain path, or ``file://``)."""
    text = str(spec or "")
    return "://" in text and not text.startswith("file://")


def mirror_folder(work: Path, url: str) -> Path:
    """The local folder that mirrors ``url`` inside a working folder: one per store folder."""
    return work / hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]


class Store:
    """A folder of a store: its objects by key (a "/"-separated path under the folder)."""

    def __init__(self, url: str):
        try:
            import fsspec

            self.url = url.rstrip("/")
            fs, self.root = fsspec.core.url_to_fs(self.url)
        except (ImportError, ValueError) as exc:  # no s3fs (pip install 'newsclean[s3]'), an unknown protocol
            raise StoreError(f"{url}: {exc}") from None
        self.fs = _Guarded(fs, self.url)
        self.root = self.root.rstrip("/")

    def path(self, key: str) -> str:
        return f"{self.root}/{key}"

    def listing(self, prefix: str = "") -> dict[str, str]:
        """Every object under the folder (or under ``prefix`` in it): key -> its version tag
        (the ETag, else size and modification time), listed afresh (no cached listing)."""
        self.fs.invalidate_cache()
        try:
            found = self.fs.find(self.path(prefix) if prefix else self.root, detail=True)
        except FileNotFoundError:
            return {}
        cut = len(self.root) + 1
        return {name[cut:]: _tag(info) for name, info in found.items() if info.get("type") != "directory"}

    def tag(self, key: str) -> str:
        return _tag(self.fs.info(self.path(key)))

    def download(self, key: str, dest: Path) -> None:
        """The object streamed to a temporary file beside ``dest``, renamed into place (local)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}~", suffix=".tmp", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as fh, self.fs.open(self.path(key), "rb", block_size=CHUNK) as src:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    fh.write(chunk)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def download_many(self, pairs: list[tuple[str, Path]]) -> None:
        """Objects (key, local destination) fetched as ``download`` does each, but a batch of
        ``FETCH_BATCH`` at a time in one fsspec call (concurrent requests on an async store,
        s3fs: a fresh mirror of 10,000 raw objects is not 10,000 round trips in a row); each
        file is renamed into place once its batch arrived, and no temporary file stays."""
        if len(pairs) == 1:
            self.download(*pairs[0])
            return
        for start in range(0, len(pairs), FETCH_BATCH):
            batch, temps = pairs[start:start + FETCH_BATCH], []
            try:
                for _, dest in batch:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}~", suffix=".tmp", dir=dest.parent)
                    os.close(fd)
                    temps.append(tmp)
                self.fs.get([self.path(key) for key, _ in batch], temps)
                for tmp, (_, dest) in zip(temps, batch):
                    os.replace(tmp, dest)
            finally:
                for tmp in temps:
                    Path(tmp).unlink(missing_ok=True)

    def upload(self, src: Path, key: str) -> str:
        """One object from a local file (one PUT, or a multipart upload that shows only once
        complete); returns its version tag."""
        self.fs.put_file(str(src), self.path(key))
        return self.tag(key)

    def read(self, key: str) -> tuple[bytes, str] | None:
        """An object's bytes and version tag; None when there is none."""
        try:
            tag = self.tag(key)
            return self.fs.cat_file(self.path(key)), tag
        except FileNotFoundError:
            return None

    def delete(self, keys: Iterable[str]) -> None:
        paths = [self.path(k) for k in keys]
        if paths:
            try:
                self.fs.rm(paths)
            except FileNotFoundError:
                pass

    def create(self, key: str, data: bytes) -> str | None:
        """Write ``data`` only when no object has ``key`` (a conditional PUT); its version tag,
        None when one had."""
        try:
            if hasattr(self.fs, "call_s3"):
                bucket, name, _ = self.fs.split_path(self.path(key))
                return self.fs.call_s3("put_object", Bucket=bucket, Key=name, Body=data, IfNoneMatch="*")["ETag"]
            self.fs.pipe_file(self.path(key), data, mode="create")
            return self.tag(key)
        except FileExistsError:
            return None

    def replace(self, key: str, data: bytes, tag: str) -> str | None:
        """Write ``data`` only when the object is still the version ``tag`` (If-Match on S3);
        its new version tag, None when it changed meanwhile."""
        if not hasattr(self.fs, "call_s3"):  # no conditional overwrite: remove, then create
            held = self.read(key)
            if held is None or held[1] != tag:
                return None
            self.delete([key])
            return self.create(key, data)
        bucket, name, _ = self.fs.split_path(self.path(key))
        try:
            return self.fs.call_s3("put_object", Bucket=bucket, Key=name, Body=data, IfMatch=tag)["ETag"]
        except (OSError, FileNotFoundError):  # 412: another holder's version now (or none at all)
            return None


class StoreError(OSError):
    """A store that cannot be used: its package missing, an unknown protocol, a failure its
    client reports as other than an OSError (an OSError: the command line says it in one line)."""


class _Guarded:
    """A store's file system whose calls raise what is not an OSError (botocore's
    NoCredentialsError with no credentials set up, its EndpointConnectionError...) as a
    StoreError that names the store: one line on the command line, not a traceback. OSErrors
    (FileNotFoundError, FileExistsError: what this module catches) pass as they are."""

    def __init__(self, fs, url: str):
        self._fs, self._url = fs, url

    def __getattr__(self, name: str):
        attr = getattr(self._fs, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                return attr(*args, **kwargs)
            except OSError:
                raise
            except Exception as exc:  # noqa: BLE001 - the client's own error types, any of them
                raise StoreError(f"{self._url}: {type(exc).__name__}: {exc}") from exc
        return call


class Vanished(Exception):
    """An object listed by a pull was gone when it was read."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


PULL_ATTEMPTS = 5  # listings a pull makes while objects it listed vanish before it reads them


def _tag(info: dict) -> str:
    tag = info.get("ETag") or info.get("etag")
    if tag:
        return str(tag)
    return f"{info.get('size')}:{info.get('mtime') or info.get('LastModified') or info.get('created')}"


@dataclass(frozen=True)
class Layout:
    """What the mirror needs to know of the folder's layout (tasks/folder/remote.py gives it, from
    tasks/folder/paths.py): ``local_only`` files are never synced (caches of local stat, locks);
    ``generational`` ones are stored under content names; ``scope`` is the shard a file
    belongs to (None: shared by all); ``rank`` orders uploads; ``references`` gives, per
    generational file, the sha256s the mirror's journals and manifest name, preferred first;
    ``manifest`` is the file whose upload ends a commit."""

    local_only: Callable[[str], bool]
    generational: Callable[[str], bool] = lambda rel: False
    scope: Callable[[str], int | None] = lambda rel: None
    rank: Callable[[str], int] = lambda rel: 0
    references: Callable[[Path], dict[str, list[str]]] = lambda local: {}
    manifest: str | None = None


def content_key(rel: str, sha256: str) -> str:
    """The object key of a generational file: its name with its content's digest before the suffix."""
    stem, dot, suffix = rel.rpartition(".")
    return f"{stem}.{sha256[:16]}.{suffix}" if dot else f"{rel}.{sha256[:16]}"


def content_rel(key: str) -> tuple[str, str] | None:
    """(file name, digest prefix) of a content-named key; None for any other key."""
    stem, dot, suffix = key.rpartition(".")
    base, dot2, digest = stem.rpartition(".")
    if not (dot and dot2) or len(digest) != 16 or any(c not in "0123456789abcdef" for c in digest):
        return None
    return f"{base}.{suffix}", digest


@dataclass
class Mirror:
    """A store folder and the local folder that mirrors it (see the module's doc)."""

    store: Store
    local: Path
    layout: Layout
    listed: dict[str, str] = field(default_factory=dict)  # the store as the last pull listed it
    snapshot: dict[str, tuple[int, int]] = field(default_factory=dict)  # the mirror after the last pull or push
    track: bool = True  # keep ``snapshot`` (for push and keep_local); off for a mirror only read (raw/)

    def in_scope(self, rel: str, scope: set[int] | None) -> bool:
        if scope is None:
            return True
        owner = self.layout.scope(rel)
        return owner is None or owner in scope

    def synced(self, rel: str) -> bool:
        return not (Path(rel).name.startswith(".") or self.layout.local_only(rel))

    def pull(self, scope: set[int] | None = None, keep_local: bool = False) -> dict:
        """Make the mirror (its files in ``scope``: shard numbers, None for all) what the store
        holds; returns counts (objects listed, downloaded, local files removed). ``keep_local``:
        keep the files written or removed in the mirror since the last pull or push (a task's
        own work, not yet pushed); else they too are made what the store holds (what a killed
        task left in the mirror is undone).

        Another machine may delete an object between this pull's listing and its download (a
        plan it replaced, a part its manifest no longer names): the store changed meanwhile,
        so the pull lists it again, up to ``PULL_ATTEMPTS`` times."""
        for attempt in range(1, PULL_ATTEMPTS + 1):
            try:
                return self._pull_once(scope, keep_local)
            except Vanished as exc:
                if attempt == PULL_ATTEMPTS:
                    raise StoreError(f"{self.store.url}: {exc.key} was listed and then gone, in each of "
                                     f"{PULL_ATTEMPTS} listings: is another process deleting this output?") from None
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    def _pull_once(self, scope: set[int] | None, keep_local: bool) -> dict:
        """One pull: list the store, fetch the plain objects (journals and manifest first:
        they name the parts), then the part generations they name, remove what the store no
        longer holds, and take a new snapshot."""
        self.local.mkdir(parents=True, exist_ok=True)
        listed = self.store.listing()
        record = self._record()
        plain, generations = self._sort_listing(listed, scope)
        mine = self._own_changes() if keep_local else set()
        plain = {rel: key for rel, key in plain.items() if rel not in mine}
        fetched = self._fetch(plain, listed, record)
        chosen = self._chosen_generations(generations, scope, mine)
        fetched += self._fetch(chosen, listed, record)
        removed = self._remove_unlisted(scope, set(plain) | set(chosen) | mine, record)
        if fetched or removed or not (self.local / RECORD).exists():
            self._save(record)  # a pull that changed nothing rewrites nothing (the raw mirror's record
            # has an entry per input: rewriting it on every run cost in proportion to the archive)
        self.listed = listed
        if self.track:  # a walk and a stat of every file again: for a mirror only read, wasted
            self._snapshot_after_pull(mine)
        return {"listed": len(listed), "downloaded": fetched, "removed": removed}

    def _sort_listing(self, listed: dict[str, str], scope: set[int] | None
                      ) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """The listing's objects in scope: (plain rel -> key, generational rel -> {sha256
        prefix -> key}), the objects of local-only or hidden files left out."""
        plain: dict[str, str] = {}
        generations: dict[str, dict[str, str]] = {}
        for key in listed:
            named = content_rel(key) if self.layout.generational(_strip(key)) else None
            if named and self.layout.generational(named[0]):
                generations.setdefault(named[0], {})[named[1]] = key
            elif self.synced(key) and self.in_scope(key, scope):
                plain[key] = key
        return plain, generations

    def _own_changes(self) -> set[str]:
        """The files written or removed in the mirror since the last pull or push."""
        now = self._stat_all()
        return {rel for rel in set(now) | set(self.snapshot) if now.get(rel) != self.snapshot.get(rel)}

    def _chosen_generations(self, generations: dict[str, dict[str, str]], scope: set[int] | None,
                            mine: set[str]) -> dict[str, str]:
        """Of each part's stored generations, the one a journal or the manifest names (a
        part that none names is a killed run's); rel -> key."""
        refs = self.layout.references(self.local)
        chosen: dict[str, str] = {}
        for rel, found in generations.items():
            if self.in_scope(rel, scope) and rel not in mine:
                pick = next((found[s[:16]] for s in refs.get(rel, []) if s[:16] in found), None)
                if pick is not None:
                    chosen[rel] = pick
        return chosen

    def _remove_unlisted(self, scope: set[int] | None, kept: set[str], record: dict) -> int:
        """Remove the mirror's files in scope that are not ``kept``; how many."""
        removed = 0
        for rel in self._local_files():
            if self.in_scope(rel, scope) and rel not in kept:
                (self.local / rel).unlink(missing_ok=True)
                record.pop(rel, None)
                removed += 1
        return removed

    def _snapshot_after_pull(self, mine: set[str]) -> None:
        """The snapshot a push compares with: the mirror as pulled, the task's own changes
        (``mine``) kept at what they were."""
        now = self._stat_all()
        self.snapshot = {rel: st for rel, st in now.items() if rel not in mine} | \
            {rel: self.snapshot[rel] for rel in mine if rel in self.snapshot}

    def _fetch(self, wanted: dict[str, str], listed: dict[str, str], record: dict) -> int:
        """Download the objects of ``wanted`` (rel -> key) that the mirror does not hold as
        listed (its record names another key or version, or the file changed); returns how
        many."""
        todo = []
        for rel, key in sorted(wanted.items()):
            held = record.get(rel)
            if not (held and held[0] == key and held[1] == listed[key] and list(_stat(self.local / rel) or ()) == held[2]):
                todo.append((rel, key))
        try:
            self.store.download_many([(key, self.local / rel) for rel, key in todo])
        except FileNotFoundError as exc:
            gone = str(exc.filename or exc)
            raise Vanished(gone.split(f"{self.store.root}/", 1)[-1]) from None
        for rel, key in todo:
            record[rel] = [key, listed[key], list(_stat(self.local / rel) or ())]
        return len(todo)

    def push(self, scope: set[int] | None = None) -> dict:
        """Upload what changed in the mirror since the last pull or push (in the layout's
        order), then delete the objects of files removed (a part's only by ``collect``); after
        a manifest was uploaded, ``collect`` the part objects nothing names. Returns counts."""
        now = self._stat_all()
        changed = sorted((rel for rel in now if self.snapshot.get(rel) != now[rel]), key=lambda r: (self.layout.rank(r), r))
        gone = sorted(rel for rel in self.snapshot if rel not in now)
        record = self._record()
        sent = 0
        for rel in changed:
            path = self.local / rel
            key = content_key(rel, _file_sha256(path)) if self.layout.generational(rel) else rel
            if key != rel and key in self.listed:
                tag = self.listed[key]  # this content is stored already
            else:
                tag = self.store.upload(path, key)
                sent += 1
            self.listed[key] = tag
            record[rel] = [key, tag, list(_stat(path) or ())]
        plain_gone = [rel for rel in gone if not self.layout.generational(rel)]
        self.store.delete(plain_gone)
        for rel in gone:
            record.pop(rel, None)
        collected = self.collect(scope) if self.layout.manifest in changed else 0
        if changed or gone:
            self._save(record)
        self.snapshot = self._stat_all()
        return {"uploaded": sent, "deleted": len(plain_gone) + collected}

    def collect(self, scope: set[int] | None) -> int:
        """Delete the part objects (as the last pull listed them, in ``scope``) that the mirror's
        journals and manifest do not name: replaced parts, and a killed run's leftovers."""
        refs = self.layout.references(self.local)
        doomed = []
        for key in self.listed:
            named = content_rel(key)
            if named and self.layout.generational(named[0]) and self.in_scope(named[0], scope) \
                    and named[1] not in {s[:16] for s in refs.get(named[0], [])}:
                doomed.append(key)
        self.store.delete(doomed)
        for key in doomed:
            self.listed.pop(key, None)
        return len(doomed)

    def _local_files(self) -> list[str]:
        found = []
        for dirpath, dirnames, filenames in os.walk(self.local):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            base = Path(dirpath).relative_to(self.local)
            for name in filenames:
                rel = (base / name).as_posix()
                if self.synced(rel):
                    found.append(rel)
        return sorted(found)

    def _stat_all(self) -> dict[str, tuple[int, int]]:
        return {rel: st for rel in self._local_files() if (st := _stat(self.local / rel)) is not None}

    def _record(self) -> dict:
        try:
            data = json.loads((self.local / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, record: dict) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f"{RECORD}~", suffix=".tmp", dir=self.local)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, sort_keys=True)
        os.replace(tmp, self.local / RECORD)


def _strip(key: str) -> str:
    named = content_rel(key)
    return named[0] if named else key


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


_HOST = socket.gethostname() or "localhost"


class LeaseLost(RuntimeError):
    """Another holder took the lease (this one was not renewed in time)."""


class Lease:
    """An exclusive lease on a store folder's ``key``, for a ``with`` block: what a local
    file lock (io.locked) guards, for writers on several machines. Taken with a conditional
    PUT; renewed every ``ttl / 3`` seconds by a thread; a lease not renewed for ``ttl``
    seconds (its holder is gone), or whose holder on this host has died, is taken over with
    a conditional PUT on its version. On leaving the block the lease is deleted; when it was
    lost meanwhile (renewal found another holder), LeaseLost is raised."""

    def __init__(self, store: Store, key: str, ttl: float = LEASE_TTL, poll: float = LEASE_POLL):
        self.store, self.key, self.ttl, self.poll = store, key, ttl, poll
        self.token = uuid.uuid4().hex
        self.tag: str | None = None
        self.lost = False
        self.stop = threading.Event()

    def body(self) -> bytes:
        return json.dumps({"host": _HOST, "pid": os.getpid(), "token": self.token,
                           "expires": time.time() + self.ttl}).encode()

    def __enter__(self) -> Lease:
        while True:
            self.tag = self.store.create(self.key, self.body())
            if self.tag is None:
                held = self.store.read(self.key)
                if held is not None and lease_dead(held[0]):
                    self.tag = self.store.replace(self.key, self.body(), held[1])
            if self.tag is not None:
                break
            time.sleep(self.poll)
        self.thread = threading.Thread(target=self._renew, daemon=True)
        self.thread.start()
        return self

    def _renew(self) -> None:
        while not self.stop.wait(self.ttl / 3):
            tag = self.store.replace(self.key, self.body(), self.tag or "")
            if tag is None:
                self.lost = True
                return
            self.tag = tag

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop.set()
        self.thread.join()
        held = self.store.read(self.key)
        if held is not None and held[1] == self.tag:
            self.store.delete([self.key])
        if self.lost and exc_type is None:
            raise LeaseLost(f"the lease {self.store.path(self.key)} was taken over while held")


def lease_dead(data: bytes) -> bool:
    """Whether a lease's holder is gone: not renewed in time, or a process of this host that
    has ended."""
    try:
        held = json.loads(data)
        if held["expires"] < time.time():
            return True
        if held["host"] == _HOST:
            os.kill(int(held["pid"]), 0)
    except ProcessLookupError:
        return True
    except (ValueError, KeyError, TypeError, PermissionError):
        return False
    return False
