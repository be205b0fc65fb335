"""`newsclean run` progress: on a terminal a bar of articles with rate and time left, that
moves during a shard; in a pipe or log only whole lines per shard; with -q nothing."""
from __future__ import annotations

import io as stdio
import re

import pytest

from newsclean.tasks.batch import run_batch

from .operations_support import cli_subprocess, make_raw

pytestmark = pytest.mark.integration

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal(stdio.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_of_articles_with_rate_and_time_left(tmp_path):
    stream = Terminal()
    raw = make_raw(tmp_path / "raw", copies=20)
    assert run_batch(str(raw), str(tmp_path / "out"), progress=stream, workers=2) == (True, False)
    frames = [ANSI.sub("", f).strip() for f in stream.getvalue().split("\r")]
    assert "100/100 articles" in frames[-1] and "8/8 shards" in frames[-1]
    assert any(re.search(r"articles \d[\d,]* articles/s \d+:\d\d:\d\d", f) for f in frames)


def test_a_pipe_gets_whole_lines_and_no_terminal_codes(tmp_path):
    done = cli_subprocess("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "out")
    assert done.returncode == 0
    assert "\r" not in done.stderr and "\x1b" not in done.stderr and "\x1b" not in done.stdout
    assert all(line.startswith("newsclean: [") for line in done.stderr.splitlines())
