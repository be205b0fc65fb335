"""Where the article is among its blocks: the headline, the first and last body paragraph.

Text scrapes put site chrome before the headline and share bars, author boxes and comment
forms after the last body paragraph. The body is the run of sentence-like blocks; the
headline is the longest headline-style block before it, nearer being better.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from newsclean.pipeline.core.article import Block
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.dates import is_date_line, is_dateish
from newsclean.pipeline.text.predicates import caseless, is_headline, is_sentence, words
from newsclean.pipeline.text.credits import split_credit


@dataclass(frozen=True)
class Layout:
    title: int | None  # index of the headline block
    first_body: int | None
    last_body: int | None

    def region(self, i: int) -> str:
        """lead (before the headline), head (headline to body), core, or tail."""
        if self.title is not None and i < self.title:
            return "lead"
        if self.first_body is None or i < self.first_body:
            return "head"
        if self.last_body is not None and i > self.last_body:
            return "tail"
        return "core"


def find_layout(
    blocks: Sequence[Block],
    cfg: CleanConfig,
    skip: Callable[[int], bool] = lambda i: False,
    not_body: Callable[[int], bool] = lambda i: False,
    sentences: Sequence[bool] | None = None,
) -> Layout:
    """``skip(i)``: block i is already removed; ``not_body(i)``: a sentence that is not body
    (an author bio), so it cannot end the body. ``sentences``: ``is_sentence`` of each block
    when the caller has it (the boilerplate stage finds the layout of one article three times)."""
    if sentences is None:
        sentences = [is_sentence(b.text, cfg) for b in blocks]
    body = [i for i, sentence in enumerate(sentences) if sentence and not skip(i)]
    first = body[0] if body else None
    last = next((i for i in reversed(body) if not not_body(i)), first)
    title = find_title(blocks, cfg, skip, first if first is not None else len(blocks))
    if title is not None and first is not None and title > first:
        first = title + 1 if title + 1 <= (last or 0) else first
    return Layout(title=title, first_body=first, last_body=last)


def is_title_candidate(text: str, cfg: CleanConfig) -> bool:
    return (is_headline(text, cfg, min_words=cfg.title_min_words) and not is_date_line(text)
            and not is_dateish(text) and parse_byline(text) is None and split_credit(text) is None)


DIGIT = re.compile(r"\d")
# a date in any language's words: a day number right before a year or one word before it ("12
# juli 2024", "Apr 21, 2017", "24 Νοεμβρίου 2011"), or a clock time ("09:30")
DATED = re.compile(r"\b(?:[1-9]|[12]\d|3[01])\b\.?,?(?:\s+\S+)?\s+(?:19|20)\d\d\b|(?<![\d:])\d{1,2}:[0-5]\d(?![\d:])")


def headline_words(text: str) -> int:
    """The words of ``text``; of a line holding a date, those outside its dates that hold no
    digit: a date line in a language whose dates are not parsed ("Måndag 12 juli 2024 kl
    09.30", "Publicerad 12 juli 2024 09:30 Uppdaterad ...") must not outweigh the headline,
    while a headline's own numbers ("11 U.S. Vacation Packages to Book for 2026") count."""
    if DATED.search(text) is None:
        return words(text)
    rest = DATED.sub(" ", text)
    return words(rest) - sum(1 for token in rest.split() if DIGIT.search(token))


def find_title(blocks: Sequence[Block], cfg: CleanConfig, skip: Callable[[int], bool], end: int) -> int | None:
    """The headline: among headline-style blocks before ``end``, the longest in words without
    a digit (``headline_words``), nearer to the body winning ties (a lead-image caption is
    short, menu items shorter)."""
    best, best_score = None, None
    # a headline in a script without case heads a body in one ("阅读简体中文版" above an
    # English story is a link to a translation)
    caseless_body = None
    for i in range(min(end, len(blocks))):
        if skip(i) or not is_title_candidate(blocks[i].text, cfg):
            continue
        if caseless(blocks[i].text):
            if caseless_body is None:
                caseless_body = end < len(blocks) and caseless(blocks[end].text)
            if not caseless_body:
                continue
        score = headline_words(blocks[i].text) - 0.5 * (end - i)
        if best_score is None or score > best_score:
            best, best_score = i, score
    return best
