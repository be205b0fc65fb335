"""Hard-wrapped text (``lynx -dump``, ``w3m``, html2text, e-mail and wire copy): the lines of a
paragraph make one block, each logged as a ``seg.unwrap`` edit; other texts stay line by line."""
import textwrap
from dataclasses import replace

from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.segment import segment, segment_text, split_lines, wrap_width
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.output.contract import changelog_record, corpus_record

from tests.conftest import FIXTURES

CFG = CleanConfig()
PARAGRAPHS = [
    "Heavy rain in the capital on Monday caused waterlogging in many areas, and the weather "
    "department has issued a yellow alert for the next two days, warning of more storms.",
    "According to the traffic police, there were long jams on several main roads and people faced "
    "great trouble getting to work; some commuters said they had waited for more than three hours.",
    "Municipal officials said that pumps have been installed to drain the water from the worst-hit "
    "neighbourhoods, and that teams would work through the night to clear the blocked drains.",
    "No holiday has been declared in schools, but many parents kept their children at home. Experts "
    "say the city's drainage system needs immediate improvement before the monsoon peaks in August.",
]
CHROME = ["Home", "India", "World", "Share"]
TAIL = ["Read more", "Also read: Heavy rain alert in Mumbai too", "Comments", "© 2024 All rights reserved"]
HEADLINE = "Rain disrupts life in the capital, waterlogging in many areas"


def wrapped_page(width: int = 70) -> str:
    lines = CHROME + [HEADLINE, "New Delhi, July 12 (PTI)"]
    for paragraph in PARAGRAPHS:
        lines += textwrap.wrap(paragraph, width) + [""]
    return "\n".join(lines + TAIL)


def test_a_hard_wrapped_article_is_read_paragraph_by_paragraph(clean, ctx):
    """Wrapped at 70 characters, no line of the article read as a sentence and the whole
    article was dropped, the last related headline becoming the title."""
    raw = wrapped_page()
    assert wrap_width(split_lines(raw)) is not None
    out = clean(raw, id="wrapped")
    body = [b.text for b in out.article.blocks]
    for paragraph in PARAGRAPHS:
        assert paragraph in body
    assert out.article.title == HEADLINE
    joined = [c for c in out.changes if c.rule == "seg.unwrap"]
    assert len(joined) == sum(len(textwrap.wrap(p, 70)) for p in PARAGRAPHS)
    assert all(c.action == "edit" and c.stage == "ingest" for c in joined)
    # the paragraph once, on its first line's edit; the other lines' edits name its lines
    firsts = [c for c in joined if c.line == c.detail["lines"][0]]
    assert [c.after for c in firsts] == PARAGRAPHS
    assert all(c.after is None for c in joined if c not in firsts)
    assert unaccounted_lines(raw, corpus_record(out, ctx), changelog_record(out, ctx)["changes"]) == []


def test_a_scrape_of_one_short_paragraph_a_line_is_left_line_by_line():
    """Lines of one width that end like sentences (a tabloid's one-sentence paragraphs) are
    not a wrapped text: a wrapper breaks lines in the middle of sentences."""
    lines = CHROME + [HEADLINE] + [p.split(". ")[0] + "." for p in PARAGRAPHS] * 2 + TAIL
    text = "\n".join(lines)
    assert wrap_width(split_lines(text)) is None
    assert [b.text for b in segment(text, CFG)] == lines


def test_only_a_line_a_wrapper_filled_goes_on_into_the_next():
    """A headline above its dateline, or a label above another, would have left room for the
    next line's first word: no wrapper broke there, even in a wrapped text."""
    text = "\n".join([HEADLINE, "New Delhi, July 12 (PTI)", *textwrap.wrap(" ".join(PARAGRAPHS), 70),
                      "Also read: Heavy rain alert in Mumbai too", "Comments"])
    blocks = [b.text for b in segment(text, CFG)]
    assert blocks == [HEADLINE, "New Delhi, July 12 (PTI)", " ".join(PARAGRAPHS),
                      "Also read: Heavy rain alert in Mumbai too", "Comments"]


def test_a_word_broken_at_a_hyphen_and_chinese_are_joined_without_a_space():
    from newsclean.pipeline.ingest.segment import joined

    text = "\n".join(["The minister, who has led the talks for the government since the well-",
                      "known crisis of last year, said on Monday that no agreement was close yet",
                      "and that the negotiators would meet again in Geneva next week to resume.",
                      "Officials on both sides declined to comment on the state of the talks, but",
                      "several diplomats said privately that a deal was not expected before the",
                      "summer, when the current arrangement runs out and both sides face a vote."])
    blocks = [b.text for b in segment(text, CFG)]
    # a break after a full stop, before a capital, is a sentence's end: the blocks part there
    assert blocks[0].startswith("The minister") and "the well-known crisis" in blocks[0] and blocks[0].endswith("resume.")
    assert blocks[1].startswith("Officials") and blocks[1].endswith("face a vote.")
    assert joined(["杭州市发展和改革委员会周二宣布", "该市将新建三条地铁线路"]) == "杭州市发展和改革委员会周二宣布该市将新建三条地铁线路"
    assert joined(["a fine", "day"]) == "a fine day"


