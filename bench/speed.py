"""Throughput of the text path, and what it is compared with, on the same articles in one run.

    python bench/speed.py [--copies 3] [--keep DIR]

Inputs: the dev texts (../shared/bench/{aeb,wcxb-dev}/text and ../shared/seeds/raw) copied
``--copies`` times under distinct ids into a temporary folder. Prints, each as one process
measured from the outside (start-up, imports and I/O included):

- ftfy.fix_text alone over the same files (the reference cost)
- newsclean run --workers 1 and --workers 2
- the bare pipeline loop without Luigi (bench/bare.py), writing the same parts
and the targets of issue 6 next to the ratios. Also checks that the three runs wrote the
same bytes and that every copy cleaned exactly like its source.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import dataset
import measure

HERE = Path(__file__).resolve().parent


def parts(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for folder in ("corpus", "changelog") for p in sorted((out / folder).glob("part-*.jsonl"))}


def copies_agree(out: Path) -> tuple[int, int]:
    """(articles whose copies all give one record, articles checked), comparing corpus
    records with id, source path and near-duplicate link taken out."""
    by_source: dict[str, set[str]] = {}
    for part in sorted((out / "corpus").glob("part-*.jsonl")):
        with open(part, encoding="utf-8", newline="\n") as fh:  # a line at a time: parts may be large
            for line in fh:
                rec = json.loads(line)
                origin = rec["id"].rsplit("-c", 1)[0]
                rec["id"], rec["source"]["path"] = origin, None
                rec.pop("duplicate_of", None)  # a copy is linked to its source: the link is not its cleaning
                by_source.setdefault(origin, set()).add(json.dumps(rec, sort_keys=True))
    return sum(len(v) == 1 for v in by_source.values()), len(by_source)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--keep", default=None, help="work folder to keep (default: a temporary one)")
    args = ap.parse_args()
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    work = Path(args.keep or tempfile.mkdtemp(prefix="newsclean-bench-"))
    raw = work / "raw"
    files = dataset.make_raw(raw, copies=args.copies)
    n, size = len(files), sum(f.stat().st_size for f in files) / 1e6
    py, nc = sys.executable, measure.newsclean()
    print(f"speed: {n:,} articles, {size:.1f} MB ({args.copies} copies of the dev texts), "
          f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}, "
          f"load average {measure.load_average()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")

    runs = {
        "ftfy.fix_text alone": [py, str(HERE / "ftfy_alone.py"), str(raw)],
        "newsclean run --workers 1": [nc, "run", "--raw", str(raw), "--out", str(work / "w1"), "--workers", "1"],
        "newsclean run --workers 2": [nc, "run", "--raw", str(raw), "--out", str(work / "w2"), "--workers", "2"],
        "bare loop (no Luigi)": [py, str(HERE / "bare.py"), str(raw), str(work / "bare")],
    }
    got = {}
    print(f"  {'':28s} {'wall s':>7s} {'cpu s':>7s} {'art/s':>7s} {'MB/s':>6s} {'peak RSS MB':>11s}")
    for name, cmd in runs.items():
        m = got[name] = measure.run(cmd)
        print(f"  {name:28s} {m.wall:7.2f} {m.cpu:7.2f} {m.rate(n):7.0f} {m.rate(size):6.2f} {m.peak_rss_mb:11.0f}")

    ftfy, w1, w2, bare = (got[k].wall for k in runs)
    print(f"  newsclean --workers 1 vs ftfy alone: {ftfy / w1:.2f}x faster (target >= 3x, aim 5x): {verdict(ftfy / w1 >= 3)}")
    print(f"  newsclean --workers 2 vs ftfy alone: {ftfy / w2:.2f}x faster (target >= 3x, aim 5x): {verdict(ftfy / w2 >= 3)}")
    print(f"  --workers 2 vs --workers 1: {w1 / w2:.2f}x (target >= 1.6x): {verdict(w1 / w2 >= 1.6)}")
    print(f"  Luigi overhead at 1 worker: {100 * (w1 / bare - 1):+.1f}% over the bare loop (target <= 15%): "
          f"{verdict(w1 / bare <= 1.15)}")
    cpu = {k: got[k].cpu for k in runs}
    print(f"  CPU seconds (less sensitive to other load on the machine): ftfy alone / newsclean --workers 1 = "
          f"{cpu['ftfy.fix_text alone'] / cpu['newsclean run --workers 1']:.2f}x, "
          f"Luigi run / bare loop = {cpu['newsclean run --workers 1'] / cpu['bare loop (no Luigi)']:.2f}")
    same = parts(work / "w1") == parts(work / "w2") == parts(work / "bare")
    agree, checked = copies_agree(work / "w1")
    print(f"  outputs: workers 1, workers 2 and bare loop {'byte-identical' if same else 'DIFFER'}; "
          f"copies clean like their source for {agree}/{checked} articles")
    if not args.keep:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same and agree == checked else 1


if __name__ == "__main__":
    sys.exit(main())
