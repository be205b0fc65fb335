"""Check that the block classifier's feature vectors of this checkout equal a reference
checkout's, number for number, and time the two ``block_vectors`` on the same pages.

    python bench/same_vectors.py REF_CHECKOUT [FOLDER ...] [--rounds N] [--html]

REF_CHECKOUT: a checkout of the reference (``git archive main | tar -x -C DIR``). Every
input of each FOLDER (default: the seeds raw/, the text fixtures of tests/fixtures, and the
dev texts of ../shared/bench aeb, daniel-dev and wcxb-dev when present) is cleaned by this
checkout with the default config; each call of ``block_vectors`` the boilerplate stage makes
is recorded (the blocks, the page language and the rules' hits, as the stage passes them).
Then both modules' ``block_vectors`` (the reference's ``pipeline/classify/blocks.py``
loaded under another name) are run on every recorded page: the vectors must be equal
(``==`` on the floats, in the same order). ``--html`` cleans the HTML inputs too, with
``html_classify_blocks`` on (off by default: the HTML path does not call the classifier).
Prints the pages compared, the first differences, and the CPU seconds of each (best of
``--rounds``); exits 1 on any difference.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import replace
from pathlib import Path

import dataset
from newsclean.pipeline import clean, io
from newsclean.pipeline.stages import boilerplate
from newsclean.pipeline.stages.context import Context

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT = [ROOT / "raw", ROOT / "tests" / "fixtures" / "pages", ROOT / "tests" / "fixtures" / "fast_path",
           ROOT / "tests" / "fixtures" / "seeds_gold",
           *(dataset.SHARED / "bench" / name / "text" for name in ("aeb", "daniel-dev", "wcxb-dev"))]


def reference_module(checkout: Path):
    path = checkout / "pipeline" / "classify" / "blocks.py"
    spec = importlib.util.spec_from_file_location("reference_blocks", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"same_vectors: no {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def recorded_pages(folders: list[Path], ctx: Context) -> list[tuple]:
    """The arguments of every ``block_vectors`` call made while cleaning the folders."""
    calls: list[tuple] = []
    original = boilerplate.block_vectors

    def record(blocks, cfg, lang, hits=()):
        calls.append((tuple(blocks), cfg, lang, tuple(hits)))
        return original(blocks, cfg, lang, hits)

    boilerplate.block_vectors = record
    try:
        for folder in folders:
            limit = ctx.config.max_input_bytes
            listed = [(aid, rel) for aid, rel, _, _ in io.list_inputs(folder, limit)]
            reader = io.RecordReader(folder, limit, listed)
            for aid, rel in listed:
                clean.clean_record(reader(aid, rel), path=rel, ctx=ctx)
    finally:
        boilerplate.block_vectors = original
    return calls


def cpu(build, pages: list[tuple], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for args in pages:
            build(*args)
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("reference", help="a checkout of the reference code")
    ap.add_argument("folders", nargs="*", help="folders of inputs (default: seeds, fixtures, dev texts)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--html", action="store_true", help="clean HTML inputs too, with html_classify_blocks on")
    args = ap.parse_args(argv)
    ref = reference_module(Path(args.reference).resolve())
    from newsclean.pipeline.classify import blocks as new
    folders = [Path(f) for f in args.folders] or [f for f in DEFAULT if f.is_dir()]
    config = io.load_config(None)
    ctx = Context(replace(config, html_classify_blocks=True) if args.html else config, io.load_rules())
    pages = recorded_pages(folders, ctx)
    differences = []
    for number, page in enumerate(pages):
        a, b = ref.block_vectors(*page), new.block_vectors(*page)
        if a != b:
            rows = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
            differences.append(f"page {number}: {len(a)} vs {len(b)} vectors, blocks {rows[:5]} differ")
    names_equal = tuple(ref.FEATURES) == tuple(new.FEATURES)
    blocks = sum(len(p[0]) for p in pages)
    print(f"same_vectors: {len(pages):,} pages, {blocks:,} blocks from {', '.join(str(f) for f in folders)}")
    print(f"  feature names and order equal: {names_equal}")
    for line in differences[:10]:
        print("  " + line)
    print(f"  {len(differences)} pages with a different vector")
    old_cpu, new_cpu = cpu(ref.block_vectors, pages, args.rounds), cpu(new.block_vectors, pages, args.rounds)
    print(f"  block_vectors CPU seconds, best of {args.rounds}: reference {old_cpu:.3f} "
          f"({1e6 * old_cpu / max(1, blocks):.1f} us/block), this checkout {new_cpu:.3f} "
          f"({1e6 * new_cpu / max(1, blocks):.1f} us/block), ratio {new_cpu / old_cpu:.3f}")
    return 1 if differences or not names_equal else 0


if __name__ == "__main__":
    sys.exit(main())
