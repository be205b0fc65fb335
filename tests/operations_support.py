"""Helpers shared by the tests/test_operations_*.py files: a raw folder made from the seed
articles in raw/ (in the repo, so no /work/shared needed), the CLI run in-process or as a
subprocess, and snapshots of an output folder."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "raw").glob("*.txt"))


def make_raw(folder: Path, copies: int = 1) -> Path:
    """The five seed articles; with ``copies`` > 1, each also under ids ``cNNN_<seed>``."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
        for c in range(1, copies):
            shutil.copy(seed, folder / f"c{c:03d}_{seed.name}")
    return folder


def cli(*args: str) -> int:
    from newsclean.tasks.commands.cli import main

    return main([str(a) for a in args])


def cli_subprocess(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsclean.tasks.commands.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kw)


def parts(out: Path) -> dict[str, bytes]:
    """Corpus and change-log part files: relative path -> bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for folder in ("corpus", "changelog") for p in sorted((out / folder).glob("*.jsonl"))}


def file_stats(out: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``out``: relative path -> (inode, mtime_ns); a rewrite changes both."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def records(out: Path, folder: str = "corpus") -> dict[str, str]:
    """id -> JSONL line over all parts of ``folder``; fails on an id written twice."""
    found: dict[str, str] = {}
    for path in sorted((out / folder).glob("part-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rid = json.loads(line)["id"]
            assert rid not in found, f"{rid} written twice"
            found[rid] = line
    return found


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def temp_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.tmp"))

