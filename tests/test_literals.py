"""Required literals (pipeline/rules/literals.py) and the rule tests built on them: a rule is skipped
only when it cannot match, so the rule groups decide exactly as the patterns run one by one
(the Hypothesis property in test_fast_path.py checks the groups on random text)."""
import sys

import pytest
import regex

from newsclean.pipeline import io
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.pipeline.text.predicates import fold
from newsclean.pipeline.rules.literals import required_literals, required_prefixes, requires_digit
from newsclean.pipeline.rules.matching import fewest, rule_group
from newsclean.pipeline.rules.patterns import top_level_branches

RULES = io.load_rules()
ALL = list(RULES.general) + list(RULES.html) + [r for _, rules in RULES.sites for r in rules]


@pytest.mark.parametrize("pattern, literals", [
    (r"all rights reserved\b", {"all rights reserved"}),
    (r"\b(?:we use cookies|this site uses cookies)\b", {"we use cookies", "this site uses cookies"}),
    (r"^(?:Share|Tweet)\s*$", {"share", "tweet"}),  # folded
    # the longest shortest literal wins: " bar" and " bazz" (the run goes on through a branch of
    # plain words) over "foo"
    (r"\bfoo\w+ (?:bar|bazz)", {" bar", " bazz"}),
    (r"^[^.]{1,60}? (?:on|le|am) \d", {" on ", " le ", " am "}),
    (r"^(?:18|16|12|6|0)\+$", {"+"}),  # "18+" holds digits; the "+" after the branch is the test
    (r"^(?:a|bc)(?:dd|ee)f", {"addf", "aeef", "bcddf", "bceef"}),
    (r"^(?:abc|cde|efg)(?:ghi|ijk|klm)", {"abc", "cde", "efg"}),  # 9 runs are too many: each branch alone
    # one Han or kana character is a test (absent from every page in another script), and a
    # class of them too
    (r"^\d+\s*(?:秒|分|時間)前$", {"秒前", "分前", "時間前"}),
    (r"^\d+\s*(?:秒|分|時間|日|週間|か月|ヶ月|年|月)前$", {"前"}),  # 9 alternatives: too many to join
    (r"^\d{4}-\d{1,2}\s*[(（][月火水木金土日][)）]$", set("月火水木金土日")),
    (r"^\d+ min read", {" min read"}),
    (r"\bnewsletter\b.{0,100}\b(?:inbox|delivered)", {"newsletter"}),
    (r"^[\p{Lu}]\w+ says", {" says"}),  # \p{..} is read as some class
    (r"(\w+) \1 again", {" again"}),
    # Han and kana are worth testing (the parser factors 無断 out of the alternatives; the run
    # goes on through the branch left)
    (r"(?:無断転載|無断複製)(?:を|は)?(?:禁じ|禁止)", {"無断転載", "無断複製"}),
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
    assert fewest(frozenset({"report", "report ", "reporting", "news"})) == ("news", "report")


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
    from newsclean.pipeline.text.predicates import _DOTTED
    for text in ("Share this ARTICLE: https://x.com/A", "", "Straße İstanbul ıI", "“Quoted” — text’s end",
                 "KELVIN \u212a and ANGSTROM \u212b", "ﬁne ǅ ſ"):
        assert fold(text) == text.translate(_DOTTED).casefold().replace("i\u0307", "i"), text


@pytest.mark.parametrize("pattern, prefixes", [
    (r"^(?:advertisements?|ads?)\s*$", {"ad"}),  # the parser factors out the common start
    (r"^(?:main )?menu$", {"main menu", "menu"}),  # an optional start: with it and without
    (r"^\(?(?:reporting|editing) by", {"(", "reporting by", "editing by"}),  # an escaped ( opens no conditional
    (r"^(?=.{2,5}$)(?:Ab|cd)", {"ab", "cd"}),  # look-arounds are zero width; folded
    (r"^(?:ab)*c", {"ab", "c"}),
])
def test_required_prefixes(pattern, prefixes):
    assert required_prefixes(pattern) == prefixes


@pytest.mark.parametrize("pattern", [r"\bads?$", r"^\s*ad", r"^(?:a?)*c", r"^[ab]c", r"^(?:x|)\w", r"^(?(1)a|b)"])
def test_no_required_prefixes(pattern):
    assert required_prefixes(pattern) is None


@pytest.mark.parametrize("pattern, needs", [
    (r"at \d{1,2}:\d{2}", True), (r"[0-9]+ min", True), (r"(?:\d|x)", False), (r"\d?x", False),
    (r"[^0-9]", False), (r"(?:a\d|\d{2}b)", True), (r"\w+", False),
])
def test_requires_digit(pattern, needs):
    assert requires_digit(pattern) is needs


def test_short_symbols_are_literals_short_words_are_not():
    assert required_literals(r"^.{0,40}:\s*\w+$") == {":"}
    assert required_literals(r"\b(?:©|copyright)\b") == {"©", "copyright"}
    assert required_literals(r"^.{0,40}\.\s*\w+$") is None  # a full stop is in nearly every paragraph
    assert required_literals(r"^(?:ad|on)$") is None


screen_text = st.lists(st.sampled_from(["Advertisement", "ad", "ADS", "Skip to content", "Reporting by", "(Reporting",
                                        "Editing by", "Sam", "on", "Jan", "1", "at", "10:30", "pm", "wrote", ":", "©",
                                        "Copyright", "2024", "*", "•", "menu", "Main", "says", "Trump", "ı", "İ", "ß",
                                        "le", "said:", "5分前", "3時間前", "2012年1月12日", "（月）", "18+", "You're",
                                        "all set", "Sign up for our", "Jane Doe on May 3, 2019 at 6:34 pm"]),
                       max_size=12).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(screen_text, st.text(max_size=80)))
def test_property_a_branch_that_matches_passes_its_screen(text):
    """Whenever a branch of a rule matches, the block starts with one of its prefixes, holds
    a digit when it must, and holds one of its literals: the screens never skip a match."""
    for rule in ALL:
        for branch, tests in zip(top_level_branches(rule.pattern) or (), rule.tests or ()):
            if regex.search(branch, text, regex.IGNORECASE | regex.V1) is None:
                continue
            folded = fold(text)
            assert tests.prefixes is None or folded.startswith(tests.prefixes), (rule.id, text)
            assert not tests.digit or regex.search(r"\d", text), (rule.id, text)
            assert tests.literals is None or any(lit in folded for lit in tests.literals), (rule.id, text)
