"""Rebuild one article in place: the corpus and change-log parts of the segment that holds
it are rewritten with only that record replaced, exactly as a batch would produce it."""
from __future__ import annotations

import json
from pathlib import Path

from newsclean.pipeline.core import ids
from newsclean.pipeline import io
from newsclean.pipeline.output.dedup import carry_link
from newsclean.pipeline.output.segments import plan_commit
from newsclean.pipeline.output.shards import (
    Entry, clean_entry, plan_json, process_shard, record_lines, shard_digest, shard_of
)

from newsclean.tasks.folder import integrity, paths, remote, segment_files
from newsclean.tasks.run import plan_inputs
from newsclean.tasks.run.task_base import input_loader, load_context
from newsclean.tasks.run.clean_shard import with_kept
from newsclean.tasks.exitcodes import CommandError, Exit

class RebuildError(CommandError):
    """A refused id (Exit.USAGE) or one that names no input (Exit.NOT_FOUND)."""


def check_id(article_id: str) -> None:
    """Refuse an id that cannot name an input (newsclean.pipeline.core.ids.check_id says why)."""
    try:
        ids.check_id(article_id)
    except ids.IdError as exc:
        raise RebuildError(str(exc)) from None


def rebuild(article_id: str, raw: str, out: str, config: str = "") -> dict:
    """Returns the article's new change-log record."""
    check_id(article_id)
    ctx = load_context(config, out)
    raw_path, out_path = remote.raw_folder(raw, refresh=True), Path(out)
    shard = shard_of(article_id, ctx.config.shards)
    with plan_inputs.listed(raw_path, out_path, ctx.config.max_input_bytes, ctx.config.shards) as inputs:
        inputs.save_stats()
        entries = inputs.shard(shard)
    entry = next((e for e in entries if e.id == article_id and e.duplicate_of is None), None)
    if entry is None:
        raise RebuildError(f"no input with id {article_id!r} in {raw_path}", Exit.NOT_FOUND)
    io.remove_temp_files(out_path)
    corpus_line, log_line, log = record_lines(clean_entry(entry, input_loader(raw_path, ctx, [entry]), ctx), ctx)
    with remote.locked(out_path, paths.shard_lock(out_path, shard)):  # a batch may be at work on this shard
        try:
            table = _replace_in_segment(out_path, shard, article_id, corpus_line, log_line)
        except io.DamagedPart as exc:
            raise RebuildError(f"{exc}: run `newsclean run` to rebuild the shard from the raw folder") from None
        kept = _mark_shard_if_current(out_path, shard, entries, ctx)
        _forget_other_states(out_path, shard, kept)
        integrity.record_rebuilt_parts(out_path, shard, table)
    return log


def _replace_in_segment(out: Path, shard: int, article_id: str, corpus_line: str | None, log_line: str) -> list[dict]:
    """Rewrite the segment that holds the article (a new segment when none does) with its
    record replaced, keeping the near-duplicate link its stored record held while the text
    and date are unchanged (pipeline/dedup.carry_link); returns the shard's part table."""
    parts = segment_files.recorded_parts(out, shard)
    held = segment_files.find(out, shard, article_id)
    target = held if held is not None else (max(segment_files.segments(parts)) + 1 if parts else 0)
    ids = list(segment_files.load_index(out, shard, held).ids) if held is not None else []
    previous = segment_files.StreamedRecords(out, shard, [target] if held is not None else [], ids)
    with segment_files.SegmentWriter(out, shard, target) as new:
        for rid in sorted({*ids, article_id}):
            if rid != article_id:
                corpus, log = previous[rid]
            else:
                corpus, log = carry_link(previous[rid] if rid in previous else None, corpus_line, log_line)
            new.write(corpus, log, json.loads(log))
        return segment_files.commit_shard(out, shard, [new], [], [], parts)


def _mark_shard_if_current(out: Path, shard: int, entries: list[Entry], ctx) -> Path | None:
    """When every record of the shard is now current, record the shard as done so that the
    next batch does not redo it; returns its state file (None when not all are current)."""
    indexes = segment_files.load_indexes(out, shard, segment_files.recorded_parts(out, shard))
    plan = plan_commit(entries, indexes, ctx, merge=False)  # what a batch would redo: nothing but duplicates?
    if plan.replaced or any(e.duplicate_of is None for e in plan.entries):
        return None
    digest = shard_digest(entries, ctx)
    io.atomic_write_json(paths.shard_plan(out, shard, digest), plan_json(shard, digest, entries))
    target = paths.shard_state(out, shard, digest)
    if not integrity.valid_state(io.read_json(target)):  # every record is current: counted from the indexes
        result = with_kept(process_shard(plan.entries, {}, _never_load, ctx), list(indexes.values()))
        io.atomic_write_json(target, result.state(shard, digest))
    return target


def _forget_other_states(out: Path, shard: int, kept: Path | None) -> None:
    """The shard's parts now hold a record made from this rebuild's raw folder and config:
    a state of the shard made under any other (a batch's) no longer says it is done, so
    that the batch's next run cleans again the records that are not its own."""
    for path in sorted((paths.state_dir(out) / "shards").glob(f"{shard:05d}-*.json")):
        if path != kept:
            path.unlink(missing_ok=True)


def _never_load(entry: Entry):
    raise RuntimeError(f"{entry.id} should have been reused")
