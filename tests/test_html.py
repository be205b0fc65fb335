"""The HTML path on real pages (tests/fixtures/html, see its README for sources and
licences): what must and must not be in the text, metadata, conservation, and the limits."""
import gzip
import re
from dataclasses import replace
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.clean import clean_html, clean_record
from newsclean.pipeline.ingest.inputs import holds_markup, single_record
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.output.contract import body_text, changelog_record, corpus_record
from newsclean.pipeline.rules.patterns import is_anchored
from newsclean.pipeline.ingest.html_extract import extract_html


PAGES = Path(__file__).resolve().parent / "fixtures" / "html"

# page -> (title, published, must appear in the text, must not appear in the text)
CASES = {
    "aeb-360c732d": (
        "Alibaba to raise up to $12.9bn in landmark Hong Kong listing", "2019-11-20",
        ["Alibaba is set to raise up to $12.9bn (£10bn) from its record-breaking second listing in Hong Kong",
         "Alibaba’s listing ceremony is due to be held at the Hong Kong Stock Exchange next Tuesday."],
        ["Read more: Alibaba poised to launch", "Read more: Tencent profit falls", "Main image credit: Getty"]),
    "aeb-3f65af7b": (
        "South Dakota doubles down on ‘Meth. We’re on it.’ They just might be.", "2019-11-19",
        ["Remember New Jersey’s epic quest to find a state slogan?",
         "drew enough criticism to get the ax from the state Department of Public Safety."],
        ["may be reached at akuperinsky@njadvancemedia.com", "Subscribe to NJ.com’s newsletters"]),
    "aeb-c50845a7": (
        "NASA Picks SpaceX, Blue Origin and More to Join Private Moon Lander Project", "2019-11-18",
        ["NASA has recruited SpaceX's Starship, Blue Origin's Blue Moon and three other commercial lunar lander ideas",
         "Editor's note: This story was updated at 5:45 p.m. ET"],
        ["Related: SpaceX's Starship and Super Heavy Mars Rocket in Pictures", "Email Tariq Malik at tmalik@space.com"]),
    "wcxb-4500": (
        "These Are The Best Noise Cancelling Headphones Money Can Buy, According To Consumer Reports", "2026-01-31",
        ["Consumer Reports is an independent, non-profit organization that tech enthusiasts often turn to"],
        ["These Are The Best Noise Cancelling Headphones Money Can Buy\n"]),
}


def page(name: str) -> bytes:
    return gzip.decompress((PAGES / f"{name}.html.gz").read_bytes())


EXTRACTORS = {"ensemble": "trafilatura+readability", "trafilatura": "trafilatura"}  # html_extractor -> source.extractor


def mode(ctx, extractor: str):
    return replace(ctx, config=replace(ctx.config, html_extractor=extractor))


@pytest.fixture(scope="module")
def cleaned(ctx):
    return {(extractor, name): clean_html(page(name), id=name, path=f"{name}.html", ctx=mode(ctx, extractor))
            for name in CASES for extractor in EXTRACTORS}


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_real_page_snippets(cleaned, name, extractor):
    """The default (the trafilatura + readability-lxml vote) and the fast mode alike."""
    title, published, must, must_not = CASES[name]
    c = cleaned[extractor, name]
    assert not c.rejected, c.changes
    text = body_text(c.article) + "\n"
    for snippet in must:
        assert snippet in text, f"{name}: lost {snippet!r}"
    for snippet in must_not:
        assert snippet not in text, f"{name}: kept {snippet!r}"
    assert c.article.title == title
    assert c.article.published == published
    assert c.source.format == "html" and c.source.extractor == EXTRACTORS[extractor]
    assert not text.startswith(title), "the repeated headline stays in the body"


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_extracted_line_is_accounted_for(ctx, cleaned, name):
    """Every line the extractor kept is accounted for (and so is every raw line of the page:
    tests/test_ensemble.py)."""
    extracted = extract_html(page(name).decode("utf-8"), ctx.config, ensemble=ctx.rules.model("ensemble"))
    c = cleaned["ensemble", name]
    log = changelog_record(c, ctx)
    assert unaccounted_lines(extracted.text, corpus_record(c, ctx), log["changes"]) == []


def test_cleaning_is_deterministic(ctx):
    a = clean_html(page("aeb-360c732d"), id="x", path="x.html", ctx=ctx)
    b = clean_html(page("aeb-360c732d"), id="x", path="x.html", ctx=ctx)
    assert a == b


def test_html_rules_do_not_touch_text_inputs(ctx, clean):
    """HTML-only rules run in the residue stage for HTML inputs only."""
    assert ctx.rules.html and not any(r.inputs for r in ctx.rules.general)
    text = ("Sea levels rose again this year, the agency said in its annual report.\nRead more: Another story here\n"
            "The report also found that glaciers shrank faster than in any year on record.\n")
    assert "Read more: Another story here" in body_text(clean(text).article)


