"""The plan's cost as the archive grows (issue 17): the part of every run that is per input.

    python bench/plan_scale.py [--articles 100000] [--repeat 2] [--repo DIR --python PY] [--work DIR]

Every ``newsclean run`` starts with the plan (tasks/batch.plan_batch): list raw/, stat every
input (hashing those the stat cache does not vouch for), assign shards, write the plans of the
shards whose digest changed and the stat cache. What it reads and writes grows with the
archive, and it is all a no-change rerun does; cleaning is not in it, so it can be measured at
sizes where a full run is out of reach on a shared machine (bench/scale.py measures whole runs).

Inputs as bench/scale.py makes them (copies of the dev texts under distinct names; ``--work``
keeps them, and a folder bench/scale.py made can be given). Each step is one process of
``--repo``'s code calling plan_batch, measured from the outside as bench/scale.py does (wall,
CPU, peak RSS of the process (its own VmHWM: the child's ru_maxrss would count this script's
RSS at the fork, 73 MB at 100k), rchar, bytes of the output's files created or changed):

- first plan, into an empty output folder (every input hashed)
- no-change plan (best of --repeat)
- plan after adding 0.1% new articles (best of --repeat, each adding its own)

After each step the script writes what the run's last task (Publish) would leave for the next
plan to compare with: the manifest's ``shard_digests`` (not counted as written). Plans of
earlier steps are not removed (Publish would), so the folder's ``_state/plan`` holds them all.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from pathlib import Path

import scale

PLAN = """
import atexit, json, os, sys
atexit.register(lambda: open(os.environ["SCALE_IO"], "w").write(open("/proc/self/io").read() + "".join(
    line.replace(":", ": ", 1) for line in open("/proc/self/status") if line.startswith("VmHWM"))))
from pathlib import Path
from newsclean.pipeline import io
from newsclean.tasks.folder import paths
from newsclean.tasks.batch import plan_batch
raw, out = sys.argv[1], sys.argv[2]
task = plan_batch(raw, out)
io.atomic_write_json(paths.manifest(Path(out)), {"shard_digests": list(task.digests), "counts": {"read": 1}})
"""


def measure(args, raw: Path, out: Path) -> scale.Step:
    """The plan alone (``PLAN``), measured as bench/scale.py measures a step."""
    return scale.measure(args, [str(raw), str(out)], out, program=PLAN, ignore=("manifest.json",), own_peak=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--repo", default=str(scale.ROOT), help="the code tree to run (default: this one)")
    ap.add_argument("--python", default=sys.executable, help="its Python (default: this one)")
    ap.add_argument("--work", default=None, help="build the inputs in this folder and keep them (reused when there)")
    ap.add_argument("--tmp", default=None, help="where the temporary folder goes when there is no --work")
    args = ap.parse_args()
    files = scale.sources()
    with scale.work_folder(args) as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "plan-out"
        shutil.rmtree(out, ignore_errors=True)
        made = sorted(raw.glob("*.txt")) if raw.is_dir() else []
        if len(made) < args.articles:
            made += scale.fill(raw, files, len(made), args.articles - len(made))
            time.sleep(2.1)  # let the inputs settle: the stat cache trusts files unchanged for 2 s
        raw_bytes = sum(p.stat().st_size for p in made)
        first = measure(args, raw, out)
        unchanged = scale.best([measure(args, raw, out) for _ in range(args.repeat)])
        add = max(1, len(made) // 1000)
        adds, added_files = [], []
        for i in range(args.repeat):
            added_files += scale.fill(raw, files, len(made) + i * add, add)
            time.sleep(2.1)
            adds.append(measure(args, raw, out))
        added = scale.best(adds)
        state = sum(p.stat().st_size for p in (out / "_state").rglob("*") if p.is_file())
        for p in added_files:  # leave a kept folder as it was
            p.unlink()
        shutil.rmtree(out, ignore_errors=True)
    print(f"plan: {len(made)} articles ({raw_bytes / 1e6:.0f} MB), code {args.repo}; {platform.node()}, "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {platform.python_version()}")
    print(f"  state after the steps {state / 1e6:.1f} MB (plans of every step kept)")
    for name, s in (("first plan", first), ("no-change plan", unchanged), (f"add {add} (0.1%)", added)):
        print(f"  {name:<16} wall {s.wall:7.2f} s  cpu {s.cpu:7.2f} s  peak {s.rss_mb:6.0f} MB  "
              f"wrote {s.written / 1e6:8.3f} MB  read {s.read / 1e6:8.1f} MB")
    print("  what an addition wrote: " + ", ".join(f"{k} {v / 1e6:.3f} MB" for k, v in added.where.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
