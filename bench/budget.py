"""Where the CPU of cleaning goes, against ``ftfy.fix_text`` alone over the same texts: the
budget that issue 6's goal sets, and what each part of the pipeline spends of it.

    python bench/budget.py [RAW] [--rounds N]

RAW defaults to the dev texts (aeb and wcxb-dev text scrapes and the seeds, one copy, in a
temporary folder; says so and skips when ``../shared`` is absent). In one process, with no
start-up and no file I/O inside the timings: every input is loaded first, as a run loads it
(``io.list_inputs`` and ``io.RecordReader``, sidecars included), then CPU time
(``time.process_time``) is taken over all of them for

- ``ftfy.fix_text`` alone on each decoded text (the reference of issue 6),
- newsclean's cleaning (``clean_record`` and the JSON records, default config), with its
  parts timed apart: segmenting into blocks, each stage, and inside the boilerplate stage
  the rule patterns, the page layout, the block classifier (its feature vectors, the page
  language, the two logistic passes) and the rest,
- the same cleaning with the block classifier off (``classify_blocks = false``).

Each figure is the best of ``--rounds`` rounds (default 2). The goal "``newsclean run`` 3x
faster than ftfy alone" leaves, with two workers that scale perfectly and nothing spent on
start-up or I/O, a cleaning CPU of at most 2/3 of ftfy's: the last lines compare each
variant with that bound.
"""
from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import ftfy

import dataset
from newsclean.pipeline import clean, io
from newsclean.pipeline.classify.blocks import BlockModel
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.ingest.decode import decode_bytes
from newsclean.pipeline.ingest.inputs import Record
from newsclean.pipeline.output.shards import record_lines
from newsclean.pipeline.stages import boilerplate

GOAL = 3.0  # issue 6: newsclean run at least this much faster than ftfy alone
WORKERS = 2  # the machine's cores
WARM_UP = 50  # inputs cleaned once, untimed, before the rounds


