"""The stage chain (one Luigi task per stage and shard) against the fused run, side by side.

    python bench/chain.py [--copies 1] [--repeat 3] [--workers 1] [--keep DIR]

Inputs: the dev texts (../shared/bench/{aeb,wcxb-dev}/text and ../shared/seeds/raw), as
bench/speed.py copies them. Each run is one ``newsclean run`` process into a fresh output
folder, measured from the outside; the two modes alternate, and the best of ``--repeat``
runs of each is compared (the machine may be shared). Checks that both wrote the same
bytes, and prints the chain's cost over the fused run against the 10% budget of issue 20.
"""
from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import dataset
import measure

BUDGET = 1.10  # the chain may cost at most 10% more than the fused run


def parts(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for folder in ("corpus", "changelog") for p in sorted((out / folder).glob("part-*.jsonl"))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--keep", default=None, help="work folder to keep (default: a temporary one)")
    args = ap.parse_args()
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    work = Path(args.keep or tempfile.mkdtemp(prefix="newsclean-chain-"))
    raw = work / "raw"
    files = dataset.make_raw(raw, copies=args.copies)
    n, size = len(files), sum(f.stat().st_size for f in files) / 1e6
    print(f"chain: {n:,} articles, {size:.1f} MB (dev texts x{args.copies}), 8 shards, --workers {args.workers}, "
          f"best of {args.repeat}; {platform.machine()} python {platform.python_version()}, load average "
          f"{measure.load_average()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    nc = measure.newsclean()
    modes = {"fused (default)": [], "chain (--chain)": ["--chain"]}
    got: dict[str, list] = {m: [] for m in modes}
    for _ in range(args.repeat):
        for mode, extra in modes.items():
            out = work / f"out-{len(extra)}"
            shutil.rmtree(out, ignore_errors=True)
            got[mode].append(measure.run([nc, "run", "--raw", str(raw), "--out", str(out), "--workers",
                                          str(args.workers), "-q", *extra]))
    print(f"  {'':18s} {'wall s (best, all)':>30s} {'cpu s (best)':>13s} {'peak RSS MB':>12s}")
    best = {}
    for mode, runs in got.items():
        wall = min(r.wall for r in runs)
        cpu = min(r.cpu for r in runs)
        best[mode] = (wall, cpu)
        print(f"  {mode:18s} {wall:8.2f} ({', '.join(f'{r.wall:.2f}' for r in runs):>19s}) {cpu:13.2f} "
              f"{max(r.peak_rss_mb for r in runs):12.0f}")
    (fw, fc), (cw, cc) = best.values()
    ok = cw / fw <= BUDGET and cc / fc <= BUDGET  # CPU too: wall time swings with other load
    print(f"  chain / fused: wall {cw / fw:.3f} ({100 * (cw / fw - 1):+.1f}%), cpu {cc / fc:.3f} "
          f"({100 * (cc / fc - 1):+.1f}%); budget +10% (wall and cpu): {'met' if ok else 'NOT met'}")
    same = parts(work / "out-0") == parts(work / "out-1")
    print(f"  outputs: {'byte-identical' if same else 'DIFFER'}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
