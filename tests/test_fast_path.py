"""The fast text path changes nothing: a block that the cheap test (``cannot_hold_mojibake``)
lets through without ftfy is a block the repair would have left alone.

Checked three ways against the full path (``encoding.full_repair``: ftfy's ``fix_and_explain``
on every block, own quotes kept): whole
articles of a mojibake corpus (dev texts with UTF-8 mis-decoded as cp1252 or latin-1 on some
lines), ftfy's classic examples, and a Hypothesis property over text mixing safe characters
with the ones mojibake is made of.
"""
import ftfy
import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252"
import pytest
from ftfy.fixes import uncurl_quotes
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.pipeline.classify import blocks as classify
from newsclean.pipeline.text import credits, languages
from newsclean.pipeline import io
from newsclean.pipeline.rules.matching import rule_group
from newsclean.pipeline.rules.patterns import length_bounds, top_level_branches
from newsclean.pipeline.output.contract import changelog_record, corpus_record, dumps
from newsclean.pipeline.stages import encoding
from newsclean.pipeline.stages.encoding import _ftfy_config, cannot_hold_mojibake, full_repair, repair
from newsclean.pipeline.stages.normalize import STEPS, is_normal

from .conftest import FIXTURES

SOURCES = sorted((FIXTURES / "fast_path").glob("*.txt"))
EXTRA = ["Café “naïve” résumé — 5 € … ‘quoted’ – dash", "Zürich, São Paulo, Kraków: 20 °C ±2", "Hello\u00a0World"]
ENCODINGS = ("sloppy-windows-1252", "latin-1")


def mojibake(text: str, encoding_name: str) -> str:
    """Every other line that is not ASCII (and one in three twice over) mis-decoded: its
    UTF-8 bytes read as ``encoding_name``, as a careless scraper does."""
    lines = text.split("\n") + EXTRA
    out = []
    for i, line in enumerate(lines):
        if i % 2 == 0 and not line.isascii():
            line = line.encode("utf-8").decode(encoding_name)
            if i % 3 == 0:
                line = line.encode("utf-8").decode(encoding_name)
        out.append(line)
    return "\n".join(out)


CORPUS = [(f"{src.stem}-{enc}", mojibake(src.read_text(encoding="utf-8"), enc)) for src in SOURCES for enc in ENCODINGS]


def test_the_corpus_has_both_kinds_of_block():
    lines = [line for _, text in CORPUS for line in text.split("\n") if line.strip()]
    skipped = [line for line in lines if cannot_hold_mojibake(line, False)]
    repaired = [line for line in lines if full_repair(line, False)[0] != line]
    assert len(SOURCES) == 4 and len(skipped) > 100 and len(repaired) > 50


@pytest.mark.parametrize("unescape_html", [False, True])
def test_fast_and_full_path_agree_block_by_block(unescape_html):
    for _, text in CORPUS:
        for line in text.split("\n"):
            assert repair(line, unescape_html) == full_repair(line, unescape_html), line


@pytest.mark.parametrize("name, text", CORPUS, ids=[n for n, _ in CORPUS])
def test_fast_and_full_path_give_identical_records(name, text, clean, monkeypatch, ctx):
    fast = clean(text, id=name)
    monkeypatch.setattr(encoding, "cannot_hold_mojibake", lambda text, unescape_html: False)
    full = clean(text, id=name)
    assert not fast.rejected
    assert dumps(corpus_record(fast, ctx)) == dumps(corpus_record(full, ctx))
    assert dumps(changelog_record(fast, ctx)) == dumps(changelog_record(full, ctx))
    assert any(c.rule == "enc.ftfy" for c in fast.changes)