class Timer:
    """CPU seconds spent inside wrapped functions, by label (calls are per page or per
    stage, never per block, so the wrapping costs nothing to speak of)."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()

    def wrap(self, label: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[label] += time.process_time() - start
        return timed


@contextmanager
def instrumented(timer: Timer):
    """Wrap the parts of the pipeline that the report names, and unwrap them on leaving."""
    stages = dict(clean.STAGES)
    saved = [(clean, "text_article"), (BlockModel, "probabilities")] + \
        [(boilerplate, name) for name, _ in BOILERPLATE_PARTS]
    originals = [(owner, name, getattr(owner, name)) for owner, name in saved]
    clean.STAGES.update({name: timer.wrap(f"stage {name}", fn) for name, fn in stages.items()})
    clean.text_article = timer.wrap("segment into blocks", clean.text_article)
    for name, label in BOILERPLATE_PARTS:
        setattr(boilerplate, name, timer.wrap(label, getattr(boilerplate, name)))
    BlockModel.probabilities = timer.wrap("classifier: logistic passes", BlockModel.probabilities)
    try:
        yield timer
    finally:
        clean.STAGES.update(stages)
        for owner, name, fn in originals:
            setattr(owner, name, fn)


# functions the boilerplate stage calls by their module-level names, and their labels
BOILERPLATE_PARTS = (("rule_hits", "boilerplate: rule patterns"), ("find_layout", "boilerplate: page layout"),
                     ("block_vectors", "classifier: feature vectors"), ("page_language", "classifier: page language"),
                     ("classify", "classifier (all)"))


def ftfy_alone(texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        ftfy.fix_text(text)
    return time.process_time() - start


def load(raw: Path) -> list[tuple[str, Record]]:
    """Every input of ``raw`` as a run lists and loads it, sidecar metadata included:
    (its path in raw, its record)."""
    limit = io.load_config(None).max_input_bytes
    listed = [(aid, rel) for aid, rel, _, _ in io.list_inputs(raw, limit)]
    reader = io.RecordReader(raw, limit, listed)
    return [(rel, reader(aid, rel)) for aid, rel in listed]


def cleaning(inputs: list[tuple[str, Record]], ctx: Context) -> float:
    """CPU seconds to clean every input and make its two JSON lines, as a run does."""
    start = time.process_time()
    for rel, record in inputs:
        record_lines(clean.clean_record(record, path=rel, ctx=ctx), ctx)
    return time.process_time() - start


def measure(inputs: list[tuple[str, Record]], rounds: int) -> tuple[dict[str, float], Counter[str]]:
    """The best CPU seconds of each variant over ``rounds`` rounds, and the parts of the
    best full cleaning (by ``Timer`` label)."""
    texts = [decode_bytes(record.data)[0] for _, record in inputs]
    config = io.load_config(None)
    full, bare = Context(config, io.load_rules()), Context(replace(config, classify_blocks=False), io.load_rules())
    best: dict[str, float] = {}
    parts: Counter[str] = Counter()
    for ctx in (full, bare):  # warm-up, untimed: the rule groups plan as they meet blocks
        cleaning(inputs[:WARM_UP], ctx)
    for _ in range(rounds):
        for label, run in (("ftfy.fix_text alone", lambda: ftfy_alone(texts)),
                           ("cleaning, classifier off", lambda: cleaning(inputs, bare))):
            best[label] = min(best.get(label, float("inf")), run())
    with instrumented(Timer()) as timer:  # the parts are timed on the full runs only
        for _ in range(rounds):
            timer.spent.clear()
            spent = cleaning(inputs, full)
            if spent < best.get("cleaning (newsclean)", float("inf")):
                best["cleaning (newsclean)"], parts = spent, Counter(timer.spent)
    return best, parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", nargs="?", help="a folder of .txt inputs (default: the dev texts, one copy)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    if args.raw is None and dataset.missing_sources():
        print(f"budget: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    with tempfile.TemporaryDirectory(prefix="newsclean-budget-") as work:
        raw = Path(args.raw) if args.raw else Path(work)
        if args.raw is None:
            dataset.make_raw(raw, copies=1)
        inputs = load(raw)
    size = sum(len(record.data) for _, record in inputs) / 1e6
    print(f"budget: {len(inputs):,} articles, {size:.1f} MB, CPU seconds in one process (best of {args.rounds}), "
          f"python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    best, parts = measure(inputs, args.rounds)
    ftfy_cpu, total = best["ftfy.fix_text alone"], best["cleaning (newsclean)"]
    print(f"  {'':44s} {'cpu s':>7s} {'ms/art':>7s} {'x ftfy':>7s} {'share':>6s}")

    def line(label: str, cpu: float, indent: int = 0) -> None:
        print(f"  {' ' * indent}{label:{44 - indent}s} {cpu:7.2f} {1000 * cpu / len(inputs):7.2f} "
              f"{cpu / ftfy_cpu:7.2f} {100 * cpu / total:5.1f}%")

    line("ftfy.fix_text alone", ftfy_cpu)
    line("cleaning (newsclean)", total)
    measured = parts["segment into blocks"] + sum(parts[f"stage {name}"] for name in clean.STAGES)
    line("segment into blocks", parts["segment into blocks"], 2)
    for label in (f"stage {name}" for name in clean.STAGES):
        line(label[len("stage "):], parts[label], 2)
        if label == "stage boilerplate":
            inner = ("boilerplate: rule patterns", "boilerplate: page layout", "classifier (all)")
            for part in inner:
                line(part.split(": ")[-1], parts[part], 4)
                if part == "classifier (all)":
                    for sub in ("feature vectors", "page language", "logistic passes"):
                        line(sub, parts[f"classifier: {sub}"], 6)
            line("other", parts[label] - sum(parts[p] for p in inner), 4)
    line("the rest: hashing, decoding, JSON records", total - measured, 2)
    line("cleaning, classifier off", best["cleaning, classifier off"])

    bound = WORKERS / GOAL
    print(f"  goal: {GOAL:g}x faster than ftfy alone with {WORKERS} workers leaves at most {bound:.2f}x ftfy's CPU "
          f"for cleaning (perfect scaling, no start-up, no I/O)")
    for label in ("cleaning (newsclean)", "cleaning, classifier off"):
        ratio = best[label] / ftfy_cpu
        print(f"  {label}: {ratio:.2f}x ftfy's CPU, {ratio / bound:.1f}x over that bound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