def test_unwrap_lines_off_keeps_every_line():
    raw = wrapped_page()
    blocks, changes = segment_text(raw, replace(CFG, unwrap_lines=False))
    assert [b.text for b in blocks] == [line for line in split_lines(raw) if line.strip()]
    assert changes == ()


def test_a_real_hard_wrapped_page_keeps_its_paragraphs_whole(clean, ctx):
    """wcxb-dev 0086 (tests/fixtures/pages/README.md): the article wrapped at about 80
    characters under a long menu; recall was 0.24, its lines dropped one by one."""
    raw = (FIXTURES / "pages" / "wcxb-0086-wrapped.txt").read_text(encoding="utf-8")
    assert 76 <= wrap_width(split_lines(raw)) <= 82
    out = clean(raw, id="0086")
    body = [b.text for b in out.article.blocks]
    assert ("Gym equipment refers to the various machines, tools, and accessories used in a fitness facility to help "
            "individuals achieve their fitness goals. These equipment are designed to target different muscle groups, "
            "improve cardiovascular health, and enhance overall physical fitness. From cardio machines to strength "
            "training equipment, functional training tools, and accessories, gym equipment comes in a wide variety to "
            "cater to the diverse needs and preferences of gym-goers.") in body
    assert "Gym in Ewing, NJ" not in " ".join(body)
    assert unaccounted_lines(raw, corpus_record(out, ctx), changelog_record(out, ctx)["changes"]) == []


def test_a_joined_paragraph_is_held_to_a_lines_limit():
    """max_line_chars bounds every raw line; a paragraph joined from many wrapped lines is held
    to it too (a hostile text of 50,000 wrapped lines makes blocks of at most that many
    characters, not one block of four million)."""
    text = "\n".join(["a" * 79 + " b"] * 50_000)
    cfg = replace(CFG, max_line_chars=10_000)
    blocks, changes = segment_text(text, cfg)
    assert max(len(b.text) for b in blocks) <= 10_000
    assert len(changes) == 50_000  # every line logged, in one of the blocks
    # the change log holds each paragraph once: about the text's size, not its square
    assert sum(len(c.after or "") for c in changes) == sum(len(b.text) for b in blocks)
    # every line's 81 characters are in a block, and a space between two lines of one block
    assert sum(len(b.text) for b in blocks) == 50_000 * 81 + 50_000 - len(blocks)


def lynx_dump() -> str:
    """A page as ``lynx -dump`` writes it: indented, wrapped at 76, link texts after "[n]"
    markers, the numbered URLs under "References" at the end."""
    out = ["   [1]Skip to content", "", "   [2]Home [3]India [4]World", "", HEADLINE, ""]
    for paragraph in PARAGRAPHS:
        marked = paragraph.replace("the weather department", "the [5]weather department")
        out += textwrap.wrap(marked, 76, initial_indent="   ", subsequent_indent="   ") + [""]
    refs = ["#main", "", "india", "world", "weather"]
    return "\n".join(out + ["   [6]Read more", "", "References", ""]
                     + [f"   {n}. https://example.com/{r}" for n, r in enumerate(refs, start=1)])


def test_a_lynx_dump_loses_its_link_markers_and_keeps_its_paragraphs(clean, ctx):
    raw = lynx_dump()
    out = clean(raw, id="lynx")
    body = [b.text for b in out.article.blocks]
    assert PARAGRAPHS[0] in body and not any("[5]" in text for text in body)
    assert out.article.title == HEADLINE
    lynx = [c for c in out.changes if c.rule == "seg.lynx"]
    assert any(c.after == PARAGRAPHS[0] for c in lynx)
    assert unaccounted_lines(raw, corpus_record(out, ctx), changelog_record(out, ctx)["changes"]) == []


def test_bracketed_numbers_stay_without_lynxs_reference_list():
    """"[1]" before a word is a citation or a footnote in any other text: it stays."""
    from newsclean.pipeline.ingest.lynx import looks_like_lynx

    text = "\n".join(["The study[1]found that rates fell.", "References", "1. Smith, J. (2020). Rates."])
    assert not looks_like_lynx(split_lines(text))
    assert [b.text for b in segment(text, CFG)][0] == "The study[1]found that rates fell."
    assert looks_like_lynx(split_lines(lynx_dump()))
