"""readability-lxml (PyPI ``readability-lxml``) over the page tree we parsed once.

``readability.Document(html).summary()`` parses the page itself and runs lxml's ``Cleaner``
over it (rewriting every link for ``javascript:`` URLs, about 40% of its time), then
serialises the article it chose. Here it gets a copy of our tree (one per try: it retries
less ruthlessly when the first try finds too little), with what its cleaner would remove that
holds text taken out (scripts, styles, comments; readability itself drops ``hidden`` and
``display:none`` elements as it always does), and its chosen article is kept as the element
it built, so that its blocks are read without a second parse. Its scoring, candidate choice
and sanitising are readability's own; ``tests/test_ensemble.py`` checks that the text equals
``Document(html).summary()``'s on real pages.

Some of its steps are done here the cheaper way, to the same result (readability's
pure-Python passes cost about as much as trafilatura's whole extraction), each a copy of
readability 0.9's method (readability-lxml, Apache License 2.0, by Yuri Baburov and
contributors; ``tests/test_html_speed.py`` runs them against readability's own):
its case-insensitive patterns of plain words (unlikely candidates, class weights) are matched
on lower-cased ASCII text by their lower-case, case-sensitive twin (``WordSearch``: Python's
engine tries a case-insensitive alternation at every position, seven times slower); a
``<div>`` is tested for a block element among its descendants, stopping at the first, rather
than by serialising its children (``holds_block``); the
unlikely candidates are looked for among the elements with a ``class`` or ``id`` only (any
other gives the single space readability passes over); a link density measures text lengths
without readability's whitespace substitutions where they can change nothing
(``clean_length``); and nothing formats the description of each element readability logs at
debug level, which nothing reads (its logger is silenced below).
"""
from __future__ import annotations

import copy
import logging
import re

from lxml import etree
from lxml.html import fragment_fromstring
from readability import Document
from readability.readability import REGEXES, Unparseable, clean

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)  # it logs every failure with a traceback


PLAIN_WORDS = re.compile(r"[a-z0-9 <()|_-]+")  # lower-case words, alternation and groups: no escape, class or anchor


class WordSearch:
    """``pattern.search(text)`` of a case-insensitive pattern, the same match or no match:
    on ASCII text, its lower-case twin (no ``re.I``) over ``text.lower()``, which is
    equivalent there (an ASCII letter folds only to its own other case), and several times
    faster; on any other text, or for a pattern that is not made of plain lower-case words,
    the pattern itself. Only whether it matches is used."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        plain = pattern.flags & re.IGNORECASE and PLAIN_WORDS.fullmatch(pattern.pattern)
        self.twin = re.compile(pattern.pattern) if plain else None

    def __call__(self, text: str) -> bool:
        if self.twin is not None and text.isascii():
            return self.twin.search(text.lower()) is not None
        return self.pattern.search(text) is not None


UNLIKELY, MAYBE = WordSearch(REGEXES["unlikelyCandidatesRe"]), WordSearch(REGEXES["okMaybeItsACandidateRe"])
POSITIVE, NEGATIVE = WordSearch(REGEXES["positiveRe"]), WordSearch(REGEXES["negativeRe"])
BLOCK_INSIDE = WordSearch(REGEXES["divToPElementsRe"])
INLINE_TAGS = frozenset({"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u"})


def _block_words(pattern: re.Pattern) -> tuple[str, ...] | None:
    """The words of ``divToPElementsRe`` (``<(blockquote|dl|div|...)``, case-insensitive), or
    None when the pattern is not of that shape."""
    words = re.fullmatch(r"<\(([a-z|]+)\)", pattern.pattern) if pattern.flags & re.IGNORECASE else None
    return tuple(words.group(1).split("|")) if words else None


BLOCK_WORDS = _block_words(REGEXES["divToPElementsRe"])


def holds_block(elem: etree._Element) -> bool:
    """readability's test of a ``<div>`` before it makes it a ``<p>``: ``divToPElementsRe``
    found in the repr of the bytes of its children serialised as XML. There "<" and a letter
    begin only a start tag ("<" is escaped in text and attribute values, a non-ASCII byte is
    written ``\\x..``), so it matches when a descendant's name begins with one of the words
    in any ASCII case: looked for in the descendants, stopping at the first. A descendant that
    is not an element of a plain ASCII name (a comment, a namespaced or non-ASCII name) takes
    readability's own way."""
    if BLOCK_WORDS is not None:
        for node in elem.iterdescendants():
            tag = node.tag
            if not isinstance(tag, str) or not tag.isascii() or tag.startswith("{"):
                break
            if tag.lower().startswith(BLOCK_WORDS):
                return True
        else:
            return False
    return BLOCK_INSIDE(str(b"".join(etree.tostring(s, encoding="utf-8") for s in elem)))


