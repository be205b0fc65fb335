"""Nothing vanishes silently: which raw lines an output does not account for.

A visible raw line is accounted for when it is the text of a block or a caption field, or
the ``before`` of a change (an edit's ``after`` being accounted in turn, since the edited
block is what the later stages saw). Comparison folds white space, no-break spaces, curly
quotes and invisible format characters, as normalisation may change those.
"""
from __future__ import annotations

import re
import unicodedata

from .segment import is_visible, split_lines

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(QUOTES)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def accounted(record: dict | None, changes: list[dict]) -> set[str]:
    seen: set[str] = set()
    if record:
        seen.update(fold(b["text"]) for b in record["blocks"])
        for cap in record["captions"]:
            seen.update(fold(cap[k]) for k in ("text", "credit", "title") if cap[k])
    seen.update(fold(c["before"]) for c in changes if c.get("before"))
    return seen


def unaccounted_lines(raw_text: str, record: dict | None, changes: list[dict]) -> list[tuple[int, str]]:
    """(line number, line) of every visible raw line that the output does not account for.
    A rejected input (a ``reject`` change) accounts for all its lines."""
    if any(c["action"] == "reject" for c in changes):
        return []
    seen = accounted(record, changes)
    return [(i, line) for i, line in enumerate(split_lines(raw_text), start=1)
            if is_visible(line) and fold(line) and fold(line) not in seen]
