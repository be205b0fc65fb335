"""Near-duplicate articles: which records are copies of which, on the cleaned body text.

Links, never drops. A record's *text* (the body after boilerplate removal, so that site
chrome neither hides a copy nor fakes one) becomes a set of word shingles: the text is
NFKC-normalised and case-folded, split into words (``\\w+``), and every run of
``SHINGLE_WORDS`` (5) consecutive words is one shingle, hashed to 32 bits (from CRC-32s of
its words, so the same on every machine, process and PYTHONHASHSEED).

Candidates: a MinHash signature of ``PERMUTATIONS`` (120) hash functions with fixed
coefficients (derived from blake2b, no random generator), cut into ``BANDS`` (40) bands of
3 rows; two records that agree on a whole band are candidates (LSH banding). A candidate
pair is verified exactly on the shingle sets:

- similarity: Jaccard, ``|A & B| / |A | B|``;
- containment: ``|A & B| / min(|A|, |B|)`` (a shortened copy is contained in the full one).

An *edge* joins two records when similarity >= ``dedup_jaccard`` or containment >=
``dedup_containment``. A record with fewer than ``dedup_min_shingles`` shingles is never
linked: a short text (a two-line brief, a "this video is not available" stub, a caption-only
page) is the same on unrelated pages, and one shared short text would link unrelated stories.

Groups: the records of a connected set of edges are taken in canonical order (earliest
``published``, records without a date after dated ones, then the longest text, then the
smallest id); each one links to the first record before it that is itself canonical and that
it has an edge with, or is canonical itself. So a record is only ever linked to a canonical it
is similar to (no friend-of-a-friend chaining), and the result is a function of the set of
records alone: neither the order of the inputs nor the runs they came in change it.

Incremental: ``update`` takes the records of the shards whose parts changed, compares them
with an ``Index`` of what was linked before (kept on disk by the caller), adds and removes
records, and recomputes the groups only of the connected sets that an added or removed
record touches. The index is an interface (``Index``): ``pipeline/io.py`` keeps it in SQLite,
``MemoryIndex`` here in memory (tests, the benchmark).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Protocol, TypeVar

from newsclean.pipeline.core.duplicates import Doc, Link, priority

if TYPE_CHECKING:
    import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 120
BANDS = 40
ROWS = PERMUTATIONS // BANDS
_POLY = 0x100000001B3  # the FNV prime: the n-gram polynomial's base
_MIX = 0x9E3779B97F4A7C15  # the golden-ratio multiplier: mixes an n-gram's hash
_CRC_START = 0x5BD1E995  # the second CRC-32's start value
_WORD = re.compile(r"\w+")

RULE_COPY = "dup.near-copy"
RULE_CONTAINED = "dup.contained"
STAGE = "dedup"
T = TypeVar("T")


@lru_cache(maxsize=1)
def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    """The permutations' (a, b), fixed: blake2b of their index, so no seed to carry (numpy
    is imported here, not by every command that imports the pipeline)."""
    import numpy as np

    def draw(label: str, i: int) -> int:
        return int.from_bytes(hashlib.blake2b(f"newsclean-dedup-{label}-{i}".encode(), digest_size=8).digest(), "big")
    return (np.array([draw("a", i) | 1 for i in range(PERMUTATIONS)], dtype=np.uint64),
            np.array([draw("b", i) for i in range(PERMUTATIONS)], dtype=np.uint64))


@dataclass(frozen=True)
class Params:
    """The link switches (CleanConfig's ``dedup_*``)."""

    jaccard: float = 0.5
    containment: float = 0.8
    min_shingles: int = 30

    @classmethod
    def from_config(cls, config) -> Params:
        return cls(config.dedup_jaccard, config.dedup_containment, config.dedup_min_shingles)

    def digest(self) -> str:
        """What the links depend on: the switches and the method's constants."""
        data = {"jaccard": self.jaccard, "containment": self.containment, "min_shingles": self.min_shingles,
                "shingle_words": SHINGLE_WORDS, "permutations": PERMUTATIONS, "bands": BANDS, "method": 1}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


# --- one text ---------------------------------------------------------------------------

def words(text: str) -> list[str]:
    if not text.isascii():  # NFKC changes no ASCII text
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.casefold())


@lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    """64 bits of a word: two CRC-32s (zlib's, the same everywhere) with different starts;
    common words are hashed once per process."""
    data = word.encode()
    return zlib.crc32(data) << 32 | zlib.crc32(data, _CRC_START)


