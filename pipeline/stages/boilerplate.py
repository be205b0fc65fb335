"""Boilerplate removal: a filter. Each block is kept or dropped with the rule that said so.

1. Rules (data, ``pipeline/rules``) of scope ``any`` drop what they match anywhere.
2. The layout (headline, body run) is found among the remaining blocks.
2b. Site repetition (only when the Context holds site statistics): lines the article's site
   repeats across otherwise different articles are dropped (``site.repeated``), except
   inside the article body, where they are kept and flagged.
3. Position: lines before the headline are site chrome; non-sentence lines after the last
   body paragraph are share bars, author boxes and comment forms, except bylines, which
   stay for the metadata stage; scoped rules apply in their region.
"""
from __future__ import annotations

from dataclasses import replace

from ..article import Article, Change, StageResult
from ..bylines import is_role_only, parse_byline
from ..classify import FEATURES, block_vectors, page_language, word_count
from ..credits import caption_credit
from ..context import Context
from ..features import is_name, is_sentence, squash
from ..layout import Layout, find_layout
from ..matching import rule_group
from ..regex_budget import RegexBudget
from ..rules import Rule
from ..sitestats import repeated_blocks
from .captions import is_lead_image_caption

STAGE = "boilerplate"


def rule_hits(blocks, rules: tuple[Rule, ...], timeout: float, budget: RegexBudget | None = None) -> list[Rule | None]:
    """The rule that matches each block, whatever its scope (rules of scope any first)."""
    group = rule_group(tuple(r for r in rules if r.scope == "any") + tuple(r for r in rules if r.scope != "any"))
    return [group.first_match(b.text, timeout, budget) for b in blocks]


def known_authors(article: Article) -> set[str]:
    names = set(article.authors)
    for block in article.blocks:
        names.update(parse_byline(block.text) or ())
    return names


def starts_with_author(text: str, authors: set[str]) -> bool:
    return any(text.startswith(name) and text[len(name):len(name) + 1] in ("", " ", "h") for name in authors)


def tail_bylines(article: Article, layout: Layout, dropped: dict[int, Rule]) -> set[int]:
    """Lone-name lines after the body that sign the article: the first tail line, or a
    name that the author box below repeats ("Asif Shahid" then "Asif Shahid brings ...")."""
    keep = set()
    if layout.last_body is None:
        return keep
    blocks = article.blocks
    for i in range(layout.last_body + 1, len(blocks)):
        text = blocks[i].text.strip()
        if i in dropped or not (is_name(text) or parse_byline(text)):
            continue
        first_in_tail = all(j in dropped for j in range(layout.last_body + 1, i)) or i == layout.last_body + 1
        repeated = any(blocks[j].text.strip().startswith(text) for j in range(i + 1, min(i + 3, len(blocks))))
        if first_in_tail or repeated or parse_byline(text):
            keep.add(i)
    return keep


