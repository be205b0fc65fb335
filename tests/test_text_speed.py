"""The text path's cheaper steps give what the steps they replace give (issue 15.4): the JSONL
line's separator escapes, the character-class literals of the rule screens, the rules a
plan selects by the literals a block holds, the ASCII tokenizer, the stop-word counts."""
import json
import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.pipeline import io
from newsclean.pipeline.output.contract import dumps
from newsclean.pipeline.rules.matching import rule_group
from newsclean.pipeline.rules.literals import required_literals
from newsclean.pipeline.text.languages import STOPWORDS, TOKEN, TOKEN_ASCII, stopword_counts, tokens
from newsclean.pipeline.text.predicates import URL, fold, has_url

# what dumps did before: every character of the line through a translation table
TABLE = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

texts = st.text(alphabet=st.sampled_from("ab é\n\"\\\x85\u2028\u2029€日"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["text", "id"]), st.one_of(texts, st.lists(texts, max_size=3))))
def test_dumps_escapes_as_the_translation_table_did(record):
    line = dumps(record)
    assert line == json.dumps(record, ensure_ascii=False, separators=(",", ":")).translate(TABLE)
    assert json.loads(line) == record and len(line.splitlines()) <= 1


def test_a_class_of_a_few_symbols_is_a_required_literal():
    assert required_literals(r"^[\s*•·+,;/_=–—-]*[|¦][\s*•·+,;/_=–—|¦-]*$") == {"|", "¦"}
    assert required_literals(r"^\w{2,20}\s*[:：]\s*\w+$") == {":", "："}


def test_a_class_with_letters_ranges_or_negation_gives_no_literal():
    # letters: full case folding matches more than the letter ("ß" with "SS", "k" with the Kelvin sign)
    assert required_literals(r"^[ßk]$") is None
    assert required_literals(r"x[0-9]y") is None and required_literals(r"[^|¦]+") is None
    assert required_literals(r"[\w|]") is None
    assert required_literals(r"[.,]") is None  # too common to test


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab |¦:：*-•\u00a6\uff5c"), max_size=12))
def test_a_class_literal_is_in_every_match(text):
    for pattern in (r"^[\s*•·+,;/_=–—-]*[|¦][\s*•·+,;/_=–—|¦-]*$", r"\w+[:：]\s*"):
        if regex.search(pattern, text, regex.IGNORECASE | regex.V1):
            assert any(literal in fold(text) for literal in required_literals(pattern))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60)
       | st.lists(st.sampled_from(["Don't", "it's", "O'Brien", "x_y", "a1b", "ABC", "--", "''", "l'", "'s"]), max_size=8).map(" ".join))
def test_ascii_tokens_are_the_unicode_patterns_tokens(text):
    assert TOKEN_ASCII.findall(text.lower()) == TOKEN.findall(text.lower())
    assert tokens(text) == tuple(TOKEN.findall(text.lower()))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "of", "и", "не", "der", "und", "le", "la", "x", "de", "que", "a"]), max_size=30))
def test_stopword_counts_count_each_languages_stop_words(toks):
    assert stopword_counts(toks) == {lang: sum(t in words for t in toks) for lang, words in STOPWORDS.items()}


def test_a_plans_candidates_are_the_rules_whose_literal_tests_pass():
    """Plan.candidates (the rules selected by the literals a block holds) against the rules
    filtered one by one by their literals, for every first character and band of the packs."""
    rules = io.load_rules().general
    group = rule_group(tuple(r for r in rules if r.scope == "any") + tuple(r for r in rules if r.scope != "any"))
    for first in ("", "a", "S", "1", "|", "©", "*"):
        for words in (1, 5, 40):
            plan = group.plan(first, words)
            literals = plan.literals
            for held in ([], literals[:1], literals[-2:], literals[::7], list(literals), ["no such literal"]):
                expected = [r for r in plan.rules if r[1] is None or not set(held).isdisjoint(r[1])]
                assert list(plan.candidates(set(held))) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("wW./:hHtTpPsSſKcomCOMrgnet ſ\u212a"), max_size=20))
def test_has_url_is_the_url_pattern(text):
    assert has_url(text) == (URL.search(text) is not None)
    assert has_url("see www.example.org") and has_url("HTTPS://x") and has_url("x.COM/y") and not has_url("now. Then")


# speed2: the classifier's columns and the rule screens, each against the step it replaced

glued_texts = st.text(alphabet=st.sampled_from("abcXYZéÉßжЖ .!?\t\n\x1c0"), max_size=40)


@settings(max_examples=600, deadline=None)
@given(st.one_of(glued_texts, st.text(max_size=60)))
def test_glued_from_its_capital_finds_what_the_first_pattern_finds(text):
    from newsclean.pipeline.classify import blocks
    plain = regex.compile(blocks.GLUED_PLAIN)
    ascii_plain = re.compile(r"[a-z]{3}[.!?]?[A-Z](?:[a-z]|[\t\n\x0b\x0c\r ])")
    assert (blocks.GLUED.search(text) is None) == (plain.search(text) is None)
    if text.isascii():
        assert (blocks.GLUED_ASCII.search(text) is None) == (ascii_plain.search(text) is None)
    assert blocks.GLUED.search("Student-AthleteA 24") and blocks.GLUED_ASCII.search("Student-AthleteA 24")
    assert blocks.GLUED.search("fooBar") and not blocks.GLUED.search("fo.Bar") and blocks.GLUED.search("ствоЖи")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("a1 ٣9０"), max_size=30) | st.text(max_size=30))
