"""Dedup: after every shard is clean and before Publish, link near-duplicate records.

    CleanShard(shard 0..N-1)  ->  Dedup  ->  Publish

Links depend on other articles, so they are not made while one article is cleaned: this
step reads only the corpus parts that changed since it last ran (their sha256 against the
ones it saw, in ``_state/dedup/summary.json``), compares their new records with the index on
disk (``_state/dedup/index.sqlite``, pipeline/io.DedupStore), and rewrites, in place, the
segments holding records whose links changed (``write_links``, the one function here that
rewrites parts, through tasks/folder/segment_files.py's commit). The
duplicates table ``OUT/duplicates.jsonl`` lists every linked record.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import ExitStack
from pathlib import Path

import luigi

from newsclean.pipeline import io
from newsclean.pipeline.output.dedup import Link, Params, Updater, link_change, update_shard, with_link
from newsclean.pipeline.output.contract import dumps

from newsclean.tasks.folder import integrity, paths, remote, segment_files
from newsclean.tasks.run.task_base import BatchTask
from newsclean.tasks.run.clean_shard import CleanShard

OFF = "off"


class Dedup(BatchTask):
    shards = luigi.IntParameter()
    digests = luigi.ListParameter(description="one digest per shard, in shard order")
    chain = luigi.BoolParameter(default=False, description="run each shard's stages as tasks (tasks/run/stage_tasks.py)")

    def requires(self):
        return [CleanShard(raw=self.raw, out=self.out, config=self.config, shard=i, digest=d, chain=self.chain)
                for i, d in enumerate(self.digests)]

    def output(self):
        return luigi.LocalTarget(str(paths.dedup_summary(self.out_path)))

    def complete(self):
        return all(r.complete() for r in self.requires()) and links_current(self.out_path, self.requires(), self.ctx)

    def run(self):
        with remote.locked(self.out_path, paths.dedup_lock(self.out_path)):
            summary = relink(self.out_path, self.requires(), self.ctx)
        self.set_status_message(f"{summary['linked']} linked records in {summary['groups']} groups")


def links_digest(ctx) -> str:
    return Params.from_config(ctx.config).digest() if ctx.config.dedup else OFF


def shard_tables(out: Path, shard_tasks) -> dict[int, list[dict]]:
    """Each shard's part table as last committed (integrity.shard_table, its segments)."""
    table, pending = integrity.manifest_parts(out), integrity.journals(out)
    return {task.shard: integrity.shard_table(out, task.shard, table, pending, io.read_json(task.output().path))
            for task in shard_tasks}


def corpus_shas(out: Path, shard_tasks) -> dict[str, str]:
    """Each shard's corpus parts as last committed, as ``corpus_digest`` names them."""
    return {str(shard): corpus_digest(shard, parts) for shard, parts in shard_tables(out, shard_tasks).items()}


def corpus_digest(shard: int, parts: list[dict]) -> str:
    """A shard's corpus parts (of its part table): the sha256 of its one part
    ``part-NNNNN.jsonl``, else a digest over its segments' paths and sha256."""
    corpus = sorted(corpus_segments(parts).items())
    if len(corpus) == 1 and corpus[0][0] == paths.shard_parts(shard)[0]:
        return corpus[0][1]
    return hashlib.sha256("".join(f"{rel}\0{sha}\n" for rel, sha in corpus).encode()).hexdigest()


def corpus_segments(parts: list[dict]) -> dict[str, str]:
    """A shard's corpus parts: path -> sha256 (what the summary keeps, to read again only
    the segments that changed)."""
    return {p["path"]: p.get("sha256") or "" for p in parts if p["path"].startswith(f"{paths.CORPUS}/")}


def carry_links(out: Path, shard: int, before: list[dict], after: list[dict]) -> None:
    """After a shard's segments were merged with the same records (``newsclean compact``):
    the links made for its parts ``before`` hold for its parts ``after``, so the summary
    and this machine's index say so and the next run does not read the shard again."""
    with remote.locked(out, paths.dedup_lock(out)):
        read = io.read_json(paths.dedup_summary(out))
        summary: dict = read if isinstance(read, dict) else {}
        if carried(summary, shard, before, after):
            io.atomic_write_json(paths.dedup_summary(out), summary)
        if paths.dedup_index(out).is_file():
            store = io.DedupStore(paths.dedup_index(out))
            try:
                with store.transaction():
                    seen = store.get_meta("seen")
                    if isinstance(seen, dict) and carried(seen, shard, before, after):
                        store.set_meta("seen", seen)
            finally:
                store.close()


