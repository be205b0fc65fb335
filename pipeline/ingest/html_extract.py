"""HTML to blocks and metadata: the page's raw lines, the extractors' votes, with bounded cost.

Pure: an HTML string in, an ``Extracted`` value out (or ``RejectedInput`` when a limit is
hit). The page is parsed once, as trafilatura's own loader parses it (``ingest/html_parse.py``,
where the depth limit shows). Its raw lines, the visible text blocks, are read from that
tree first (``html_blocks.page_blocks``); readability-lxml (default ``html_extractor``)
works on a copy of it, and trafilatura's extraction sequence on the tree itself, which it
prunes in place. Each extractor's output is matched to the raw lines (``coverage``), the
lines both keep are kept, and the lines one keeps are put to the vote (``classify/ensemble.py``);
trafilatura alone decides in the fast mode. The body is made of raw lines, with the kinds of
their elements; every line left out becomes an "extract" drop (``ext.*``). When trafilatura
returns too little, its baseline extractor is the fallback; ``extractor`` says which ran.
Metadata (title, authors, date, site name, URL, language) comes from the ``<head>`` parsed
alone, JSON-LD and ``<time>``, and figure captions from the ``<figcaption>`` elements,
because trafilatura's own metadata extraction costs more than its text extraction.

Limits: ``max_html_bytes`` and ``extract_timeout`` reject a page with the reason. Tree depth
is bounded by the parser: libxml2 stops at ``html_parse.PARSER_MAX_DEPTH`` levels (the dev pages stay
under 60) and drops the rest of the page, so a page that reaches that depth is rejected
(``reject.html-too-deep``, read from the parser's log of that parse) rather than cleaned from
what the parser kept.
"""
from __future__ import annotations

import re
import signal
from html import unescape
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import Extractor
from trafilatura.xml import xmltotxt

from newsclean.pipeline.core.article import Article, Block, Change, RejectedInput, Source, StageResult
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.text.dates import parse_date
from newsclean.pipeline.classify.ensemble import KEEP_AT, EnsembleModel, vote
from newsclean.pipeline.ingest.html_readability import readability_article
from newsclean.pipeline.ingest.html_blocks import PageBlock, coverage, holds_marks, page_blocks, without_marks
from newsclean.pipeline.ingest.html_parse import html_lookup, page_tree
from newsclean.pipeline.ingest.inputs import site_of

HEAD_END = re.compile(r"</head\s*>", re.I)
HEAD_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
HEAD_PARSER.set_element_class_lookup(html_lookup())  # lxml.html's classes, chosen in C (html_parse.html_lookup)
FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.I | re.S)
TAG = re.compile(r"<[^>]*>")
TIME_DATETIME = re.compile(r"<time\b[^>]*?\bdatetime\s*=\s*[\"']([^\"']{8,40})", re.I)
KINDS = {"head": "heading", "list": "list_item", "quote": "quote"}
LIST_MARKER = re.compile(r"^- ")
TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")


@dataclass(frozen=True)
class Extracted:
    blocks: tuple[tuple[str, str], ...]  # (kind, text) of each raw line kept, in page order
    meta: dict  # title, authors, published, site, url, language (absent: missing)
    figcaptions: tuple[str, ...]  # the page's <figcaption> texts, for the residue stage
    extractor: str  # "trafilatura+readability", "trafilatura" or "trafilatura-baseline"
    lines: tuple[PageBlock, ...] = ()  # the page's raw lines (html_blocks.page_blocks)
    kept: tuple[int, ...] = ()  # the line number (from 1) of each kept block
    left_out: tuple[Change, ...] = ()  # an "extract" drop for every raw line not kept

    @property
    def text(self) -> str:
        """The extracted text: the raw lines kept."""
        return "\n".join(text for _, text in self.blocks)

    @property
    def raw_text(self) -> str:
        """The page's raw lines, one a line: what the change log accounts for."""
        return "\n".join(line.text for line in self.lines)


class ExtractionTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Raise ExtractionTimeout after ``seconds`` of wall time. Uses SIGALRM, so only in the
    main thread of a POSIX process (Luigi workers are); elsewhere no bound is applied."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum, frame):
        raise ExtractionTimeout()

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_html(html: str, cfg: CleanConfig, url: str | None = None, ensemble: EnsembleModel | None = None) -> Extracted:
    """Blocks and metadata of one HTML page. Raises RejectedInput over a limit. ``ensemble``
    is the vote's model (``rules/models/ensemble.json``): without it, or with
    ``html_extractor = "trafilatura"``, trafilatura alone decides."""
    # UTF-8 takes one to four bytes a character: encode only when that leaves it open
    if len(html) > cfg.max_html_bytes or (4 * len(html) > cfg.max_html_bytes
                                          and len(html.encode("utf-8", "surrogatepass")) > cfg.max_html_bytes):
        size = len(html.encode("utf-8", "surrogatepass"))
        raise RejectedInput("reject.html-too-large", f"HTML is {size:,} bytes, over max_html_bytes={cfg.max_html_bytes:,}")
    elements = start_tags(html, cfg.max_html_elements)
    if elements > cfg.max_html_elements:
        raise RejectedInput("reject.html-too-many-elements",
                            f"{elements:,} start tags, over max_html_elements={cfg.max_html_elements:,}")
    try:
        with time_limit(cfg.extract_timeout):
            return _extract(html, cfg, url, ensemble)
    except ExtractionTimeout:
        raise RejectedInput("reject.extract-timeout", f"extraction ran over extract_timeout={cfg.extract_timeout}s") from None


@dataclass(frozen=True)
class Votes:
    """What each extractor kept of a page's raw lines: the share of each line in its output."""
    lines: tuple[PageBlock, ...]
    trafilatura: list[float]
    readability: list[float] | None  # None: trafilatura alone
    extractor: str


def extractor_votes(html: str, cfg: CleanConfig, url: str | None, both: bool) -> Votes:
    """The page's raw lines and the extractors' votes on them (``both``: readability-lxml
    too, and trafilatura without its own comparison)."""
    tree = page_tree(html)
    if tree is None:
        return Votes((), [], None, "trafilatura")
    # the walk marks blocks with private code points: a page holding them is read without;
    # the lines' link text is measured for the vote alone
    lines = page_blocks(page_tree(without_marks(html)) if holds_marks(html) else tree, links=both)
    second = readability_article(tree) if both else None  # it copies the tree: before trafilatura prunes it
    body = trafilatura_body(tree, _options(url, fast=both))
    found = body_blocks(body) if body is not None else ()
    extractor = "trafilatura"
    if sum(len(t) for _, t in found) < cfg.html_min_chars:
        fallback = _baseline(html)  # trafilatura pruned the first tree: the page parsed again
        if sum(len(t) for _, t in fallback) > sum(len(t) for _, t in found):
            found, extractor = fallback, "trafilatura-baseline"
    t_cover = coverage(lines, [t for _, t in found])
    if not both:
        return Votes(lines, t_cover, None, extractor)
    r_cover = (coverage(lines, [b.text for b in page_blocks(second, links=False)]) if second is not None
               else [0.0] * len(lines))
    return Votes(lines, t_cover, r_cover, extractor + "+readability")


START_TAG = re.compile(r"<[A-Za-z]")


def start_tags(html: str, cap: int) -> int:
    """The page's start tags (``<`` and a letter), counted only when ``<`` occurs more than
    ``cap`` times (else that count, a bound that decides alike)."""
    angles = html.count("<")
    return angles if angles <= cap else sum(1 for _ in START_TAG.finditer(html))


def _extract(html: str, cfg: CleanConfig, url: str | None, ensemble: EnsembleModel | None = None) -> Extracted:
    meta = page_metadata(head_tree(html), html, url)
    figcaptions = tuple(t for t in (_squash(unescape(TAG.sub(" ", m))) for m in FIGCAPTION.findall(html)) if t)
    votes = extractor_votes(html, cfg, url, both=cfg.html_extractor == "ensemble" and ensemble is not None)
    lines, t_cover, r_cover = votes.lines, votes.trafilatura, votes.readability
    if r_cover is None or ensemble is None:  # ensemble is None: only trafilatura ran (both=False)
        keep = [c >= KEEP_AT for c in t_cover]
        left_out = tuple(_left_out(n, line, "ext.not-extracted", None) for n, (line, k) in enumerate(zip(lines, keep), 1)
                         if not k)
    else:
        keep, scores = vote(lines, t_cover, r_cover, ensemble)
        left_out = tuple(_left_out(i + 1, line, "ext.outvoted" if i in scores else "ext.not-extracted",
                                   _vote_detail(t_cover[i], r_cover[i], scores.get(i)))
                         for i, line in enumerate(lines) if not keep[i])
    kept = tuple(n for n, k in enumerate(keep, 1) if k)
    blocks = tuple((lines[n - 1].kind, lines[n - 1].text) for n in kept)
    return Extracted(blocks, meta, figcaptions, votes.extractor, lines, kept, left_out)


