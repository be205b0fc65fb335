"""Encoding repair with ftfy, per block, conservative: mojibake (and, behind a switch, Latin
ligatures) only.

ftfy repairs a text only when it can re-encode the whole of it, and a curly quote of the
text's own (“ is byte 0x93 in cp1252, not valid UTF-8 alone) keeps it from doing so; ftfy's
``fix_text`` gets past it by uncurling the quotes and trying again. So ftfy runs here as
``fix_text`` runs it, quotes uncurled, and then the typographic quotes that were not part of
the mojibake are put back (``keep_own_quotes``): the block gets every repair ``fix_text``
makes, in its own quote style. Widths and normal forms are not changed here (the normalisation
stage does that, behind its own switches). Latin ligatures become letters behind the
``fix_latin_ligatures`` switch, as in ftfy's default. ftfy's explanation goes in ``detail`` as
ftfy gave it (``apply_plan`` replays it to ftfy's text, which differs from ours in quote style
only); in the rare block that takes a second pass, the second explanation follows the first.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import ftfy
from ftfy.chardata import LIGATURES
from ftfy.fixes import uncurl_quotes

from newsclean.pipeline.core.article import Article, Change, StageResult
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.stages.context import Context

STAGE = "encoding"
# ASCII plus typographic punctuation that is common in clean news text. None of these
# characters is a UTF-8 lead byte in any single-byte encoding ftfy tries, a C1 control, a
# surrogate or an HTML entity start, so ftfy cannot repair a text made only of them: it can
# only uncurl its quotes, which are put back (tests/test_fast_path.py checks this against
# ftfy itself). ESC starts a terminal escape.
_SAFE_EXTRA = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
# one C-speed scan for a character outside the safe set (with "&" unsafe when unescaping)
_UNSAFE = {
    False: re.compile(f"[^\\x00-\\x1a\\x1c-\\x7f{_SAFE_EXTRA}]"),
    True: re.compile(f"[^\\x00-\\x1a\\x1c-\\x25\\x27-\\x7f{_SAFE_EXTRA}]"),
}
UNCURL_STEP = ("apply", "uncurl_quotes")
_LIGATURE = re.compile("[" + "".join(map(chr, sorted(LIGATURES))) + "]")
LIGATURES_DEFAULT = CleanConfig.fix_latin_ligatures
_ANCHORS = frozenset(chr(c) for c in range(0x80)) - {"'", '"'}
RESYNC = 48  # characters: a repaired span is shorter (a mojibake character is 2-6 long)
MAX_PASSES = 3  # of repair_once: one in almost every block, two in a few (see full_repair)


@lru_cache(maxsize=8)
def _ftfy_config(unescape_html: bool, fix_latin_ligatures: bool = LIGATURES_DEFAULT,
                 uncurl: bool = True) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        unescape_html=unescape_html,
        remove_terminal_escapes=True,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=fix_latin_ligatures,
        fix_character_width=False,
        uncurl_quotes=uncurl,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def cannot_hold_mojibake(text: str, unescape_html: bool) -> bool:
    """Cheap test: True when the repair would certainly leave ``text`` unchanged."""
    return _UNSAFE[unescape_html].search(text) is None


def repair(text: str, unescape_html: bool,
           fix_latin_ligatures: bool = LIGATURES_DEFAULT) -> tuple[str, list]:
    """Return (fixed text, ftfy explanation steps as [step, name] pairs)."""
    if cannot_hold_mojibake(text, unescape_html):
        return text, []
    return full_repair(text, unescape_html, fix_latin_ligatures)


def full_repair(text: str, unescape_html: bool,
                fix_latin_ligatures: bool = LIGATURES_DEFAULT) -> tuple[str, list]:
    """``repair`` without the cheap test: ``repair_once`` until it changes nothing (once
    unless quotes were put back: ftfy's text is its own fixed point). A second pass is
    rarely needed, when a quote that ftfy's uncurling broke out of a mojibake
    sequence (``С‚``, т in cp1251) was put back and ftfy can then repair it; it keeps the
    stage idempotent (cleaning its own output changes nothing)."""
    steps: list = []
    for _ in range(MAX_PASSES):
        fixed, more = repair_once(text, unescape_html, fix_latin_ligatures)
        if fixed == text:  # (ftfy may explain a step that changed nothing)
            break
        text, steps = fixed, steps + more
        if list(UNCURL_STEP) not in more:  # nothing put back: ftfy's fixed point
            break
    return text, steps


def repair_once(text: str, unescape_html: bool,
                fix_latin_ligatures: bool = LIGATURES_DEFAULT) -> tuple[str, list]:
    """ftfy as ``fix_text`` runs it, with the text's own quotes kept: ``fix_text``'s repair
    in the text's quote style."""
    fixed, steps = _ftfy(text, unescape_html, fix_latin_ligatures)
    if UNCURL_STEP in steps:
        if fixed == uncurl_quotes(text):  # ftfy only uncurled: nothing to repair
            return text, []
        fixed = keep_own_quotes(text, fixed, _ftfy_config(unescape_html, fix_latin_ligatures, uncurl=False))
    return fixed, [list(s) for s in steps]


def _ftfy(text: str, unescape_html: bool, fix_latin_ligatures: bool) -> tuple[str, list]:
    """ftfy's fix and explanation. Its ligature step costs a sixth of the stage on text with
    no ligature, so a text without one is fixed with the step off. That is what ftfy does
    with it on unless a repair made a ligature on the way; a ligature, once made, stays to
    the end unless a text is re-encoded as MacRoman (the one encoding ftfy tries that holds
    any: ﬁ and ﬂ; tests/test_encoding_mojibake.py checks this against ftfy). So ftfy runs
    again with the step on only when its text holds a ligature or it encoded as MacRoman."""
    if fix_latin_ligatures and _LIGATURE.search(text) is None:
        fixed, steps = ftfy.fix_and_explain(text, config=_ftfy_config(unescape_html, False))
        steps = steps or []
        if _LIGATURE.search(fixed) is None and ("encode", "macroman") not in steps:
            return fixed, steps
    fixed, steps = ftfy.fix_and_explain(text, config=_ftfy_config(unescape_html, fix_latin_ligatures))
    return fixed, steps or []


def keep_own_quotes(text: str, fixed: str, no_uncurl: ftfy.TextFixerConfig) -> str:
    """``fixed`` (ftfy's repair of ``text``, quotes uncurled) with the quotes of ``text``
    back where ftfy only uncurled them. Where ftfy repaired a span, the span is ftfy's, in
    curly quotes when the mojibake was of one (``â€œ`` gives “, not "). Whatever the
    alignment, the result is ``fixed`` once uncurled."""
    out = []
    for equal, before, after in _align(uncurl_quotes(text), fixed, text):
        out.append(before if equal else _repaired_span(before, after, no_uncurl))
    return "".join(out)


def _align(plain: str, fixed: str, text: str):
    """Yield (equal, span of ``text``, span of ``fixed``) in order, covering both texts.
    ``plain`` is ``text`` uncurled (same length): a character equal in ``plain`` and
    ``fixed`` is one ftfy kept or only uncurled. In linear time, as a block may be long
    (difflib's SequenceMatcher takes seconds on 20,000 characters): walk both texts, and at a
    difference take the shortest pair of spans after which they agree again (a repair turns
    a few characters into one or two), as far as ``RESYNC`` characters on both sides."""
    i = j = 0
    n, m = len(plain), len(fixed)
    while i < n or j < m:
        start_i, start_j = i, j
        while i < n and j < m and plain[i] == fixed[j]:
            i, j = i + 1, j + 1
        if i > start_i:
            yield True, text[start_i:i], fixed[start_j:j]
        if i == n and j == m:
            return
        di, dj = _resync(plain, fixed, i, j)
        yield False, text[i:i + di], fixed[j:j + dj]
        i, j = i + di, j + dj


def _resync(plain: str, fixed: str, i: int, j: int) -> tuple[int, int]:
    """The shortest (di, dj) after which ``plain[i + di]`` and ``fixed[j + dj]`` are the
    same anchor (or both texts end); the rest of both when none is within ``RESYNC``. An
    anchor is an ASCII character other than a quote: mojibake and its repair are made of
    other characters (a Cyrillic letter may be either), an uncurled quote may be of either."""
    n, m = len(plain), len(fixed)
    for k in range(1, 2 * RESYNC + 1):
        for di in range(min(k, n - i), max(-1, k - (m - j) - 1), -1):  # longer text span first
            dj = k - di
            if (i + di == n and j + dj == m) or (i + di < n and j + dj < m and plain[i + di] == fixed[j + dj]
                                                 and plain[i + di] in _ANCHORS):
                return di, dj
    return n - i, m - j


def _repaired_span(before: str, after: str, no_uncurl: ftfy.TextFixerConfig) -> str:
    """One span where ``before`` and ftfy's ``after`` differ: the own quotes at its edges
    kept, the rest ftfy's, re-curled when repairing it alone gives ftfy's text curled."""
    head = _uncurled_run(before, after)
    before, after, head_text = before[head:], after[head:], before[:head]
    tail = _uncurled_run(before[::-1], after[::-1])
    tail_text = before[len(before) - tail:] if tail else ""
    if tail:
        before, after = before[:-tail], after[:-tail]
    if after == uncurl_quotes(before):  # ftfy only uncurled here
        middle = before
    elif "'" in after or '"' in after:  # a quote ftfy repaired, then uncurled
        alone = ftfy.fix_and_explain(before, config=no_uncurl).text
        middle = alone if uncurl_quotes(alone) == after else after
    else:
        middle = after
    return head_text + middle + tail_text


def _uncurled_run(before: str, after: str) -> int:
    """How many leading characters of ``before`` are curly quotes that ``after`` holds uncurled."""
    n = 0
    for b, a in zip(before, after):
        if b == a or uncurl_quotes(b) != a:
            break
        n += 1
    return n


def fix_encoding(article: Article, ctx: Context) -> StageResult:
    if not ctx.config.fix_encoding:
        return StageResult(article)
    blocks, changes = [], []
    for block in article.blocks:
        fixed, steps = repair(block.text, ctx.config.unescape_html, ctx.config.fix_latin_ligatures)
        if fixed != block.text:
            changes.append(Change(STAGE, "enc.ftfy", "edit", block.line, block.text, fixed, steps))
            block = replace(block, text=fixed)
        blocks.append(block)
    return StageResult(replace(article, blocks=tuple(blocks)), tuple(changes))
