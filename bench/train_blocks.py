#!/usr/bin/env python3
"""Train the block classifier (a logistic regression over newsclean.pipeline.classify.blocks.FEATURES).

    python bench/train_blocks.py --sets aeb,wcxb-dev,dragnet-train,daniel-dev [--test ...] [--write]
    python bench/train_blocks.py --loso aeb,wcxb-dev,dragnet-train,daniel-dev [--full]

``--sets`` (or ``--train``) names the training sets; ``--loso`` trains, for each named set, on
the others and scores it (leave one set out), then prints the table of those held-out scores:
a drop-only simulation of the block decisions, or with ``--full`` the whole pipeline (the honest
figure: rules, positions, captions and metadata too), per language where the truth gives one.
The fit is standardised: every feature is scaled to unit variance and the intercept is fitted
apart and not penalised, so that the ``bias`` feature (always 1) and groups of flags that sum to
1 with it (in/before/after the core) no longer trade weight with each other from one retrain to
the next; the weights are mapped back to the raw features, so the pipeline is unchanged.

Labels come from a dev set's truth: a block is article text when most of its 4-token
shingles (or, for a shorter block, its whole token run) occur in the page's true text.
Each block is weighted by its share of the page's tokens, as the page-averaged metric
weighs it. Prints block-level and page-level (drop-only simulation) scores on both sets,
so the cross-set number says how the model generalises. ``--write`` stores the model
trained on the union of the --train sets in pipeline/rules/models/blocks.json.
Needs numpy and scikit-learn (``pip install -e '.[train]'``); the pipeline itself does not.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's pipeline (bench/, the script's folder, is already on the path)

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


from newsclean.pipeline import io  # noqa: E402
from newsclean.pipeline.classify.blocks import (
    CONTEXT_FEATURES, FEATURES, BlockModel, block_vectors, context_vectors, page_language
)  # noqa: E402
from newsclean.pipeline.text.predicates import words as word_count  # noqa: E402
from newsclean.pipeline.core.config import CleanConfig  # noqa: E402
from newsclean.pipeline.ingest.decode import decode_bytes  # noqa: E402
from newsclean.pipeline.ingest.segment import segment  # noqa: E402
from newsclean.pipeline.stages.boilerplate import classifier_hits, intro_lists, rule_hits  # noqa: E402
from quality import DEFAULT_BENCH, WORD, context_with_model, label, measure, read_languages, read_truth, score  # noqa: E402

RULES = io.load_rules(models=False)  # the rule packs only: the model is what we train
MODEL = ROOT / "pipeline" / "rules" / "models" / "blocks.json"


def load_set(bench: Path, name: str, cfg: CleanConfig):
    truth = read_truth(bench / name)
    pages = []
    for raw in io.list_raw(bench / name / "text"):
        text, _ = decode_bytes(io.read_bytes(raw.path))
        blocks = segment(text, cfg)
        ttoks = WORD.findall(truth.get(raw.id, ""))
        tsh = {tuple(ttoks[i:i + 4]) for i in range(len(ttoks) - 3)}
        joined = f" {' '.join(ttoks)} "
        matched = rule_hits(blocks, RULES.general, cfg.regex_timeout)
        hits = classifier_hits(matched, intro_lists(blocks, matched))
        vecs = block_vectors(blocks, cfg, page_language(blocks, cfg), hits)
        y = [label(b.text, tsh, joined) for b in blocks]
        ntok = [len(WORD.findall(b.text)) + 1 for b in blocks]
        total = sum(ntok) or 1
        pages.append((raw.id, blocks, np.array(vecs), np.array(y), np.array(ntok) / total,
                      [word_count(b.text) for b in blocks]))
    return truth, pages


def stack(pages):
    return (np.vstack([p[2] for p in pages]), np.concatenate([p[3] for p in pages]),
            np.concatenate([p[4] for p in pages]))


def page_scores(pages, truth, model: BlockModel, threshold):
    preds = {}
    for (pid, blocks, X, _, _, words) in pages:
        p = model.probabilities(X.tolist(), words)
        preds[pid] = "\n\n".join(b.text for b, q in zip(blocks, p) if q >= threshold)
    return score(preds, truth)[0]


def fit(X, y, w, C):
    """Weights over the raw columns, the first of which is the constant bias (1.0)."""
    mu, sd = X.mean(axis=0), X.std(axis=0)
    live = sd > 1e-9  # a constant column (the bias itself) carries no information of its own
    Z = (X[:, live] - mu[live]) / sd[live]
    lr = LogisticRegression(C=C, fit_intercept=True, max_iter=5000).fit(Z, y, sample_weight=w)
    coef = np.zeros(X.shape[1])
    coef[live] = lr.coef_[0] / sd[live]
    coef[0] = lr.intercept_[0] - float(np.sum(lr.coef_[0] * mu[live] / sd[live])) + coef[0]
    return coef


def train(sets, names, C, drop_below, flag_below) -> BlockModel:
    parts = [stack(sets[n][1]) for n in names]
    X, y = np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    # every page weighs 1, every training set as much as the others
    pages = [len(sets[n][1]) for n in names]
    w = np.concatenate([p[2] * (sum(pages) / len(pages)) for p in parts])
    first = fit(X, y, w, C)
    stage1 = BlockModel("blocks", tuple(first), (), drop_below, flag_below)
    Z = np.vstack([np.array(context_vectors(stage1.first_pass(p[2].tolist()), p[5]))
                   for n in names for p in sets[n][1]])
    second = fit(Z, y, w, C)
    return BlockModel("blocks", tuple(first), tuple(second), drop_below, flag_below)


def names_arg(values) -> list[str]:
    return [n for v in values for n in v.split(",") if n]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", "--train", dest="train", nargs="+", default=["aeb"], help="training sets (comma or space separated)")
    ap.add_argument("--test", nargs="*", default=[])
    ap.add_argument("--loso", nargs="*", help="leave-one-set-out over these sets (comma or space separated)")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--drop-below", type=float, default=0.4)  # the shipped model's threshold
    ap.add_argument("--flag-below", type=float, default=0.6)
    ap.add_argument("--full", action="store_true",
                    help="with --loso: score each held-out set through the full pipeline (every stage), not the block simulation")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--save", type=Path, help="write the model to this file (for bench/quality.py --model)")
    args = ap.parse_args()
    if not args.bench.is_dir():
        print(f"train_blocks: no dev sets: {args.bench} is absent; nothing trained.")
        return 0
    cfg = CleanConfig()
    if args.loso is not None:
        return leave_one_out(names_arg(args.loso) or ["aeb", "wcxb-dev", "dragnet-train", "daniel-dev"], args, cfg)
    train_names, test_names = names_arg(args.train), names_arg(args.test)
    sets = {n: load_set(args.bench, n, cfg) for n in dict.fromkeys(train_names + test_names)}
    model = train(sets, train_names, args.C, args.drop_below, args.flag_below)
    for name, (truth, pages) in sets.items():
        role = "train" if name in train_names else "test"
        s = page_scores(pages, truth, model, args.drop_below)
        print(f"{name} ({role}) drop below {args.drop_below:.1f}: F1 {s['f1']:.3f} P {s['precision']:.3f} R {s['recall']:.3f}")
    for names, coef in ((FEATURES, model.weights), (CONTEXT_FEATURES, model.context_weights)):
        print("  " + "  ".join(f"{f} {c:+.2f}" for f, c in sorted(zip(names, coef), key=lambda x: -abs(x[1]))))
    write_model(model, train_names, args)
    return 0


def write_model(model: BlockModel, train_names: list[str], args) -> None:
    """Store the model where --write (the shipped model) and --save ask."""
    if not (args.write or args.save):
        return
    data = {"name": "blocks", "trained_on": train_names, "features": list(FEATURES),
            "weights": [round(float(c), 4) for c in model.weights],
            "context_features": list(CONTEXT_FEATURES),
            "context_weights": [round(float(c), 4) for c in model.context_weights],
            "drop_below": round(args.drop_below, 4), "flag_below": round(args.flag_below, 4)}
    for path in ([MODEL] if args.write else []) + ([args.save] if args.save else []):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")


def leave_one_out(names: list[str], args, cfg: CleanConfig) -> int:
    """Train on all sets but one, score that one, for each; and the in-sample score of the
    model trained on all. Scored as a drop-only simulation of the block decisions, or with
    ``--full`` through every stage of the pipeline (rules, positions, captions, metadata:
    the figure a user gets), per language where the truth gives one."""
    sets = {n: load_set(args.bench, n, cfg) for n in names if (args.bench / n / "truth.jsonl").is_file()}
    names = list(sets)
    full = train(sets, names, args.C, args.drop_below, args.flag_below)
    held_out = {held: train(sets, [n for n in names if n != held], args.C, args.drop_below, args.flag_below)
                for held in names}
    if args.full:
        print_full_table(names, held_out, full, args)
    else:
        print_simulation_table(names, sets, held_out, full, args)
    write_model(full, names, args)  # --write / --save: the model trained on all of them
    return 0


def print_simulation_table(names, sets, held_out, full, args) -> None:
    print(f"Leave one set out, block simulation (drop below {args.drop_below}):")
    print("| held-out set | trained on | F1 held out | P | R | F1 in-sample (all sets) |")
    print("|---|---|---|---|---|---|")
    for held in names:
        truth, pages = sets[held]
        s = page_scores(pages, truth, held_out[held], args.drop_below)
        t = page_scores(pages, truth, full, args.drop_below)
        rest = [n for n in names if n != held]
        print(f"| {held} | {', '.join(rest)} | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {t['f1']:.3f} |",
              flush=True)
        langs = read_languages(args.bench / held)
        for lang in sorted(set(langs.values())):
            part = [p for p in pages if langs.get(p[0]) == lang]
            sub = {pid: text for pid, text in truth.items() if langs.get(pid) == lang}
            s = page_scores(part, sub, held_out[held], args.drop_below)
            t = page_scores(part, sub, full, args.drop_below)
            print(f"| {held}, {lang} ({len(part)}) | | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {t['f1']:.3f} |",
                  flush=True)


def print_full_table(names, held_out, full, args) -> None:
    print(f"Leave one set out, full pipeline (drop below {args.drop_below}); F1 / P / R:")
    print("| held-out set | held out (trained on the others) | in-sample (trained on all) |")
    print("|---|---|---|")
    for held in names:
        out, out_langs = measure(args.bench / held, context_with_model(held_out[held]))[:2]
        ins, in_langs = measure(args.bench / held, context_with_model(full))[:2]
        print(f"| {held} | {fpr(out)} | {fpr(ins)} |", flush=True)
        for lang in out_langs:
            print(f"| {held}, {lang} ({out_langs[lang]['pages']}) | {fpr(out_langs[lang])} | {fpr(in_langs[lang])} |",
                  flush=True)


def fpr(s: dict) -> str:
    return f"{s['f1']:.3f} / {s['precision']:.3f} / {s['recall']:.3f}"


if __name__ == "__main__":
    sys.exit(main())
