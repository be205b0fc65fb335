"""Peak memory of ``newsclean run`` as the corpus grows: it must stay flat.

    python bench/memory.py [--sizes 1000 10000] [--workers 1]

For each size, the dev texts are cycled under distinct ids into a temporary raw folder (a
copy is an exact duplicate of its source, so the run also shows that nothing in the
pipeline treats text repeated across articles as boilerplate: every copy must clean like
its source) and cleaned from nothing. Peak RSS is that of the largest process of the run
(Luigi's worker processes included).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import dataset
import measure
from speed import copies_agree

TARGET_MB = 600


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    print(f"memory: newsclean run --workers {args.workers}, load average {measure.load_average()}")
    print(f"  {'articles':>9s} {'MB in':>7s} {'wall s':>7s} {'art/s':>6s} {'peak RSS MB':>11s}  copies clean like their source")
    ok = True
    for size in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="newsclean-memory-"))
        try:
            files = dataset.make_raw(work / "raw", articles=size)
            mb = sum(f.stat().st_size for f in files) / 1e6
            m = measure.run([measure.newsclean(), "run", "--raw", str(work / "raw"), "--out", str(work / "out"),
                             "--workers", str(args.workers)])
            agree, checked = copies_agree(work / "out")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        fits = m.peak_rss_mb <= TARGET_MB
        ok &= fits and agree == checked
        print(f"  {size:9,d} {mb:7.0f} {m.wall:7.1f} {m.rate(size):6.0f} {m.peak_rss_mb:11.0f}  {agree}/{checked}"
              f"{'' if fits else f'  OVER {TARGET_MB} MB'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
