"""Which rules a block can match, and the first one that does, cheaply.

A rule group (``RuleGroup``) tries its rules in order, first match wins, behind tests read
once from each pattern's parse tree (``rules/literals.py``): the characters an anchored
alternative can start with, the prefixes it must start with, the literals one of which it
must hold, whether it needs a digit, and the word limit of the rule. A block that fails
every test of a rule is not given to its pattern; the rules that do run decide exactly as
the patterns run one by one (property tests in ``tests/test_fast_path.py`` and
``tests/test_literals.py``).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Callable, Sequence, TypeVar

import ahocorasick
import regex

from newsclean.pipeline.text.predicates import fold
from newsclean.pipeline.text.predicates import words as count_words
from newsclean.pipeline.rules.patterns import GATE
from newsclean.pipeline.rules.ruleset import Rule
from newsclean.pipeline.rules.regex_budget import RegexBudget


Screen = tuple[tuple[tuple[str, ...] | None, bool], ...]  # per branch: (prefixes, needs a digit)
Planned = tuple["Rule", tuple[str, ...] | None, Screen | None]


@dataclass(frozen=True)
class Plan:
    """The rules that may match a block starting with a given character, in order, each with
    the literals one of which the block must hold (None: no such test) and its screen (the
    prefixes and digit tests of its branches; None: no such test); ``literals``: all of
    them, and ``untested``: the rules without a literal test, i.e. those left when none is held."""

    rules: tuple[Planned, ...]
    literals: tuple[str, ...]
    untested: tuple[Planned, ...]
    # each literal's rules (their positions in ``rules``), so that a block's literals select
    # the rules to try without testing every rule's literals in turn
    by_literal: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    untested_at: tuple[int, ...] = ()

    @staticmethod
    def of(rules: tuple[Planned, ...]) -> Plan:
        by_literal: dict[str, list[int]] = {}
        for at, (_, literals, _) in enumerate(rules):
            for literal in literals or ():
                by_literal.setdefault(literal, []).append(at)
        return Plan(rules, tuple(sorted(by_literal)), tuple(r for r in rules if r[1] is None),
                    {literal: tuple(at) for literal, at in by_literal.items()},
                    tuple(at for at, r in enumerate(rules) if r[1] is None))

    def candidates(self, held: set[str]) -> Sequence[Planned]:
        """The rules a block holding the literals ``held`` may match, in order: those
        without a literal test and those one of whose literals it holds."""
        by_literal = self.by_literal
        found = [by_literal[literal] for literal in held if literal in by_literal]
        if not found:
            return self.untested
        rules = self.rules
        return [rules[at] for at in sorted(set(self.untested_at).union(*found))]


@lru_cache(maxsize=1024)
def fewest(literals: frozenset[str]) -> tuple[str, ...]:
    """The literals less those that hold another (a text holding "report " holds "report").
    Remembered: a rule offers the same set for most first characters, and each worker
    process plans its groups anew."""
    return tuple(sorted(s for s in set(literals) if not any(t != s and t in s for t in literals)))


DIGIT = regex.compile(r"\d")  # the regex module's own \d, so the test is the patterns'


@dataclass(frozen=True)
class RuleGroup:
    """Rules tried in order (the first match wins), behind cheap tests. A rule's pattern is
    cut into its top-level alternatives; an alternative anchored with "^" cannot match a
    block whose first character cannot start it, nor one whose folded text starts with none
    of its prefixes; one with required literals cannot match a block whose folded text holds
    none of them, and one that needs a digit a block without one. A rule none of whose
    alternatives passes is not tried: most blocks cost a few substring tests instead of one
    regex per rule, and the rules that are tried decide exactly as without the tests."""

    rules: tuple[Rule, ...]
    plans: dict = field(default_factory=dict, compare=False, repr=False)  # (first character, band) -> Plan
    by_first: dict = field(default_factory=dict, compare=False, repr=False)  # first character -> see starting

    @cached_property
    def bands(self) -> tuple[int, ...]:
        """The rules' max_words, sorted: a block's band is how many are below its word count."""
        return tuple(sorted({r.max_words for r in self.rules if r.max_words is not None}))

    @cached_property
    def automaton(self) -> ahocorasick.Automaton:
        """An Aho-Corasick automaton of every literal of the rules' branches."""
        automaton = ahocorasick.Automaton()
        for literal in {lit for r in self.rules if r.tests for b in r.tests if b.literals for lit in b.literals}:
            automaton.add_word(literal, literal)
        if len(automaton):
            automaton.make_automaton()
        return automaton

    def plan(self, first: str, words: int) -> Plan:
        """The plan for blocks of ``words`` words starting with ``first`` ("" when not in GATE)."""
        key = (first, bisect_left(self.bands, words))
        plan = self.plans.get(key)
        if plan is None:
            rules = tuple(r for r in self.starting(first) if r[0].max_words is None or r[0].max_words >= words)
            plan = self.plans[key] = Plan.of(rules)
        return plan

    def starting(self, first: str) -> tuple[Planned, ...]:
        """The rules that may match a block starting with ``first``, with their tests."""
        found = self.by_first.get(first)
        if found is None:
            found = []
            for rule in self.rules:
                tests = rule.tests
                possible = tests if tests is None else [b for b in tests if not first or b.starts is None or first in b.starts]
                if possible is not None and not possible:
                    continue
                screen = None if possible is None or not all(b.screened for b in possible) else \
                    tuple((b.prefixes, b.digit) for b in possible)
                if possible is None or any(b.literals is None for b in possible):
                    found.append((rule, None, screen))
                else:
                    found.append((rule, fewest(frozenset().union(*(b.literals for b in possible if b.literals is not None))), screen))
            found = self.by_first[first] = tuple(found)
        return found

    def held(self, folded: str) -> set[str]:
        """The rules' literals that ``folded`` holds, found in one pass (Aho-Corasick) rather
        than one substring search per literal."""
        automaton = self.automaton
        return set(map(itemgetter(1), automaton.iter(folded))) if len(automaton) else set()

    def first_match(self, text: str, timeout: float, budget: RegexBudget | None = None) -> Rule | None:
        first, words = text[:1], count_words(text)
        plan = self.plan(first if first in GATE else "", words)
        folded = fold(text) if plan.rules else text
        rules = plan.candidates(self.held(folded)) if plan.literals else plan.untested
        digit = None
        for rule, _, screen in rules:
            if screen is not None:
                if digit is None:
                    digit = DIGIT.search(text) is not None
                if not any((p is None or folded.startswith(p)) and (digit or not d) for p, d in screen):
                    continue
            if rule.matches(text, timeout, words, budget):
                return rule
        return None


