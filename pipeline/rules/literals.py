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
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]  # the parser's own tables (no stub)
from re import _parser  # type: ignore[attr-defined]

from newsclean.pipeline.text.predicates import CJK_RUN, fold

# regex V1 syntax the standard parser would read differently, or not at all
_NOT_STANDARD = ("[[", "--", "&&", "||", "~~", "{e", "\\L<", "(?r", "(?V", "(?f", "(?|", "(?(", "(?P>", "(?&", "(?R")
_PROPERTY = re.compile(r"\\\\|\\[pP]\{[^}]*\}")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
MIN_LENGTH = 3  # shorter literals hold in nearly every paragraph: not worth testing
COMMON = frozenset(".,;-'\"()")  # punctuation too common to test, even alone


def _standard(pattern: str) -> str | None:
    """``pattern`` as the standard parser can read it (``\\p{..}`` becomes some class), or
    None when it uses regex V1 syntax that parser would read differently. Escaped
    characters do not count: ``\\(?(?:`` opens no conditional."""
    plain = _PROPERTY.sub(lambda m: m[0] if m[0] == "\\\\" else r"\w", pattern)
    unescaped = _ESCAPE.sub("_", plain)
    if "\\L<" in plain or any(s in unescaped for s in _NOT_STANDARD):
        return None
    return plain


