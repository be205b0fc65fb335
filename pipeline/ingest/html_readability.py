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
"""
from __future__ import annotations

import copy
import logging

from lxml import etree
from readability import Document
from readability.readability import REGEXES, Unparseable

logging.getLogger("readability.readability").setLevel(logging.CRITICAL)  # it logs every failure with a traceback


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

    def get_clean_html(self):
        summary = _Summary(super().get_clean_html())
        summary.node = self.html
        return summary


def readability_article(tree: etree._Element) -> etree._Element | None:
    """The article element readability-lxml chooses in ``tree`` (None when it fails)."""
    try:
        summary = TreeDocument(tree).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError):
        return None
    return getattr(summary, "node", None)
