"""The stages as Luigi tasks: per shard, one task per step, each requiring the one before.

    Decode -> Encoding -> Residue -> Boilerplate -> Captions -> Metadata -> Normalize
           [-> UserStage(stage="mypkg.stages:drop_pii") ...] -> CleanShard (commit) -> Publish

Between two steps the shard's articles wait in an intermediate under ``_state/chain/``
(``newsclean.pipeline.output.chain.Pending`` values as marshalled tuples), named by the step's digest
(``newsclean.pipeline.output.chain.step_digests``): a change to one stage's switches, rules or code makes
that step and the ones after it incomplete, not the ones before. ``CleanShard`` commits the
last step's articles and removes the shard's intermediates. ``newsclean run --chain``.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import luigi

from newsclean.pipeline import io
from newsclean.pipeline.output.chain import (
    DECODE, apply_stage, decode_entry, dumps, finished, gather, loads, loads_changes, step_digests, to_clean
)
from newsclean.pipeline.output.segments import key_log
from newsclean.pipeline.output.shards import clean_entry

from newsclean.tasks.folder import paths, plans, remote, segment_files
from newsclean.tasks.run.task_base import BatchTask, input_loader, load_context


class ShardStep(BatchTask):
    """One step of a shard's stage chain (a subclass per built-in stage, for luigid's page)."""

    shard = luigi.IntParameter()
    digest = luigi.Parameter(description="digest of the shard's inputs, config and rules (its plan file)")
    stage = luigi.Parameter(description="the step: decode, a built-in stage or a user stage 'module:function'")
    position = luigi.IntParameter(description="the step's place in the chain, decode being 0")

    def requires(self):
        if self.position == 0:
            return []
        previous, _ = self.chain()[self.position - 1]
        return step_task(self, previous, self.position - 1)

    def output(self):
        step, digest = self.chain()[self.position]
        return luigi.LocalTarget(str(paths.chain_step(self.out_path, self.shard, self.position, step, digest)))

    def complete(self):  # defined here so that, on a store, it pulls the shard's objects first (BatchTask)
        return super().complete()

    def chain(self) -> list[tuple[str, str]]:
        return shard_chain(self.out, self.config, self.shard, self.digest)

    def entries(self):
        return plans.read(self.out_path, self.shard, self.digest)

    def run(self):
        ctx = self.ctx
        if self.position == 0:
            entries = to_clean(self.entries(), self.stored_logs(), ctx)
            load = input_loader(self.raw_path, ctx, entries)
            pending = [self.step(i, len(entries), lambda e=e: decode_entry(e, load, ctx)) for i, e in enumerate(entries)]
        else:
            before = read_articles(Path(self.input().path))
            pending = [self.step(i, len(before), lambda p=p: apply_stage(self.stage, p, ctx))
                       for i, p in enumerate(before)]
        write_step(Path(self.output().path), pending)
        self.set_status_message(f"{self.stage}: {len(pending)} articles")
        self.set_progress_percentage(100)

    def stored_logs(self) -> dict[str, dict]:
        """What decides whether the shard's stored records are reused, by id, from its
        segments' indexes (tasks/folder/segment_files.py; none when a part does not read)."""
        try:
            indexes = segment_files.load_indexes(self.out_path, self.shard, segment_files.recorded_parts(self.out_path, self.shard))
        except (OSError, ValueError, KeyError, TypeError, io.DamagedPart):
            return {}
        return {rid: key_log(key) for index in indexes.values() for rid, key in index.ids.items()}

    def step(self, done: int, total: int, work):
        if done % 100 == 0:
            self.set_status_message(f"{self.stage}: {done}/{total} articles")
            self.set_progress_percentage(100 * done // max(total, 1))
        return work()


@lru_cache(maxsize=256)
def shard_chain(out: str, config: str, shard: int, digest: str) -> list[tuple[str, str]]:
    """(step, digest) of a shard's chain, decode first; its plan names the shard's inputs."""
    local = remote.out_folder(out)  # a store's mirror, where the plan was written (tasks/folder/remote.py)
    entries = plans.read(local, shard, digest)
    return step_digests(entries, load_context(config, str(local)), io.library_sources())


def _task_class(step: str) -> type:
    name = "".join(part.capitalize() for part in step.split("_"))
    return type(name, (ShardStep,), {"__doc__": f"The {step} step of a shard's stage chain.", "__module__": __name__})


# one Luigi task family per built-in step, so that luigid's graph names the stages
STEP_TASKS = {step: _task_class(step) for step in (DECODE, "encoding", "residue", "boilerplate", "captions",
                                                   "metadata", "normalize")}
UserStage = _task_class("user_stage")


class ShardTask(Protocol):
    """A task of one shard with the batch's parameters: a ShardStep or the shard's commit."""

    raw: str
    out: str
    config: str
    shard: int
    digest: str


def step_task(batch: ShardTask, step: str, position: int, shard: int | None = None, digest: str | None = None):
    """The task of one step of a shard's chain, with the batch's parameters."""
    cls = STEP_TASKS.get(step, UserStage)
    return cls(raw=batch.raw, out=batch.out, config=batch.config, shard=batch.shard if shard is None else shard,
               digest=batch.digest if digest is None else digest, stage=step, position=position)


def last_step(shard_task) -> ShardStep:
    """The chain's last step for a shard (what its commit requires)."""
    chain = shard_chain(shard_task.out, shard_task.config, shard_task.shard, shard_task.digest)
    step, _ = chain[-1]
    return step_task(shard_task, step, len(chain) - 1)


def committed_cleaner(shard_task, entries):
    """``entry -> Cleaned`` from the chain's intermediates (the last step's articles, every
    step's changes), for the shard's commit. An entry the chain left out, as its stored
    record held when Decode ran, but which the commit cleans after all (its part changed
    since) is cleaned here, fused."""
    chain = shard_chain(shard_task.out, shard_task.config, shard_task.shard, shard_task.digest)
    files = [paths.chain_step(shard_task.out_path, shard_task.shard, i, step, digest) for i, (step, digest) in enumerate(chain)]
    by_id = gather([read_changes(f) for f in files[:-1]], read_articles(files[-1], changes=True))
    ctx = shard_task.ctx
    load = input_loader(shard_task.raw_path, ctx, [e for e in entries if e.id not in by_id])

    def clean(entry):
        pending = by_id.get(entry.id)
        return finished(pending, entry) if pending is not None else clean_entry(entry, load, ctx)

    return clean


def remove_intermediates(out: Path, shard: int) -> None:
    folder = paths.chain_dir(out, shard)
    io.remove_folder(folder)
    for key in [k for k in _WRITTEN if Path(k).parent == folder]:
        del _WRITTEN[key]


# --- the intermediates this process wrote, kept in memory --------------------------------
# With one worker, Luigi runs a shard's steps one after the other in this process: the next
# step takes the articles the previous one wrote from here instead of reading them back
# (and the commit the changes of every step), which halves the chain's cost. Only the
# current shard's are kept (the last step's articles, every step's changes), and only while
# the file is the one written (same size and mtime); another process reads the file.
_WRITTEN: dict[str, tuple[tuple[int, int], list | None, list]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def write_step(path: Path, pending: list) -> None:
    io.write_bytes_renamed(path, dumps(pending))
    for key in list(_WRITTEN):
        if Path(key).parent != path.parent:
            del _WRITTEN[key]
        else:
            stamp, _, made = _WRITTEN[key]
            _WRITTEN[key] = (stamp, None, made)
    _WRITTEN[str(path)] = (_stamp(path), pending, [p.cleaned.changes for p in pending])


def _kept(path: Path):
    hit = _WRITTEN.get(str(path))
    return hit if hit and path.is_file() and hit[0] == _stamp(path) else None


def read_articles(path: Path, changes: bool = False) -> list:
    """A step's articles, without their changes (but a rejection's) unless ``changes``."""
    hit = _kept(path)
    if hit is None or hit[1] is None:
        return loads(io.read_bytes(path), changes=changes)
    return hit[1] if changes else [p if p.cleaned.rejected else replace(p, cleaned=replace(p.cleaned, changes=()))
                                   for p in hit[1]]


def read_changes(path: Path) -> list:
    """A step's own changes, article by article."""
    hit = _kept(path)
    return hit[2] if hit else loads_changes(io.read_bytes(path))
