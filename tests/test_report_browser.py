"""The report as a person uses it, in Debian's chromium driven by selenium: typing in the
search box, choosing a filter, sorting a column, the navigation keys, what an HTML page's
extractor left out, the classifier's scores. Skipped, with the reason, where chromium,
chromedriver or selenium are missing (`make chromium` installs the browser and its driver)."""
import copy
import re
import shutil

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.rules.registry import describe_rules
from newsclean.pipeline.output.review import article_view
from newsclean.tasks.folder import read_back
from newsclean.tasks.report import build_report
from newsclean.tasks.report.browser import missing, open_page, wait_ready
from newsclean.tasks.report.pages import render_site

from .test_review import html_page_log

if missing() is not None:
    pytest.skip(f"no browser to drive: {missing()}", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def report(seed_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "clean"
    shutil.copytree(seed_run, out)
    return build_report(out)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    """A synthetic report: an HTML page with lines its extractor left out, and a duplicate of it."""
    record, log = html_page_log()
    twin, twin_log = copy.deepcopy(record), copy.deepcopy(log)
    twin["id"] = twin_log["id"] = "page-copy"
    twin["duplicate_of"] = "page"
    twin_log["changes"] = [c for c in twin_log["changes"] if c["stage"] != "extract"]
    record["duplicate_of"] = None
    views = [article_view(record, log), article_view(twin, twin_log)]
    target = tmp_path_factory.mktemp("html-report") / "report"
    io.replace_tree(target, render_site(views, {}, describe_rules(io.load_rules())))
    return target / "index.html"


@pytest.fixture(scope="module")
def driver():
    from newsclean.tasks.report.browser import browser

    with browser(1280, 1000) as d:
        yield d


def shown_ids(driver):
    """The ids of the overview's rows, read in one script: rows found first and read one by
    one could be replaced in between by a re-render (StaleElementReferenceException)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#articles tbody tr'), tr => tr.getAttribute('data-id'))")


def press(driver, key):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def fresh(driver, page, fragment="", ready=None):
    """Open a page with no order left by an earlier test (sessionStorage)."""
    open_page(driver, page, fragment, ready)
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()
    wait_ready(driver, ready)


@pytest.mark.integration
def test_search_finds_a_word_of_the_text_only(report, seed_run, driver):
    articles = read_back.articles(seed_run)
    titles = " ".join(f"{r['id']} {r['title']} {r['site']}" for r, _ in articles).lower()
    words = {log["id"]: set(re.findall(r"[a-z]{7,}", " ".join(c["before"] or "" for c in log["changes"]).lower()
                                       + " ".join(b["text"] for b in r["blocks"]).lower())) for r, log in articles}
    word, owner = next((w, aid) for aid, ws in sorted(words.items()) for w in sorted(ws)
                       if w not in titles and sum(w in other for other in words.values()) == 1)
    fresh(driver, report)
    assert len(shown_ids(driver)) == 5
    press(driver, "/")  # the key that goes to the search box
    assert driver.switch_to.active_element.get_attribute("id") == "q"
    driver.switch_to.active_element.send_keys(word)
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "searching").text.startswith("searched"))
    assert shown_ids(driver) == [owner]
    assert driver.find_element(By.ID, "count").text == "1 of 5 articles"
    driver.find_element(By.CSS_SELECTOR, "#articles tbody a").click()  # the article shows where the word is
    wait_ready(driver, owner)
    marked = driver.find_elements(By.CSS_SELECTOR, "#view mark")
    assert marked and all(m.text.lower() == word for m in marked)
    driver.back()
    wait_ready(driver, "index")
    driver.execute_script("const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")
    WebDriverWait(driver, 10).until(lambda d: len(shown_ids(d)) == 5)


@pytest.mark.integration
def test_filter_by_rule_then_the_keys_follow_the_filtered_order(report, seed_run, driver):
    having = sorted(log["id"] for _, log in read_back.articles(seed_run)
                    if any(c["rule"] == "bp.share-button" for c in log["changes"]))
    assert 1 < len(having) < 5
    fresh(driver, report)
    Select(driver.find_element(By.ID, "f-rule")).select_by_value("bp.share-button")
    assert shown_ids(driver) == having
    press(driver, "j")
    press(driver, Keys.ENTER)  # opens the selected (first) row
    wait_ready(driver, having[0])
    assert "(as filtered and sorted on the overview)" in driver.find_element(By.ID, "pager").text
    press(driver, "j")  # next article: the next of the filtered rows, not of all
    wait_ready(driver, having[1])
    press(driver, "k")
    wait_ready(driver, having[0])


@pytest.mark.integration
def test_sort_a_column(report, seed_run, driver):
    removed = {v.id: v.removed_share for v in (read_back.article_view_of(r, log, None) for r, log in read_back.articles(seed_run))}
    fresh(driver, report)
    header = driver.find_element(By.CSS_SELECTOR, "#articles th[data-key='removed']")
    header.click()
    assert shown_ids(driver) == sorted(removed, key=lambda i: (removed[i], i))
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert [removed[i] for i in shown_ids(driver)] == sorted(removed.values(), reverse=True)
    rule_table = driver.find_element(By.ID, "rule-counts")  # a table of the page itself
    rule_table.find_element(By.CSS_SELECTOR, "th:nth-child(3)").click()
    counts = [int(td.text) for td in rule_table.find_elements(By.CSS_SELECTOR, "tbody td[data-rule]")]
    assert counts == sorted(counts)


@pytest.mark.integration
def test_article_keys_next_previous_article_and_next_change(report, seed_run, driver):
    ids = [log["id"] for _, log in read_back.articles(seed_run)]
    fresh(driver, report.parent / "article.html", f"a={ids[0]}", ready=ids[0])
    assert "j" in driver.find_element(By.CSS_SELECTOR, "details.keys").text  # the keys are on the page
    press(driver, "j")
    wait_ready(driver, ids[1])
    press(driver, Keys.ARROW_RIGHT)
    wait_ready(driver, ids[2])
    press(driver, "k")
    wait_ready(driver, ids[1])
    changes = [tr.get_attribute("id") for tr in driver.find_elements(By.CSS_SELECTOR, "tr.line")
               if tr.get_attribute("data-fate") != "kept" or "unsure" in tr.text]
    assert len(changes) >= 2
    current = lambda: driver.find_element(By.CSS_SELECTOR, "tr.current").get_attribute("id")  # noqa: E731
    press(driver, "n")
    assert current() == changes[0]
    press(driver, "n")
    assert current() == changes[1]
    press(driver, "p")
    assert current() == changes[0]
    press(driver, "o")
    wait_ready(driver, "index")


@pytest.mark.integration
def test_scores_beside_kept_and_dropped_lines(report, seed_run, driver):
    record, log = next((r, log) for r, log in read_back.articles(seed_run) if log.get("block_scores"))
    open_page(driver, report.parent / "article.html", f"a={log['id']}", ready=log["id"])
    score = lambda line: driver.find_element(By.CSS_SELECTOR, f"#L{line} span.score").text  # noqa: E731
    judged = [(b["line"], s) for b, s in zip(record["blocks"], log["block_scores"]) if s is not None]
    assert judged
    for line, s in judged:
        assert score(line) == f"{s:.2f}"
    for c in log["changes"]:
        if c["action"] == "drop" and "score" in (c["detail"] or {}):
            assert score(c["line"]) == f"{c['detail']['score']:.2f}"


def test_lines_the_extractor_left_out_are_marked_and_filtered(html_report, driver):
    open_page(driver, html_report.parent / "article.html", "a=page", ready="page")
    row = driver.find_element(By.ID, "L1")
    assert row.get_attribute("data-fate") == "left_out" and "fate-left_out" in row.get_attribute("class")
    assert "left out by the extractor" in row.text and "ext.not-extracted" in row.text
    assert driver.find_element(By.ID, "L6").get_attribute("data-fate") == "left_out"
    assert driver.find_element(By.ID, "L5").get_attribute("data-fate") == "dropped"
    assert "left out by the extractor 2" in driver.find_element(By.CSS_SELECTOR, "p.legend").text
    fresh(driver, html_report)
    categories = Select(driver.find_element(By.ID, "f-category"))
    assert "extractor (left out by the extractor) (1)" in [o.text for o in categories.options]
    categories.select_by_value("extractor")
    assert shown_ids(driver) == ["page"]
    left_out = driver.find_elements(By.CSS_SELECTOR, "#articles tbody td")[8].text
    assert left_out == "2"


@pytest.mark.integration
def test_duplicates_are_shown_and_filtered_when_records_have_them(html_report, report, driver):
    fresh(driver, html_report)
    assert "duplicate of" in driver.find_element(By.CSS_SELECTOR, "#articles thead").text
    Select(driver.find_element(By.ID, "f-dup")).select_by_value("yes")
    assert shown_ids(driver) == ["page-copy"]
    Select(driver.find_element(By.ID, "f-dup")).select_by_value("no")
    assert shown_ids(driver) == ["page"]
    fresh(driver, report)  # the seeds' records have no duplicate_of: no filter, no column
    assert not driver.find_element(By.ID, "f-dup").is_displayed()
    assert "duplicate of" not in driver.find_element(By.CSS_SELECTOR, "#articles thead").text


@pytest.mark.integration
def test_long_ids_are_shortened_with_the_full_id_on_hover(report, seed_run, driver):
    fresh(driver, report)
    link = driver.find_element(By.CSS_SELECTOR, "#articles tbody tr td a")
    full = shown_ids(driver)[0]
    assert len(full) > 14 and link.text == f"{full[:7]}…{full[-6:]}" and link.get_attribute("title") == full


@pytest.mark.integration
def test_no_script_errors(report, html_report, seed_run, driver):
    driver.get_log("browser")  # what earlier tests left
    first = read_back.articles(seed_run)[0][1]["id"]
    for page, fragment, ready in ((report, "", "index"), (report.parent / "article.html", f"a={first}", first),
                                  (html_report.parent / "article.html", "a=page", "page"),
                                  (report.parent / "rules.html", "", "static")):
        open_page(driver, page, fragment, ready)
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_an_id_with_slash_space_and_plus_opens(tmp_path, driver):
    from newsclean.tasks.report.pages import article_href

    record, log = html_page_log()
    record["id"] = log["id"] = "2026-12-05/a b+c"
    io.replace_tree(tmp_path / "report", render_site([article_view(record, log)], {}, describe_rules(io.load_rules())))
    fresh(driver, tmp_path / "report" / "index.html")
    driver.find_element(By.CSS_SELECTOR, "#articles tbody a").click()
    wait_ready(driver, "2026-12-05/a b+c")
    assert driver.current_url.endswith(article_href("2026-12-05/a b+c"))
    assert driver.find_element(By.ID, "L3").get_attribute("data-fate") == "kept"