def test_digits_by_findall_count_what_the_deleting_translate_counted(text):
    from newsclean.pipeline.classify import blocks
    before = len(text) - len(text.translate(str.maketrans("", "", "0123456789"))) if text.isascii() \
        else len(re.findall(r"\d", text))
    assert blocks.digits(text) == before


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["the", "of", "you", "и", "x", "our"]), max_size=30))
def test_share_by_filter_is_the_sum_of_bools(toks):
    from newsclean.pipeline.text.languages import READER_ADDRESS, _share
    for words in (STOPWORDS["en"], READER_ADDRESS["en"], STOPWORDS["ru"]):
        assert _share(toks, words) == (sum(map(words.__contains__, toks)) / len(toks) if toks else 0.0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["house", "houses", "garden", "market", "prices", "rose", "sharply",
                                          "a", "the", "zebra"]), max_size=8).map(" ".join), max_size=12))
def test_near_overlap_by_difference_is_the_union_met(texts):
    from newsclean.pipeline.classify import blocks
    from newsclean.pipeline.core.article import Block
    from newsclean.pipeline.core.config import CleanConfig
    page = blocks.page_facts([Block(i + 1, t, "paragraph") for i, t in enumerate(texts)], CleanConfig(), "en", ())
    own = [blocks.stems(t) for t in page.raw]
    union = [blocks._ratio(len(w & frozenset().union(*own[low:i], *own[i + 1:high])), len(w)) if w else 0.0
             for i, ((low, high), w) in enumerate(zip(page.windows, own))]
    assert blocks.near_overlap(page) == union


def test_held_literals_are_every_literal_the_automaton_finds():
    rules = io.load_rules().general
    group = rule_group(tuple(rules))
    for text in ("we use cookies | share this", "", "Read more: © 2020 all rights reserved", "нет"):
        folded = fold(text)
        assert group.held(folded) == {literal for _, literal in group.automaton.iter(folded)}


def test_a_layout_from_the_callers_sentence_flags_is_the_layout_it_finds():
    from newsclean.pipeline.core.article import Block
    from newsclean.pipeline.core.config import CleanConfig
    from newsclean.pipeline.text.layout import find_layout
    from newsclean.pipeline.text.predicates import is_sentence
    cfg = CleanConfig()
    texts = ["Home | News", "Storm Hits the Coast Overnight", "By Jane Doe", "The storm hit the coast late on Monday night.",
             "Residents were told to stay indoors until the winds eased.", "Share this", "Jane Doe writes about weather.",
             "Related stories"]
    blocks = [Block(i + 1, t) for i, t in enumerate(texts)]
    flags = [is_sentence(t, cfg) for t in texts]
    for skip in (lambda i: False, lambda i: i == 3, lambda i: i % 2 == 0):
        for not_body in (lambda i: False, lambda i: i == 6):
            assert find_layout(blocks, cfg, skip, not_body, sentences=flags) == find_layout(blocks, cfg, skip, not_body)
    assert find_layout(blocks, cfg).first_body == 3


def test_groups_found_by_the_rules_identity_are_rule_groups_own():
    from newsclean.pipeline.rules.matching import rule_group_of
    from newsclean.pipeline.stages.boilerplate import SCOPES, groups_for
    rules = io.load_rules()
    for site in (None, "example.com"):
        tuple_ = rules.for_site(site)
        everything, scoped = groups_for(tuple_)
        assert everything is rule_group(tuple(r for r in tuple_ if r.scope == "any")
                                        + tuple(r for r in tuple_ if r.scope != "any"))
        assert all(scoped[s] is rule_group(tuple(r for r in tuple_ if r.scope == s)) for s in SCOPES)
        assert groups_for(tuple_)[0] is everything
    assert rule_group_of(rules.html) is rule_group(rules.html) is rule_group_of(rules.html)
    copy = tuple(list(rules.html))  # an equal tuple, another object: the same group, by rule_group's cache
    assert copy is not rules.html and rule_group_of(copy) is rule_group(rules.html)


def test_a_change_made_quickly_is_the_change_its_constructor_makes():
    from newsclean.pipeline.core.article import Block, Change, new_change
    from dataclasses import fields, replace
    args = ("boilerplate", "bp.share", "drop", 12, "Share this", None, {"category": "share", "score": 0.1})
    quick, made = new_change(*args), Change(*args)
    assert quick == made and quick.__dict__ == made.__dict__ and hash(quick.rule) == hash(made.rule)
    assert new_change("s", "r", "flag", 1, "x") == Change("s", "r", "flag", 1, "x")
    assert [f.name for f in fields(Change)] == ["stage", "rule", "action", "line", "before", "after", "detail"]
    # the boilerplate stage builds a scored block with the constructor, as replace() did
    assert [f.name for f in fields(Block)] == ["line", "text", "kind", "score"]
    block = Block(3, "Text", "heading")
    assert Block(block.line, block.text, block.kind, 0.5) == replace(block, score=0.5)


def test_a_line_encoded_once_reused_is_json_dumps():
    from newsclean.pipeline.output.contract import _encode
    record = {"id": "a", "text": "é\u2028x", "n": [1, 2.5, None, True], "d": {"k": "v"}}
    assert _encode(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
