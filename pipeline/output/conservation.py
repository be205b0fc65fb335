"""Nothing vanishes silently: which raw lines an output does not account for.

The raw lines of a text input are its lines; those of an HTML page are its visible text
blocks in page order (``html_blocks.page_blocks``, ``html_raw_text``), of which the lines the
extractors left out are accounted for by their "extract" drops like any other.

A visible raw line is accounted for when it is the text of a block or a caption field, or
the ``before`` of a change (an edit's ``after`` being accounted in turn, since the edited
block is what the later stages saw). Comparison folds white space, no-break spaces, curly
quotes and invisible format characters, as normalisation may change those.
"""
from __future__ import annotations

import re
import unicodedata

from newsclean.pipeline.ingest.segment import is_visible, split_lines

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


def html_raw_text(html: str) -> str:
    """An HTML page's raw lines (its visible text blocks), one a line: the ``raw_text`` to
    check an HTML input's outputs against."""
    from newsclean.pipeline.ingest.html_blocks import holds_marks, page_blocks, without_marks  # lxml loads only for HTML
    from newsclean.pipeline.ingest.html_parse import page_tree
    tree = page_tree(without_marks(html) if holds_marks(html) else html)
    return "\n".join(block.text for block in page_blocks(tree, links=False)) if tree is not None else ""


def misnumbered_lines(raw_text: str, record: dict | None, changes: list[dict]) -> list[tuple[int, str]]:
    """(line number, text) of every block or change whose line number does not hold its
    text: a block's text, or a change's ``before`` of stage "extract", must be the raw line
    of its number (HTML pages, where the numbers are the page's text blocks)."""
    lines = split_lines(raw_text)

    def at(n: int) -> str:
        return fold(lines[n - 1]) if 0 < n <= len(lines) else ""
    wrong = [(c["line"], c["before"]) for c in changes if c["stage"] == "extract" and fold(c["before"]) != at(c["line"])]
    return wrong + [(b["line"], b["text"]) for b in (record or {}).get("blocks", ())
                    if b["line"] > 0 and fold(b["text"]) != at(b["line"]) and not _edited(b, changes)]


def _edited(block: dict, changes: list[dict]) -> bool:
    """A later stage changed the block's text (and logged it)."""
    return any(c["line"] == block["line"] and c["after"] is not None for c in changes)
