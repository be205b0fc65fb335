"""CleanShard: clean the inputs of one shard into its corpus and change-log parts.

The stages run fused inside the task (decode, encoding, boilerplate, captions, metadata,
normalize): a Luigi task costs 10-50 ms, one article about 1 ms, so Luigi schedules
shards, not articles or stages. The shard's state file (named by its digest) marks it done.
"""
from __future__ import annotations

import luigi

from pipeline import io
from pipeline.shard import Entry, process_shard

from . import paths
from .common import BatchTask


class CleanShard(BatchTask):
    shard = luigi.IntParameter()
    digest = luigi.Parameter(description="digest of the shard's inputs, config and rules")

    def output(self):
        return luigi.LocalTarget(str(paths.shard_state(self.out_path, self.shard, self.digest)))

    def run(self):
        entries = [Entry(*e) for e in io.read_json(paths.shard_plan(self.out_path, self.shard, self.digest))["entries"]]
        name = paths.part_name(self.shard)
        previous = io.read_parts(self.out_path, name)
        with io.PartWriter(paths.corpus_part(self.out_path, self.shard)) as corpus, \
                io.PartWriter(paths.changelog_part(self.out_path, self.shard)) as changelog:
            def write(corpus_line, log_line):
                if corpus_line is not None:
                    corpus.write(corpus_line)
                changelog.write(log_line)
            result = process_shard(entries, previous, self.load, self.ctx, write)
        io.atomic_write_json(paths.shard_state(self.out_path, self.shard, self.digest), result.state(self.shard, self.digest))

    def load(self, entry: Entry):
        path = self.raw_path / entry.rel
        return io.read_bytes(path), io.read_sidecar(path)
