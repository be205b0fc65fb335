#!/usr/bin/env python3
"""Quality benchmark: clean a development set's text scrapes and score them against its truth.

    python bench/quality.py [SET ...] [--bench DIR] [--worst N] [--out DIR] [--config FILE] [--model FILE]

SET is a folder of the bench directory (default: the four, aeb, wcxb-dev, dragnet-train and daniel-dev) holding ``text/*.txt`` and
``truth.jsonl``; the bench directory defaults to ``../shared/bench`` beside the repository
(the dev sets are not shipped with newsclean). The metric is the one of the bench's
``score.py`` (the article-extraction-benchmark's): 4-token shingles of ``\\w+`` tokens, per
page precision and recall, corpus P and R the means over pages, F1 their harmonic mean.
Prints one table row per set (and per language where the truth gives one), the worst pages, and articles per second (one process, the
library called directly, no Luigi). ``--out`` also writes ``<id>.txt`` per article.
``--model`` replaces the shipped block model with another one (``bench/train_blocks.py
--save``), e.g. one trained on the other dev set, to measure how the model generalises.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's pipeline

from newsclean.pipeline import io  # noqa: E402
from newsclean.pipeline.classify.blocks import BlockModel, model_from_json  # noqa: E402
from newsclean.pipeline.clean import clean_bytes  # noqa: E402
from newsclean.pipeline.stages.context import Context  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench"
DEFAULT_SETS = ("aeb", "wcxb-dev", "dragnet-train", "daniel-dev")
WORD = re.compile(r"\w+")
N = 4


def shingles(text: str) -> Counter:
    toks = WORD.findall(text or "")
    if len(toks) < N:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + N]) for i in range(len(toks) - N + 1))


def label(text: str, truth_shingles: set, truth_joined: str) -> int:
    """1 when the truth keeps the line ``text``: half of its 4-token shingles are the truth's
    (a line of fewer than 4 tokens: its tokens in a row in the truth). The block classifier's
    training labels (train_blocks.py) and the rules' check (rules_truth.py)."""
    toks = WORD.findall(text)
    if not toks:
        return 0
    if len(toks) < 4:
        return int(f" {' '.join(toks)} " in truth_joined)
    sh = [tuple(toks[i:i + 4]) for i in range(len(toks) - 3)]
    return int(sum(s in truth_shingles for s in sh) >= 0.5 * len(sh))


def page_score(pred: str, truth: str) -> tuple[float, float, bool, bool]:
    """(precision, recall, prediction non-empty, truth non-empty), as score.py computes them."""
    ps, ts = shingles(pred), shingles(truth)
    tp = sum((ps & ts).values())
    fp, fn = sum(ps.values()) - tp, sum(ts.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0, bool(ps), bool(ts)
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0), bool(ps), bool(ts)


def score(preds: dict[str, str], truth: dict[str, str]) -> tuple[dict, list[tuple[str, float, float, float]]]:
    rows = []
    for pid, t in truth.items():
        p, r, pn, tn = page_score(preds.get(pid, ""), t)
        f = 2 * p * r / (p + r) if pn and p + r else (1.0 if not pn and not tn else 0.0)
        rows.append((pid, p, r, pn, tn, f))
    prec = [p for _, p, _, pn, _, _ in rows if pn]
    rec = [r for _, _, r, _, tn, _ in rows if tn]
    P = sum(prec) / len(prec) if prec else 0.0
    R = sum(rec) / len(rec) if rec else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    summary = {"pages": len(rows), "f1": F, "precision": P, "recall": R,
               "page_f1": sum(x[5] for x in rows) / len(rows) if rows else 0.0,
               "empty": sum(1 for x in rows if not x[3])}
    worst = sorted(((pid, f, p, r) for pid, p, r, _, _, f in rows), key=lambda x: x[1])
    return summary, worst


