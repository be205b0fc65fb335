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
from .common import BatchTask, input_loader


class CleanShard(BatchTask):
    shard = luigi.IntParameter()
    digest = luigi.Parameter(description="digest of the shard's inputs, config and rules")

    def output(self):
        return luigi.LocalTarget(str(paths.shard_state(self.out_path, self.shard, self.digest)))

    def run(self):
        with io.locked(paths.shard_lock(self.out_path, self.shard)):  # a rebuild may be at work on it
            result = self.clean()
        io.atomic_write_json(paths.shard_state(self.out_path, self.shard, self.digest), result.state(self.shard, self.digest))
        self.summary = (f"{len(result.cleaned)} cleaned, {len(result.unchanged)} unchanged, "
                        f"{len(result.rejected)} rejected, {len(result.removed)} removed")
        self.set_status_message(self.summary)
        self.set_progress_percentage(100)

    def clean(self):
        entries = [Entry(*e) for e in io.read_json(paths.shard_plan(self.out_path, self.shard, self.digest))["entries"]]
        previous = io.read_parts(self.out_path, paths.part_name(self.shard))
        # the change-log part, which holds the fingerprints, replaces its old version after
        # the corpus part does: a crash between the two leaves records that the next run redoes
        with io.PartWriter(paths.changelog_part(self.out_path, self.shard)) as changelog, \
                io.PartWriter(paths.corpus_part(self.out_path, self.shard)) as corpus:
            def write(corpus_line, log_line):
                if corpus_line is not None:
                    corpus.write(corpus_line)
                changelog.write(log_line)
            return process_shard(entries, previous, input_loader(self.raw_path, self.ctx, entries), self.ctx, write,
                                 self.report)

    def report(self, done: int, total: int) -> None:
        """The progress bar's count, and Luigi status and progress (shown by luigid) every 50 articles."""
        from . import progress

        progress.article_done(self.shard, done)
        if done % 50 == 0:
            self.set_status_message(f"{done}/{total} articles")
            self.set_progress_percentage(100 * done // max(total, 1))