def test_record_metadata_wins_over_the_page(ctx):
    c = clean_html(page("wcxb-4500"), id="x", path="x.html", ctx=ctx,
                   meta={"url": "https://example.org/a", "authors": ["Jane Roe"]})
    assert c.article.url == "https://example.org/a" and c.article.site == "example.org"
    assert c.article.authors[0] == "Jane Roe"


@pytest.mark.parametrize("name", sorted(CASES))
def test_trafilatura_body_is_bare_extractions(name):
    """Our call of trafilatura's sequence (no copy of the tree) gives the body that
    ``bare_extraction`` gives with the same options, element for element."""
    import trafilatura
    from lxml import etree
    from newsclean.pipeline.ingest.html_extract import _options, page_tree, trafilatura_body
    html = page(name).decode("utf-8")
    expected = trafilatura.bare_extraction(page_tree(html), options=_options(None)).body
    ours = trafilatura_body(page_tree(html), _options(None))
    assert len(ours) > 10 and etree.tostring(ours) == etree.tostring(expected)


def test_trafilatura_body_is_none_without_text():
    from newsclean.pipeline.ingest.html_extract import _options, page_tree, trafilatura_body
    tree = page_tree("<html><head><title>t</title></head><body><div><span></span></div></body></html>")
    assert trafilatura_body(tree, _options(None)) is None


def test_fallback_to_baseline_is_recorded(ctx):
    html = "<html><body><div>" + "<span>Short lines of plain text in spans only, no paragraph markup here. </span>" * 8 + "</div></body></html>"
    c = clean_html(html.encode(), id="x", path="x.html", ctx=ctx)
    assert c.source.extractor in ("trafilatura+readability", "trafilatura-baseline+readability")
    if c.source.extractor.startswith("trafilatura-baseline"):
        assert "Short lines of plain text" in body_text(c.article)


def test_fallback_reads_the_whole_page(ctx):
    """trafilatura prunes the comment section from the tree it is given; its baseline, the
    fallback when it finds too little, reads the page as parsed (comments and all)."""
    comment = "A reader comment that goes on about the article at some length. " * 3
    html = f'<html><body><nav><p>Home</p></nav><div class="comments"><p>{comment}</p></div><p>Tiny.</p></body></html>'
    extracted = extract_html(html, ctx.config)
    assert extracted.extractor == "trafilatura-baseline"
    assert [t for _, t in extracted.blocks] == ["Home", comment.strip(), "Tiny."]


# ---- limits: a page over them is rejected with the reason, never a crash or a hang -----------

def rule_of(c):
    assert c.rejected
    return c.changes[0].rule


def test_too_large_html_is_rejected(ctx):
    small = replace(ctx, config=replace(ctx.config, max_html_bytes=10_000))
    c = clean_html(page("aeb-360c732d"), id="x", path="x.html", ctx=small)
    assert rule_of(c) == "reject.html-too-large" and "max_html_bytes" in c.changes[0].detail


def paragraph(word: str) -> str:
    return f"<p>{word} paragraph: " + "a sentence of the article that runs long enough to be kept as text. " * 4 + "</p>"


def deep_page(levels: int) -> bytes:
    return ("<html><head><title>Deep</title></head><body><article>" + paragraph("Opening") + "<div>" * levels
            + paragraph("Nested") + "</div>" * levels + paragraph("Closing") + "</article></body></html>").encode()


@pytest.mark.parametrize("levels", [260, 5000])
def test_too_deep_html_is_rejected(ctx, levels):
    """The parser stops at 256 levels and drops the rest of the page (the paragraph after the
    deep part too): such a page is rejected with the reason, not cleaned from what was kept."""
    c = clean_html(deep_page(levels), id="x", path="x.html", ctx=ctx)
    assert rule_of(c) == "reject.html-too-deep" and "256 levels" in c.changes[0].detail


def test_deep_html_under_the_limit_is_cleaned(ctx):
    c = clean_html(deep_page(200), id="x", path="x.html", ctx=ctx)
    assert not c.rejected and all(f"{w} paragraph" in body_text(c.article) for w in ("Opening", "Nested", "Closing"))


def test_depth_verdict_is_of_the_page_just_parsed(ctx):
    """The parser's log is read for the page at hand: a normal page after a deep one passes."""
    assert clean_html(deep_page(300), id="x", path="x.html", ctx=ctx).rejected
    assert not clean_html(deep_page(10), id="y", path="y.html", ctx=ctx).rejected


def test_slow_extraction_is_rejected(ctx):
    quick = replace(ctx, config=replace(ctx.config, extract_timeout=0.001))
    c = clean_html(page("aeb-360c732d") * 3, id="x", path="x.html", ctx=quick)
    assert rule_of(c) == "reject.extract-timeout"


