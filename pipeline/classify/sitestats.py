"""Site statistics: lines that a site repeats across otherwise different articles.

Pure: ``build_stats`` turns ``(site, block texts)`` pairs into a small JSON-able artifact;
``repeated_blocks`` says which blocks of one article are site boilerplate given its site's
entry. File I/O is the shell's (tasks/run/build_site_stats.py).

Copies must not fool the count: exact copies and syndicated versions of one story share
their sentences, so articles are first grouped into clusters (greedy leader clustering on
their sets of hashed word shingles, a MinHash-free exact version: an article joins the first
cluster whose leader shares more than ``same_story`` of the smaller article's shingles) and a
line is counted once per cluster. Exact copies are one cluster whatever they hold. Only
sentence-like lines give shingles, so that the chrome every page of a site shares does not
make all its articles one story; shingles, not whole lines, so that a copy wrapped or trimmed
differently still matches.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.predicates import is_sentence, words

FORMAT = 1
BATCH_SITE = "(batch)"  # the pseudo-site of articles whose sidecar and URL name no site
SPACE, DIGIT = re.compile(r"\s+"), re.compile(r"\d")
LETTER = re.compile(r"[^\W\d_]")  # a line of digits alone ("6", a list number) all normalise alike
SHINGLE = 5  # words per shingle
POSTING_CAP = 50  # a sentence line shared by more cluster leaders is chrome, not a story's


@dataclass(frozen=True)
class Params:
    min_clusters: int = 3  # a line must appear in at least this many distinct clusters ...
    min_fraction: float = 0.1  # ... and in at least this fraction of the site's clusters
    same_story: float = 0.5  # articles sharing more than this of their shingles are one story
    max_sentence_words: int = 10  # a sentence-like block longer than this is never dropped for repetition

    def to_json(self) -> dict:
        return {"min_clusters": self.min_clusters, "min_fraction": self.min_fraction,
                "same_story": self.same_story, "max_sentence_words": self.max_sentence_words}


def normalize_line(text: str) -> str:
    """Case-folded, white space collapsed, every digit 0: dates and counts do not hide a repeat."""
    return DIGIT.sub("0", SPACE.sub(" ", text).strip().casefold())


def line_hash(norm: str) -> int:  # stable across runs (never Python's salted hash)
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big")


def shingles(texts: list[str], cfg: CleanConfig) -> set[int]:
    """Hashed word shingles of an article's sentence-like lines."""
    out: set[int] = set()
    for text in texts:
        if is_sentence(text, cfg):
            w = normalize_line(text).split()
            out.update(line_hash(" ".join(w[i:i + SHINGLE])) for i in range(max(1, len(w) - SHINGLE + 1)))
    return out


def cluster(articles: list[set[int]], same_story: float) -> list[int]:
    """The cluster (index of its leader) of each article, from its set of hashed shingles. Deterministic: articles are taken in the given order."""
    leaders: list[int] = []
    postings: dict[int, list[int]] = defaultdict(list)  # sentence hash -> leaders holding it
    out = []
    for i, sents in enumerate(articles):
        shared = Counter(j for h in sents if len(postings[h]) <= POSTING_CAP for j in postings[h])
        home = next((j for j in sorted(shared) if sents and articles[j]
                     and len(sents & articles[j]) > same_story * min(len(sents), len(articles[j]))), None)
        if home is None:
            home = i
            leaders.append(i)
            for h in sents:
                postings[h].append(i)
        out.append(home)
    return out


def site_entry(pages: list[list[str]], cfg: CleanConfig, params: Params) -> dict:
    """One site's statistics: its article and cluster counts and, for every normalised line
    seen in at least two clusters, in how many."""
    norms = [sorted({normalize_line(t) for t in texts if t.strip()}) for texts in pages]
    homes = cluster([shingles(texts, cfg) for texts in pages], params.same_story)
    first: dict[tuple[str, ...], int] = {}  # exact copies are one story even without sentences
    homes = [homes[first.setdefault(tuple(lines), i)] for i, lines in enumerate(norms)]
    seen: dict[str, set[int]] = defaultdict(set)
    for lines, home in zip(norms, homes):
        for line in lines:
            seen[line].add(home)
    repeated = {line: len(c) for line, c in sorted(seen.items()) if len(c) >= 2}
    entry = {"articles": len(pages), "clusters": len(set(homes)), "lines": repeated}
    return {"version": digest(entry), **entry}


def build_stats(pages: Iterable[tuple[str | None, list[str]]], cfg: CleanConfig, params: Params = Params()) -> dict:
    """The artifact: per site (``BATCH_SITE`` when none is known) its entry, and a version
    that changes when any site's entry or the parameters change."""
    by_site: dict[str, list[list[str]]] = defaultdict(list)
    for site, texts in pages:
        by_site[site or BATCH_SITE].append(list(texts))
    sites = {site: site_entry(by_site[site], cfg, params) for site in sorted(by_site)}
    body = {"format": FORMAT, "params": params.to_json(), "sites": {s: e["version"] for s, e in sites.items()}}
    return {"version": digest(body), **body, "sites": sites}


def digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SiteStats:
    """The loaded artifact, as the Context carries it."""

    version: str
    params: Params
    sites: Mapping[str, dict] = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_json(cls, data: dict) -> SiteStats:
        if data.get("format") != FORMAT:
            raise ValueError(f"site statistics of format {data.get('format')!r}, expected {FORMAT}")
        return cls(data["version"], Params(**data["params"]), data["sites"])

    def for_site(self, site: str | None) -> dict | None:
        return self.sites.get(site or BATCH_SITE)


def may_drop(text: str, cfg: CleanConfig, params: Params) -> bool:
    """Repetition alone never drops long sentence-like running text."""
    return not (is_sentence(text, cfg) and words(text) > params.max_sentence_words)


def repeated_blocks(texts: list[str], entry: dict | None, cfg: CleanConfig, params: Params,
                    skip: Iterable[int] = ()) -> dict[int, dict]:
    """Index -> {count, clusters} of each block (not in ``skip``) that the site repeats: seen
    in at least ``min_clusters`` clusters and ``min_fraction`` of them, holding a letter, and
    not long sentence-like text."""
    if not entry:
        return {}
    skip, lines, total = set(skip), entry["lines"], entry["clusters"]
    need = max(params.min_clusters, params.min_fraction * total)
    out = {}
    for i, text in enumerate(texts):
        count = lines.get(normalize_line(text), 0)
        if i not in skip and count >= need and may_drop(text, cfg, params) and LETTER.search(text):
            out[i] = {"count": count, "clusters": total}
    return out
