"""Issue 5, point 6: a run killed with SIGKILL at any point and rerun ends with the corpus
of an uninterrupted run and no temporary files; writes are temp + fsync + rename."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsclean.pipeline import io
from .operations_support import ROOT, cli, make_raw, parts, temp_files

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    raw = make_raw(base / "raw", copies=60)  # 300 articles in 16 shards: about a second of work
    config = base / "newsclean.toml"
    config.write_text("shards = 16\n")
    reference = base / "reference"
    assert cli("run", "--raw", raw, "--out", reference, "--config", config, "--quiet") == 0
    return raw, config, parts(reference)


def states(out: Path) -> int:
    return len(list((out / "_state" / "shards").glob("*.json")))


def kill_when(raw, config, out, ready, workers=1) -> bool:
    """Start ``newsclean run`` in its own process group, SIGKILL the group as soon as
    ``ready(out)`` holds (bounded wait). Returns False when the run finished first."""
    proc = subprocess.Popen([sys.executable, "-m", "newsclean.tasks.commands.cli", "run", "--raw", str(raw), "--out", str(out),
                             "--config", str(config), "--workers", str(workers), "--quiet"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if ready(out):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return True
            time.sleep(0.002)
        return False
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.mark.parametrize("point,ready,workers", [
    ("while planning", lambda out: (out / "_state" / "plan").is_dir(), 1),
    ("after the first shard", lambda out: states(out) >= 1, 1),
    ("half way", lambda out: states(out) >= 8, 1),
    ("half way, two worker processes", lambda out: states(out) >= 8, 2),
    ("while publishing", lambda out: states(out) >= 16, 1),
])
def test_killed_run_then_rerun_gives_the_uninterrupted_corpus(batch, tmp_path, point, ready, workers):
    raw, config, reference = batch
    out = tmp_path / "out"
    killed = kill_when(raw, config, out, ready, workers)
    rerun = subprocess.run([sys.executable, "-m", "newsclean.tasks.commands.cli", "run", "--raw", str(raw), "--out", str(out),
                            "--config", str(config), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert parts(out) == reference, f"killed {point} (killed={killed})"
    assert temp_files(out) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "corpus" / "part-00000.jsonl"
    io.atomic_write_text(target, "old\n")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        io.atomic_write_text(target, "new\n")
    with pytest.raises(OSError):
        with io.PartWriter(target) as writer:
            writer.write("new")
    assert target.read_text() == "old\n" and temp_files(tmp_path) == []


def test_leftovers_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    live_tmp = corpus / f".part-00000.jsonl~{io._HOST}~{os.getpid()}~abc.tmp"
    dead_tmp = corpus / f".part-00001.jsonl~{io._HOST}~{dead.pid}~abc.tmp"
    foreign_new = corpus / ".part-00002.jsonl~otherhost~123~abc.tmp"
    foreign_old = corpus / ".part-00003.jsonl~otherhost~123~abc.tmp"
    for path in (live_tmp, dead_tmp, foreign_new, foreign_old):
        path.write_text("partial")
    os.utime(foreign_old, (time.time() - 2 * io.FOREIGN_TEMP_AGE,) * 2)
    assert io.remove_temp_files(tmp_path) == [dead_tmp, foreign_old]
    assert live_tmp.exists() and foreign_new.exists()
