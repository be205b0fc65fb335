"""A batch: list raw/, hash every input, assign shards, and build the Luigi chain

    CleanShard(shard 0..N-1)  ->  Publish (manifest)

``plan_batch`` writes one plan file per shard (its inputs) named by the shard's digest,
so that a shard whose inputs, config and rules did not change is already complete.
"""
from __future__ import annotations

from pathlib import Path

import luigi

from pipeline import io
from pipeline.shard import plan_shards, shard_digest

from . import paths
from .common import load_context
from .publish import Publish


def plan_batch(raw: str, out: str, config: str = "") -> Publish:
    ctx = load_context(config)
    raw_path, out_path = Path(raw), Path(out)
    if not raw_path.is_dir():
        raise SystemExit(f"newsclean: raw folder {raw!r} does not exist or is not a folder")
    inputs = [(r.id, r.rel, io.file_sha256(r.path)) for r in io.list_raw(raw_path)]
    plan = plan_shards(inputs, ctx.config.shards)
    digests = []
    for shard, entries in sorted(plan.items()):
        digest = shard_digest(entries, ctx)
        digests.append(digest)
        target = paths.shard_plan(out_path, shard, digest)
        if not target.exists():
            io.atomic_write_json(target, {"shard": shard, "digest": digest,
                                          "entries": [[e.id, e.rel, e.sha256, e.duplicate_of] for e in entries]})
    return Publish(raw=str(raw_path.resolve()), out=str(out_path.resolve()), config=config,
                   shards=ctx.config.shards, digests=digests)


class Batch(luigi.WrapperTask):
    """The whole batch, for ``luigi --module tasks.batch Batch --raw raw --out clean``."""

    raw = luigi.Parameter(default="raw")
    out = luigi.Parameter(default="clean")
    config = luigi.Parameter(default="")

    def requires(self):
        return plan_batch(self.raw, self.out, self.config)


def run_batch(raw: str, out: str, config: str = "", workers: int = 1, scheduler_url: str | None = None):
    """Run a batch; returns (succeeded, nothing_to_do)."""
    task = plan_batch(raw, out, config)
    if task.complete():
        return True, True
    kwargs = {"workers": workers, "detailed_summary": True, "log_level": "WARNING"}
    if scheduler_url:
        kwargs["scheduler_url"] = scheduler_url
    else:
        kwargs["local_scheduler"] = True
    result = luigi.build([task], **kwargs)
    return result.scheduling_succeeded and task.complete(), False
