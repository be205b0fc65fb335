"""The time of a run with nothing to do over N articles (issue 19: now that parts are checked).

    python bench/nochange.py [--articles 10000] [--repeat 5] [--workers 2]
                             [--against OTHER/.venv/bin/newsclean] [--work DIR]

The dev texts (../shared/bench/*/text, with their sidecars) cycled under distinct ids into a
raw folder; one first run per version (``--workers`` for it), then ``--repeat`` rounds of
runs with nothing changed, each one ``newsclean run`` process measured from the outside
(start-up, listing and hashing every input, checking every part, Luigi). With ``--against``
(another checkout's newsclean, e.g. main's venv) both versions run in each round, one after
the other, so that they share the machine's load alike. ``--work DIR`` keeps the raw folder
and the outputs (``out-this``, ``out-against``) there, and reuses them: a first run is made
only for an output without a manifest.
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
    ap.add_argument("--against", help="another version's newsclean executable")
    ap.add_argument("--work", help="a folder to keep (and reuse) the raw folder and outputs in")
    args = ap.parse_args()
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    versions = {"this": measure.newsclean(), **({"against": args.against} if args.against else {})}
    with tempfile.TemporaryDirectory(prefix="newsclean-nochange-") as tmp:
        work = Path(args.work or tmp)
        raw = work / "raw"
        if not raw.is_dir():
            dataset.make_raw(raw, articles=args.articles)
        files = sorted(raw.glob("*.txt"))
        mb = sum(p.stat().st_size for p in files) / 1e6
        runs = {name: [exe, "run", "--raw", str(raw), "--out", str(work / f"out-{name}"), "--quiet"]
                for name, exe in versions.items()}
        for name, cmd in runs.items():
            if not (work / f"out-{name}" / "manifest.json").is_file():
                first = measure.run(cmd + ["--workers", str(args.workers)])
                print(f"  {name}: first run (--workers {args.workers}) wall {first.wall:.1f} s, cpu {first.cpu:.1f} s")
        timed: dict[str, list[measure.Measure]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                timed[name].append(measure.run(cmd))
    print(f"no-change run, {len(files):,} articles ({mb:.0f} MB), {args.repeat} rounds; "
          f"load average {measure.load_average()}")
    for name, ms in timed.items():
        walls = [m.wall for m in ms]
        print(f"  {name:<8} {versions[name]}: wall {' '.join(f'{w:.2f}' for w in walls)} s; best {min(walls):.2f} s, "
              f"median {statistics.median(walls):.2f} s, cpu median {statistics.median(m.cpu for m in ms):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
