#!/usr/bin/env python3
"""Write the HTML path's outputs over the dev sets' pages, to check that a speed change left
them unchanged: every page cleaned in the fast mode (``html_extractor = "trafilatura"``) and
the default (the vote), its corpus and change-log lines as ``newsclean run`` writes them.

    python bench/html_outputs.py OUT [SET ...] [--limit N] [--bench DIR]
    python bench/same_output.py --outputs OUT_BEFORE/fast OUT_AFTER/fast       (and .../default)

OUT/<mode>/corpus/part-<set>.jsonl and OUT/<mode>/changelog/part-<set>.jsonl, one line per
page in file-name order (a rejected page: its change-log line alone), the layout
``bench/same_output.py --outputs`` compares (code digest left out). SET is a folder of
../shared/bench (default the four dev sets); says so and exits when they are absent.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))
sys.path.append(str(ROOT / "bench"))

import argparse  # noqa: E402
import gzip  # noqa: E402
from dataclasses import replace  # noqa: E402

from newsclean.pipeline import io  # noqa: E402
from newsclean.pipeline.clean import clean_record  # noqa: E402
from newsclean.pipeline.ingest.inputs import single_record  # noqa: E402
from newsclean.pipeline.output.shards import record_lines  # noqa: E402
from newsclean.pipeline.stages.context import Context  # noqa: E402
from quality import DEFAULT_SETS  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"


def contexts() -> dict[str, Context]:
    ctx = Context(io.load_config(None), io.load_rules())
    return {"fast": replace(ctx, config=replace(ctx.config, html_extractor="trafilatura")), "default": ctx}


def page_lines(data: bytes, pid: str, ctx: Context) -> tuple[str | None, str]:
    """The corpus line (None when rejected) and change-log line of one page."""
    record = single_record(pid, pid + ".html", data, None, ctx.config.max_input_bytes)
    corpus, log, _ = record_lines(clean_record(record, path=pid + ".html", ctx=ctx), ctx)
    return corpus, log


def write_set(folder: Path, out: Path, limit: int | None) -> int:
    pages = sorted((folder / "html").glob("*.html.gz"))[:limit]
    for mode, ctx in contexts().items():
        corpus, logs = [], []
        for path in pages:
            c, log = page_lines(gzip.decompress(path.read_bytes()), path.name.removesuffix(".html.gz"), ctx)
            if c is not None:
                corpus.append(c)
            logs.append(log)
        for kind, lines in (("corpus", corpus), ("changelog", logs)):
            target = out / mode / kind / f"part-{folder.name}.jsonl"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("sets", nargs="*", default=list(DEFAULT_SETS))
    p.add_argument("--bench", type=Path, default=SHARED)
    p.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    args = p.parse_args(argv)
    if not args.bench.is_dir():
        print(f"bench/html_outputs.py: {args.bench} is absent; the development sets live there, nothing to write")
        return 0
    for name in args.sets:
        print(f"{name}: {write_set(args.bench / name, args.out, args.limit)} pages, fast and default")
    return 0


if __name__ == "__main__":
    sys.exit(main())
