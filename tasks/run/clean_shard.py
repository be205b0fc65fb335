"""CleanShard: clean the inputs of one shard into its corpus and change-log parts.

Its records go to segments (tasks/folder/segment_files.py): a run writes what changed, not the shard.
By default the stages run fused inside the task (decode, encoding, boilerplate, captions,
metadata, normalize): a Luigi task costs 10-50 ms, one article about 1 ms, so Luigi schedules
shards, not articles. With ``chain`` the task commits what the shard's stage chain
(tasks/run/stage_tasks.py, one task per stage) made. The shard's state file (named by its digest)
marks it done.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import luigi

from newsclean.pipeline import io
from newsclean.pipeline.output.segments import CommitPlan, plan_commit
from newsclean.pipeline.ingest.inputs import is_multi
from newsclean.pipeline.output.shards import Entry, ShardOutput, process_shard, record_key

from newsclean.tasks.folder import integrity, paths, plans, remote, segment_files as segments
from newsclean.tasks.run import progress
from newsclean.tasks.run.stage_tasks import committed_cleaner, last_step, remove_intermediates
from newsclean.tasks.run.task_base import BatchTask, input_loader


class CleanShard(BatchTask):
    shard = luigi.IntParameter()
    digest = luigi.Parameter(description="digest of the shard's inputs, config and rules")
    chain = luigi.BoolParameter(default=False, description="take the cleaned articles from the stage chain's "
                                "last task (tasks/run/stage_tasks.py) instead of cleaning them here")

    def requires(self):
        return last_step(self) if self.chain else []

    def output(self):
        return luigi.LocalTarget(str(paths.shard_state(self.out_path, self.shard, self.digest)))

    def complete(self):
        return integrity.valid_state(io.read_json(self.output().path))

    def run(self):
        with remote.locked(self.out_path, paths.shard_lock(self.out_path, self.shard)):  # a rebuild may be at work on it
            result, parts = self.clean()
        run = ((io.read_json(paths.manifest(self.out_path)) or {}).get("run") or 0) + 1
        state = {**result.state(self.shard, self.digest), "parts": parts, "run": run}
        io.atomic_write_json(paths.shard_state(self.out_path, self.shard, self.digest), state)
        if self.chain:
            remove_intermediates(self.out_path, self.shard)
        self.summary = (f"{len(result.cleaned)} cleaned, {len(result.unchanged) + result.kept} unchanged, "
                        f"{len(result.rejected)} rejected, {len(result.removed)} removed")
        self.set_status_message(self.summary)
        self.set_progress_percentage(100)

    def clean(self):
        """Clean the shard into a new segment (tasks/folder/segment_files.py): the inputs that are new or
        changed, with the records of the segments that held a changed or removed record and
        of the small segments merged in; the other segments stay as they are. Returns the
        shard's output and its part table."""
        parts = segments.recorded_parts(self.out_path, self.shard)
        if not parts and not self.chain:
            return self.clean_all()
        entries = plans.read(self.out_path, self.shard, self.digest)
        plan, previous, known = self.stored(entries, parts)
        taken = [i.segment for i in plan.kept_indexes]
        with segments.SegmentRun(self.out_path, self.shard, plan.target, taken) as new:
            result = process_shard(plan.entries, previous, input_loader(self.raw_path, self.ctx, plan.entries),
                                   self.ctx, new.write, self.report, known, self.cleaner(plan.entries))
            table = segments.commit_shard(self.out_path, self.shard, new.writers, plan.replaced, result.removed, parts)
        return with_kept(result, plan.kept_indexes), table

    def clean_all(self):
        """Clean a shard that holds no record yet (a full run) holding none of its entries:
        the plan is read a piece at a time and its entries sorted into part order on disk
        (io.external_sorted), then cleaned one at a time into segments sealed as they fill
        (segments.SegmentRun). Returns the shard's output and its part table."""
        multi: list[Entry] = []  # the records of multi-record files: the reader keeps those
        count = 0

        def rows():
            nonlocal count
            for e in plans.iter_entries(self.out_path, self.shard, self.digest):
                count += 1
                if is_multi(Path(e.rel).name):
                    multi.append(e)
                yield [record_key(e), e.id, e.rel, e.sha256, e.duplicate_of, e.sidecar_sha256]

        with io.Spill(1) as spill:
            ordered = spill.sorted(rows(), key=lambda row: row[0])  # stable: as process_shard's sort
            first = next(ordered, None)  # the sort has read the plan through
            entries = (Entry(*row[1:]) for row in itertools.chain([first] if first else [], ordered))
            with segments.SegmentRun(self.out_path, self.shard, 0) as new:
                result = process_shard(entries, {}, input_loader(self.raw_path, self.ctx, multi), self.ctx,
                                       new.write, self.report, total=count)
                table = segments.commit_shard(self.out_path, self.shard, new.writers, (), result.removed, [])
        return result, table

    def cleaner(self, entries):
        """Where the shard's cleaned articles come from: None to clean them in process_shard
        (the stages fused), or the last step of the stage chain."""
        return committed_cleaner(self, entries) if self.chain else None

    def stored(self, entries, parts: list[dict]):
        """(the commit's plan, the records of the segments it replaces, ids of damaged parts
        whose records are not reused). The parts kept are checked by stat, those read in
        full; a part that differs from its record or does not read back is not trusted, and
        the whole shard is cleaned again from raw/."""
        problems = integrity.check_parts(self.out_path, [self.shard]).get(self.shard, [])
        if not problems:
            try:
                indexes = segments.load_indexes(self.out_path, self.shard, parts)
                plan = plan_commit(entries, indexes, self.ctx)
                problems = integrity.check_in_full(self.out_path, self.shard, plan.replaced)
                if not problems:
                    ids = [rid for seg in plan.replaced for rid in indexes[seg].ids]
                    return plan, segments.StreamedRecords(self.out_path, self.shard, plan.replaced, ids), set()
            except io.DamagedPart as exc:
                problems = [f"{Path(exc.path).parent.name}/{Path(exc.path).name} {exc.reason}"]
        for problem in problems:
            integrity.warn(f"{problem}: shard {self.shard} is rebuilt from the raw folder")
        known = {i for p in parts for i in io.salvage_ids(paths.part_path(self.out_path, p["path"]))}
        return CommitPlan(entries, 0, tuple(segments.segments(parts)), ()), {}, known

    def report(self, done: int, total: int) -> None:
        """The progress bar's count, and Luigi status and progress (shown by luigid) every 50 articles."""
        progress.article_done(self.shard, done)
        if done % 50 == 0:
            self.set_status_message(f"{done}/{total} articles")
            self.set_progress_percentage(100 * done // max(total, 1))


@CleanShard.event_handler(luigi.Event.SUCCESS)
def _shard_done(task: CleanShard) -> None:
    progress.shard_done(task.shard, task.summary)


def with_kept(result: ShardOutput, kept: list) -> ShardOutput:
    """The shard's output counting the records of the segments it kept as they are (by
    number: their ids are in the segments' indexes, not repeated in the shard state)."""
    for index in kept:
        result.kept += sum(1 for rid in index.ids if rid not in index.rejected)
        result.rejected.update(index.rejected)
        result.rules.update(index.rules)
        result.categories.update(index.categories)
    return result
