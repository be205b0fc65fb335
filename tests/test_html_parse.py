"""pipeline/ingest/html_parse.py: the page tree is the one trafilatura's loader builds, element for
element, with or without the characters the loader deletes; the depth limit."""
import gzip
import re
from pathlib import Path

import pytest
from lxml import etree
from trafilatura.utils import INVALID_XML_CHARS, load_html

from newsclean.pipeline.core.article import RejectedInput
from newsclean.pipeline.ingest.html_parse import REMOVED, class_members, page_tree

PAGES = Path(__file__).resolve().parent / "fixtures" / "html"


def same_tree(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and etree.tostring(a) == etree.tostring(b))


def test_removed_characters_are_the_loaders():
    assert REMOVED is not None and len(REMOVED) == len(set(REMOVED)) >= 28
    assert all(INVALID_XML_CHARS.fullmatch(c) for c in REMOVED)
    # every other character of the Basic Multilingual Plane is kept by the loader
    assert sum(1 for i in range(0x10000) if INVALID_XML_CHARS.fullmatch(chr(i))) == len(REMOVED)


def test_class_members_reads_one_class_only():
    assert class_members(re.compile("[a-c\n]")) == ("a", "b", "c", "\n")
    assert class_members(re.compile("[a-c]x")) is None
    assert class_members(re.compile("a|b")) == ("a", "b")  # the parser makes it a class: the same characters
    assert class_members(re.compile("[a-c]+")) is None
    assert class_members(re.compile("[a-c]", re.I)) is None  # the case-folded range: not read, the loader is used
    assert class_members(re.compile("[^a]")) is None


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html.gz")), ids=lambda p: p.name)
def test_real_pages_parse_as_the_loader_parses_them(path):
    html = gzip.decompress(path.read_bytes()).decode("utf-8")
    tree = page_tree(html)
    assert len(tree.xpath("//p")) > 5 and same_tree(tree, load_html(html))


PARAGRAPH = "<p>A sentence of the article, long enough to be a paragraph of its own.</p>"
CASES = {
    "plain": f"<html><head><title>T</title></head><body>{PARAGRAPH}</body></html>",
    "doctype with a slash": f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><body>{PARAGRAPH}</body></html>',
    "doctype on one line with the page": f"<!doctype html/><html><body>{PARAGRAPH}</body></html>",
    "self-closing html": f'<!DOCTYPE html>\n<html lang="en"/>\n<body>{PARAGRAPH}</body>',
    "encoding declaration": f'<?xml version="1.0" encoding="utf-8"?><html><body>{PARAGRAPH}</body></html>',
    "fragment": PARAGRAPH,
    "two fragments": PARAGRAPH + PARAGRAPH,
    "not html": "just some text, no markup at all",
    "empty body": "<html><body></body></html>",
    "controls": f"<html><body><p>Bell\x07 and form\x0cfeed and \ufffe.</p>{PARAGRAPH}</body></html>",
    "nul": f"<html><body><p>a\x00b</p>{PARAGRAPH}</body></html>",
    "non-ascii": f"<html><body><p>Café, naïve, 東京, emoji 🙂</p>{PARAGRAPH}</body></html>",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edge_cases_parse_as_the_loader_parses_them(name):
    html = CASES[name]
    assert same_tree(page_tree(html), load_html(html))


def test_too_deep_is_rejected_with_or_without_removed_characters():
    deep = "<html><body>" + "<div>" * 300 + PARAGRAPH + "</div>" * 300 + "</body></html>"
    for html in (deep, deep.replace("<body>", "<body>\x07")):
        with pytest.raises(RejectedInput) as exc:
            page_tree(html)
        assert exc.value.rule == "reject.html-too-deep"
