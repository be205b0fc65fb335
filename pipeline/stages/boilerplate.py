"""Boilerplate removal: a filter. Each block is kept or dropped with the rule that said so.

1. Rules (data, ``pipeline/rules``) of scope ``any`` drop what they match anywhere. A line
   dropped by a rule marked ``takes_list`` that ends with a colon ("A comment will be deleted
   if it:") takes the bulleted list right under it (``pos.intro-list``).
2. The layout (headline, body run) is found among the remaining blocks.
2b. Site repetition (only when the Context holds site statistics): lines the article's site
   repeats across otherwise different articles are dropped (``site.repeated``), except
   inside the article body, where they are kept and flagged.
3. Position: lines before the headline are site chrome; non-sentence lines after the last
   body paragraph are share bars, author boxes and comment forms, except bylines, which
   stay for the metadata stage; scoped rules apply in their region. A date line between
   the headline and the body stays for the metadata stage too (the article's ``published``),
   though a date rule or the site's repetition matched it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import regex

from newsclean.pipeline.core.article import Article, Block, Change, StageResult, new_change
from newsclean.pipeline.text.bylines import is_role_only, parse_byline
from newsclean.pipeline.classify.blocks import BULLET, FEATURES, block_vectors, page_language
from newsclean.pipeline.text.credits import caption_credit
from newsclean.pipeline.text.dates import dateline, is_date_line
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.text.predicates import is_name, is_sentence, squash, words
from newsclean.pipeline.text.layout import Layout, find_layout
from newsclean.pipeline.rules.matching import RuleGroup, by_identity, rule_group
from newsclean.pipeline.rules.registry import HEURISTICS
from newsclean.pipeline.rules.regex_budget import RegexBudget
from newsclean.pipeline.rules.ruleset import Rule
from newsclean.pipeline.classify.sitestats import repeated_blocks
from newsclean.pipeline.stages.captions import is_lead_image_caption

STAGE = "boilerplate"


SCOPES = ("lead", "core", "tail")
# rules tuple's id -> (the tuple, its groups): ``for_site`` gives the same tuple for every
# article of a site without rules of its own, and ``rule_group``'s cache would hash each of
# its rules (every field, the compiled pattern too) for every article to find its groups
_GROUPS: dict[int, tuple[tuple[Rule, ...], tuple[RuleGroup, dict[str, RuleGroup]]]] = {}


def groups_for(rules: tuple[Rule, ...]) -> tuple[RuleGroup, dict[str, RuleGroup]]:
    """The rule group of ``rules`` of any scope first, then the others (``rule_hits``), and
    the group of each position scope, kept by the tuple's identity (``matching.by_identity``)."""
    return by_identity(_GROUPS, rules, _groups)


def _groups(rules: tuple[Rule, ...]) -> tuple[RuleGroup, dict[str, RuleGroup]]:
    return (rule_group(tuple(r for r in rules if r.scope == "any") + tuple(r for r in rules if r.scope != "any")),
            {s: rule_group(tuple(r for r in rules if r.scope == s)) for s in SCOPES})


def rule_hits(blocks, rules: tuple[Rule, ...], timeout: float, budget: RegexBudget | None = None) -> list[Rule | None]:
    """The rule that matches each block, whatever its scope (rules of scope any first)."""
    group = groups_for(rules)[0]
    return [group.first_match(b.text, timeout, budget) for b in blocks]


def known_authors(article: Article) -> set[str]:
    names = set(article.authors)
    for block in article.blocks:
        names.update(parse_byline(block.text) or ())
    return names


def starts_with_author(text: str, authors: set[str]) -> bool:
    return any(text.startswith(name) and text[len(name):len(name) + 1] in ("", " ", "h") for name in authors)


def tail_bylines(article: Article, layout: Layout, dropped: dict[int, Rule | str]) -> set[int]:
    """Lone-name lines after the body that sign the article: the first tail line, or a
    name that the author box below repeats ("Asif Shahid" then "Asif Shahid brings ...")."""
    keep: set[int] = set()
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