@lru_cache(maxsize=512)
def _tree(pattern: str) -> tuple | None:
    """The items of ``pattern``'s parse tree (the standard parser's), or None when it cannot
    be read for sure; parsed once for the three analyses below."""
    plain = _standard(pattern)
    if plain is None:
        return None
    try:
        return tuple(_parser.parse(plain).data)
    except (re.error, RecursionError, OverflowError):
        return None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Folded strings of which every match of ``pattern`` contains one, or None when unsure
    or when the best such set has a string shorter than MIN_LENGTH."""
    items = _tree(pattern)
    if items is None:
        return None
    found = _sequence(items)
    if not found or not all(map(_selective, found)):
        return None
    return frozenset(fold(s) for s in found)


def _selective(literal: str) -> bool:
    """Worth testing: long enough (one or two Han or kana characters are: a pair is as rare in a
    paragraph as a three-letter word is not, and one is absent from every page in another
    script: "前" of a Japanese time stamp keeps its rule off the English blocks starting with a
    digit), or made of symbols that most paragraphs lack (":", "©", "@")."""
    return (len(literal) >= MIN_LENGTH or (len(literal) <= 2 and CJK_RUN.fullmatch(literal) is not None)
            or not any(c.isalnum() or c.isspace() or c in COMMON for c in literal))


def _sequence(items) -> frozenset[str] | None:
    """The best literal set among the items of a sequence, all of which must match. A run
    of literals goes on through a branch of plain words: `` (?:on|le|am) `` gives " on ",
    " le " and " am ", where "on" alone would be no test worth making."""
    candidates: list[frozenset[str]] = []
    runs = frozenset([""])  # the literal run so far: one of these strings, as it may branch
    tail = ""  # its literal characters since its last branch: a candidate too ("+" after "(?:18|16)")
    for op, av in items:
        if op is C.LITERAL:
            runs = frozenset(r + chr(av) for r in runs)
            tail += chr(av)
            continue
        if op is C.AT:  # zero width: the literals on both sides are adjacent in the match
            continue
        words = _plain_words(av) if op is C.BRANCH else None
        if words is not None and len(runs) * len(words) <= CLASS_MAX:
            candidates.extend(c for c in (runs, frozenset([tail]), frozenset(words)) if "" not in c)
            runs, tail = frozenset(r + w for r in runs for w in words), ""
            continue
        candidates.extend(c for c in (runs, frozenset([tail])) if "" not in c)
        runs, tail = frozenset([""]), ""
        inner = _item(op, av)
        if inner:
            candidates.append(inner)
    candidates.extend(c for c in (runs, frozenset([tail])) if "" not in c)
    # a set worth testing first (``_selective``: a set of two symbols, "(" among them, is
    # not, where the seven Han weekdays of a Japanese date are), then the longest shortest
    return max(candidates, key=lambda s: (all(map(_selective, s)), min(map(len, s)), -len(s)), default=None)


def _plain_words(av) -> list[str] | None:
    """The alternatives of a branch when each is a non-empty run of literal characters."""
    words = []
    for alternative in av[1]:
        if not alternative.data or any(op is not C.LITERAL for op, _ in alternative.data):
            return None
        words.append("".join(chr(c) for _, c in alternative.data))
    return words


def _item(op, av) -> frozenset[str] | None:
    if op is C.SUBPATTERN:
        return _sequence(av[3].data)
    if op is C.ATOMIC_GROUP:
        return _sequence(av.data)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _, item = av
        return _sequence(item.data) if low >= 1 else None
    if op is C.BRANCH:
        return _union(_sequence(alternative.data) for alternative in av[1])
    if op is C.IN:
        return _class_literals(av)
    return None  # any character, an assertion, a group reference: no literal


CLASS_MAX = 8  # a class of more characters is no test worth making


def _class_literals(items) -> frozenset[str] | None:
    """A class of a few characters that case cannot change (symbols: ``[|¦]``, ``[:：]``; Han
    and kana: ``[月火水木金土日]``) is an alternation of them: one of them is in every match.
    A class with a range, a category or a negation, or with a letter of another script (full
    case folding may match it with other characters, or two), gives no literal."""
    chars = [chr(av) for op, av in items if op is C.LITERAL]
    if len(chars) != len(items) or not 0 < len(chars) <= CLASS_MAX:
        return None
    if any((c.isalpha() and CJK_RUN.fullmatch(c) is None) or c.casefold() != c or c.upper() != c for c in chars):
        return None
    return frozenset(chars)


def required_prefixes(pattern: str) -> frozenset[str] | None:
    """Folded strings one of which every match of ``pattern`` (anchored with ``^``) starts
    with, or None when unsure. A block whose folded text starts with none of them cannot
    match: ``str.startswith`` with a tuple is one C call, where a regex tried at the start
    of the block costs several times more. Unlike required literals, short ones are kept:
    a test at the start of the text is selective even for "ad"."""
    items = _tree(pattern)
    if not items or items[0] != (C.AT, C.AT_BEGINNING):
        return None
    found = _prefixes(items[1:])
    return frozenset(fold(s) for s in found) if found else None


def _prefixes(items) -> frozenset[str] | None:
    """The strings one of which every match of this sequence starts with (None: unsure)."""
    items = list(items)
    run = ""
    for k, (op, av) in enumerate(items):
        if op is C.LITERAL:
            run += chr(av)
            continue
        if run:
            return frozenset([run])
        rest = items[k + 1:]
        if op in (C.ASSERT, C.ASSERT_NOT) or op is C.AT and av is not C.AT_BEGINNING:
            continue  # zero width: what follows starts where it does
        if op is C.SUBPATTERN:
            return _prefixes(list(av[3].data) + rest)
        if op is C.ATOMIC_GROUP:
            return _prefixes(list(av.data) + rest)
        if op is C.BRANCH:
            return _union(_prefixes(list(alt.data) + rest) for alt in av[1])
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, inner = av
            once = _prefixes(list(inner.data) + rest) if high == 1 else _prefixes(inner.data)
            return once if low >= 1 else _union((once, _prefixes(rest)))
        return None  # a class, any character: no fixed start
    return frozenset([run]) if run else None


def _union(sets) -> frozenset[str] | None:
    union: set[str] = set()
    for found in sets:
        if not found:
            return None
        union |= found
    return frozenset(union)


def requires_digit(pattern: str) -> bool:
    """Every match of ``pattern`` holds a decimal digit (``\\d``, ``[0-9]`` or a digit
    literal that is not optional). False when unsure."""
    items = _tree(pattern)
    try:
        return items is not None and _needs_digit(items)
    except RecursionError:
        return False


def _needs_digit(items) -> bool:
    for op, av in items:
        if op is C.LITERAL and chr(av).isdecimal() and chr(av).isascii():
            return True
        if op is C.IN and av and all(_digit_set_item(o, a) for o, a in av):
            return True
        if op is C.SUBPATTERN and _needs_digit(av[3].data):
            return True
        if op is C.ATOMIC_GROUP and _needs_digit(av.data):
            return True
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1 and _needs_digit(av[2].data):
            return True
        if op is C.BRANCH and all(_needs_digit(alt.data) for alt in av[1]):
            return True
    return False


def _digit_set_item(op, av) -> bool:
    if op is C.CATEGORY:
        return av is C.CATEGORY_DIGIT
    if op is C.RANGE:
        return 0x30 <= av[0] <= av[1] <= 0x39
    return op is C.LITERAL and 0x30 <= av <= 0x39
