"""A batch's inputs, streamed: one pass over raw/ and one over each shard, so that planning
holds one input file and then one shard's entries, never the archive (issue 17).

    walk raw/ (io.RawWalk: the file system's order)
      -> put the inputs in path order (io.external_sorted: sorted runs on disk, merged)
      -> hash each input the stat cache does not vouch for (io.hashed_inputs, tasks/folder/statcache.py:
         the cache is read in the same order, beside them)
      -> spill its articles by shard (io.Spill, temporary files)
    then per shard: read its rows back, put them in path order (io.walk_order), mark the
    inputs of an id already taken (shards.plan_shard): the entries its plan and digest are
    made of.

The entries of a shard are those ``shards.plan_shards`` gives for the whole sorted listing.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.output.shards import Entry, plan_by_id, plan_shard, shard_of

from newsclean.tasks.folder.statcache import StatCache


@dataclass
class Inputs:
    """What one pass over raw/ found: how many articles, the files not read (sorted), the
    output folder met inside raw/, and its articles spilled by shard."""

    count: int
    ignored: list[str]
    skipped: str | None
    spill: io.Spill
    stats: StatCache
    passed: list[tuple[str, str]] = field(default_factory=list)  # folders not entered, and why (io.RawWalk)

    def shards(self) -> Iterator[tuple[int, list[Entry]]]:
        """(shard, its entries in path order) of every shard, one at a time."""
        for shard, rows in self.spill.read():
            entries = entries_of(rows)
            del rows  # one shard held at a time: neither its rows nor the last shard's entries
            yield shard, entries
            del entries

    def shard(self, shard: int) -> list[Entry]:
        return entries_of(self.spill.group(shard))

    def by_id(self, shard: int) -> Iterator[Entry]:
        """The entries of a shard in (id, path) order, one at a time: its rows sorted on disk
        (a run held at a time), duplicates marked as ``entries_of`` marks them. A shard's
        digest is made from them (``shard_digest(..., ordered=True)``) holding none."""
        rows = self.spill.sorted(self.spill.iter_group(shard), key=lambda row: (row[0], io.walk_order(row[1], row[4])))
        return plan_by_id((aid, rel, sha, side) for aid, rel, sha, side, _ in rows)

    def save_stats(self) -> bool:
        """Write what the stat cache learnt (tasks/folder/statcache.py); whether it changed."""
        return self.stats.save()


def entries_of(rows: list) -> list[Entry]:
    """A shard's spilled rows ([id, rel, sha256, sidecar sha256, name on disk or None], in
    the order found) as its entries, in path order."""
    if any(row[4] for row in rows):  # a name that is not UTF-8: printable names may coincide
        rows.sort(key=lambda row: io.walk_order(row[1], row[4]))
    else:
        rows.sort(key=lambda row: row[1])
    return plan_shard((aid, rel, sha, side) for aid, rel, sha, side, _ in rows)


def in_path_order(walk: io.RawWalk, spill: io.Spill) -> Iterator[io.RawInput]:
    """The inputs of ``walk`` in path order (``io.walk_order``, as ``io.scan_raw`` sorts
    them), sorted on disk in ``spill``'s folder: a run of rows held at a time, not the listing."""
    ordered = spill.sorted(([r.id, r.rel, r.raw_rel] for r in walk), key=lambda row: io.walk_order(row[1], row[2]))
    return (io.RawInput(aid, walk.raw / (raw_rel or rel), rel, raw_rel) for aid, rel, raw_rel in ordered)


@contextmanager
def articles(raw: Path, limit: int, out: Path | None = None) -> Iterator[Iterator[tuple[str, str, str, str | None]]]:
    """What ``io.list_inputs`` lists, in its order, streamed: ``(id, rel, sha256, sidecar
    sha256)`` of every article of ``raw``. ``out``: the output folder (skipped inside raw/),
    whose stat cache vouches for unchanged inputs (read, not written)."""
    walk = io.RawWalk(raw, skip=out)
    with (StatCache(out, raw) if out is not None else nullcontext()) as stats, io.Spill(1) as spill:
        yield (t for _, found in io.hashed_inputs(raw, limit, in_path_order(walk, spill), stats) for t in found)


@contextmanager
def listed(raw: Path, out: Path, limit: int, shards: int) -> Iterator[Inputs]:
    """The inputs of ``raw`` (``out``, the output folder, skipped when inside it), hashed
    where the stat cache in ``out`` does not vouch for them, spilled by shard."""
    walk = io.RawWalk(raw, skip=out)
    with StatCache(out, raw) as stats, io.Spill(shards) as spill:
        for r, found in io.hashed_inputs(raw, limit, in_path_order(walk, spill), stats):
            for aid, rel, sha, side in found:
                spill.add(shard_of(aid, shards), [aid, rel, sha, side, r.raw_rel])
        yield Inputs(spill.count, sorted(walk.ignored), walk.skipped, spill, stats, sorted(walk.passed))
