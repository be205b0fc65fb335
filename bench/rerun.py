"""The cost of a rerun against the first run (issue 5): what an hourly schedule pays.

    python bench/rerun.py [--repeat 3]

Inputs: the dev texts (../shared/bench/{aeb,wcxb-dev}/text and ../shared/seeds/raw, about
900 articles; the script stops with a message when ../shared is absent) copied into one
temporary raw folder. Each step is one ``newsclean run`` process measured from the outside
(start-up, imports, hashing every input and I/O included); ``--repeat`` runs of each, the
median printed:

- first run into an empty output folder
- rerun with nothing changed (no file rewritten)
- rerun after one article changed (one shard redone)
- ``newsclean --version`` (process start, for scale)
"""
from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import dataset
import measure


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exe = measure.newsclean()
    with tempfile.TemporaryDirectory(prefix="newsclean-rerun-") as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        files = dataset.make_raw(raw, copies=1)
        mb = sum(p.stat().st_size for p in files) / 1e6
        run = [exe, "run", "--raw", str(raw), "--out", str(out), "--quiet"]
        steps: dict[str, list[measure.Measure]] = {k: [] for k in ("first", "unchanged", "one changed", "start-up")}
        target = files[len(files) // 2]
        original = target.read_bytes()
        for _ in range(args.repeat):
            shutil.rmtree(out, ignore_errors=True)
            target.write_bytes(original)
            steps["first"].append(measure.run(run))
            steps["unchanged"].append(measure.run(run))
            target.write_bytes(original + b"\nOne more sentence was added to this article today.\n")
            steps["one changed"].append(measure.run(run))
            steps["start-up"].append(measure.run([exe, "--version"]))
    first = statistics.median(m.wall for m in steps["first"])
    print(f"rerun cost, {len(files)} articles ({mb:.1f} MB), median of {args.repeat}; "
          f"{platform.node()}, {measure.load_average()} load, Python {platform.python_version()}")
    for name, ms in steps.items():
        wall, cpu = statistics.median(m.wall for m in ms), statistics.median(m.cpu for m in ms)
        print(f"  {name:<12} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {100 * wall / first:5.1f}% of the first run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
