"""The phases of build_ruleset (pipeline/rules/ruleset.py): where a pack may sit and what it
may hold (check_pack, in the order its errors are given), and the rules digest."""
import pytest

from newsclean.pipeline.rules.ruleset import RuleError, check_pack, parse_pack, rules_digest

RULE = '[[rule]]\nid = "bp.a"\ncategory = "share"\ndescription = "d"\npattern = "^share$"\nexamples.match = ["share"]\n'
HTML_RULE = RULE.replace('"bp.a"', '"bp.h"') + 'inputs = ["html"]\n'


def rules(text, source="x.toml"):
    return parse_pack(source, text)[1]


def test_check_pack_accepts_a_general_and_a_site_pack():
    seen = {}
    check_pack("x.toml", None, rules(RULE), seen)
    check_pack("sites/example.toml", "example.org", rules(RULE.replace("bp.a", "bp.b")), seen)
    assert seen == {"bp.a": "x.toml", "bp.b": "sites/example.toml"}


@pytest.mark.parametrize("source, site, text, seen, message", [
    ("sites/x.toml", None, RULE, {}, "sites/x.toml: a per-site pack must name its site"),
    ("x.toml", "example.org", RULE, {}, "x.toml: per-site packs belong in rules/sites/"),
    ("y.toml", None, RULE, {"bp.a": "x.toml"}, r"y.toml: rule bp.a: duplicate id \(first in x.toml\)"),
    ("sites/x.toml", "example.org", HTML_RULE, {}, "sites/x.toml: HTML-only rules belong in general packs"),
    # a duplicate id is told before an HTML-only rule in a site pack
    ("sites/x.toml", "example.org", HTML_RULE, {"bp.h": "a.toml"}, "duplicate id"),
])
def test_check_pack_errors(source, site, text, seen, message):
    with pytest.raises(RuleError, match=message):
        check_pack(source, site, rules(text), dict(seen))


def test_rules_digest_is_the_set_of_named_texts():
    packs = [("a.toml", RULE), ("b.toml", HTML_RULE)]
    assert rules_digest(packs, ()) == rules_digest(packs[::-1], ()) == rules_digest([("rules/a.toml", RULE), ("b.toml", HTML_RULE)], ())
    assert rules_digest(packs, ()) != rules_digest([("a.toml", RULE + "\n"), ("b.toml", HTML_RULE)], ())
    assert rules_digest(packs, [("models/m.json", "{}", None)]) != rules_digest(packs, ())
    assert len(rules_digest(packs, ())) == 16
