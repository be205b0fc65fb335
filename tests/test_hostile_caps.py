"""Issue 19 point 6: deterministic caps decide what the wall-clock timers used to (a page of
300,000 <p> was cleaned on an idle machine and rejected on a busy one; 60 lines each under the
per-block regex timeout kept one article busy 39 s and it was cleaned). The caps reject such
inputs alike whatever the timers are set to; the timers stay as a safety net under their own
rule ids. The tests marked "main" fail on the main of 2026-12-06."""
from dataclasses import replace

import pytest

from newsclean.pipeline.ingest import html_extract as extract_module
from newsclean.pipeline.clean import clean_bytes, clean_html
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.rules.matching import rule_group
from newsclean.pipeline.rules.regex_budget import RegexBudget
from newsclean.pipeline.rules.registry import BUILTIN
from newsclean.pipeline.rules.ruleset import build_ruleset

PARAGRAPHS = "<html><body>" + "<p>Text.</p>" * 300_000 + "</body></html>"  # 3.6 MB: under max_html_bytes
HEADLINE = "Headline of an article about the patterns\n\n"


def with_config(ctx, **changes) -> Context:
    return replace(ctx, config=replace(ctx.config, **changes))


@pytest.mark.parametrize("timeout", [0.0, 10.0, 1e6])
def test_a_page_of_300000_paragraphs_is_rejected_before_parsing_whatever_the_timer(ctx, monkeypatch, timeout):  # main
    def never(html):
        raise AssertionError("the page was parsed")

    monkeypatch.setattr(extract_module, "page_tree", never)
    cleaned = clean_html(PARAGRAPHS.encode(), id="p", path="p.html", ctx=with_config(ctx, extract_timeout=timeout))
    assert cleaned.rejected and cleaned.changes[0].rule == "reject.html-too-many-elements"
    assert "300,002 start tags, over max_html_elements=30,000" in cleaned.changes[0].detail


def test_pages_under_the_element_cap_are_cleaned(ctx):
    page = "<html><body><article><h1>The council backs the new library</h1>" + "".join(
        f"<p>The council met on Monday, for the {n}th time this year, and agreed to build it.</p>" for n in range(200)) \
        + "</article></body></html>"
    assert not clean_html(page.encode(), id="p", path="p.html", ctx=ctx).rejected
    tight = with_config(ctx, max_html_elements=100)
    assert clean_html(page.encode(), id="p", path="p.html", ctx=tight).changes[0].rule == "reject.html-too-many-elements"


def test_too_many_lines_is_rejected_by_count(ctx):  # main
    text = HEADLINE + "A short line of the input.\n" * 20_001
    cleaned = clean_bytes(text.encode(), id="t", path="t.txt", ctx=ctx)
    assert cleaned.rejected and cleaned.changes[0].rule == "reject.too-many-lines"
    assert "over max_lines=20,000" in cleaned.changes[0].detail
    assert not clean_bytes((HEADLINE + "A short line of the input.\n" * 100).encode(), id="t", path="t.txt", ctx=ctx).rejected


# 60 lines, each under max_line_chars, that the shipped rules' screens do not rule out: the
# article's pattern work is their characters times the patterns run on them
SLOW_LINES = HEADLINE + "\n".join(f"By Reporter {n} and " + "share this photo: " * 9_000 for n in range(60)) + "\n"


@pytest.mark.parametrize("timeout", [1.0, 1e6])
def test_an_article_past_its_pattern_budget_is_rejected_naming_the_rule(ctx, timeout):  # main
    cleaned = clean_bytes(SLOW_LINES.encode(), id="t", path="t.txt", ctx=with_config(ctx, regex_timeout=timeout))
    assert cleaned.rejected and cleaned.changes[0].rule == "reject.regex-budget"
    detail = cleaned.changes[0].detail
    rule = detail.split()[1]
    assert detail.startswith("rule ") and rule in ctx.rules.by_id(), detail
    assert "regex_budget=5,000,000" in detail


def test_the_budget_counts_characters_times_patterns_run():
    pack = "".join(f'[[rule]]\nid = "bp.t{n}"\ncategory = "test"\ndescription = "t"\npattern = \'zz{n}\\s*q\'\n'
                   f'examples.match = ["zz{n}q"]\n' for n in range(3))
    rules = build_ruleset([("t.toml", pack)]).general
    group, budget = rule_group(rules), RegexBudget(0)
    assert group.first_match("zz1 and zz2 and zz0 but no q", 1.0, budget) is None
    assert budget.spent == 3 * len("zz1 and zz2 and zz0 but no q")  # every rule ran: each holds its literal
    spent = budget.spent
    assert group.first_match("nothing the rules hold", 1.0, budget) is None
    assert budget.spent == spent  # the literal screen ran no pattern: nothing charged
    tight = RegexBudget(50)
    with pytest.raises(Exception) as err:
        group.first_match("zz0 zz1 zz2 " * 3, 1.0, tight)
    assert getattr(err.value, "rule", None) == "reject.regex-budget" and "rule bp.t1 " in str(err.value)


def test_the_timeout_names_the_rule_and_has_its_own_id():
    pack = ('[[rule]]\nid = "bp.evil"\ncategory = "test"\ndescription = "catastrophic on purpose"\n'
            'pattern = \'(a|aa)+$\'\nexamples.match = ["aaa"]\n')
    ctx = Context(CleanConfig(regex_timeout=0.05, regex_budget=0), build_ruleset([("evil.toml", pack)]))
    cleaned = clean_bytes((HEADLINE + "a" * 60 + "!\n").encode(), id="t", path="t.txt", ctx=ctx)
    assert cleaned.changes[0].rule == "reject.regex-timeout" and "rule bp.evil" in cleaned.changes[0].detail
    for rid in ("reject.regex-timeout", "reject.regex-budget", "reject.extract-timeout",
                "reject.html-too-many-elements", "reject.too-many-lines"):
        assert rid in BUILTIN


def test_a_line_of_long_glued_words_is_cleaned_not_rejected(clean):
    # a scrape's menu of place names glued together, then "Subscribe": bp.newsletter-label's
    # pattern backtracked on it past regex_timeout and the whole article was rejected
    glued = "AlexandraAshburtonAucklandBlenheimChristchurchDannevirkeDargavilleDunedinGisborneGoreGreymouthHamilton"
    body = "The council voted on Tuesday to close the old library after a long debate about its cost.\n\n"
    out = clean(HEADLINE + body + body.replace("Tuesday", "Monday") + f"{glued} {glued} Subscribe\n")
    assert not [c for c in out.changes if c.rule.startswith("reject.")]
    assert [b.text for b in out.article.blocks][:1] == [body.strip()]


def test_a_photo_credit_with_a_long_url_is_cleaned_not_rejected(clean):
    # bp.image-label allows six words after "Image source:"; this credit has seven, and the
    # pattern tried every split of the URL into words before failing, past regex_timeout
    credit = ("Image source: https://upload.wikimedia.org/wikipedia/commons/thumb/4/4f/Flag_of_the_European_Union"
              ".svg/1280px-Flag.png via Wikimedia Commons, CC BY-SA 4.0")
    body = "The council voted on Tuesday to close the old library after a long debate about its cost.\n\n"
    out = clean(HEADLINE + body + credit + "\n\n" + body.replace("Tuesday", "Monday"))
    assert not [c for c in out.changes if c.rule.startswith("reject.")]
    assert [b.text for b in out.article.blocks][:1] == [body.strip()]
