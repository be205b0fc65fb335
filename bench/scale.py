"""The cost of a run as an archive grows (issue 17): what an hourly schedule pays at scale.

    python bench/scale.py [--articles 10000] [--workers 2] [--repeat 3]
                          [--repo DIR --python PY]   # another tree's code, e.g. main's
                          [--work DIR]               # keep the archive there; reuse it next time

Inputs: the dev text scrapes of every set under ../shared/bench/*/text, copied under distinct
names (``<name>-cNNNNN.txt``) until there are ``--articles`` (copies clean exactly like their
source; a near-duplicate step would link them). Each step is one ``newsclean run`` process
(``python -m newsclean.tasks.cli`` in ``--repo``) measured from the outside: wall time, CPU, peak RSS of
its whole process tree (the sum over the process and its descendants, Luigi's workers included,
sampled every 0.2 s from /proc; also as PSS, which counts the pages forked workers share once)
and of its largest process (os.wait4), the bytes of the output's
files it created or changed (and which of them, by folder; of a file changed in place, SQLite's
dedup index, the 4 KiB pages that differ), and the bytes its main process read (``rchar`` of
/proc/self/io: inputs, parts, state, imports):

- full run into an empty output folder (once)
- no-change rerun (best of --repeat)
- adding 0.1% new articles (new names; best of --repeat, each adding its own)
- rebuild of one article (best of --repeat)
- compaction (``newsclean compact``, when the tree has it)

and a linear prediction for 10M articles from the per-article figures. Timings on a shared
machine are noisy: say so when quoting them.

``--work DIR`` builds the archive in DIR and keeps it; run again with the same DIR (another
``--repo``'s code, say) it skips the copies and the full run and measures the other steps on
the output there, adding new names past those already in raw/ (the first step after a code
change is one more no-change rerun, not counted, so that a state cache the new code migrates
is not counted as a no-change rerun).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ["NEWSCLEAN_SHARED"]) / "bench" if os.environ.get("NEWSCLEAN_SHARED") else next(
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench")  # NEWSCLEAN_SHARED, or ../shared beside the checkout or further up (a worktree)
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
    rss_mb: float  # the largest process
    tree_mb: float  # the whole process tree at its peak (sum of RSS, sampled)
    written: int  # bytes of output files created or changed
    read: int  # rchar of the main process
    where: Counter = field(default_factory=Counter)  # bytes written by top folder (corpus, _state/plan...)
    tree_pss_mb: float = 0.0  # the whole process tree at its peak, shared pages counted once (PSS)


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


BLOCK = 4096  # SQLite's page size here


def blocks(path: Path) -> list[bytes]:
    """A digest of each 4 KiB block of a file written in place (the SQLite dedup index)."""
    with path.open("rb") as f:
        return [hashlib.blake2b(b, digest_size=8).digest() for b in iter(lambda: f.read(BLOCK), b"")]


def pages(out: Path) -> dict[str, list[bytes]]:
    return {str(p): blocks(p) for p in out.rglob("*.sqlite")} if out.exists() else {}


def written_bytes(path: str, before, after, pages_before, pages_after) -> int:
    """Bytes a step wrote to a file it created or changed: all of it, or for a file changed
    in place (same inode: SQLite's) the 4 KiB blocks that differ."""
    if before is None or before[0] != after[0] or path not in pages_before or path not in pages_after:
        return after[2]
    old, new = pages_before[path], pages_after[path]
    return BLOCK * sum(1 for i, b in enumerate(new) if i >= len(old) or old[i] != b)


def size(out: Path) -> int:
    return sum(v[2] for v in snapshot(out).values())


def tree_rss(root: int) -> tuple[int, int]:
    """Bytes of RSS and of PSS (pages shared by forked workers counted once, in shares) of
    ``root`` and all its descendants now (/proc)."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    parent[int(entry.name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, pp in parent.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    rss = pss = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                fields = dict(line.split(":", 1) for line in f if line[:3] in ("Rss", "Pss"))
            rss += int(fields["Rss"].split()[0]) * 1024
            pss += int(fields["Pss"].split()[0]) * 1024
        except (OSError, IndexError, ValueError, KeyError):
            pass
    return rss, pss


class TreeSampler(threading.Thread):
    """The peak of ``tree_rss(pid)``, sampled every ``every`` seconds until stopped."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.peak_pss = pid, every, 0, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            rss, pss = tree_rss(self.pid)
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)


def where(path: str, out: Path) -> str:
    parts = Path(path).relative_to(out).parts
    return "/".join(parts[:2]) if parts[0] == "_state" and len(parts) > 2 else parts[0]


