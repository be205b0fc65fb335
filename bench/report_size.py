"""Size of ``newsclean report`` as the corpus grows (the goal: under 100 MB at 10k articles).

    python bench/report_size.py [--articles 10000 879] [--work DIR]

For each size, the dev texts are cycled into a raw folder, cleaned with ``newsclean run
--workers 2`` and reported. A copy is named with its copy number first
(``c00001-<source id>.txt``) so that, in the report's id order, neighbours are different
articles: the report's compressed chunks gain nothing from a copy beside its source, as
they would not in a real corpus. ``--work DIR`` keeps the folders there (and reuses a run
already made in them).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dataset
import measure

TARGET_MB = 100


def make_raw(dest: Path, articles: int) -> None:
    for path in dataset.make_raw(dest, articles=articles):
        stem, copy = path.name[: -len(".txt")].rsplit("-c", 1)
        path.rename(path.with_name(f"c{copy}-{stem}.txt"))
        sidecar = path.with_name(f"{stem}-c{copy}.meta.json")
        if sidecar.is_file():
            sidecar.rename(path.with_name(f"c{copy}-{stem}.meta.json"))


def folder_mb(folder: Path, pattern: str = "**/*") -> float:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file()) / 1e6


def measure_size(work: Path, articles: int) -> bool:
    raw, out = work / "raw", work / "out"
    if not (out / "manifest.json").is_file():
        shutil.rmtree(work, ignore_errors=True)
        make_raw(raw, articles)
        subprocess.run([measure.newsclean(), "run", "-q", "--raw", str(raw), "--out", str(out), "--workers", "2"],
                       check=True, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    subprocess.run([measure.newsclean(), "report", "-q", "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    report = out / "report"
    total = folder_mb(report)
    n = sum(1 for _ in (out / "changelog").glob("part-*.jsonl") for _ in open(_, encoding="utf-8"))
    parts = {"data chunks": folder_mb(report, "data/c*.js"), "index data": folder_mb(report, "data/index.js"),
             "rule pages": folder_mb(report, "rules/*.html")}
    other = total - sum(parts.values())
    detail = ", ".join(f"{k} {v:.1f}" for k, v in parts.items())
    print(f"  {n:9,d} {folder_mb(raw):7.1f} {total:9.1f} {seconds:8.1f}  {detail}, other {other:.1f}"
          f"{'' if total < TARGET_MB else f'  OVER {TARGET_MB} MB'}")
    return total < TARGET_MB


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, nargs="+", default=[10000])
    ap.add_argument("--work", type=Path, help="keep (and reuse) the raw and output folders under this folder")
    ap.add_argument("--shared", type=Path, help=f"the shared folder (default {dataset.SHARED})")
    args = ap.parse_args()
    if args.shared:
        dataset.SOURCES = tuple(args.shared / d.relative_to(dataset.SHARED) for d in dataset.SOURCES)
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    print(f"report size: load average {measure.load_average()}")
    print(f"  {'articles':>9s} {'raw MB':>7s} {'report MB':>9s} {'report s':>8s}  of which (MB)")
    ok = True
    for size in args.articles:
        work = (args.work / str(size)) if args.work else Path(tempfile.mkdtemp(prefix="newsclean-report-size-"))
        try:
            ok &= measure_size(work, size)
        finally:
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
