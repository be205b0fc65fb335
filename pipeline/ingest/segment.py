"""Text to blocks: one block per line that holds something visible."""
from __future__ import annotations

import re

from newsclean.pipeline.core.article import Block
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.predicates import is_headline, is_sentence, words

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


def segment(text: str, cfg: CleanConfig) -> tuple[Block, ...]:
    """One block per visible line, numbered from 1 in the decoded text."""
    return tuple(
        Block(line=i, text=line, kind=block_kind(line, cfg))
        for i, line in enumerate(split_lines(text), start=1)
        if is_visible(line)
    )
