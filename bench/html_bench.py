#!/usr/bin/env python3
"""HTML path benchmark: trafilatura, readability-lxml, newsclean's fast mode (trafilatura
alone) and newsclean's default (the trafilatura + readability-lxml vote) on the same pages,
in the same run.

Usage: bench/html_bench.py [SET ...] [--bench DIR] [--limit N] [--repeat N] [--dump DIR] [--by-page N]

SET is a folder of ../shared/bench (default all four: aeb, wcxb-dev, dragnet-train,
daniel-dev), or of ``--bench DIR`` (a held-out set in the same layout, as bench/make_set.py
builds), holding html/<id>.html.gz and truth.jsonl. Outputs are scored with the
article-extraction-benchmark metric (``quality.score``, the same as ../shared/bench/score.py),
per set and, where the truth gives one (daniel-dev), per language.

- trafilatura: ``trafilatura.extract(html, include_comments=False)``.
- readability-lxml: ``Document(html).summary()``, its text rendered one visible block a
  line (``newsclean.pipeline.ingest.html_blocks.page_blocks``: headings, paragraphs, list items apart, as a
  browser shows them).
- newsclean fast: ``html_extractor = "trafilatura"``; newsclean: the default config. Both
  through every stage of the pipeline, from the page's bytes.

Each page is run by every method one after the other, so that machine load weighs on all
alike, the first one rotating from page to page (the first to touch a page pays for the cold
caches); ``--repeat N`` runs each N times and counts the fastest (best-of-N: on a shared
machine the fastest run is the steadiest figure). Times are wall and CPU times summed over
the pages; the ratios are against trafilatura's. When the sets are absent the script says so
and exits.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))
sys.path.append(str(ROOT / "bench"))  # quality.py, when this file is loaded as a module (tests)

import argparse  # noqa: E402
import gzip  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402

import trafilatura  # noqa: E402

from newsclean.pipeline.clean import clean_record  # noqa: E402
from newsclean.pipeline.stages.context import Context  # noqa: E402
from newsclean.pipeline.ingest.inputs import single_record  # noqa: E402
from newsclean.pipeline.ingest.html_blocks import page_blocks  # noqa: E402
from newsclean.pipeline.output.contract import body_text  # noqa: E402
from newsclean.tasks.run.task_base import load_context  # noqa: E402
from quality import DEFAULT_SETS, read_languages, read_truth, score  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"


def methods(ctx: Context):
    """name -> function from a page's bytes to its text."""
    from lxml import html as lxml_html
    from readability import Document

    fast = replace(ctx, config=replace(ctx.config, html_extractor="trafilatura"))

    def readability_text(data: bytes) -> str:
        try:
            summary = Document(data.decode("utf-8", "replace")).summary()
        except Exception:  # noqa: BLE001 - readability raises Unparseable on pages it cannot read
            return ""
        return "\n".join(b.text for b in page_blocks(lxml_html.fromstring(summary))) if summary.strip() else ""

    def newsclean(context: Context):
        def run(data: bytes, pid: str) -> str:
            record = single_record(pid, pid + ".html", data, None, context.config.max_input_bytes)
            cleaned = clean_record(record, path=pid + ".html", ctx=context)
            return "" if cleaned.rejected else body_text(cleaned.article)
        return run

    return {
        "trafilatura": lambda data, pid: trafilatura.extract(data, include_comments=False) or "",
        "readability-lxml": lambda data, pid: readability_text(data),
        "newsclean fast": newsclean(fast),
        "newsclean": newsclean(ctx),
    }


