"""Issue 19 point 8, output side: line separators inside the text are escaped in the JSONL
parts (readers that split on str.splitlines' line ends see one record per line), and a run
that fills the disk leaves no temporary file behind. Both fail on the main of 2026-12-06."""
import errno
import io as stdio
import json
import os

import pytest

from .operations_support import cli, make_raw, records
from newsclean.pipeline import io

pytestmark = pytest.mark.integration  # every test here runs newsclean end to end (tests/test_markers.py)

SEPARATED = ("A headline about the council and its new library\n\n"
             "The council met on Monday\u2028and agreed to build the new library in the town centre, the mayor said.\n\n"
             "The library will open next spring,\u2029the council's spokeswoman told reporters on Tuesday.\n")


@pytest.fixture(scope="module")
def separated(tmp_path_factory):
    base = tmp_path_factory.mktemp("sep")
    raw = base / "raw"
    raw.mkdir()
    (raw / "plain.txt").write_text(SEPARATED, encoding="utf-8")
    (raw / "feed.jsonl").write_text(json.dumps({"id": "rec-1", "text": SEPARATED.replace("council", "board")}) + "\n",
                                    encoding="utf-8")
    assert cli("run", "--raw", raw, "--out", base / "out", "--quiet") == 0
    return base / "out"


def test_line_separators_are_escaped_in_every_part(separated):
    for part in sorted(separated.glob("*/part-*.jsonl")):
        text = part.read_text(encoding="utf-8")
        assert not any(c in text for c in "\u2028\u2029\x85"), part
        assert text.splitlines() == text.split("\n")[:-1]  # one record per line, whatever splits them
    body = " ".join(json.loads(line)["text"] for line in records(separated).values())
    assert "Monday\u2028and" in body and "spring,\u2029the" in body  # the text itself is kept


def test_the_corpus_reads_back_with_pandas_and_datasets(separated, tmp_path):
    pandas = pytest.importorskip("pandas")
    datasets = pytest.importorskip("datasets")
    parts = sorted((separated / "corpus").glob("part-*.jsonl"))
    by_json = {r["id"]: r["text"] for p in parts for r in map(json.loads, p.read_text(encoding="utf-8").split("\n")[:-1])}
    assert set(by_json) == {"plain", "rec-1"}
    frame = pandas.concat([pandas.read_json(p, lines=True) for p in parts if p.stat().st_size])
    assert dict(zip(frame["id"], frame["text"])) == by_json
    ds = datasets.load_dataset(str(separated / "corpus"), split="train", cache_dir=str(tmp_path / "hf"))
    assert dict(zip(ds["id"], ds["text"])) == by_json


class FullDisk(stdio.FileIO):
    """A file on a disk that fills up after ``room`` bytes: writes past it fail with ENOSPC,
    as the kernel's write does; a BufferedWriter over it fails at write, flush and close."""

    room = 2048

    def write(self, data):
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def test_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    raw, out = make_raw(tmp_path / "raw"), tmp_path / "out"
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        if "w" not in mode:
            return real_fdopen(fd, mode, *args, **kwargs)
        buffered = stdio.BufferedWriter(FullDisk(fd, "wb"))
        return buffered if "b" in mode else stdio.TextIOWrapper(buffered, encoding=kwargs.get("encoding"),
                                                                newline=kwargs.get("newline"))

    monkeypatch.setattr(io.os, "fdopen", fdopen)
    assert cli("run", "--raw", raw, "--out", out, "--quiet") != 0
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.tmp")) == []
