"""Block classification: how much each block reads as article text, from its own features
and from its neighbours'.

Each block gets a vector of features (``FEATURE_TABLE``: a name to a small function that
computes that feature for every block of a page, from the page's facts computed once,
``page_facts``): sentence-likeness (length, terminal punctuation, stop-word density in the
page's language, capitalisation, digits, URLs, bullets) and context (are the neighbours
running text, is the block inside the article core, i.e. the densest run of sentence blocks,
found as a maximum-sum segment). A model file names the features it was trained on; loading
it checks them against the table.
A logistic model (weights kept as data, ``pipeline/rules/models/``) turns the vector into
the probability that the block is article text. Pure Python, no runtime dependency.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, groupby
from operator import mul
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

import regex

from newsclean.pipeline.core.article import Block
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.credits import caption_credit
from newsclean.pipeline.text.dates import is_date_line
from newsclean.pipeline.text.predicates import (
    INNER_SENTENCE, ends_like_sentence, ends_unmarked, has_url, is_headline, is_name, words,
)
from newsclean.pipeline.classify.ensemble import EnsembleModel, ensemble_from_json
from newsclean.pipeline.classify.model_features import weights_by_name
from newsclean.pipeline.rules.ruleset import RuleError
from newsclean.pipeline.text.languages import STOPWORDS, guess_language, reader_address, stopword_density, tokens

BULLET = re.compile(r"^\s*(?:[•·▪◦‣●■□►▶➤*+o-]|\d{1,2}[.)])(?:\s|$)")
SEPARATOR = re.compile(r"\s[|•·/»>]\s|\s[|]|[|]\s")
WINDOW = 3

# rule categories that end an article: what follows them is comments, related lists, footers
END_CATEGORIES = frozenset({"comment_form", "related", "subscribe", "author_bio", "legal", "credits", "login", "cookie"})
COMMENT_CATEGORIES = frozenset({"comment_form"})
CAPITALISED = regex.compile(r"(?<!\S)\p{Lu}")  # a word that starts with a capital
# a teaser's headline glued to its summary by a naive scrape: "Student-AthleteA 24-year-old"
GLUED_PLAIN = r"\p{Ll}{3}[.!?]?\p{Lu}(?:\p{Ll}|\s)"  # what GLUED finds, as first written
# GLUED_PLAIN's capital first and what must precede it as a look-behind: the same places
# (only whether one occurs is asked), but the engine skips to a capital instead of trying
# three lower-case letters at every position (5x fewer steps on prose)
GLUED = regex.compile(r"\p{Lu}(?<=\p{Ll}{3}[.!?]?\p{Lu})(?:\p{Ll}|\s)")
# the same two on ASCII text, where the standard re module is faster (regex's \s is these
# six characters there; re's would add \x1c-\x1f); re's look-behinds are of one width each
CAPITALISED_ASCII = re.compile(r"(?<![^\t\n\x0b\x0c\r ])[A-Z]")
GLUED_ASCII = re.compile(r"[A-Z](?:(?<=[a-z]{3}[A-Z])|(?<=[a-z]{3}[.!?][A-Z]))(?:[a-z]|[\t\n\x0b\x0c\r ])")
SEPARATOR_CHARS = frozenset("|•·/»>")  # SEPARATOR matches none of a text without one of these
DIGIT = re.compile(r"\d")
# a clock time ("10:48", "(29/12 - 10:54)"): teaser lists, live tickers and comment headers
# stamp their lines with one in any language; article sentences rarely hold one
CLOCK = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])")
TEASER_TITLE_WORDS = 15  # a teaser's title line is at most this long
TEASER_SUMMARY_WORDS = 45  # and its summary one sentence of at most this many words
LAST_RUN = 3  # the article's last dense run: this many sentence blocks in a row
# A photo caption in news agency style: who is where in the picture ("Jane Doe, left, and ...")
# or the full date with its weekday ("in Hanoi, Wednesday, Nov. 20, 2019"), which articles
# rarely give for their own events; comment headers carry the same full date
PICTURE_POSITION = re.compile(r", (?:left|right|center|centre|(?:second|third) from (?:left|right)|foreground|background),")
FULL_DATE = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                       r"[a-z]*\.? \d{1,2},? (?:19|20)\d\d\b")


CAPTION_MIN_WORDS = 8  # a caption says who does what: a date line alone is the date feature's


def caption_like(text: str) -> bool:
    return ((", " in text and PICTURE_POSITION.search(text) is not None)
            or ("day" in text and FULL_DATE.search(text) is not None))


# a short line that greets or thanks someone: a reply in a comment thread ("Hi Alex,")
GREETING = regex.compile(r"^(?:hi|hello|hey|dear|thanks|thank you|hola|bonjour|salut|hallo|ciao|olá|oi)\b[^.!?]{0,30}[,!.]?$",
                         regex.I)
GREETING_MAX_WORDS = 5


def digits(text: str) -> int:
    """The digits of ``text`` (``\\d``): a findall, which on ASCII text is 2.6x cheaper than the
    length a deleting ``str.translate`` leaves."""
    return len(DIGIT.findall(text))


CONTEXT_FEATURES = (
    "bias", "logit", "prev", "next", "window", "max_before", "max_after", "sandwiched", "in_core", "core_dist",
)


def _sigmoids(zs: Iterable[float]) -> list[float]:
    """The logistic function of each (z clipped to +-50), in one comprehension: no call per block."""
    exp = math.exp
    return [1.0 / (1.0 + exp(-max(-50.0, min(50.0, z)))) for z in zs]


@dataclass(frozen=True)
class BlockModel:
    """Two logistic passes. The first scores each block from ``FEATURES``; the second from
    ``CONTEXT_FEATURES``, i.e. the first pass's scores of the block and of its neighbours
    (a block among article paragraphs is article text, one among menu items is not)."""

    name: str
    weights: tuple[float, ...]
    context_weights: tuple[float, ...]
    drop_below: float  # drop a block whose probability is below this
    flag_below: float  # keep but flag a block whose probability is below this

    def first_pass(self, vectors: Sequence[Sequence[float]]) -> list[float]:
        weights = self.weights
        return _sigmoids([sum(map(mul, weights, v)) for v in vectors])

    def probabilities(self, vectors: Sequence[Sequence[float]], words: Sequence[int]) -> list[float]:
        first = self.first_pass(vectors)
        weights = self.context_weights
        return _sigmoids([sum(map(mul, weights, v)) for v in context_vectors(first, words)])


def model_from_json(name: str, data: dict) -> BlockModel:
    """A block model from its file; its feature names are checked against ``FEATURE_TABLE``
    and ``CONTEXT_FEATURES`` (``model_features.weights_by_name``)."""
    weights = weights_by_name(name, "features", FEATURES, data["features"], data["weights"])
    context = weights_by_name(name, "context_features", CONTEXT_FEATURES, data["context_features"], data["context_weights"])
    return BlockModel(name, weights, context, float(data["drop_below"]), float(data["flag_below"]))


def load_models(files: Sequence[tuple[str, str]]) -> list[tuple[str, str, BlockModel | EnsembleModel]]:
    """``(relative path, JSON text)`` of model files to ``(path, text, model)`` for
    ``rules.build_ruleset``: a block classifier, or the HTML vote (``"kind": "ensemble"``);
    a bad file is a RuleError that names it."""
    loaded: list[tuple[str, str, BlockModel | EnsembleModel]] = []
    for source, text in sorted(files):
        try:
            data = json.loads(text)
            load = ensemble_from_json if data.get("kind") == "ensemble" else model_from_json
            model = load(source.rsplit("/", 1)[-1].removesuffix(".json"), data)
        except (ValueError, KeyError, TypeError) as exc:
            raise RuleError(f"{source}: bad model: {exc}") from None
        loaded.append((source, text, model))
    return loaded


def context_vectors(first: Sequence[float], words: Sequence[int]) -> list[tuple[float, ...]]:
    """Second-pass features: a block's first-pass score and its neighbours'."""
    n = len(first)
    span = _max_segment([w if p >= 0.5 else -min(w, 10) - 2 for p, w in zip(first, words)])
    out: list[tuple[float, ...]] = []
    for i, p in enumerate(first):
        q = min(max(p, 1e-4), 1 - 1e-4)
        before_window, after_window = first[max(0, i - WINDOW):i], first[i + 1:i + 1 + WINDOW]
        window: list[float] = [*before_window, *after_window]
        before, after = max(before_window, default=0.0), max(after_window, default=0.0)
        in_core, dist, _, _ = _where(span, i, n)
        out.append((1.0, math.log(q / (1 - q)), first[i - 1] if i else 0.0, first[i + 1] if i + 1 < n else 0.0,
                    _ratio(sum(window), len(window)), before, after, min(before, after), float(in_core),
                    math.log1p(dist)))
    return out


class Local(NamedTuple):  # a tuple: made for every block of every page, a frozen dataclass costs more
    words: int
    terminal: bool
    stop: float
    caps: float
    url: bool
    good: bool


def local(text: str, lang: str | None, cfg: CleanConfig) -> Local:
    n = words(text)
    pieces = n if text.isascii() else len(text.split())  # words() of ASCII text is its split's length
    terminal = ends_like_sentence(text)
    stop = stopword_density(text, lang)
    url = has_url(text)
    # a page in a language without stop words (Chinese, Japanese, or none guessed) is judged by
    # its structure alone
    enough_stop = stop >= 0.15 or lang not in STOPWORDS
    # Thai and Lao mark no sentence end: a block as long as a sentence of theirs reads as one
    ended = terminal or n >= cfg.long_block_words or (n >= cfg.unmarked_sentence_words and ends_unmarked(text))
    good = n >= 7 and ended and enough_stop and not url
    caps = _ratio(len((CAPITALISED_ASCII if text.isascii() else CAPITALISED).findall(text)), pieces)
    return Local(n, terminal, stop, caps, url, good)


def core_span(locals_: Sequence[Local]) -> tuple[int, int] | None:
    """The densest run of running text: the segment with the largest sum, where a good block
    counts its words and any other block costs (a menu line, a share bar)."""
    return _max_segment([b.words if b.good else -min(b.words, 10) - 2 for b in locals_])


BREAK_RUN = 3  # this many non-sentence blocks in a row (share bars, tags, a comment header) break the body
BREAK_COST = 50  # what such a run, or one end marker (a comment heading, "Related"), costs in words


def tight_span(locals_: Sequence[Local], hits: Sequence[str | None],
               texts: Sequence[str]) -> tuple[int, int] | None:
    """The article core when breaks cost more: an end marker (a rule of an END category) or
    a run of ``BREAK_RUN`` non-sentence blocks costs ``BREAK_COST`` words, so that comments
    and related teasers after the article's end do not join it by their mass alone. A comment
    thread (``thread_start``, read from the blocks' ``texts``) ends the page for it: the core is
    sought before the thread's heading when ``THREAD_BEFORE_WORDS`` of running text are there
    (a thread of 270 comments outweighs any article)."""
    good = [b.good and hits[i] is None for i, b in enumerate(locals_)]
    run = []  # run[i]: the length of the run of non-sentence blocks holding block i (0 for a sentence)
    for is_good, group in groupby(good):
        size = len(list(group))
        run.extend([0 if is_good else size] * size)
    values: list[float] = []
    for i, b in enumerate(locals_):
        if hits[i] in END_CATEGORIES:
            values.append(-BREAK_COST)
        elif good[i]:
            values.append(b.words)
        elif run[i] >= BREAK_RUN:
            values.append(-max(BREAK_COST / run[i], min(b.words, 10) + 2))
        else:
            values.append(-min(b.words, 10) - 2)
    start = thread_start(locals_, hits, texts)
    if start is not None:
        before = _max_segment(values[:start])
        if before is not None and sum(values[before[0]:before[1] + 1]) >= THREAD_BEFORE_WORDS:
            return before
    return _max_segment(values)


# A reader comment's meta line, as a shape: its words and digits, each run of capitalised
# words (a name, a month) one "W", each number "0": "Matt Jaycox | November 9, 2012 12:13 AM |
# Reply" and "Bart | November 9, 2012 12:20 AM | Reply" are both "W | W 0 , 0 : 0 W | W"
SHAPE_TOKEN = regex.compile(r"\d+|[\p{L}\p{M}'’]+|[^\s\w]")
THREAD_FIRST = 3  # a thread's first meta line is at most this many blocks under its heading
THREAD_REACH = 40  # and its shape recurs within this many blocks under it
THREAD_META = 3  # this many times
THREAD_META_WORDS = 15  # a meta line has at most this many words
THREAD_BEFORE_WORDS = 40  # running text before the heading, in words, for the core to be sought there


def line_shape(text: str) -> str:
    out: list[str] = []
    for token in SHAPE_TOKEN.findall(text):
        shape = ("0" if token[0].isdigit() else "W" if token[0].isupper()
                 else token.lower() if token[0].isalpha() else token)
        if not (shape in ("W", "0") and out and out[-1] == shape):
            out.append(shape)
    return " ".join(out)


def _meta_shape(text: str, loc: Local) -> str | None:
    """The shape of a line that may be a reader's meta line: short, no sentence, holding a
    number and a capitalised word, and no photo credit ("Photograph: John Smith/Reuters 2019"
    under each picture of a gallery is alike too)."""
    if loc.good or loc.words > THREAD_META_WORDS:
        return None
    parts = line_shape(text).split()
    if "0" not in parts or "W" not in parts or caption_credit(text) is not None:
        return None
    return " ".join(parts)


def thread_start(locals_: Sequence[Local], hits: Sequence[str | None], texts: Sequence[str]) -> int | None:
    """The comment marker that heads a reader-comment thread, or None: after the page's first
    running text, a marker ("270 Comments", "37 Responses to ...") with a meta line (a short
    line that is no sentence, holding a number and a capitalised word) within THREAD_FIRST
    blocks under it, whose shape recurs THREAD_META times within THREAD_REACH blocks ("Name |
    date time | Reply", "1. Tommy July 16, 2012 at 7:03 pm #"). A comment link in the article's
    toolbar has the article under it, not a thread."""
    seen_text = False
    metas: dict[int, str | None] = {}  # block -> its shape as a meta line (None: no meta line), made once
    for c, hit in enumerate(hits):
        seen_text = seen_text or (locals_[c].good and hit is None)
        if hit not in COMMENT_CATEGORIES or not seen_text:
            continue
        shapes: Counter = Counter()
        first = None
        for j in range(c + 1, min(len(texts), c + 1 + THREAD_REACH)):
            if j not in metas:
                metas[j] = _meta_shape(texts[j], locals_[j])
            shape = metas[j]
            if shape is not None:
                shapes[shape] += 1
                first = first or (j, shape)
        if first is not None and first[0] - c <= THREAD_FIRST and shapes[first[1]] >= THREAD_META:
            return c
    return None


def _max_segment(values: Sequence[float]) -> tuple[int, int] | None:
    """(first, last) index of the contiguous segment with the largest positive sum."""
    best, best_span = 0.0, None
    run, start = 0.0, 0
    for i, value in enumerate(values):
        if run <= 0:
            run, start = value, i
        else:
            run += value
        if run > best:
            best, best_span = run, (start, i)
    return best_span


def _ratio(count: float, total: int) -> float:
    return count / total if total else 0.0


def page_language(blocks: Sequence[Block], cfg: CleanConfig) -> str | None:
    """The language of the page's blocks of at least five words (``words``: cached, and
    counting a CJK run as words too)."""
    return guess_language([b.text for b in blocks if words(b.text) >= 5])


Where = tuple[bool, int, bool, bool]  # _where's answer: inside, distance, before, after


class Page(NamedTuple):
    """What the block features read of one page, computed once (``page_facts``): each
    feature is then one column over it, a value per block."""

    cfg: CleanConfig
    lang: str | None
    n: int
    raw: list[str]  # the blocks' texts as they are
    texts: list[str]  # the same, stripped
    locs: list[Local]
    hits: tuple[str | None, ...]
    dates: list[bool]
    seen: dict[str, int]  # how often each lower-cased text occurs on the page
    first_good: int  # the first sentence block (``n`` when none)
    end: int  # the first block after it that a rule of an END category matched (``n`` when none)
    comments: int  # where the comment section starts: a comment form's first marker (``_comments_start``)
    ends_seen: list[int]  # ends_seen[i]: end markers after the first sentence block, before block i
    last_run: int | None  # the last block of the page's last dense run (``_last_run``)
    tight_span: tuple[int, int] | None
    core: list[Where]  # each block against the article core (``core_span``)
    tight: list[Where]  # and against the tight core (``tight_span``)
    windows: list[tuple[int, int]]  # the blocks within WINDOW of block i: [low, high)
    goods: list[int]  # running counts (``_prefix``): sentence blocks before j,
    shorts: list[int]  # blocks of at most 4 words,
    teaser: list[int]  # teasers' titles,
    meta: list[int]  # and reader comments' name, time and reply lines


def page_facts(blocks: Sequence[Block], cfg: CleanConfig, lang: str | None, hits: Sequence[str | None]) -> Page:
    n = len(blocks)
    hit_tuple = tuple(hits) or (None,) * n
    raw = [b.text for b in blocks]
    texts = [t.strip() for t in raw]
    locs = [local(t, lang, cfg) for t in raw]
    dates = [is_date_line(t) for t in texts]
    first_good = next((i for i, b in enumerate(locs) if b.good), n)
    tight = tight_span(locs, hit_tuple, texts)
    return Page(
        cfg, lang, n, raw, texts, locs, hit_tuple, dates, _text_counts(texts), first_good,
        _first_hit(hit_tuple, first_good, END_CATEGORIES), _comments_start(hit_tuple, first_good, tight),
        _ends_seen(hit_tuple, first_good), _last_run(locs, hit_tuple), tight,
        _where_all(core_span(locs), n), _where_all(tight, n),
        [(max(0, i - WINDOW), min(n, i + WINDOW + 1)) for i in range(n)],
        _prefix([b.good for b in locs]), _prefix([b.words <= 4 for b in locs]),
        _prefix([_teaser_unit(texts, locs, dates, j, cfg) for j in range(n)]),
        _prefix(_comment_meta(texts, locs, dates, hit_tuple, first_good)),
    )


def _text_counts(texts: Sequence[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for text in texts:
        key = text.lower()
        seen[key] = seen.get(key, 0) + 1
    return seen


TOOLBAR_REACH = 3  # an article toolbar sits at most this many blocks above the article's text


def _comments_start(hits: Sequence[str | None], first_good: int, tight: tuple[int, int] | None) -> int:
    """The first comment marker after the first sentence block, unless it is a link of the
    article's toolbar ("Prześlij Drukuj", then "Dodaj komentarz"): right under a share or
    print label, within TOOLBAR_REACH blocks above the tight core. Then the first marker from
    the core on."""
    first = _first_hit(hits, first_good, COMMENT_CATEGORIES)
    if tight is None or not 0 < tight[0] - first <= TOOLBAR_REACH or first == 0 or hits[first - 1] != "share":
        return first
    return _first_hit(hits, tight[0], COMMENT_CATEGORIES)


def _first_hit(hits: Sequence[str | None], start: int, categories: frozenset[str]) -> int:
    """The first block from ``start`` on that a rule of one of ``categories`` matched."""
    return next((i for i in range(start, len(hits)) if hits[i] in categories), len(hits))


def _ends_seen(hits: Sequence[str | None], first_good: int) -> list[int]:
    out, seen = [], 0
    for i, hit in enumerate(hits):
        out.append(seen)
        seen += i >= first_good and hit in END_CATEGORIES
    return out


def _comment_meta(texts: Sequence[str], locs: Sequence[Local], dates: Sequence[bool],
                  hits: Sequence[str | None], first_good: int) -> list[bool]:
    """A reader comment's name, time and reply lines (after the article's first paragraph:
    the byline and dateline above it are the article's own)."""
    return [j > first_good and (hits[j] is not None or dates[j] or is_name(texts[j])
                                or locs[j].words <= GREETING_MAX_WORDS and GREETING.match(texts[j]) is not None)
            for j in range(len(texts))]


def _where_all(span: tuple[int, int] | None, n: int) -> list[Where]:
    return [_where(span, i, n) for i in range(n)]


# The features, one function each: a page's facts to one value per block. Kept as columns
# (a list comprehension per feature and page, not 47 calls per block): the vectors are
# built for every block of every page.

def bias(p: Page) -> list[float]:
    return [1.0] * p.n


def words_log(p: Page) -> list[float]:
    return [math.log1p(b.words) for b in p.locs]


def short(p: Page) -> list[float]:
    return [float(b.words <= 3) for b in p.locs]


def long(p: Page) -> list[float]:
    return [float(b.words >= 30) for b in p.locs]


def terminal(p: Page) -> list[float]:
    return [float(b.terminal) for b in p.locs]


def stop(p: Page) -> list[float]:
    return [b.stop for b in p.locs]


def caps(p: Page) -> list[float]:
    return [b.caps for b in p.locs]


def bullet(p: Page) -> list[float]:
    return [float(bool(BULLET.match(t))) for t in p.texts]


def url(p: Page) -> list[float]:
    return [float(b.url) for b in p.locs]


def digit_share(p: Page) -> list[float]:
    return [_ratio(digits(t), len(t)) for t in p.texts]


def commas(p: Page) -> list[float]:
    return [_ratio(t.count(","), b.words) for t, b in zip(p.texts, p.locs)]


def headline(p: Page) -> list[float]:
    return [float(is_headline(t, p.cfg)) for t in p.texts]


def date(p: Page) -> list[float]:
    return [float(d) for d in p.dates]


def byline(p: Page) -> list[float]:
    return [float(parse_byline(t) is not None) for t in p.texts]


def ellipsis(p: Page) -> list[float]:
    return [float(t.endswith(("...", "…"))) for t in p.texts]


def separator(p: Page) -> list[float]:
    return [float(not SEPARATOR_CHARS.isdisjoint(t) and SEPARATOR.search(t) is not None) for t in p.texts]


def repeated(p: Page) -> list[float]:
    return [float(p.seen[t.lower()] > 1) for t in p.texts]


def good(p: Page) -> list[float]:
    return [float(b.good) for b in p.locs]


def prev_good(p: Page) -> list[float]:
    return [0.0, *good(p)][:p.n]


def next_good(p: Page) -> list[float]:
    return [*good(p)[1:], 0.0][:p.n]


def window_good(p: Page) -> list[float]:
    """The share of sentence blocks among the block's neighbours within WINDOW."""
    goods = p.goods
    return [_ratio(goods[high] - goods[low] - b.good, high - low - 1) for (low, high), b in zip(p.windows, p.locs)]


def sandwiched(p: Page) -> list[float]:
    """A sentence block among the two blocks before and among the two after."""
    goods, n = p.goods, p.n
    return [float(goods[i] > goods[max(0, i - 2)] and goods[min(n, i + 3)] > goods[i + 1]) for i in range(n)]


def in_core(p: Page) -> list[float]:
    return [float(w[0]) for w in p.core]


def core_dist(p: Page) -> list[float]:
    return [math.log1p(w[1]) for w in p.core]


def before_core(p: Page) -> list[float]:
    return [float(w[2]) for w in p.core]


def after_core(p: Page) -> list[float]:
    return [float(w[3]) for w in p.core]


def position(p: Page) -> list[float]:
    last = max(1, p.n - 1)
    return [i / last for i in range(p.n)]


def short_run(p: Page) -> list[float]:
    """Blocks of at most 4 words among the five around the block, over five."""
    shorts, n = p.shorts, p.n
    return [(shorts[min(n, i + 3)] - shorts[max(0, i - 2)]) / 5 for i in range(n)]


def rule_hit(p: Page) -> list[float]:
    return [float(h is not None) for h in p.hits]


def after_end(p: Page) -> list[float]:
    return [float(i > p.end) for i in range(p.n)]


def list_intro(p: Page) -> list[float]:
    """The block before ends with a colon."""
    return [float(i > 0 and p.raw[i - 1].rstrip().endswith(":")) for i in range(p.n)]


def after_comments(p: Page) -> list[float]:
    return [float(i > p.comments) for i in range(p.n)]


def ends_seen(p: Page) -> list[float]:
    return [min(e, 5) / 5 for e in p.ends_seen]


def glued(p: Page) -> list[float]:
    return [float((GLUED_ASCII if t.isascii() else GLUED).search(t) is not None) for t in p.texts]


def in_tight(p: Page) -> list[float]:
    return [float(w[0]) for w in p.tight]


def tight_dist(p: Page) -> list[float]:
    return [math.log1p(w[1]) for w in p.tight]


def after_tight(p: Page) -> list[float]:
    return [float(w[3]) for w in p.tight]


def teaser_run(p: Page) -> list[float]:
    """Teasers' titles within WINDOW of the block (up to 3), over three."""
    teaser = p.teaser
    return [min(teaser[high] - teaser[low], 3) / 3 for low, high in p.windows]


def meta_near(p: Page) -> list[float]:
    """The share of reader comments' meta lines among the block's neighbours within WINDOW."""
    meta = p.meta
    return [_ratio(meta[high] - meta[low] - (meta[i + 1] - meta[i]), high - low - 1) for i, (low, high) in enumerate(p.windows)]


def after_last_run(p: Page) -> list[float]:
    return [float(p.last_run is not None and i > p.last_run) for i in range(p.n)]


def reader_address_share(p: Page) -> list[float]:
    return [reader_address(t, p.lang) for t in p.texts]


def caption(p: Page) -> list[float]:
    return [float(b.words >= CAPTION_MIN_WORDS and caption_like(t)) for t, b in zip(p.texts, p.locs)]


# running text after the article's end markers reads like the article itself (comments,
# company boilerplate): the good_* features let the model weigh it apart

def good_after_end(p: Page) -> list[float]:
    return [float(b.good and i > p.end) for i, b in enumerate(p.locs)]


def good_after_comments(p: Page) -> list[float]:
    return [float(b.good and i > p.comments) for i, b in enumerate(p.locs)]


def good_after_last_run(p: Page) -> list[float]:
    return [float(b.good and p.last_run is not None and i > p.last_run) for i, b in enumerate(p.locs)]


def good_ends_past_tight(p: Page) -> list[float]:
    """Running text with end markers between the article core and it: a comment thread."""
    span, seen = p.tight_span, p.ends_seen
    return [min(seen[i] - seen[span[1]], 5) / 5 if span and w[3] and b.good else 0.0
            for i, (w, b) in enumerate(zip(p.tight, p.locs))]


def other_after_tight(p: Page) -> list[float]:
    """A short or non-sentence block past the core (a time stamp, a teaser's title)."""
    return [float(w[3] and not b.good) for w, b in zip(p.tight, p.locs)]


def clock(p: Page) -> list[float]:
    """The block holds a clock time (``CLOCK``): teaser lists, tickers, comment headers."""
    return [float(":" in t and CLOCK.search(t) is not None) for t in p.texts]


STEM_MIN, STEM = 5, 5  # a content word: at least STEM_MIN letters, compared by its first STEM


@lru_cache(maxsize=1 << 12)  # two features ask it of every block of a page
def stems(text: str) -> frozenset[str]:
    """The block's content words, cut to a prefix (a crude stem that holds across the
    inflections of Russian, Polish or English): what a paragraph says it is about."""
    return frozenset([t[:STEM] for t in tokens(text) if len(t) >= STEM_MIN])


def core_overlap(p: Page) -> list[float]:
    """The share of the block's content words (``stems``) that the rest of the article core
    (the tight core, the block itself left out) also uses. Paragraphs of the article share
    its topic; other stories' teasers and paragraphs, site blurbs, registration offers and
    disclaimers do not, in any language."""
    span = p.tight_span
    if span is None:
        return [0.0] * p.n
    own = list(map(stems, p.raw))  # the texts as local() saw them: their tokens are cached
    counts = Counter(chain.from_iterable(own[span[0]:span[1] + 1]))
    anywhere = counts.keys()  # what a block outside the core may share
    twice = {w for w, c in counts.items() if c > 1}  # a core block shares a word another core block has too
    first, last = span
    return [_ratio(len(words_ & (twice if first <= i <= last else anywhere)), len(words_)) for i, words_ in enumerate(own)]


def near_overlap(p: Page) -> list[float]:
    """The share of the block's content words that the blocks within WINDOW of it also use:
    paragraphs of one story share words with the next; the items of a list of other
    stories, each a new story, do not."""
    own = list(map(stems, p.raw))  # the texts as local() saw them: their tokens are cached
    # the words shared are those the neighbours do not leave over: one difference with the
    # neighbours as arguments, not a union of them built for every block and then met
    return [_ratio(len(words_) - len(words_.difference(*own[low:i], *own[i + 1:high])), len(words_)) if words_ else 0.0
            for i, ((low, high), words_) in enumerate(zip(p.windows, own))]


Feature = Callable[[Page], list[float]]
# The block features by name, in the order of the vectors (and of the model's weights:
# ``model_from_json`` checks the model's names against these)
FEATURE_TABLE: Mapping[str, Feature] = MappingProxyType({
    "bias": bias, "words_log": words_log, "short": short, "long": long, "terminal": terminal, "stop": stop,
    "caps": caps, "bullet": bullet, "url": url, "digits": digit_share, "commas": commas, "headline": headline,
    "date": date, "byline": byline, "ellipsis": ellipsis, "separator": separator, "repeated": repeated,
    "good": good, "prev_good": prev_good, "next_good": next_good, "window_good": window_good,
    "sandwiched": sandwiched, "in_core": in_core, "core_dist": core_dist, "before_core": before_core,
    "after_core": after_core, "position": position, "short_run": short_run, "rule_hit": rule_hit,
    "after_end": after_end, "list_intro": list_intro, "after_comments": after_comments, "ends_seen": ends_seen,
    "glued": glued, "in_tight": in_tight, "tight_dist": tight_dist, "after_tight": after_tight,
    "teaser_run": teaser_run, "meta_near": meta_near, "after_last_run": after_last_run,
    "reader_address": reader_address_share, "caption_like": caption, "good_after_end": good_after_end,
    "good_after_comments": good_after_comments, "good_after_last_run": good_after_last_run,
    "good_ends_past_tight": good_ends_past_tight, "other_after_tight": other_after_tight, "clock": clock,
    "core_overlap": core_overlap, "near_overlap": near_overlap,
})
FEATURES = tuple(FEATURE_TABLE)


def block_vectors(blocks: Sequence[Block], cfg: CleanConfig, lang: str | None,
                  hits: Sequence[str | None] = ()) -> list[tuple[float, ...]]:
    """One feature vector per block, in ``FEATURES`` order. ``hits[i]`` is the category of
    the rule that matched block i (None when none did)."""
    page = page_facts(blocks, cfg, lang, hits)
    return list(zip(*[feature(page) for feature in FEATURE_TABLE.values()]))


def _teaser_unit(texts: Sequence[str], locs: Sequence[Local], dates: Sequence[bool], j: int, cfg: CleanConfig) -> bool:
    """Block j is a teaser's title: a short headline-like line followed by a one-sentence
    summary or a date (lists of other stories alternate the two)."""
    if j + 1 >= len(texts) or locs[j].good or not 2 <= locs[j].words <= TEASER_TITLE_WORDS:
        return False
    if not is_headline(texts[j], cfg):
        return False
    nxt, text = locs[j + 1], texts[j + 1]
    if dates[j + 1]:
        return True
    return nxt.terminal and 5 <= nxt.words <= TEASER_SUMMARY_WORDS and INNER_SENTENCE.search(text) is None


def _last_run(locs: Sequence[Local], hits: Sequence[str | None]) -> int | None:
    """Index of the last block of the page's last run of ``LAST_RUN`` sentence blocks in a
    row (the end of the article's last dense paragraph run). A block a rule matched (an ad
    marker, an app prompt between two paragraphs) neither counts nor breaks the run."""
    run, last = 0, None
    for i, b in enumerate(locs):
        if hits[i] is not None:
            continue
        run = run + 1 if b.good else 0
        if run >= LAST_RUN:
            last = i
    return last


def _prefix(flags: Sequence[bool]) -> list[int]:
    """counts[j]: how many of flags[:j] are true."""
    return list(accumulate(map(int, flags), initial=0))


def _where(span: tuple[int, int] | None, i: int, n: int) -> tuple[bool, int, bool, bool]:
    """Block i against a span of blocks: inside it, its distance from it (``n`` when there
    is no span), before it, after it."""
    if span is None:
        return False, n, False, False
    inside = span[0] <= i <= span[1]
    return inside, 0 if inside else (span[0] - i if i < span[0] else i - span[1]), i < span[0], i > span[1]
