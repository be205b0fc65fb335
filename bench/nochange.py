"""The time of a run with nothing to do over N articles (issue 19: now that parts are checked).

    python bench/nochange.py [--articles 10000] [--repeat 5] [--workers 2]

The dev texts (../shared/bench/*/text, with their sidecars) cycled under distinct ids into
a temporary raw folder; one first run (``--workers`` for it), then ``--repeat`` runs with
nothing changed, each one ``newsclean run`` process measured from the outside (start-up,
listing and hashing every input, checking every part, Luigi). Prints each run and the best
and median. Run it with another checkout's Python (its venv) to compare versions.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import dataset
import measure


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    exe = measure.newsclean()
    with tempfile.TemporaryDirectory(prefix="newsclean-nochange-") as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        files = dataset.make_raw(raw, articles=args.articles)
        mb = sum(p.stat().st_size for p in files) / 1e6
        run = [exe, "run", "--raw", str(raw), "--out", str(out), "--quiet"]
        first = measure.run(run + ["--workers", str(args.workers)])
        again = [measure.run(run) for _ in range(args.repeat)]
    walls = [m.wall for m in again]
    print(f"no-change run, {args.articles:,} articles ({mb:.0f} MB), {exe}; load average {measure.load_average()}")
    print(f"  first run (--workers {args.workers}): wall {first.wall:.1f} s, cpu {first.cpu:.1f} s")
    print(f"  nothing changed, {args.repeat} runs: wall {' '.join(f'{w:.2f}' for w in walls)} s; "
          f"best {min(walls):.2f} s, median {statistics.median(walls):.2f} s, "
          f"cpu median {statistics.median(m.cpu for m in again):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
