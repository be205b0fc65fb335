"""Peak memory of a batch holding a gzip bomb (issue 19.5): ``x.jsonl.gz``, a few MB that
inflate to 4 GiB without a newline, beside the five seed articles of raw/.

    python bench/bomb.py [--gib 4]

One ``newsclean run`` process measured from the outside (measure.run: wall time, peak RSS
of the largest process). The line must be rejected as reject.too-large and the seeds
cleaned; before the fix the run reached 8.5 GB and, under a 4 GB limit, wrote nothing.
Needs no ../shared (the seeds are in the repo); writes the bomb to a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zlib
from pathlib import Path

import measure

ROOT = Path(__file__).resolve().parent.parent
CHUNK = b"a" * 2**20


def write_bomb(path: Path, gib: float) -> int:
    """A gzip file of one JSONL line that never ends: its size in bytes."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with open(path, "wb") as fh:
        fh.write(z.compress(b'{"id": "bomb", "text": "'))
        for _ in range(int(gib * 1024)):
            fh.write(z.compress(CHUNK))
        fh.write(z.flush())
    return path.stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gib", type=float, default=4.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsclean-bomb-") as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        raw.mkdir()
        for seed in sorted((ROOT / "raw").glob("*.txt")):
            shutil.copy(seed, raw / seed.name)
        size = write_bomb(raw / "x.jsonl.gz", args.gib)
        m = measure.run([measure.newsclean(), "run", "--raw", str(raw), "--out", str(out), "--quiet"])
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rejected = {r["id"]: r["rule"] for r in manifest["rejected"]}
    ok = rejected == {"x-L1": "reject.too-large"} and manifest["counts"]["cleaned"] == 5
    print(f"bomb: x.jsonl.gz of {size / 1e6:.1f} MB inflating to {args.gib:g} GiB without a newline, beside 5 seeds; "
          f"load average {measure.load_average()}")
    print(f"  wall {m.wall:.1f} s, cpu {m.cpu:.1f} s, peak RSS {m.peak_rss_mb:.0f} MB; rejected {rejected}, "
          f"cleaned {manifest['counts']['cleaned']}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
