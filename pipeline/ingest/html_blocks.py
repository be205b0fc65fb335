"""An HTML page's raw lines: its visible text blocks, in page order.

A block ends where a browser would break the line: at the start and end of a block-level
element (``<p>``, ``<div>``, ``<li>``, ``<h2>``, ``<td>``...) and at ``<br>``; inline
elements (``<a>``, ``<em>``, ``<span>``...) stay inside their block. Text a browser never
renders as text is not a raw line: the ``<head>`` (``<title>`` is metadata), ``<script>``,
``<style>``, ``<template>``, ``<noscript>``, ``<svg>``, ``<math>``, embedded objects and
media fallbacks (``<iframe>``, ``<object>``, ``<embed>``, ``<canvas>``, ``<video>``,
``<audio>``), ``<select>`` options, comments and processing instructions. Style sheets are not
evaluated: text hidden by CSS counts as a raw line. White space inside a block is collapsed.

``page_blocks`` walks the tree once, before any extractor prunes it. ``coverage`` says, for
each block, how much of it an extractor's output holds (a whole line equal to it first,
then the share of its word trigrams found in what is left), consuming what it matches so
that a line the extractor gave once covers one block.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from lxml import etree

from newsclean.pipeline.text.predicates import squash

INVISIBLE = frozenset({"head", "title", "script", "style", "template", "noscript", "svg", "math", "iframe", "object",
                       "embed", "canvas", "video", "audio", "select", "datalist", "option", "map"})
BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2", "h3",
    "h4", "h5", "h6", "hgroup", "ul", "ol", "li", "dl", "dt", "dd", "menu", "dir", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "td", "th", "blockquote", "pre", "figure", "figcaption", "form", "fieldset", "legend",
    "address", "hr", "center", "details", "summary", "dialog", "textarea", "frameset", "noframes", "listing",
    "plaintext", "xmp", "search", "output", "button", "label", "input",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
KIND_OF = {**{h: "heading" for h in HEADINGS}, "li": "list_item", "dt": "list_item", "dd": "list_item",
           "blockquote": "quote"}
WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")


class PageBlock(NamedTuple):  # a tuple: a page makes hundreds, and a frozen dataclass costs 3x to build
    text: str  # white space collapsed
    kind: str  # heading, paragraph, list_item, quote
    cell: bool  # a table cell's text
    link_chars: int  # characters of the text inside <a>


# The walk is an XSLT transform (libxslt, in C: a tenth of what the same walk costs in Python)
# writing the page's text with a mark where a block starts (and its kind) and around link
# text. The marks are code points of Unicode's supplementary private use area B, which real
# pages do not hold; a page that does has them replaced before the walk.
BREAK, LINK_ON, LINK_OFF = "\U0010fff0", "\U0010fff1", "\U0010fff2"
MARKS = (BREAK, LINK_ON, LINK_OFF)
CODES = {"h": "heading", "l": "list_item", "q": "quote", "p": "paragraph", "c": "paragraph", "=": None}
CODE_OF = {**{h: "h" for h in HEADINGS}, "li": "l", "dt": "l", "dd": "l", "blockquote": "q", "td": "c", "th": "c"}


def _stylesheet() -> etree.XSLT:
    def xml(ch: str) -> str:
        return f"&#{ord(ch)};"
    templates = [f'<xsl:template match="{"|".join(sorted(INVISIBLE))}|comment()|processing-instruction()"/>',
                 f'<xsl:template match="br">{xml(BREAK)}=</xsl:template>',
                 f'<xsl:template match="a">{xml(LINK_ON)}<xsl:apply-templates/>{xml(LINK_OFF)}</xsl:template>']
    by_code: dict[str, list[str]] = {}
    for tag in sorted(BLOCK_TAGS):
        by_code.setdefault(CODE_OF.get(tag, "p"), []).append(tag)
    for code, tags in sorted(by_code.items()):
        templates.append(f'<xsl:template match="{"|".join(tags)}">{xml(BREAK)}{code}<xsl:apply-templates/>'
                         f'{xml(BREAK)}p</xsl:template>')
    return etree.XSLT(etree.XML('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                                '<xsl:output method="text" encoding="utf-8"/>' + "".join(templates) + "</xsl:stylesheet>"))


STYLESHEET = _stylesheet()  # built once: compiling it costs more than a page's walk
LINK_TEXT = re.compile(f"{LINK_ON}([^{LINK_OFF}]*){LINK_OFF}")
# marks with nothing but white space (or empty links) before the next mark: most of a page's
# marks, dropped in one pass rather than one Python step each
EMPTY_RUN = re.compile(f"(?:{BREAK}.[\\s{LINK_ON}{LINK_OFF}]*)+(?={BREAK})")


def page_blocks(root: etree._Element, links: bool = True) -> tuple[PageBlock, ...]:
    """The visible text blocks of a parsed page (see the module's docstring), in order.
    ``links=False``: the same blocks without the length of their link text (``link_chars``
    0), which only the vote reads; its marks go in one pass over the page's text."""
    text = EMPTY_RUN.sub("", str(STYLESHEET(root)))
    if not links:
        text = text.replace(LINK_ON, "").replace(LINK_OFF, "")
    out: list[PageBlock] = []
    kind = "paragraph"
    # each segment opens with its mark's code; the page's first text gets "=" (no change of kind)
    for segment in ("=" + text).split(BREAK):
        code, segment = segment[:1], segment[1:]
        kind = CODES.get(code) or kind
        chars = 0
        if links:
            if LINK_ON in segment:
                chars = sum(len(" ".join(m.split())) for m in LINK_TEXT.findall(segment))
                segment = segment.replace(LINK_ON, "").replace(LINK_OFF, "")
            elif LINK_OFF in segment:
                segment = segment.replace(LINK_OFF, "")
        block = " ".join(segment.split())
        if block:
            out.append(PageBlock(block, kind, code == "c", min(chars, len(block)) if chars else 0))
    return tuple(out)


def holds_marks(html: str) -> bool:
    """The page holds one of the walk's marks (and must have them replaced before parsing)."""
    return any(m in html for m in MARKS)


def without_marks(html: str) -> str:
    return html.replace(BREAK, "\ufffd").replace(LINK_ON, "\ufffd").replace(LINK_OFF, "\ufffd")


def _trigrams(words: list[str]) -> list[tuple[str, ...]]:
    if len(words) < 3:
        return [tuple(words)] if words else []
    return [tuple(words[i:i + 3]) for i in range(len(words) - 2)]


def extractor_lines(lines) -> list[str]:
    """An extractor's output lines as blocks: a table row ("| a | b |", trafilatura's
    rendering) becomes its cells, a list item loses its "- " marker."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if line.startswith("|") and " | " in line:
            out.extend(cell.strip() for cell in line.strip("|").split(" | ") if cell.strip())
        elif line.startswith("- "):
            out.append(line[2:])
        elif line:
            out.append(line)
    return out


def coverage(blocks: tuple[PageBlock, ...], lines: list[str]) -> list[float]:
    """For each block, the share of it in ``lines`` (an extractor's output, one text block
    a line): 1.0 for a block equal to one of the lines, else the share of its word
    trigrams found in the lines no block equalled (a block of one or two words counts
    only when equal). What a block matches is used up."""
    left = Counter(squash(line) for line in extractor_lines(lines))
    out = [0.0] * len(blocks)
    rest = []
    for i, block in enumerate(blocks):
        key = block.text.casefold()  # a block's text is already folded but for case
        found = left.get(key)  # not left[key]: a Counter answers a missing key in Python
        if found:
            left[key] = found - 1
            out[i] = 1.0
        else:
            rest.append((i, key))
    remaining = [(line, n) for line, n in left.items() if n > 0]
    if not rest or not remaining:
        return out
    grams: Counter = Counter()
    for line, n in remaining:
        grams.update({g: c * n for g, c in Counter(_trigrams(WORD.findall(line))).items()})
    vocabulary = {g[0] for g in grams}
    for i, key in rest:
        words = WORD.findall(key)
        if len(words) < 3 or not vocabulary.intersection(words):  # a word or two inside a paragraph is not this block
            continue
        wanted = _trigrams(words)
        hit = 0
        for g in wanted:
            count = grams.get(g)
            if count:
                grams[g] = count - 1
                hit += 1
        out[i] = hit / len(wanted)
    return out
