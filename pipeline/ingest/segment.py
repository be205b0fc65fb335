"""Text to blocks: one per visible line, or per hard-wrapped paragraph.

A block is a line that holds something visible, but for the lines of a hard-wrapped paragraph,
which make one block, and for a Markdown scrape's lines, made plain first
(``ingest/markdown.py``). Hard-wrapped text (``lynx -dump``, ``w3m -dump``, html2text, e-mail and wire copy) breaks each
paragraph into lines of at most a fixed width, most of them in the middle of a sentence: no
line of it reads as a sentence, and the article went as chrome. A text is hard-wrapped
(``wrap_width``) when its long lines stop at one width and most of its full lines go on in the
middle of a sentence; then a full line that does is joined with the next one
(``unwrapped``), and each line joined is logged as an ``ingest`` edit (``seg.unwrap``): the
first line's ``after`` is the paragraph, the others' is empty (their ``detail`` names the
paragraph's first and last line), so that every raw line stays accounted for and the change log
grows with the text, not with the square of a paragraph's length.
"""
from __future__ import annotations

import re
from typing import Sequence

from newsclean.pipeline.core.article import Block, Change
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.lynx import looks_like_lynx, without_markers
from newsclean.pipeline.ingest.markdown import looks_like_markdown, plain
from newsclean.pipeline.text.predicates import CJK_RUN, ends_like_sentence, is_headline, is_sentence, words

LINE_BREAK = re.compile(r"\r\n|\r|\n")
# white space, no-break spaces, zero-width characters, BOM, soft hyphen: not visible
INVISIBLE = re.compile(r"^[\s\u00a0\u00ad\u115f\u1160\u180e\u200b-\u200f\u2028-\u202f\u205f-\u2064\u3000\u3164\ufeff]*$")
BULLET = re.compile(r"^\s*(?:[•·▪◦‣●■□►▶➤–—*-]|\d{1,2}[.)])\s+\S")


def split_lines(text: str) -> list[str]:
    """Lines end at \\n, \\r\\n or \\r (not at the other characters str.splitlines knows)."""
    return LINE_BREAK.split(text)


def is_visible(line: str) -> bool:
    return not INVISIBLE.match(line)


HEADING_MAX_WORDS = 15


def block_kind(line: str, cfg: CleanConfig) -> str:
    """list_item for bulleted lines, heading for short headline-style lines, else paragraph."""
    if BULLET.match(line):
        return "list_item"
    if words(line) <= HEADING_MAX_WORDS and is_headline(line, cfg) and not is_sentence(line, cfg):
        return "heading"
    return "paragraph"


WRAP_MAX = 120  # lines are wrapped at 64 to 100 characters; a longer line is a paragraph of its own
WRAP_MIN_LINE = 30  # the width is read off the lines at least this long (not menus and labels)
WRAP_LONG_SHARE = 0.05  # at most this share of the visible lines may pass WRAP_MAX (URLs, tables)
WRAP_MIN_FULL = 4  # wrapped lines needed: fewer, and the text is not wrapped
WRAP_GOES_ON = 0.5  # the share of the lines followed by another that must be wrapped there