def carried(seen: dict, shard: int, before: list[dict], after: list[dict]) -> bool:
    """Move ``seen`` (a summary, or what an index saw: ``parts`` and ``segments`` by shard)
    from a shard's parts ``before`` to ``after``, when it held ``before``; whether it did."""
    held = seen.get("parts")
    if not (isinstance(held, dict) and held.get(str(shard)) == corpus_digest(shard, before)):
        return False
    found = seen.get("segments")
    seen["parts"] = {**held, str(shard): corpus_digest(shard, after)}
    seen["segments"] = {**(found if isinstance(found, dict) else {}), str(shard): corpus_segments(after)}
    return True


def shard_changes(out: Path, shard: int, parts: list[dict], seen: dict | None):
    """(records to compare, ids the shard holds or None): the records of the shard's corpus
    segments whose sha256 differs from the ones the links were made for (``seen``: path ->
    sha256; None: every segment, as when the index was cleared), with the ids of every
    record the shard holds (from the segments' indexes) when only some are read."""
    held = corpus_segments(parts)
    if not isinstance(seen, dict):
        changed, present = segment_files.segments(parts), None
    else:
        changed = sorted({segment_files.segment_of({"path": rel}) for rel, sha in held.items() if seen.get(rel) != sha})
        indexes = segment_files.load_indexes(out, shard, parts)
        present = {rid for index in indexes.values() for rid in index.ids if rid not in index.rejected}
    return (r for seg in changed for r in io.iter_part(paths.corpus_part(out, shard, seg))), present


def links_current(out: Path, shard_tasks, ctx) -> bool:
    """Whether the links were made for the corpus parts as they are, with these switches."""
    summary = io.read_json(paths.dedup_summary(out)) or {}
    return summary.get("digest") == links_digest(ctx) and summary.get("parts") == corpus_shas(out, shard_tasks) \
        and paths.duplicates(out).is_file()


def relink(out: Path, shard_tasks, ctx) -> dict:
    """Bring the index and the records' links up to date with the corpus parts; returns the
    summary it writes. The index changes in one transaction that ends after the parts are
    rewritten: a crash in between leaves the old index, and the rewritten parts, whose
    digests it has not seen, are read again by the next run."""
    params, digest = Params.from_config(ctx.config), links_digest(ctx)
    shards = len(shard_tasks)
    store = io.DedupStore(paths.dedup_index(out))
    try:
        with store.transaction():
            # what this index last saw of the corpus, kept in the index itself: on object storage
            # each machine has its own index, and the published summary may be another's
            seen = store.get_meta("seen")
            if store.get_meta("digest") != digest or store.get_meta("shards") != shards or not isinstance(seen, dict):
                store.clear()  # new switches, a new shard count, a new index: every record is compared again
                seen = {}
            tables = shard_tables(out, shard_tasks)
            changed = [s for s in range(shards) if (seen.get("parts") or {}).get(str(s)) != corpus_digest(s, tables[s])]
            updater = Updater(store, params)  # one record's shingles in memory at a time
            for shard in changed:
                records, present = shard_changes(out, shard, tables[shard], (seen.get("segments") or {}).get(str(shard))) \
                    if ctx.config.dedup else ((), None)
                update_shard(updater, shard, records, params, present)
            result = updater.finish()
            for shard in sorted(set(changed) | store.shards_of(result.relinked)):
                only = segments_to_check(out, shard, tables[shard], (seen.get("segments") or {}).get(str(shard)),
                                         result.relinked)
                write_links(out, shard, store.shard_links(shard), only)
            store.set_meta("digest", digest)
            store.set_meta("shards", shards)
            tables = shard_tables(out, shard_tasks)
            store.set_meta("seen", seen_of(tables))
        # after the commit: a summary never says more than the index holds
        summary = write_table(out, store, digest, tables, result)
    finally:
        store.close()
    return summary


def write_table(out: Path, store, digest: str, tables: dict[int, list[dict]], result) -> dict:
    """The duplicates table (streamed from the index, replaced only when it changed) and the
    summary (what Publish puts in the manifest)."""
    with io.PartWriter(paths.duplicates(out)) as table:
        for rid, of, sim, con, rule in store.linked():
            table.write(dumps({"id": rid, "duplicate_of": of, "similarity": sim, "containment": con, "rule": rule}))
    summary = {"digest": digest, **seen_of(tables), **store.link_counts(),
               "last_run": {"added": len(result.added), "removed": len(result.removed),
                            "relinked": len(result.relinked), "compared": result.compared}}
    io.atomic_write_json(paths.dedup_summary(out), summary)
    return summary