# ftfy's own classic examples (its README and documentation): every one is mojibake, HTML
# or a terminal escape that ftfy changes, so the cheap test must never skip it.
CLASSICS = [
    ("âœ” No problems", False),
    ("The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows.", False),
    ("Ã  perturber la rÃ©flexion des thÃ©ologiens jusqu'Ã  nos jours", False),
    ("l’humanitÃ©", False),
    ("Ã¢â‚¬Å“mismatched quotesâ€¦\"", False),
    ("Ã¡rvÃ\xadztÅ±rÅ‘ tÃ¼kÃ¶rfÃºrÃ³gÃ©p", False),
    ("Ð¿Ð¾Ð»Ð¾Ð¶Ð¸Ñ‚ÐµÐ»ÑŒÐ½Ð¾Ðµ", False),
    ("This â€” should be an em dash", False),
    ("HelloÂ\xa0World", False),
    ("cÃ³digo", False),
    ("\x1b[36;44mI'm blue!\x1b[0m", False),
    ("&lt;3 &amp; more", True),
    ("ÃºnicoÂ", False),
    ("\x80\x93 C1 control", False),
]


@pytest.mark.parametrize("text, unescape_html", CLASSICS)
def test_ftfy_classic_examples_take_the_full_path(text, unescape_html):
    fixed, steps = full_repair(text, unescape_html)
    assert fixed != text and steps, "a classic example ftfy does not change"
    assert not cannot_hold_mojibake(text, unescape_html)
    assert repair(text, unescape_html) == (fixed, steps)


SAFE = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
RISKY = "ÃÂâ€™œ\u0080\u0093\xa0ÐÑé&\x1b;"
mixed = st.text(st.one_of(st.characters(max_codepoint=0x7f), st.sampled_from(SAFE), st.sampled_from(RISKY),
                          st.characters(codec="utf-8", exclude_categories=("Cs",))), max_size=60)
safe_only = st.text(st.one_of(st.characters(max_codepoint=0x7f), st.sampled_from(SAFE)), max_size=80)


@settings(max_examples=400, deadline=None)
@given(mixed, st.booleans())
def test_property_fast_path_equals_full_path(text, unescape_html):
    assert repair(text, unescape_html) == full_repair(text, unescape_html)


@settings(max_examples=300, deadline=None)
@given(safe_only)
def test_property_ftfy_leaves_the_safe_alphabet_alone(text):
    # the claim the cheap test rests on, checked against ftfy itself
    if "\x1b" not in text:
        assert cannot_hold_mojibake(text, False)
    if cannot_hold_mojibake(text, False):
        # ftfy itself (quotes uncurled, as fix_text runs it) changes nothing but the quotes
        fixed, _ = ftfy.fix_and_explain(text, config=_ftfy_config(False))
        assert fixed == uncurl_quotes(text)
        assert full_repair(text, False) == (text, [])



