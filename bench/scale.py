"""The cost of a run as an archive grows (issue 17): what an hourly schedule pays at scale.

    python bench/scale.py [--articles 10000] [--workers 2] [--repeat 3]
                          [--repo DIR --python PY]   # another tree's code, e.g. main's
                          [--work DIR]               # keep the archive there; reuse it next time

Inputs: the dev text scrapes of every set under ../shared/bench/*/text, copied under distinct
names (``<name>-cNNNNN.txt``) until there are ``--articles`` (copies clean exactly like their
source; a near-duplicate step would link them). Each step is one ``newsclean run`` process
(``python -m newsclean.tasks.commands.cli`` in ``--repo``) measured from the outside: wall time, CPU, peak RSS of
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
import json
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

import s3_server

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ["NEWSCLEAN_SHARED"]) / "bench" if os.environ.get("NEWSCLEAN_SHARED") else next(
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench")  # NEWSCLEAN_SHARED, or ../shared beside the checkout or further up (a worktree)
WRAPPER = """
import atexit, os, sys
atexit.register(lambda: open(os.environ["SCALE_IO"], "w").write(open("/proc/self/io").read()))
try:
    from newsclean.tasks.commands.cli import main
except ModuleNotFoundError as e:  # a --repo tree from before tasks/ was grouped (newsclean.tasks.cli)
    if e.name != "newsclean.tasks.commands":
        raise
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
    requests: dict = field(default_factory=dict)  # on a store: what the S3 server was asked (s3_server.difference)
    server_cpu: float = 0.0  # on a store: the S3 server's CPU seconds meanwhile

    def calls(self, kind: str) -> int:
        return self.requests.get(kind, [0])[0]

    @property
    def downloaded(self) -> int:
        return self.requests.get("get", [0, 0, 0])[2]


def sources() -> list[Path]:
    files = sorted(p for d in sorted(SHARED.glob("*/text")) for p in d.glob("*.txt"))
    if not files:
        raise SystemExit(f"bench: no dev texts under {SHARED}/*/text")
    return files


def copies(files: list[Path], start: int, count: int) -> list[tuple[Path, str]]:
    """Copies ``start .. start+count`` of an endless cycle over ``files``: (source, name)."""
    return [(src, f"{src.stem}-c{n // len(files):05d}.txt")
            for n, src in enumerate(itertools.islice(itertools.cycle(files), start, start + count), start=start)]


def fill(raw: Path, files: list[Path], start: int, count: int) -> list[Path]:
    """Copies ``start .. start+count`` of an endless cycle over ``files`` into ``raw``."""
    raw.mkdir(parents=True, exist_ok=True)
    made = []
    for src, name in copies(files, start, count):
        shutil.copyfile(src, raw / name)
        made.append(raw / name)
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


def measure(args, cmd: list[str], out: Path, program: str = WRAPPER, ignore: tuple[str, ...] = (),
            env: dict[str, str] | None = None, store: str | None = None, own_peak: bool = False) -> Step:
    """One step: ``program`` (python -c; the CLI by default) with ``cmd`` as its arguments,
    its time, memory, and what it wrote under ``out`` (files ending in ``ignore`` left out);
    with ``store`` (the URL of bench/s3_server.py's S3 server), what it uploaded there
    instead, and what it asked the server. ``env``: more environment for the process."""
    before, pages_before = snapshot(out), pages(out)
    asked = s3_server.counts(store) if store else None
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(env or {}), "SCALE_IO": str(out.parent / "io.txt"), "PYTHONDONTWRITEBYTECODE": "1"}
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
    io = dict(line.split(": ", 1) for line in (out.parent / "io.txt").read_text().splitlines())
    requests, server_cpu, by = {}, 0.0, Counter()
    if asked is not None:
        now = s3_server.counts(store)
        requests, server_cpu = s3_server.difference(now["requests"], asked["requests"]), now["cpu"] - asked["cpu"]
        for kind, (_, sent, _) in requests.items():
            if kind.startswith("put:"):
                by[kind.removeprefix("put:")] += sent
    else:
        after, pages_after = snapshot(out), pages(out)
        changed = {k: written_bytes(k, before.get(k), v, pages_before, pages_after)
                   for k, v in after.items() if before.get(k) != v and not (ignore and k.endswith(ignore))}
        for k, n in changed.items():
            by[where(k, out)] += n
    # ``own_peak``: the main process's own peak (VmHWM, when ``program`` writes it after /proc/self/io)
    # in place of the largest process's: a child's ru_maxrss counts this bench process's RSS at
    # the fork too (Linux keeps the forked copy's high-water mark across exec)
    largest = int(io["VmHWM"].split()[0]) / 1024 if own_peak and "VmHWM" in io else usage.ru_maxrss / 1024
    step = Step(wall, usage.ru_utime + usage.ru_stime, largest, sampler.peak / 2**20,
                sum(by.values()), int(io["rchar"]), by, sampler.peak_pss / 2**20, requests, server_cpu)
    print(f"  step {' '.join(cmd[:1])} done {time.strftime('%H:%M:%S')}: wall {step.wall:.1f} s, cpu {step.cpu:.1f} s, "
          f"peak {step.tree_mb:.0f} MB tree RSS, {step.tree_pss_mb:.0f} MB PSS, {step.rss_mb:.0f} MB largest, wrote "
          f"{step.written / 1e6:.2f} MB, read {step.read / 1e6:.1f} MB, load {os.getloadavg()[0]:.1f}",
          file=sys.stderr, flush=True)  # as each step ends: a long run's steps are known before the report
    return step


