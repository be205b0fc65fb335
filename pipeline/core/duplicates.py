"""The near-duplicate index's values: what it keeps of a record (``Doc``), a record's link to
its group's canonical record (``Link``) and the canonical order (``priority``).

Apart from ``dedup`` (which computes them) so that ``io``'s SQLite index reads and writes
them without importing the output side: ``dedup`` imports the output contract, which
imports ``io``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Doc:
    """What the index keeps of one record."""

    id: str
    shard: int
    published: str | None
    length: int
    text_sha: str  # dedup.record_digest: its text and date
    shingles: frozenset[int]
    bands: tuple[int, ...]  # empty: too short to be linked


def priority(published: str | None, length: int, doc_id: str) -> tuple:
    """Canonical order: earliest date first, undated after dated, then longest text, then id."""
    return (0, published) if published else (1, ""), -length, doc_id


@dataclass(frozen=True)
class Link:
    """A record linked to its group's canonical record."""

    id: str
    of: str
    similarity: float
    containment: float
    rule: str  # dup.near-copy (similar) or dup.contained (only the containment is over its threshold)
