"""`newsclean clean`: JSON Lines on stdout, `-` for standard input (format sniffed, --format
to override, id `stdin`), the change log with a flag, today's shape behind --pretty; and a
datatrove-style `metadata.date` read as `published`."""
from __future__ import annotations

import json

import pytest

from newsclean.pipeline.ingest.sniff import EXAMPLES, sniff_format

from .operations_support import ROOT, cli_subprocess

pytestmark = pytest.mark.integration

SEED = ROOT / "raw" / "004_e0a4c11860b658b6.txt"
TEXT = "Prices rose 5% this year, the company said in a statement on Monday.\n\nShares fell 2%, the report said.\n"
PAGE = ("<!DOCTYPE html><html><head><title>Prices rise</title></head><body><article><h1>Prices rise</h1>"
        f"<p>{TEXT.splitlines()[0]}</p><p>{TEXT.splitlines()[2]}</p></article></body></html>")


def clean(*args, stdin: str | None = None):
    return cli_subprocess("clean", *args, input=stdin)


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_clean_prints_one_corpus_record_per_line():
    done = clean(SEED)
    assert done.returncode == 0, done.stderr
    [record] = lines(done.stdout)
    assert record["id"] == "004_e0a4c11860b658b6" and record["title"].startswith("Lavrov asserts")
    assert done.stdout.count("\n") == 1


def test_clean_changelog_and_pretty_flags():
    [log] = lines(clean(SEED, "--changelog").stdout)
    assert log["id"] == "004_e0a4c11860b658b6" and "changes" in log and "text" not in log
    pretty = json.loads(clean(SEED, "--pretty").stdout)
    assert pretty["record"]["id"] == pretty["changelog"]["id"] == "004_e0a4c11860b658b6"


def test_clean_reads_standard_input_as_what_it_holds():
    [text] = lines(clean("-", stdin=SEED.read_text(encoding="utf-8")).stdout)
    assert text["id"] == "stdin" and text["source"]["format"] == "text"
    assert text["text"] == lines(clean(SEED).stdout)[0]["text"]
    [page] = lines(clean("-", stdin=PAGE).stdout)
    assert page["id"] == "stdin" and page["source"]["format"] == "html" and "<p>" not in page["text"]
    records = lines(clean("-", stdin=json.dumps({"id": "a", "text": TEXT}) + "\n"
                          + json.dumps({"id": "b", "html": PAGE}) + "\n").stdout)
    assert [r["id"] for r in records] == ["a", "b"]
    fragment = f"<p>{TEXT.splitlines()[0]}</p>\n<p>{TEXT.splitlines()[2]}</p>\n"  # sniffed as HTML; --format text keeps the markup
    assert lines(clean("-", stdin=fragment).stdout)[0]["source"]["format"] == "html"
    [forced] = lines(clean("-", "--format", "text", stdin=fragment).stdout)
    assert forced["source"]["format"] == "text" and "<p>" in forced["text"]


def test_clean_of_empty_standard_input_is_rejected_not_a_crash():
    done = clean("-", "--changelog", stdin="")
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert lines(done.stdout)[0]["status"] == "rejected"


@pytest.mark.parametrize("data,fmt", EXAMPLES.items())
def test_sniff_format(data, fmt):
    assert sniff_format(data) == fmt


def test_datatrove_metadata_date_is_published():
    rec = {"id": "d1", "text": TEXT, "metadata": {"date": "2024-05-01T10:30:00Z", "url": "https://example.com/a"}}
    [record] = lines(clean("-", stdin=json.dumps(rec) + "\n").stdout)
    assert record["published"] == "2024-05-01T10:30:00Z"
    both = dict(rec, published="2024-04-30")
    assert lines(clean("-", stdin=json.dumps(both) + "\n").stdout)[0]["published"] == "2024-04-30"


def test_clean_of_a_file_that_is_not_there_or_a_folder_is_one_line(tmp_path):
    """Both used to print nothing at all, exit 3 (a rejected input with no record on stdout)."""
    missing = clean(tmp_path / "nofile.txt")
    assert missing.returncode == 4 and missing.stdout == ""
    assert missing.stderr.strip() == f"newsclean: no file '{tmp_path / 'nofile.txt'}'"
    folder = clean(tmp_path)
    assert folder.returncode == 2 and folder.stdout == "" and len(folder.stderr.splitlines()) == 1
    assert "is a folder" in folder.stderr and "newsclean run --raw" in folder.stderr


def test_clean_of_a_rejected_input_says_so_on_stderr(tmp_path):
    """stdout holds no record of a rejected input; stderr names it, its rule and why (it was empty)."""
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    done = clean(tmp_path / "blank.txt")
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.splitlines() == ["newsclean: rejected blank (reject.empty): input holds no visible text"]
    records = clean("-", stdin=json.dumps({"id": "ok", "text": TEXT}) + "\n{broken\n")
    assert [r["id"] for r in lines(records.stdout)] == ["ok"] and records.returncode == 3
    [line] = records.stderr.splitlines()
    assert line.startswith("newsclean: rejected stdin-L2 (reject.bad-record): line 2 is not JSON")


def test_clean_of_a_file_that_repeats_an_id_prints_it_once_as_a_run_does():
    """Both records with the id were printed (a corpus of one id twice); a run keeps the first
    and rejects the other as reject.duplicate-id under id@path."""
    second = TEXT.replace("Shares fell", "Bonds rose")
    done = clean("-", stdin=json.dumps({"id": "a", "text": TEXT}) + "\n" + json.dumps({"id": "a", "text": second}) + "\n")
    [record] = lines(done.stdout)
    assert record["id"] == "a" and "Shares fell" in record["text"] and done.returncode == 3
    assert done.stderr.splitlines() == ["newsclean: rejected a@stdin.jsonl (reject.duplicate-id): id 'a' is already taken by stdin.jsonl"]