@lru_cache(maxsize=64)
def rule_group(rules: tuple[Rule, ...]) -> RuleGroup:
    """The RuleGroup of ``rules`` (built once per distinct tuple)."""
    return RuleGroup(rules)


K = TypeVar("K")
V = TypeVar("V")
_BY_IDENTITY: dict[int, tuple[tuple[Rule, ...], RuleGroup]] = {}


def by_identity(cache: dict[int, tuple[K, V]], key: K, make: Callable[[K], V], size: int = 64) -> V:
    """``make(key)``, kept in ``cache`` by the identity of ``key`` (at most ``size`` kept):
    a lookup that does not hash ``key``, for a caller that passes the same object again and
    again (the rules tuple of every article). The key is kept too, so that its id is not
    another object's."""
    hit = cache.get(id(key))
    if hit is not None and hit[0] is key:
        return hit[1]
    value = make(key)
    if len(cache) >= size:
        cache.clear()
    cache[id(key)] = (key, value)
    return value


def rule_group_of(rules: tuple[Rule, ...]) -> RuleGroup:
    """``rule_group(rules)``, looked up by the tuple's identity first: the cache of
    ``rule_group`` hashes every rule of the tuple (every field) on each call."""
    return by_identity(_BY_IDENTITY, rules, rule_group)