class _Summary(str):
    """readability's serialised article, carrying the element it serialised."""
    node: etree._Element


class TreeDocument(Document):
    """A ``readability.Document`` over an already parsed tree (which it leaves intact)."""

    def _parse(self, input):
        doc = copy.deepcopy(input)
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        etree.strip_elements(doc, "script", "style", etree.Comment, etree.ProcessingInstruction, with_tail=False)
        return doc

    def remove_unlikely_candidates(self):
        """readability's own (0.9), over the elements with a ``class`` or ``id`` attribute:
        the string it tests of any other element is a single space, which it passes over,
        so the same elements go, in the same order."""
        for elem in self.html.xpath(".//*[@class or @id]"):
            s = "{} {}".format(elem.get("class", ""), elem.get("id", ""))
            if len(s) < 2:
                continue
            if (
                UNLIKELY(s)
                and (not MAYBE(s))
                and elem.tag not in ["html", "body"]
                and not elem.xpath("ancestor-or-self::pre | ancestor-or-self::code")
                and not elem.xpath("descendant-or-self::main | descendant-or-self::article | descendant-or-self::math")
            ):
                elem.drop_tree()

    def class_weight(self, e):
        """readability's own (0.9), its patterns through ``WordSearch``."""
        weight = 0
        for feature in [e.get("class", None), e.get("id", None)]:
            if feature:
                if NEGATIVE(feature):
                    weight -= 25
                if POSITIVE(feature):
                    weight += 25
                if self.positive_keywords and self.positive_keywords.search(feature):
                    weight += 25
                if self.negative_keywords and self.negative_keywords.search(feature):
                    weight -= 25
        if self.positive_keywords and self.positive_keywords.match("tag-" + e.tag):
            weight += 25
        if self.negative_keywords and self.negative_keywords.match("tag-" + e.tag):
            weight -= 25
        return weight

    def transform_misused_divs_into_paragraphs(self):
        """readability's own (0.9), its pattern through ``WordSearch``: a ``<div>`` holding no
        block element becomes a ``<p>``; a div's loose text and runs of inline children are
        wrapped in ``<p>`` elements."""
        for elem in self.tags(self.html, "div"):
            if not holds_block(elem):
                elem.tag = "p"
        for elem in self.tags(self.html, "div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = fragment_fromstring("<p/>")
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p
            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in INLINE_TAGS or BLOCK_INSIDE(etree.tounicode(child, method="html")):
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = fragment_fromstring("<p/>")
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = fragment_fromstring("<p/>")
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()

    def score_paragraphs(self):
        """readability's own (0.9): each paragraph of 25 characters or more scores its parent
        and grandparent, whose scores are then scaled by their link density."""
        min_len = self.min_text_length
        candidates = {}
        ordered = []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()
            inner_text = clean_text(elem.text_content() or "")
            inner_text_len = len(inner_text)
            if inner_text_len < min_len:
                continue
            if parent_node not in candidates:
                candidates[parent_node] = self.score_node(parent_node)
                ordered.append(parent_node)
            if grand_parent_node is not None and grand_parent_node not in candidates:
                candidates[grand_parent_node] = self.score_node(grand_parent_node)
                ordered.append(grand_parent_node)
            content_score = 1
            content_score += len(inner_text.split(","))
            content_score += min((inner_text_len / 100), 3)
            candidates[parent_node]["content_score"] += content_score
            if grand_parent_node is not None:
                candidates[grand_parent_node]["content_score"] += content_score / 2.0
        for elem in ordered:
            candidates[elem]["content_score"] *= 1 - self.get_link_density(elem)
        return candidates

    def get_link_density(self, elem):
        """readability's own: the length of the text of the links inside ``elem`` over the
        length of its text, each as readability's ``text_length`` measures it."""
        link_length = 0
        for i in elem.findall(".//a"):
            link_length += clean_length(i.text_content() or "")
        total_length = clean_length(elem.text_content() or "")
        return float(link_length) / max(total_length, 1)

    def get_clean_html(self):
        summary = _Summary(super().get_clean_html())
        summary.node = self.html
        return summary


def clean_text(text: str) -> str:
    """``readability.readability.clean(text)``. Its substitutions need a run of 255
    white-space characters, a line break, a tab or two spaces in a row: a text with none of
    them is only stripped."""
    if len(text) < 255 and "\n" not in text and "\t" not in text and "  " not in text:
        return text.strip()
    return clean(text)


def clean_length(text: str) -> int:
    """``len(readability.readability.clean(text))``: readability's ``text_length``."""
    return len(clean_text(text))


def readability_article(tree: etree._Element) -> etree._Element | None:
    """The article element readability-lxml chooses in ``tree`` (None when it fails)."""
    try:
        summary = TreeDocument(tree).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError):
        return None
    return getattr(summary, "node", None)