def read_truth(set_dir: Path) -> dict[str, str]:
    truth = {}
    for line in (set_dir / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
        if line.strip():
            rec = json.loads(line)
            truth[rec["id"]] = rec["text"]
    return truth


def read_languages(set_dir: Path) -> dict[str, str]:
    """id -> language for a set whose truth gives one (daniel-dev), else empty."""
    langs = {}
    for line in (set_dir / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
        if line.strip():
            rec = json.loads(line)
            if rec.get("language"):
                langs[rec["id"]] = rec["language"]
    return langs


def by_language(preds: dict[str, str], truth: dict[str, str], langs: dict[str, str]) -> dict[str, dict]:
    """The set's score restricted to each language's pages, by language code."""
    out = {}
    for lang in sorted(set(langs.values())):
        sub = {pid: t for pid, t in truth.items() if langs.get(pid) == lang}
        out[lang] = score(preds, sub)[0]
    return out


def clean_set(set_dir: Path, ctx: Context) -> tuple[dict[str, str], float, int]:
    """Clean every text input of a set: (id -> body text, seconds, articles)."""
    preds = {}
    inputs = io.list_raw(set_dir / "text")
    start = time.perf_counter()
    for raw in inputs:
        cleaned = clean_bytes(io.read_bytes(raw.path), id=raw.id, path=raw.rel, ctx=ctx, meta=io.read_sidecar(raw.path))
        preds[raw.id] = "" if cleaned.rejected else "\n\n".join(b.text for b in cleaned.article.blocks)
    return preds, time.perf_counter() - start, len(inputs)


def context_with_model(model: BlockModel | None = None, config: str | None = None) -> Context:
    """The pipeline's context with the shipped rules and ``model`` as the block model (the
    shipped one when None): how a model trained on some sets is run through every stage."""
    rules = io.load_rules(models=model is None)
    if model is not None:
        rules = replace(rules, models=(model,))
    return Context(io.load_config(config), rules)


def measure(set_dir: Path, ctx: Context) -> tuple[dict, dict[str, dict], list, dict[str, str], float]:
    """Clean a set through the full pipeline and score it: (summary, by language, worst
    pages, predictions, articles per second)."""
    preds, seconds, count = clean_set(set_dir, ctx)
    truth = read_truth(set_dir)
    summary, worst = score(preds, truth)
    return summary, by_language(preds, truth, read_languages(set_dir)), worst, preds, count / max(seconds, 1e-9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", default=list(DEFAULT_SETS))
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="folder holding the dev sets")
    ap.add_argument("--worst", type=int, default=10, help="list this many worst pages per set")
    ap.add_argument("--out", type=Path, help="also write <out>/<set>/<id>.txt")
    ap.add_argument("--config", help="operator config file (TOML)")
    ap.add_argument("--model", type=Path, help="block model JSON to use instead of the shipped one")
    args = ap.parse_args(argv)
    if not args.bench.is_dir():
        print(f"bench-quality: no dev sets: {args.bench} is absent (the sets live in shared/bench "
              f"beside the repository; pass --bench DIR). Nothing measured.")
        return 0
    model = model_from_json("blocks", json.loads(args.model.read_text(encoding="utf-8"))) if args.model else None
    ctx = context_with_model(model, args.config)
    table = ["| set | pages | F1 | P | R | page F1 | empty | articles/s |", "|---|---|---|---|---|---|---|---|"]
    worst_lines = []
    for name in args.sets:
        set_dir = args.bench / name
        if not (set_dir / "truth.jsonl").is_file():
            print(f"bench-quality: {set_dir} has no truth.jsonl; skipped")
            continue
        summary, langs, worst, preds, rate = measure(set_dir, ctx)
        table.append(f"| {name} text | {summary['pages']} | {summary['f1']:.3f} | {summary['precision']:.3f} | "
                     f"{summary['recall']:.3f} | {summary['page_f1']:.3f} | {summary['empty']} | {rate:.0f} |")
        for lang, sub in langs.items():
            table.append(f"| {name} text, {lang} | {sub['pages']} | {sub['f1']:.3f} | {sub['precision']:.3f} | "
                         f"{sub['recall']:.3f} | {sub['page_f1']:.3f} | {sub['empty']} | |")
        worst_lines.append(f"\nworst pages of {name} (id, F1, P, R):")
        worst_lines += [f"  {pid[:16]}  f1 {f:.3f}  p {p:.3f}  r {r:.3f}" for pid, f, p, r in worst[:args.worst]]
        if args.out:
            folder = args.out / name
            folder.mkdir(parents=True, exist_ok=True)
            for pid, text in preds.items():
                (folder / f"{pid}.txt").write_text(text, encoding="utf-8")
    print("\n".join(table + worst_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
