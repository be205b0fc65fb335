"""Publish: after every shard is clean and linked (tasks/run/link_duplicates.py), write the manifest and the
corpus folder's dataset card (tasks/run/card.py), and tidy stale parts."""
from __future__ import annotations

import luigi

from newsclean.pipeline import io
from newsclean.pipeline.output.manifest import batch_digest, build_manifest

from newsclean.tasks.folder import integrity, paths, plans, remote, segment_files
from newsclean.tasks.run.card import card_is_current, write_card
from newsclean.tasks.run.task_base import BatchTask
from newsclean.tasks.run.link_duplicates import Dedup
from newsclean.tasks.run.clean_shard import CleanShard


class Publish(BatchTask):
    shards = luigi.IntParameter()
    digests = luigi.ListParameter(description="one digest per shard, in shard order")
    chain = luigi.BoolParameter(default=False, description="run each shard's stages as tasks (tasks/run/stage_tasks.py)")

    def shard_tasks(self) -> list[CleanShard]:
        return [CleanShard(raw=self.raw, out=self.out, config=self.config, shard=i, digest=d, chain=self.chain)
                for i, d in enumerate(self.digests)]

    def requires(self):
        return [*self.shard_tasks(), Dedup(raw=self.raw, out=self.out, config=self.config, shards=self.shards,
                                           digests=self.digests, chain=self.chain)]

    def output(self):
        return luigi.LocalTarget(str(paths.manifest(self.out_path)))

    def complete(self):
        done = io.read_json(paths.manifest(self.out_path))
        return bool(done) and done.get("batch_digest") == batch_digest(list(self.digests)) and all(
            r.complete() for r in self.requires()) and card_is_current(self.out_path)

    def run(self):
        states = [io.read_json(t.output().path) for t in self.shard_tasks()]
        previous = io.read_json(paths.manifest(self.out_path))
        beyond = [rel for rel in paths.part_files(self.out_path)  # parts of shards beyond ``shards``
                  if paths.part_key(rel.split("/")[1])[0] >= self.shards]
        dropped = {i for rel in beyond for i in io.salvage_ids(paths.part_path(self.out_path, rel))}
        pending = integrity.journals(self.out_path)
        removed = dropped | {i for journal in pending.values() for i in journal["removed"]}
        recorded = integrity.manifest_parts(self.out_path)
        table = [part for shard, state in enumerate(states)
                 for part in integrity.shard_table(self.out_path, shard, recorded, pending, state)]
        manifest = build_manifest(remote.name(self.raw, self.raw_path), self.shards, list(self.digests), states, previous,
                                  self.ctx, removed, table, io.read_json(paths.dedup_summary(self.out_path)))
        io.remove_stale(self.out_path, keep_states={t.output().path for t in self.shard_tasks()},
                        keep_plans={str(p) for i, d in enumerate(self.digests) for p in plans.chain(self.out_path, i, d)})
        write_card(self.out_path)
        io.atomic_write_json(paths.manifest(self.out_path), manifest)
        integrity.clear_journals(self.out_path, pending)  # the manifest now reports what they held
        segment_files.remove_orphans(self.out_path, table)
        integrity.remember_parts(self.out_path, table)