@dataclass
class Verdicts:
    """One boilerplate pass over an article: what its phases have found so far. ``dropped``
    maps a block to the rule (or heuristic id) that drops it; ``repeated`` the site
    statistics of the blocks dropped as ``site.repeated``; ``unsure`` those kept and flagged."""

    article: Article
    ctx: Context
    matched: list[Rule | None]  # the first rule of any scope that matches each block
    scoped: dict[str, RuleGroup]  # the rules of each position scope
    authors: set[str]
    dropped: dict[int, Rule | str]
    repeated: dict[int, dict]
    unsure: dict[int, dict] = field(default_factory=dict)
    listed: dict[int, int] = field(default_factory=dict)  # ``pos.intro-list``: item -> its intro's block
    signed: set[int] = field(default_factory=set)  # lone-name lines after the body: bylines
    dated: set[int] = field(default_factory=set)  # date lines between the headline and the body
    released: bool = False  # a date line a rule had dropped was left for the metadata stage
    protected: set[int] = field(default_factory=set)  # what the classifier leaves alone
    scores: dict[int, float] = field(default_factory=dict)  # the classifier's, per block it judged
    sentence_flags: list[bool] | None = None  # is_sentence of each block, once asked (``sentences``)

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.article.blocks

    def scoped_match(self, scope: str, i: int) -> Rule | None:
        """The first rule of ``scope`` that matches block i. A block no rule matched matches
        none; when the first rule that matched it (any scope first, then the others in pack
        order) is of this scope, it is this scope's first too."""
        first = self.matched[i]
        if first is None or first.scope == scope:
            return first
        return self.scoped[scope].first_match(self.blocks[i].text, self.ctx.config.regex_timeout,
                                                 self.ctx.budget)

    def not_body(self, i: int) -> bool:
        """An author bio (or a line a tail rule drops) cannot end the body."""
        return starts_with_author(self.blocks[i].text, self.authors) or self.scoped_match("tail", i) is not None

    def sentences(self) -> list[bool]:
        """``is_sentence`` of each block: the layout is found three times over the same blocks."""
        if self.sentence_flags is None:
            cfg = self.ctx.config
            self.sentence_flags = [is_sentence(b.text, cfg) for b in self.blocks]
        return self.sentence_flags

    def layout(self) -> Layout:
        """The headline and body run among the blocks not dropped yet."""
        return find_layout(self.blocks, self.ctx.config, skip=lambda i: i in self.dropped, not_body=self.not_body,
                           sentences=self.sentences())


def remove_boilerplate(article: Article, ctx: Context) -> StageResult:
    v = match_rules(article, ctx)
    layout = v.layout()
    keep_repeats_in_body(v, layout)
    v.signed = tail_bylines(article, layout, v.dropped)
    keep_head_dates(v, layout)
    drop_by_position(v, layout)
    model = ctx.rules.model("blocks") if ctx.config.classify_blocks and (v.dropped or v.released) else None
    if model is not None:
        drop_by_classifier(v, layout, model)
        drop_after_classifier(v)
    kept = tuple(Block(b.line, b.text, b.kind, round(v.scores[i], 3)) if i in v.scores else b  # replace(b, score=...)
                 for i, b in enumerate(v.blocks) if i not in v.dropped)
    return StageResult(replace(article, blocks=kept),
                       drop_changes(v) + flag_changes(v, model.flag_below if model is not None else 0.0))


def match_rules(article: Article, ctx: Context) -> Verdicts:
    """Phase 1: rules of scope any drop what they match anywhere; then, with site
    statistics, the lines the article's site repeats (``site.repeated``)."""
    rules = ctx.rules.for_site(article.site)
    scoped = dict(groups_for(rules)[1])
    matched = rule_hits(article.blocks, rules, ctx.config.regex_timeout, ctx.budget)
    dropped: dict[int, Rule | str] = {i: r for i, r in enumerate(matched) if r is not None and r.scope == "any"}
    listed = intro_lists(article.blocks, matched)
    dropped.update((i, "pos.intro-list") for i in listed)
    repeated = site_repeats(article, ctx, dropped)
    dropped.update((i, "site.repeated") for i in repeated)
    return Verdicts(article, ctx, matched, scoped, known_authors(article), dropped, repeated, listed=listed)


def classifier_hits(matched: list[Rule | None], listed: dict[int, int]) -> list[str | None]:
    """What the block classifier reads of the rules: the category of the rule that matched each
    block, and for an item of a list that a dropped intro takes (``intro_lists``), the intro's
    category: a comment policy's "will be deleted if it:" items are no running text of the
    article, and its core must not be sought among them."""
    hits = [r.category if r else None for r in matched]
    for item, intro in listed.items():
        hits[item] = hits[intro]
    return hits


