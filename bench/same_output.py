"""Check that a code change left the output unchanged: run the bare pipeline loop (bench/bare.py)
of a reference checkout and of this one over the same raw folder, and byte-compare every
corpus and change-log part, records taken line by line with the code digest of the stamp
blanked (the one field a code change is meant to change).

    python bench/same_output.py RAW REF_CHECKOUT [--work DIR]

REF_CHECKOUT is a checkout of the reference commit (``git worktree add --detach DIR main``);
its outputs are kept in ``WORK/ref`` and reused when present (delete them after a rebase).
Prints the differing records, if any, and exits 1 when there are any. ``--rules-changed``
also blanks the rules digest: for a change to rule data that must change no decision (a
``max_words`` bound a pattern already implies).
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
CODE_DIGEST = re.compile(rb'"code_digest":"[0-9a-f]+"')
RULES_DIGEST = re.compile(rb'"rules_digest":"[0-9a-f]+"')


def run_bare(checkout: Path, raw: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(checkout))  # the checkout's pipeline, not the installed one
    subprocess.run([sys.executable, str(checkout / "bench" / "bare.py"), str(raw), str(out)], env=env, check=True)


def records(out: Path, rules_changed: bool = False) -> dict[str, list[bytes]]:
    def blank(line: bytes) -> bytes:
        line = CODE_DIGEST.sub(b'"code_digest":""', line)
        return RULES_DIGEST.sub(b'"rules_digest":""', line) if rules_changed else line
    return {p.relative_to(out).as_posix(): [blank(line) for line in p.read_bytes().splitlines()]
            for folder in ("corpus", "changelog") for p in sorted((out / folder).glob("part-*.jsonl"))}


def compare(ref: Path, new: Path, rules_changed: bool = False) -> tuple[list[str], int]:
    """The differences, and how many records the reference holds."""
    a, b = records(ref, rules_changed), records(new, rules_changed)
    problems = [f"part only in one output: {name}" for name in sorted(set(a) ^ set(b))]
    for name in sorted(set(a) & set(b)):
        if len(a[name]) != len(b[name]):
            problems.append(f"{name}: {len(a[name])} records before, {len(b[name])} after")
        problems += [f"{name} record {i}:\n  before {x[:300]!r}\n  after  {y[:300]!r}"
                     for i, (x, y) in enumerate(zip(a[name], b[name])) if x != y]
    return problems, sum(len(v) for v in a.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw")
    ap.add_argument("ref_checkout")
    ap.add_argument("--work", default=None)
    ap.add_argument("--rules-changed", action="store_true", help="also blank the rules digest")
    args = ap.parse_args()
    raw, work = Path(args.raw), Path(args.work or tempfile.mkdtemp(prefix="newsclean-same-"))
    ref, new = work / "ref", work / "new"
    if not ref.is_dir():
        run_bare(Path(args.ref_checkout).resolve(), raw, ref)
    shutil.rmtree(new, ignore_errors=True)
    run_bare(HERE.parent, raw, new)
    problems, count = compare(ref, new, args.rules_changed)
    for p in problems[:20]:
        print(p)
    print(f"same_output: {count:,} records compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
