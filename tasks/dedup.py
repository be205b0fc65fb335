"""Dedup: after every shard is clean and before Publish, link near-duplicate records.

    CleanShard(shard 0..N-1)  ->  Dedup  ->  Publish

Links depend on other articles, so they are not made while one article is cleaned: this
step reads only the corpus parts that changed since it last ran (their sha256 against the
ones it saw, in ``_state/dedup/summary.json``), compares their new records with the index on
disk (``_state/dedup/index.sqlite``, pipeline/io.DedupStore), and rewrites the parts of the
shards whose links changed (``write_links``, the one function here that rewrites parts). The
duplicates table ``OUT/duplicates.jsonl`` lists every linked record.
"""
from __future__ import annotations

import json
from pathlib import Path

import luigi

from pipeline import io
from pipeline.dedup import Link, Params, changed_docs, link_change, update, with_link
from pipeline.record import dumps

from . import integrity, paths
from .common import BatchTask
from .shards import CleanShard

OFF = "off"


class Dedup(BatchTask):
    shards = luigi.IntParameter()
    digests = luigi.ListParameter(description="one digest per shard, in shard order")
    chain = luigi.BoolParameter(default=False, description="run each shard's stages as tasks (tasks/chain.py)")

    def requires(self):
        return [CleanShard(raw=self.raw, out=self.out, config=self.config, shard=i, digest=d, chain=self.chain)
                for i, d in enumerate(self.digests)]

    def output(self):
        return luigi.LocalTarget(str(paths.dedup_summary(self.out_path)))

    def complete(self):
        return all(r.complete() for r in self.requires()) and links_current(self.out_path, self.requires(), self.ctx)

    def run(self):
        with io.locked(paths.dedup_lock(self.out_path)):
            summary = relink(self.out_path, self.requires(), self.ctx)
        self.set_status_message(f"{summary['linked']} linked records in {summary['groups']} groups")


def links_digest(ctx) -> str:
    return Params.from_config(ctx.config).digest() if ctx.config.dedup else OFF


def corpus_shas(out: Path, shard_tasks) -> dict[str, str]:
    """Each shard's corpus part sha256 as last committed (integrity.latest_parts), read from
    disk when nothing records it."""
    table, pending = integrity.manifest_parts(out), integrity.journals(out)
    found = {}
    for task in shard_tasks:
        rel = paths.shard_parts(task.shard)[0]
        held = integrity.latest_parts(out, task.shard, io.read_json(task.output().path), table, pending)
        recorded = next((p for p in held if p.get("path") == rel), None)
        if recorded is None:
            path = paths.part_path(out, rel)
            recorded = io.part_record(path) if path.is_file() else {"sha256": ""}
        found[str(task.shard)] = recorded["sha256"]
    return found


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
    seen = io.read_json(paths.dedup_summary(out)) or {}
    store = io.DedupStore(paths.dedup_index(out))
    try:
        with store.transaction():
            if store.get_meta("digest") != digest or store.get_meta("shards") != shards:
                store.clear()  # new switches or a new shard count: every record is compared again
                seen = {}
            current = corpus_shas(out, shard_tasks)
            changed = [s for s in range(shards) if (seen.get("parts") or {}).get(str(s)) != current[str(s)]]
            added, removed = [], []
            for shard in changed:
                records = io.iter_part(paths.corpus_part(out, shard)) if ctx.config.dedup else ()
                new, gone = changed_docs(store, shard, records, params)
                added.extend(new)
                removed.extend(gone)
            result = update(store, added, removed, params)
            for shard in sorted(set(changed) | store.shards_of(result.relinked)):
                write_links(out, shard, store.shard_links(shard))
            store.set_meta("digest", digest)
            store.set_meta("shards", shards)
        # after the commit: a summary never says more than the index holds
        summary = write_table(out, store, digest, corpus_shas(out, shard_tasks), result)
    finally:
        store.close()
    return summary


def write_table(out: Path, store, digest: str, parts: dict[str, str], result) -> dict:
    """The duplicates table (streamed from the index, replaced only when it changed) and the
    summary (what Publish puts in the manifest)."""
    with io.PartWriter(paths.duplicates(out)) as table:
        for rid, of, sim, con, rule in store.linked():
            table.write(dumps({"id": rid, "duplicate_of": of, "similarity": sim, "containment": con, "rule": rule}))
    summary = {"digest": digest, "parts": parts, **store.link_counts(),
               "last_run": {"added": len(result.added), "removed": len(result.removed),
                            "relinked": len(result.relinked), "compared": result.compared}}
    io.atomic_write_json(paths.dedup_summary(out), summary)
    return summary


def write_links(out: Path, shard: int, links: dict[str, Link | None]) -> bool:
    """Set each record's link fields of one shard to ``links`` (id -> Link, or None: not
    linked; an id not in ``links`` is not linked), rewriting its two parts only when a line
    changes; the shard's journal records the new parts before they replace the old ones.
    Whether the parts changed. The one place that rewrites parts after cleaning."""
    name = paths.part_name(shard)
    with io.locked(paths.shard_lock(out, shard)):  # a rebuild may be at work on this shard
        corpus = io.part_lines(out / "corpus" / name)
        changelog = io.part_lines(out / "changelog" / name)
        logs = dict(changelog)
        new_corpus, new_logs, changed = [], dict(logs), False
        for rid, line in corpus:
            link = links.get(rid)
            if holds_link(line, logs[rid], link):
                new_corpus.append(line)
                continue
            record, log = with_link(json.loads(line), json.loads(logs[rid]), link)
            new_corpus.append(dumps(record))
            new_logs[rid] = dumps(log)
            changed = True
        if not changed:
            return False
        new_changelog = [new_logs[rid] for rid, _ in changelog]
        corpus_rel, log_rel = paths.shard_parts(shard)
        # change log last: it holds the fingerprint, as in a shard's cleaning
        with io.PartWriter(paths.changelog_part(out, shard)) as log_part, \
                io.PartWriter(paths.corpus_part(out, shard)) as corpus_part:
            for line in new_corpus:
                corpus_part.write(line)
            for line in new_changelog:
                log_part.write(line)
            integrity.record_relinked_parts(out, shard, [integrity.part_entry(corpus_rel, shard, corpus_part.record()),
                                                         integrity.part_entry(log_rel, shard, log_part.record())])
            corpus_part.commit()
            log_part.commit()
    return True


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


