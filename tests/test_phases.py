"""The phases of the two functions issue 14 broke up: the boilerplate stage's verdicts
(pipeline/stages/boilerplate.py) and the page's metadata (pipeline/ingest/html_extract.py), each
phase on its own, with negative rows."""
import pytest

from newsclean.pipeline.core.article import Article, Block, Source
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.html_extract import (
    head_tree, meta_tags, page_author, page_date, page_language, page_metadata, page_title, page_url
)
from newsclean.pipeline.stages.boilerplate import match_rules, remove_boilerplate, tail_verdict

CFG = CleanConfig()
SRC = Source(path="t.txt", sha256="0" * 64, format="text")


@pytest.mark.parametrize("text, verdict", [
    ("Jane Doe is a reporter covering city hall.", "pos.author-bio"),
    ("Freelance Journalist", "pos.author-role"),
    ("Share this article", "pos.after-body"),
    ("The council will meet again next week to vote on the final budget for the year.", None),
])
def test_tail_verdict(text, verdict):
    assert tail_verdict(text, {"Jane Doe"}, CFG) == verdict


def article(*lines):
    return Article(id="t", blocks=tuple(Block(i + 1, t) for i, t in enumerate(lines)), source=SRC)


BODY = "The council voted on Tuesday to close the old library after a long debate about its cost."


def test_rules_of_scope_any_drop_before_the_layout_is_found(ctx):
    verdicts = match_rules(article("Storm Hits The Coast Today", "Share on Facebook", BODY, BODY + " Again."), ctx)
    assert set(verdicts.dropped) == {1}
    assert verdicts.dropped[1].id.startswith("bp.") and verdicts.repeated == {}  # no site statistics


def test_the_stage_drops_by_position_and_logs_every_drop(ctx):
    result = remove_boilerplate(article("Home | News | Sport", "Storm Hits The Coast Today", BODY,
                                        BODY.replace("Tuesday", "Monday"), "Related stories", "Share on Facebook"), ctx)
    assert [b.text for b in result.article.blocks][:1] == ["Storm Hits The Coast Today"]
    drops = {c.before: c.rule for c in result.changes if c.action == "drop"}
    assert set(drops) == {"Home | News | Sport", "Related stories", "Share on Facebook"}
    assert drops["Home | News | Sport"] in ("pos.before-headline",) or drops["Home | News | Sport"].startswith("bp.")
    assert len(result.article.blocks) + len(drops) == 6


HEAD = """<html lang="en-GB"><head><title>Storm hits coast | The Daily</title>
<meta property="og:title" content="Storm hits the coast">
<meta name="author" content="https://example.com/staff/jane">
<meta name="byl" content="@jane">
<meta name="dc.creator" content="Jane Doe">
<meta property="og:url" content="/relative/url">
<link rel="canonical" href="https://example.com/storm">
</head><body><time datetime="2024-03-05T10:00:00Z">5 March</time></body></html>"""


def test_meta_tags_keep_the_first_of_each_key():
    tags = meta_tags(head_tree(HEAD + '<meta property="og:title" content="Second">'))
    assert tags["og:title"] == "Storm hits the coast"
    assert meta_tags(None) == {}


def test_page_fields():
    tree = head_tree(HEAD)
    tags = meta_tags(tree)
    assert page_title(tags, tree) == "Storm hits the coast"
    assert page_title({}, tree) == "Storm hits coast"  # the <title> less the site's suffix
    assert page_author({"author": "https://x.com/a", "twitter:creator": "@a"}) is None  # a link, a handle
    assert page_date(tags, HEAD).startswith("2024-03-05")  # from <time datetime>
    assert page_date({}, "<p>no date</p>") is None
    assert page_url(tags, tree) == "https://example.com/storm"  # og:url is not a link: the canonical one
    assert page_language(tree) == "en"
    assert page_language(head_tree('<html lang="not a tag"><head></head></html>')) is None


def test_page_metadata_gives_only_what_the_page_has_and_the_record_url_wins():
    meta = page_metadata(head_tree(HEAD), HEAD, "https://record.example/storm")
    assert list(meta) == [k for k in ("title", "authors", "published", "site_name", "url", "language") if k in meta]
    assert meta["url"] == "https://record.example/storm" and "site_name" not in meta
    assert page_metadata(None, "", None) == {}
