"""The HTML report for the seeds: written offline, and opened in a real headless browser."""
import gzip
import json
import shutil

import pytest
from lxml import html

from newsclean.tasks.folder import read_back
from newsclean.tasks.report import build_report
from newsclean.tasks.report.browser import dump_dom, missing, screenshot
from newsclean.tasks.report.data import unpack
from newsclean.tasks.report.pages import rule_href

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
    articles = read_back.articles(seed_run)
    assert len(articles) == 5
    rows = {row[0] for row in index_rows(root)}
    chunked = {a["id"] for path in root.glob("data/c*.js") for a in unpack(path.read_bytes())}
    for _, log in articles:
        assert log["id"] in rows and log["id"] in chunked
        for c in log["changes"]:
            assert (root / rule_href(c["rule"])).is_file()
    for page in root.rglob("*.html"):
        dom = html.fromstring(page.read_text(encoding="utf-8"))
        for link in dom.xpath("//@href | //@src"):
            assert "//" not in link and not link.startswith("/"), (page, link)  # relative: works offline
            target, _, anchor = link.partition("#")
            assert (page.parent / target).resolve().is_file() if target else dom.get_element_by_id(anchor) is not None
        for script in dom.xpath("//script"):  # local files or inline: no network
            assert script.get("src") is None or (page.parent / script.get("src")).is_file()


def index_rows(root):
    text = (root / "data" / "index.js").read_text(encoding="utf-8")
    return json.loads(text[len("NC.index("):-len(");\n")])


def test_report_replaces_the_previous_one(report):
    (report.parent / "stale.html").write_text("old", encoding="utf-8")
    again = build_report(report.parent.parent)
    assert again == report and not (report.parent / "stale.html").exists()


def test_rule_page_lists_the_lines_it_removed(report, seed_run):
    _, log = next((r, log) for r, log in read_back.articles(seed_run) if any(c["rule"] == "bp.share-button" for c in log["changes"]))
    page = html.fromstring((report.parent / rule_href("bp.share-button")).read_text(encoding="utf-8"))
    rows = [" ".join(tr.text_content().split()) for tr in page.xpath("//tr[contains(@class, 'hit')]")]
    assert any("Share" in row for row in rows)
    places = page.xpath("//td[@class='where']/a")
    assert log["id"] in {a.get("title") for a in places}  # the id shortened for display, in full on hover
    assert any(a.get("href").startswith(f"../article.html#a={log['id']}&l=") for a in places)
    assert page.get_element_by_id("rule-count").text_content() == str(read_back.manifest(seed_run)["rules"]["bp.share-button"])
    examples = [li.text_content() for li in page.xpath("//ul[contains(@class, 'match')]/li")]
    assert "Share This Article" in examples


chromium = pytest.mark.skipif(missing() is not None, reason=f"no browser to drive: {missing()}")


@pytest.fixture(scope="module")
def driver():
    from newsclean.tasks.report.browser import browser

    with browser(1280, 1000) as d:
        yield d


def article_rows(driver):
    dom = html.fromstring(driver.execute_script("return document.documentElement.outerHTML"))
    return dom, {int(tr.get("id")[1:]): tr for tr in dom.xpath("//tr[contains(@class, 'line')]")}


@chromium
def test_browser_shows_every_dropped_line_with_its_rule(report, seed_run, driver):
    from newsclean.tasks.report.browser import open_page

    for _, log in read_back.articles(seed_run):
        open_page(driver, report.parent / "article.html", f"a={log['id']}", ready=log["id"])
        _, rows = article_rows(driver)
        assert drops(log), log["id"]
        for c in drops(log):
            row = rows[c["line"]]
            assert row.get("data-fate") == "dropped"
            assert row.get("data-rule") == c["rule"]
            assert c["rule"] in row.text_content()  # shown, not only on hover
            assert c["before"].strip() in row.xpath("td[@class='text']")[0].text_content()
            assert row.get("title").startswith(c["rule"] + ": ")  # the description on hover


@chromium
def test_browser_index_shows_the_per_rule_counts(report, seed_run, driver):
    from newsclean.tasks.report.browser import open_page

    manifest = read_back.manifest(seed_run)
    open_page(driver, report)
    dom = html.fromstring(driver.execute_script("return document.documentElement.outerHTML"))
    shown = {td.get("data-rule"): int(td.text_content()) for td in dom.xpath("//table[@id='rule-counts']//td[@data-rule]")}
    assert shown == manifest["rules"]
    for key in ("read", "cleaned", "unchanged", "rejected"):
        assert int(dom.get_element_by_id(f"count-{key}").text_content()) == manifest["counts"][key]
    assert len(dom.xpath("//*[local-name()='svg'][contains(@class, 'bars')]")) == 6


