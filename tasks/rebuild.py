"""Rebuild one article in place: its shard's corpus and change-log parts are rewritten
with only that record replaced, exactly as a batch would produce it."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline import io
from pipeline.shard import (Entry, clean_entry, is_current, plan_shards, process_shard, record_lines,
                            replace_record, shard_digest, shard_of)

from . import paths
from .common import input_loader, load_context
from .exitcodes import CommandError, Exit

PLAIN_ID = re.compile(r"^(?!\.)[A-Za-z0-9._-]{1,200}$")


class RebuildError(CommandError):
    """A refused id (Exit.USAGE) or one that names no input (Exit.NOT_FOUND)."""


def check_id(article_id: str) -> None:
    if not PLAIN_ID.match(article_id) or ".." in article_id:
        raise RebuildError(f"refusing id {article_id!r}: an id is a plain file name (letters, digits, . _ -), "
                           "without path separators or '..'")


def rebuild(article_id: str, raw: str, out: str, config: str = "") -> dict:
    """Returns the article's new change-log record."""
    check_id(article_id)
    ctx = load_context(config, out)
    raw_path, out_path = Path(raw), Path(out)
    shard = shard_of(article_id, ctx.config.shards)
    listing = [t for t in io.list_inputs(raw_path, ctx.config.max_input_bytes) if shard_of(t[0], ctx.config.shards) == shard]
    entries = plan_shards(listing, ctx.config.shards)[shard]
    entry = next((e for e in entries if e.id == article_id and e.duplicate_of is None), None)
    if entry is None:
        raise RebuildError(f"no input with id {article_id!r} in {raw_path}", Exit.NOT_FOUND)
    io.remove_temp_files(out_path)
    corpus_line, log_line, log = record_lines(clean_entry(entry, input_loader(raw_path, ctx, [entry]), ctx), ctx)
    with io.locked(paths.shard_lock(out_path, shard)):  # a batch may be at work on this shard
        previous = io.read_parts(out_path, paths.part_name(shard))
        corpus, changelog = replace_record(previous, article_id, corpus_line, log_line)
        # change log last: it holds the fingerprint, so a crash between the writes is redone
        io.write_if_changed(paths.corpus_part(out_path, shard), corpus)
        io.write_if_changed(paths.changelog_part(out_path, shard), changelog)
        _mark_shard_if_current(out_path, shard, entries, ctx)
    return log


def _mark_shard_if_current(out: Path, shard: int, entries: list[Entry], ctx) -> None:
    """When every record of the shard is now current, record the shard as done so that the
    next batch does not redo it."""
    stored = io.read_parts(out, paths.part_name(shard))
    owners = [e for e in entries if e.duplicate_of is None]
    if set(stored) != {e.id for e in owners} or not all(is_current(stored[e.id][1], e, ctx) for e in owners):
        return
    digest = shard_digest(entries, ctx)
    io.atomic_write_json(paths.shard_plan(out, shard, digest), {
        "shard": shard, "digest": digest, "entries": [[e.id, e.rel, e.sha256, e.duplicate_of] for e in entries]})
    state = io.read_json(paths.shard_state(out, shard, digest))
    if state is None:  # every record is current, so process_shard only reuses and counts
        result = process_shard(entries, stored, _never_load, ctx)
        io.atomic_write_json(paths.shard_state(out, shard, digest), result.state(shard, digest))


def _never_load(entry: Entry):
    raise RuntimeError(f"{entry.id} should have been reused")
