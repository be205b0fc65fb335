"""Look up one article in an output folder and render it for a terminal."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from pipeline import io
from pipeline.shard import shard_of

from . import paths


def find_article(out: str, article_id: str) -> tuple[dict | None, dict | None]:
    """(corpus record or None, change-log record or None) of ``article_id``."""
    out_path = Path(out)
    manifest = io.read_json(paths.manifest(out_path)) or {}
    shards = manifest.get("shards")
    names = [paths.part_name(shard_of(article_id, shards))] if shards else \
        sorted(p.name for p in (out_path / "changelog").glob("part-*.jsonl"))
    for name in names:
        stored = io.read_parts(out_path, name)
        if article_id in stored:
            corpus_line, log_line = stored[article_id]
            return (json.loads(corpus_line) if corpus_line else None), json.loads(log_line)
    return None, None


def render(record: dict | None, log: dict, width: int = 100) -> str:
    lines = []
    if record is None:
        lines.append(f"{log['id']}: REJECTED")
    else:
        lines += [f"id:        {record['id']}", f"title:     {record['title']}",
                  f"authors:   {', '.join(record['authors']) or '-'}", f"published: {record['published'] or '-'}",
                  f"site:      {record['site'] or '-'}", f"source:    {record['source']['path']}", ""]
        for block in record["blocks"]:
            prefix = "## " if block["kind"] == "heading" else ("- " if block["kind"] == "list_item" else "")
            lines += textwrap.wrap(prefix + block["text"], width) + [""]
        for cap in record["captions"]:
            lines.append(f"[caption] {cap['title'] + ': ' if cap['title'] else ''}{cap['text'] or ''}"
                         f"{' (' + cap['credit'] + ')' if cap['credit'] else ''}")
    lines += ["", f"change log ({len(log['changes'])} changes):"]
    for c in log["changes"]:
        text = c["before"] if c["before"] is not None else c["detail"]
        after = f"  ->  {c['after']!r}" if c["action"] == "edit" else ""
        lines.append(f"  line {c['line']:>4}  {c['action']:<7} {c['rule']:<28} {str(text)[:80]!r}{after[:80]}")
    return "\n".join(lines)
