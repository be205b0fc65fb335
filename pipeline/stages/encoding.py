"""Encoding repair with ftfy, per block, conservative: mojibake only.

Quotes are not uncurled, widths not changed and no normal form applied here (that is the
normalisation stage's job, behind its own switches). ftfy's explanation goes in ``detail``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import ftfy

from ..article import Article, Change, StageResult
from ..context import Context

STAGE = "encoding"
# ASCII plus typographic punctuation that is common in clean news text. None of these
# characters is a UTF-8 lead byte in any single-byte encoding ftfy tries, a C1 control, a
# surrogate or an HTML entity start, so ftfy cannot change a text made only of them
# (tests/test_fast_path.py checks this against ftfy itself). ESC starts a terminal escape.
_SAFE_EXTRA = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
# one C-speed scan for a character outside the safe set (with "&" unsafe when unescaping)
_UNSAFE = {
    False: re.compile(f"[^\\x00-\\x1a\\x1c-\\x7f{_SAFE_EXTRA}]"),
    True: re.compile(f"[^\\x00-\\x1a\\x1c-\\x25\\x27-\\x7f{_SAFE_EXTRA}]"),
}


@lru_cache(maxsize=4)
def _ftfy_config(unescape_html: bool) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        unescape_html=unescape_html,
        remove_terminal_escapes=True,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def cannot_hold_mojibake(text: str, unescape_html: bool) -> bool:
    """Cheap test: True when ftfy would certainly leave ``text`` unchanged."""
    return _UNSAFE[unescape_html].search(text) is None


def repair(text: str, unescape_html: bool) -> tuple[str, list]:
    """Return (fixed text, ftfy explanation steps as [step, name] pairs)."""
    if cannot_hold_mojibake(text, unescape_html):
        return text, []
    fixed, steps = ftfy.fix_and_explain(text, config=_ftfy_config(unescape_html))
    return fixed, [list(s) for s in (steps or [])]


def fix_encoding(article: Article, ctx: Context) -> StageResult:
    if not ctx.config.fix_encoding:
        return StageResult(article)
    blocks, changes = [], []
    for block in article.blocks:
        fixed, steps = repair(block.text, ctx.config.unescape_html)
        if fixed != block.text:
            changes.append(Change(STAGE, "enc.ftfy", "edit", block.line, block.text, fixed, steps))
            block = replace(block, text=fixed)
        blocks.append(block)
    return StageResult(replace(article, blocks=tuple(blocks)), tuple(changes))