def _left_out(n: int, line: PageBlock, rule: str, detail) -> Change:
    """``Change("extract", rule, "drop", n, line.text, None, detail)``, its fields set as pickle
    sets a frozen dataclass's (in its ``__dict__``): half the cost of the frozen ``__init__``,
    and a page leaves out hundreds of lines (``tests/test_html_speed.py`` checks the two agree)."""
    change = object.__new__(Change)
    change.__dict__.update(stage="extract", rule=rule, action="drop", line=n, before=line.text, after=None,
                           detail=detail)
    return change


def _vote_detail(t: float, r: float, score: float | None) -> dict:
    """Who kept the line (the share of it in each extractor's output) and, when they
    disagreed, the vote's probability that it is article text."""
    detail = {"trafilatura": round(t, 2), "readability": round(r, 2)}
    if score is not None:
        detail["vote"] = round(score, 3)
    return detail


# what trafilatura.extract(html, include_comments=False) runs with; built once (reading its
# settings costs about a tenth of a millisecond a page)
_OPTIONS = Extractor(output_format="txt", comments=False, with_metadata=False)
# in the ensemble, trafilatura without its own readability/jusText comparison: readability-lxml
# votes on every line instead (and that comparison is a third of trafilatura's time)
_OPTIONS_FAST = Extractor(output_format="txt", comments=False, with_metadata=False, fast=True)


def _options(url: str | None, fast: bool = False) -> Extractor:
    if url is None:
        return _OPTIONS_FAST if fast else _OPTIONS
    return Extractor(output_format="txt", comments=False, with_metadata=False, url=url, fast=fast)


def trafilatura_body(tree: lxml_html.HtmlElement, options: Extractor) -> etree._Element | None:
    """``trafilatura.bare_extraction(tree, options=options).body``, less the copy of the tree
    it makes to leave a caller's tree intact (2-3% of its time): ``tree`` is parsed for this
    call alone and is pruned in place. The steps of ``bare_extraction`` that our options leave
    (no metadata, language, prune paths, tree-size bound or deduplication) are the sequence
    and its size check; ``tests/test_html.py`` checks the two agree on real pages."""
    try:
        body, text, _, _ = trafilatura_sequence(tree, options, options.url)
    except (TypeError, ValueError):  # as bare_extraction: "discarding data"
        return None
    if len(text) < options.min_output_size and 0 < options.min_output_comm_size:  # no comments: their length is 0
        return None
    return body


def head_tree(html: str) -> etree._Element | None:
    """The page's ``<head>`` (and ``<html>`` attributes) parsed alone: the metadata reads the
    tags before ``</head>``, never those a page puts in its body."""
    end = HEAD_END.search(html, 0, 1_000_000)
    try:
        return lxml_html.document_fromstring(html[:end.end()] if end else html[:200_000], parser=HEAD_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _baseline(html: str) -> tuple[tuple[str, str], ...]:
    _, text, _ = trafilatura.baseline(html)  # parses the page as load_html does (an element it would copy)
    return tuple(("paragraph", line.strip()) for line in (text or "").split("\n") if line.strip())


def body_blocks(body: etree._Element) -> tuple[tuple[str, str], ...]:
    """One block per line of each top-level element's text, trafilatura's own text
    rendering (so the words are exactly those of ``trafilatura.extract``)."""
    out: list[tuple[str, str]] = []
    if body.text and body.text.strip():
        out.append(("paragraph", body.text.strip()))
    for child in body:
        kind = KINDS.get(child.tag, "paragraph")
        tail, child.tail = child.tail, None
        text = xmltotxt(child, False)
        child.tail = tail
        for line in text.split("\n"):
            line = line.strip()
            if kind == "list_item":
                line = LIST_MARKER.sub("", line).strip()
            if line:
                out.append((kind, line))
        if tail and tail.strip():
            out.append(("paragraph", tail.strip()))
    return tuple(out)


# ---- metadata from <meta>, <title>, <time>, <html lang> -------------------------------------

TITLE_KEYS = ("og:title", "twitter:title", "title", "dc.title", "sailthru.title", "parsely-title")
AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
ISO_START = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)")
LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
             "parsely-pub-date", "sailthru.date", "dc.date", "dc.date.issued", "article.published", "publish-date",
             "og:pubdate", "dcterms.date", "article:modified_time")
SITE_KEYS = ("og:site_name", "application-name", "twitter:site")
URL_KEYS = ("og:url",)


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def page_metadata(tree: etree._Element | None, html: str, url: str | None) -> dict:
    """Metadata from the ``<head>`` tree, JSON-LD and ``<time>`` in the page's text: each
    field that the page gives, in this order."""
    tags = meta_tags(tree)
    author = page_author(tags)
    found = {"title": page_title(tags, tree), "authors": [author] if author else None,
             "published": page_date(tags, html), "site_name": page_site(tags),
             "url": url or page_url(tags, tree), "language": page_language(tree)}
    return {k: v for k, v in found.items() if v}


