"""Line fates (pipeline/output/review.py) and the rule registry."""
import re
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.rules.registry import BUILTIN, describe_rules, lookup
from newsclean.pipeline.output.review import article_view, changed_span, histogram, lines_from_log, visible
from newsclean.pipeline.ingest.segment import is_visible, split_lines
from newsclean.tasks.folder import read_back

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = describe_rules(io.load_rules())


def test_every_rule_id_written_in_pipeline_is_described():
    """A rule id literal anywhere in pipeline/ ("cap.title", "reject.empty"...) has a description."""
    ids = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        ids.update(re.findall(r'"((?:pos|cap|meta|norm|enc|reject|html|clf)\.[a-z][a-z-]*)"', source))
        ids.update(re.findall(r'Change\(\s*\w+,\s*"([a-z]+\.[a-z][a-z-]*)"', source))  # any other prefix
    assert ids >= {"cap.title", "meta.byline", "norm.text", "enc.ftfy", "reject.empty", "pos.after-body"}
    assert not sorted(i for i in ids if i not in REGISTRY)
    for info in REGISTRY.values():
        assert info.description and info.category, info.id


def test_unknown_rule_id_is_described_as_such():
    assert lookup(REGISTRY, "bp.gone-rule").category == "unknown"
    assert lookup(REGISTRY, "bp.share-button").examples_match
    assert set(BUILTIN) <= set(REGISTRY)


def test_fates_of_a_small_article(clean, ctx):
    from newsclean.pipeline.output.contract import changelog_record, corpus_record

    text = ("Home | World | Sport\n"
            "Storm Closes Harbour After Record Waves\n"
            "By Jane Doe\n"
            "\n"
            "The harbour closed on Monday after waves of ten metres hit the town wall overnight.\u00a0\n"
            "Officials said the harbour would reopen when the sea calms, perhaps by Thursday.\n"
            "Share\n")
    cleaned = clean(text)
    view = article_view(corpus_record(cleaned, ctx), changelog_record(cleaned, ctx), split_lines(text))
    fates = {v.line: (v.fate, v.rule) for v in view.lines}
    assert fates[1][0] == "dropped" and fates[1][1] == "pos.before-headline"
    assert fates[2] == ("metadata", "meta.title")
    assert fates[3] == ("metadata", "meta.byline")
    assert fates[4] == ("blank", None)
    assert fates[5] == ("edited", None)
    assert view.lines[4].edits[0].rule == "norm.text" and view.lines[4].final.endswith("overnight.")
    assert fates[6] == ("kept", None)
    assert fates[7] == ("dropped", "bp.share-button")
    assert 0 < view.removed_share < 0.2


def test_rejected_article_view(clean, ctx):
    from newsclean.pipeline.output.contract import changelog_record

    cleaned = clean("   \n\n")
    view = article_view(None, changelog_record(cleaned, ctx), ["   ", "", ""])
    assert view.status == "rejected" and "no visible text" in view.reason
    assert {v.fate for v in view.lines} == {"blank"}


@pytest.mark.integration
def test_seed_lines_all_accounted_for_and_rebuilt_from_the_log(seed_run):
    """Every visible raw line of every seed has a fate; without the raw file the change log
    gives back every visible line exactly."""
    raw = read_back.raw_folder(seed_run, None)
    for record, log in read_back.articles(seed_run):
        lines, note = read_back.raw_lines(raw, log)
        assert lines is not None, note
        view = article_view(record, log, lines)
        assert view.fates["missing"] == 0, [v for v in view.lines if v.fate == "missing"]
        assert len(view.lines) == len(lines)
        rebuilt = lines_from_log(record, log)
        for i, line in enumerate(lines):
            if is_visible(line):
                assert rebuilt[i] == line
        same = article_view(record, log, None)
        assert [(v.line, v.fate, v.rule) for v in same.lines if v.fate != "blank"] == \
               [(v.line, v.fate, v.rule) for v in view.lines if v.fate != "blank"]


