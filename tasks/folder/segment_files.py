"""Writing a shard's parts: the one commit every writer of parts calls (a batch's shard, a
rebuild, a compaction; tasks that rewrite records, such as duplicate links, call it too).

    with SegmentWriter(out, shard, segment) as new:      # a new segment (or one rewritten)
        for corpus_line, log_line, log in records_in_id_order:
            new.write(corpus_line, log_line, log)
        table = commit_shard(out, shard, [new], replaced={...}, removed=[...])

or, for records that may be more than a segment holds (``SEGMENT_RECORDS``), ``SegmentRun``:
``with SegmentRun(out, shard, first, taken) as new: ... commit_shard(out, shard, new.writers, ...)``.

``commit_shard`` records the segment's index (a cache), then the shard's journal (the ids
removed and the shard's whole part table after the commit), then renames the new parts
into place and deletes the parts of the segments it replaced. The journal written before
any part is renamed is what lets a run killed at any point resume: a part on disk that no
journal and no manifest lists is left over from a killed commit, and Publish deletes it.

Where an id lives: its shard is ``blake2b(id) mod shards`` (pipeline/output/shards.py), its segment
the one whose index (``_state/index/``) lists it; ``find`` gives it. The part layout
(names) is tasks/folder/paths.py's.
"""
from __future__ import annotations

import contextlib
import heapq
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Iterable

from newsclean.pipeline import io
from newsclean.pipeline.output import segments as segment_rules
from newsclean.pipeline.output.segments import SegmentIndex

from newsclean.tasks.folder import integrity, paths


def segment_of(part: dict) -> int:
    return paths.part_key(Path(part["path"]).name)[1]


def recorded_parts(out: Path, shard: int) -> list[dict]:
    """The shard's part table now: its journal's when a commit is not yet in a manifest,
    else the manifest's; the base segment's files on disk for an output written before
    the manifest had a part table."""
    return integrity.shard_table(out, shard, integrity.manifest_parts(out), integrity.journals(out))


def segments(parts: Iterable[dict]) -> list[int]:
    return sorted({segment_of(p) for p in parts})


def load_index(out: Path, shard: int, segment: int) -> SegmentIndex:
    """A segment's index, from the cache when it was made from the change-log part as it
    is now (a killed commit may have left the part the manifest records or the one the
    journal does), else made again from that part (and cached). DamagedPart when the part
    does not read back."""
    sha = integrity.held_sha256(out, paths.segment_parts(shard, segment)[1])
    cache = paths.segment_index(out, shard, segment)
    data = io.read_json(cache)
    if isinstance(data, dict) and data.get("part_sha256") == sha and sha is not None:
        try:
            return SegmentIndex.from_json(data)
        except ValueError:
            pass
    index = SegmentIndex(segment)
    for _rid, line in io.part_records(paths.changelog_part(out, shard, segment)):
        index.add(json.loads(line))
    if sha is not None:
        io.atomic_write_json(cache, index.to_json(sha))
    return index


def load_indexes(out: Path, shard: int, parts: list[dict]) -> dict[int, SegmentIndex]:
    return {seg: load_index(out, shard, seg) for seg in segments(parts)}


def read_segments(out: Path, shard: int, segs: Iterable[int]) -> dict[str, tuple[str | None, str]]:
    """The stored records of some segments: id -> (corpus line or None, change-log line)."""
    found: dict[str, tuple[str | None, str]] = {}
    for seg in segs:
        found.update(io.read_parts(out, paths.part_name(shard, seg)))
    return found


