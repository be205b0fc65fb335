"""The page parsed as trafilatura's loader parses it, once, with the depth limit checked.

``trafilatura.utils.load_html`` first deletes the characters XML cannot hold (its
``INVALID_XML_CHARS``: C0 controls other than tab and line breaks, U+FFFE, U+FFFF) with a
regular-expression pass over the whole page, about 3% of ``trafilatura.extract``'s time;
pages nearly never hold one. ``page_tree`` looks for them with one substring search per
character (about half the cost) and, when there is none, runs the loader's other steps
itself, the same steps in the same order (``tests/test_html_parse.py`` compares the trees
with ``load_html``'s); a page holding one goes through ``load_html`` itself.
"""
from __future__ import annotations

from re import Pattern
from re import _constants as C  # type: ignore[attr-defined]  # the parser's own tables (no stub)
from re import _parser  # type: ignore[attr-defined]

from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import (DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, INVALID_XML_CHARS, fromstring_bytes,
                               is_dubious_html, load_html)

from newsclean.pipeline.core.article import RejectedInput

PARSER_MAX_DEPTH = 256  # libxml2's limit without XML_PARSE_HUGE, which trafilatura does not set


def class_members(pattern: Pattern) -> tuple[str, ...] | None:
    """The characters of a pattern that is one character class (literals and ranges), or
    None when it is anything else (or matches case-insensitively: the parse does not fold)."""
    if pattern.flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_LOCALE):
        return None
    items = _parser.parse(pattern.pattern, pattern.flags)
    if len(items) != 1 or items[0][0] is not C.IN:
        return None
    chars: list[str] = []
    for op, av in items[0][1]:
        if op is C.LITERAL:
            chars.append(chr(av))
        elif op is C.RANGE:
            chars.extend(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return tuple(chars)


REMOVED = class_members(INVALID_XML_CHARS)  # None: the loader's set is not a plain class, always use it


def page_tree(html: str) -> lxml_html.HtmlElement | None:
    """The page as ``trafilatura.utils.load_html(html)`` parses it (None when it is not
    HTML). Raises RejectedInput when the parser stopped at its depth limit: it drops
    everything after that point, so what it kept is not the page."""
    if REMOVED is None or any(c in html for c in REMOVED):
        tree = load_html(html)
    else:
        tree = _load(html)
    if any("depth" in e.message for e in HTML_PARSER.error_log.filter_types(etree.ErrorTypes.ERR_RESOURCE_LIMIT)):
        raise RejectedInput("reject.html-too-deep", f"the page nests elements {PARSER_MAX_DEPTH} levels deep or more, "
                            "where the HTML parser stops and drops the rest of the page")
    return tree


def _load(html: str) -> lxml_html.HtmlElement | None:
    """``load_html`` for a string holding none of the characters it deletes: its repairs
    (a DOCTYPE with a slash, a self-closing ``<html/>``), its parse and its fallbacks."""
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    if "doctype" in beginning:
        first, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    tree, fallback = None, False
    try:
        tree = lxml_html.fromstring(html, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree, fallback = fromstring_bytes(html), True
    except Exception:  # noqa: BLE001 - as load_html: no tree
        pass
    if (tree is None or len(tree) < 1) and not fallback:
        tree = fromstring_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        tree = None
    return tree