def seen_of(tables: dict[int, list[dict]]) -> dict:
    """What the links were made for: each shard's corpus digest and its corpus parts' sha256s."""
    return {"parts": {str(s): corpus_digest(s, parts) for s, parts in tables.items()},
            "segments": {str(s): corpus_segments(parts) for s, parts in tables.items()}}


def segments_to_check(out: Path, shard: int, parts: list[dict], seen: dict | None, relinked) -> set[int] | None:
    """The segments of a shard whose links may be wrong: those written since the links were
    last made (``seen``: corpus part -> sha256 then; None: every segment) and those holding
    a record whose link changed (``relinked``, by the segments' indexes). The others hold
    the links they were given, and are not read."""
    if not isinstance(seen, dict):
        return None
    found = {segment_files.segment_of({"path": rel}) for rel, sha in corpus_segments(parts).items() if seen.get(rel) != sha}
    moved = set(relinked)
    if moved:
        found |= {seg for seg, index in segment_files.load_indexes(out, shard, parts).items() if not moved.isdisjoint(index.ids)}
    return found


def write_links(out: Path, shard: int, links: dict[str, Link | None], only: set[int] | None = None) -> bool:
    """Set each record's link fields of one shard to ``links`` (id -> Link, or None: not
    linked; an id not in ``links`` is not linked), rewriting in place (its own segment
    number, tasks/folder/segment_files.py's commit) only the segments that hold a record whose link
    changed; ``only``: the segments to check (``segments_to_check``; None: every one).
    Whether any part changed. The one place that rewrites parts after cleaning."""
    with remote.locked(out, paths.shard_lock(out, shard)):  # a rebuild may be at work on this shard
        parts = segment_files.recorded_parts(out, shard)
        stale = [seg for seg in segment_files.segments(parts)
                 if (only is None or seg in only) and not segment_holds_links(out, shard, seg, links)]
        if not stale:
            return False
        with ExitStack() as stack:
            writers = [stack.enter_context(segment_files.SegmentWriter(out, shard, seg)) for seg in stale]
            for writer in writers:
                relink_segment(out, shard, writer, links)
            segment_files.commit_shard(out, shard, writers, replaced=(), removed=[], parts=parts)
    return True


def segment_records(out: Path, shard: int, segment: int):
    """(id, corpus line or None, change-log line) of a segment's records, in id order, streamed:
    the change log holds every id, the corpus the records that were not rejected."""
    corpus = io.iter_part_records(paths.corpus_part(out, shard, segment))
    at = next(corpus, None)
    for rid, log_line in io.iter_part_records(paths.changelog_part(out, shard, segment)):
        while at is not None and at[0] < rid:
            at = next(corpus, None)
        yield rid, (at[1] if at is not None and at[0] == rid else None), log_line


def segment_holds_links(out: Path, shard: int, segment: int, links: dict[str, Link | None]) -> bool:
    for rid, line, log_line in segment_records(out, shard, segment):
        if line is not None and not holds_link(line, log_line, links.get(rid)):
            return False
    return True


def relink_segment(out: Path, shard: int, writer, links: dict[str, Link | None]) -> None:
    """Write a segment's records again into ``writer`` with their links set to ``links``."""
    for rid, line, log_line in segment_records(out, shard, writer.segment):
        if line is None or holds_link(line, log_line, links.get(rid)):
            writer.write(line, log_line, json.loads(log_line))
            continue
        record, log = with_link(json.loads(line), json.loads(log_line), links.get(rid))
        writer.write(dumps(record), dumps(log), log)


_DECODER = json.JSONDecoder()
_DUPLICATE_OF = '"duplicate_of":'
_DEDUP_CHANGE = '"stage":"dedup"'


def holds_link(corpus_line: str, log_line: str, link: Link | None) -> bool:
    """Whether a record's two lines already hold exactly ``link``, read without parsing them:
    in a JSON line a key's opening quote cannot be a string's (a string's quotes are
    escaped), and ``duplicate_of`` is a key of the record itself, not of a nested object."""
    at = corpus_line.find(_DUPLICATE_OF)
    if at < 0:
        return False
    held, _ = _DECODER.raw_decode(corpus_line, at + len(_DUPLICATE_OF))
    if held != (link.of if link else None):
        return False
    if link is None:
        return _DEDUP_CHANGE not in log_line
    return log_line.count(_DEDUP_CHANGE) == 1 and dumps(link_change(link)) in log_line