def run_set(name: str, limit: int | None, dump: Path | None, by_page: int, repeat: int, bench: Path = SHARED) -> list[str]:
    """Measure one set; returns its rows of the markdown table."""
    folder = bench / name
    pages = sorted((folder / "html").glob("*.html.gz"))[:limit]
    truth, langs = read_truth(folder), read_languages(folder)
    ctx = load_context("")  # the context a worker cleans with (tasks/run/task_base.py: it settles the collector)
    runs = methods(ctx)
    warm = b"<html><body><p>A warm-up page, with a sentence or two of text to extract.</p></body></html>"
    for run in runs.values():  # imports made on first use, per-context settings: untimed
        run(warm, "warm")
    times = {m: 0.0 for m in runs}
    cpu = {m: 0.0 for m in runs}
    texts: dict[str, dict[str, str]] = {m: {} for m in runs}
    names = list(runs)
    for n, path in enumerate(pages):
        pid = path.name.removesuffix(".html.gz")
        data = gzip.decompress(path.read_bytes())
        order = names[n % len(names):] + names[:n % len(names)]  # who runs first (a cold page) rotates
        for method in order:
            best, best_cpu = float("inf"), float("inf")
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                texts[method][pid] = runs[method](data, pid)
                best, best_cpu = min(best, time.perf_counter() - t0), min(best_cpu, time.process_time() - c0)
            times[method] += best
            cpu[method] += best_cpu
    print(f"{name}: {len(pages)} pages (best of {repeat} per page), load average {os.getloadavg()[0]:.1f}")
    rows = []
    subsets = [("", {pid: t for pid, t in truth.items() if pid in texts["trafilatura"]})]
    subsets += [(lang, {pid: t for pid, t in subsets[0][1].items() if langs.get(pid) == lang})
                for lang in sorted(set(langs.values()))]
    subsets = [(lang, sub) for lang, sub in subsets if sub]
    for lang, sub in subsets:
        label = f"{name} {lang}".strip() + f" ({len(sub)})"
        cells = []
        for method in runs:
            s = score(texts[method], sub)[0]
            print(f"  {label:22s} {method:17s} F1 {s['f1']:.4f}  P {s['precision']:.4f}  R {s['recall']:.4f}  "
                  f"empty {s['empty']:3d}" + ("" if lang else f"  time {times[method]:7.2f} s  cpu {cpu[method]:7.2f} s"))
            cells.append(f"{s['f1']:.3f} / {s['precision']:.3f} / {s['recall']:.3f}")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    base, base_cpu = times["trafilatura"], cpu["trafilatura"]
    for method in runs:
        print(f"  time {method:17s} {times[method] / base:5.2f}x trafilatura wall, {cpu[method] / base_cpu:5.2f}x cpu")
    rows.append(f"| {name} time, x trafilatura (wall / cpu) | 1.00 | " + " | ".join(
        f"{times[m] / base:.2f} / {cpu[m] / base_cpu:.2f}" for m in names[1:]) + " |")
    if dump:
        for method, got in texts.items():
            pred = dump / name / method.replace(" ", "-")
            pred.mkdir(parents=True, exist_ok=True)
            for pid, text in got.items():
                (pred / f"{pid}.txt").write_text(text, encoding="utf-8")
    if by_page:
        worst = score(texts["newsclean"], subsets[0][1])[1][:by_page]
        for pid, f, p, r in worst:
            print(f"    worst {pid[:40]:40s} F1 {f:.3f} P {p:.3f} R {r:.3f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sets", nargs="*", default=list(DEFAULT_SETS))
    p.add_argument("--bench", type=Path, default=SHARED, help="folder holding the sets (default ../shared/bench)")
    p.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    p.add_argument("--dump", type=Path, default=None, help="keep the outputs in DIR/<set>/<method>/<id>.txt")
    p.add_argument("--by-page", type=int, default=0, help="list our N worst pages")
    p.add_argument("--repeat", type=int, default=1, help="runs per page, the fastest counts (default 1: each page once, "
                   "as in a batch; more gives the steadier best-of-N on a shared machine)")
    args = p.parse_args(argv)
    if not args.bench.is_dir():
        print(f"bench/html_bench.py: {args.bench} is absent; the development sets live there, nothing to measure")
        return 0
    rows = []
    for name in args.sets:
        rows += run_set(name, args.limit, args.dump, args.by_page, max(1, args.repeat), args.bench)
    print("\n| set (pages) | trafilatura | readability-lxml | newsclean fast | newsclean |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