def work_folder(args):
    """A temporary folder removed afterwards, or ``--work`` kept."""
    if args.work:
        Path(args.work).mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext(args.work)
    return tempfile.TemporaryDirectory(prefix="newsclean-scale-", dir=args.tmp)


def best(steps: list[Step]) -> Step:
    return min(steps, key=lambda s: s.wall)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


RECORDS = ("corpus/part-", "changelog/part-", "duplicates.jsonl")  # what "the records" are, per output


class Local:
    """The archive and the output in local folders."""

    name = "local"

    def __init__(self, args, tmp: Path):
        self.args, self.raw, self.out = args, tmp / "raw", tmp / "out"

    def folders(self) -> list[str]:
        return ["--raw", str(self.raw), "--out", str(self.out)]

    def reused(self) -> bool:
        return (self.out / "manifest.json").exists()

    def present(self) -> list[str]:
        return sorted(p.name for p in self.raw.glob("*.txt"))

    def put(self, pairs: list[tuple[Path, str]]) -> None:
        self.raw.mkdir(parents=True, exist_ok=True)
        for src, name in pairs:
            shutil.copyfile(src, self.raw / name)

    def step(self, cmd: list[str], fresh: bool = False) -> Step:
        return measure(self.args, cmd, self.out)

    def size(self) -> tuple[int, int]:
        found = snapshot(self.out)
        return len(found), sum(v[2] for v in found.values())

    def records(self) -> dict[str, str]:
        """Each records file of the output (corpus and change-log parts, duplicates.jsonl): its sha256."""
        return {p.relative_to(self.out).as_posix(): file_sha256(p) for p in sorted(self.out.rglob("*"))
                if p.is_file() and p.relative_to(self.out).as_posix().startswith(RECORDS)}


class S3:
    """The archive as raw objects and the output in a bucket of the S3 server (moto,
    bench/s3_server.py); each step a process on its own working folder (``machine-a``; a
    fresh one for the "fresh worker" step: another machine's first run)."""

    name = "s3"
    bucket = "bench"

    def __init__(self, args, tmp: Path, endpoint: str):
        import s3fs

        self.args, self.tmp, self.endpoint = args, tmp / "s3", endpoint
        self.out = self.tmp / "out"  # not written: io.txt goes beside it
        self.raw_url, self.out_url = f"s3://{self.bucket}/raw", f"s3://{self.bucket}/out"
        s3fs.S3FileSystem.clear_instance_cache()
        self.fs = s3fs.S3FileSystem(endpoint_url=endpoint, key="bench", secret="bench")
        if not self.fs.exists(self.bucket):
            self.fs.mkdir(self.bucket)
        self.fresh = 0

    def folders(self) -> list[str]:
        return ["--raw", self.raw_url, "--out", self.out_url]

    def reused(self) -> bool:
        self.fs.invalidate_cache()
        return self.fs.exists(f"{self.bucket}/out/manifest.json")

    def present(self) -> list[str]:
        self.fs.invalidate_cache()
        return sorted(k.rsplit("/", 1)[1] for k in self.fs.find(f"{self.bucket}/raw") if k.endswith(".txt"))

    def put(self, pairs: list[tuple[Path, str]]) -> None:
        for i in range(0, len(pairs), 500):
            chunk = pairs[i:i + 500]
            self.fs.put([str(src) for src, _ in chunk], [f"{self.bucket}/raw/{name}" for _, name in chunk])

    def step(self, cmd: list[str], fresh: bool = False) -> Step:
        if fresh:
            self.fresh += 1
        work = self.tmp / (f"machine-fresh{self.fresh}" if fresh else "machine-a")
        try:
            return measure(self.args, cmd, self.out, env={**s3_server.environment(self.endpoint),
                                                          "NEWSCLEAN_WORK": str(work)}, store=self.endpoint)
        finally:
            if fresh:
                shutil.rmtree(work, ignore_errors=True)

    def size(self) -> tuple[int, int]:
        self.fs.invalidate_cache()
        found = self.fs.find(f"{self.bucket}/out", detail=True)
        return len(found), sum(info["size"] for info in found.values())

    def records(self) -> dict[str, str]:
        """As Local.records, from the objects the manifest names (a part's object is named by
        its content: tasks/folder/storage.py's content_key), each read and hashed."""
        from newsclean.tasks.folder.storage import content_key

        self.fs.invalidate_cache()
        manifest = json.loads(self.fs.cat_file(f"{self.bucket}/out/manifest.json"))
        keys = {part["path"]: content_key(part["path"], part["sha256"]) for part in manifest["parts"]
                if part["path"].startswith(RECORDS)}
        if self.fs.exists(f"{self.bucket}/out/duplicates.jsonl"):
            keys["duplicates.jsonl"] = "duplicates.jsonl"
        return {path: hashlib.sha256(self.fs.cat_file(f"{self.bucket}/out/{key}")).hexdigest()
                for path, key in sorted(keys.items())}