@pytest.mark.integration
def test_raw_file_changed_since_the_run_falls_back_to_the_log(seed_run, tmp_path):
    record, log = read_back.articles(seed_run)[0]
    (tmp_path / log["source"]["path"]).write_text("something else\n", encoding="utf-8")
    lines, note = read_back.raw_lines(tmp_path, log)
    assert lines is None and "changed since the run" in note
    lines, note = read_back.raw_lines(tmp_path / "nowhere", log)
    assert lines is None and "not found" in note
    for path, fmt in (("pages/a.html", "html"), ("dump.jsonl", "text"), ("a.txt.gz", "text")):
        inner = dict(log, source=dict(log["source"], path=path, format=fmt))
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_bytes(b"\x1f\x8b not text")
        assert read_back.raw_lines(tmp_path, inner) == (None, "")  # never re-read as if it were plain text
        view = read_back.article_view_of(record, inner, tmp_path)
        assert view.raw_from.startswith("extracted text") and not view.note
        assert view.fates["missing"] == 0 and view.fates["dropped"] == len([c for c in log["changes"] if c["action"] == "drop"])


@pytest.mark.parametrize("before, after, span", [
    ("abc", "abc", (3, 3, 3)),
    ("a  b", "a b", (2, 3, 2)),
    ("x\u00a0", "x", (1, 2, 1)),
    ("", "new", (0, 0, 3)),
    ("Ã©tÃ©", "été", (0, 5, 3)),
])
def test_changed_span(before, after, span):
    p, b, a = changed_span(before, after)
    assert (p, b, a) == span
    assert before[:p] + after[p:a] + before[b:] == after


def test_visible_and_histogram():
    assert visible("a b\u00a0\t") == "a·b⟨U+00A0⟩⟨U+0009⟩"
    assert histogram([0.0, 0.05, 0.15, 1.0]) == [("0-10%", 2), ("10-20%", 1)] + \
        [(f"{i}0-{i + 1}0%", 0) for i in range(2, 9)] + [("90-100%", 1)]


def test_site_shares(clean, ctx):
    from newsclean.pipeline.output.contract import changelog_record, corpus_record
    from newsclean.pipeline.output.review import site_shares

    body = "The harbour closed on Monday after waves of ten metres hit the town wall overnight.\n"
    views = []
    for i, (site, tail) in enumerate((("a.com", "Share\n"), ("a.com", ""), ("b.org", ""))):
        cleaned = clean("Storm Closes Harbour After Record Waves\n" + body + tail, id=f"t{i}", meta={"site": site})
        views.append(article_view(corpus_record(cleaned, ctx), changelog_record(cleaned, ctx)))
    shares = site_shares(views)
    assert [(s.site, s.articles) for s in shares] == [("a.com", 2), ("b.org", 1)]
    assert shares[0].removed_share == pytest.approx(len("Share") / sum(v.visible_chars for v in views[:2]))
    assert shares[1].removed_share == 0


def test_flagged_line_stays_kept_and_names_its_rule():
    record = {"blocks": [{"kind": "paragraph", "text": "Maybe a menu", "line": 1}], "captions": []}
    log = {"id": "f", "status": "cleaned", "changes": [
        {"stage": "boilerplate", "rule": "clf.unsure", "action": "flag", "line": 1, "before": "Maybe a menu",
         "after": None, "detail": {"score": 0.4}}]}
    (line,) = article_view(record, log, ["Maybe a menu"]).lines
    assert (line.fate, line.flags) == ("kept", ("clf.unsure",))


def test_kept_blocks_have_their_classifier_scores_in_the_change_log(clean, ctx):
    """block_scores: one entry per body block, the classifier's score; with the scores of the
    dropped and unsure lines in their changes, every line the classifier judged has one."""
    from newsclean.pipeline.output.contract import changelog_record, corpus_record

    path = ROOT / "raw" / "002_110745e9e9445cd3.txt"
    cleaned = clean(path.read_bytes(), id=path.stem)
    record, log = corpus_record(cleaned, ctx), changelog_record(cleaned, ctx)
    scores = log["block_scores"]
    assert len(scores) == len(record["blocks"]) and all(s is None or 0 <= s <= 1 for s in scores)
    assert sum(s is not None for s in scores) >= len(scores) - 2  # the body's paragraphs are all judged
    view = article_view(record, log, split_lines(path.read_text(encoding="utf-8")))
    by_line = {v.line: v for v in view.lines}
    for block, score in zip(record["blocks"], scores):
        assert by_line[block["line"]].fate in ("kept", "edited") and by_line[block["line"]].score == score
    for change in log["changes"]:
        if isinstance(change["detail"], dict) and "score" in change["detail"]:
            assert by_line[change["line"]].score == change["detail"]["score"]


