"""Block classification: how much each block reads as article text, from its own features
and from its neighbours'.

Each block gets a vector of features (``FEATURES``, in order): sentence-likeness (length,
terminal punctuation, stop-word density in the page's language, capitalisation, digits,
URLs, bullets) and context (are the neighbours running text, is the block inside the
article core, i.e. the densest run of sentence blocks, found as a maximum-sum segment).
A logistic model (weights kept as data, ``pipeline/rules/models/``) turns the vector into
the probability that the block is article text. Pure Python, no runtime dependency.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from itertools import accumulate, groupby
from operator import mul
from typing import NamedTuple, Sequence

import regex

from newsclean.pipeline.core.article import Block
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.dates import is_date_line
from newsclean.pipeline.text.predicates import URL, ends_like_sentence, is_headline, is_name, words
from newsclean.pipeline.classify.ensemble import EnsembleModel, ensemble_from_json
from newsclean.pipeline.rules.ruleset import RuleError
from newsclean.pipeline.text.languages import guess_language, reader_address, stopword_density

BULLET = re.compile(r"^\s*(?:[•·▪◦‣●■□►▶➤*+o-]|\d{1,2}[.)])(?:\s|$)")
SEPARATOR = re.compile(r"\s[|•·/»>]\s|\s[|]|[|]\s")
WINDOW = 3

FEATURES = (
    "bias", "words_log", "short", "long", "terminal", "stop", "caps", "bullet", "url", "digits",
    "commas", "headline", "date", "byline", "ellipsis", "separator", "repeated", "good",
    "prev_good", "next_good", "window_good", "sandwiched", "in_core", "core_dist", "before_core",
    "after_core", "position", "short_run", "rule_hit", "after_end", "list_intro",
    "after_comments", "ends_seen", "glued", "in_tight", "tight_dist", "after_tight",
    "teaser_run", "meta_near", "after_last_run", "reader_address", "caption_like",
    "good_after_end", "good_after_comments", "good_after_last_run", "good_ends_past_tight", "other_after_tight",
    "clock",
)
# rule categories that end an article: what follows them is comments, related lists, footers
END_CATEGORIES = frozenset({"comment_form", "related", "subscribe", "author_bio", "legal", "credits", "login", "cookie"})
COMMENT_CATEGORIES = frozenset({"comment_form"})
CAPITALISED = regex.compile(r"(?<!\S)\p{Lu}")  # a word that starts with a capital
# a teaser's headline glued to its summary by a naive scrape: "Student-AthleteA 24-year-old"
GLUED = regex.compile(r"\p{Ll}{3}[.!?]?\p{Lu}(?:\p{Ll}|\s)")
# the same two on ASCII text, where the standard re module is faster (regex's \s is these
# six characters there; re's would add \x1c-\x1f)
CAPITALISED_ASCII = re.compile(r"(?<![^\t\n\x0b\x0c\r ])[A-Z]")
GLUED_ASCII = re.compile(r"[a-z]{3}[.!?]?[A-Z](?:[a-z]|[\t\n\x0b\x0c\r ])")
SEPARATOR_CHARS = frozenset("|•·/»>")  # SEPARATOR matches none of a text without one of these
DIGIT = re.compile(r"\d")
# a clock time ("10:48", "(29/12 - 10:54)"): teaser lists, live tickers and comment headers
# stamp their lines with one in any language; article sentences rarely hold one
CLOCK = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])")
# a sentence ends inside the block and another begins: "... said. The ..."
INNER_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(¿¡]?[A-ZÀ-Þ]")
TEASER_TITLE_WORDS = 15  # a teaser's title line is at most this long
TEASER_SUMMARY_WORDS = 45  # and its summary one sentence of at most this many words
LAST_RUN = 3  # the article's last dense run: this many sentence blocks in a row
NO_ASCII_DIGITS = str.maketrans("", "", "0123456789")  # on ASCII text \d is these ten
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
    return len(text) - len(text.translate(NO_ASCII_DIGITS)) if text.isascii() else len(DIGIT.findall(text))


CONTEXT_FEATURES = (
    "bias", "logit", "prev", "next", "window", "max_before", "max_after", "sandwiched", "in_core", "core_dist",
)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


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
        return [_sigmoid(sum(map(mul, self.weights, v))) for v in vectors]

    def probabilities(self, vectors: Sequence[Sequence[float]], words: Sequence[int]) -> list[float]:
        first = self.first_pass(vectors)
        return [_sigmoid(sum(map(mul, self.context_weights, v))) for v in context_vectors(first, words)]


def model_from_json(name: str, data: dict) -> BlockModel:
    for key, names in (("features", FEATURES), ("context_features", CONTEXT_FEATURES)):
        if tuple(data[key]) != names:
            differ = sorted(set(names) ^ set(data[key]))
            raise ValueError(f"model {name}: {key} differ from the code's ({', '.join(differ) or 'order'})")
    weights = tuple(float(w) for w in data["weights"])
    context = tuple(float(w) for w in data["context_weights"])
    if len(weights) != len(FEATURES) or len(context) != len(CONTEXT_FEATURES):
        raise ValueError(f"model {name}: wrong number of weights")
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
    toks = text.split()
    n = words(text)
    terminal = ends_like_sentence(text) or text.rstrip().endswith(("。", "！", "？", "」"))
    stop = stopword_density(text, lang)
    url = bool(URL.search(text))
    enough_stop = stop >= 0.15 or lang is None
    good = n >= 7 and (terminal or n >= cfg.long_block_words) and enough_stop and not url
    caps = _ratio(len((CAPITALISED_ASCII if text.isascii() else CAPITALISED).findall(text)), len(toks))
    return Local(n, terminal, stop, caps, url, good)


def core_span(locals_: Sequence[Local]) -> tuple[int, int] | None:
    """The densest run of running text: the segment with the largest sum, where a good block
    counts its words and any other block costs (a menu line, a share bar)."""
    return _max_segment([b.words if b.good else -min(b.words, 10) - 2 for b in locals_])


BREAK_RUN = 3  # this many non-sentence blocks in a row (share bars, tags, a comment header) break the body
BREAK_COST = 50  # what such a run, or one end marker (a comment heading, "Related"), costs in words


def tight_span(locals_: Sequence[Local], hits: Sequence[str | None]) -> tuple[int, int] | None:
    """The article core when breaks cost more: an end marker (a rule of an END category) or
    a run of ``BREAK_RUN`` non-sentence blocks costs ``BREAK_COST`` words, so that comments
    and related teasers after the article's end do not join it by their mass alone."""
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
    return _max_segment(values)


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
    return guess_language([b.text for b in blocks if len(b.text.split()) >= 5])