def intro_lists(blocks, matched: list[Rule | None]) -> dict[int, int]:
    """The items of the bulleted lists that a dropped intro owns: a block a ``takes_list``
    rule dropped that ends with a colon ("Комментарий пользователя будет удален, если он:",
    "Register now for the following news alerts:") takes the run of bulleted blocks right under it
    (an item a rule of scope any dropped stays that rule's). Item -> its intro's block."""
    out: dict[int, int] = {}
    for i, rule in enumerate(matched):
        if rule is None or not rule.takes_list or not blocks[i].text.rstrip().endswith(":"):
            continue
        k = i + 1
        while k < len(blocks) and BULLET.match(blocks[k].text):
            item_rule = matched[k]
            if item_rule is None or item_rule.scope != "any":
                out[k] = i
            k += 1
    return out


def keep_repeats_in_body(v: Verdicts, layout: Layout) -> None:
    """Phase 2: inside the article body a repeated line may be the site's template ("Pros",
    "Cons"): precision first, it is kept and flagged."""
    v.unsure = {i: v.repeated.pop(i) for i in [i for i in v.repeated if layout.region(i) == "core"]}
    for i in v.unsure:
        del v.dropped[i]


def keep_head_dates(v: Verdicts, layout: Layout) -> None:
    """Date lines between the headline and the body ("Обновлено: 14 марта 2023, 10:42",
    "Published March 3, 2025") are the metadata stage's, as bylines are: one that a date rule
    or the site's repetition dropped is kept, and no later phase drops it. Bare dates of two
    different days there are a list's (a "more stories" list under a teaser taken for the
    headline): those not dropped yet are dropped (``pos.list-date``), none is the article's date."""
    if layout.title is None:
        return
    end = layout.first_body if layout.first_body is not None else len(v.blocks)
    found: dict[int, tuple[str, bool]] = {}
    for i in range(layout.title + 1, end):
        reason = v.dropped.get(i)
        if reason is not None and reason != "site.repeated" and (isinstance(reason, str) or reason.category != "date"):
            continue
        iso = dateline(v.blocks[i].text)
        if iso is not None:
            found[i] = (iso, is_date_line(v.blocks[i].text))
    if len({iso for iso, bare in found.values() if bare}) > 1:
        # a list's dates: none is the article's, and one the classifier kept would become its
        # published date (the metadata stage takes a head date line it finds)
        for i, (_, bare) in found.items():
            if bare and i not in v.dropped:
                v.dropped[i] = "pos.list-date"
        found = {i: f for i, f in found.items() if not f[1]}
    for i in found:
        v.dated.add(i)
        if i in v.dropped:
            del v.dropped[i]
            v.repeated.pop(i, None)
            v.released = True


SCOPE_OF_REGION = {"lead": "lead", "head": "core", "core": "core", "tail": "tail"}


def drop_by_position(v: Verdicts, layout: Layout) -> None:
    """Phase 3: the headline's repeats, the scoped rules of each block's region, and the
    position heuristics (before the headline, after the body)."""
    headline = squash(v.blocks[layout.title].text) if layout.title is not None else None
    for i in range(len(v.blocks)):
        if i in v.dropped or i == layout.title or i in v.dated:
            continue
        verdict = position_verdict(v, layout, i, headline)
        if verdict is not None:
            v.dropped[i] = verdict


def position_verdict(v: Verdicts, layout: Layout, i: int, headline: str | None) -> Rule | str | None:
    """Why block i goes by its position, or None: it stays."""
    text, cfg = v.blocks[i].text, v.ctx.config
    if headline and squash(text) == headline:
        return "pos.headline-repeat"
    region = layout.region(i)
    # a byline is the metadata stage's: a scoped rule for another story's headline ("...: Jane
    # Doe") must not take "Автор: Ирина Смирнова" or "Written by: Jonathan Richardson"
    rule = None if parse_byline(text) else v.scoped_match(SCOPE_OF_REGION[region], i)
    if rule:
        return rule
    if region == "lead" and cfg.drop_lead:
        return "pos.before-headline"
    if region == "tail" and cfg.drop_tail and i not in v.signed:
        return tail_verdict(text, v.authors, cfg)
    return None


def tail_verdict(text: str, authors: set[str], cfg) -> str | None:
    """A line after the body: the author box, or any non-sentence line (share bars,
    related headlines, comment forms, footers)."""
    if starts_with_author(text, authors):
        return "pos.author-bio"
    if is_role_only(text):
        return "pos.author-role"
    if not is_sentence(text, cfg):
        return "pos.after-body"
    return None


