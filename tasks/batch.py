"""A batch: list raw/, hash every input, assign shards, and build the Luigi chain

    CleanShard(shard 0..N-1)  ->  Publish (manifest)

``plan_batch`` writes one plan file per shard (its inputs) named by the shard's digest,
so that a shard whose inputs, config and rules did not change is already complete.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TextIO

import luigi

from pipeline import io
from pipeline.shard import plan_json, plan_shards, shard_digest

from . import integrity, paths
from .common import load_context
from .publish import Publish


def plan_batch(raw: str, out: str, config: str = "") -> Publish:
    ctx = load_context(config, out)
    raw_path, out_path = Path(raw), Path(out)
    if not raw_path.is_dir():
        raise SystemExit(f"newsclean: raw folder {raw!r} does not exist or is not a folder")
    if raw_path.resolve() == out_path.resolve() or raw_path.resolve().is_relative_to(out_path.resolve()):
        raise SystemExit(f"newsclean: the output folder {out!r} holds the raw folder {raw!r}: give the output "
                         "its own folder (an output folder inside raw/ is fine: it is skipped)")
    listing = io.scan_raw(raw_path, skip=out_path)
    inputs = io.list_inputs(raw_path, ctx.config.max_input_bytes, listing=listing)
    io.write_text_if_changed(paths.listing(out_path), json.dumps(
        {"ignored": listing.ignored, "skipped": listing.skipped}, ensure_ascii=False, indent=1) + "\n")
    held = ((io.read_json(paths.manifest(out_path)) or {}).get("counts") or {}).get("read", 0)
    if not inputs and held:  # an unmounted share looks like an empty folder
        raise SystemExit(f"newsclean: raw folder {raw!r} holds no input, but {out!r} holds {held} articles cleaned "
                         "from it: refusing to remove them all (is its storage mounted?); to start over, delete the "
                         "output folder")
    plan = plan_shards(inputs, ctx.config.shards)
    digests = []
    for shard, entries in sorted(plan.items()):
        digest = shard_digest(entries, ctx)
        digests.append(digest)
        if integrity.discard_unreadable(out_path, shard, digest):
            io.atomic_write_json(paths.shard_plan(out_path, shard, digest), plan_json(shard, digest, entries))
    redo_damaged(out_path, digests)
    return Publish(raw=str(raw_path.resolve()), out=str(out_path.resolve()), config=config,
                   shards=ctx.config.shards, digests=digests)


def redo_damaged(out: Path, digests: list[str]) -> None:
    """A shard with a part that is missing or differs from its record is cleaned again from
    raw/: its state, which marks it done, is removed (CleanShard checks the part in full
    and says what it rebuilds)."""
    for shard in sorted(integrity.check_parts(out, len(digests))):
        paths.shard_state(out, shard, digests[shard]).unlink(missing_ok=True)


class Batch(luigi.WrapperTask):
    """The whole batch, for ``luigi --module tasks.batch Batch --raw raw --out clean``."""

    raw = luigi.Parameter(default="raw")
    out = luigi.Parameter(default="clean")
    config = luigi.Parameter(default="")

    def requires(self):
        return plan_batch(self.raw, self.out, self.config)


FAILED = {"FAILED", "FAILED_AND_SCHEDULING_FAILED", "SCHEDULING_FAILED", "MISSING_EXT"}


def run_batch(raw: str, out: str, config: str = "", workers: int = 1, scheduler_url: str | None = None,
              progress: TextIO | None = None, poll: float = 1.0):
    """Run a batch; returns (succeeded, nothing_to_do). ``progress``: where the progress bar
    and, on failure, Luigi's summary go.

    With a central scheduler, a shard that another worker process holds is left to it, and
    this process schedules again (every ``poll`` seconds) until the batch is complete, so
    that every worker process ends when the whole batch is done, and succeeds."""
    task = plan_batch(raw, out, config)
    io.remove_temp_files(Path(out))  # left by a killed run or rebuild; never a live writer's
    if task.complete():
        return True, True
    from . import progress as bar

    bar.start([Path(t.output().path) for t in task.requires()], progress)
    kwargs = {"workers": workers, "detailed_summary": True, "log_level": "WARNING"}
    if scheduler_url:
        kwargs["scheduler_url"] = scheduler_url
    else:
        kwargs["local_scheduler"] = True
    while True:
        result = luigi.build([task], **kwargs)
        if task.complete():
            return True, False
        if not scheduler_url or not result.scheduling_succeeded or result.status.name in FAILED:
            if progress is not None:
                print(result.summary_text, file=progress)
            return False, False
        time.sleep(poll)  # a task of this batch is running in another worker process
