"""Issue 19 points 7 and 8, decoding: valid UTF-8 with a few stray bytes is read as UTF-8
with the stray bytes replaced (it was read as cp1252 whole: every curly quote became
mojibake, the title gained "ÿþ"), each line a cp1252 reader takes otherwise logged as one
edit so that conservation holds; UTF-16 without a BOM is read as UTF-16 (it was rejected as
binary). The tests marked "main" fail on the main of 2026-12-06."""
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .operations_support import ROOT, SEEDS, cli, records
from newsclean.pipeline.clean import clean_bytes
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.ingest.decode import decode_bytes, decode_html
from newsclean.pipeline.output.contract import changelog_record, corpus_record

SEED = SEEDS[0]  # 46 lines, 32 non-ASCII characters (curly quotes and apostrophes)
# ../shared beside the repo (or beside the worktrees' folder) in the team's set-up only
CHECKER = next((p for p in (ROOT.parent / "shared" / "tools" / "check_conservation.py",
                            ROOT.parent.parent / "shared" / "tools" / "check_conservation.py") if p.is_file()), Path("-"))


def with_stray_bytes(text: str) -> bytes:
    """The UTF-8 bytes of ``text`` with three stray bytes, as a paste from a Latin-1 page
    leaves them: two in the title, one in a body line (whose index is returned too)."""
    lines = text.encode("utf-8").split(b"\n")
    lines[0] = lines[0].replace(b"Russia", b"Russia\xff\xfe", 1)
    body = next(i for i, line in enumerate(lines) if i and len(line) > 80)
    lines[body] = lines[body].replace(b" ", b" \xe9", 1)
    return b"\n".join(lines), body


def cp1252_reading(data: bytes) -> str:
    """A raw file read as check_conservation.py reads it: UTF-8, else cp1252 (errors replaced)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def test_mostly_utf8_is_read_as_utf8_with_the_stray_bytes_replaced(ctx):  # main
    original = SEED.read_text(encoding="utf-8")
    data, line = with_stray_bytes(original)
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8-replace"
    assert text.replace("Russia\ufffd\ufffd", "Russia", 1).replace(" \ufffd", " ", 1) == original
    cleaned = clean_bytes(data, id="x", path="x.txt", ctx=ctx)
    alone = clean_bytes(original.encode("utf-8"), id="x", path="x.txt", ctx=ctx)
    assert cleaned.article.title == alone.article.title.replace("Russia", "Russia\ufffd\ufffd", 1)
    assert "ÿþ" not in json.dumps(corpus_record(cleaned, ctx), ensure_ascii=False)
    assert "â€" not in json.dumps(corpus_record(cleaned, ctx), ensure_ascii=False)


def test_one_edit_per_line_read_otherwise_and_conservation_holds(ctx):  # main
    data, line = with_stray_bytes(SEED.read_text(encoding="utf-8"))
    cleaned = clean_bytes(data, id="x", path="x.txt", ctx=ctx)
    log = changelog_record(cleaned, ctx)
    edits = [c for c in log["changes"] if c["rule"] == "enc.stray-bytes"]
    fallback = cp1252_reading(data).split("\n")
    utf8 = data.decode("utf-8", errors="replace").split("\n")
    differ = [n for n, (a, b) in enumerate(zip(fallback, utf8), start=1) if a != b and a.strip()]
    assert [c["line"] for c in edits] == differ  # one edit per such line, no other
    assert len({c["line"] for c in log["changes"] if c["rule"] == "enc.stray-bytes"}) == len(edits)
    by_line = {c["line"]: c for c in edits}
    assert by_line[1]["detail"] == {"stray_bytes": 2} and by_line[line + 1]["detail"] == {"stray_bytes": 1}
    assert all(by_line[n]["before"] == fallback[n - 1] for n in differ)
    assert unaccounted_lines(cp1252_reading(data), corpus_record(cleaned, ctx), log["changes"]) == []


@pytest.mark.integration
@pytest.mark.skipif(not CHECKER.is_file(), reason="the shared conservation checker is not beside the repo")
def test_the_shared_conservation_checker_passes_on_mostly_utf8(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    data, _ = with_stray_bytes(SEED.read_text(encoding="utf-8"))
    (raw / "stray.txt").write_bytes(data)
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    done = subprocess.run([sys.executable, str(CHECKER), str(raw), str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("data,encoding", [
    ("Café crème, déjà vu à Paris: the Müller family's señor arrived.".encode("cp1252"), "cp1252"),
    (b"Plain ASCII text with one stray byte \xa0 in it, and nothing else.", "cp1252"),
    ("Two well-formed “quotes” and one stray".encode() + b"\xe9 byte", "cp1252"),  # 2 to 1: not mostly UTF-8
    ("Four “quoted” words — it’s".encode() + b" \xe9", "utf-8-replace"),  # 4 to 1
])
def test_what_reads_as_mostly_utf8(data, encoding):
    assert decode_bytes(data)[1] == encoding


RUSSIAN = "Москва заявила, что переговоры продолжатся на следующей неделе.\nВторая строка текста.\n"


@pytest.mark.parametrize("text", [SEED.read_text(encoding="utf-8"), RUSSIAN])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(text, encoding):  # main
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


RUSSIAN_PAGE = ("<html><head><title>Переговоры</title></head><body><article><h1>Переговоры продолжатся</h1>"
                + "".join(f"<p>{line}</p>" for line in RUSSIAN.splitlines()) + "</article></body></html>")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_an_html_page_in_utf16_without_bom_is_read_as_utf16(encoding):
    """ASCII markup and Cyrillic text in UTF-16 have no byte over 0x7f: the page was valid
    UTF-8, read as NULs and control characters ("?5@53>2>@K" for "Переговоры"), and cleaned
    into a garbage record."""
    assert decode_html(RUSSIAN_PAGE.encode(encoding)) == (RUSSIAN_PAGE, encoding)


@pytest.mark.integration
def test_utf16_without_bom_is_cleaned_like_the_original(tmp_path):  # main
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "u16.txt").write_bytes(SEED.read_text(encoding="utf-8").encode("utf-16-le"))
    (raw / "orig.txt").write_bytes(SEED.read_bytes())
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    got = {i: json.loads(line) for i, line in records(tmp_path / "out").items()}
    assert got["u16"]["source"]["encoding"] == "utf-16-le"
    assert {k: v for k, v in got["u16"].items() if k not in ("id", "source", "duplicate_of")} == \
        {k: v for k, v in got["orig"].items() if k not in ("id", "source", "duplicate_of")}
    assert got["u16"]["duplicate_of"] == "orig"  # the same body, linked to the first by id (Dedup)


@pytest.mark.parametrize("data", [
    random.Random(5).randbytes(8192),  # junk
    bytes(range(256)) * 16,  # every byte value: zeros on both sides
    b"".join(n.to_bytes(2, "little") for n in random.Random(7).choices(range(300), k=4000)),  # 16-bit numbers
])
def test_binary_is_not_taken_for_utf16(data):
    assert decode_bytes(data)[1] not in ("utf-16-le", "utf-16-be")
