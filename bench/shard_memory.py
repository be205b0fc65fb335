"""A cleaning worker's memory as its shard grows (issue 17: peak memory flat in archive size).

    python bench/shard_memory.py --articles 1250 12500 --work DIR [--repo TREE] [--trace N]

For each size, the dev texts (``../shared/bench/*/text``, or NEWSCLEAN_SHARED) are copied
under distinct names into ``WORK/raw-N`` (as bench/scale.py does; kept for the next time),
planned into one shard (a config with ``shards = 1``: with the default 8 shards, 1,250 and
12,500 articles are one shard of a 10k and of a 100k archive) and that shard is cleaned in a
fresh process, as a Luigi worker does (``CleanShard.run``), with ``--repo``'s code. It prints
the worker's peak RSS (VmHWM) and its RSS after every tenth of the shard, CPU seconds per
article, and the digest of the output's corpus and change-log records (all parts of the
shard concatenated in segment order: the same records as another tree's output when equal).
``--trace N``: also tracemalloc's top N allocation sites (by line) still held at the end of
the shard against those at its first tenth (tracing slows cleaning about 2x and adds memory;
the RSS figures of a traced run are not comparable).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PRELUDE = r"""
import sys
# the code of --repo (on PYTHONPATH), not an editable install's nor the current folder's
sys.path = [p for p in sys.path if p not in ("", ".")]
sys.meta_path = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "").lower()
                 and "editable" not in getattr(f, "__name__", "").lower()]
"""

CHILD = PRELUDE + r"""
import hashlib, json, resource, sys, time, tracemalloc
args = json.loads(sys.argv[1])
trace = args["trace"]
if trace:
    tracemalloc.start(1)
from pathlib import Path
try:
    from newsclean.tasks.run.clean_shard import CleanShard
except ModuleNotFoundError:  # a --repo tree from before the task modules were named by job
    from newsclean.tasks.run.shards import CleanShard

def status():
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

task = CleanShard(raw=args["raw"], out=args["out"], config=args["config"], shard=0, digest=args["digest"])
task.set_status_message = lambda *a: None
task.set_progress_percentage = lambda *a: None
total = args["articles"]
marks = {max(1, total * k // 10) for k in range(1, 11)}
samples, first = [], [None]
report = task.report
def sampled(done, n):
    if done in marks:
        samples.append((done, *status()))
        if trace and first[0] is None:
            first[0] = tracemalloc.take_snapshot()
    report(done, n)
task.report = sampled
start_rss = status()
cpu0 = cpu()
task.run()
spent = cpu() - cpu0
end = status()
import newsclean.pipeline
result = {"code": newsclean.pipeline.__file__, "start_rss": start_rss[0], "hwm": end[1], "end_rss": end[0], "cpu": spent, "samples": samples}
if trace:
    last = tracemalloc.take_snapshot()
    stats = last.compare_to(first[0], "lineno")
    result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    result["top"] = [(str(s.traceback[0]), s.size_diff, s.count_diff) for s in stats[:trace]]
print("RESULT " + json.dumps(result))
"""

PLAN = PRELUDE + r"""
import json, sys
from newsclean.tasks.batch import plan_batch
task = plan_batch(sys.argv[1], sys.argv[2], sys.argv[3])
print("DIGEST " + task.digests[0])
"""


def segment_order(part: Path) -> tuple[int, ...]:
    """(shard, segment) of a part file (``part-SSSSS.jsonl`` is segment 0, ``part-SSSSS-NNNNNN.jsonl`` N)."""
    fields = part.name[5:-6].split("-")
    return int(fields[0]), int(fields[1]) if len(fields) > 1 else 0


def records_digest(out: Path) -> tuple[str, int]:
    """sha256 over every corpus and change-log record of the output, parts in name order
    (shard, then segment: records in id order within a segment), the code digest of each
    record's stamp left out (bench/same_output.py's ``blank``: a code change changes it)."""
    from same_output import blank

    h, n = hashlib.sha256(), 0
    for folder in ("corpus", "changelog"):
        h.update(f"\0{folder}\0".encode())
        for part in sorted((out / folder).glob("part-*.jsonl"), key=segment_order):
            for line in part.read_bytes().splitlines():
                n += 1
                h.update(blank(line, keep_rules_digest=True) + b"\n")
    return h.hexdigest()[:16], n


def main() -> int:
    import scale

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, nargs="+", default=[1250, 12500])
    ap.add_argument("--work", required=True)
    ap.add_argument("--repo", default=str(HERE.parent), help="the tree whose code cleans (default: this one)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--trace", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the output folder (WORK/out-N-TAG)")
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    config = work / "one-shard.toml"
    config.write_text("shards = 1\n")
    env = dict(os.environ, PYTHONPATH=str(Path(args.repo).resolve()))
    files = scale.sources()
    load = os.getloadavg()
    print(f"shard_memory: {args.repo} at {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, "
          f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for n in args.articles:
        raw = work / f"raw-{n}"
        if not raw.is_dir() or len(list(raw.iterdir())) != n:
            scale.fill(raw, files, 0, n)
            time.sleep(2.1)  # the stat cache trusts files unchanged for 2 s
        out = work / f"out-{n}-{args.tag}" if args.keep else Path(tempfile.mkdtemp(prefix="shard-memory-", dir=work))
        if out.exists() and args.keep:
            subprocess.run(["rm", "-rf", str(out)], check=True)
        planned = subprocess.run([args.python, "-c", PLAN, str(raw), str(out), str(config)], env=env,
                                 capture_output=True, text=True, check=True)
        digest = next(line.split()[1] for line in planned.stdout.splitlines() if line.startswith("DIGEST "))
        child = json.dumps({"raw": str(raw), "out": str(out), "config": str(config), "digest": digest,
                            "articles": n, "trace": args.trace})
        done = subprocess.run([args.python, "-c", CHILD, child], env=env, capture_output=True, text=True)
        if done.returncode:
            print(done.stderr[-3000:])
            return 1
        r = json.loads(next(line[7:] for line in done.stdout.splitlines() if line.startswith("RESULT ")))
        rec, count = records_digest(out)
        print(f"  code: {r['code']}")
        print(f"  {n:6d} articles: peak (VmHWM) {r['hwm']:.1f} MB, start {r['start_rss']:.1f}, end {r['end_rss']:.1f};"
              f" CPU {r['cpu']:.1f} s ({1000 * r['cpu'] / n:.1f} ms/article); records {rec} ({count} lines,"
              f" {len(list((out / 'corpus').glob('part-*.jsonl')))} corpus parts)")
        print("     RSS by articles done: " + ", ".join(f"{d}: {rss:.1f}" for d, rss, _ in r["samples"]))
        if args.trace:
            print(f"     traced peak {r['traced_peak_mb']:.1f} MB; grown since the first tenth:")
            for where, size, count in r["top"]:
                print(f"       {size / 1e6:+8.2f} MB {count:+8d} objects  {where}")
        if not args.keep:
            subprocess.run(["rm", "-rf", str(out)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
