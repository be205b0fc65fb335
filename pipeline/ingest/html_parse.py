"""The page parsed as trafilatura's loader parses it, once, with the depth limit checked.

``trafilatura.utils.load_html`` first deletes the characters XML cannot hold (its
``INVALID_XML_CHARS``: C0 controls other than tab and line breaks, U+FFFE, U+FFFF) with a
regular-expression pass over the whole page, about 3% of ``trafilatura.extract``'s time;
pages nearly never hold one. ``page_tree`` looks for them with one substring search per
character (about half the cost) and, when there is none, runs the loader's other steps
itself, the same steps in the same order (``tests/test_html_parse.py`` compares the trees
with ``load_html``'s); a page holding one goes through ``load_html`` itself.

That parse uses a parser of its own (``PARSER``: the options of trafilatura's, and the same
element classes chosen in C rather than by ``lxml.html``'s lookup, a Python call for every
element object lxml makes, some 2% of trafilatura's time over the page's life: trafilatura,
readability and our walks make many).
"""
from __future__ import annotations

from re import Pattern
from re import _constants as C  # type: ignore[attr-defined]  # the parser's own tables (no stub)
from re import _parser  # type: ignore[attr-defined]

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlComment, HtmlElement, HtmlElementClassLookup, HtmlEntity, HtmlProcessingInstruction
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


def html_lookup() -> etree.ElementNamespaceClassLookup:
    """The classes ``lxml.html.HtmlElementClassLookup`` gives (``HtmlElement``, ``FormElement``
    for ``<form>`` and its kin, ``HtmlComment``...), by name in C: the HTML parser writes
    names in lower case, which that lookup folds to."""
    lookup = etree.ElementNamespaceClassLookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    names = lookup.get_namespace(None)
    for name, cls in HtmlElementClassLookup._default_element_classes.items():
        names[name] = cls
    return lookup


# trafilatura.utils.HTML_PARSER's options (tests/test_html_parse.py compares the trees), its classes by html_lookup
PARSER = lxml_html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                              remove_pis=True)
PARSER.set_element_class_lookup(html_lookup())

REMOVED = class_members(INVALID_XML_CHARS)  # None: the loader's set is not a plain class, always use it


def page_tree(html: str) -> lxml_html.HtmlElement | None:
    """The page as ``trafilatura.utils.load_html(html)`` parses it (None when it is not
    HTML). Raises RejectedInput when the parser stopped at its depth limit: it drops
    everything after that point, so what it kept is not the page."""
    if REMOVED is None or any(c in html for c in REMOVED):
        tree, parser = load_html(html), HTML_PARSER
    else:
        tree, parser = _load(html)
    if any("depth" in e.message for e in parser.error_log.filter_types(etree.ErrorTypes.ERR_RESOURCE_LIMIT)):
        raise RejectedInput("reject.html-too-deep", f"the page nests elements {PARSER_MAX_DEPTH} levels deep or more, "
                            "where the HTML parser stops and drops the rest of the page")
    return tree


def _load(html: str) -> tuple[lxml_html.HtmlElement | None, etree.HTMLParser]:
    """``load_html`` for a string holding none of the characters it deletes: its repairs
    (a DOCTYPE with a slash, a self-closing ``<html/>``), its parse (with ``PARSER``) and its
    fallbacks (trafilatura's, with its own parser); and the parser of the last parse."""
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    if "doctype" in beginning:
        first, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    tree, fallback, parser = None, False, PARSER
    try:
        tree = lxml_html.fromstring(html, parser=PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree, fallback, parser = fromstring_bytes(html), True, HTML_PARSER
    except Exception:  # noqa: BLE001 - as load_html: no tree
        pass
    if (tree is None or len(tree) < 1) and not fallback:
        tree, parser = fromstring_bytes(html), HTML_PARSER
    if tree is not None and dubious and len(tree) < 2:
        tree = None
    return tree, parser
