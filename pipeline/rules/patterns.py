"""What a rule pattern implies before it runs: its top-level alternatives, whether every
one is anchored at the start, the length gate it may open with, and the tests each
alternative offers (``Branch``: the first characters, prefixes and literals a match needs,
and whether it needs a digit, read by ``rules/literals.py``). Read once per rule when the packs
load (``rules/ruleset.py``); used block by block by ``rules/matching.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from newsclean.pipeline.rules.literals import required_literals, required_prefixes, requires_digit


@dataclass(frozen=True)
class Branch:
    """What a block must show for one top-level alternative of a rule's pattern to match it."""

    starts: frozenset[str] | None  # anchored: the characters of GATE a match may start with
    literals: frozenset[str] | None  # folded strings one of which every match holds (see rules/literals.py)
    prefixes: tuple[str, ...] | None = None  # anchored: folded strings one of which every match starts with
    digit: bool = False  # every match holds a decimal digit

    @property
    def screened(self) -> bool:
        return self.prefixes is not None or self.digit


@lru_cache(maxsize=256)
def length_bounds(pattern: str) -> tuple[int, int] | None:
    """(m, n) when ``pattern`` opens with ``^(?=.{m,n}$)`` and has no top-level alternation:
    then it can only match a block (a line, no newline) of m to n characters, and the
    pattern need not run on any other."""
    m = _LENGTH_GATE.match(pattern)
    if m is None or not is_screenable(pattern) or _alternates_at_top(pattern):
        return None
    return int(m[1]), int(m[2])


# characters whose fitness to start a match is computed once per anchored rule
GATE = frozenset(chr(i) for i in range(32, 0x250)) | frozenset("“”‘’«»„—–…•·▪►■●")


def first_chars(compiled: regex.Pattern) -> frozenset[str]:
    """The characters of GATE that a match of an anchored pattern may start with: those
    for which a partial match of the one character succeeds."""
    return frozenset(c for c in GATE if compiled.match(c, None, None, None, True, 1.0) is not None)


def is_anchored(pattern: str) -> bool:
    """Every alternative at the top level starts with ``^``, so every match starts at
    position 0 (rules never use MULTILINE). False when unsure (odd character sets)."""
    branches = top_level_branches(pattern)
    return branches is not None and all(b.startswith("^") for b in branches)


_LENGTH_GATE = regex.compile(r"\^\(\?=\.\{(\d+),(\d+)\}\$\)")


def top_level_branches(pattern: str) -> list[str] | None:
    """The alternatives of ``pattern`` outside every group ("a|(b|c)" gives "a", "(b|c)"),
    or None when unsure (a nested or odd character set)."""
    branches, begin, depth, i, in_set = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_set:
            if c == "[":
                return None
            in_set = c != "]"
        elif c == "[":
            i += 2 if pattern[i + 1:i + 2] == "^" else 1
            if pattern[i:i + 1] in ("]", ""):
                return None
            in_set = True
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(pattern[begin:i])
            begin = i + 1
        i += 1
    return None if depth or in_set else branches + [pattern[begin:]]


def _alternates_at_top(pattern: str) -> bool:
    branches = top_level_branches(pattern)
    return branches is None or len(branches) > 1


# A pattern may be cut into its top-level alternatives when that cannot change what it matches: no global
# inline flags, group references, conditionals or recursion. Every "(?" must open a plain,
# look-around or scoped-flag group.
_SCREENABLE = regex.compile(r"^(?:[^(\\]|\\[^1-9gk]|\((?!\?)|\(\?(?::|=|!|<=|<!|[a-z]*-?[a-z]+:))*$")


def branch_tests(pattern: str, anchored: regex.Pattern | None) -> tuple[Branch, ...] | None:
    """The tests of each top-level alternative of ``pattern`` (``anchored``: the compiled
    pattern when every alternative is anchored); None when it cannot be split."""
    branches = top_level_branches(pattern) if is_screenable(pattern) else None
    if branches is None:
        return None
    if len(branches) == 1:
        return (_branch(pattern, None if anchored is None else first_chars(anchored)),)
    return tuple(_branch(b, first_chars(regex.compile(b, regex.IGNORECASE | regex.V1)) if b.startswith("^") else None)
                 for b in branches)


def _branch(pattern: str, starts: frozenset[str] | None) -> Branch:
    prefixes = required_prefixes(pattern)
    return Branch(starts, required_literals(pattern), None if prefixes is None else tuple(sorted(prefixes)),
                  requires_digit(pattern))


def is_screenable(pattern: str) -> bool:
    return _SCREENABLE.match(pattern) is not None
