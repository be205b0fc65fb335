"""Issue 5, point 3 and determinism: a central luigid on a free loopback port, two worker
processes at once over one batch, every article written exactly once; two fresh runs give
byte-identical files."""
import re
import subprocess
import sys

import pytest

from newsclean.tasks.loopback import free_port, loopback_service, luigid_command

from .operations_support import ROOT, cli, make_raw, manifest, parts, records

pytestmark = pytest.mark.integration


@pytest.fixture
def luigid(tmp_path):
    """luigid on a free loopback port, its state in this test's folder; its URL."""
    port = free_port()
    (tmp_path / "luigid").mkdir()
    with loopback_service(luigid_command(port, str(tmp_path / "luigid")), port, "luigid") as url:
        yield url


def test_two_worker_processes_share_one_batch_and_write_each_article_once(luigid, tmp_path):
    raw = make_raw(tmp_path / "raw", copies=60)
    config = tmp_path / "newsclean.toml"
    config.write_text("shards = 16\n")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "newsclean.tasks.commands.cli", "run", "--raw", str(raw), "--out", str(out), "--config", str(config),
           "--scheduler-url", luigid, "--workers", "1"]
    workers = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    results = [w.communicate(timeout=180) for w in workers]
    for w, (_, stderr) in zip(workers, results):
        assert w.returncode == 0, stderr
    ran = [{int(s) for s in re.findall(r"shard (\d+) done", stderr)} for _, stderr in results]
    print("shards per worker process:", sorted(ran[0]), sorted(ran[1]))
    assert not ran[0] & ran[1], "a shard was cleaned by both worker processes"
    assert ran[0] | ran[1] == set(range(16))
    ids = records(out)  # fails if an id is written twice
    assert len(ids) == 300 and len(records(out, "changelog")) == 300
    local = tmp_path / "local"
    assert cli("run", "--raw", raw, "--out", local, "--config", config, "--quiet") == 0
    assert parts(out) == parts(local)
    assert manifest(out)["counts"] == {"read": 300, "cleaned": 300, "unchanged": 0, "rejected": 0, "removed": 0}


def test_two_fresh_runs_give_byte_identical_files(tmp_path):
    raw = make_raw(tmp_path / "raw", copies=4)
    (raw / "empty.txt").write_bytes(b"")  # a rejection too
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli("run", "--raw", raw, "--out", first, "--quiet") == 0
    assert cli("run", "--raw", raw, "--out", second, "--workers", "2", "--quiet") == 0
    assert parts(first) == parts(second) and len(parts(first)) == 16
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()


def test_progress_bar_and_luigi_status_messages(tmp_path, monkeypatch, capsys):
    from luigi.worker import TaskStatusReporter

    messages, percents = [], []  # what the worker reports to the scheduler (luigid shows it)
    monkeypatch.setattr(TaskStatusReporter, "update_status_message", lambda self, m: messages.append((0, m)))
    monkeypatch.setattr(TaskStatusReporter, "update_progress_percentage", lambda self, p: percents.append((0, p)))
    raw = make_raw(tmp_path / "raw", copies=12)  # 60 articles, so one shard passes the 50-article mark
    config = tmp_path / "one.toml"
    config.write_text("shards = 1\n")
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--config", config) == 0
    err = capsys.readouterr().err
    assert "newsclean: [##############################] 1/1 shards  shard 0 done: 60 cleaned, 0 unchanged, " \
           "0 rejected, 0 removed" in err
    assert (0, "50/60 articles") in messages and messages[-2] == (0, "60 cleaned, 0 unchanged, 0 rejected, 0 removed")
    assert messages[-1] == (0, "55 linked records in 5 groups")  # then the Dedup step: 5 seeds, 12 copies of each
    assert percents[0] == (0, 0) and percents[-1] == (0, 100)