@chromium
def test_browser_screenshot(report, tmp_path):
    png = screenshot(report, tmp_path / "index.png", 1200, 900)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a blank page is a few kB


def test_chromium_missing_is_a_clear_error(monkeypatch, report):
    monkeypatch.setattr("newsclean.tasks.report.browser.find_chromium", lambda: None)
    with pytest.raises(FileNotFoundError, match="chromium .*apt-get install"):
        dump_dom(report)


def test_rejected_inputs_are_listed_with_their_reasons(tmp_path):
    from newsclean.tasks.batch import run_batch

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text("A Headline For The Test Story\n" + "This sentence is long enough to count as the body of the story. " * 3 + "\n",
                                  encoding="utf-8")
    (raw / "blank.txt").write_text("  \n\n", encoding="utf-8")
    (raw / "good.txt.gz").write_bytes(gzip.compress(b"same id again\n"))
    ok, _ = run_batch(str(raw), str(tmp_path / "clean"))
    assert ok
    index = html.fromstring(build_report(tmp_path / "clean").read_text(encoding="utf-8"))
    rows = {(tr.xpath("td[1]/*")[0].get("title"), *(td.text_content() for td in tr.xpath("td")[1:]))
            for tr in index.xpath("//table[contains(@class, 'rejected')]/tbody/tr")}
    assert rows == {("blank", "reject.empty", "input holds no visible text"),
                    ("good@good.txt.gz", "reject.duplicate-id", "id 'good' is already taken by good.txt")}
    shown = {tr.xpath("td[1]/*")[0].text_content() for tr in index.xpath("//table[contains(@class, 'rejected')]/tbody/tr")}
    assert shown == {"blank", "good@go…txt.gz"}  # a long id shortened for display
    [blank] = [a for p in (tmp_path / "clean" / "report").glob("data/c*.js") for a in unpack(p.read_bytes())
               if a["id"] == "blank"]
    assert blank["status"] == "rejected" and blank["reason"] == "input holds no visible text"


def test_flagged_line_is_marked_on_its_page():
    from newsclean.pipeline import io
    from newsclean.pipeline.rules.registry import describe_rules
    from newsclean.pipeline.output.review import FATES, article_view
    from newsclean.tasks.report.pages import render_site

    record = {"id": "f", "title": "T", "authors": [], "published": None, "site": None, "url": None,
              "text": "Maybe a menu", "blocks": [{"kind": "paragraph", "text": "Maybe a menu", "line": 1}],
              "captions": [], "source": {"path": "f.txt", "format": "text", "encoding": "utf-8", "extractor": None}}
    log = {"id": "f", "status": "cleaned", "source": record["source"], "pipeline": {}, "changes": [
        {"stage": "boilerplate", "rule": "clf.unsure", "action": "flag", "line": 1, "before": "Maybe a menu",
         "after": None, "detail": {"score": 0.4}}]}
    files = render_site([article_view(record, log, ["Maybe a menu"])], {}, describe_rules(io.load_rules()))
    [article] = unpack(files["data/c00000.js"])
    meta = json.loads(files["data/meta.js"][len("NC.meta("):-len(");\n")])
    lines = article["lines"]
    assert set(lines) == set(meta["line_fields"])
    assert lines["text"] == ["Maybe a menu"] and FATES[int(lines["fates"])] == "kept" and lines["scores"] == [[1, 0.4]]
    assert [(n, meta["rules"][r][0]) for n, r in lines["flags"]] == [(1, "clf.unsure")]
    assert rule_href("clf.unsure") in files


@pytest.mark.parametrize("size", [0, 1, 14, 15, 16, 29, 30, 31, 1000])
def test_chunk_payload_round_trip_and_stays_a_plain_string(size):
    import random

    from newsclean.tasks.report.data import chunk_file, pack, unpack, unpack_payload

    rng = random.Random(size)
    value = ["".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(size)), rng.random(), None]
    n, text = pack(value)
    assert unpack_payload(n, text) == value
    # U+3000..U+AFFF: no surrogate, quote, backslash or line terminator inside the JS string
    assert all(0x3000 <= ord(ch) <= 0xAFFF for ch in text)
    data = chunk_file(7, [value])
    assert data.startswith(b"\xff\xfe") and unpack(data) == [value]  # UTF-16 with its BOM