def remove_boilerplate(article: Article, ctx: Context) -> StageResult:
    cfg, timeout = ctx.config, ctx.config.regex_timeout
    rules = ctx.rules.for_site(article.site)
    scoped = {s: rule_group(tuple(r for r in rules if r.scope == s)) for s in ("lead", "core", "tail")}
    blocks = article.blocks

    matched = rule_hits(blocks, rules, timeout, ctx.budget)
    dropped: dict[int, Rule | str] = {i: r for i, r in enumerate(matched) if r is not None and r.scope == "any"}

    repeated = site_repeats(article, ctx, dropped)
    dropped.update((i, "site.repeated") for i in repeated)
    authors = known_authors(article)

    def scoped_match(scope: str, i: int) -> Rule | None:
        """The first rule of ``scope`` that matches block i. A block no rule matched matches
        none; when the first rule that matched it (any scope first, then the others in pack
        order) is of this scope, it is this scope's first too."""
        first = matched[i]
        if first is None or first.scope == scope:
            return first
        return scoped[scope].first_match(blocks[i].text, timeout, ctx.budget)

    def not_body(i: int) -> bool:  # an author bio cannot end the body
        return starts_with_author(blocks[i].text, authors) or scoped_match("tail", i) is not None

    layout = find_layout(blocks, cfg, skip=lambda i: i in dropped, not_body=not_body)
    # inside the article body a repeated line may be the site's template ("Pros", "Cons"):
    # precision first, it is kept and flagged
    unsure = {i: repeated.pop(i) for i in [i for i in repeated if layout.region(i) == "core"]}
    for i in unsure:
        del dropped[i]
    signed = tail_bylines(article, layout, dropped)
    headline = squash(blocks[layout.title].text) if layout.title is not None else None
    for i, block in enumerate(blocks):
        if i in dropped or i == layout.title:
            continue
        if headline and squash(block.text) == headline:
            dropped[i] = "pos.headline-repeat"
            continue
        region = layout.region(i)
        scope = {"lead": "lead", "head": "core", "core": "core", "tail": "tail"}[region]
        rule = scoped_match(scope, i)
        if rule:
            dropped[i] = rule
        elif region == "lead" and cfg.drop_lead:
            dropped[i] = "pos.before-headline"
        elif region == "tail" and cfg.drop_tail and i not in signed:
            if starts_with_author(block.text, authors):
                dropped[i] = "pos.author-bio"
            elif is_role_only(block.text):
                dropped[i] = "pos.author-role"
            elif not is_sentence(block.text, cfg):
                dropped[i] = "pos.after-body"

    # the classifier runs only on a page that shows boilerplate: a clean text (our own
    # output) is left as it is, so that cleaning twice changes nothing
    model = ctx.rules.model("blocks") if cfg.classify_blocks and dropped else None
    hits = [r.category if r else None for r in matched]
    protected = protected_blocks(blocks, layout, signed, cfg) if model else set()
    scores, sentences = classify(article, dropped.keys() | protected, hits, model, cfg) if model else ({}, set())
    for i, p in scores.items():
        # precision first: a sentence-like block needs a clearer verdict than a menu line
        if p < model.drop_below * (SENTENCE_DROP_FACTOR if i in sentences else 1.0):
            dropped[i] = "clf.blocks"
    if scores:
        dropped.update(duplicates(blocks, cfg, dropped, protected, not_body))
    if scores and cfg.drop_tail:  # the body may end earlier now: its new tail goes too
        end = find_layout(blocks, cfg, skip=lambda i: i in dropped, not_body=not_body).last_body
        for i in range(len(blocks) if end is None else end + 1, len(blocks)):
            if i not in dropped and i not in protected and not is_sentence(blocks[i].text, cfg):
                dropped[i] = "pos.after-body"
    flagged = [Change(STAGE, "clf.unsure", "flag", blocks[i].line, blocks[i].text, None,
                      {"category": "classifier", "score": round(p, 3)})
               for i, p in scores.items() if i not in dropped and p < model.flag_below]
    flagged += [Change(STAGE, "site.repeated", "flag", blocks[i].line, blocks[i].text, None,
                       {"category": "site_chrome"} | d | {"kept": "inside the article body"})
                for i, d in sorted(unsure.items()) if i not in dropped]

    changes = tuple(
        Change(STAGE, r if isinstance(r, str) else r.id, "drop", blocks[i].line, blocks[i].text, None,
               {"category": HEURISTICS[r][0] if isinstance(r, str) else r.category}
               | ({"score": round(scores[i], 3)} if i in scores else {}) | repeated.get(i, {}))
        for i, r in sorted(dropped.items())
    ) + tuple(flagged)
    kept = tuple(b for i, b in enumerate(blocks) if i not in dropped)
    return StageResult(replace(article, blocks=kept), changes)


def protected_blocks(blocks, layout: Layout, signed: set[int], cfg) -> set[int]:
    """What the classifier leaves alone: the headline, bylines and photo captions (credited,
    or the lead image's line under the byline) are the later stages' to take. A body paragraph
    that a credit ends is not a caption (``caption_credit``): the classifier judges it."""
    return signed | {i for i, b in enumerate(blocks) if i == layout.title or parse_byline(b.text) is not None
                     or (layout.region(i) == "head" and is_name(b.text)) or caption_credit(b.text) is not None
                     or (i + 1 < len(blocks) and caption_credit(blocks[i + 1].text) is not None)
                     or (layout.region(i) == "head" and is_lead_image_caption(blocks, i, layout.first_body, cfg))}


