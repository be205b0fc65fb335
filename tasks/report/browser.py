"""Open report pages in a real headless browser (Debian's chromium): the DOM as rendered, or
a screenshot. Used by the browser test and to make the screenshots in docs/.

    python -m tasks.report.browser PAGE.html OUT.png [--size 1400x1800]

Each call gets a fresh profile and no network features, so that a run is the same offline
and on CI (which installs chromium when missing: see .ci/run).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-dev-shm-usage")
TIMEOUT = 60


def find_chromium() -> str | None:
    return next((path for path in map(shutil.which, NAMES) if path), None)


def _run(page: Path, *extra: str) -> subprocess.CompletedProcess:
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=TIMEOUT, check=True)


def dump_dom(page: Path) -> str:
    """The page's DOM after the browser has loaded and laid it out."""
    return _run(page, "--dump-dom").stdout


def screenshot(page: Path, png: Path, width: int = 1400, height: int = 1800) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(page, f"--window-size={width},{height}", f"--screenshot={png.resolve()}")
    return png


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("page", type=Path)
    p.add_argument("png", type=Path)
    p.add_argument("--size", default="1400x1800", help="window WIDTHxHEIGHT in CSS pixels")
    args = p.parse_args(argv)
    width, height = (int(x) for x in args.size.split("x"))
    print(screenshot(args.page, args.png, width, height))


if __name__ == "__main__":
    main()