def drop_by_classifier(v: Verdicts, layout: Layout, model) -> None:
    """Phase 4: the block classifier scores what is left. It runs only on a page that shows
    boilerplate (the caller's test): a clean text (our own output) is left as it is, so that
    cleaning twice changes nothing."""
    hits = classifier_hits(v.matched, v.listed)
    v.protected = protected_blocks(v.blocks, layout, v.signed, v.ctx.config) | v.dated
    v.scores, sentences, running = classify(v.article, v.dropped.keys() | v.protected, hits, model, v.ctx.config)
    if not running:
        # no block reads as running text (a script whose sentence ends we do not know, a page
        # of labels): the model, fitted on pages with an article, would take everything; its
        # scores stay (flagged where low) and nothing is dropped on its word
        return
    for i, p in v.scores.items():
        # precision first: a sentence-like block needs a clearer verdict than a menu line
        if p < model.drop_below * (SENTENCE_DROP_FACTOR if i in sentences else 1.0):
            v.dropped[i] = "clf.blocks"
    keep_speaker_turns(v)


# a turn of an interview or a transcript: a speaker's label, a colon, the words ("Q: ...",
# "A: ...", "JOHN SMITH: ...", "Вопрос: ..."): a capitalised label of at most four words and no digit
SPEAKER = regex.compile(r"^[-–—]?\s*(\p{Lu}[\p{L}\p{M}.'’]*(?:[ -][\p{L}\p{M}.'’]+){0,3})\s*:\s+\S")
SPEAKER_TURNS = 2  # each of at least two speakers has this many turns the classifier kept
# a turn of a dialogue written with dashes, as Russian, Polish, Spanish or French interviews
# are ("— Откуда взялась идея книги?"): the speakers take turns unnamed; a hyphen is left out,
# naive scrapes write list items with it
DASH_TURN = regex.compile(r"^[–—]\s+\S")
DASH = "—"  # the dialogue's one label: its kept turns count for two speakers'


def speaker(text: str) -> str | None:
    m = SPEAKER.match(text)
    if m:
        return m.group(1).casefold()
    return DASH if DASH_TURN.match(text) else None


def keep_speaker_turns(v: Verdicts) -> None:
    """An interview's turns are one run: the classifier reads its last short question and
    answer ("Q: What are you reading now?", "A: Poetry, mostly.") as the page's tail. Where
    at least two speakers each have ``SPEAKER_TURNS`` turns the classifier kept (a dash
    dialogue twice as many), a turn of theirs that it dropped stays when only their turns and
    kept blocks stand between it and a kept turn (precision first; its low score is flagged)."""
    labels = [speaker(b.text) for b in v.blocks]
    kept = Counter(labels[i] for i in v.scores if i not in v.dropped and labels[i] is not None)
    speakers = {label for label, n in kept.items() if n >= SPEAKER_TURNS * (2 if label == DASH else 1)}
    if len(speakers) < 2 and DASH not in speakers:
        return
    run: list[int] = []  # the current run of speakers' turns and kept blocks
    for i in range(len(v.blocks) + 1):
        if i < len(v.blocks) and (labels[i] in speakers and v.dropped.get(i, "clf.blocks") == "clf.blocks"
                                  or i not in v.dropped):
            run.append(i)
            continue
        if any(labels[j] in speakers and j not in v.dropped for j in run):
            for j in run:
                if v.dropped.get(j) == "clf.blocks":
                    del v.dropped[j]
        run = []


def drop_after_classifier(v: Verdicts) -> None:
    """Phase 5, after the classifier judged: one copy of a repeated block stays, and the
    body may end earlier now, so its new tail goes too."""
    if not v.scores:
        return
    cfg = v.ctx.config
    v.dropped.update(duplicates(v.blocks, cfg, v.dropped, v.protected, v.not_body, v.sentences()))
    if cfg.drop_tail:
        end = v.layout().last_body
        for i in range(len(v.blocks) if end is None else end + 1, len(v.blocks)):
            if i not in v.dropped and i not in v.protected and not is_sentence(v.blocks[i].text, cfg):
                v.dropped[i] = "pos.after-body"


def drop_changes(v: Verdicts) -> tuple[Change, ...]:
    """A ``drop`` change per dropped block, in block order, with its category (and score and
    site statistics when it has them)."""
    blocks = v.blocks
    return tuple(
        new_change(STAGE, r if isinstance(r, str) else r.id, "drop", blocks[i].line, blocks[i].text, None,
                   {"category": HEURISTICS[r][0] if isinstance(r, str) else r.category}
                   | ({"score": round(v.scores[i], 3)} if i in v.scores else {}) | v.repeated.get(i, {})
                   | _intro(v, i))
        for i, r in sorted(v.dropped.items()))


def _intro(v: Verdicts, i: int) -> dict:
    """A ``pos.intro-list`` change's detail: its intro's rule and line (the change's category
    is the registry's for ``pos.intro-list``, as for every rule id)."""
    if i not in v.listed:
        return {}
    intro = v.listed[i]
    rule = v.matched[intro]
    assert rule is not None  # an intro is a line a takes_list rule matched
    return {"intro_rule": rule.id, "intro_line": v.blocks[intro].line}


