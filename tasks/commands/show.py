"""Look up one article in an output folder and render it for a terminal: plain text, or
coloured with every raw line marked by its fate (rich)."""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsclean.pipeline.core import ids
from newsclean.pipeline import io
from newsclean.pipeline.rules.registry import RuleInfo, describe_rules, lookup
from newsclean.pipeline.output.review import ArticleView, LineView, changed_span, visible
from newsclean.pipeline.output.shards import shard_of

from newsclean.tasks.folder import integrity, paths, read_back, segment_files
from newsclean.tasks.run.task_base import load_context
from newsclean.tasks.exitcodes import Exit


def find_article(out: str, article_id: str) -> tuple[dict | None, dict | None]:
    """(corpus record or None, change-log record or None) of ``article_id``; DamagedOutput
    when a part it reads is damaged."""
    out_path = Path(out)
    shards = read_back.manifest(out_path).get("shards")
    # a duplicate's change-log record is keyed id@path, in the shard of the id before some "@"
    owners = [article_id] + [article_id[:i] for i, c in enumerate(article_id) if c == "@"]
    candidates = sorted({shard_of(o, shards) for o in owners}) if shards else \
        sorted({paths.part_key(rel.split("/")[1])[0] for rel in paths.part_files(out_path)})
    for shard in candidates:
        integrity.assert_intact(out_path, [shard])
        try:
            held = segment_files.find(out_path, shard, article_id)
        except io.DamagedPart as exc:
            raise integrity.DamagedOutput(f"{exc.path} is damaged: {exc.reason}") from None
        if held is not None:
            corpus_line, log_line = segment_files.read_segments(out_path, shard, [held])[article_id]
            return (json.loads(corpus_line) if corpus_line else None), json.loads(log_line)
    return None, None


def copies(out: str, record: dict | None) -> list[dict]:
    """The near-duplicate group of a record (from the duplicates table): its canonical first
    (similarity None), then the linked records by id, each with its similarity and
    containment to the canonical; empty when the record has no copy."""
    if record is None:
        return []
    canonical = record.get("duplicate_of") or record["id"]
    members = [row for row in io.iter_part(paths.duplicates(Path(out))) if row.get("duplicate_of") == canonical]
    if not members:
        return []
    return [{"id": canonical, "similarity": None, "containment": None, "rule": "canonical"}, *members]


def render_copies(group: list[dict], this: str) -> list[str]:
    if not group:
        return []
    lines = ["", f"copies ({len(group)} records in the group; similarity and containment to its canonical):"]
    for row in group:
        mark = "*" if row["id"] == this else " "
        figures = "canonical" if row["similarity"] is None else \
            f"similarity {row['similarity']:.2f}  containment {row['containment']:.2f}  {row['rule']}"
        lines.append(f" {mark} {row['id']:<30} {figures}")
    return lines


def caption_text(cap: dict) -> str:
    """A caption record on one line: "title: text (credit)"."""
    return (f"{cap['title'] + ': ' if cap['title'] else ''}{cap['text'] or ''}"
            f"{' (' + cap['credit'] + ')' if cap['credit'] else ''}")


def render(record: dict | None, log: dict, width: int = 100, group: Sequence[dict] = ()) -> str:
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
        lines += [f"[caption] {caption_text(cap)}" for cap in record["captions"]]
        lines += render_copies(list(group), record["id"])
    lines += ["", f"change log ({len(log['changes'])} changes):"]
    for c in log["changes"]:
        text = c["before"] if c["before"] is not None else c["detail"]
        after = f"  ->  {c['after']!r}" if c["action"] == "edit" else ""
        lines.append(f"  line {c['line']:>4}  {c['action']:<7} {c['rule']:<28} {str(text)[:80]!r}{after[:80]}")
    return "\n".join(lines)


# --- the coloured view (rich): the report's article page, in a terminal ---------------------

STYLES = {"kept": "", "edited": "yellow", "dropped": "red strike", "left_out": "dim strike", "caption": "cyan", "metadata": "magenta",
          "rejected": "dim", "missing": "bold white on red"}
MARKS = {"kept": " ", "edited": "~", "dropped": "✗", "left_out": "⊘", "caption": "▣", "metadata": "◆", "rejected": "·", "missing": "!"}


