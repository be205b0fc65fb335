"""The text path's CPU per article against a release (v0.1.0 by default), side by side in one run.

    python bench/versus_release.py [RAW] [--ref bcceb77] [--rounds 3] [--repeat 3] [--processes]

Issue 15's goal: the text path no slower per article than v0.1.0. The reference is a commit
of this repository (``--ref``, default ``bcceb77``, the v0.1.0 release) exported with
``git archive`` into a temporary folder, or a checkout given with ``--ref-tree``. RAW
defaults to the dev texts (aeb and wcxb-dev text scrapes and the seeds, one copy; says so
and skips when ``../shared`` is absent).

Each round runs one worker process per tree, the two in alternating order (the reference
first in odd rounds), both with that round's ``PYTHONHASHSEED``. A worker imports its own
tree's pipeline (the reference's top-level ``pipeline`` package, or this checkout's
``newsclean.pipeline``), loads every input first as a run does (``io.list_inputs``,
``io.RecordReader``), loads the context and settles the garbage collector (``gc.freeze``,
as ``newsclean run``'s worker does; both trees alike), then cleans every input and makes its
two JSON lines (``clean_record``, ``record_lines``) ``--repeat`` times over the whole set,
timing each article in CPU seconds (``time.process_time``). An article's time is its best of
those passes; a tree's figure in a round is the sum of its articles' best, per article.
Prints each round's figures and ratio, their median and spread, and the ratio of the
per-article bests over all rounds; checks that every pass of a tree wrote the same lines.
``--processes`` also times each tree's ``bench/bare.py`` as a whole process (start-up,
imports, I/O, shards written), alternating, best of ``--rounds``.

The machine's other load inflates both trees' figures; alternating in one run is what makes
the ratio mean something on a shared machine. Say the load (printed) with the figures.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dataset
import measure

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RELEASE = "bcceb77"  # v0.1.0 (pyproject version 0.1.0; fc2727c^ in older notes)

# where the worker finds what it calls, by the tree's layout: "package" (newsclean.pipeline,
# since the packaging of issue 12) or "flat" (top-level pipeline/ and tasks/, as in v0.1.0)
LOCATIONS = {
    "package": {"io": "newsclean.pipeline.io", "clean_record": "newsclean.pipeline.clean",
                "Context": "newsclean.pipeline.stages.context", "record_lines": "newsclean.pipeline.output.shards"},
    "flat": {"io": "pipeline.io", "clean_record": "pipeline.clean", "Context": "pipeline.context",
             "record_lines": "pipeline.shard"},
}


def layout(tree: Path | None) -> str:
    return "package" if tree is None or (tree / "newsclean").is_dir() else "flat"


def resolve(kind: str, name: str):
    module = importlib.import_module(LOCATIONS[kind][name])
    return module if name == "io" else getattr(module, name)


def worker(raw: Path, repeat: int, kind: str) -> dict:
    """Run in the tree's own process: per-article best CPU seconds over ``repeat`` passes."""
    import gc
    io, clean_record, Context, record_lines = (resolve(kind, n) for n in ("io", "clean_record", "Context", "record_lines"))
    config = io.load_config(None)
    listed = [(entry[0], entry[1]) for entry in io.list_inputs(raw, config.max_input_bytes)]
    reader = io.RecordReader(raw, config.max_input_bytes, listed)
    inputs = [(rel, reader(aid, rel)) for aid, rel in listed]
    ctx = Context(config, io.load_rules())
    gc.collect()
    gc.freeze()
    best = [float("inf")] * len(inputs)
    digests = set()
    clock = time.process_time
    for _ in range(repeat):
        digest = hashlib.sha256()
        for n, (rel, record) in enumerate(inputs):
            start = clock()
            lines = record_lines(clean_record(record, path=rel, ctx=ctx), ctx)
            spent = clock() - start
            if spent < best[n]:
                best[n] = spent
            digest.update(repr(lines[:2]).encode("utf-8", "surrogatepass"))
        digests.add(digest.hexdigest())
    return {"best": best, "passes_agree": len(digests) == 1, "pipeline": str(Path(io.__file__).parent)}


def tree_env(tree: Path | None, seed: int) -> dict[str, str]:
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    env.pop("PYTHONPATH", None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)  # the tree's packages before the installed checkout's
    return env


