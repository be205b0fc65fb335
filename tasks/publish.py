"""Publish: after every shard is clean, write the manifest and the corpus folder's dataset card
(tasks/card.py), and tidy stale parts."""
from __future__ import annotations

import luigi

from pipeline import io
from pipeline.manifest import batch_digest, build_manifest

from . import paths
from .card import card_is_current, write_card
from .common import BatchTask
from .shards import CleanShard


class Publish(BatchTask):
    shards = luigi.IntParameter()
    digests = luigi.ListParameter(description="one digest per shard, in shard order")

    def requires(self):
        return [CleanShard(raw=self.raw, out=self.out, config=self.config, shard=i, digest=d)
                for i, d in enumerate(self.digests)]

    def output(self):
        return luigi.LocalTarget(str(paths.manifest(self.out_path)))

    def complete(self):
        done = io.read_json(paths.manifest(self.out_path))
        return bool(done) and done.get("batch_digest") == batch_digest(list(self.digests)) and all(
            r.complete() for r in self.requires()) and card_is_current(self.out_path)

    def run(self):
        states = [io.read_json(t.output().path) for t in self.requires()]
        previous = io.read_json(paths.manifest(self.out_path))
        dropped = {i for name in io.stale_parts(self.out_path, self.shards) for i in io.read_parts(self.out_path, name)}
        manifest = build_manifest(str(self.raw_path.resolve()), self.shards, list(self.digests), states, previous,
                                  self.ctx, dropped)
        io.remove_stale(self.out_path, keep_parts=self.shards,
                        keep_states={t.output().path for t in self.requires()},
                        keep_plans={str(paths.shard_plan(self.out_path, i, d)) for i, d in enumerate(self.digests)})
        write_card(self.out_path)
        io.atomic_write_json(paths.manifest(self.out_path), manifest)
