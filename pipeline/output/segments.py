"""Segments: how a shard's records are spread over part files so that the cost of a run
follows what changed, not the size of the archive.

A shard's records lie in one or more segments (numbered; 0 is the one a full run or a
compaction writes). A run that adds articles writes them to one new segment; a segment that
holds a record that changed or was removed is rewritten in the same commit, merged into the
new one; and small segments are merged as they pile up (a segment is merged into the new one
when it holds no more records than the new one and those merged so far), which keeps a
shard at about log2(its records / the records a run adds) segments and every record
rewritten about log2 times over its life. Every id is in exactly one segment.

A segment holds at most ``SEGMENT_RECORDS`` records: a commit that writes more (a full run,
a rewrite, a compaction) writes them, in id order, to as many segments of that size as it
takes, each closed and its index written as it fills (tasks/folder/segment_files.SegmentRun), so
that what a shard's writer holds does not grow with the shard. A full segment is not merged
as a small one: it is rewritten only when one of its records changes or goes.

A segment's *index* holds, per id, the record's key (what decides whether it is still
current: status, source path and checksums, pipeline stamp, site statistics), and the
segment's counts, so that a run decides what to redo without reading the parts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.output.contract import FINGERPRINT_KEYS, current_fingerprint
from newsclean.pipeline.output.shards import Entry, still_current

SEGMENT_RECORDS = 4096  # the most records a segment holds (not a setting: a shard's writer holds one segment's index)

KEY_FIELDS = ("status", "path", "sha256", "sidecar_sha256", *FINGERPRINT_KEYS, "site_stats")


def index_key(log: dict) -> list:
    """What a change-log record's index entry holds (KEY_FIELDS, in order)."""
    source, stamp = log.get("source") or {}, log.get("pipeline") or {}
    return [log.get("status"), source.get("path"), source.get("sha256"), source.get("sidecar_sha256"),
            *(stamp.get(k) for k in FINGERPRINT_KEYS), stamp.get("site_stats")]


def key_log(key: list) -> dict:
    """An index entry as the part of a change-log record that ``still_current`` reads."""
    k = dict(zip(KEY_FIELDS, key))
    return {"status": k["status"], "source": {"path": k["path"], "sha256": k["sha256"],
                                              "sidecar_sha256": k["sidecar_sha256"]},
            "pipeline": {**{f: k[f] for f in FINGERPRINT_KEYS}, "site_stats": k["site_stats"]}}


@dataclass
class SegmentIndex:
    """What one segment holds: id -> key, and the counts of its records' changes."""

    segment: int
    ids: dict[str, list] = field(default_factory=dict)
    rules: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    rejected: dict[str, dict] = field(default_factory=dict)

    def add(self, log: dict) -> None:
        self.ids[log["id"]] = index_key(log)
        for change in log["changes"]:
            if change["stage"] == "dedup":  # links are counted by the Dedup task (pipeline/shard._count)
                continue
            self.rules[change["rule"]] += 1
            detail = change.get("detail")
            if change["action"] == "drop" and isinstance(detail, dict) and detail.get("category"):
                self.categories[detail["category"]] += 1
        if log.get("status") == "rejected":
            first = log["changes"][0]
            self.rejected[log["id"]] = {"rule": first["rule"], "reason": first["detail"]}

    def to_json(self, part_sha256: str) -> dict:
        return {"segment": self.segment, "part_sha256": part_sha256, "ids": self.ids,
                "rules": dict(sorted(self.rules.items())), "categories": dict(sorted(self.categories.items())),
                "rejected": self.rejected}

    @classmethod
    def from_json(cls, data: dict) -> SegmentIndex:
        """ValueError on anything that is not an index."""
        if not isinstance(data, dict) or not isinstance(data.get("ids"), dict) or not isinstance(data.get("segment"), int):
            raise ValueError("not a segment index")
        if not all(isinstance(v, list) and len(v) == len(KEY_FIELDS) for v in data["ids"].values()):
            raise ValueError("not a segment index")
        return cls(data["segment"], data["ids"], Counter(data.get("rules") or {}),
                   Counter(data.get("categories") or {}), dict(data.get("rejected") or {}))


@dataclass(frozen=True)
class CommitPlan:
    """What a shard's commit does: clean or reuse ``entries`` into segment ``target``, drop
    the segments ``replaced`` (their records that stay are among ``entries``), keep ``kept``."""

    entries: list[Entry]
    target: int
    replaced: tuple[int, ...]
    kept_indexes: tuple[SegmentIndex, ...] = ()

    @property
    def kept(self) -> tuple[int, ...]:
        return tuple(i.segment for i in self.kept_indexes)


def plan_commit(entries: list[Entry], indexes: dict[int, SegmentIndex], ctx: Context,
                merge: bool = True) -> CommitPlan:
    """Which entries go to the new segment and which segments it replaces. ``merge``: merge
    small segments (see the module's doc); a compaction passes every segment as changed."""
    current = current_fingerprint(ctx)
    where = {rid: seg for seg, index in indexes.items() for rid in index.ids}
    owners = {e.id: e for e in entries if e.duplicate_of is None}
    dirty = {where[rid] for rid in set(where) - set(owners)}  # a removed record's segment
    fresh = 0
    for rid, entry in owners.items():
        seg = where.get(rid)
        if seg is None:
            fresh += 1
        elif seg not in dirty and not _current(indexes[seg].ids[rid], entry, ctx, current):
            dirty.add(seg)
    if merge:
        dirty |= _small_segments(indexes, dirty, fresh + sum(len(indexes[s].ids) for s in dirty))
    target = 0 if not indexes or 0 in dirty else max(indexes) + 1
    chosen = [e for e in entries if e.duplicate_of is not None or where.get(e.id) in dirty or e.id not in where]
    return CommitPlan(chosen, target, tuple(sorted(dirty)), tuple(indexes[s] for s in sorted(set(indexes) - dirty)))


def _current(key: list, entry: Entry, ctx: Context, current: tuple) -> bool:
    log = key_log(key)
    return log["source"]["path"] == entry.rel and still_current(log, entry, ctx, current)


def _small_segments(indexes: dict[int, SegmentIndex], dirty: set[int], size: int) -> set[int]:
    """The segments, newest first, that hold no more records than the new segment would
    with them (stopping at the first that holds more, or that is full: ``SEGMENT_RECORDS``)."""
    merged: set[int] = set()
    if size == 0:
        return merged
    for seg in sorted(set(indexes) - dirty, reverse=True):
        if len(indexes[seg].ids) > size or len(indexes[seg].ids) >= SEGMENT_RECORDS:
            break
        merged.add(seg)
        size += len(indexes[seg].ids)
    return merged
