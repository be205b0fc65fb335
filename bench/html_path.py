"""The HTML path against trafilatura.extract alone, on the dev pages (aeb and wcxb-dev html).

    python bench/html_path.py

Says "skipped" when this checkout cannot read HTML inputs yet or the pages are absent.
"""
from __future__ import annotations

import sys

import gzip
import shutil
import tempfile
from pathlib import Path

import dataset
import measure

HERE = Path(__file__).resolve().parent
PAGES = (dataset.SHARED / "bench" / "aeb" / "html", dataset.SHARED / "bench" / "wcxb-dev" / "html")


def html_suffix() -> str | None:
    """The HTML file name this checkout reads (".html.gz" kept as is, else ".html")."""
    from newsclean.pipeline import io
    for suffix in (".html.gz", ".html"):
        if io.is_input(Path("x" + suffix)):
            return suffix
    return None


def extract_alone(raw: str) -> None:
    import trafilatura
    for path in sorted(Path(raw).iterdir()):
        data = path.read_bytes()
        trafilatura.extract(gzip.decompress(data) if path.name.endswith(".gz") else data, include_comments=False)


def main() -> int:
    suffix = html_suffix()
    if suffix is None:
        print("html: skipped: no HTML path yet (this checkout reads no .html inputs)")
        return 0
    pages = [p for d in PAGES if d.is_dir() for p in sorted(d.glob("*.html.gz"))]
    if not pages:
        print(f"html: skipped, dev pages absent: {', '.join(map(str, PAGES))}")
        return 0
    work = Path(tempfile.mkdtemp(prefix="newsclean-html-"))
    try:
        raw = work / "raw"
        raw.mkdir()
        for page in pages:
            name = f"{page.parent.parent.name}-{page.name.split('.', 1)[0]}{suffix}"
            data = page.read_bytes()
            (raw / name).write_bytes(data if suffix == ".html.gz" else gzip.decompress(data))
        mb = sum(len(gzip.decompress(p.read_bytes())) for p in pages) / 1e6
        py, nc = sys.executable, measure.newsclean()
        runs = {
            "trafilatura.extract alone": [py, str(HERE / "html_path.py"), "--extract-alone", str(raw)],
            "newsclean run --workers 1": [nc, "run", "--raw", str(raw), "--out", str(work / "w1"), "--workers", "1"],
            "newsclean run --workers 2": [nc, "run", "--raw", str(raw), "--out", str(work / "w2"), "--workers", "2"],
        }
        print(f"html: {len(pages):,} pages, {mb:.1f} MB of HTML, load average {measure.load_average()}")
        got = {}
        for name, cmd in runs.items():
            m = got[name] = measure.run(cmd)
            print(f"  {name:28s} {m.wall:7.2f} s wall {m.cpu:7.2f} s cpu {m.rate(len(pages)):6.0f} pages/s "
                  f"{m.rate(mb):5.2f} MB/s {m.peak_rss_mb:6.0f} MB peak RSS")
        base = got["trafilatura.extract alone"].wall
        for name in list(runs)[1:]:
            print(f"  {name} costs {got[name].wall / base:.2f}x trafilatura.extract alone")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--extract-alone"]:
        extract_alone(sys.argv[2])
    else:
        sys.exit(main())
