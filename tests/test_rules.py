"""Every rule against its own examples, and rule-pack validation."""
import pytest

from newsclean.pipeline import io
from newsclean.pipeline.rules.ruleset import RuleError, build_ruleset

RULES = io.load_rules()
ALL = [r for r in RULES.general] + list(RULES.html) + [r for _, rules in RULES.sites for r in rules]


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_rule_examples(rule):
    for text in rule.examples_match:
        assert rule.matches(text, 1.0), f"{rule.id} should match {text!r}"
    for text in rule.examples_keep:
        assert not rule.matches(text, 1.0), f"{rule.id} should keep {text!r}"


# a real scrape's line of place names glued together (odt.co.nz, daniel-dev): long words, few
# spaces. A pattern like ``(?:[\p{L}]+ ){0,3}(?:a|b)`` backtracks on it exponentially unless its
# repeat is possessive (``]++ ``), so a line of two such words and "Subscribe" timed out and the
# whole article was rejected (reject.regex-timeout)
GLUED = ("AlexandraAshburtonAucklandBlenheimChristchurchDannevirkeDargavilleDunedinGisborneGore"
         "GreymouthHamiltonHastings")


def glued_lines(example: str):
    r"""Lines of long glued words around a rule's example. After the example's first word or
    two (a pattern's literal opening, "Image copyright", "Photo:"): long words then more short
    words than a bare credit may have, and a long run of capitals then a word that is not a
    name. bp.image-label's ``(?:\S+\s*){1,6}$`` and ``(?:\p{Lu}[\p{L}]*){0,4}`` split such a
    word every way they can before failing (a real credit, "Image source: <a long URL> via
    Wikimedia Commons, CC BY-SA 4.0", rejected its article) unless the repeat is possessive."""
    yield from (f"{GLUED} {GLUED} {example}", f"{GLUED}{example}", f"{example} {GLUED} {GLUED}")
    words = example.split()
    for head in dict.fromkeys((" ".join(words[:1]), " ".join(words[:2]))):
        yield f"{head} {GLUED} {GLUED} a b c d e f"
        yield f"{head} {GLUED.upper()} x"


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.id)
def test_rule_finishes_on_long_glued_words(rule):
    for example in (rule.examples_match + rule.examples_keep)[:4]:
        for text in glued_lines(example):
            rule.find(text, 1.0)  # a TimeoutError names the rule


def test_rule_ids_are_namespaced_and_described():
    for rule in ALL:
        assert rule.id.startswith("bp."), rule.id
        assert rule.description and rule.category


def pack(body, name="x.toml"):
    return [(name, body)]


GOOD = '[[rule]]\nid = "bp.a"\ncategory = "share"\ndescription = "d"\npattern = "^share$"\nexamples.match = ["share"]\n'


@pytest.mark.parametrize("packs, message", [
    (pack(GOOD) + pack(GOOD, "y.toml"), "y.toml: rule bp.a: duplicate id"),
    (pack(GOOD.replace('"^share$"', '"^(?:share|)$"')), "x.toml: rule bp.a: pattern matches the empty string"),
    (pack(GOOD.replace('"^share$"', '"^(share$"')), "x.toml: rule bp.a: bad regex"),
    (pack(GOOD.replace('pattern = "^share$"\n', '')), "x.toml: rule bp.a: missing pattern"),
    (pack(GOOD.replace('examples.match = ["share"]\n', '')), "x.toml: rule bp.a: needs at least one examples.match"),
    (pack(GOOD + 'scope = "everywhere"\n'), "x.toml: rule bp.a: scope"),
    (pack(GOOD, "sites/x.toml"), "sites/x.toml: a per-site pack must name its site"),
    (pack(GOOD + 'takes_list = true\n'), "x.toml: rule bp.a: takes_list needs an examples.match that ends with a colon"),
    (pack(GOOD.replace('"^share$"', '"^share:?$"') + 'takes_list = "yes"\n'), "x.toml: rule bp.a: takes_list must be"),
    (pack(GOOD.replace('"^share$"', '"^share:?$"').replace('["share"]', '["share:"]')
          + 'takes_list = true\nscope = "tail"\n'), "x.toml: rule bp.a: takes_list is for text rules of scope any"),
])
def test_validation_names_file_and_rule(packs, message):
    with pytest.raises(RuleError) as exc:
        build_ruleset(packs)
    assert message in str(exc.value)


def test_site_rules_apply_to_their_site_only():
    site = 'site = "example.com"\n' + GOOD.replace("bp.a", "bp.example-a")
    rules = build_ruleset(pack(GOOD.replace("bp.a", "bp.b")) + [("sites/example.toml", site)])
    assert [r.id for r in rules.for_site("news.example.com")] == ["bp.b", "bp.example-a"]
    assert [r.id for r in rules.for_site("other.org")] == ["bp.b"]
    assert [r.id for r in rules.for_site(None)] == ["bp.b"]


def test_rules_digest_changes_with_a_rule():
    a = build_ruleset(pack(GOOD))
    b = build_ruleset(pack(GOOD.replace("^share$", "^share!?$")))
    assert a.digest != b.digest


def test_rules_digest_hashes_pack_names_and_contents_not_folders():
    """The digest stamped on every output must not change when the package data moves
    (the namespace move) but must change with a pack's name or text."""
    site = 'site = "example.com"\n' + GOOD.replace("bp.a", "bp.s")
    here = build_ruleset([("share.toml", GOOD), ("sites/example.toml", site)])
    moved = build_ruleset([("packs/share.toml", GOOD), ("sites/example.toml", site)])
    renamed = build_ruleset([("other.toml", GOOD), ("sites/example.toml", site)])
    assert here.digest == moved.digest
    assert here.digest != renamed.digest


def test_max_words_counts_words_as_the_classifier_does_in_cjk_text():
    """One word count: a CJK block of 20 characters is 10 words (predicates.words), not 1,
    so a rule limited to 3 words does not take it (it did while rules split on spaces)."""
    pack = ('[[rule]]\nid = "bp.zh-share"\ncategory = "share"\ndescription = "d"\npattern = "分享"\n'
            'max_words = 3\nexamples.match = ["分享到微信"]\n')
    rule = build_ruleset([("x.toml", pack)]).general[0]
    assert rule.matches("分享到微信", 1.0)
    assert not rule.matches("政府周一宣布了新的经济政策分享支持中小企业的发展", 1.0)


def test_the_ids_html_skip_rules_may_name_are_the_rules_it_can_leave_out():
    """config.check_rule_ids reads the ids from the packs without compiling them: the same set
    as the built rule set's general rules (what ``RuleSet.without`` filters)."""
    from newsclean.pipeline.core.config import CleanConfig, ConfigError, check_rule_ids
    from newsclean.pipeline.rules.ruleset import text_rule_ids

    known = text_rule_ids(io.rule_packs())
    assert known == {r.id for r in RULES.general}
    check_rule_ids(CleanConfig(), known)  # the defaults are known ids
    with pytest.raises(ConfigError, match=r"'bp.share-buton' \(did you mean 'bp.share-button'\?\)"):
        check_rule_ids(CleanConfig(html_skip_rules=("bp.share-buton",)), known)