def _percentile(values: Sequence[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wrap_width(lines: Sequence[str]) -> int | None:
    """The width at which ``lines`` were hard-wrapped (the 95th percentile of the lengths of
    the lines of at least WRAP_MIN_LINE characters), or None when they were not: more than
    WRAP_LONG_SHARE of the visible lines pass WRAP_MAX, or fewer than WRAP_MIN_FULL (and
    fewer than WRAP_GOES_ON) of the long lines followed by another are wrapped there
    (``wrapped_at``)."""
    visible = [len(line.rstrip()) for line in lines if is_visible(line)]
    if not visible or sum(n > WRAP_MAX for n in visible) > WRAP_LONG_SHARE * len(visible):
        return None
    long = [n for n in visible if WRAP_MIN_LINE <= n <= WRAP_MAX]
    if len(long) < WRAP_MIN_FULL:
        return None
    width = _percentile(long, 0.95)
    followed = [i for i in range(len(lines) - 1)
                if len(lines[i].rstrip()) >= WRAP_MIN_LINE and _joinable(lines[i + 1])]
    wrapped = sum(wrapped_at(lines[i], lines[i + 1], width) for i in followed)
    return width if wrapped >= WRAP_MIN_FULL and wrapped >= WRAP_GOES_ON * len(followed) else None


def _joinable(line: str) -> bool:
    """A line that can go on a paragraph: visible, no list item of its own."""
    return is_visible(line) and not BULLET.match(line)


def wrapped_at(line: str, following: str, width: int) -> bool:
    """A wrapper broke a sentence between ``line`` and ``following``: the first word of the
    next line would not have fitted on this one within ``width`` (a wrapper fills each line),
    and the line does not end like a sentence, or the next starts in lower case. A short
    headline above a dateline, a label above another, a paragraph's last sentence: not."""
    rest = following.lstrip()
    first = rest.split(maxsplit=1)[0] if rest else ""
    if len(line.rstrip()) + 1 + len(first) <= width:
        return False
    return not ends_like_sentence(line) or rest[:1].islower()


def _glue(left: str, right: str) -> str:
    """What goes between two lines of a paragraph: a space, but nothing after a word broken at
    a hyphen ("well-" "known") or between two Chinese or Japanese characters."""
    if left[-1:] == "-" and left[-2:-1].isalpha():
        return ""
    if CJK_RUN.match(left[-1:]) and CJK_RUN.match(right[:1]):
        return ""
    return " "


def joined(lines: Sequence[str]) -> str:
    """The lines of a paragraph as one (``_glue`` between each two), built in one pass."""
    parts = [lines[0]]
    for left, right in zip(lines, lines[1:]):
        parts += (_glue(left, right), right)
    return "".join(parts)


def unwrapped(lines: Sequence[str], width: int, max_chars: int) -> list[tuple[int, int]]:
    """The paragraphs of a hard-wrapped text: (first, last) line indices (0-based) of each run
    of lines joined, each line wrapped in the middle of a sentence (``wrapped_at``) going on
    into the next one, a paragraph of at most ``max_chars`` characters (``max_line_chars``:
    a joined block is held to a line's limit)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        j, size = i, len(lines[i])
        while (j + 1 < len(lines) and is_visible(lines[j]) and _joinable(lines[j + 1])
               and size + 1 + len(lines[j + 1]) <= max_chars and wrapped_at(lines[j], lines[j + 1], width)):
            j += 1
            size += 1 + len(lines[j])
        if j > i:
            runs.append((i, j))
        i = j + 1
    return runs


def segment_text(text: str, cfg: CleanConfig) -> tuple[tuple[Block, ...], tuple[Change, ...]]:
    """One block per visible line, numbered from 1 in the decoded text; with ``unwrap_lines``,
    the lines of each hard-wrapped paragraph make one block (numbered by its first line), each
    of them logged as a ``seg.unwrap`` edit (the paragraph in the first one's ``after``)."""
    lines = split_lines(text)
    if cfg.read_markdown and looks_like_markdown(lines):
        return markdown_blocks(lines, cfg)
    width = wrap_width(lines) if cfg.unwrap_lines else None
    runs = dict(unwrapped(lines, width, cfg.max_line_chars)) if width else {}
    blocks: list[Block] = []
    changes: list[Change] = []
    i = 0
    while i < len(lines):
        last = runs.get(i, i)
        if last == i:
            if is_visible(lines[i]):
                blocks.append(Block(line=i + 1, text=lines[i], kind=block_kind(lines[i], cfg)))
            i += 1
            continue
        paragraph = joined([line.strip() for line in lines[i:last + 1]])
        blocks.append(Block(line=i + 1, text=paragraph, kind=block_kind(paragraph, cfg)))
        # the paragraph once, in its first line's edit: the other lines' edits name it by its
        # lines (a copy in each would make the change log grow with the square of its length)
        detail = {"lines": [i + 1, last + 1], "width": width}
        changes.append(Change("ingest", "seg.unwrap", "edit", i + 1, lines[i], paragraph, detail))
        changes.extend(Change("ingest", "seg.unwrap", "edit", n + 1, lines[n], None, detail) for n in range(i + 1, last + 1))
        i = last + 1
    if cfg.strip_link_markers and looks_like_lynx(lines):
        blocks, changes = unmarked(blocks, changes, cfg)
    return tuple(blocks), tuple(changes)


def unmarked(blocks: list[Block], changes: list[Change], cfg: CleanConfig) -> tuple[list[Block], list[Change]]:
    """The blocks of a ``lynx -dump`` without its link markers (``ingest/lynx.py``), each block
    changed logged as a ``seg.lynx`` edit (after its ``seg.unwrap`` edits, if joined)."""
    out: list[Block] = []
    edits: list[Change] = []
    for block in blocks:
        text = without_markers(block.text)
        if text != block.text:
            edits.append(Change("ingest", "seg.lynx", "edit", block.line, block.text, text, None))
            block = Block(line=block.line, text=text, kind=block_kind(text, cfg))
        out.append(block)
    return out, sorted(changes + edits, key=lambda c: c.line)


def markdown_blocks(lines: Sequence[str], cfg: CleanConfig) -> tuple[tuple[Block, ...], tuple[Change, ...]]:
    """The blocks of a Markdown scrape (``ingest/markdown.py``): each visible line made plain,
    an edit (``seg.markdown``) where that changed it, a drop where nothing visible is left (an
    image without text, an empty link)."""
    blocks: list[Block] = []
    changes: list[Change] = []
    for n, line in enumerate(lines, start=1):
        if not is_visible(line):
            continue
        text, kind = plain(line)
        if not is_visible(text):
            changes.append(Change("ingest", "seg.markdown", "drop", n, line, None, {"category": "markup"}))
            continue
        if text != line:
            changes.append(Change("ingest", "seg.markdown", "edit", n, line, text, None))
        blocks.append(Block(line=n, text=text, kind=kind or block_kind(text, cfg)))
    return tuple(blocks), tuple(changes)


def segment(text: str, cfg: CleanConfig) -> tuple[Block, ...]:
    """The blocks of ``segment_text`` (one per visible line, or per hard-wrapped paragraph)."""
    return segment_text(text, cfg)[0]
