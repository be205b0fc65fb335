"""A progress bar for ``newsclean run``: one line per finished shard, on stderr.

Luigi calls the SUCCESS handler in the process that ran the shard (a forked worker process
with ``--workers N``, or another machine's worker), so the bar counts the batch's shard
state files on disk rather than keeping a counter: every line is right whoever prints it.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import luigi

from .shards import CleanShard

_current: "Bar | None" = None


class Bar:
    def __init__(self, states: list[Path], stream: TextIO, width: int = 30):
        self.states, self.stream, self.width = states, stream, width

    def line(self, shard: int, message: str) -> str:
        done = sum(1 for p in self.states if p.exists())
        filled = self.width * done // max(len(self.states), 1)
        return (f"newsclean: [{'#' * filled}{'.' * (self.width - filled)}] {done}/{len(self.states)} shards"
                f"  shard {shard} done: {message}")


def start(states: list[Path], stream: TextIO | None = sys.stderr) -> None:
    """Show a line per finished shard of this batch (``stream=None``: nothing)."""
    global _current
    _current = Bar(states, stream) if stream is not None else None


@CleanShard.event_handler(luigi.Event.SUCCESS)
def _shard_done(task: CleanShard) -> None:
    if _current is not None:
        print(_current.line(task.shard, task.summary), file=_current.stream, flush=True)