def block_vectors(blocks: Sequence[Block], cfg: CleanConfig, lang: str | None,
                  hits: Sequence[str | None] = ()) -> list[tuple[float, ...]]:
    """One feature vector per block, in ``FEATURES`` order. ``hits[i]`` is the category of
    the rule that matched block i (None when none did)."""
    n = len(blocks)
    hits = tuple(hits) or (None,) * n
    locs = [local(b.text, lang, cfg) for b in blocks]
    span = core_span(locs)
    tight = tight_span(locs, hits)
    first_good = next((i for i, b in enumerate(locs) if b.good), n)
    end = next((i for i in range(first_good, n) if hits[i] in END_CATEGORIES), n)
    comments = next((i for i in range(first_good, n) if hits[i] in COMMENT_CATEGORIES), n)
    ends_seen, seen_ends = [], 0
    for i in range(n):
        ends_seen.append(seen_ends)
        seen_ends += i >= first_good and hits[i] in END_CATEGORIES
    texts = [b.text.strip() for b in blocks]
    seen: dict[str, int] = {}
    for text in texts:
        key = text.lower()
        seen[key] = seen.get(key, 0) + 1
    dates = [is_date_line(t) for t in texts]
    teaser = _prefix([_teaser_unit(texts, locs, dates, j, cfg) for j in range(n)])
    # a reader comment's name, time and reply lines (after the article's first paragraph:
    # the byline and dateline above it are the article's own)
    meta = _prefix([j > first_good and (hits[j] is not None or dates[j] or is_name(texts[j])
                                        or locs[j].words <= GREETING_MAX_WORDS and GREETING.match(texts[j]) is not None)
                    for j in range(n)])
    last_run = _last_run(locs, hits)
    # running counts: goods[j] good blocks and shorts[j] blocks of at most 4 words before j
    goods, shorts = _prefix([b.good for b in locs]), _prefix([b.words <= 4 for b in locs])
    vectors: list[tuple[float, ...]] = []
    for i, (text, loc) in enumerate(zip(texts, locs)):
        low, high = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        window = high - low - 1
        prev_good = i > 0 and locs[i - 1].good
        next_good = i + 1 < n and locs[i + 1].good
        good_before = goods[i] > goods[max(0, i - 2)]
        good_after = goods[min(n, i + 3)] > goods[i + 1]
        in_core, dist, before, after = _where(span, i, n)
        in_tight, tight_dist, _, after_tight = _where(tight, i, n)
        short_run = shorts[min(n, i + 3)] - shorts[max(0, i - 2)]
        vectors.append((
            1.0,
            math.log1p(loc.words),
            float(loc.words <= 3),
            float(loc.words >= 30),
            float(loc.terminal),
            loc.stop,
            loc.caps,
            float(bool(BULLET.match(text))),
            float(loc.url),
            _ratio(digits(text), len(text)),
            _ratio(text.count(","), loc.words),
            float(is_headline(text, cfg)),
            float(dates[i]),
            float(parse_byline(text) is not None),
            float(text.endswith(("...", "…"))),
            float(not SEPARATOR_CHARS.isdisjoint(text) and SEPARATOR.search(text) is not None),
            float(seen[text.lower()] > 1),
            float(loc.good),
            float(prev_good),
            float(next_good),
            _ratio(goods[high] - goods[low] - loc.good, window),
            float(good_before and good_after),
            float(in_core),
            math.log1p(dist),
            float(before),
            float(after),
            i / max(1, n - 1),
            short_run / 5,
            float(hits[i] is not None),
            float(i > end),
            float(i > 0 and blocks[i - 1].text.rstrip().endswith(":")),
            float(i > comments),
            min(ends_seen[i], 5) / 5,
            float((GLUED_ASCII if text.isascii() else GLUED).search(text) is not None),
            float(in_tight),
            math.log1p(tight_dist),
            float(after_tight),
            min(teaser[high] - teaser[low], 3) / 3,
            _ratio(meta[high] - meta[low] - (meta[i + 1] - meta[i]), window),
            float(last_run is not None and i > last_run),
            reader_address(text, lang),
            float(loc.words >= CAPTION_MIN_WORDS and caption_like(text)),
            # running text after the article's end markers reads like the article itself
            # (comments, company boilerplate): these let the model weigh it apart
            float(loc.good and i > end),
            float(loc.good and i > comments),
            float(loc.good and last_run is not None and i > last_run),
            # running text with end markers between the article core and it: a comment thread
            min(ends_seen[i] - ends_seen[tight[1]], 5) / 5 if tight and after_tight and loc.good else 0.0,
            # a short or non-sentence block past the core (a time stamp, a teaser's title)
            float(after_tight and not loc.good),
            float(":" in text and CLOCK.search(text) is not None),
        ))
    return vectors


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
