"""Progress of ``newsclean run`` on stderr.

On a terminal: a bar of the articles done, with their rate and the time left (rich), that
moves during a long shard. Elsewhere (a log, a pipe): one line per finished shard, so that
nothing but whole lines reaches the file. ``-q``: nothing.

Luigi runs a shard in the process that holds it (a forked worker process with
``--workers N``), so the articles done are counted in shared memory, one slot per shard,
made before Luigi forks; the finished shards are counted from their state files on disk,
which are right whoever prints the line.
"""
from __future__ import annotations

import multiprocessing
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

_current: Bar | None = None


class Bar:
    def __init__(self, states: list[Path], stream: TextIO, sizes: list[int] | None = None, width: int = 30):
        self.states, self.stream, self.width = states, stream, width
        self.sizes = sizes or [0] * len(states)
        self.done = multiprocessing.Array("q", len(states), lock=False)  # articles done, per shard
        self.live: Any = None  # a rich Progress while a terminal shows the bar

    def line(self, shard: int, message: str) -> str:
        done = sum(1 for p in self.states if p.exists())
        filled = self.width * done // max(len(self.states), 1)
        return (f"newsclean: [{'#' * filled}{'.' * (self.width - filled)}] {done}/{len(self.states)} shards"
                f"  shard {shard} done: {message}")

    def articles(self) -> int:
        return sum(self.done)

    def start_live(self) -> None:
        """The terminal bar, refreshed by a thread from the shared counts."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.live = Progress(TextColumn("newsclean"), BarColumn(), MofNCompleteColumn(), TextColumn("articles"),
                             RateColumn(), TimeRemainingColumn(), TextColumn("{task.fields[shards]}"),
                             console=Console(file=self.stream, force_terminal=True), transient=False)
        self.task = self.live.add_task("run", total=sum(self.sizes), shards=self.shards_text())
        self.stopping = threading.Event()
        self.live.start()
        self.thread = threading.Thread(target=self._refresh, daemon=True)
        self.thread.start()

    def shards_text(self) -> str:
        return f"{sum(1 for p in self.states if p.exists())}/{len(self.states)} shards"

    def _refresh(self) -> None:
        while not self.stopping.wait(0.2):
            self.update()

    def update(self) -> None:
        self.live.update(self.task, completed=self.articles(), shards=self.shards_text())

    def stop(self) -> None:
        if self.live is not None:
            self.stopping.set()
            self.thread.join()
            self.update()
            self.live.stop()
            self.live = None


class RateColumn:
    """Articles per second (rich's own speed columns speak of bytes)."""

    def __new__(cls) -> Any:  # a rich ProgressColumn, made when rich is imported
        from rich.progress import ProgressColumn
        from rich.text import Text

        class _Rate(ProgressColumn):
            def render(self, task):
                return Text(f"{task.speed:,.0f} articles/s" if task.speed else "- articles/s")

        return _Rate()


def start(states: list[Path], stream: TextIO | None = sys.stderr, sizes: list[int] | None = None) -> None:
    """Show this batch's progress on ``stream`` (None: nothing); ``sizes``: the articles of
    each shard still to do (0 for a shard already done)."""
    global _current
    _current = Bar(states, stream, sizes) if stream is not None else None
    if _current is not None and _isatty(stream):
        _current.start_live()


def stop() -> None:
    global _current
    if _current is not None:
        _current.stop()
    _current = None


def article_done(shard: int, done: int) -> None:
    """Called in the process that runs ``shard``: ``done`` of its articles are cleaned."""
    if _current is not None and shard < len(_current.done):
        _current.done[shard] = done


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def shard_done(shard: int, summary: str) -> None:
    """Called when ``shard`` is clean (``CleanShard``'s success handler): its count is full
    and, without a live bar, its line is printed."""
    if _current is None:
        return
    article_done(shard, _current.sizes[shard] if shard < len(_current.sizes) else 0)
    if _current.live is None:
        print(_current.line(shard, summary), file=_current.stream, flush=True)
