"""Caption separation: a formatter that moves photo captions out of the body.

A block with a photo credit is a caption: its text and credit go to ``captions``; a short
title-like block right before it becomes the caption's title. A body paragraph that a
credit ends (several sentences, or a quotation: a scraper glued a photo's credit to it)
stays in the body, and only its credit leaves, into captions, as a logged edit. A short non-sentence line
right under a byline, before the body, names the lead image: a caption without credit. A
line that a screen-reader label opens ("Image caption ...", "Media caption ...", as some
broadcasters' pages give their captions), or "Image:" before a sentence, is a caption
without credit too.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import cast

from newsclean.pipeline.core.article import Article, Caption, Change, StageResult
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.text.credits import reads_as_body, split_credit
from newsclean.pipeline.text.dates import dateline
from newsclean.pipeline.text.predicates import is_headline, is_sentence, words
from newsclean.pipeline.text.layout import find_layout

STAGE = "captions"
CAPTION_TITLE_MAX_WORDS = 20
LEAD_CAPTION_MAX_WORDS = 12
# "Image caption ..." (a screen reader's label) or "Image: ..." before a caption's sentence
# (a credit after "Image:" is split_credit's: "Image: Jane Doe/AFP")
CAPTION_LABEL = re.compile(r"^(?:(?:image|media|photo|video) caption\s+|(?:image|photo|picture):\s+)(?P<text>\S.*)$", re.I)


def separate_captions(article: Article, ctx: Context) -> StageResult:
    cfg = ctx.config
    blocks = article.blocks
    layout = find_layout(blocks, cfg)
    moved: dict[int, Change] = {}
    edited: dict[int, Change] = {}
    captions: list[tuple[int, Caption]] = []
    for i, block in enumerate(blocks):
        if i == layout.title:
            continue
        split = split_credit(block.text)
        if split is not None and reads_as_body(split[0]):
            text, credit = split
            edited[i] = Change(STAGE, "cap.glued-credit", "edit", block.line, block.text, text, {"credit": credit})
            captions.append((i, Caption(text=None, credit=credit, title=None, line=block.line)))
        elif split is not None:
            text, credit = split
            title = None
            j = i - 1
            if j >= 0 and j not in moved and j != layout.title and _is_caption_title(blocks[j].text, cfg):
                title = blocks[j].text.strip()
                moved[j] = Change(STAGE, "cap.title", "move", blocks[j].line, blocks[j].text, None,
                                  {"caption_line": block.line})
            moved[i] = Change(STAGE, "cap.credit", "move", block.line, block.text, None, {"credit": credit})
            captions.append((i, Caption(text=text, credit=credit, title=title, line=block.line)))
        elif (label := CAPTION_LABEL.match(block.text.strip())) is not None:
            moved[i] = Change(STAGE, "cap.label", "move", block.line, block.text, None, None)
            captions.append((i, Caption(text=label.group("text").strip(), credit=None, title=None, line=block.line)))
        elif is_lead_image_caption(blocks, i, layout.first_body, cfg):
            moved[i] = Change(STAGE, "cap.lead-image", "move", block.line, block.text, None, None)
            captions.append((i, Caption(text=block.text.strip(), credit=None, title=None, line=block.line)))
    if not moved and not edited:
        return StageResult(article)
    kept = tuple(replace(b, text=cast(str, edited[i].after)) if i in edited else b for i, b in enumerate(blocks) if i not in moved)
    new = article.captions + tuple(c for _, c in sorted(captions, key=lambda c: c[0]))
    changes = tuple((moved | edited)[i] for i in sorted(moved | edited))
    return StageResult(replace(article, blocks=kept, captions=new), changes)


def _is_caption_title(text: str, cfg) -> bool:
    return (is_headline(text, cfg) and not is_sentence(text, cfg) and words(text) <= CAPTION_TITLE_MAX_WORDS
            and parse_byline(text) is None and split_credit(text) is None)


def is_lead_image_caption(blocks, i: int, first_body: int | None, cfg) -> bool:
    """A short non-sentence line right under a byline (and the date line under it, which the
    metadata stage takes), before the body: it names the lead image."""
    if i == 0 or (first_body is not None and i >= first_body):
        return False
    text = blocks[i].text
    above = i - 1
    if above > 0 and dateline(blocks[above].text) is not None:
        above -= 1
    return (parse_byline(blocks[above].text) is not None and parse_byline(text) is None
            and not is_sentence(text, cfg) and words(text) <= LEAD_CAPTION_MAX_WORDS and dateline(text) is None)
