"""Rebuild one article in place: its shard's corpus and change-log parts are rewritten
with only that record replaced, exactly as a batch would produce it."""
from __future__ import annotations

from pathlib import Path

from pipeline import ids, io
from pipeline.dedup import carry_link
from pipeline.shard import (Entry, clean_entry, is_current, plan_json, plan_shards, process_shard, record_key, record_lines,
                            replace_record, shard_digest, shard_of)

from . import integrity, paths
from .common import input_loader, load_context
from .exitcodes import CommandError, Exit

class RebuildError(CommandError):
    """A refused id (Exit.USAGE) or one that names no input (Exit.NOT_FOUND)."""


def check_id(article_id: str) -> None:
    """Refuse an id that cannot name an input (pipeline.ids.check_id says why)."""
    try:
        ids.check_id(article_id)
    except ids.IdError as exc:
        raise RebuildError(str(exc)) from None


def rebuild(article_id: str, raw: str, out: str, config: str = "") -> dict:
    """Returns the article's new change-log record."""
    check_id(article_id)
    ctx = load_context(config, out)
    raw_path, out_path = Path(raw), Path(out)
    shard = shard_of(article_id, ctx.config.shards)
    listing = [t for t in io.list_inputs(raw_path, ctx.config.max_input_bytes, skip=out_path) if shard_of(t[0], ctx.config.shards) == shard]
    entries = plan_shards(listing, ctx.config.shards)[shard]
    entry = next((e for e in entries if e.id == article_id and e.duplicate_of is None), None)
    if entry is None:
        raise RebuildError(f"no input with id {article_id!r} in {raw_path}", Exit.NOT_FOUND)
    io.remove_temp_files(out_path)
    corpus_line, log_line, log = record_lines(clean_entry(entry, input_loader(raw_path, ctx, [entry]), ctx), ctx)
    with io.locked(paths.shard_lock(out_path, shard)):  # a batch may be at work on this shard
        try:
            previous = io.read_parts(out_path, paths.part_name(shard))
        except io.DamagedPart as exc:
            raise RebuildError(f"{exc}: run `newsclean run` to rebuild the shard from the raw folder") from None
        corpus_line, log_line = carry_link(previous.get(article_id), corpus_line, log_line)
        corpus, changelog = replace_record(previous, article_id, corpus_line, log_line)
        # change log last: it holds the fingerprint, so a crash between the writes is redone
        io.write_if_changed(paths.corpus_part(out_path, shard), corpus)
        io.write_if_changed(paths.changelog_part(out_path, shard), changelog)
        kept = _mark_shard_if_current(out_path, shard, entries, ctx)
        _forget_other_states(out_path, shard, kept)
        integrity.record_rebuilt_parts(out_path, shard)
    return log


def _mark_shard_if_current(out: Path, shard: int, entries: list[Entry], ctx) -> Path | None:
    """When every record of the shard is now current, record the shard as done so that the
    next batch does not redo it; returns its state file (None when not all are current)."""
    stored = io.read_parts(out, paths.part_name(shard))
    owners = [e for e in entries if e.duplicate_of is None]
    if set(stored) != {record_key(e) for e in entries} or not all(is_current(stored[e.id][1], e, ctx) for e in owners):
        return None
    digest = shard_digest(entries, ctx)
    io.atomic_write_json(paths.shard_plan(out, shard, digest), plan_json(shard, digest, entries))
    target = paths.shard_state(out, shard, digest)
    if not integrity.valid_state(io.read_json(target)):  # every record is current: process_shard only reuses and counts
        result = process_shard(entries, stored, _never_load, ctx)
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
