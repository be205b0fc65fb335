"""Required literals (pipeline/literals.py) and the rule tests built on them: a rule is skipped
only when it cannot match, so the rule groups decide exactly as the patterns run one by one
(the Hypothesis property in test_fast_path.py checks the groups on random text)."""
import sys

import pytest
import regex

from pipeline import io
from pipeline.literals import fold, required_literals
from pipeline.rules import fewest, rule_group, top_level_branches

RULES = io.load_rules()
ALL = list(RULES.general) + list(RULES.html) + [r for _, rules in RULES.sites for r in rules]


@pytest.mark.parametrize("pattern, literals", [
    (r"all rights reserved\b", {"all rights reserved"}),
    (r"\b(?:we use cookies|this site uses cookies)\b", {"we use cookies", "this site uses cookies"}),
    (r"^(?:Share|Tweet)\s*$", {"share", "tweet"}),  # folded
    (r"\bfoo\w+ (?:bar|bazz)", {"foo"}),  # the longest shortest literal wins: "foo" over "bar"
    (r"^\d+ min read", {" min read"}),
    (r"\bnewsletter\b.{0,100}\b(?:inbox|delivered)", {"newsletter"}),
    (r"^[\p{Lu}]\w+ says", {" says"}),  # \p{..} is read as some class
    (r"(\w+) \1 again", {" again"}),
])
def test_required_literals(pattern, literals):
    assert required_literals(pattern) == literals


@pytest.mark.parametrize("pattern", [
    r"^(?:ad|ads)$",  # too short to be worth testing
    r"(?:cookie)?s\w+",  # an optional literal is not required
    r"[[a-z]--[aeiou]]xyz",  # V1 set operations
    r"a|",  # an empty alternative holds nothing
])
def test_no_required_literals(pattern):
    assert required_literals(pattern) is None


def test_fold_keeps_case_insensitive_matches_substrings():
    assert fold("STRASSE") == fold("Straße") == "strasse"
    assert "sian" in fold("MALAYSIAN") and fold("ı") == "i"  # regex matches I with dotless ı
    for text, literal in (("İstanbul", "istanbul"), ("KELVIN", "kelvin")):
        assert regex.search(literal, text, regex.IGNORECASE | regex.V1) and literal in fold(text)


def test_fewest_literals():
    assert fewest({"report", "report ", "reporting", "news"}) == ("news", "report")


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_examples_hold_a_required_literal(rule):
    """Every example a branch matches holds one of the branch's literals."""
    for branch in top_level_branches(rule.pattern) or ():
        literals = required_literals(branch)
        if literals is None:
            continue
        compiled = regex.compile(branch, regex.IGNORECASE | regex.V1)
        for example in rule.examples_match + rule.examples_keep:
            if compiled.search(example):
                assert any(lit in fold(example) for lit in literals), (branch, example, literals)


@pytest.mark.parametrize("scope", ["any", "lead", "core", "tail"])
def test_groups_decide_like_the_patterns_on_the_examples(scope):
    rules = tuple(r for r in ALL if r.scope == scope and not r.inputs)
    for text in {t for r in ALL for t in r.examples_match + r.examples_keep}:
        plain = next((r for r in rules if (r.max_words is None or len(text.split()) <= r.max_words)
                      and r.compiled.search(text) is not None), None)
        assert rule_group(rules).first_match(text, 1.0) == plain, text


def test_deep_pattern_gives_no_literals():
    deep = "(?:" * (sys.getrecursionlimit() // 2) + "x" + ")" * (sys.getrecursionlimit() // 2)
    assert required_literals(deep) in (None, frozenset({"x"}))


def test_fold_agrees_with_regex_case_insensitivity():
    """Characters that regex matches with each other case-insensitively fold alike, so a
    literal matched in a text stays a substring of the folded text."""
    for cp in [*range(0x2000), 0x1E9E, 0x212A, 0x212B, 0xFB01]:
        c = chr(cp)
        for p in {c.lower(), c.upper(), c.title(), c.casefold()} - {c}:
            if regex.fullmatch(regex.escape(p), c, regex.IGNORECASE | regex.V1):
                assert fold(p) == fold(c), (c, p)


def test_fold_shortcuts_fold_as_the_full_mapping():
    """ASCII text is only lowercased and the i mapping runs only when an i needs it: the
    result is the full mapping's."""
    from pipeline.literals import _DOTTED
    for text in ("Share this ARTICLE: https://x.com/A", "", "Straße İstanbul ıI", "“Quoted” — text’s end",
                 "KELVIN \u212a and ANGSTROM \u212b", "ﬁne ǅ ſ"):
        assert fold(text) == text.translate(_DOTTED).casefold().replace("i\u0307", "i"), text
