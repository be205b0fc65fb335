#!/usr/bin/env python3
"""Line-level error analysis of the text path against a dev set's truth: which raw lines the
pipeline keeps that the truth drops (the precision loss) and which it drops that the truth
keeps (the recall loss), each weighed by its share of the page's kept (resp. true) tokens,
so that the sums read in page units of the page-averaged metric.

    python bench/line_errors.py SET [--lang LANG] [--model FILE] [--show N] [--pages N]

``--model``: a block model file (``bench/train_blocks.py --save``), e.g. one trained without
SET, for the held-out picture; default the shipped one. A line counts as kept (by the truth,
or by the output) as ``bench/train_blocks.py`` labels blocks (``quality.label``). Prints the
totals by structural class (a clock time in the line, a bullet, other), the pages with the
lowest precision, and the heaviest lines of each kind.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quality import (DEFAULT_BENCH, WORD, context_with_model, label, page_score,  # noqa: E402
                     read_languages, read_truth)

from newsclean.pipeline import io  # noqa: E402
from newsclean.pipeline.classify.blocks import BULLET, CLOCK, model_from_json  # noqa: E402
from newsclean.pipeline.clean import clean_bytes  # noqa: E402
from newsclean.pipeline.core.config import CleanConfig  # noqa: E402
from newsclean.pipeline.ingest.decode import decode_bytes  # noqa: E402
from newsclean.pipeline.ingest.segment import segment  # noqa: E402


def line_class(text: str) -> str:
    clocks = len(CLOCK.findall(text))
    if clocks:
        return "clock" if clocks == 1 else "clocks>=2"
    return "bullet" if BULLET.match(text) else "other"


def token_set(text: str) -> tuple[set, str]:
    toks = WORD.findall(text)
    return {tuple(toks[i:i + 4]) for i in range(len(toks) - 3)}, f" {' '.join(toks)} "


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--lang", help="only the pages of this language (sets whose truth gives one)")
    ap.add_argument("--model", type=Path, help="block model JSON instead of the shipped one")
    ap.add_argument("--show", type=int, default=30, help="heaviest lines of each kind to print")
    ap.add_argument("--pages", type=int, default=15, help="pages of lowest precision to print")
    args = ap.parse_args()
    folder = args.bench / args.set
    if not (folder / "truth.jsonl").is_file():
        print(f"line_errors: {folder} has no truth.jsonl; nothing measured.")
        return 0
    model = model_from_json("blocks", json.loads(args.model.read_text(encoding="utf-8"))) if args.model else None
    ctx, cfg = context_with_model(model), CleanConfig()
    truth, langs = read_truth(folder), read_languages(folder)
    lost: dict[str, list] = {"kept, truth drops": [], "dropped, truth keeps": []}
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    pages = []
    for raw in io.list_raw(folder / "text"):
        if args.lang and langs.get(raw.id) != args.lang:
            continue
        data = io.read_bytes(raw.path)
        cleaned = clean_bytes(data, id=raw.id, path=raw.rel, ctx=ctx, meta=io.read_sidecar(raw.path))
        pred = "" if cleaned.rejected else "\n\n".join(b.text for b in cleaned.article.blocks)
        precision, recall, _, _ = page_score(pred, truth.get(raw.id, ""))
        true_sh, true_joined = token_set(truth.get(raw.id, ""))
        kept_sh, kept_joined = token_set(pred)
        lines = [(b.text, len(WORD.findall(b.text)), label(b.text, true_sh, true_joined), label(b.text, kept_sh, kept_joined))
                 for b in segment(decode_bytes(data)[0], cfg)]
        kept_words = sum(n for _, n, _, k in lines if k) or 1
        true_words = sum(n for _, n, t, _ in lines if t) or 1
        for i, (text, n, in_truth, kept) in enumerate(lines):
            if kept and not in_truth:
                totals[line_class(text)][0] += n / kept_words
                lost["kept, truth drops"].append((n / kept_words, raw.id, i, text))
            elif in_truth and not kept:
                totals[line_class(text)][1] += n / true_words
                lost["dropped, truth keeps"].append((n / true_words, raw.id, i, text))
        pages.append((precision, recall, raw.id))
    print(f"{args.set}{' ' + args.lang if args.lang else ''}: {len(pages)} pages; page units lost "
          "(precision: kept lines the truth drops; recall: dropped lines the truth keeps)")
    print("| line class | precision loss | recall loss |\n|---|---|---|")
    for name, (p_loss, r_loss) in sorted(totals.items()):
        print(f"| {name} | {p_loss:.2f} | {r_loss:.2f} |")
    print("\npages of lowest precision (P, R, id):")
    for precision, recall, pid in sorted(pages)[:args.pages]:
        print(f"  {precision:.3f} {recall:.3f} {pid}")
    for kind, rows in lost.items():
        print(f"\nheaviest lines, {kind} (page share, id, block, text):")
        for share, pid, i, text in sorted(rows, key=lambda r: -r[0])[:args.show]:
            print(f"  {share:.2f} {pid[:40]} b{i} | {text[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
