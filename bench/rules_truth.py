#!/usr/bin/env python3
"""Rules against the dev sets' truth: which lines each rule matches, and how many of them the
truth keeps (a rule that matches a line of the article is a precision-first failure).

    python bench/rules_truth.py [SET ...] [--bench DIR] [--packs GLOB] [--show N]

SET defaults to the four dev sets; ``--packs`` selects the pack files whose rules are checked
(a glob on their file names, default ``lang_*.toml``). A line counts as kept by the truth as
``bench/train_blocks.py`` labels blocks (half of its 4-token shingles in the truth; a line of
fewer than 4 tokens: its tokens found in a row). Prints one row per rule that matched any line:
lines matched, lines of them the truth keeps, and up to ``--show`` of those lines. A rule that
takes lists (``takes_list``) has a second row, ``ID (list)``: the bulleted items its colon-ended
intros take (``pos.intro-list``), counted the same way.
"""
from __future__ import annotations

import argparse
import fnmatch
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from quality import DEFAULT_BENCH, DEFAULT_SETS, WORD, label, read_truth  # noqa: E402

from newsclean.pipeline import io  # noqa: E402
from newsclean.pipeline.core.config import CleanConfig  # noqa: E402
from newsclean.pipeline.ingest.decode import decode_bytes  # noqa: E402
from newsclean.pipeline.ingest.segment import segment  # noqa: E402
from newsclean.pipeline.stages.boilerplate import intro_lists  # noqa: E402


def rules_of(packs: str):
    rules = io.load_rules(models=False)
    return [r for r in rules.general + rules.html if fnmatch.fnmatch(r.source.rpartition("/")[2], packs)]


def check_set(set_dir: Path, rules, cfg: CleanConfig, matched: dict, kept: dict) -> None:
    truth = read_truth(set_dir)
    for raw in io.list_raw(set_dir / "text"):
        text, _ = decode_bytes(io.read_bytes(raw.path))
        ttoks = WORD.findall(truth.get(raw.id, ""))
        shingles = {tuple(ttoks[i:i + 4]) for i in range(len(ttoks) - 3)}
        joined = f" {' '.join(ttoks)} "
        blocks = segment(text, cfg)
        first: dict[int, object] = {}  # block -> the first rule of scope any that matches it
        for i, block in enumerate(blocks):
            for rule in rules:
                if rule.matches(block.text, cfg.regex_timeout):
                    matched[rule.id] += 1
                    if rule.scope == "any":
                        first.setdefault(i, rule)
                    if label(block.text, shingles, joined):
                        kept[rule.id].append(f"{set_dir.name}/{raw.id}: {block.text[:120]}")
        for i, intro in intro_lists(blocks, [first.get(j) for j in range(len(blocks))]).items():
            key = f"{first[intro].id} (list)"
            matched[key] += 1
            if label(blocks[i].text, shingles, joined):
                kept[key].append(f"{set_dir.name}/{raw.id}: {blocks[i].text[:120]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", default=list(DEFAULT_SETS))
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--packs", default="lang_*.toml")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args(argv)
    cfg = CleanConfig()
    rules = rules_of(args.packs)
    matched: dict[str, int] = defaultdict(int)
    kept: dict[str, list[str]] = defaultdict(list)
    for name in args.sets:
        check_set(args.bench / name, rules, cfg, matched, kept)
    print(f"{len(rules)} rules of {args.packs} on {', '.join(args.sets)}")
    print(f"{'rule':36} {'matched':>8} {'in truth':>9}")
    for rid in sorted(matched):
        print(f"{rid:36} {matched[rid]:8} {len(kept[rid]):9}")
        for line in kept[rid][:args.show]:
            print(f"    {line}")
    print(f"total: {sum(matched.values())} lines matched, {sum(map(len, kept.values()))} of them kept by the truth")
    return 0


if __name__ == "__main__":
    sys.exit(main())