def flag_changes(v: Verdicts, flag_below: float) -> tuple[Change, ...]:
    """``flag`` changes of the blocks kept: those the classifier was unsure of, then the
    site's repeated lines kept inside the body."""
    blocks = v.blocks
    unsure = [new_change(STAGE, "clf.unsure", "flag", blocks[i].line, blocks[i].text, None,
                         {"category": "classifier", "score": round(p, 3)})
              for i, p in v.scores.items() if i not in v.dropped and p < flag_below]
    repeats = [Change(STAGE, "site.repeated", "flag", blocks[i].line, blocks[i].text, None,
                      {"category": "site_chrome"} | d | {"kept": "inside the article body"})
               for i, d in sorted(v.unsure.items()) if i not in v.dropped]
    return tuple(unsure + repeats)


def protected_blocks(blocks, layout: Layout, signed: set[int], cfg) -> set[int]:
    """What the classifier leaves alone: the headline, bylines and photo captions (credited,
    or the lead image's line under the byline) are the later stages' to take. A body paragraph
    that a credit ends is not a caption (``caption_credit``): the classifier judges it."""
    credited = [caption_credit(b.text) is not None for b in blocks] + [False]  # each block's, asked once
    return signed | {i for i, b in enumerate(blocks) if i == layout.title or parse_byline(b.text) is not None
                     or (layout.region(i) == "head" and is_name(b.text)) or credited[i] or credited[i + 1]
                     or (layout.region(i) == "head" and is_lead_image_caption(blocks, i, layout.first_body, cfg))}


DUPLICATE_MIN_WORDS = 8  # shorter lines (a song's chorus, "Pros") may repeat in an article


def duplicates(blocks, cfg, dropped, protected, not_body, sentences=None) -> dict[int, str]:
    """Kept blocks of at least ``DUPLICATE_MIN_WORDS`` words whose text another kept block
    repeats (a gallery's captions, a teaser shown twice, a pull quote): one copy stays, the
    first inside the article body, else the first; the others go as ``pos.duplicate``."""
    copies: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        if i not in dropped and i not in protected and words(block.text) >= DUPLICATE_MIN_WORDS:
            copies.setdefault(squash(block.text.lstrip("*+-•· ")), []).append(i)
    repeated = [found for found in copies.values() if len(found) > 1]
    if not repeated:
        return {}
    layout = find_layout(blocks, cfg, skip=lambda i: i in dropped, not_body=not_body, sentences=sentences)
    out: dict[int, str] = {}
    for found in repeated:
        keep = next((i for i in found if layout.region(i) == "core"), found[0])
        out.update((i, "pos.duplicate") for i in found if i != keep)
    return out


def site_repeats(article: Article, ctx: Context, dropped) -> dict[int, dict]:
    """Blocks the article's site repeats ({count, clusters, stats_version} each); none
    without site statistics. Bylines stay for the metadata stage."""
    stats = ctx.site_stats
    entry = stats.for_site(article.site) if stats else None
    if stats is None or entry is None:
        return {}
    texts = [b.text for b in article.blocks]
    skip = set(dropped) | {i for i, t in enumerate(texts) if parse_byline(t) is not None}
    return {i: d | {"stats_version": entry["version"]}
            for i, d in repeated_blocks(texts, entry, ctx.config, stats.params, skip).items()}


SENTENCE_DROP_FACTOR = 0.5  # a sentence-like block is dropped below half the model's drop_below
GOOD, AFTER_END, TIGHT_DIST = FEATURES.index("good"), FEATURES.index("after_end"), FEATURES.index("tight_dist")


def classify(article: Article, skip: set[int], hits: list, model, cfg) -> tuple[dict[int, float], set[int], bool]:
    """The model's probability of being article text for each block not in ``skip``, which
    blocks read as sentences inside the article core (``classify.tight_span``) and before any
    end marker (a comment heading, a related list), and whether any block reads as running
    text (the classifier's ``good``)."""
    blocks = article.blocks
    vectors = block_vectors(blocks, cfg, page_language(blocks, cfg), hits)
    scores = model.probabilities(vectors, [words(b.text) for b in blocks])
    return ({i: p for i, p in enumerate(scores) if i not in skip},
            {i for i, v in enumerate(vectors) if v[GOOD] and not v[AFTER_END] and v[TIGHT_DIST] == 0.0},
            any(v[GOOD] for v in vectors))
