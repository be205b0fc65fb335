"""The parts of `newsclean show`'s coloured view (tasks/commands/show.py): the header, one raw line
with its edits and deciding rules, an edit's changed span, a caption on one line."""
from rich.text import Text

from newsclean.pipeline import io
from newsclean.pipeline.output.review import ArticleView, Edit, LineView
from newsclean.pipeline.rules.registry import describe_rules
from newsclean.tasks.commands.show import append_edit, caption_text, render, rich_head, rich_line, rich_lines

REGISTRY = describe_rules(io.load_rules())
RECORD = {"id": "a1", "title": "Storm Closes Harbour", "authors": ["Jane Doe"], "published": None, "site": "example.org",
          "source": {"path": "a1.txt"}, "blocks": [], "captions": [{"title": None, "text": "The harbour", "credit": "AP"}]}


def view(record, lines=(), **kw):
    return ArticleView("a1", "cleaned" if record else "rejected", record, {"id": "a1", "changes": []}, tuple(lines),
                       "raw file", **kw)


def test_caption_text():
    assert caption_text({"title": None, "text": "The harbour", "credit": "AP"}) == "The harbour (AP)"
    assert caption_text({"title": "Pictured", "text": None, "credit": None}) == "Pictured: "
    assert "[caption] The harbour (AP)" in render(RECORD, {"id": "a1", "changes": []})


def test_rich_head():
    head = rich_head(view(RECORD)).plain
    assert head.startswith("Storm Closes Harbour\na1 · authors: Jane Doe · published: - · site: example.org")
    assert "caption: The harbour (AP)" in head and "0% of the text removed; raw lines from the raw file" in head
    assert rich_head(view(None, reason="not text")).plain == "a1: REJECTED\nnot text"


def test_append_edit_shows_the_changed_span_in_its_context():
    text = Text("x")
    append_edit(text, "The harbour was closed on Monday", "The harbour was shut on Monday")
    assert text.plain == "x\n  …harbour was closedshut on Monday"  # 12 characters either side at most
    assert [(text.plain[s.start:s.end], s.style) for s in text.spans] == [("closed", "red strike"), ("shut", "green")]


def test_rich_line_names_each_deciding_rule_with_its_description():
    dropped = LineView(3, "Share on Facebook ", "dropped", rule="bp.share-button")
    plain = rich_line(dropped, REGISTRY).plain
    assert plain.startswith("Share on Facebook\n  bp.share-button  ") and REGISTRY["bp.share-button"].description[:20] in plain
    edited = LineView(4, "A  line", "edited", edits=(Edit("norm.text", "A  line", "A line"),), flags=("clf.unsure",))
    plain = rich_line(edited, REGISTRY).plain
    assert "\n  norm.text  " in plain and "\n  clf.unsure  " in plain
    assert rich_line(LineView(5, "Kept text", "kept"), REGISTRY).plain == "Kept text"


def test_rich_lines_leave_blank_lines_out():
    table = rich_lines(view(RECORD, [LineView(1, "Title", "kept"), LineView(2, "", "blank"), LineView(3, "x", "kept")]), REGISTRY)
    assert table.row_count == 2
