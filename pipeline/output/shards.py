"""Shards: which part file an article lives in, and cleaning one shard incrementally.

A shard is chosen by a stable hash of the article id (blake2b, never Python's salted
``hash()``). Cleaning a shard reuses the stored records of every input whose fingerprint
(raw sha256, its sidecar's, pipeline version, config and rules digests) is unchanged, so that a rerun
cleans only what changed and rewrites identical bytes.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Iterable, Iterator, Mapping

from newsclean.pipeline.core.article import RejectedInput, Source
from newsclean.pipeline.clean import Cleaned, Prepared, finish, prepare_record, reject
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.ingest.inputs import Record
from newsclean.pipeline.output.contract import (
    changelog_record, corpus_record, current_fingerprint, dumps, fingerprint, site_stats_current, stamp
)


def shard_of(article_id: str, shards: int) -> int:
    h = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "big") % shards


@dataclass(frozen=True, slots=True)
class Entry:
    """One input of a batch, as planned: where it is and what its bytes hash to."""

    id: str
    rel: str
    sha256: str
    duplicate_of: str | None = None  # the input that already holds this id
    sidecar_sha256: str | None = None  # its sidecar's, when it has one

    def to_json(self) -> dict:
        """The entry as a plan file holds it: its fields by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict | list) -> Entry:
        """An entry of a plan file: an object of named fields, or the positional list that
        earlier versions wrote (4 or 5 fields). Raises ValueError on anything else."""
        names = [f.name for f in fields(cls)]
        if isinstance(data, list) and 4 <= len(data) <= len(names):  # no version wrote 3: duplicate_of always there
            data = dict(zip(names, data))
        if not isinstance(data, dict) or not {"id", "rel", "sha256"} <= set(data) or set(data) - set(names) \
                or not all(isinstance(data.get(n), str) for n in ("id", "rel", "sha256")) \
                or not all(isinstance(data.get(n), str | None) for n in ("duplicate_of", "sidecar_sha256")):
            raise ValueError(f"not a plan entry: {str(data)[:80]}")
        return cls(**data)


def plan_json(shard: int, digest: str, entries: Iterable[Entry]) -> dict:
    """A shard's plan file: its inputs, each by named fields (``Entry.to_json``)."""
    return {"shard": shard, "digest": digest, "entries": [e.to_json() for e in entries]}


