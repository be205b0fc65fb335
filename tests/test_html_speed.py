"""The HTML path's cheaper steps give what the steps they replace give (issue 15.4): readability's
methods done the cheaper way, the page parser's element classes, page lines without link lengths,
the collector settled once the context is loaded.

Real pages from tests/fixtures/html (sources and licences in its README)."""
import gc
import gzip
import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from readability.readability import REGEXES, clean
from trafilatura.utils import load_html

from newsclean.pipeline.ingest import html_readability
from newsclean.pipeline.ingest.html_blocks import page_blocks
from newsclean.pipeline.ingest.html_parse import PARSER, page_tree
from newsclean.pipeline.ingest.html_readability import (BLOCK_INSIDE, TreeDocument, WordSearch, clean_text,
                                                        holds_block)

PAGES = Path(__file__).resolve().parent / "fixtures" / "html"
ALL_PAGES = sorted(PAGES.glob("*.html.gz"))


def page(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


class PlainTreeDocument(TreeDocument):
    """Our tree under readability 0.9's own methods: only ``_parse`` (the copy of our tree) and
    ``get_clean_html`` (keeping the element) are ours."""

    remove_unlikely_candidates = html_readability.Document.remove_unlikely_candidates
    class_weight = html_readability.Document.class_weight
    transform_misused_divs_into_paragraphs = html_readability.Document.transform_misused_divs_into_paragraphs
    score_paragraphs = html_readability.Document.score_paragraphs
    get_link_density = html_readability.Document.get_link_density


def chosen(document_class, tree) -> bytes:
    summary = document_class(tree).summary(html_partial=True)
    return etree.tostring(summary.node, encoding="utf-8")


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p.name)
def test_readabilitys_methods_done_the_cheaper_way_choose_the_same_article(path):
    tree = page_tree(page(path))
    assert chosen(TreeDocument, tree) == chosen(PlainTreeDocument, tree)


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p.name)
def test_each_cheaper_method_gives_readabilitys_result_on_real_pages(path):
    tree = page_tree(page(path))
    ours, theirs = TreeDocument(tree), PlainTreeDocument(tree)
    ours._html(True), theirs._html(True)
    elements = list(ours.html.iter())
    assert [ours.class_weight(e) for e in elements] == [theirs.class_weight(e) for e in elements]
    assert [ours.get_link_density(e) for e in elements] == [theirs.get_link_density(e) for e in elements]
    divs = ours.html.findall(".//div")
    assert len(divs) > 10
    assert [holds_block(d) for d in divs] == [bool(BLOCK_INSIDE.pattern.search(
        str(b"".join(etree.tostring(c, encoding="utf-8") for c in d)))) for d in divs]
    for document in (ours, theirs):
        document.remove_unlikely_candidates()
        document.transform_misused_divs_into_paragraphs()
    assert etree.tostring(ours.html) == etree.tostring(theirs.html)
    scored = [(etree.tostring(e)[:200], c["content_score"]) for e, c in ours.score_paragraphs().items()]
    assert scored and scored == [(etree.tostring(e)[:200], c["content_score"]) for e, c in theirs.score_paragraphs().items()]


def test_word_search_is_the_pattern_case_insensitively():
    search = WordSearch(REGEXES["unlikelyCandidatesRe"])
    assert search.twin is not None
    texts = ["sidebar", "SideBar-left", "main-content", "x", "", "foo FOOTER", "ad-BREAK", "AD BREAK",
             "ſidebar", "Sıdebar", "İtem pager", "bloc\u212a", "Footer ünïcode", "menu\u0130"]
    for text in texts:
        assert search(text) == bool(REGEXES["unlikelyCandidatesRe"].search(text)), text


def test_word_search_takes_the_pattern_itself_when_it_is_not_plain_words():
    for pattern in (re.compile(r"\bfoot", re.I), re.compile("Foot|menu"), re.compile("[a-z]+side", re.I)):
        search = WordSearch(pattern)
        assert search.twin is None
        assert search("the FOOTer side") == bool(pattern.search("the FOOTer side"))


