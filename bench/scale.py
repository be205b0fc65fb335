"""The cost of a run as an archive grows (issue 17): what an hourly schedule pays at scale.

    python bench/scale.py [--articles 10000] [--workers 2] [--repeat 3]
                          [--repo DIR --python PY]   # another tree's code, e.g. main's

Inputs: the dev text scrapes of every set under ../shared/bench/*/text, copied under distinct
names (``<name>-cNNNNN.txt``) until there are ``--articles`` (copies clean exactly like their
source; a near-duplicate step would link them). Each step is one ``newsclean run`` process
(``python -m newsclean.tasks.cli`` in ``--repo``) measured from the outside: wall time, CPU, peak RSS of
its largest process (os.wait4), the bytes of the output's files it created or changed, and
the bytes its main process read (``rchar`` of /proc/self/io: inputs, parts, state, imports):

- full run into an empty output folder (once)
- no-change rerun (best of --repeat)
- adding 0.1% new articles (new names; best of --repeat, each adding its own)
- rebuild of one article (best of --repeat)
- compaction (``newsclean compact``, when the tree has it)

and a linear prediction for 10M articles from the per-article figures. Timings on a shared
machine are noisy: say so when quoting them.
"""
from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
              ROOT.parent / "shared" / "bench")  # ../shared beside the checkout, or further up (a worktree)
WRAPPER = """
import atexit, os, sys
atexit.register(lambda: open(os.environ["SCALE_IO"], "w").write(open("/proc/self/io").read()))
from newsclean.tasks.cli import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Step:
    wall: float
    cpu: float
    rss_mb: float
    written: int  # bytes of output files created or changed
    read: int  # rchar of the main process


def sources() -> list[Path]:
    files = sorted(p for d in sorted(SHARED.glob("*/text")) for p in d.glob("*.txt"))
    if not files:
        raise SystemExit(f"bench: no dev texts under {SHARED}/*/text")
    return files


def fill(raw: Path, files: list[Path], start: int, count: int) -> list[Path]:
    """Copies ``start .. start+count`` of an endless cycle over ``files``."""
    raw.mkdir(parents=True, exist_ok=True)
    made = []
    for n, src in enumerate(itertools.islice(itertools.cycle(files), start, start + count), start=start):
        target = raw / f"{src.stem}-c{n // len(files):05d}.txt"
        shutil.copyfile(src, target)
        made.append(target)
    return made


def snapshot(out: Path) -> dict[str, tuple[int, int, int]]:
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
            for p in out.rglob("*") if p.is_file()} if out.exists() else {}


def size(out: Path) -> int:
    return sum(v[2] for v in snapshot(out).values())


def measure(args, cmd: list[str], out: Path) -> Step:
    before = snapshot(out)
    env = {**os.environ, "SCALE_IO": str(out.parent / "io.txt"), "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen([args.python, "-c", WRAPPER, *cmd], cwd=args.repo, env=env,
                                stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{err[-2000:]}")
    after = snapshot(out)
    written = sum(v[2] for k, v in after.items() if before.get(k) != v)
    io = dict(line.split(": ") for line in (out.parent / "io.txt").read_text().splitlines())
    return Step(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, written, int(io["rchar"]))


def best(steps: list[Step]) -> Step:
    return min(steps, key=lambda s: s.wall)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--repo", default=str(ROOT), help="the code tree to run (default: this one)")
    ap.add_argument("--python", default=sys.executable, help="its Python (default: this one)")
    ap.add_argument("--tmp", default=None, help="where to build the archive (default: the system's temp folder)")
    args = ap.parse_args()
    files = sources()
    with tempfile.TemporaryDirectory(prefix="newsclean-scale-", dir=args.tmp) as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        made = fill(raw, files, 0, args.articles)
        time.sleep(2.1)  # let the inputs settle: the stat cache trusts files unchanged for 2 s
        raw_bytes = sum(p.stat().st_size for p in made)
        run = ["run", "--raw", str(raw), "--out", str(out), "--quiet", "--workers", str(args.workers)]
        full = measure(args, run, out)
        output = size(out)
        unchanged = best([measure(args, run, out) for _ in range(args.repeat)])
        add = max(1, args.articles // 1000)
        adds = []
        for i in range(args.repeat):
            fill(raw, files, args.articles + i * add, add)
            adds.append(measure(args, run, out))
        added = best(adds)
        victim = made[len(made) // 2].stem
        rebuild = best([measure(args, ["rebuild", victim, "--raw", str(raw), "--out", str(out), "--quiet"], out)
                        for _ in range(args.repeat)])
        has_compact = (Path(args.repo) / "tasks" / "compact.py").exists()
        compact = measure(args, ["compact", "--out", str(out), "--quiet"], out) if has_compact else None
        final = size(out)
        startup = best([measure(args, ["--version"], out) for _ in range(args.repeat)])
    print(f"scale: {args.articles} articles ({raw_bytes / 1e6:.0f} MB), {args.workers} workers, code {args.repo}; "
          f"{platform.node()}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {platform.python_version()}")
    print(f"  output after the full run {output / 1e6:.1f} MB; after the additions {final / 1e6:.1f} MB")
    rows = [("full run", full), ("no-change rerun", unchanged), (f"add {add} (0.1%)", added), ("rebuild one", rebuild)]
    if compact:
        rows.append(("compact", compact))
    for name, s in rows:
        print(f"  {name:<16} wall {s.wall:7.2f} s ({100 * s.wall / full.wall:5.1f}%)  cpu {s.cpu:7.2f} s  "
              f"peak {s.rss_mb:6.0f} MB  wrote {s.written / 1e6:8.2f} MB ({100 * s.written / output:5.1f}% of output)  "
              f"read {s.read / 1e6:8.1f} MB")
    print(f"  process start-up (--version) wall {startup.wall:.2f} s")
    scale = 10_000_000 / args.articles
    rerun = startup.wall + (unchanged.wall - startup.wall) * scale  # its work is per input: stat, plan
    adding = rerun + (added.wall - unchanged.wall) * scale  # and what it adds grows with the archive
    print(f"  10M prediction (each step's work past start-up linear in the archive): full run "
          f"{full.wall * scale / 3600:.0f} h, output {output * scale / 1e9:.0f} GB; no-change rerun "
          f"{rerun / 60:.1f} min; adding 0.1% (10,000) {adding / 60:.1f} min, writing "
          f"{added.written * scale / 1e9:.2f} GB ({100 * added.written / output:.2f}% of the output)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
