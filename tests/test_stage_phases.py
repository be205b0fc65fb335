"""The phases of the metadata stage (pipeline/stages/metadata.py) and of the residue stage
(pipeline/stages/residue.py), each on its own, with negative rows; and each stage whole on a
small article, so that the phases are seen to add up."""
from dataclasses import replace

import pytest

from newsclean.pipeline.core.article import Article, Block, Caption, Source
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.rules.matching import rule_group
from newsclean.pipeline.text.predicates import squash
from newsclean.pipeline.stages.metadata import (
    byline_names, extract_metadata, field_change, field_changes, headline_change, with_fields
)
from newsclean.pipeline.stages.residue import (
    body_changes, figcaption_move, head_changes, html_rule_drop, photo_credit_move, remove_residue
)
from newsclean.pipeline.text.layout import find_layout

CFG = CleanConfig()
TEXT = Source(path="t.txt", sha256="0" * 64, format="text")
HTML = Source(path="t.html", sha256="0" * 64, format="html")
BODY = "The council voted on Tuesday to close the old library after a long debate about its cost."
MORE = "The building will be sold next year and the money will go to the new school on the hill."


def article(*lines, source=TEXT, **fields):
    blocks = tuple(Block(i + 1, t) if isinstance(t, str) else Block(i + 1, *t) for i, t in enumerate(lines))
    return Article(id="t", blocks=blocks, source=source, **fields)


# metadata

@pytest.mark.parametrize("text, outside_body, names", [
    ("By Jane Doe and John Roe", False, ("Jane Doe", "John Roe")),
    ("Jane Doe", True, ("Jane Doe",)),  # a name alone, above or below the body
    ("Jane Doe", False, None),  # inside the body it is no byline
    ("The council voted on Tuesday.", True, None),
])
def test_byline_names(text, outside_body, names):
    assert byline_names(text, outside_body, CFG) == names


def test_field_change_takes_bylines_anywhere_and_dates_in_the_head():
    byline = field_change(Block(4, "By Jane Doe"), False, False, CFG)
    assert (byline.rule, byline.detail) == ("meta.byline", {"field": "authors", "value": ["Jane Doe"]})
    date = field_change(Block(2, "March 3, 2024"), True, False, CFG)
    assert (date.rule, date.line, date.detail["field"]) == ("meta.date", 2, "published") and date.detail["value"]
    assert field_change(Block(9, "March 3, 2024"), False, True, CFG) is None  # a date below the body stays
    assert field_change(Block(5, BODY), True, False, CFG) is None


def test_headline_change_only_repeats_a_known_title():
    a = article("Library To Close After Vote", BODY, MORE)
    layout = find_layout(a.blocks, CFG)
    assert layout.title == 0 and headline_change(a, layout)[0].rule == "meta.title"
    assert headline_change(replace(a, title="Library To Close After Vote"), layout)[0].rule == "meta.title"
    assert headline_change(replace(a, title="Another Story Entirely"), layout) == {}


def test_field_changes_skip_what_is_taken():
    a = article("Library To Close After Vote", "By Jane Doe", BODY, MORE, "Jane Doe")
    layout = find_layout(a.blocks, CFG)
    assert set(field_changes(a.blocks, layout, CFG, skip=set())) == {1, 4}
    assert set(field_changes(a.blocks, layout, CFG, skip={1})) == {4}


def test_with_fields_keeps_what_the_article_has():
    a = article("Library To Close After Vote", "By Jane Doe", "March 3, 2024", BODY, "By Jane Doe and John Roe",
                authors=("John Roe",), published="2020-01-01")
    result = extract_metadata(a, _ctx())
    new = result.article
    assert [c.rule for c in result.changes] == ["meta.title", "meta.byline", "meta.date", "meta.byline"]
    assert new.title == "Library To Close After Vote" and new.authors == ("John Roe", "Jane Doe")
    assert new.published == "2020-01-01" and [b.text for b in new.blocks] == [BODY]
    assert with_fields(a, a.blocks, (), "en") == replace(a, language="en")


def test_extract_metadata_returns_the_article_itself_when_nothing_changes():
    a = article(BODY, MORE, language="en")
    assert extract_metadata(a, _ctx()).article is a


def _ctx():
    from newsclean.pipeline import io
    from newsclean.pipeline.stages.context import Context
    return Context(CFG, io.load_rules())


# residue

def test_head_changes_take_the_repeated_headline_and_the_dek():
    dek = "A long standfirst that sums the story up in a sentence or so"
    a = article(("Library To Close After Council Vote", "heading"), (dek, "heading"), BODY, source=HTML, title="Library To Close After Council Vote | The Daily")
    title, taken = head_changes(a)
    assert title == "Library To Close After Council Vote" and [taken[i].rule for i in sorted(taken)] == ["meta.title-repeat", "html.dek"]
    assert head_changes(replace(a, title="Another Story Entirely")) == ("Another Story Entirely", {})
    question = article(("Library To Close After Council Vote", "heading"),
                       ("Why did the council vote to close the library on Tuesday?", "heading"), BODY,
                       source=HTML, title="Library To Close After Council Vote")
    assert sorted(head_changes(question)[1]) == [0]  # a question opens the body


def test_caption_moves():
    fig = "The old library in 1950."
    change, caption = figcaption_move(Block(3, fig), {squash(fig)})
    assert change.rule == "cap.figcaption" and caption == Caption(text=fig, credit=None, line=3)
    assert figcaption_move(Block(3, fig), set()) is None and figcaption_move(Block(3, BODY), {squash(fig)}) is None
    change, caption = photo_credit_move(Block(5, "Crowds at the gate on Monday (Photo: Jane Doe/Reuters)"))
    assert change.rule == "cap.photo-credit" and caption.credit and "Reuters" in caption.credit
    assert photo_credit_move(Block(5, BODY)) is None
    assert photo_credit_move(Block(5, "Crowds at the gate (Photo: Jane Doe/Reuters)", "heading")) is None


def test_html_rule_drop_and_body_changes():
    ctx = _ctx()
    group = rule_group(ctx.rules.html)
    drop = html_rule_drop(Block(2, "Read more: Another story here"), group, ctx)
    assert drop is not None and drop[0].action == "drop" and drop[1] is None
    assert html_rule_drop(Block(2, BODY), group, ctx) is None
    a = article(BODY, "Read more: Another story here", "Crowds at the gate (Photo: Jane Doe/Reuters)", source=HTML)
    assert sorted(body_changes(a, ctx, skip=set())) == [1, 2] and sorted(body_changes(a, ctx, skip={1})) == [2]


def test_remove_residue_adds_up_the_phases():
    ctx = _ctx()
    lines = [("Library To Close After Council Vote", "heading"), BODY, "Read more: Another story here",
             "Crowds at the gate (Photo: Jane Doe/Reuters)", MORE]
    a = article(*lines, source=HTML, title="Library To Close After Council Vote | The Daily",
                captions=(Caption(text="An earlier caption", line=9),))
    result = remove_residue(a, ctx)
    assert [b.text for b in result.article.blocks] == [BODY, MORE]
    assert result.article.title == "Library To Close After Council Vote"
    assert [c.line for c in result.changes] == [1, 3, 4]
    assert [c.text for c in result.article.captions] == ["An earlier caption", "Crowds at the gate"]
    text_input = replace(a, source=TEXT)
    assert remove_residue(text_input, ctx).article is text_input
