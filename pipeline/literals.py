"""Required literals of a rule pattern: strings one of which every match must contain.

A block whose case-folded text holds none of a pattern's required literals cannot match it,
so the pattern need not run: ``str.__contains__`` is far cheaper than a regex search through
a long paragraph. The literals are read from the pattern's parse tree (the standard
library's parser, which reads the syntax rules use); any construct it does not know for sure
gives no literals, i.e. the pattern always runs. Matching is case-insensitive with full case
folding (``regex.IGNORECASE | regex.V1``): text and literals are compared through ``fold``.
"""
from __future__ import annotations

import re
from re import _constants as C
from re import _parser

# regex V1 syntax the standard parser would read differently, or not at all
_NOT_STANDARD = ("[[", "--", "&&", "||", "~~", "{e", "\\L<", "(?r", "(?V", "(?f", "(?|", "(?(", "(?P>", "(?&", "(?R")
_PROPERTY = re.compile(r"\\\\|\\[pP]\{[^}]*\}")
# regex matches both dotless ı and dotted İ with i under IGNORECASE; casefold would keep them
# apart (İ folds to i and a combining dot, which would split a literal)
_DOTTED = str.maketrans({"ı": "i", "İ": "i"})
MIN_LENGTH = 3  # shorter literals hold in nearly every paragraph: not worth testing


def fold(text: str) -> str:
    """Case-folded text in which a case-insensitive match of a literal stays a substring.
    ASCII text (most blocks) folds as it lowercases; the dotted and dotless i are mapped
    only when present (``str.translate`` with a table is slow)."""
    if text.isascii():
        return text.lower()
    if "ı" in text or "İ" in text:
        text = text.translate(_DOTTED)
    return text.casefold().replace("i\u0307", "i")


def required_literals(pattern: str) -> frozenset[str] | None:
    """Folded strings of which every match of ``pattern`` contains one, or None when unsure
    or when the best such set has a string shorter than MIN_LENGTH."""
    plain = _PROPERTY.sub(lambda m: m[0] if m[0] == "\\\\" else r"\w", pattern)  # \p{L}: some class
    if any(s in plain for s in _NOT_STANDARD):
        return None
    try:
        tree = _parser.parse(plain)
    except (re.error, RecursionError, OverflowError):
        return None
    found = _sequence(tree.data)
    if not found or min(map(len, found)) < MIN_LENGTH:
        return None
    return frozenset(fold(s) for s in found)


def _sequence(items) -> frozenset[str] | None:
    """The best literal set among the items of a sequence, all of which must match."""
    candidates, run = [], ""
    for op, av in items:
        if op is C.LITERAL:
            run += chr(av)
            continue
        if op is C.AT:  # zero width: the literals on both sides are adjacent in the match
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        inner = _item(op, av)
        if inner:
            candidates.append(inner)
    if run:
        candidates.append(frozenset([run]))
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)), default=None)


def _item(op, av) -> frozenset[str] | None:
    if op is C.SUBPATTERN:
        return _sequence(av[3].data)
    if op is C.ATOMIC_GROUP:
        return _sequence(av.data)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _, item = av
        return _sequence(item.data) if low >= 1 else None
    if op is C.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            found = _sequence(alternative.data)
            if not found:
                return None
            union |= found
        return frozenset(union)
    return None  # a class, any character, an assertion, a group reference: no literal