def shingles(text: str, n: int = SHINGLE_WORDS) -> frozenset[int]:
    """The 32-bit hashes of the text's word n-grams (empty below n words): an n-gram's hash a
    polynomial of its words' hashes (wrapping at 64 bits), mixed, its high 32 bits kept."""
    import numpy as np

    w = words(text)
    if len(w) < n:
        return frozenset()
    table = {x: _word_hash(x) for x in set(w)}
    hw = np.fromiter(map(table.__getitem__, w), dtype=np.uint64, count=len(w))
    count = len(w) - n + 1
    with np.errstate(over="ignore"):
        h = hw[:count].copy()
        for k in range(1, n):
            h *= np.uint64(_POLY)
            h += hw[k:count + k]
        h ^= h >> np.uint64(31)
        h *= np.uint64(_MIX)
    return frozenset((h >> np.uint64(32)).tolist())


def signature(hashes: Iterable[int]) -> np.ndarray:
    """MinHash: for each of the PERMUTATIONS hash functions (multiply-shift: the high 32 bits
    of a*h + b, wrapping at 64 bits; a odd), the least value over the shingles."""
    import numpy as np

    a, b = _coefficients()
    h = np.fromiter(hashes, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return ((np.multiply.outer(h, a) + b) >> np.uint64(32)).min(axis=0)


def band_keys(sig: np.ndarray) -> tuple[int, ...]:
    """One 63-bit key per band: a polynomial of its index and its rows' values (wrapping at
    64 bits), mixed; equal keys make candidates."""
    import numpy as np

    rows = sig.reshape(BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        key = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(_MIX)
        for r in range(ROWS):
            key = key * np.uint64(_POLY) + rows[:, r]
        key ^= key >> np.uint64(29)
        key *= np.uint64(_MIX)
        key ^= key >> np.uint64(32)
    return tuple((key >> np.uint64(1)).tolist())


def record_digest(record: dict) -> str:
    """What a record's links depend on in it: its text and its date."""
    data = f"{record.get('text') or ''}\0{record.get('published') or ''}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def make_doc(record: dict, shard: int, params: Params) -> Doc:
    text = record.get("text") or ""
    sh = shingles(text)
    bands = band_keys(signature(sh)) if len(sh) >= params.min_shingles else ()
    return Doc(record["id"], shard, record.get("published"), len(text), record_digest(record), sh, bands)


def measures(a: frozenset[int], b: frozenset[int]) -> tuple[float, float]:
    """(Jaccard similarity, containment of the smaller set in the larger)."""
    common = len(a & b)
    if not common:
        return 0.0, 0.0
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def is_edge(similarity: float, containment: float, params: Params) -> bool:
    return similarity >= params.jaccard or containment >= params.containment


# --- groups -----------------------------------------------------------------------------

def assign(nodes: dict[str, tuple], edges: dict[str, dict[str, tuple[float, float]]],
           params: Params) -> dict[str, Link | None]:
    """Links of one connected set. ``nodes``: id -> priority key; ``edges``: id -> {other:
    (similarity, containment)}. Each record, in canonical order, links to the first canonical
    before it that it has an edge with."""
    canonicals: list[str] = []
    links: dict[str, Link | None] = {}
    for node in sorted(nodes, key=nodes.__getitem__):
        near = edges.get(node, {})
        leader = next((c for c in canonicals if c in near), None)
        if leader is None:
            canonicals.append(node)
            links[node] = None
        else:
            sim, con = near[leader]
            rule = RULE_COPY if sim >= params.jaccard else RULE_CONTAINED
            links[node] = Link(node, leader, round(sim, 4), round(con, 4), rule)
    return links


# --- the index and the incremental update -----------------------------------------------

class Index(Protocol):
    """What ``update`` needs of the stored index (pipeline/io.DedupStore, MemoryIndex)."""

    def shard_docs(self, shard: int) -> dict[str, str]: ...  # id -> text digest
    def get(self, doc_id: str) -> Doc | None: ...
    def key(self, doc_id: str) -> tuple | None: ...  # priority key
    def candidates(self, bands: tuple[int, ...]) -> set[str]: ...
    def neighbours(self, doc_id: str) -> dict[str, tuple[float, float]]: ...
    def add(self, doc: Doc) -> None: ...
    def remove(self, doc_id: str) -> None: ...  # with its bands, edges and link
    def add_edge(self, a: str, b: str, similarity: float, containment: float) -> None: ...
    def link(self, doc_id: str) -> Link | None: ...
    def set_link(self, doc_id: str, link: Link | None) -> None: ...


@dataclass
class Update:
    """What one update did: ids added or removed, and the ids still held whose link changed
    (their shard's parts are to be rewritten)."""

    added: list[str]
    removed: list[str]
    relinked: dict[str, Link | None]
    compared: int = 0  # candidate pairs verified


class Updater:
    """An update of the index made one change at a time (``remove``, ``add``), then
    ``finish``, which relinks the connected sets the changes touched. A doc is compared with
    the candidates the index holds when it is added, then dropped: memory holds ids, not
    every new doc's shingles. The result does not depend on the order of the changes: every
    pair of docs held at the end is compared once, when the later of the two is added, and an
    edge to a doc removed later goes with it."""

    def __init__(self, index: Index, params: Params):
        self.index, self.params = index, params
        self.touched: set[str] = set()
        self.added: list[str] = []
        self.removed: set[str] = set()
        self.compared = 0

    def _drop(self, doc_id: str) -> None:
        self.touched |= set(self.index.neighbours(doc_id))
        self.index.remove(doc_id)

    def remove(self, doc_id: str) -> None:
        self._drop(doc_id)
        self.removed.add(doc_id)

    def add(self, doc: Doc) -> None:
        """Add ``doc`` (replacing a held doc of its id) and find its edges."""
        self._drop(doc.id)
        self.index.add(doc)
        self.touched.add(doc.id)
        self.added.append(doc.id)
        for other_id in sorted(self.index.candidates(doc.bands) - {doc.id}):
            other = _held(self.index.get(other_id), other_id)
            sim, con = measures(doc.shingles, other.shingles)
            self.compared += 1
            if is_edge(sim, con, self.params):
                self.index.add_edge(doc.id, other_id, sim, con)

    def finish(self) -> Update:
        relinked: dict[str, Link | None] = {}
        for component in components(self.index, self.touched):
            nodes = {n: _held(self.index.key(n), n) for n in component}
            links = assign(nodes, {n: self.index.neighbours(n) for n in component}, self.params)
            for node, new in sorted(links.items()):
                if self.index.link(node) != new:
                    relinked[node] = new
                    self.index.set_link(node, new)
        return Update(sorted(self.added), sorted(self.removed), relinked, self.compared)


def update_shard(updater: Updater, shard: int, records: Iterable[dict], params: Params,
                 present: Iterable[str] | None = None) -> None:
    """Apply one shard's current records to the index: a record is added when it is new or
    its text or date changed (only those are shingled, one at a time); a record the index
    holds that the shard no longer does is removed. ``present``: the ids of every record the
    shard holds now, when ``records`` are only some of them (those of the segments that
    changed; the others are as the index has them)."""
    known = updater.index.shard_docs(shard)
    seen = set(present or ())
    for record in records:
        seen.add(record["id"])
        if known.get(record["id"]) != record_digest(record):
            if record["id"] in known:
                updater.remove(record["id"])
            updater.add(make_doc(record, shard, params))
    for doc_id in sorted(set(known) - seen):
        updater.remove(doc_id)


def update(index: Index, added: Iterable[Doc], removed: Iterable[str], params: Params) -> Update:
    """Remove ``removed``, add ``added`` (a doc whose id is held replaces it), and relink the
    connected sets they touch. The result does not depend on the order of either."""
    updater = Updater(index, params)
    for doc_id in sorted(set(removed)):
        updater.remove(doc_id)
    for doc in added:
        updater.add(doc)
    return updater.finish()


def _held(value: T | None, doc_id: str) -> T:
    """What the index gives for an id it holds (candidates and connected sets are of held ids)."""
    if value is None:
        raise KeyError(f"{doc_id}: not in the near-duplicate index")
    return value


def components(index: Index, start: Iterable[str]) -> list[list[str]]:
    """The connected sets (by edges) that hold the ids of ``start`` still in the index."""
    seen: set[str] = set()
    found = []
    for node in sorted(start):
        if node in seen or index.key(node) is None:
            continue
        group, todo = [], [node]
        seen.add(node)
        while todo:
            n = todo.pop()
            group.append(n)
            for m in sorted(index.neighbours(n)):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        found.append(sorted(group))
    return found


class MemoryIndex:
    """An Index in memory (tests, the benchmark); the batch keeps its index on disk."""

    def __init__(self) -> None:
        self.docs: dict[str, Doc] = {}
        self.buckets: dict[int, set[str]] = {}
        self.edges: dict[str, dict[str, tuple[float, float]]] = {}
        self.links: dict[str, Link | None] = {}

    def shard_docs(self, shard: int) -> dict[str, str]:
        return {d.id: d.text_sha for d in self.docs.values() if d.shard == shard}

    def get(self, doc_id: str) -> Doc | None:
        return self.docs.get(doc_id)

    def key(self, doc_id: str) -> tuple | None:
        d = self.docs.get(doc_id)
        return priority(d.published, d.length, d.id) if d else None

    def candidates(self, bands: tuple[int, ...]) -> set[str]:
        return set().union(*(self.buckets.get(b, set()) for b in bands)) if bands else set()

    def neighbours(self, doc_id: str) -> dict[str, tuple[float, float]]:
        return dict(self.edges.get(doc_id, {}))

    def add(self, doc: Doc) -> None:
        self.docs[doc.id] = doc
        for b in doc.bands:
            self.buckets.setdefault(b, set()).add(doc.id)

    def remove(self, doc_id: str) -> None:
        doc = self.docs.pop(doc_id, None)
        for b in doc.bands if doc else ():
            self.buckets[b].discard(doc_id)
        for other in self.edges.pop(doc_id, {}):
            self.edges.get(other, {}).pop(doc_id, None)
        self.links.pop(doc_id, None)

    def add_edge(self, a: str, b: str, similarity: float, containment: float) -> None:
        self.edges.setdefault(a, {})[b] = (similarity, containment)
        self.edges.setdefault(b, {})[a] = (similarity, containment)

    def link(self, doc_id: str) -> Link | None:
        return self.links.get(doc_id)

    def set_link(self, doc_id: str, link: Link | None) -> None:
        self.links[doc_id] = link


# --- links in records -------------------------------------------------------------------

def link_change(link: Link) -> dict:
    """The change-log entry of a linked record (a change like the stages', with no line)."""
    return {"stage": STAGE, "rule": link.rule, "action": "link", "line": 0, "before": None, "after": None,
            "detail": {"of": link.of, "similarity": link.similarity, "containment": link.containment}}


def with_link(corpus: dict, log: dict, link: Link | None) -> tuple[dict, dict]:
    """A record pair (corpus, change log) with its link fields set to ``link``."""
    corpus, log = without_links(corpus), without_links(log)
    corpus = _with_duplicate_of(corpus, link.of if link else None)
    if link is not None:
        log = {**log, "changes": [*log["changes"], link_change(link)]}
    return corpus, log


def carry_link(old: tuple[str | None, str] | None, corpus_line: str | None, log_line: str) -> tuple[str | None, str]:
    """A record cleaned again alone (a rebuild) with the link its stored lines ``old`` held,
    when its text and date are unchanged (the link still holds); otherwise unlinked until
    the next batch's Dedup step relinks it."""
    if old is None or old[0] is None or corpus_line is None:
        return corpus_line, log_line
    stored, record = json.loads(old[0]), json.loads(corpus_line)
    if not stored.get("duplicate_of") or record_digest(stored) != record_digest(record):
        return corpus_line, log_line
    link = next((c for c in json.loads(old[1])["changes"] if c.get("stage") == STAGE), None)
    if link is None:
        return corpus_line, log_line
    detail = link["detail"]
    new_corpus, new_log = with_link(record, json.loads(log_line), Link(
        record["id"], detail["of"], detail["similarity"], detail["containment"], link["rule"]))
    from newsclean.pipeline.output.contract import dumps

    return dumps(new_corpus), dumps(new_log)


def without_links(record: dict) -> dict:
    """A corpus or change-log record as its article cleaned alone gives it: duplicate_of
    null, no dup.* change (what comparisons with ``clean FILE`` or a rebuild look at)."""
    record = dict(record)
    if "duplicate_of" in record:
        record["duplicate_of"] = None
    if isinstance(record.get("changes"), list):
        record["changes"] = [c for c in record["changes"] if c.get("stage") != STAGE]
    return record


def _with_duplicate_of(corpus: dict, of: str | None) -> dict:
    if "duplicate_of" in corpus:
        return {**corpus, "duplicate_of": of}
    out = {}
    for key, value in corpus.items():  # an older record: the field goes where new records have it
        if key == "source":
            out["duplicate_of"] = of
        out[key] = value
    out.setdefault("duplicate_of", of)
    return out
