"""The HTML report for the seeds: written offline, and opened in a real headless browser."""
import gzip
import shutil

import pytest
from lxml import html

from tasks import outputs
from tasks.report import build_report
from tasks.report.browser import dump_dom, find_chromium, screenshot
from tasks.report.pages import article_href, rule_href

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def report(seed_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "clean"
    shutil.copytree(seed_run, out)
    return build_report(out)


def drops(log):
    return [c for c in log["changes"] if c["action"] == "drop"]


def test_report_pages_are_written_and_offline(report, seed_run):
    root = report.parent
    articles = outputs.articles(seed_run)
    assert len(articles) == 5
    for _, log in articles:
        assert (root / article_href(log["id"])).is_file()
        for c in log["changes"]:
            assert (root / rule_href(c["rule"])).is_file()
    for page in root.rglob("*.html"):
        dom = html.fromstring(page.read_text(encoding="utf-8"))
        assert not dom.xpath("//script"), page
        for link in dom.xpath("//@href | //@src"):
            assert "//" not in link and not link.startswith("/"), (page, link)  # relative: works offline
            target, _, anchor = link.partition("#")
            assert (page.parent / target).resolve().is_file() if target else dom.get_element_by_id(anchor) is not None


def test_report_replaces_the_previous_one(report):
    (report.parent / "stale.html").write_text("old", encoding="utf-8")
    again = build_report(report.parent.parent)
    assert again == report and not (report.parent / "stale.html").exists()


def test_rule_page_lists_the_lines_it_removed(report, seed_run):
    _, log = next((r, log) for r, log in outputs.articles(seed_run) if any(c["rule"] == "bp.share-button" for c in log["changes"]))
    page = html.fromstring((report.parent / rule_href("bp.share-button")).read_text(encoding="utf-8"))
    rows = [" ".join(tr.text_content().split()) for tr in page.xpath("//tr[contains(@class, 'hit')]")]
    assert any(log["id"] in row and "Share" in row for row in rows)
    assert page.get_element_by_id("rule-count").text_content() == str(outputs.manifest(seed_run)["rules"]["bp.share-button"])
    examples = [li.text_content() for li in page.xpath("//ul[contains(@class, 'match')]/li")]
    assert "Share This Article" in examples


chromium = pytest.mark.skipif(find_chromium() is None, reason=(
    "chromium is not installed: `apt-get update && apt-get install -y chromium` (.ci/run does this on CI)"))


@chromium
def test_browser_shows_every_dropped_line_with_its_rule(report, seed_run):
    for _, log in outputs.articles(seed_run):
        dom = html.fromstring(dump_dom(report.parent / article_href(log["id"])))
        rows = {int(tr.get("id")[1:]): tr for tr in dom.xpath("//tr[contains(@class, 'line')]")}
        assert drops(log), log["id"]
        for c in drops(log):
            row = rows[c["line"]]
            assert row.get("data-fate") == "dropped"
            assert row.get("data-rule") == c["rule"]
            assert c["rule"] in row.text_content()  # shown, not only on hover
            assert c["before"].strip() in row.xpath("td[@class='text']")[0].text_content()
            assert row.get("title").startswith(c["rule"] + ": ")  # the description on hover


@chromium
def test_browser_index_shows_the_per_rule_counts(report, seed_run):
    manifest = outputs.manifest(seed_run)
    dom = html.fromstring(dump_dom(report))
    shown = {td.get("data-rule"): int(td.text_content()) for td in dom.xpath("//table[@id='rule-counts']//td[@data-rule]")}
    assert shown == manifest["rules"]
    for key in ("read", "cleaned", "unchanged", "rejected"):
        assert int(dom.get_element_by_id(f"count-{key}").text_content()) == manifest["counts"][key]
    assert len(dom.xpath("//*[local-name()='svg'][@class='bars']")) == 4


@chromium
def test_browser_screenshot(report, tmp_path):
    png = screenshot(report, tmp_path / "index.png", 1200, 900)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a blank page is a few kB


def test_chromium_missing_is_a_clear_error(monkeypatch, report):
    monkeypatch.setattr("tasks.report.browser.find_chromium", lambda: None)
    with pytest.raises(FileNotFoundError, match="apt-get install"):
        dump_dom(report)


def test_rejected_inputs_are_listed_with_their_reasons(tmp_path):
    from tasks.batch import run_batch

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text("A Headline For The Test Story\n" + "This sentence is long enough to count as the body of the story. " * 3 + "\n",
                                  encoding="utf-8")
    (raw / "blank.txt").write_text("  \n\n", encoding="utf-8")
    (raw / "good.txt.gz").write_bytes(gzip.compress(b"same id again\n"))
    ok, _ = run_batch(str(raw), str(tmp_path / "clean"))
    assert ok
    index = html.fromstring(build_report(tmp_path / "clean").read_text(encoding="utf-8"))
    rows = {tuple(td.text_content() for td in tr.xpath("td")) for tr in index.xpath("//table[@class='rejected']/tbody/tr")}
    assert rows == {("blank", "reject.empty", "input holds no visible text"),
                    ("good@good.txt.gz", "reject.duplicate-id", "id 'good' is already taken by good.txt")}
    page = html.fromstring((tmp_path / "clean" / "report" / article_href("blank")).read_text(encoding="utf-8"))
    assert "Rejected: input holds no visible text" in page.text_content()


def test_flagged_line_is_marked_on_its_page():
    from pipeline import io
    from pipeline.registry import describe_rules
    from pipeline.review import article_view
    from tasks.report.pages import render_site

    record = {"id": "f", "title": "T", "authors": [], "published": None, "site": None, "url": None,
              "text": "Maybe a menu", "blocks": [{"kind": "paragraph", "text": "Maybe a menu", "line": 1}],
              "captions": [], "source": {"path": "f.txt", "format": "text", "encoding": "utf-8", "extractor": None}}
    log = {"id": "f", "status": "cleaned", "source": record["source"], "pipeline": {}, "changes": [
        {"stage": "boilerplate", "rule": "clf.unsure", "action": "flag", "line": 1, "before": "Maybe a menu",
         "after": None, "detail": {"score": 0.4}}]}
    files = render_site([article_view(record, log, ["Maybe a menu"])], {}, describe_rules(io.load_rules()))
    row = html.fromstring(files[article_href("f")]).get_element_by_id("L1")
    assert row.get("data-fate") == "kept" and row.get("data-rule") == "clf.unsure"
    assert "unsure" in row.text_content() and "clf.unsure" in row.text_content()
    assert rule_href("clf.unsure") in files