def run_worker(tree: Path | None, raw: Path, repeat: int, seed: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(raw), "--repeat", str(repeat),
           "--layout", layout(tree)]
    done = subprocess.run(cmd, env=tree_env(tree, seed), cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"versus_release: worker for {tree or 'this checkout'} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    expected = (tree or ROOT).resolve()
    if not Path(result["pipeline"]).resolve().is_relative_to(expected):
        raise SystemExit(f"versus_release: the worker for {expected} imported {result['pipeline']}")
    return result


def export(ref: str, dest: Path) -> Path:
    """The commit ``ref`` of this repository as plain files in ``dest``."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def ms(seconds: float, count: int) -> float:
    return 1000 * seconds / count


def rounds_table(trees: dict[str, Path | None], raw: Path, rounds: int, repeat: int) -> dict[str, list[list[float]]]:
    """Each tree's per-article bests of each round, the trees alternating."""
    got: dict[str, list[list[float]]] = {name: [] for name in trees}
    names = list(trees)
    print(f"  {'round':5s} {'order':18s} " + " ".join(f"{n + ' ms/art':>16s}" for n in names) + f" {'ratio':>7s}  load")
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            result = run_worker(trees[name], raw, repeat, seed=r + 1)
            if not result["passes_agree"]:
                raise SystemExit(f"versus_release: {name}'s passes wrote different lines (not deterministic)")
            got[name].append(result["best"])
        count = len(got[names[0]][-1])
        figures = [ms(sum(got[n][-1]), count) for n in names]
        print(f"  {r + 1:<5d} {' then '.join(order):18s} " + " ".join(f"{f:16.2f}" for f in figures)
              + f" {figures[1] / figures[0]:7.3f}  {measure.load_average()}", flush=True)
    return got


def summary(got: dict[str, list[list[float]]]) -> float:
    """Prints the median and spread of the rounds' ratios, and the ratio of the per-article
    bests over every round; returns the median."""
    ref, new = got
    ratios = [sum(b) / sum(a) for a, b in zip(got[ref], got[new])]
    count = len(got[ref][0])
    overall = {name: [min(column) for column in zip(*runs)] for name, runs in got.items()}
    median = statistics.median(ratios)
    print(f"  {new} / {ref}, CPU per article: median {median:.3f} over {len(ratios)} rounds "
          f"(from {min(ratios):.3f} to {max(ratios):.3f})")
    print(f"  each article's best over every round: {ref} {ms(sum(overall[ref]), count):.2f} ms, "
          f"{new} {ms(sum(overall[new]), count):.2f} ms, ratio {sum(overall[new]) / sum(overall[ref]):.3f}")
    verdict = "met" if median <= 1.0 else "NOT met"
    print(f"  goal (issue 15): no slower per article than {ref}: {verdict} on the median")
    return median


def processes_table(trees: dict[str, Path | None], raw: Path, rounds: int, work: Path) -> None:
    """Each tree's bench/bare.py as one process, alternating, best of ``rounds``."""
    best: dict[str, float] = {}
    for r in range(rounds):
        for name in (list(trees) if r % 2 == 0 else list(trees)[::-1]):
            tree = trees[name] or ROOT
            out = work / f"bare-{name}-{r}"
            cmd = [sys.executable, str(tree / "bench" / "bare.py"), str(raw), str(out)]
            m = measure.run(cmd, env=tree_env(trees[name], seed=r + 1))
            best[name] = min(best.get(name, float("inf")), m.cpu)
    ref, new = trees
    print(f"  whole bench/bare.py processes, CPU s, best of {rounds}: {ref} {best[ref]:.2f}, {new} {best[new]:.2f}, "
          f"ratio {best[new] / best[ref]:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", nargs="?", help="a folder of inputs (default: the dev texts, one copy)")
    ap.add_argument("--ref", default=RELEASE, help=f"commit to compare with (default {RELEASE}, v0.1.0)")
    ap.add_argument("--ref-tree", help="a checkout of the reference instead of --ref")
    ap.add_argument("--tree", help="a checkout to measure instead of this one (a snapshot: edits made during the "
                                   "run would reach this checkout's later workers)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="passes over the set in each worker (best per article)")
    ap.add_argument("--processes", action="store_true", help="also time whole bench/bare.py processes")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--layout", default="package", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(Path(args.worker), args.repeat, args.layout)))
        return 0
    if args.raw is None and dataset.missing_sources():
        print(f"versus_release: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    with tempfile.TemporaryDirectory(prefix="newsclean-versus-") as tmp:
        work = Path(tmp)
        raw = Path(args.raw) if args.raw else work / "raw"
        if args.raw is None:
            dataset.make_raw(raw, copies=1)
        ref_tree = Path(args.ref_tree) if args.ref_tree else export(args.ref, work / "ref")
        ref_name = args.ref if not args.ref_tree else Path(args.ref_tree).name
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip() or "this checkout"
        new_name = Path(args.tree).name if args.tree else f"{head}+worktree"
        trees: dict[str, Path | None] = {ref_name: ref_tree, new_name: Path(args.tree) if args.tree else None}
        articles = sum(1 for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".meta.json"))
        print(f"versus_release: {articles:,} inputs, {ref_name} against {new_name}, CPU in one "
              f"process per tree and round, best of {args.repeat} passes per article, python "
              f"{sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"load average {measure.load_average()}", flush=True)
        got = rounds_table(trees, raw, args.rounds, args.repeat)
        summary(got)
        if args.processes:
            processes_table(trees, raw, args.rounds, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
