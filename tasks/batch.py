"""A batch: list raw/, hash every input, assign shards, and build the Luigi chain

    CleanShard(shard 0..N-1)  ->  Dedup (near-duplicate links)  ->  Publish (manifest)

``plan_batch`` writes one plan file per shard (its inputs) named by the shard's digest,
so that a shard whose inputs, config and rules did not change is already complete.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import TextIO

import luigi
import luigi.interface
import luigi.rpc

from newsclean.pipeline import io
from newsclean.pipeline.output.chain import chain_stages
from newsclean.pipeline.output.shards import shard_digest

from newsclean.tasks.folder import integrity, paths, plans, remote
from newsclean.tasks.run import plan_inputs
from newsclean.pipeline.stages.context import Context
from newsclean.tasks.run.task_base import build_rules, load_context
from newsclean.tasks.exitcodes import CommandError, Exit
from newsclean.tasks.run.publish import Publish


def plan_batch(raw: str, out: str, config: str = "", chain: bool = False) -> Publish:
    """Plan the batch (its shards' plans, by digest); ``raw`` and ``out`` may be store URLs
    (tasks/folder/remote.py: the plan is made on the local mirrors and pushed to the store)."""
    with remote.session(out) as out_path:
        return _plan(raw, remote.raw_folder(raw, refresh=True), out, out_path, config, chain)


def _plan(raw: str, raw_path: Path, out: str, out_path: Path, config: str, chain: bool) -> Publish:
    ctx = load_context(config, str(out_path))
    if chain:
        chain_stages(ctx.config)  # html_stages out of the order of stages: one clear error
    if not raw_path.is_dir():
        raise CommandError(f"raw folder {raw!r} does not exist or is not a folder", Exit.NOT_FOUND)
    if raw_path.resolve() == out_path.resolve() or raw_path.resolve().is_relative_to(out_path.resolve()):
        raise CommandError(f"the output folder {out!r} holds the raw folder {raw!r}: give the output "
                         "its own folder (an output folder inside raw/ is fine: it is skipped)", Exit.USAGE)
    paths.refuse_foreign_output(out, out_path)
    with plan_inputs.listed(raw_path, out_path, ctx.config.max_input_bytes, ctx.config.shards) as inputs:
        io.write_text_if_changed(paths.listing(out_path), json.dumps(
            {"ignored": inputs.ignored, "skipped": inputs.skipped, "passed": inputs.passed}, ensure_ascii=False, indent=1) + "\n")
        manifest = io.read_json(paths.manifest(out_path)) or {}
        held = (manifest.get("counts") or {}).get("read", 0)
        if not inputs.count and held:  # an unmounted share looks like an empty folder
            raise CommandError(f"raw folder {raw!r} holds no input, but {out!r} holds {held} articles cleaned "
                               "from it: refusing to remove them all (is its storage mounted?); to start over, "
                               "delete the output folder")
        before = manifest.get("shard_digests") or []
        digests = plan_shards(out_path, inputs, ctx, before)
        if digests != before:
            build_rules(ctx)  # shards to clean: the rules are compiled once, here, before the workers fork
            inputs.save_stats()  # a run with nothing to do rewrites no file (an input that
            # settled since it was hashed is hashed again until a run has something to do)
    redo_damaged(out_path, digests)
    return Publish(raw=remote.name(raw, raw_path), out=remote.name(out, out_path), config=config,
                   shards=ctx.config.shards, digests=digests, chain=chain)


def plan_shards(out: Path, inputs: plan_inputs.Inputs, ctx: Context, before: list[str]) -> list[str]:
    """Each shard's digest, one shard at a time; the plan of each whose digest has no
    readable plan yet is written (as what differs from its plan of the last run, ``before``)."""
    digests = [""] * ctx.config.shards
    for shard in range(ctx.config.shards):
        digest = digests[shard] = shard_digest(inputs.by_id(shard), ctx, ordered=True)  # streamed: none held
        if integrity.discard_unreadable(out, shard, digest):  # what differs from the last run's plan
            previous = before[shard] if len(before) == len(digests) else None
            if not plans.write_delta(out, shard, digest, lambda s=shard: inputs.by_id(s), previous):  # streamed
                plans.write_whole(out, shard, digest, inputs.by_id(shard))  # streamed too
    return digests


def redo_damaged(out: Path, digests: list[str]) -> None:
    """A shard with a part that is missing or differs from its record is cleaned again from
    raw/: its state, which marks it done, is removed (CleanShard checks the part in full
    and says what it rebuilds)."""
    for shard in sorted(integrity.check_parts(out, len(digests))):
        if not remote.busy(out, paths.shard_lock(out, shard)):  # on a store, a shard mid-commit elsewhere looks damaged
            paths.shard_state(out, shard, digests[shard]).unlink(missing_ok=True)


class Batch(luigi.WrapperTask):
    """The whole batch, for ``luigi --module newsclean.tasks.batch Batch --raw raw --out clean``."""

    raw = luigi.Parameter(default="raw")
    out = luigi.Parameter(default="clean")
    config = luigi.Parameter(default="")
    chain = luigi.BoolParameter(default=False, description="one task per stage and shard (tasks/run/stage_tasks.py)")

    def requires(self):
        return plan_batch(self.raw, self.out, self.config, self.chain)


FAILED = {"FAILED", "FAILED_AND_SCHEDULING_FAILED", "SCHEDULING_FAILED", "MISSING_EXT"}
SCHEDULING_RETRIES = 2  # times a batch is scheduled again after a complete() or requires() raised


def run_batch(raw: str, out: str, config: str = "", workers: int = 1, scheduler_url: str | None = None,
              progress: TextIO | None = None, poll: float = 1.0, verbose: int = 0, chain: bool = False):
    """``_run_batch`` holding the output folder's run lock (a local folder's: a store's mirror
    is each machine's own): a second run on one --out while the first runs is refused (exit
    1), as its Publish would write the manifest over the first's, every article counted
    unchanged. The worker processes of a --scheduler-url batch share it."""
    if remote.is_url(out):
        return _run_batch(raw, out, config, workers, scheduler_url, progress, poll, verbose, chain)
    paths.refuse_foreign_output(out, Path(out))  # before the lock makes _state
    try:
        with io.run_lock(paths.run_lock(Path(out)), shared=bool(scheduler_url)):
            return _run_batch(raw, out, config, workers, scheduler_url, progress, poll, verbose, chain)
    except io.Busy as exc:
        raise CommandError(f"another newsclean run ({exc.holder}) is writing to {out!r}: wait for it to end, "
                           "then rerun (a --scheduler-url batch's worker processes share a folder)", Exit.FAILED) from None


def _run_batch(raw: str, out: str, config: str, workers: int, scheduler_url: str | None,
               progress: TextIO | None, poll: float, verbose: int, chain: bool):
    """Run a batch; returns (succeeded, nothing_to_do). ``progress``: where the progress bar
    goes; on failure, the one-line reasons are in ``last_failures``. ``verbose``: Luigi's own
    log (1: warnings and tracebacks, 2: everything) on stderr; none by default.

    With a central scheduler, a shard that another worker process holds is left to it, and
    this process schedules again (every ``poll`` seconds) until the batch is complete, so
    that every worker process ends when the whole batch is done, and succeeds. A task whose
    ``complete()`` raised is scheduled again ``SCHEDULING_RETRIES`` times before the batch
    fails naming it.
    Ctrl-C raises CommandError(Exit.INTERRUPTED) saying how many shards are done."""
    task = plan_batch(raw, out, config, chain)
    io.remove_temp_files(task.out_path)  # left by a killed run or rebuild; never a live writer's
    with remote.checking(out):
        if task.complete():
            return True, True
        shards = task.shard_tasks()
        sizes = [0 if t.complete() else plans.count(task.out_path, t.shard, t.digest) for t in shards]
    from newsclean.tasks.run import progress as bar

    states = [Path(t.output().path) for t in shards]
    bar.start(states, progress, sizes)
    _luigi_logging(verbose)
    factory = _KeepScheduler()
    kwargs = {"workers": workers, "detailed_summary": True,
              "worker_scheduler_factory": factory}
    if scheduler_url:
        kwargs["scheduler_url"] = scheduler_url
    else:
        kwargs["local_scheduler"] = True
    last_failures.clear()
    retries = SCHEDULING_RETRIES
    try:
        while True:
            _unchecked.reasons.clear()
            try:
                result = luigi.build([task], **kwargs)
            except luigi.rpc.RPCError as exc:  # luigid not running there, or no URL of one
                raise CommandError(f"{exc}: is luigid running there? Check --scheduler-url, or leave it out "
                                   "for the local scheduler; rerun to resume", Exit.FAILED) from None
            if task.complete():
                return True, False
            if result.status.name == "SCHEDULING_FAILED" and retries:  # no task failed: a complete()
                retries -= 1  # raised, as a store that did not answer in time does; schedule again
                time.sleep(poll)
                continue
            if not scheduler_url or not result.scheduling_succeeded or result.status.name in FAILED:
                last_failures.extend(_failures(factory.scheduler, [task, *task.requires()]) or _unchecked.reasons)
                if verbose:
                    print(result.summary_text, file=sys.stderr)
                return False, False
            time.sleep(poll)  # a task of this batch is running in another worker process
    except KeyboardInterrupt:
        bar.stop()
        done = sum(1 for p in states if p.exists())
        raise CommandError(f"interrupted after {done}/{len(states)} shards; rerun to resume",
                           Exit.INTERRUPTED) from None
    finally:
        bar.stop()


last_failures: list[str] = []  # why the last run_batch did not complete, one line per task


class _KeepScheduler(luigi.interface._WorkerSchedulerFactory):
    """Luigi's factory, keeping the scheduler it made so that the tasks' errors can be asked."""

    scheduler = None

    def create_local_scheduler(self):
        self.scheduler = super().create_local_scheduler()
        return self.scheduler

    def create_remote_scheduler(self, url):
        self.scheduler = super().create_remote_scheduler(url)
        return self.scheduler


def _failures(scheduler, tasks) -> list[str]:
    """The one-line reason of each failed task (``BatchTask.on_failure``), from the scheduler."""
    found = []
    for t in tasks:
        try:
            error = (scheduler.fetch_error(t.task_id) or {}).get("error") if scheduler else ""
        except Exception:  # a remote scheduler gone away: the summary line still says what to do
            error = ""
        if not error:
            continue
        try:
            error = json.loads(error)
        except (TypeError, ValueError):
            pass
        if error is None:  # a task that succeeded: Luigi's worker sends its error as JSON null
            continue
        lines = [line for line in str(error).splitlines() if line.strip()]
        if lines:
            found.append(f"{t.task_family} {getattr(t, 'shard', '')}".rstrip() + f": {lines[-1].strip()}")
    return found


class _Stderr(logging.StreamHandler):
    """A handler on whatever sys.stderr is when it writes."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _Unchecked(logging.Handler):
    """The one-line reason of each task Luigi would not schedule because its ``complete()``
    or ``requires()`` raised (Luigi tells it only in a warning with the traceback; the
    scheduler holds no error for it), for the summary line whatever the verbosity."""

    MARK = re.compile(r"Will not run (\S+?)\(.* due to error in (\w+)\(\) method")

    def __init__(self):
        super().__init__(logging.WARNING)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        found = self.MARK.match(message)
        if found:
            lines = [line.strip() for line in message.splitlines() if line.strip()]
            self.reasons.append(f"{found[1]}: its {found[2]}() failed: {lines[-1]}")


_unchecked = _Unchecked()


def _luigi_logging(verbose: int) -> None:
    """Luigi's log: ours to set (Luigi's own set-up would print every task failure's
    traceback). Its warnings always reach ``_unchecked``; stderr gets them with ``-v``."""
    from luigi.setup_logging import InterfaceLogging

    InterfaceLogging._configured = True
    log = logging.getLogger("luigi-interface")
    stderr = next((h for h in log.handlers if isinstance(h, _Stderr)), None)
    if stderr is None:
        stderr = _Stderr()
        log.addHandler(stderr)
        log.propagate = False
    if _unchecked not in log.handlers:
        log.addHandler(_unchecked)
    stderr.setLevel({0: logging.CRITICAL + 1, 1: logging.WARNING}.get(verbose, logging.INFO))
    log.setLevel(logging.WARNING if verbose < 2 else logging.INFO)