def measure(args, cmd: list[str], out: Path, program: str = WRAPPER, ignore: tuple[str, ...] = ()) -> Step:
    """One step: ``program`` (python -c; the CLI by default) with ``cmd`` as its arguments,
    its time, memory, and what it wrote under ``out`` (files ending in ``ignore`` left out)."""
    before, pages_before = snapshot(out), pages(out)
    env = {**os.environ, "SCALE_IO": str(out.parent / "io.txt"), "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen([args.python, "-c", program, *cmd], cwd=args.repo, env=env,
                                stdout=subprocess.DEVNULL, stderr=errors)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stopped.set()
        sampler.join()
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{err[-2000:]}")
    after, pages_after = snapshot(out), pages(out)
    changed = {k: written_bytes(k, before.get(k), v, pages_before, pages_after)
               for k, v in after.items() if before.get(k) != v and not (ignore and k.endswith(ignore))}
    io = dict(line.split(": ") for line in (out.parent / "io.txt").read_text().splitlines())
    by = Counter()
    for k, n in changed.items():
        by[where(k, out)] += n
    return Step(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, sampler.peak / 2**20,
                sum(changed.values()), int(io["rchar"]), by, sampler.peak_pss / 2**20)


def work_folder(args):
    """A temporary folder removed afterwards, or ``--work`` kept."""
    if args.work:
        Path(args.work).mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext(args.work)
    return tempfile.TemporaryDirectory(prefix="newsclean-scale-", dir=args.tmp)


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
    ap.add_argument("--work", default=None, help="build the archive in this folder and keep it; "
                    "when it holds one already, reuse it (no copies, no full run)")
    args = ap.parse_args()
    files = sources()
    with work_folder(args) as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        run = ["run", "--raw", str(raw), "--out", str(out), "--quiet", "--workers", str(args.workers)]
        reused = (out / "manifest.json").exists()
        if reused:
            made = sorted(raw.glob("*.txt"))
            measure(args, run, out)  # a state cache the code in --repo keeps otherwise is made here
            full = None
        else:
            made = fill(raw, files, 0, args.articles)
            time.sleep(2.1)  # let the inputs settle: the stat cache trusts files unchanged for 2 s
            full = measure(args, run, out)
        raw_bytes = sum(p.stat().st_size for p in made)
        output = size(out)
        unchanged = best([measure(args, run, out) for _ in range(args.repeat)])
        add = max(1, args.articles // 1000)
        adds = []
        for i in range(args.repeat):
            fill(raw, files, len(made) + i * add, add)
            adds.append(measure(args, run, out))
        added = best(adds)
        victim = made[len(made) // 2].stem
        rebuild = best([measure(args, ["rebuild", victim, "--raw", str(raw), "--out", str(out), "--quiet"], out)
                        for _ in range(args.repeat)])
        has_compact = (Path(args.repo) / "tasks" / "compact.py").exists()
        compact = measure(args, ["compact", "--out", str(out), "--quiet"], out) if has_compact else None
        final = size(out)
        startup = best([measure(args, ["--version"], out) for _ in range(args.repeat)])
    print(f"scale: {len(made)} articles ({raw_bytes / 1e6:.0f} MB), {args.workers} workers, code {args.repo}; "
          f"{platform.node()}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {platform.python_version()}")
    print(f"  output {'before these steps' if reused else 'after the full run'} {output / 1e6:.1f} MB; "
          f"after the additions {final / 1e6:.1f} MB{' (full run reused from ' + args.work + ')' if reused else ''}")
    rows = [("full run", full), ("no-change rerun", unchanged), (f"add {add} (0.1%)", added), ("rebuild one", rebuild)]
    if compact:
        rows.append(("compact", compact))
    base = full.wall if full else float("nan")
    for name, s in rows:
        if s is None:
            continue
        print(f"  {name:<16} wall {s.wall:7.2f} s ({100 * s.wall / base:5.1f}%)  cpu {s.cpu:7.2f} s  "
              f"peak {s.tree_mb:6.0f} MB tree RSS, {s.tree_pss_mb:5.0f} MB PSS, {s.rss_mb:5.0f} MB largest  "
              f"wrote {s.written / 1e6:8.2f} MB ({100 * s.written / output:5.1f}% of output)  "
              f"read {s.read / 1e6:8.1f} MB")
    print("  what an addition wrote: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in added.where.most_common()))
    print(f"  process start-up (--version) wall {startup.wall:.2f} s")
    if full is None:
        return 0
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