def plan_entries(data: dict | None) -> list[Entry]:
    """The entries of a plan file read back (each as JSON, or an Entry already when read
    with ``entry_hook``); ValueError when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("not a plan file")
    return [as_entry(e) for e in data["entries"]]


def as_entry(data: Entry | dict | list) -> Entry:
    return data if isinstance(data, Entry) else Entry.from_json(data)


def entry_hook(obj: dict) -> Entry | dict:
    """``json.loads``'s object_hook for a plan: each entry made an Entry as it is parsed, so
    that a plan read back holds no dict per entry (ValueError on an entry that is not one)."""
    return Entry.from_json(obj) if "sha256" in obj else obj


def shard_digest(entries: Iterable[Entry], ctx: Context, ordered: bool = False) -> str:
    """The digest of a shard's entries, config and rules. ``ordered``: the entries come in
    (id, rel) order already (a stream: none is held; ``plan_by_id``)."""
    # new site statistics re-run every shard, which reuses the records of unchanged sites
    stats = ctx.site_stats.version if ctx.site_stats else ""
    h = hashlib.sha256((json.dumps(stamp(ctx), sort_keys=True) + stats).encode())
    for e in entries if ordered else sorted(entries, key=lambda e: (e.id, e.rel)):
        h.update(f"{e.id}\0{e.rel}\0{e.sha256}\0{e.duplicate_of or ''}\0{e.sidecar_sha256 or ''}\n".encode())
    return h.hexdigest()[:16]


@dataclass
class ShardOutput:
    corpus: list[str] = field(default_factory=list)
    changelog: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: dict[str, dict] = field(default_factory=dict)  # id -> {"rule", "reason"}
    removed: list[str] = field(default_factory=list)
    rules: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    kept: int = 0  # unchanged records of segments a commit kept as they are: counted, not listed

    def state(self, shard: int, digest: str) -> dict:
        """The shard state: the ids this commit wrote, and a count of those it kept (a
        shard state's size follows what changed, not the shard's)."""
        return {
            "shard": shard, "digest": digest,
            "cleaned": self.cleaned, "unchanged": self.unchanged, "kept": self.kept, "rejected": self.rejected,
            "removed": self.removed, "rules": dict(sorted(self.rules.items())),
            "categories": dict(sorted(self.categories.items())),
        }


Loader = Callable[[Entry], Record]
Writer = Callable[[str | None, str, dict], None]  # (corpus line or None, change-log line, its record)


def clean_entry(entry: Entry, load: Loader, ctx: Context) -> Cleaned:
    """Load and clean one entry; its record, a rejection included, carries the entry's
    fingerprints (the input's and its sidecar's), so that an unchanged entry is reused."""
    return with_sidecar(finish(prepare_entry(entry, load, ctx)), entry)


def prepare_entry(entry: Entry, load: Loader, ctx: Context) -> Prepared | Cleaned:
    """Load and decode one entry, ready to build its article (or its rejection)."""
    source = Source(path=entry.rel, sha256=entry.sha256, format="text", sidecar_sha256=entry.sidecar_sha256)
    try:
        record = load(entry)
    except RejectedInput as exc:  # a symlink out of raw/, a special file, an oversized file
        return reject(entry.id, source, exc.rule, exc.reason)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is set aside, the batch goes on
        return reject(entry.id, source, "reject.unreadable", f"cannot read input: {type(exc).__name__}: {exc}")
    return prepare_record(record, path=entry.rel, ctx=ctx)


def with_sidecar(cleaned: Cleaned, entry: Entry) -> Cleaned:
    """The cleaned input's source with the fingerprint of the entry's sidecar, when it has one."""
    if entry.sidecar_sha256 is None:
        return cleaned
    return replace(cleaned, source=replace(cleaned.source, sidecar_sha256=entry.sidecar_sha256))


def record_lines(cleaned: Cleaned, ctx: Context) -> tuple[str | None, str, dict]:
    """(corpus line or None, change-log line, change-log record) of a cleaned input. Text
    that cannot be written as UTF-8 (a lone surrogate from a sidecar's JSON escape) rejects
    the input rather than failing the shard."""
    try:
        log = changelog_record(cleaned, ctx)
        corpus_line = None if cleaned.rejected else dumps(corpus_record(cleaned, ctx))
        log_line = dumps(log)
        (log_line + (corpus_line or "")).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError) as exc:
        cleaned = reject(cleaned.id, cleaned.source, "reject.error", f"output not writable: {type(exc).__name__}: {exc}")
        log = changelog_record(cleaned, ctx)
        corpus_line, log_line = None, dumps(log)
    return corpus_line, log_line, log


def process_shard(entries: Iterable[Entry], previous: Mapping[str, tuple[str | None, str]], load: Loader, ctx: Context,
                  write: Writer | None = None, progress: Callable[[int, int], None] | None = None,
                  known: Iterable[str] = (), clean: Callable[[Entry], Cleaned] | None = None,
                  total: int | None = None) -> ShardOutput:
    """Clean the entries of one shard. ``previous`` maps id to its stored (corpus line or
    None, change-log line); lines whose fingerprint still holds are reused verbatim.
    ``progress(done, total)`` is called before each entry with the count done so far.

    ``write(corpus line or None, change-log line, change-log record)`` takes each record in
    part order as it is made, so that memory does not grow with the shard; without it the lines are kept
    in ``ShardOutput.corpus`` and ``.changelog``.

    An input whose id another input already holds is rejected; as the change log keeps one
    record per id, its rejection is logged under ``id@path`` (``record_key``), the key the
    shard state (and so the manifest) reports it by.

    ``known``: more ids the shard held whose records are not to be reused (those of a
    damaged part): one that is no longer an input is reported removed, as from ``previous``.

    ``clean(entry)``: where an entry's cleaned value comes from (default: loaded with ``load``
    and cleaned here, the fused run; the stage chain passes the last stage's results).

    ``total``: the entries come in part order already (``record_key``, as from a sort on
    disk), ``total`` of them, and are taken one at a time: none is held.
    """
    clean = clean or (lambda entry: clean_entry(entry, load, ctx))
    out = ShardOutput()
    current = current_fingerprint(ctx)
    if total is None:
        ordered: Iterable[Entry] = sorted(entries, key=record_key)  # part order: by key, as replace_record keeps it
        total = len(ordered)  # type: ignore[arg-type]
    else:
        ordered = entries
    gone = set(previous) | set(known)  # less each key met: what is removed
    for done, entry in enumerate(ordered, start=1):
        gone.discard(record_key(entry))
        if progress:
            progress(done - 1, total)
        if entry.duplicate_of is not None:
            corpus_line, log_line, log = record_lines(duplicate(entry), ctx)
            out.rejected[record_key(entry)] = {"rule": "reject.duplicate-id", "reason": log["changes"][0]["detail"]}
            if write is not None:
                write(None, log_line, log)
            else:
                out.changelog.append(log_line)
            _count(log, out)
            continue
        old = previous.get(entry.id)
        old_log = json.loads(old[1]) if old else None
        if old and old_log and still_current(old_log, entry, ctx, current) and old_log["source"]["path"] == entry.rel \
                and (old[0] is None) == (old_log["status"] == "rejected"):  # both parts from one run
            corpus_line, log_line, log = old[0], old[1], old_log
            fresh = False
        else:
            corpus_line, log_line, log = record_lines(clean(entry), ctx)
            fresh = True
        if log["status"] == "rejected":
            first = log["changes"][0]
            out.rejected[entry.id] = {"rule": first["rule"], "reason": first["detail"]}
        else:
            (out.cleaned if fresh else out.unchanged).append(entry.id)
        if write is not None:
            write(corpus_line, log_line, log)
        else:
            if corpus_line is not None:
                out.corpus.append(corpus_line)
            out.changelog.append(log_line)
        _count(log, out)
    out.removed = sorted(gone)
    return out


def record_key(entry: Entry) -> str:
    """The id of an entry's change-log record: its id, or ``id@path`` for an input whose id
    another already holds, so that one id keeps one change-log record."""
    return entry.id if entry.duplicate_of is None else f"{entry.id}@{entry.rel}"


def key_id(key: str, path: str | None) -> str:
    """The id a change-log record's key (``record_key``) stands for: ``key`` less ``@path``."""
    suffix = f"@{path}"
    return key[:-len(suffix)] if path and key.endswith(suffix) else key


def duplicate(entry: Entry) -> Cleaned:
    """The rejection of an input whose id another input holds, under its ``record_key``."""
    source = Source(path=entry.rel, sha256=entry.sha256, format="text", sidecar_sha256=entry.sidecar_sha256)
    return reject(record_key(entry), source, "reject.duplicate-id",
                  f"id {entry.id!r} is already taken by {entry.duplicate_of}")


def _count(log: dict, out: ShardOutput) -> None:
    """Count a record's changes; links (stage ``dedup``) are counted by the Dedup task, as a
    reused record holds them and a freshly cleaned one does not yet."""
    for change in log["changes"]:
        if change["stage"] == "dedup":
            continue
        out.rules[change["rule"]] += 1
        detail = change.get("detail")
        if change["action"] == "drop" and isinstance(detail, dict) and detail.get("category"):
            out.categories[detail["category"]] += 1


def plan_shards(inputs: Iterable[tuple[str, str, str, str | None]], shards: int) -> dict[int, list[Entry]]:
    """Group ``(id, rel, sha256, sidecar sha256)`` inputs by shard (``plan_shard`` each)."""
    grouped: dict[int, list[tuple[str, str, str, str | None]]] = {i: [] for i in range(shards)}
    for t in sorted(inputs, key=lambda t: t[1]):
        grouped[shard_of(t[0], shards)].append(t)
    return {shard: plan_shard(held) for shard, held in grouped.items()}


def plan_shard(inputs: Iterable[tuple[str, str, str, str | None]]) -> list[Entry]:
    """The entries of one shard from its ``(id, rel, sha256, sidecar sha256)`` inputs in path
    order (every input of an id falls in the same shard). The first input to claim an id
    keeps it; later ones are marked as duplicates, to be rejected."""
    owner: dict[str, str] = {}
    entries = []
    for aid, rel, sha, side in inputs:
        entries.append(Entry(aid, rel, sha, owner.get(aid), side))
        owner.setdefault(aid, rel)
    return entries


def plan_by_id(inputs: Iterable[tuple[str, str, str, str | None]]) -> Iterator[Entry]:
    """``plan_shard``'s entries, one at a time, for inputs given in (id, path) order: the
    first input of an id keeps it, the others are marked as its duplicates."""
    owner: tuple[str, str] | None = None
    for aid, rel, sha, side in inputs:
        if owner is None or owner[0] != aid:
            owner = (aid, rel)
            yield Entry(aid, rel, sha, None, side)
        else:
            yield Entry(aid, rel, sha, owner[1], side)


def still_current(log: dict, entry: Entry, ctx: Context, current: tuple | None = None) -> bool:
    """Whether a stored change-log record still holds for ``entry``: same input and sidecar
    bytes, same pipeline stamp (``current``, when the caller computed it already) and the
    statistics its site has now."""
    current = current_fingerprint(ctx) if current is None else current
    return fingerprint(log) == (entry.sha256, entry.sidecar_sha256, *current) and site_stats_current(log, ctx)
