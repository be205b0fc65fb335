"""Run a command and measure it: wall time, CPU time and peak RSS of its whole process tree.

``os.wait4`` gives the child's resource usage including every descendant it waited for
(Luigi's worker processes): CPU is their sum, ``ru_maxrss`` the largest single process.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measure:
    wall: float  # seconds
    cpu: float  # user + system seconds, all processes
    peak_rss_mb: float  # the largest process of the run

    def rate(self, count: float) -> float:
        return count / self.wall if self.wall else float("inf")


def run(cmd: list[str], quiet: bool = True, env: dict[str, str] | None = None) -> Measure:
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child never blocks
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if quiet else None, stderr=errors, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed with {code}:\n{err[-2000:]}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def newsclean() -> str:
    """The installed console script beside this Python (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name("newsclean")
    found = str(beside) if beside.exists() else shutil.which("newsclean")
    if not found:
        raise SystemExit("bench: no newsclean command (run `make bench`, which installs it)")
    return found


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
