"""Open report pages in a real headless browser: Debian's chromium driven by its chromedriver
through selenium. Used by the browser tests and to make the screenshots in docs/.

    python -m newsclean.tasks.report.browser PAGE.html[#FRAGMENT] OUT.png [--size 1400x1800]

Selenium is pointed at /usr/bin/chromium and /usr/bin/chromedriver (or those on PATH) and
runs with SE_AVOID_STATS=true, so that Selenium Manager neither downloads a browser nor sends
usage statistics; each session gets a fresh profile and no network features, so that a run
is the same offline and on CI (`make chromium` installs both packages: see .ci/run).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser")
DRIVERS = ("/usr/bin/chromedriver", "chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-dev-shm-usage", "--force-device-scale-factor=1")
TIMEOUT = 60
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver (make chromium); pip install selenium (the test extra)"


def _which(names) -> str | None:
    return next((found for found in map(shutil.which, names) if found), None)


def find_chromium() -> str | None:
    return _which(BROWSERS)


def find_driver() -> str | None:
    return _which(DRIVERS)


def missing() -> str | None:
    """Why the browser cannot be driven here, or None when it can."""
    lacking = [name for name, found in (("chromium", find_chromium()), ("chromedriver", find_driver())) if not found]
    try:
        import selenium  # noqa: F401
    except ImportError:
        lacking.append("selenium")
    return f"{' and '.join(lacking)} not installed ({INSTALL})" if lacking else None


def page_url(page: Path | str, fragment: str = "") -> str:
    """``file://`` URL of a report page; ``fragment`` (``a=ID``) goes after ``#``."""
    text = str(page)
    path, _, given = text.partition("#")
    return Path(path).resolve().as_uri() + (f"#{fragment or given}" if fragment or given else "")


@contextlib.contextmanager
def browser(width: int = 1400, height: int = 1800):
    """A selenium WebDriver on headless chromium, closed on exit."""
    reason, chromium = missing(), find_chromium()
    if reason or chromium is None:
        raise FileNotFoundError(reason or f"chromium not installed ({INSTALL})")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_AVOID_STATS"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=find_driver()))
        try:
            driver.set_page_load_timeout(TIMEOUT)
            yield driver
        finally:
            driver.quit()


def open_page(driver, page: Path | str, fragment: str = "", ready: str | None = None) -> None:
    """Load a page and wait until its script has drawn it (``body[data-ready]``, equal to
    ``ready`` when given: an article page sets it to the article's id)."""

    driver.get(page_url(page, fragment))
    wait_ready(driver, ready)


def wait_ready(driver, ready: str | None = None, timeout: float = TIMEOUT) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d):
        value = d.execute_script("return document.body && document.body.dataset.ready")
        return value if value and (ready is None or value == ready) else False
    WebDriverWait(driver, timeout).until(done)


def dump_dom(page: Path | str, fragment: str = "") -> str:
    """The page's DOM after the browser has loaded it and its script has drawn it."""
    with browser() as driver:
        open_page(driver, page, fragment)
        return driver.execute_script("return document.documentElement.outerHTML")


def screenshot(page: Path | str, png: Path, width: int = 1400, height: int = 1800) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    with browser(width, height) as driver:
        open_page(driver, page)
        driver.save_screenshot(str(png.resolve()))
    return png


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("page", help="a report page; an article as article.html#a=ID")
    p.add_argument("png", type=Path)
    p.add_argument("--size", default="1400x1800", help="window WIDTHxHEIGHT in CSS pixels")
    args = p.parse_args(argv)
    width, height = (int(x) for x in args.size.split("x"))
    print(screenshot(args.page, args.png, width, height))


if __name__ == "__main__":
    main()
