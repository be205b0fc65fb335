"""Normalisation: Unicode and white space, each choice a CleanConfig switch.

A formatter: one ``edit`` per block that changed, with the count per switch in ``detail``.
Applied to body blocks, captions and metadata fields alike.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import regex

from newsclean.pipeline.core.article import Article, Change, StageResult
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.stages.context import Context

STAGE = "normalize"
ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# The zero-width non-joiner and joiner spell words in Persian, Urdu and Kurdish ("می‌گویند"), pick
# a conjunct's form in the Indic scripts and Sinhala ("ශ්‍රී"), and join emoji into one ("👨‍👩‍👧"):
# between two letters, marks or symbols (JOINABLE) they stay; beside a space, punctuation or a
# line's edge they do nothing and go like the other zero-width characters
JOINERS = r"\u200c\u200d"
OTHER_ZERO_WIDTH = r"\u00ad\u180e\u200b\u2060\u2061-\u2064\ufeff"
JOINABLE = rf"\p{{L}}\p{{M}}\p{{So}}\p{{Sk}}{JOINERS}"
ZERO_WIDTH = re.compile(f"[{OTHER_ZERO_WIDTH}{JOINERS}]")
STRAY = regex.compile(f"[{OTHER_ZERO_WIDTH}]|(?<![{JOINABLE}])[{JOINERS}]|[{JOINERS}](?![{JOINABLE}])")
# C0 and C1 controls except tab (lines are already split, so no \n or \r remain)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SPACE_RUNS = re.compile(r"[ \t]{2,}|\t")
# a character one of the patterns above would replace (a tab stands for SPACE_RUNS, whose
# other matches hold two spaces): one character-class scan, far cheaper than an alternation
ANY_CHAR = re.compile("[" + "".join(p.pattern[1:-1] for p in (ODD_SPACES, ZERO_WIDTH, CONTROL)) + "\t]")


def _nfc(text: str) -> tuple[str, int]:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text, 0
    out = unicodedata.normalize("NFC", text)
    return out, int(out != text)


def _sub(pattern: re.Pattern, repl: str):
    def apply(text: str) -> tuple[str, int]:
        return pattern.subn(repl, text)
    return apply


def _zero_width(text: str) -> tuple[str, int]:
    """The zero-width characters removed, but for joiners between two letters, marks or
    symbols (``STRAY`` spares them)."""
    if "\u200c" not in text and "\u200d" not in text:
        return ZERO_WIDTH.subn("", text)
    return STRAY.subn("", text)


def _strip(text: str) -> tuple[str, int]:
    out = text.strip()
    return out, int(out != text)


# (config switch, function) in the order applied
STEPS = (
    ("normalize_nfc", _nfc),
    ("replace_odd_spaces", _sub(ODD_SPACES, " ")),
    ("remove_zero_width", _zero_width),
    ("remove_control_chars", _sub(CONTROL, "")),
    ("strip_trailing_space", _strip),
    ("collapse_spaces", _sub(SPACE_RUNS, " ")),
)


def is_normal(text: str) -> bool:
    """No step would change ``text``, whatever the switches (most blocks): one scan."""
    return ("  " not in text and ANY_CHAR.search(text) is None and text.strip() == text
            and (text.isascii() or unicodedata.is_normalized("NFC", text)))


def normalize_text(text: str, cfg: CleanConfig) -> tuple[str, dict[str, int]]:
    if is_normal(text):
        return text, {}
    counts: dict[str, int] = {}
    for switch, step in STEPS:
        if getattr(cfg, switch):
            text, n = step(text)
            if n:
                counts[switch] = n
    return text, counts


def normalize(article: Article, ctx: Context) -> StageResult:
    cfg = ctx.config
    changes, blocks = [], []
    for block in article.blocks:
        text, counts = normalize_text(block.text, cfg)
        if not text:  # nothing visible left: dropped, logged with the text it had
            changes.append(Change(STAGE, "norm.empty", "drop", block.line, block.text, None, {"category": "empty"}))
            continue
        if counts:
            changes.append(Change(STAGE, "norm.text", "edit", block.line, block.text, text, counts))
            block = replace(block, text=text)
        blocks.append(block)

    def norm(value: str | None) -> str | None:
        return (normalize_text(value, cfg)[0] or None) if value else None

    captions = tuple(replace(c, text=norm(c.text), credit=norm(c.credit), title=norm(c.title)) for c in article.captions)
    new = replace(article, blocks=tuple(blocks), captions=captions, title=norm(article.title),
                  authors=tuple(a for a in (norm(a) for a in article.authors) if a))
    return StageResult(new, tuple(changes))