def meta_tags(tree: etree._Element | None) -> dict[str, str]:
    """The ``<meta>`` tags by property, name or itemprop (lower case), the first of each."""
    tags: dict[str, str] = {}
    for m in (tree.iter("meta") if tree is not None else ()):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = _squash(m.get("content"))
        if key and content and key not in tags:
            tags[key] = content
    return tags


def page_title(tags: dict[str, str], tree: etree._Element | None) -> str | None:
    """og:title and its kin, else the ``<title>`` less the site's suffix."""
    return next((tags[k] for k in TITLE_KEYS if k in tags), None) or (_title_element(tree) if tree is not None else None)


def page_author(tags: dict[str, str]) -> str | None:
    """The first author tag that names a person (not a link, not a @handle)."""
    return next((tags[k] for k in AUTHOR_KEYS if k in tags and not _is_link(tags[k]) and not tags[k].startswith("@")),
                None)


def page_date(tags: dict[str, str], html: str) -> str | None:
    """The date tags, then JSON-LD's datePublished, then the first ``<time datetime>``."""
    date = next((d for d in (_date(tags[k]) for k in DATE_KEYS if k in tags) if d), None)
    if date is None:
        ld = LD_DATE.search(html)
        date = _date(ld.group(1)) if ld else None
    if date is None:
        date = next((d for d in (_date(v) for v in TIME_DATETIME.findall(html, 0, 2_000_000)) if d), None)
    return date


def page_site(tags: dict[str, str]) -> str | None:
    """og:site_name and its kin, the first that is not a @handle."""
    return next((tags[k] for k in SITE_KEYS if k in tags and not tags[k].startswith("@")), None)


def page_url(tags: dict[str, str], tree: etree._Element | None) -> str | None:
    """og:url and its kin when a link, else the canonical ``<link>``."""
    return next((tags[k] for k in URL_KEYS if k in tags and _is_link(tags[k])), None) or (
        _canonical(tree) if tree is not None else None)


LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def page_language(tree: etree._Element | None) -> str | None:
    """The primary subtag of ``<html lang>`` (or xml:lang) when it is a language tag."""
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")) if tree is not None else None
    if lang and LANG.fullmatch(lang.strip()):
        return lang.strip().split("-")[0].split("_")[0].lower()
    return None


def _date(value: str) -> str | None:
    """An ISO date-time ("2019-11-20T09:22:35+00:00") or any date parse_date reads."""
    m = ISO_START.match(value.strip())
    return parse_date(m.group(1) if m else value)


def _title_element(tree: etree._Element) -> str | None:
    for el in tree.iter("title"):
        text = _squash(el.text_content())
        if text:
            return TITLE_SUFFIX.sub("", text) or text
    return None


def _canonical(tree: etree._Element) -> str | None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and _is_link(link.get("href") or ""):
            return link.get("href").strip()
    return None


def _is_link(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://"))


def article_from_html(html: str, id: str, source: Source, meta: dict, ctx: Context) -> StageResult:
    """The Article of one page, its blocks numbered as the page's raw lines, and an
    "extract" drop for every raw line the extractors left out; the record's own metadata
    (sidecar, JSONL fields, WARC URL) wins over the page's."""
    extracted = extract_html(html, ctx.config, url=meta.get("url") or None, ensemble=ctx.rules.model("ensemble"))
    if not extracted.blocks:
        raise RejectedInput("reject.empty", f"no article text found in the HTML ({extracted.extractor})")
    if len(extracted.blocks) > ctx.config.max_lines:
        raise RejectedInput("reject.too-many-lines",
                            f"{len(extracted.blocks):,} extracted lines, over max_lines={ctx.config.max_lines:,}")
    page = {**extracted.meta, **{k: v for k, v in meta.items() if v not in (None, "", [])}}
    authors = page.get("authors") or ()
    article = Article(
        id=id, source=replace(source, extractor=extracted.extractor),
        blocks=tuple(Block(line=n, text=text, kind=kind) for n, (kind, text) in zip(extracted.kept, extracted.blocks)),
        title=page.get("title") or None, authors=tuple([authors] if isinstance(authors, str) else authors),
        published=page.get("published") or None, site=site_of(page) or page.get("site_name"),
        url=page.get("url") or None, language=page.get("language") or None,
        extra=(("figcaptions", extracted.figcaptions),),
    )
    return StageResult(article, extracted.left_out)
