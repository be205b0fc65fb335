#!/usr/bin/env python3
"""HTML path benchmark: newsclean (trafilatura + our cleanup) against
``trafilatura.extract(html, include_comments=False)`` on the same pages, in the same run.

Usage: bench/html_bench.py [SET ...] [--bench DIR] [--limit N] [--dump DIR] [--by-page N]

SET is a folder of ../shared/bench (aeb, wcxb-dev; default both), or of ``--bench DIR`` (a
held-out set in the same layout, as bench/make_set.py builds), holding html/<id>.html.gz
and truth.jsonl; the shared scorer (../shared/bench/score.py, the article-extraction-benchmark
metric; else DIR/score.py) scores both outputs. Each page is run by both extractors one after the other, so
that machine load weighs on both alike, the first one alternating from page to page (the
first to touch a page pays for the cold caches); ``--repeat N`` runs each N times and counts
the fastest.
Both get the page's bytes (both decode them, UTF-8 first); times are wall times per page,
ours through every stage of the pipeline, and the process's CPU time beside them (on a shared
machine the CPU ratio is the steadier one). When ../shared is absent the script says so and
exits.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import trafilatura  # noqa: E402

from pipeline import io  # noqa: E402
from pipeline.clean import clean_record  # noqa: E402
from pipeline.context import Context  # noqa: E402
from pipeline.inputs import single_record  # noqa: E402
from pipeline.record import body_text  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"


def scorer(bench: Path) -> Path:
    """The shared score.py, else one beside the sets."""
    return next((p for p in (SHARED / "score.py", bench / "score.py") if p.is_file()), SHARED / "score.py")


def run_set(name: str, limit: int | None, dump: Path | None, by_page: int, repeat: int, bench: Path = SHARED) -> None:
    folder = bench / name
    pages = sorted((folder / "html").glob("*.html.gz"))[:limit]
    ctx = Context(io.load_config(None), io.load_rules())
    # both sides warmed up untimed (imports made on first use, per-context settings), as
    # trafilatura is in main(): on a set of a dozen pages a first call would weigh
    warm = b"<html><body><p>A warm-up page.</p></body></html>"
    clean_record(single_record("warm", "warm.html", warm, None, ctx.config.max_input_bytes), path="warm.html", ctx=ctx)
    out = Path(dump or tempfile.mkdtemp(prefix="bench-html-")) / name
    times = {"trafilatura": [], "newsclean": []}
    cpu = {"trafilatura": 0.0, "newsclean": 0.0}
    texts = {"trafilatura": {}, "newsclean": {}}
    for n, path in enumerate(pages):
        pid = path.name.split(".", 1)[0]
        data = gzip.decompress(path.read_bytes())

        def ours():
            record = single_record(pid, pid + ".html", data, None, ctx.config.max_input_bytes)
            cleaned = clean_record(record, path=path.name, ctx=ctx)
            return "" if cleaned.rejected else body_text(cleaned.article)

        runs = {"trafilatura": lambda: trafilatura.extract(data, include_comments=False) or "", "newsclean": ours}
        order = list(runs) if n % 2 == 0 else list(reversed(runs))  # who runs first (a cold page) alternates
        best = {method: float("inf") for method in runs}
        best_cpu = dict(best)
        for _ in range(repeat):
            for method in order:
                t0, c0 = time.perf_counter(), time.process_time()
                texts[method][pid] = runs[method]()
                best[method] = min(best[method], time.perf_counter() - t0)
                best_cpu[method] = min(best_cpu[method], time.process_time() - c0)
        for method, t in best.items():
            times[method].append(t)
            cpu[method] += best_cpu[method]
    print(f"{name}: {len(pages)} pages")
    for method in ("trafilatura", "newsclean"):
        pred = out / method
        pred.mkdir(parents=True, exist_ok=True)
        for pid, text in texts[method].items():
            (pred / f"{pid}.txt").write_text(text, encoding="utf-8")
        score = json.loads(subprocess.run([sys.executable, str(scorer(bench)), str(folder), str(pred), "--json"],
                                          check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        t = times[method]
        print(f"  {method:12s} F1 {score['f1']:.4f}  P {score['precision']:.4f}  R {score['recall']:.4f}  "
              f"empty {score['empty']:3d}  time {sum(t):6.2f} s  median {1000 * statistics.median(t):5.1f} ms/page  "
              f"cpu {cpu[method]:6.2f} s")
    ratio = sum(times["newsclean"]) / sum(times["trafilatura"])
    print(f"  time ratio newsclean/trafilatura {ratio:.2f}x wall, {cpu['newsclean'] / cpu['trafilatura']:.2f}x cpu "
          f"(goal <= 1.15x); outputs in {out}")
    if by_page:
        subprocess.run([sys.executable, str(scorer(bench)), str(folder), str(out / "newsclean"), "--by-page", str(by_page)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sets", nargs="*", default=["aeb", "wcxb-dev"])
    p.add_argument("--bench", type=Path, default=SHARED, help="folder holding the sets (default ../shared/bench)")
    p.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    p.add_argument("--dump", type=Path, default=None, help="keep the outputs in DIR/<set>/<method>/<id>.txt")
    p.add_argument("--by-page", type=int, default=0, help="list our N worst pages")
    p.add_argument("--repeat", type=int, default=1, help="runs per page, the fastest counts (default 1: each page once, "
                   "as in a batch; more favours trafilatura's warm caches)")
    args = p.parse_args(argv)
    if not args.bench.is_dir():
        print(f"bench/html_bench.py: {args.bench} is absent; the development sets live there, nothing to measure")
        return 0
    if not scorer(args.bench).is_file():
        print(f"bench/html_bench.py: no score.py in {SHARED} or {args.bench}; nothing measured")
        return 0
    trafilatura.extract("<html><body><p>warm up</p></body></html>")
    for name in args.sets:
        run_set(name, args.limit, args.dump, args.by_page, max(1, args.repeat), args.bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
