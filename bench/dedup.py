#!/usr/bin/env python3
"""Near-duplicate benchmark: the pairs the Dedup step links on the dev sets, against the pairs
whose ground-truth bodies overlap, and its cost against the cleaning's.

    python bench/dedup.py [SET ...] [--bench DIR] [--work DIR] [--repeat N]
    python bench/dedup.py SET --scale 10000 100000    # after a run: memory and time against index size

For each set (default: aeb, wcxb-dev, dragnet-train, daniel-dev under ../shared/bench):

1. ``newsclean run`` (Luigi, one worker) cleans ``text/*.txt`` with ``dedup = false``: the
   cleaning time (best of ``--repeat`` runs, each in a fresh output folder).
2. The Dedup step alone (``newsclean.tasks.run.link_duplicates.relink``) on that output with the default switches,
   from an empty index: the linking time (best of 3 at least), parts rewritten included.
3. Truth: two pages are a true pair when their ground-truth bodies (``truth.jsonl``) share at
   least half of the smaller one's word 5-grams (containment >= 0.5, the 5-grams and their
   normalisation those of pipeline/output/dedup.py). Found pairs are the verified edges of the index
   (pairs over a threshold; a linked record's pair with its canonical is one of them).
   Incremental: an index of 90% of the cleaned records, then the time to add the last 10%.
   Precision: found pairs that are true pairs; recall: true pairs found. Also the pairs linked
   (record, canonical) and their precision.

Prints one row per set, the false positives and missed pairs (with the truth's and the cleaned
texts' containment), the index's size per record and the cost extrapolated to 100k articles.
The machine may be shared: times are best-of-N.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsclean.pipeline.output import dedup  # noqa: E402
from newsclean.pipeline.output.dedup import measures, shingles  # noqa: E402
from newsclean.tasks.folder import paths  # noqa: E402
from newsclean.tasks.batch import plan_batch, run_batch  # noqa: E402
from newsclean.tasks.run.task_base import load_context  # noqa: E402
from newsclean.tasks.run.link_duplicates import relink  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench"
DEFAULT_SETS = ("aeb", "wcxb-dev", "dragnet-train", "daniel-dev")
TRUTH_CONTAINMENT = 0.5


def truth_pairs(truth: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """Pairs of pages whose truth bodies' 5-gram containment is >= TRUTH_CONTAINMENT:
    (a, b) with a < b -> (Jaccard, containment). An inverted index finds the pairs that share any."""
    sets = {}
    for line in truth.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        sets[row["id"]] = shingles(row.get("text") or "")
    postings: dict[int, list[str]] = {}
    for pid, s in sets.items():
        for h in s:
            postings.setdefault(h, []).append(pid)
    shared: dict[tuple[str, str], int] = {}
    for ids in postings.values():
        if len(ids) > 50:  # a 5-gram on more than 50 pages is boilerplate of the truth itself; pairs still meet elsewhere
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                key = (a, b) if a < b else (b, a)
                shared[key] = shared.get(key, 0) + 1
    found = {}
    for (a, b) in shared:
        sim, con = measures(sets[a], sets[b])
        if con >= TRUTH_CONTAINMENT:
            found[(a, b)] = (sim, con)
    return found


def index_edges(out: Path) -> dict[tuple[str, str], tuple[float, float]]:
    db = sqlite3.connect(str(paths.dedup_index(out)))
    rows = db.execute("SELECT da.id, db.id, e.sim, e.con FROM edges e JOIN docs da ON da.rid = e.a "
                      "JOIN docs db ON db.rid = e.b WHERE da.id < db.id").fetchall()
    db.close()
    return {(a, b): (s, c) for a, b, s, c in rows}


def linked_pairs(out: Path) -> set[tuple[str, str]]:
    rows = [json.loads(line) for line in paths.duplicates(out).read_text(encoding="utf-8").split("\n") if line.strip()]
    return {tuple(sorted((r["id"], r["duplicate_of"]))) for r in rows}


def write_config(work: Path, text: str) -> str:
    path = work / f"config-{hashlib.sha256(text.encode()).hexdigest()[:8]}.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def clean(raw: Path, out: Path, config: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    ok, _ = run_batch(str(raw), str(out), config)
    elapsed = time.perf_counter() - start
    assert ok, f"the run over {raw} failed"
    return elapsed


def link_alone(out: Path, raw: Path, config: str) -> tuple[float, dict]:
    """The Dedup step on a cleaned output, from an empty index."""
    shutil.rmtree(paths.dedup_index(out).parent, ignore_errors=True)
    paths.duplicates(out).unlink(missing_ok=True)
    task = plan_batch(str(raw), str(out), config)
    ctx = load_context(config, str(out))
    start = time.perf_counter()
    summary = relink(out, task.shard_tasks(), ctx)
    return time.perf_counter() - start, summary


def corpus_records(out: Path) -> list[dict]:
    return [json.loads(line) for p in sorted((out / "corpus").glob("part-*.jsonl"))
            for line in p.read_text(encoding="utf-8").split("\n") if line.strip()]


def incremental(out: Path, work: Path) -> tuple[float, int]:
    """An index (on disk) of 90% of the cleaned records, then the time to add the last 10%
    (library calls: shingles, candidates, verification, relinking; no part rewritten)."""
    from newsclean.pipeline import io
    from newsclean.pipeline.output.dedup import Params, make_doc, update

    records = corpus_records(out)
    tail = records[::10]
    head = [r for i, r in enumerate(records) if i % 10]
    path = work / "incremental.sqlite"
    path.unlink(missing_ok=True)
    store = io.DedupStore(path)
    with store.transaction():
        update(store, [make_doc(r, 0, Params()) for r in head], [], Params())
    start = time.perf_counter()
    with store.transaction():
        update(store, [make_doc(r, 0, Params()) for r in tail], [], Params())
    elapsed = time.perf_counter() - start
    store.close()
    path.unlink()
    return elapsed, len(tail)


def evaluate(name: str, bench: Path, work: Path, repeat: int) -> dict:
    raw, truth = bench / name / "text", bench / name / "truth.jsonl"
    out = work / name
    off = write_config(work, "dedup = false\n")
    on = write_config(work, "")
    t_clean = min(clean(raw, out, off) for _ in range(repeat))
    runs = [link_alone(out, raw, on) for _ in range(max(repeat, 3))]  # cheap: best of 3 at least
    t_link = min(t for t, _ in runs)
    summary = runs[-1][1]
    t_inc, added = incremental(out, work)
    edges = index_edges(out)
    linked = linked_pairs(out)
    true = truth_pairs(truth)
    n = summary["indexed"]
    size = paths.dedup_index(out).stat().st_size
    tp = sum(1 for p in edges if p in true)
    row = {"set": name, "articles": n, "truth_pairs": len(true), "found": len(edges), "true_found": tp,
           "precision": tp / len(edges) if edges else 1.0, "recall": tp / len(true) if true else 1.0,
           "linked": len(linked), "linked_precision": (sum(1 for p in linked if p in true) / len(linked)) if linked else 1.0,
           "clean_s": t_clean, "link_s": t_link, "share": t_link / t_clean, "incremental_s": t_inc, "added": added,
           "index_bytes": size, "bytes_per_record": size / max(n, 1)}
    corpus = {r["id"]: r["text"] for r in corpus_records(out)}
    fps = [(a, b, edges[(a, b)]) for (a, b) in sorted(edges) if (a, b) not in true]
    missed = []
    for (a, b), (sim, con) in sorted(true.items()):
        if (a, b) in edges:
            continue
        got = measures(shingles(corpus.get(a, "")), shingles(corpus.get(b, "")))
        missed.append((a, b, (round(sim, 3), round(con, 3)), tuple(round(x, 3) for x in got),
                       min(len(shingles(corpus.get(a, ""))), len(shingles(corpus.get(b, ""))))))
    row["false_positives"], row["missed"] = fps, missed
    return row


def scale(records: int, new: list[dict], work: Path) -> None:
    """An index of ``records`` filler records (random 5-gram hashes, 600 each, and random band
    keys: on disk as real ones, never candidates) and the cost of adding ``new`` real records
    to it: time, peak Python memory (tracemalloc) and the index's size per record."""
    import random
    import tracemalloc

    from newsclean.pipeline import io
    from newsclean.pipeline.output.dedup import BANDS, Doc, Params, make_doc, update

    path = work / f"scale-{records}.sqlite"
    path.unlink(missing_ok=True)
    store = io.DedupStore(path)
    rng = random.Random(records)
    with store.transaction():
        for i in range(records):
            store.add(Doc(f"filler-{i:08d}", i % 8, None, 4000, f"{i:016x}",
                          frozenset(rng.getrandbits(32) for _ in range(600)),
                          tuple(rng.getrandbits(63) for _ in range(BANDS))))
    store.close()
    size = path.stat().st_size

    def add(index_path: Path) -> tuple[float, int]:
        index = io.DedupStore(index_path)
        start = time.perf_counter()
        with index.transaction():
            result = update(index, [make_doc(r, 0, Params()) for r in new], [], Params())
        index.close()
        return time.perf_counter() - start, result.compared

    copy = path.with_suffix(".copy")
    shutil.copy(path, copy)
    tracemalloc.start()
    add(copy)  # memory, on a copy (tracemalloc slows Python down)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    copy.unlink()
    elapsed, compared = add(path)
    print(f"index of {records} records: {size / records:.0f} B/record ({size / records * 1e6 / 2**30:.2f} GB per million); "
          f"adding {len(new)} articles: {elapsed:.2f} s ({1000 * elapsed / len(new):.2f} ms each, "
          f"{compared} pairs verified), peak Python memory {peak / 2**20:.1f} MB")
    path.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", default=list(DEFAULT_SETS))
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsclean-bench-dedup"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--scale", type=int, nargs="*", default=[],
                    help="also: index sizes (records) to add the first set's articles to")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.scale:
        first = args.work / args.sets[0]
        new = corpus_records(first)
        for n in args.scale:
            scale(n, new, args.work)
        return 0
    rows = [evaluate(name, args.bench, args.work, args.repeat) for name in args.sets]
    print(f"truth: pairs whose ground-truth bodies' word {dedup.SHINGLE_WORDS}-gram containment >= {TRUTH_CONTAINMENT}; "
          f"found: the index's verified edges (Jaccard >= {dedup.Params().jaccard} or containment >= "
          f"{dedup.Params().containment}, both >= {dedup.Params().min_shingles} 5-grams)\n")
    print("| set | articles | truth pairs | found | true found | precision | recall | linked | linked P "
          "| clean s | link s | link/clean | +10% s (added) | index B/record |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['set']} | {r['articles']} | {r['truth_pairs']} | {r['found']} | {r['true_found']} "
              f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['linked']} | {r['linked_precision']:.3f} "
              f"| {r['clean_s']:.1f} | {r['link_s']:.2f} | {100 * r['share']:.1f}% | {r['incremental_s']:.2f} ({r['added']}) "
              f"| {r['bytes_per_record']:.0f} |")
    total_clean = sum(r["clean_s"] for r in rows)
    total_link = sum(r["link_s"] for r in rows)
    articles = sum(r["articles"] for r in rows)
    per = total_link / max(articles, 1)
    bpr = sum(r["index_bytes"] for r in rows) / max(articles, 1)
    print(f"\nall sets: {articles} articles, linking {total_link:.2f} s = {100 * total_link / total_clean:.1f}% of "
          f"cleaning {total_clean:.1f} s; {1000 * per:.2f} ms per article")
    print(f"100k articles: about {per * 1e5 / 60:.1f} min of linking (candidates per new article grow with the "
          f"index only for pages that share 5-grams), index about {bpr * 1e5 / 2**20:.0f} MB "
          f"({bpr * 1e6 / 2**30:.2f} GB per million records)")
    for r in rows:
        for a, b, (sim, con) in r["false_positives"]:
            print(f"  {r['set']}: found, not a true pair: {a} ~ {b} (cleaned: J {sim:.3f}, C {con:.3f})")
        for a, b, t, got, smaller in r["missed"]:
            print(f"  {r['set']}: missed: {a} ~ {b} (truth J, C {t}; cleaned J, C {got}; smaller has {smaller} 5-grams)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