@dataclass
class Result:
    target: str
    articles: int
    raw_bytes: int
    output: int  # bytes of the output after the full run (before these steps, when reused)
    objects: int
    final: int
    rows: list[tuple[str, Step | None]]
    added: Step
    records: dict[str, str]  # after the full run
    final_records: dict[str, str]  # after the last step
    reused: bool
    setup: float = 0.0  # seconds to put the archive in place (an upload, on a store)


def steps(args, target, files: list[Path]) -> Result:
    """The full run (unless the target holds an output already), a no-change rerun, adding
    0.1%, a rebuild, (on a store) a no-change rerun from a fresh working folder, compact."""
    run = ["run", *target.folders(), "--quiet", "--workers", str(args.workers)]
    reused = target.reused()
    start = time.perf_counter()
    if reused:
        made = target.present()
        target.step(run)  # a state cache the code in --repo keeps otherwise is made here
        full = None
    else:
        pairs = copies(files, 0, args.articles)
        target.put(pairs)
        made = [name for _, name in pairs]
        time.sleep(2.1)  # let the inputs settle: the stat cache trusts files unchanged for 2 s
    setup = time.perf_counter() - start
    if not reused:
        full = target.step(run)
    records = target.records()
    objects, output = target.size()
    raw_bytes = sum(src.stat().st_size for src, _ in copies(files, 0, len(made)))
    unchanged = best([target.step(run) for _ in range(args.repeat)])
    add = max(1, args.articles // 1000)
    adds = []
    for i in range(args.repeat):
        target.put(copies(files, len(made) + i * add, add))
        adds.append(target.step(run))
    added = best(adds)
    victim = Path(made[len(made) // 2]).stem
    rebuild = best([target.step(["rebuild", victim, *target.folders(), "--quiet"]) for _ in range(args.repeat)])
    rows = [("full run", full), ("no-change rerun", unchanged), (f"add {add} (0.1%)", added), ("rebuild one", rebuild)]
    if isinstance(target, S3):
        rows.append(("no-change, fresh worker", target.step(run, fresh=True)))
    if any((Path(args.repo) / "tasks" / sub / "compact.py").exists() for sub in ("commands", "")) and not args.no_compact:
        rows.append(("compact", target.step(["compact", "--out", target.folders()[3], "--quiet"])))
    _, final = target.size()
    return Result(target.name, len(made), raw_bytes, output, objects, final, rows, added, records,
                  target.records(), reused, setup)


def digest(records: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{k} {v}\n" for k, v in sorted(records.items())).encode()).hexdigest()[:16]


def report(args, result: Result, startup: Step) -> None:
    print(f"  [{result.target}] {result.articles} articles ({result.raw_bytes / 1e6:.0f} MB); output "
          f"{'before these steps' if result.reused else 'after the full run'} {result.output / 1e6:.1f} MB "
          f"({result.objects} files or objects), after the steps {result.final / 1e6:.1f} MB"
          + (f"; archive uploaded in {result.setup:.0f} s" if result.target == "s3" and not result.reused else ""))
    print(f"  [{result.target}] records after the full run: {len(result.records)} files, digest "
          f"{digest(result.records)}; after the steps: digest {digest(result.final_records)}")
    full = result.rows[0][1]
    base = full.wall if full else float("nan")
    for name, s in result.rows:
        if s is None:
            continue
        cpu = f"cpu {s.cpu:7.2f} s" + (f" + server {s.server_cpu:6.2f} s" if result.target == "s3" else "")
        print(f"  {result.target:<5} {name:<23} wall {s.wall:7.2f} s ({100 * s.wall / base:5.1f}%)  {cpu}  "
              f"peak {s.tree_mb:6.0f} MB tree RSS, {s.tree_pss_mb:5.0f} MB PSS, {s.rss_mb:5.0f} MB largest  "
              f"wrote {s.written / 1e6:8.2f} MB ({100 * s.written / result.output:5.1f}% of output)  "
              f"read {s.read / 1e6:8.1f} MB")
        if s.requests:
            asked = ", ".join(f"{k} {s.calls(k)}" for k in ("list", "get", "head", "put", "lease", "delete", "post")
                              if s.calls(k))
            print(f"  {'':<5} {'':<23} asked the store: {asked}; downloaded {s.downloaded / 1e6:.2f} MB")
    print(f"  [{result.target}] what an addition wrote: "
          + ", ".join(f"{k} {v / 1e6:.3f} MB" for k, v in result.added.where.most_common()))
    if full is None:
        return
    unchanged, added = result.rows[1][1], result.added
    scale = 10_000_000 / result.articles
    rerun = startup.wall + (unchanged.wall - startup.wall) * scale  # its work is per input: stat, plan
    adding = rerun + (added.wall - unchanged.wall) * scale  # and what it adds grows with the archive
    rerun_cpu = startup.cpu + (unchanged.cpu - startup.cpu) * scale  # the same, in CPU (a loaded machine's
    adding_cpu = rerun_cpu + (added.cpu - unchanged.cpu) * scale  # wall times are its load's)
    print(f"  [{result.target}] 10M prediction (each step's work past start-up linear in the archive): full run "
          f"{full.wall * scale / 3600:.0f} h (CPU {full.cpu * scale / 3600:.0f} h), output "
          f"{result.output * scale / 1e9:.0f} GB; no-change rerun {rerun / 60:.1f} min (CPU {rerun_cpu / 60:.1f} min); "
          f"adding 0.1% (10,000) {adding / 60:.1f} min (CPU {adding_cpu / 60:.1f} min), writing "
          f"{added.written * scale / 1e9:.2f} GB ({100 * added.written / result.output:.2f}% of the output)"
          + (f"; a fresh working folder downloads {result.rows[4][1].downloaded * scale / 1e9:.0f} GB"
             if result.target == "s3" else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stores", default="local", help="where the archive and output are: local, s3, or local,s3")
    ap.add_argument("--endpoint", default=None, help="the S3 server to use (python bench/s3_server.py PORT, left "
                    "running: with --work, a later call reuses its bucket); default: one started and stopped here")
    ap.add_argument("--no-compact", action="store_true", help="leave out the compaction step")
    ap.add_argument("--repo", default=str(ROOT), help="the code tree to run (default: this one)")
    ap.add_argument("--python", default=sys.executable, help="its Python (default: this one)")
    ap.add_argument("--tmp", default=None, help="where to build the archive (default: the system's temp folder)")
    ap.add_argument("--work", default=None, help="build the archive in this folder and keep it; "
                    "when it holds one already, reuse it (no copies, no full run)")
    args = ap.parse_args()
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not stores or set(stores) - {"local", "s3"}:
        ap.error(f"--stores: local, s3 or both, not {args.stores!r}")
    files = sources()
    results = []
    with work_folder(args) as tmp, (s3_server.serve(args.endpoint) if "s3" in stores
                                    else contextlib.nullcontext(None)) as endpoint:
        for store in stores:
            target = Local(args, Path(tmp)) if store == "local" else S3(args, Path(tmp), endpoint)
            results.append(steps(args, target, files))
        startup = best([measure(args, ["--version"], Path(tmp) / "out") for _ in range(args.repeat)])
    print(f"scale: {args.workers} workers, code {args.repo}; {platform.node()}, {os.cpu_count()} CPUs, load "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end, Python {platform.python_version()}")
    for result in results:
        report(args, result, startup)
    if len(results) == 2:
        for when, a, b in (("after the full run", results[0].records, results[1].records),
                           ("after the steps", results[0].final_records, results[1].final_records)):
            differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            print(f"  records {when}, local against s3: "
                  + ("byte-identical" if not differ else f"{len(differ)} files differ: {', '.join(differ[:5])}")
                  + f" ({len(a)} files)")
    print(f"  process start-up (--version) wall {startup.wall:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