def render_rich(view: ArticleView, registry: dict[str, RuleInfo], group: Sequence[dict] = ()) -> Group:
    """The clean article's header and captions, then every raw line marked by its fate, with
    the deciding rule and its description for every line that did not stay as it was."""
    legend = Text("  ".join(f"{MARKS[f]} {f} {n}" for f, n in sorted(view.fates.items()) if f in MARKS))
    return Group(Panel(rich_head(view, group), expand=True), legend, rich_lines(view, registry))


def rich_head(view: ArticleView, group: Sequence[dict] = ()) -> Text:
    """The header: REJECTED and why, or the title, fields, captions, share removed and copies."""
    r = view.record
    head = Text()
    if r is None:
        head.append(f"{view.id}: REJECTED\n", style="bold red")
        head.append(view.reason or "", style="red")
        return head
    head.append(f"{r['title'] or '(no title)'}\n", style="bold")
    head.append(f"{view.id} · authors: {', '.join(r['authors']) or '-'} · published: {r['published'] or '-'}"
                f" · site: {r['site'] or '-'} · source: {r['source']['path']}\n", style="dim")
    for cap in r["captions"]:
        head.append("caption: ", style="cyan")
        head.append(f"{caption_text(cap)}\n")
    head.append(f"{100 * view.removed_share:.0f}% of the text removed; raw lines from the {view.raw_from}"
                f"{' (' + view.note + ')' if view.note else ''}", style="dim")
    for copy in render_copies(list(group), view.id):
        head.append(f"\n{copy}" if copy else "", style="cyan")
    return head


def rich_lines(view: ArticleView, registry: dict[str, RuleInfo]) -> Table:
    """Every raw line but blank ones: its number, its fate's mark and its text (``rich_line``)."""
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    table.add_column("line", justify="right", style="dim", no_wrap=True)
    table.add_column("mark", no_wrap=True)
    table.add_column("text")
    for line in view.lines:
        if line.fate != "blank":
            table.add_row(str(line.line), Text(MARKS[line.fate], style=STYLES[line.fate]), rich_line(line, registry))
    return table


def rich_line(line: LineView, registry: dict[str, RuleInfo]) -> Text:
    """A raw line in its fate's style, each edit's changed span, then each rule that decided
    it (or edited or flagged it) with the rule's description."""
    style = STYLES[line.fate]
    text = Text(line.raw.strip(), style=style)
    for e in line.edits:
        append_edit(text, e.before, e.after)
    for rid in ([line.rule] if line.rule else [e.rule for e in line.edits]) + list(line.flags):
        text.append(f"\n  {rid}", style=f"bold {style.split()[0] if style else ''}".strip())
        text.append(f"  {lookup(registry, rid).description}", style="dim")
    return text


def append_edit(text: Text, before: str, after: str) -> None:
    """The span an edit changed, struck out and replaced, with up to 12 characters around it."""
    p, b, a = changed_span(before, after)
    text.append(f"\n  {'…' if p > 12 else ''}{before[max(0, p - 12):p]}")
    text.append(visible(before[p:b]), style="red strike")
    text.append(visible(after[p:a]), style="green")
    text.append(f"{before[b:b + 12]}{'…' if len(before) - b > 12 else ''}")


def show(out: str, article_id: str, raw: str | None = None, color: bool | None = None, config: str = "") -> int:
    """Print one article: coloured when ``color`` (default: when stdout is a terminal),
    else the plain text of ``render``."""
    try:
        ids.check_id(article_id)
    except ids.IdError as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return Exit.USAGE
    try:
        record, log = find_article(out, article_id)
    except integrity.DamagedOutput as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return Exit.FAILED
    if log is None:
        print(f"newsclean: no article {article_id!r} in {out}", file=sys.stderr)
        return Exit.NOT_FOUND
    if color is None:
        color = sys.stdout.isatty()
    group = copies(out, record)
    if not color:
        print(render(record, log, group=group))
        return 0
    view = read_back.article_view_of(record, log, read_back.raw_folder(out, raw))
    ctx = load_context(config)
    Console(force_terminal=True, highlight=False).print(render_rich(view, describe_rules(ctx.rules, ctx.config.stages),
                                                                    group))
    return 0
