"""CleanShard: clean the inputs of one shard into its corpus and change-log parts.

By default the stages run fused inside the task (decode, encoding, boilerplate, captions,
metadata, normalize): a Luigi task costs 10-50 ms, one article about 1 ms, so Luigi schedules
shards, not articles. With ``chain`` the task commits what the shard's stage chain
(tasks/chain.py, one task per stage) made. The shard's state file (named by its digest)
marks it done.
"""
from __future__ import annotations

from pathlib import Path

import luigi

from pipeline import io
from pipeline.shard import plan_entries, process_shard

from . import integrity, paths, progress
from .chain import committed_cleaner, last_step, remove_intermediates
from .common import BatchTask, input_loader


class CleanShard(BatchTask):
    shard = luigi.IntParameter()
    digest = luigi.Parameter(description="digest of the shard's inputs, config and rules")
    chain = luigi.BoolParameter(default=False, description="take the cleaned articles from the stage chain's "
                                "last task (tasks/chain.py) instead of cleaning them here")

    def requires(self):
        return last_step(self) if self.chain else []

    def output(self):
        return luigi.LocalTarget(str(paths.shard_state(self.out_path, self.shard, self.digest)))

    def complete(self):
        return integrity.valid_state(io.read_json(self.output().path))

    def run(self):
        with io.locked(paths.shard_lock(self.out_path, self.shard)):  # a rebuild may be at work on it
            result, parts = self.clean()
        run = ((io.read_json(paths.manifest(self.out_path)) or {}).get("run") or 0) + 1
        state = {**result.state(self.shard, self.digest), "parts": parts, "run": run}
        io.atomic_write_json(paths.shard_state(self.out_path, self.shard, self.digest), state)
        if self.chain:
            remove_intermediates(self.out_path, self.shard)
        self.summary = (f"{len(result.cleaned)} cleaned, {len(result.unchanged)} unchanged, "
                        f"{len(result.rejected)} rejected, {len(result.removed)} removed")
        self.set_status_message(self.summary)
        self.set_progress_percentage(100)

    def clean(self):
        """Clean the shard; returns its output and the records of the parts written. The
        journal records what the shard removed and what its new parts hold before they
        replace the old ones."""
        entries = plan_entries(io.read_json(paths.shard_plan(self.out_path, self.shard, self.digest)))
        previous, known = self.stored()
        corpus_rel, log_rel = paths.shard_parts(self.shard)
        # the change-log part, which holds the fingerprints, replaces its old version after
        # the corpus part does: a crash between the two leaves records that the next run redoes
        with io.PartWriter(paths.changelog_part(self.out_path, self.shard)) as changelog, \
                io.PartWriter(paths.corpus_part(self.out_path, self.shard)) as corpus:
            def write(corpus_line, log_line):
                if corpus_line is not None:
                    corpus.write(corpus_line)
                changelog.write(log_line)
            result = process_shard(entries, previous, input_loader(self.raw_path, self.ctx, entries), self.ctx, write,
                                   self.report, known, self.cleaner(entries))
            parts = [integrity.part_entry(corpus_rel, self.shard, corpus.record()),
                     integrity.part_entry(log_rel, self.shard, changelog.record())]
            integrity.write_journal(self.out_path, self.shard, result.removed, parts)
            corpus.commit()
            changelog.commit()
        return result, parts

    def cleaner(self, entries):
        """Where the shard's cleaned articles come from: None to clean them in process_shard
        (the stages fused), or the last step of the stage chain."""
        return committed_cleaner(self, entries) if self.chain else None

    def stored(self) -> tuple[dict, set[str]]:
        """(records to reuse, ids of damaged parts whose records are not reused): a part that
        differs from its record or does not read back is not trusted, its shard is cleaned
        again from raw/."""
        name = paths.part_name(self.shard)
        problems = integrity.check_in_full(self.out_path, self.shard)
        if not problems:
            try:
                return io.read_parts(self.out_path, name), set()
            except io.DamagedPart as exc:
                problems = [f"{Path(exc.path).parent.name}/{name} {exc.reason}"]
        for problem in problems:
            integrity.warn(f"{problem}: shard {self.shard} is rebuilt from the raw folder")
        return {}, io.salvage_ids(paths.corpus_part(self.out_path, self.shard)) | \
            io.salvage_ids(paths.changelog_part(self.out_path, self.shard))

    def report(self, done: int, total: int) -> None:
        """The progress bar's count, and Luigi status and progress (shown by luigid) every 50 articles."""
        progress.article_done(self.shard, done)
        if done % 50 == 0:
            self.set_status_message(f"{done}/{total} articles")
            self.set_progress_percentage(100 * done // max(total, 1))


@CleanShard.event_handler(luigi.Event.SUCCESS)
def _shard_done(task: CleanShard) -> None:
    progress.shard_done(task.shard, task.summary)