DUPLICATE_MIN_WORDS = 8  # shorter lines (a song's chorus, "Pros") may repeat in an article


def duplicates(blocks, cfg, dropped, protected, not_body) -> dict[int, str]:
    """Kept blocks of at least ``DUPLICATE_MIN_WORDS`` words whose text another kept block
    repeats (a gallery's captions, a teaser shown twice, a pull quote): one copy stays, the
    first inside the article body, else the first; the others go as ``pos.duplicate``."""
    copies: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        if i not in dropped and i not in protected and word_count(block.text) >= DUPLICATE_MIN_WORDS:
            copies.setdefault(squash(block.text.lstrip("*+-•· ")), []).append(i)
    repeated = [found for found in copies.values() if len(found) > 1]
    if not repeated:
        return {}
    layout = find_layout(blocks, cfg, skip=lambda i: i in dropped, not_body=not_body)
    out = {}
    for found in repeated:
        keep = next((i for i in found if layout.region(i) == "core"), found[0])
        out.update((i, "pos.duplicate") for i in found if i != keep)
    return out


def site_repeats(article: Article, ctx: Context, dropped) -> dict[int, dict]:
    """Blocks the article's site repeats ({count, clusters, stats_version} each); none
    without site statistics. Bylines stay for the metadata stage."""
    stats = ctx.site_stats
    entry = stats.for_site(article.site) if stats else None
    if entry is None:
        return {}
    texts = [b.text for b in article.blocks]
    skip = set(dropped) | {i for i, t in enumerate(texts) if parse_byline(t) is not None}
    return {i: d | {"stats_version": entry["version"]}
            for i, d in repeated_blocks(texts, entry, ctx.config, stats.params, skip).items()}


SENTENCE_DROP_FACTOR = 0.5  # a sentence-like block is dropped below half the model's drop_below
GOOD, AFTER_END, TIGHT_DIST = FEATURES.index("good"), FEATURES.index("after_end"), FEATURES.index("tight_dist")


def classify(article: Article, skip: set[int], hits: list, model, cfg) -> tuple[dict[int, float], set[int]]:
    """The model's probability of being article text for each block not in ``skip``, and
    which blocks read as sentences inside the article core (``classify.tight_span``) and
    before any end marker (a comment heading, a related list)."""
    blocks = article.blocks
    vectors = block_vectors(blocks, cfg, page_language(blocks, cfg), hits)
    scores = model.probabilities(vectors, [word_count(b.text) for b in blocks])
    return ({i: p for i, p in enumerate(scores) if i not in skip},
            {i for i, v in enumerate(vectors) if v[GOOD] and not v[AFTER_END] and v[TIGHT_DIST] == 0.0})


HEURISTICS = {  # rule id -> (category, description), for logs, stats and the report
    "pos.before-headline": ("site_chrome", "A line before the headline: site chrome, menus, the date of the day."),
    "pos.after-body": ("site_chrome", "A non-sentence line after the last body paragraph: share bars, "
                       "related headlines, author boxes, comment forms, footers."),
    "pos.headline-repeat": ("headline", "The headline again (breadcrumb, share text, sticky header): the title "
                            "is taken once by the metadata stage."),
    "pos.author-bio": ("author_bio", "A line after the body that starts with the author's name: the author box."),
    "clf.blocks": ("classifier", "The block classifier scored the block as not article text (its score "
                   "is in the change): not sentence-like and among menus, lists or other non-article blocks."),
    "site.repeated": ("site_chrome", "A line the article's site repeats across otherwise different articles "
                      "(site statistics, `newsclean sitestats`): menus, footers, promos. Never long sentence-like text."),
    "pos.duplicate": ("duplicate", "A block whose text another kept block repeats (a gallery's captions, a teaser "
                      "shown twice, a pull quote): the copy inside the article body stays, else the first."),
    "pos.author-role": ("author_bio", "A role with no name after the body ('Freelance Journalist'): the author box."),
}
