"""Block-level voting between two extractors (trafilatura and readability-lxml).

Each raw line of a page (``html_blocks.page_blocks``) gets a vote from each extractor: it
kept the line when its output holds at least half of it (``html_blocks.coverage``). A line
both keep is kept and a line neither keeps is left out, as in the extraction literature's
ensembles; a line one of them keeps is decided by a small logistic model over structural
features of the line and of where it sits (``FEATURES``), its weights kept as data
(``pipeline/rules/models/ensemble.json``, trained by ``bench/train_ensemble.py`` on the dev
sets' truth). The features hold across sites and languages: no phrases, only the line's
length, shape, link share and kind, its place against the lines both extractors keep, the
run of disagreeing lines it is part of, and how much each extractor keeps of the page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from operator import mul
from typing import Iterator, Protocol, Sequence

from newsclean.pipeline.classify.model_features import weights_by_name
from newsclean.pipeline.text.predicates import ends_like_sentence, words


class PageBlock(Protocol):
    """What the vote reads of a page's raw line (``html_blocks.PageBlock`` has it). A protocol,
    not an import: html_blocks loads lxml and sits with the input formats, above the model
    loader (``classify``) that loads this module on a text-only run too."""

    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def cell(self) -> bool: ...
    @property
    def link_chars(self) -> int: ...

KEEP_AT = 0.5  # an extractor keeps a line when its output holds at least this share of it
FEATURES = (
    "bias", "t_only", "inside", "outside_dist", "before", "words_log", "link_share", "terminal", "heading",
    "list_item", "cell", "neighbour_kept", "run_blocks_log", "run_words_log", "keeper_share", "keeper_share_t",
    "agreed_share", "t_inside", "t_before", "t_dist", "t_run_words_log", "t_words_log", "other_partial",
    "long_sentence", "link_only",
)


@dataclass(frozen=True)
class EnsembleModel:
    name: str
    weights: tuple[float, ...]
    keep_at: float  # keep a disputed line whose probability is at least this

    def probability(self, vector: Sequence[float]) -> float:
        z = sum(map(mul, self.weights, vector))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def ensemble_from_json(name: str, data: dict) -> EnsembleModel:
    weights = weights_by_name(name, "features", FEATURES, data["features"], data["weights"])
    return EnsembleModel(name, weights, float(data["keep_at"]))


def disputed_vectors(blocks: Sequence[PageBlock], t: Sequence[bool], r: Sequence[bool],
                     t_cover: Sequence[float] | None = None, r_cover: Sequence[float] | None = None,
                     ) -> dict[int, tuple[float, ...]]:
    """The feature vector of every line exactly one extractor keeps, by its index (the
    covers: the share of each line in each extractor's output)."""
    n = len(blocks)
    counts = [words(b.text) for b in blocks]  # the one word count (predicates.words: Han and kana runs by length)
    both = [i for i in range(n) if t[i] and r[i]]
    first, last = (both[0], both[-1]) if both else (n, -1)
    t_words = sum(c for c, k in zip(counts, t) if k)
    r_words = sum(c for c, k in zip(counts, r) if k)
    agreed = sum(counts[i] for i in both)
    out: dict[int, tuple[float, ...]] = {}
    for i, j in disputed_runs(t, r):
        run_words = sum(counts[i:j + 1])
        keeper, other = (t_words, r_words) if t[i] else (r_words, t_words)
        share = math.log((keeper + 1) / (other + 1))
        for k in range(i, j + 1):
            out[k] = _vector(blocks[k], counts[k], t[k], k, first, last, run_words, j - i + 1, share,
                             _neighbour_kept(k, i, j, t, r), agreed / max(1, keeper), _other_cover(k, t, t_cover, r_cover))
    return out


def disputed_runs(t: Sequence[bool], r: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """(first, last) index of each run of lines that the same extractor alone keeps."""
    n, i = len(t), 0
    while i < n:
        if t[i] == r[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and t[j + 1] != r[j + 1] and t[j + 1] == t[i]:
            j += 1
        yield i, j
        i = j + 1


def _other_cover(k: int, t: Sequence[bool], t_cover: Sequence[float] | None, r_cover: Sequence[float] | None) -> float:
    """The share of line k in the output of the extractor that does not keep it (0 unknown)."""
    if t_cover is None or r_cover is None:
        return 0.0
    return r_cover[k] if t[k] else t_cover[k]


def _neighbour_kept(k: int, start: int, end: int, t: Sequence[bool], r: Sequence[bool]) -> float:
    """The line before the run or the one after it is kept by both extractors."""
    before = start > 0 and t[start - 1] and r[start - 1]
    after = end + 1 < len(t) and t[end + 1] and r[end + 1]
    return float(before) + float(after)


def _vector(block: PageBlock, count: int, t_only: bool, k: int, first: int, last: int, run_words: int, run_blocks: int,
            share: float, neighbour: float, agreed_share: float, other: float) -> tuple[float, ...]:
    inside = first <= k <= last
    dist = math.log1p(0 if inside else (first - k if k < first else k - last))
    t = float(t_only)
    links = block.link_chars / max(1, len(block.text))
    terminal = float(ends_like_sentence(block.text))  # the one "ends like a sentence" (CJK stops, spaced closers)
    return (
        1.0, t, float(inside), dist, float(k < first),
        math.log1p(count), links, terminal,
        float(block.kind == "heading"), float(block.kind == "list_item"), float(block.cell), neighbour,
        math.log1p(run_blocks), math.log1p(run_words), share, share * t, min(agreed_share, 1.0),
        t * float(inside), t * float(k < first), t * dist, t * math.log1p(run_words), t * math.log1p(count), other,
        float(count >= 15 and terminal > 0), float(links > 0.8),
    )


def vote(blocks: Sequence[PageBlock], t_cover: Sequence[float], r_cover: Sequence[float],
         model: EnsembleModel) -> tuple[list[bool], dict[int, float]]:
    """Which lines the ensemble keeps, and the model's probability for each disputed line."""
    t = [c >= KEEP_AT for c in t_cover]
    r = [c >= KEEP_AT for c in r_cover]
    keep = [a and b for a, b in zip(t, r)]
    scores = {k: model.probability(v) for k, v in disputed_vectors(blocks, t, r, t_cover, r_cover).items()}
    for k, p in scores.items():
        keep[k] = p >= model.keep_at
    return keep, scores
