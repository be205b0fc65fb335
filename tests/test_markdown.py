"""Markdown scrapes (Firecrawl, Jina Reader, crawl4ai, html2text): each line made plain, the
change logged as a ``seg.markdown`` edit, the headline, byline and body read as in a naive
text scrape; a naive scrape, or a code listing's "# " comments, is left as it is."""
from dataclasses import replace

import pytest

from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.markdown import looks_like_markdown, plain
from newsclean.pipeline.ingest.segment import segment_text, split_lines
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.output.contract import changelog_record, corpus_record

CFG = CleanConfig()
BODY = [
    "Heavy rain in the capital on Monday caused waterlogging in many areas, the "
    "[weather department](https://mausam.imd.gov.in) said.",
    "The weather department has issued a yellow alert for the next two days.",
    "According to the traffic police, there were long jams on several main roads and people faced great trouble.",
    "## Schools stay open",
    "Municipal officials said that pumps have been installed to drain the water.",
    "No holiday has been declared in schools, but many parents kept their children at home.",
    "Experts say the city's **drainage system** needs immediate improvement before the monsoon peaks.",
]
PAGE = "\n".join([
    "[Skip to content](#main)",
    "[Home](https://example.com/) [India](https://example.com/india) [World](https://example.com/world)",
    "[Share on Facebook](https://facebook.com/sharer?u=x) [Share on Twitter](https://twitter.com/intent/tweet?u=x)",
    "# Rain disrupts life in the capital, waterlogging in many areas",
    "By [Priya Sharma](https://example.com/authors/priya) | July 12, 2024",
    "![](https://example.com/img/spacer.gif)",
    *BODY,
    "### Read more",
    "* [Heavy rain alert in Mumbai too](https://example.com/mumbai-rain)",
    "[Comments (12)](#comments)",
    "© 2024 The Daily. All rights reserved.",
])


@pytest.mark.parametrize("line, text, kind", [
    ("# Rain disrupts life in the capital", "Rain disrupts life in the capital", "heading"),
    ("### Read more ###", "Read more", "heading"),
    ("By [Priya Sharma](https://example.com/a/priya) | July 12", "By Priya Sharma | July 12", None),
    ('See [the report](https://x.org/r.pdf "PDF") and [[PDF] the annex](https://x.org/a(1).pdf).',
     "See the report and [PDF] the annex.", None),
    ("![Crowds at the gate. Photo: Jane Doe](https://x.org/a.jpg)", "Crowds at the gate. Photo: Jane Doe", None),
    ("![](https://x.org/spacer.gif)", "", None),
    ("Read [the full ruling][3] here.", "Read the full ruling here.", None),
    ("It was **not** a `git push` but __a merge__.", "It was not a git push but a merge.", None),
    ("> “We will not give up,” she said.", "“We will not give up,” she said.", "quote"),
    ("The #1 song of 2024 * footnote", "The #1 song of 2024 * footnote", None),
])
def test_plain(line, text, kind):
    assert plain(line) == (text, kind)


def test_a_naive_scrape_or_a_code_listing_is_not_markdown():
    assert looks_like_markdown(split_lines(PAGE))
    naive = [plain(line)[0] for line in split_lines(PAGE)]
    assert not looks_like_markdown(naive)
    listing = ["# Create a new Git repository", "git init my-project", "# Check status", "git status",
               "# Commit it", "git commit -m 'first'", "See the manual at https://git-scm.com/docs."]
    assert not looks_like_markdown(listing)


def test_a_markdown_scrape_is_cleaned_like_a_text_scrape(clean, ctx):
    """Read as plain text, its headline opened with "#" and was dropped, its byline's name was
    a link that no byline pattern took, and the URLs stayed in the body."""
    out = clean(PAGE, id="md")
    assert out.article.title == "Rain disrupts life in the capital, waterlogging in many areas"
    assert list(out.article.authors) == ["Priya Sharma"]
    body = [b.text for b in out.article.blocks]
    assert "The weather department has issued a yellow alert for the next two days." in body
    assert "Experts say the city's drainage system needs immediate improvement before the monsoon peaks." in body
    assert not any("](" in text or "**" in text for text in body)
    edits = {c.line: c for c in out.changes if c.rule == "seg.markdown"}
    assert edits[4].action == "edit" and edits[4].after == "Rain disrupts life in the capital, waterlogging in many areas"
    assert edits[6].action == "drop" and edits[6].before == "![](https://example.com/img/spacer.gif)"
    assert 8 not in edits  # a line without markup is not edited
    assert unaccounted_lines(PAGE, corpus_record(out, ctx), changelog_record(out, ctx)["changes"]) == []


def test_read_markdown_off_keeps_the_lines_as_they_are():
    blocks, changes = segment_text(PAGE, replace(CFG, read_markdown=False))
    assert [b.text for b in blocks] == [line for line in split_lines(PAGE) if line.strip()]
    assert changes == ()