def test_no_block_scores_when_the_classifier_did_not_run(clean, ctx):
    from newsclean.pipeline.output.contract import changelog_record

    clean_text = "A Headline For The Test Story\n" + "This sentence is long enough to be the body of a story. " * 3 + "\n"
    assert "block_scores" not in changelog_record(clean(clean_text), ctx)


def html_page_log():
    """A synthetic HTML page's outputs as the html branch writes them: the raw lines are the
    page's visible text blocks, and what the extractor left out is logged by stage extract."""
    source = {"path": "page.html", "format": "html", "encoding": "utf-8", "extractor": "trafilatura"}
    record = {"id": "page", "title": "Council approves bridge", "authors": [], "published": None,
              "site": "example.org", "url": None, "language": "en", "captions": [], "source": source,
              "blocks": [{"kind": "paragraph", "line": 3, "text": "The council voted on Tuesday to build a footbridge."},
                         {"kind": "paragraph", "line": 4, "text": "Construction begins next spring and takes two years."}]}
    changes = [
        {"stage": "extract", "rule": "ext.not-extracted", "action": "drop", "line": 1, "before": "Home | News | Sport",
         "after": None, "detail": {"category": "extractor"}},
        {"stage": "metadata", "rule": "meta.title", "action": "extract", "line": 2, "before": "Council approves bridge",
         "after": None, "detail": {"field": "title"}},
        {"stage": "boilerplate", "rule": "bp.share-button", "action": "drop", "line": 5, "before": "Share this article",
         "after": None, "detail": {"category": "share", "score": 0.05}},
        {"stage": "extract", "rule": "ext.not-extracted", "action": "drop", "line": 6,
         "before": "Subscribe to our newsletter for the best stories", "after": None, "detail": {"category": "extractor"}},
    ]
    log = {"id": "page", "status": "cleaned", "source": source, "pipeline": {}, "changes": changes,
           "block_scores": [0.91, None]}
    return record, log


def test_what_the_extractor_left_out_is_its_own_fate():
    from newsclean.pipeline.output.review import category_shares, score_histogram

    record, log = html_page_log()
    view = article_view(record, log)  # an HTML page: the lines come from the change log
    fates = {v.line: (v.fate, v.rule, v.score) for v in view.lines}
    assert fates == {1: ("left_out", "ext.not-extracted", None), 2: ("metadata", "meta.title", None),
                     3: ("kept", None, 0.91), 4: ("kept", None, None), 5: ("dropped", "bp.share-button", 0.05),
                     6: ("left_out", "ext.not-extracted", None)}
    removed = len("Home | News | Sport") + len("Share this article") + len("Subscribe to our newsletter for the best stories")
    assert view.removed_share == pytest.approx(removed / view.visible_chars)
    assert lookup(REGISTRY, "ext.not-extracted").category == "extractor"
    shares = dict(category_shares([view], REGISTRY))
    assert shares["extractor"] == pytest.approx((19 + 48) / view.visible_chars) and shares["extractor"] > shares["share"]
    assert [(label, k, r) for label, k, r in score_histogram([view]) if k or r] == [("0.0–0.1", 0, 1), ("0.9–1.0", 1, 0)]


def test_show_marks_what_the_extractor_left_out():
    from rich.console import Console

    from newsclean.tasks.commands.show import render_rich

    record, log = html_page_log()
    console = Console(width=120, record=True)
    console.print(render_rich(article_view(record, log), REGISTRY))
    text = console.export_text()
    described = " ".join(REGISTRY["ext.not-extracted"].description.split()[:5])  # the registry's words, unwrapped
    assert "⊘ left_out 2" in text and "ext.not-extracted" in text and described in text