class StreamedRecords(Mapping):
    """The stored records of some segments (id -> (corpus line or None, change-log line)),
    read as they are asked for in id order (as process_shard asks), so that rewriting a
    segment holds one record at a time, not the segment."""

    def __init__(self, out: Path, shard: int, segs: Iterable[int], ids: Iterable[str]):
        segs = list(segs)
        self.ids = set(ids)
        self.logs = heapq.merge(*(io.iter_part_records(paths.changelog_part(out, shard, s)) for s in segs))
        self.corpus = heapq.merge(*(io.iter_part_records(paths.corpus_part(out, shard, s)) for s in segs))
        self.log_at: tuple[str, str] | None = ("", "")  # the record read last; None past the end
        self.corpus_at: tuple[str, str] | None = ("", "")
        self.last = ""

    def __getitem__(self, rid: str) -> tuple[str | None, str]:
        if rid not in self.ids:
            raise KeyError(rid)
        if rid < self.last:
            raise RuntimeError(f"records asked out of id order: {rid!r} after {self.last!r}")
        self.last = rid
        self.log_at = _advance(self.logs, self.log_at, rid)
        self.corpus_at = _advance(self.corpus, self.corpus_at, rid)
        if self.log_at is None or self.log_at[0] != rid:
            raise KeyError(rid)
        return (self.corpus_at[1] if self.corpus_at is not None and self.corpus_at[0] == rid else None), self.log_at[1]

    def __iter__(self):
        return iter(sorted(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, rid) -> bool:
        return rid in self.ids


def _advance(records, at: tuple[str, str] | None, rid: str) -> tuple[str, str] | None:
    while at is not None and at[0] < rid:
        at = next(records, None)
    return at


def find(out: Path, shard: int, article_id: str) -> int | None:
    """The segment of ``shard`` that holds ``article_id`` (None when none does)."""
    parts = recorded_parts(out, shard)
    for seg in reversed(segments(parts)):
        if article_id in load_index(out, shard, seg).ids:
            return seg
    return None


class SegmentWriter:
    """A segment's corpus and change-log parts, streamed to temporary files (io.PartWriter)
    with its index made as they are; committed by ``commit_shard``, else discarded."""

    def __init__(self, out: Path, shard: int, segment: int):
        self.out, self.shard, self.segment = out, shard, segment
        self.corpus = io.PartWriter(paths.corpus_part(out, shard, segment))
        self.changelog = io.PartWriter(paths.changelog_part(out, shard, segment))
        self.index = SegmentIndex(segment)
        self.done = False  # set by commit_shard: a writer left out of a commit is discarded

    def __enter__(self) -> SegmentWriter:
        self.changelog.__enter__()
        try:
            self.corpus.__enter__()
        except BaseException:
            self.changelog.__exit__(None, None, None)
            raise
        return self

    def write(self, corpus_line: str | None, log_line: str, log: dict) -> None:
        if self.sealed:
            raise RuntimeError(f"segment {self.segment} of shard {self.shard} is sealed")
        if corpus_line is not None:
            self.corpus.write(corpus_line)
        self.changelog.write(log_line)
        self.index.add(log)

    sealed = False

    def seal(self) -> None:
        """No more records: its parts' temporary files are closed and its index written
        (a cache, checked against the part it names: one a commit does not take is
        rebuilt or removed) and let go; ``commit_shard`` renames the parts."""
        if self.sealed:
            return
        self.corpus.finish()
        self.changelog.finish()
        write_index(self.out, self.shard, self.index, self.changelog.record()["sha256"])
        self.index = SegmentIndex(self.segment)
        self.sealed = True

    @property
    def records(self) -> int:
        return self.changelog.records

    def table(self) -> list[dict]:
        corpus_rel, log_rel = paths.segment_parts(self.shard, self.segment)
        return [integrity.part_entry(corpus_rel, self.shard, self.corpus.record()),
                integrity.part_entry(log_rel, self.shard, self.changelog.record())]

    def __exit__(self, exc_type, exc, tb) -> None:
        # PartWriter renames on a clean exit: only commit_shard may, so a writer it did not
        # take is discarded (its temporary files removed)
        if not self.done:
            self.discard()
        try:
            self.corpus.__exit__(exc_type, exc, tb)
        finally:
            self.changelog.__exit__(exc_type, exc, tb)

    def discard(self) -> None:
        self.corpus.committed = self.changelog.committed = True


def commit_shard(out: Path, shard: int, writers: list[SegmentWriter], replaced: Iterable[int],
                 removed: list[str], parts: list[dict] | None = None) -> list[dict]:
    """Commit ``writers``' segments and drop the ``replaced`` ones; returns the shard's part
    table after the commit. ``parts``: the table before (default: as recorded). A writer
    with no record is dropped unless the shard would have no part at all (an empty shard
    keeps an empty segment 0, as a full run writes it). The caller holds the shard's lock."""
    parts = recorded_parts(out, shard) if parts is None else parts
    written = {w.segment for w in writers}
    gone = set(replaced) | written
    table = [p for p in parts if segment_of(p) not in gone]
    keep = [w for w in writers if w.records or (not table and w is writers[-1])]
    for w in writers:
        w.done = True
        if w not in keep:
            w.discard()
    for w in keep:
        table.extend(w.table())
        if not w.sealed:
            write_index(out, shard, w.index, w.changelog.record()["sha256"])
    table.sort(key=lambda p: p["path"])
    integrity.write_journal(out, shard, removed, table)
    for w in keep:  # the change-log part, which holds the fingerprints, after the corpus part
        w.corpus.commit()
        w.changelog.commit()
    for seg in sorted(gone - {w.segment for w in keep}):
        delete_segment(out, shard, seg)
    return table


def write_index(out: Path, shard: int, index: SegmentIndex, part_sha256: str) -> None:
    """A segment's index cache, as compact JSON (the C encoder: its memory is the text's)."""
    io.atomic_write_text(paths.segment_index(out, shard, index.segment),
                         json.dumps(index.to_json(part_sha256), ensure_ascii=False, separators=(",", ":")) + "\n")


class SegmentRun:
    """Records in id order written to segments of at most ``SEGMENT_RECORDS`` records
    (pipeline/output/segments.py): ``first``, then the next numbers not ``taken`` (the
    segments the commit keeps). Each segment is sealed as it fills (its files closed, its
    index written and let go), so that a writer holds one segment's index whatever the size
    of the shard. ``writers`` go to ``commit_shard``."""

    def __init__(self, out: Path, shard: int, first: int, taken: Iterable[int] = (), limit: int | None = None):
        self.out, self.shard, self.taken = out, shard, set(taken)
        self.limit = limit or segment_rules.SEGMENT_RECORDS
        self.writers: list[SegmentWriter] = []
        self.stack = contextlib.ExitStack()
        self.next = first

    def __enter__(self) -> SegmentRun:
        self.stack.__enter__()
        self._open()
        return self

    def _open(self) -> None:
        while self.next in self.taken:
            self.next += 1
        self.writers.append(self.stack.enter_context(SegmentWriter(self.out, self.shard, self.next)))
        self.next += 1

    def write(self, corpus_line: str | None, log_line: str, log: dict) -> None:
        if self.writers[-1].records >= self.limit:
            self.writers[-1].seal()
            self._open()
        self.writers[-1].write(corpus_line, log_line, log)

    @property
    def records(self) -> int:
        return sum(w.records for w in self.writers)

    def __exit__(self, exc_type, exc, tb):
        return self.stack.__exit__(exc_type, exc, tb)


def delete_segment(out: Path, shard: int, segment: int) -> None:
    for rel in paths.segment_parts(shard, segment):
        paths.part_path(out, rel).unlink(missing_ok=True)
    paths.segment_index(out, shard, segment).unlink(missing_ok=True)


def remove_orphans(out: Path, table: list[dict]) -> list[str]:
    """Delete the part files (and index caches) that ``table`` (a manifest's part table,
    just written) does not list and no pending journal lists: segments a killed commit
    replaced but did not delete, shards beyond ``shards``. Returns the parts deleted."""
    on_disk = paths.part_files(out)  # listed before the journals are read (a commit journals, then renames)
    listed = {p["path"] for p in table} | {p["path"] for j in integrity.journals(out).values() for p in j["parts"]}
    gone = [rel for rel in on_disk if rel not in listed]
    for rel in gone:
        paths.part_path(out, rel).unlink(missing_ok=True)
    kept = {paths.parse_part_name(Path(rel).name) for rel in listed}
    folder = paths.state_dir(out) / "index"
    for cache in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        name = cache.stem.split("-")
        if len(name) == 2 and all(n.isdigit() for n in name) and (int(name[0]), int(name[1])) not in kept:
            cache.unlink(missing_ok=True)
    return gone
