"""Benchmark inputs: the dev texts (aeb and wcxb-dev text scrapes, the seeds) copied under
distinct ids into a temporary raw folder. Never committed; made afresh by each bench run.

Copies are exact duplicates of their source under a new id (``<id>-cNNNNN.txt``): cleaning
is per article, so a copy must clean exactly like its source.
"""
from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

# ../shared beside the checkout; NEWSCLEAN_SHARED names it for a checkout elsewhere (a worktree)
SHARED = Path(os.environ.get("NEWSCLEAN_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
SOURCES = (SHARED / "bench" / "aeb" / "text", SHARED / "bench" / "wcxb-dev" / "text", SHARED / "seeds" / "raw")


def dev_files() -> list[Path]:
    """The dev text files, in a fixed order; empty when /work/shared is absent."""
    return [p for d in SOURCES if d.is_dir() for p in sorted(d.glob("*.txt"))]


def missing_sources() -> list[str]:
    return [str(d) for d in SOURCES if not d.is_dir()]


def make_raw(dest: Path, *, copies: int | None = None, articles: int | None = None) -> list[Path]:
    """Fill ``dest`` with ``copies`` full copies of the dev texts, or with the first
    ``articles`` of an endless cycle over them. Returns the written files."""
    files = dev_files()
    if not files:
        raise SystemExit(f"bench: no dev texts found (looked in {', '.join(map(str, SOURCES))})")
    total = copies * len(files) if copies is not None else articles
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for n, src in enumerate(itertools.islice(itertools.cycle(files), total)):
        target = dest / f"{src.name.split('.', 1)[0]}-c{n // len(files):05d}.txt"
        shutil.copyfile(src, target)
        sidecar = src.with_name(src.name.split(".", 1)[0] + ".meta.json")
        if sidecar.is_file():
            shutil.copyfile(sidecar, target.with_name(target.name[:-4] + ".meta.json"))
        written.append(target)
    return written
