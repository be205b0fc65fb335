"""Check that a code change left the output unchanged: byte-compare the corpus and change-log
parts of two output folders, record by record, with the code and rules digests of the stamp
left out (the fields a code move or a repackaging of the rules is meant to change).

    python bench/same_output.py --outputs OUT_A OUT_B      two folders written by `newsclean run`
    python bench/same_output.py RAW REF_CHECKOUT [--work DIR]

The second form runs the bare pipeline loop (bench/bare.py) of a reference checkout and of
this one over RAW (REF_CHECKOUT: ``git worktree add --detach DIR main``); the reference's
outputs are kept in ``WORK/ref`` and reused when present (delete them after a rebase).
Prints the differing records, if any, and exits 1 when there are any, or when a folder holds
no parts. ``--keep-rules-digest`` compares the rules digest too.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODE_DIGEST = re.compile(rb'"code_digest":"[0-9a-f]*"')
RULES_DIGEST = re.compile(rb'"rules_digest":"[0-9a-f]*"')
FOLDERS = ("corpus", "changelog")


def run_bare(checkout: Path, raw: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(checkout))  # the checkout's pipeline, not the installed one
    subprocess.run([sys.executable, str(checkout / "bench" / "bare.py"), str(raw), str(out)], env=env, check=True)


def blank(line: bytes, keep_rules_digest: bool = False) -> bytes:
    """The record with the digests that a move may change emptied."""
    line = CODE_DIGEST.sub(b'"code_digest":""', line)
    return line if keep_rules_digest else RULES_DIGEST.sub(b'"rules_digest":""', line)


def records(out: Path, keep_rules_digest: bool = False) -> dict[str, list[bytes]]:
    return {p.relative_to(out).as_posix(): [blank(line, keep_rules_digest) for line in p.read_bytes().splitlines()]
            for folder in FOLDERS for p in sorted((out / folder).glob("part-*.jsonl"))}


def compare(ref: Path, new: Path, keep_rules_digest: bool = False) -> tuple[list[str], int]:
    """The differences, and how many records the reference holds."""
    a, b = records(ref, keep_rules_digest), records(new, keep_rules_digest)
    problems = [f"no corpus or change-log part in {p}" for p, parts in ((ref, a), (new, b)) if not parts]
    problems += [f"part only in one output: {name}" for name in sorted(set(a) ^ set(b))]
    for name in sorted(set(a) & set(b)):
        if len(a[name]) != len(b[name]):
            problems.append(f"{name}: {len(a[name])} records before, {len(b[name])} after")
        problems += [f"{name} record {i}:\n  before {x[:300]!r}\n  after  {y[:300]!r}"
                     for i, (x, y) in enumerate(zip(a[name], b[name])) if x != y]
    return problems, sum(len(v) for v in a.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("paths", nargs=2, metavar="PATH", help="RAW REF_CHECKOUT, or with --outputs two output folders")
    ap.add_argument("--outputs", action="store_true", help="compare two output folders already written")
    ap.add_argument("--work", default=None)
    ap.add_argument("--keep-rules-digest", action="store_true", help="compare the rules digest too")
    args = ap.parse_args(argv)
    if args.outputs:
        ref, new = (Path(p) for p in args.paths)
    else:
        raw, work = Path(args.paths[0]), Path(args.work or tempfile.mkdtemp(prefix="newsclean-same-"))
        ref, new = work / "ref", work / "new"
        if not ref.is_dir():
            run_bare(Path(args.paths[1]).resolve(), raw, ref)
        shutil.rmtree(new, ignore_errors=True)
        run_bare(HERE.parent, raw, new)
    problems, count = compare(ref, new, args.keep_rules_digest)
    for p in problems[:20]:
        print(p)
    print(f"same_output: {count:,} records compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