@pytest.mark.parametrize("inner", [
    "<span>text</span> and <b>bold</b>",
    "<span><img src='x.png'></span>",
    "<a href='/x'>link</a><p>para</p>",
    "<span title='&lt;p&gt;'>escaped &lt;div&gt; text</span>",
    "<em>picture</em><picture></picture>",
    "<section><PRE>upper</PRE></section>",
    "<font>plain</font><ul><li>item</li></ul>",
    "<span>\u00e9t\u00e9</span><param name='x'>",
])
def test_holds_block_is_readabilitys_serialised_test(inner):
    div = lxml_html.fragment_fromstring(f"<div>{inner}</div>")
    serialised = str(b"".join(etree.tostring(c, encoding="utf-8") for c in div))
    assert holds_block(div) == bool(REGEXES["divToPElementsRe"].search(serialised))


def test_holds_block_takes_readabilitys_way_for_names_it_cannot_read_plainly():
    div = lxml_html.fragment_fromstring("<div><span>a</span></div>")
    etree.SubElement(div[0], "DIV")  # an upper-case name the parser never writes: still found
    assert holds_block(div)
    div = lxml_html.fragment_fromstring("<div><span>a</span></div>")
    div[0].append(etree.Comment(" <p> in a comment "))  # serialised as is: readability's way finds it
    assert holds_block(div)
    div = lxml_html.fragment_fromstring("<div><span>a</span></div>")
    etree.SubElement(div[0], "bloc\u212aquote")  # not ASCII: serialised, no match
    assert not holds_block(div)


@pytest.mark.parametrize("text", ["", "  a  ", "one two", "a\tb", "line\nbreak", "two  spaces", "x" * 300,
                                  " " * 300 + "tail", "\u00a0nbsp\u00a0", "a\r\nb", "\u2003em\u2003space"])
def test_clean_text_is_readabilitys_clean(text):
    assert clean_text(text) == clean(text)


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p.name)
def test_the_parser_makes_lxml_htmls_elements(path):
    html = page(path)
    ours, theirs = page_tree(html), load_html(html)
    assert [type(e) for e in ours.iter()] == [type(e) for e in theirs.iter()]
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_the_parser_makes_form_elements_and_comments_as_lxml_html_does():
    html = ("<html><body><form action='/s'><label>Q</label><input name='q'><select><option>a</option></select>"
            "<textarea>t</textarea></form><p>text</p></body></html>")
    ours, theirs = lxml_html.fromstring(html, parser=PARSER), lxml_html.fromstring(html)
    assert [type(e).__name__ for e in ours.iter()] == [type(e).__name__ for e in theirs.iter()]
    assert {"FormElement", "InputElement", "SelectElement", "TextareaElement", "LabelElement"} <= {
        type(e).__name__ for e in ours.iter()}


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p.name)
def test_page_lines_without_link_lengths_are_the_same_lines(path):
    tree = page_tree(page(path))
    with_links, without = page_blocks(tree), page_blocks(tree, links=False)
    assert any(b.link_chars for b in with_links) and not any(b.link_chars for b in without)
    assert [(b.text, b.kind, b.cell) for b in with_links] == [(b.text, b.kind, b.cell) for b in without]


def test_loading_the_context_settles_the_collector(monkeypatch):
    from newsclean.tasks.run import task_base
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    task_base._context.cache_clear()
    try:
        task_base.load_context("")
        task_base.load_context("")  # made once: settled once
    finally:
        task_base._context.cache_clear()
    assert frozen == [True]


def test_a_left_out_line_is_the_change_its_constructor_makes():
    from dataclasses import fields

    from newsclean.pipeline.core.article import Change
    from newsclean.pipeline.ingest.html_blocks import PageBlock
    from newsclean.pipeline.ingest.html_extract import _left_out
    line = PageBlock("Share this story", "paragraph", False, 5)
    made = _left_out(7, line, "ext.outvoted", {"trafilatura": 1.0, "readability": 0.0})
    expected = Change("extract", "ext.outvoted", "drop", 7, "Share this story", None,
                      {"trafilatura": 1.0, "readability": 0.0})
    assert made == expected
    assert vars(made) == vars(expected) and made.to_json() == expected.to_json()
    assert [f.name for f in fields(Change)] == list(vars(made))  # every field set, none more
    assert not hasattr(Change, "__post_init__")  # a check the constructor would run: the shortcut skips it
