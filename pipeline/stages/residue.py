"""Residue: what trafilatura leaves in the text of an HTML page. HTML inputs only (a text
input passes through unchanged).

1. The headline repeated at the top (equal to, or the core of, the page's title) goes to
   ``title``; the headings between it and the first paragraph are the dek (standfirst),
   which is not article body.
2. A block that is one of the page's ``<figcaption>`` texts is a caption: it moves to
   ``captions`` with its credit split off.
3. HTML-only rules (``inputs = ["html"]`` in ``pipeline/rules``) drop what they match:
   "Read more:" and "Related:" links, newsletter boxes, reporting credits, copyright lines.
"""
from __future__ import annotations

import re
from dataclasses import replace

from newsclean.pipeline.core.article import Article, Block, Caption, Change, StageResult
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.text.credits import split_credit
from newsclean.pipeline.text.predicates import squash, words
from newsclean.pipeline.rules.matching import RuleGroup, rule_group_of

STAGE = "residue"
TOKEN = re.compile(r"\w+")
LEAD_BLOCKS = 3  # the headline repeat is among the first few blocks
DEK_MIN_WORDS = 8
CAPTION_MAX_WORDS = 40  # a photo caption with its credit; longer blocks are paragraphs
CREDIT_MAX_WORDS = 6  # "(Photo: Jane Doe/Reuters)"; a longer parenthesis is prose
PHOTO_CREDIT = re.compile(r"\b(?:photo|photograph|image|getty|reuters|afp|ap|epa|credit|courtesy|shutterstock|alamy|"
                          r"istock|pool|xinhua|anadolu)\b|©", re.I)


def is_dek(block) -> bool:
    """The standfirst right under the headline: a heading of a sentence or so, not a
    question or a numbered step (those open the body)."""
    text = block.text.strip()
    return (block.kind == "heading" and words(text) >= DEK_MIN_WORDS
            and not text.endswith(("?", ":")) and not text[:1].isdigit())


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


def repeats_title(text: str, title: str | None) -> bool:
    """The block is the headline: the title's words, or the title is the block plus a
    site name ("Headline | Site"), or the block is the title plus a section label."""
    if not title:
        return False
    b, t = tokens(text), tokens(title)
    if not b or not t:
        return False
    if b == t:
        return True
    shorter, longer = (b, t) if len(b) <= len(t) else (t, b)
    if len(shorter) < 4:
        return False
    joined, whole = " ".join(shorter), " ".join(longer)
    return (whole.startswith(joined) or whole.endswith(joined)) and len(shorter) >= 0.6 * len(longer)


def remove_residue(article: Article, ctx: Context) -> StageResult:
    if article.source.format != "html":
        return StageResult(article)
    title, taken = head_changes(article)
    moved = body_changes(article, ctx, skip=set(taken))
    taken |= {i: change for i, (change, _) in moved.items()}
    if not taken:
        return StageResult(article)
    captions = (*article.captions, *(caption for _, caption in moved.values() if caption is not None))
    kept = tuple(b for i, b in enumerate(article.blocks) if i not in taken)
    new = replace(article, blocks=kept, title=title, captions=captions)
    return StageResult(new, tuple(taken[i] for i in sorted(taken)))


Taken = tuple[Change, Caption | None]  # what a body block's change is, and the caption it moves to


def head_changes(article: Article) -> tuple[str | None, dict[int, Change]]:
    """The headline repeated at the top, which gives the title as the page shows it (rather
    than the meta title with a site suffix), and the dek right under it; and the title."""
    blocks, title = article.blocks, article.title
    head = next((i for i in range(min(LEAD_BLOCKS, len(blocks))) if repeats_title(blocks[i].text, title)), None)
    if head is None:
        return title, {}
    if not title or len(tokens(blocks[head].text)) < len(tokens(title)):
        title = blocks[head].text.strip()
    taken = {head: Change(STAGE, "meta.title-repeat", "extract", blocks[head].line, blocks[head].text, None,
                          {"field": "title"})}
    first_para = next((i for i, b in enumerate(blocks) if b.kind == "paragraph"), len(blocks))
    dek = head + 1
    if dek < first_para and is_dek(blocks[dek]):
        taken[dek] = Change(STAGE, "html.dek", "drop", blocks[dek].line, blocks[dek].text, None, {"category": "headline"})
    return title, taken


def body_changes(article: Article, ctx: Context, skip: set[int]) -> dict[int, Taken]:
    """Each block's caption move or HTML-rule drop, in block order (blocks in ``skip`` aside)."""
    figcaptions = {squash(t) for t in dict(article.extra).get("figcaptions", ())}
    html_rules = rule_group_of(ctx.rules.html)  # each rule tried only on blocks it can match (see RuleGroup)
    out: dict[int, Taken] = {}
    for i, block in enumerate(article.blocks):
        taken = None if i in skip else (figcaption_move(block, figcaptions) or photo_credit_move(block)
                                        or html_rule_drop(block, html_rules, ctx))
        if taken is not None:
            out[i] = taken
    return out


def figcaption_move(block: Block, figcaptions: set[str]) -> Taken | None:
    """A block that is one of the page's ``<figcaption>`` texts, its credit split off."""
    if not figcaptions or squash(block.text) not in figcaptions:
        return None
    text, credit = split_credit(block.text) or (block.text.strip(), None)
    return (Change(STAGE, "cap.figcaption", "move", block.line, block.text, None, {"credit": credit}),
            Caption(text=text, credit=credit, line=block.line))


def photo_credit_move(block: Block) -> Taken | None:
    """A short paragraph that ends with a photo credit: "Crowds at the gate (Photo: Jane Doe/Reuters)"."""
    if block.kind != "paragraph" or words(block.text) > CAPTION_MAX_WORDS:
        return None
    split = split_credit(block.text)
    if not split or not PHOTO_CREDIT.search(split[1]) or words(split[1]) > CREDIT_MAX_WORDS:
        return None
    text, credit = split
    return (Change(STAGE, "cap.photo-credit", "move", block.line, block.text, None, {"credit": credit}),
            Caption(text=text, credit=credit, line=block.line))


def html_rule_drop(block: Block, html_rules: RuleGroup, ctx: Context) -> Taken | None:
    rule = html_rules.first_match(block.text, ctx.config.regex_timeout, ctx.budget)
    if not rule:
        return None
    return Change(STAGE, rule.id, "drop", block.line, block.text, None, {"category": rule.category}), None