def test_gzip_bomb_is_rejected(ctx):
    bomb = gzip.compress(b"<p>" + b"a" * 3_000_000 + b"</p>")
    record = single_record("bomb", "bomb.html.gz", bomb, None, 1_000_000)
    c = clean_record(record, path="bomb.html.gz", ctx=ctx)
    assert rule_of(c) == "reject.bad-gzip" and "max_input_bytes" in c.changes[0].detail


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02" * 100, b"<html><body></body></html>"])
def test_pages_without_text_are_rejected(ctx, data):
    c = clean_html(data, id="x", path="x.html", ctx=ctx)
    assert c.rejected and c.changes[0].action == "reject"


@pytest.mark.parametrize("pattern, anchored", [
    ("^share$", True), ("^(?:a|b)c", True), ("^a|b", False), ("a^", False), (r"^[|]x", True),
    (r"^\|x|y", False), (r"^[^|]x", True), (r"^[]|]x", False), (r"^(?:a)|^b", True),  # "[]...": unsure, so not
])
def test_is_anchored(pattern, anchored):
    assert is_anchored(pattern) is anchored
    if anchored:  # match() and search() agree on anchored patterns
        assert re.compile(pattern)


def test_fixtures_are_listed_with_their_licence():
    readme = (PAGES / "README.md").read_text(encoding="utf-8")
    for path in PAGES.glob("*.html.gz"):
        assert path.name in readme
    assert "MIT" in readme and "CC-BY-4.0" in readme
    assert io.list_raw(PAGES)  # .html.gz files are inputs


def test_a_txt_file_holding_an_html_page_takes_the_html_path(ctx):
    data = page("aeb-360c732d")
    c = clean_record(single_record("saved", "saved.txt", data, None, 10_000_000), path="saved.txt", ctx=ctx)
    assert c.source.format == "html" and c.source.extractor
    text = body_text(c.article)
    assert "Alibaba is set to raise up to $12.9bn" in text and "<div" not in text and "<script" not in text
    as_html = clean_record(single_record("saved", "saved.html", data, None, 10_000_000), path="saved.txt", ctx=ctx)
    assert text == body_text(as_html.article)


def test_an_html_file_holding_no_markup_is_cleaned_as_text(ctx):
    """A text saved as .html (or a record whose "html" is plain text) was rejected as a page
    with no article text found (reject.empty): its article lost. It holds no tag, so it is
    cleaned as the text it is; a page with markup, in UTF-16 too, still takes the HTML path."""
    text = ("Home\nCouncil approves new bridge over the river\nBy Jane Smith\n"
            "The city council voted on Tuesday to build a new footbridge across the river.\n"
            "Construction will begin next spring and is expected to take two years to finish.\n")
    c = clean_record(single_record("saved", "saved.html", text.encode("utf-8"), None, 10_000), path="saved.html", ctx=ctx)
    assert not c.rejected and c.source.format == "text"
    assert "The city council voted on Tuesday to build a new footbridge across the river." in body_text(c.article)
    png = clean_record(single_record("img", "img.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, 10_000),
                       path="img.html", ctx=ctx)
    assert [ch.rule for ch in png.changes] == ["reject.binary"]
    utf16 = "<html><body><p>Ein Satz.</p></body></html>".encode("utf-16-le")
    assert holds_markup(page("aeb-360c732d")) and holds_markup(utf16)


def test_html_sniffing_can_be_switched_off_and_ignores_quoted_markup(ctx):
    data = page("aeb-360c732d")
    off = replace(ctx, config=replace(ctx.config, sniff_html=False))
    c = clean_record(single_record("saved", "saved.txt", data, None, 10_000_000), path="saved.txt", ctx=off)
    assert c.source.format == "text"
    quoted = (b"How To Write A Web Page\nStart the file with <!DOCTYPE html> and an <html> element, "
              b"then add a head and a body to it as the tutorial shows.\n")
    assert clean_record(single_record("t", "t.txt", quoted, None, 10_000), path="t.txt", ctx=ctx).source.format == "text"


def test_html_context_is_made_once_with_the_html_switches(ctx):
    html = ctx.html
    assert html is ctx.html  # once per Context, not once per page
    cfg = ctx.config
    assert (html.config.drop_lead, html.config.drop_tail, html.config.classify_blocks) == (
        cfg.html_drop_lead, cfg.html_drop_tail, cfg.html_classify_blocks)
    assert cfg.html_skip_rules and not {r.id for r in html.rules.general} & set(cfg.html_skip_rules)
    assert {r.id for r in ctx.rules.general} - {r.id for r in html.rules.general} == set(cfg.html_skip_rules)
    other = replace(ctx, config=replace(cfg, html_drop_tail=not cfg.html_drop_tail))
    assert other.html.config.drop_tail is (not cfg.html_drop_tail)
