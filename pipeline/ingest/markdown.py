"""Markdown scrapes to plain lines.

Scrapers for language models (Firecrawl, Jina Reader, crawl4ai, html2text, trafilatura's own
markdown output) write a page as Markdown: ``# Headline``, ``[link text](url)``,
``![alt](image.jpg)``, ``**bold**``. Read as plain text, the syntax hides what a line is: a
headline opens with ``#`` (no headline test knows it), a byline's name is a link (no byline
pattern takes it), and the URLs stay in the body. A text is read as Markdown when at least
MIN_LINKED of its lines, and MIN_SHARE of its visible ones, hold a link or an image
(``looks_like_markdown``); then each line is made plain (``plain``): the heading
marker goes (the block is a heading), a link and an image become their text, the bold and
code marks go. ``segment.segment_text`` logs each line it changed as an ``ingest`` edit
(``seg.markdown``: the line in ``before``, the plain line in ``after``), and a line of markup
alone (an image without text) as a drop, so that every raw line stays accounted for.
"""
from __future__ import annotations

import re
from typing import Sequence

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# an image or a link: ![alt](url "title") or [text](url "title"); the text may hold brackets
# one level deep ("[[PDF] The report](url)"); a reference link's label ("[text][3]")
IMAGE = re.compile(r"!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
REFERENCE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[[^\[\]]*\]")
STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
CODE = re.compile(r"`([^`]+)`")
QUOTE = re.compile(r"^\s{0,3}>\s?")
LINKED = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(")

MIN_LINKED = 3  # lines holding a link or an image: a heading marker alone may be a code comment
MIN_SHARE = 0.05  # of the visible lines


def looks_like_markdown(lines: Sequence[str]) -> bool:
    """Enough of ``lines`` hold Markdown's links or images (MIN_LINKED of them, and MIN_SHARE
    of the visible lines): a naive text scrape holds none, and a line opened by "# " alone
    may be a shell or Python comment in a code listing."""
    visible = [line for line in lines if line.strip()]
    linked = sum(1 for line in visible if "](" in line and LINKED.search(line))
    return linked >= MIN_LINKED and linked >= MIN_SHARE * len(visible)


def plain(line: str) -> tuple[str, str | None]:
    """The line without its Markdown, and its kind when the markup says it ("heading",
    "quote"; None: the text decides)."""
    kind = None
    text = line
    heading = HEADING.match(text)
    if heading:
        text, kind = heading.group(2), "heading"
    elif QUOTE.match(text):
        text, kind = QUOTE.sub("", text, count=1), "quote"
    if "[" in text:
        text = IMAGE.sub(lambda m: m.group(1), text)
        text = LINK.sub(lambda m: m.group(1), text)
        text = REFERENCE.sub(lambda m: m.group(1), text)
    if "**" in text or "__" in text:
        text = STRONG.sub(lambda m: m.group(2), text)
    if "`" in text:
        text = CODE.sub(lambda m: m.group(1), text)
    return text, kind