# the normalisation stage's no-op test: a block it lets through is one no step would change
spacey = st.text(st.one_of(st.characters(max_codepoint=0x7f),
                           st.sampled_from(" \t\u00a0\u2009\u200b\u00ad\ufeff\x85e\u0301é")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(spacey)
def test_property_is_normal_means_no_step_applies(text):
    if is_normal(text):
        assert all(step(text) == (text, 0) for _, step in STEPS)
    else:
        assert any(step(text)[1] for _, step in STEPS)


# rule pre-filters: the screen (one alternation of a group's patterns) and the length gate
# of patterns opening with ^(?=.{m,n}$) decide exactly as the patterns run one by one
RULES = io.load_rules()
headline_like = st.lists(st.sampled_from(["Trump", "says", "tells", "reporters", "Deal:", "Biden", "warns", "the",
                                          "share", "Share", "Related", "posts", ":", "Follow", "us", "on", "twitter",
                                          "comments", "é", "x" * 30, "Leave a reply", "Read more", "."]),
                         max_size=30).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(headline_like, st.text(max_size=250)))
def test_property_prefilters_decide_like_the_patterns(text):
    for scope in ("any", "lead", "core", "tail"):
        rules = tuple(r for r in RULES.general if r.scope == scope)
        plain = next((r for r in rules if (r.max_words is None or len(text.split()) <= r.max_words)
                      and r.compiled.search(text) is not None), None)
        assert rule_group(rules).first_match(text, 1.0) == plain


@pytest.mark.parametrize("pattern, branches", [
    ("a|b", ["a", "b"]), ("a|(b|c)", ["a", "(b|c)"]), (r"\|x|y", [r"\|x", "y"]), ("[|]|z", ["[|]", "z"]),
    ("[^|]x|^y", ["[^|]x", "^y"]), ("(?:a|b)|^c", ["(?:a|b)", "^c"]), ("[]a]|b", None), ("[[a]|]", None),
])
def test_top_level_branches(pattern, branches):
    assert top_level_branches(pattern) == branches


def test_length_gate_only_for_patterns_it_is_sound_for():
    assert any(r.length_bounds for r in RULES.general)
    assert length_bounds(r"^(?=.{2,5}$)(?:ab|cd)") == length_bounds(r"^(?=.{2,5}$)[^|]") == (2, 5)
    for pattern in (r"^(?=.{2,5}$)a|b", r"(?=.{2,5}$)a", r"^(?i)(?=.{2,5}$)a", r"^(?=.{2,5}$)[[a]|]"):
        assert length_bounds(pattern) is None, pattern


# classifier features: the ASCII shortcuts count exactly what the general patterns count
ascii_words = st.text(st.sampled_from("abcXYZ019 .!?\t\n\x0b\x0c\r\x1c\x1f,|/"), max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ascii_words, st.text(max_size=60)))
def test_property_ascii_feature_patterns_agree(text):
    if text.isascii():
        assert len(classify.CAPITALISED_ASCII.findall(text)) == len(classify.CAPITALISED.findall(text))
        assert (classify.GLUED_ASCII.search(text) is None) == (classify.GLUED.search(text) is None)
    assert classify.digits(text) == len(classify.DIGIT.findall(text))
    if classify.SEPARATOR_CHARS.isdisjoint(text):
        assert classify.SEPARATOR.search(text) is None


sentence_ends = st.text(st.sampled_from("ab .!?…:;\"'”’»)][\t\n\u00a0\u2003\x1c。！？」』）字"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.one_of(sentence_ends, st.text(max_size=60)))
def test_property_sentence_end_test_agrees_with_its_pattern(text):
    """predicates.ends_like_sentence strips closers from the end instead of searching TERMINAL
    from the start: same answer on any text."""
    from newsclean.pipeline.text import predicates
    assert predicates.ends_like_sentence(text) == bool(predicates.TERMINAL.search(text.rstrip()))


stop_tokens = st.lists(st.sampled_from(sorted({w for ws in languages.STOPWORDS.values() for w in ws}) + ["house", "zzz"]),
                       max_size=80)


@settings(max_examples=300, deadline=None)
@given(stop_tokens)
def test_property_stopword_counts_in_one_pass_count_like_a_pass_per_language(toks):
    assert languages.stopword_counts(toks) == {lang: sum(t in words for t in toks)
                                               for lang, words in languages.STOPWORDS.items()}


def split_credit_unguarded(text):
    """credits.split_credit without the per-pattern guards (each pattern tried on every line)."""
    t = text.strip()
    if len(t) > credits.MAX_CAPTION_CHARS or not any(mark in t for mark in credits.CREDIT_MARKS):
        return None
    m = credits.PAREN.match(t)
    if m and credits.is_paren_credit(m.group("credit")):
        return credits._pair(m)
    for pattern, _needs, accept in credits.PATTERNS:
        m = pattern.match(t)
        if m and accept(m):
            return credits._pair(m)
    return None


caption_like = st.lists(st.sampled_from(["A", "man", "walks", ".", "Photo:", "PHOTO", "İmage", "ımage", ":", "©", "(", ")",
                                         "AP", "REUTERS/Jane", "Doe", "/", "Getty", "Images", "credit", "Bild", " ", "\n"]),
                        max_size=14).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(caption_like, st.text(max_size=80)))
def test_property_credit_guards_change_nothing(text):
    assert credits.split_credit.__wrapped__(text) == split_credit_unguarded(text)
