"""``ftfy.fix_text`` alone (default settings) over every raw text file: the reference cost.

    python bench/ftfy_alone.py RAW
"""
from __future__ import annotations

import sys

from pathlib import Path

import ftfy

from newsclean.pipeline.ingest.decode import decode_bytes


def main(raw: str) -> None:
    for path in sorted(Path(raw).rglob("*.txt")):
        ftfy.fix_text(decode_bytes(path.read_bytes())[0])


if __name__ == "__main__":
    main(sys.argv[1])
