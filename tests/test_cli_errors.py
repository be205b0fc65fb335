"""The command line meets ordinary mistakes with one line and a documented exit status
(tasks/exitcodes.py, docs/cli.md), never a traceback."""
from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsclean.tasks.commands.cli import main
from newsclean.tasks.exitcodes import MEANING, Exit

from .operations_support import ROOT, cli, cli_subprocess, file_stats, make_raw

pytestmark = pytest.mark.integration

DOCS = ROOT / "docs" / "cli.md"


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_output_folder_under_a_file_is_one_line_and_failed(tmp_path):
    (tmp_path / "file").write_text("x")
    done = cli_subprocess("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "file" / "clean")
    assert done.returncode == Exit.FAILED
    line = one_line(done.stderr)
    assert "Not a directory" in line and "choose another --out" in line


def test_a_task_that_cannot_write_is_one_line(tmp_path):
    (tmp_path / "o" / "_state").mkdir(parents=True)  # a run's folder (one no run wrote is refused: below)
    (tmp_path / "o" / "corpus").write_text("a file where the corpus folder should be")
    done = cli_subprocess("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "o")
    assert done.returncode == Exit.FAILED
    line = one_line(done.stderr)
    assert "did not complete" in line and "rerun to resume" in line and "corpus" in line


def test_a_task_whose_completeness_cannot_be_checked_is_named_with_its_error(tmp_path, monkeypatch, capsys):
    """A complete() that raises (a store that did not answer) makes Luigi skip the task with a
    warning only; the summary line says which task and why, not a task that succeeded."""
    from newsclean.tasks.run.clean_shard import CleanShard

    checked: set[int] = set()
    complete = CleanShard.complete

    def unanswered_after_planning(self):
        if self.shard in checked:  # the run's own count of work to do checks each shard once first
            raise ConnectionError("the store did not answer")
        checked.add(self.shard)
        return complete(self)

    monkeypatch.setattr(CleanShard, "complete", unanswered_after_planning)
    assert cli("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "out", "--quiet") == Exit.FAILED
    line = one_line(capsys.readouterr().err)
    assert re.search(r"did not complete: (CleanShard|Dedup|Publish): its complete\(\) failed: "
                     r"ConnectionError: the store did not answer", line), line
    assert "None" not in line


def test_a_completeness_check_that_fails_once_is_scheduled_again_and_the_run_succeeds(tmp_path, monkeypatch, capsys):
    from newsclean.tasks.run.clean_shard import CleanShard

    calls: dict[int, int] = {}
    complete = CleanShard.complete

    def unanswered_once(self):
        calls[self.shard] = calls.get(self.shard, 0) + 1
        if calls[self.shard] == 2:  # the first check inside Luigi
            raise ConnectionError("the store did not answer")
        return complete(self)

    monkeypatch.setattr(CleanShard, "complete", unanswered_once)
    assert cli("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "out", "--quiet") == 0
    assert max(calls.values()) > 2


@pytest.mark.parametrize("code,advice", [(errno.ENOSPC, "free some space"), (errno.EACCES, "permissions"),
                                         (errno.EROFS, "read-only")])
def test_disk_full_and_permission_denied_are_one_line(tmp_path, monkeypatch, capsys, code, advice):
    from newsclean.pipeline import io

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / "out"))
    monkeypatch.setattr(io, "atomic_write_text", refuse)
    assert cli("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "out") == Exit.FAILED
    assert advice in one_line(capsys.readouterr().err)


def test_ctrl_c_says_how_far_it_got_and_a_rerun_resumes(tmp_path):
    raw = make_raw(tmp_path / "raw", copies=80)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "newsclean.tasks.commands.cli", "run", "--raw", str(raw), "--out", str(out), "-q"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list((out / "_state" / "shards").glob("*.json")) and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the batch finished before the signal arrived")
    assert proc.returncode == Exit.INTERRUPTED
    m = re.fullmatch(r"newsclean: interrupted after (\d+)/8 shards; rerun to resume", one_line(err))
    assert m and int(m.group(1)) >= 1
    done = {p: s for p, s in file_stats(out).items() if p.startswith("_state/shards/")}
    rerun = cli_subprocess("run", "--raw", raw, "--out", out, "-q")
    assert rerun.returncode == 0, rerun.stderr
    after = file_stats(out)
    assert all(after.get(p) == s for p, s in done.items())  # finished shards are not redone


def test_an_output_folder_holding_a_corpus_no_run_wrote_is_refused_and_left_alone(tmp_path, capsys):
    """A user's own corpus/part-00000.jsonl in --out was replaced by the run's part (with one
    shard, exit 0), or made Dedup fail with KeyError 'id' (with eight)."""
    raw = make_raw(tmp_path / "raw")
    (tmp_path / "one.toml").write_text("shards = 1\n")
    mine = tmp_path / "o" / "corpus" / "part-00000.jsonl"
    mine.parent.mkdir(parents=True)
    mine.write_text('{"my": "own data"}\n')
    for command in (["run", "--config", tmp_path / "one.toml"], ["run"], ["sitestats"]):
        assert cli(*command, "--raw", raw, "--out", tmp_path / "o") == Exit.USAGE
        line = one_line(capsys.readouterr().err)
        assert "holds corpus/ but no newsclean run wrote it" in line and "choose a new or empty folder" in line
        assert mine.read_text() == '{"my": "own data"}\n' and sorted(p.name for p in (tmp_path / "o").iterdir()) == ["corpus"]
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "manifest.json").write_text('{"mine": 1}\n')
    assert cli("run", "--raw", raw, "--out", tmp_path / "m") == Exit.USAGE
    assert "holds manifest.json but" in one_line(capsys.readouterr().err)


def test_a_run_writes_into_a_new_a_readme_only_or_its_own_folder_without_its_state(tmp_path, capsys):
    raw = make_raw(tmp_path / "raw")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "README.md").write_text("the clean/ folder of a checkout\n")
    for out in ("new", "o", "o"):
        assert cli("run", "-q", "--raw", raw, "--out", tmp_path / out) == Exit.OK
    shutil.rmtree(tmp_path / "o" / "_state")  # docs/operations.md: the output's _state may be deleted
    assert cli("run", "-q", "--raw", raw, "--out", tmp_path / "o") == Exit.OK
    assert "unchanged 5" in capsys.readouterr().out


def test_a_second_run_on_one_output_folder_is_refused_while_the_first_runs(tmp_path, capsys):
    """Two runs at once on one --out both ran Publish: the second wrote the manifest over the
    first's with every article counted unchanged ("cleaned 0, unchanged 305" for a first run)."""
    from newsclean.pipeline import io
    from newsclean.tasks.folder import paths

    raw, out = make_raw(tmp_path / "raw"), tmp_path / "o"
    for shared, holder in ((False, f"pid {os.getpid()}"), (True, "the worker processes of a --scheduler-url batch")):
        with io.run_lock(paths.run_lock(out), shared=shared):  # a run under way, or a distributed batch
            assert cli("run", "--raw", raw, "--out", out) == Exit.FAILED
            line = one_line(capsys.readouterr().err)
            assert f"another newsclean run ({holder}) is writing to" in line and "then rerun" in line
            assert not (out / "manifest.json").exists() and not (out / "_state" / "plan").exists()
    assert cli("run", "-q", "--raw", raw, "--out", out) == Exit.OK  # the lock is let go with its holder
    assert "cleaned 5, unchanged 0" in capsys.readouterr().out


def test_the_run_lock_is_taken_on_a_file_open_for_writing(tmp_path, monkeypatch):
    """On NFS, Linux emulates flock with POSIX locks: an exclusive lock on a file open read-only
    fails with EBADF, and every run failed ("cannot write or read: Bad file descriptor")."""
    import errno
    import fcntl

    from newsclean.pipeline import io

    real = fcntl.flock

    def nfs_flock(fd, op):
        if op & fcntl.LOCK_EX and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor")
        return real(fd, op)

    monkeypatch.setattr(fcntl, "flock", nfs_flock)
    with io.run_lock(tmp_path / "_state" / "locks" / "run.lock"):
        pass
    (tmp_path / "_state" / "locks" / "run.lock").chmod(0o444)  # a lock file this user may not write
    if os.geteuid() != 0:  # root writes it anyway
        with io.run_lock(tmp_path / "_state" / "locks" / "run.lock", shared=True):
            pass


def test_a_killed_runs_lock_is_let_go(tmp_path):
    from newsclean.tasks.folder import paths

    lock = paths.run_lock(tmp_path / "o")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from newsclean.pipeline import io\n"
                               f"with io.run_lock(Path({str(lock)!r})):\n print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    done = cli_subprocess("run", "-q", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "o")
    assert done.returncode == Exit.FAILED and f"(pid {holder.pid})" in one_line(done.stderr)
    holder.kill()
    holder.wait()
    assert cli_subprocess("run", "-q", "--raw", tmp_path / "raw", "--out", tmp_path / "o").returncode == Exit.OK


# a config file that does not load: its bytes -> what the one line names. Each used to be a
# traceback (the first three), or was taken and then rejected every input or ran 2 shards for 2.5
BAD_CONFIGS = {
    "not-utf8": (b"\xff\xfeshards = 2\n", "can't decode byte 0xff"),
    "clean-not-a-table": (b"clean = 5\n", "[clean] must be a table of config keys, got 5"),
    "stages-not-a-list": (b"stages = 5\n", "stages must be a list of stage names, got 5"),
    "skip-rules-not-a-list": (b"html_skip_rules = 5\n", "html_skip_rules must be a list of rule ids, got 5"),
    "skip-rules-a-string": (b'html_skip_rules = "bp.copyright"\n', "html_skip_rules must be a list of rule ids"),
    "skip-rules-a-typo": (b'html_skip_rules = ["bp.copyrite"]\n',
                          "html_skip_rules: unknown rule id 'bp.copyrite' (did you mean 'bp.copyright'?)"),
    "skip-rules-unknown": (b'html_skip_rules = ["bp.copyright", "zz.none"]\n', "unknown rule id 'zz.none': not a text rule"),
    "skip-rules-html-only": (b'[clean]\nhtml_skip_rules = ["bp.html-also-on"]\n', "unknown rule id 'bp.html-also-on'"),
    "shards-absurd": (b"shards = 1000000000\n", "shards must be at most 1,000, got 1,000,000,000"),
    "shards-over": (b"shards = 1001\n", "shards must be at most 1,000, got 1,001"),
    "shards-not-whole": (b"shards = 2.5\n", "shards must be a whole number, got 2.5"),
    "limit-zero": (b"max_input_bytes = 0\n", "max_input_bytes must be above 0, got 0"),
    "limit-negative": (b"max_lines = -5\n", "max_lines must be above 0, got -5"),
    "count-negative": (b"sentence_min_words = -1\n", "sentence_min_words must be at least 0, got -1"),
    "timeout-negative": (b"extract_timeout = -1\n", "extract_timeout must be at least 0, got -1"),
}


@pytest.mark.parametrize("kind", sorted(BAD_CONFIGS))
def test_a_config_file_that_does_not_load_is_one_line_and_usage(tmp_path, capsys, kind):
    data, message = BAD_CONFIGS[kind]
    (tmp_path / "bad.toml").write_bytes(data)
    assert main(["clean", str(ROOT / "raw" / "000_1be1833fb9aa4d76.txt"), "--config", str(tmp_path / "bad.toml")]) == Exit.USAGE
    out = capsys.readouterr()
    assert message in one_line(out.err) and out.out == ""


def test_a_config_file_that_cannot_be_read_is_usage_not_a_failed_write(tmp_path, capsys, monkeypatch):
    """It was exit 1 with "cannot write or read c.toml: Permission denied; ... choose another
    --out": the config file read (for its digest) before io.load_config could say it."""
    from newsclean.tasks.run import task_base

    (tmp_path / "locked.toml").write_text("shards = 2\n")
    read_bytes = task_base.io.read_bytes

    def denied(path):
        if Path(path).name == "locked.toml":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)
    monkeypatch.setattr(task_base.io, "read_bytes", denied)
    assert main(["clean", str(ROOT / "raw" / "000_1be1833fb9aa4d76.txt"), "--config", str(tmp_path / "locked.toml")]) \
        == Exit.USAGE
    assert one_line(capsys.readouterr().err) == f"newsclean: {tmp_path / 'locked.toml'}: Permission denied"


@pytest.mark.parametrize("ok", ["regex_budget = 0", "extract_timeout = 0", "shards = 3", "regex_timeout = 2",
                                "shards = 1000", "html_skip_rules = []", 'html_skip_rules = ["bp.copyright", "bp.share-button"]'])
def test_a_config_of_no_bound_or_a_whole_number_loads(tmp_path, capsys, ok):
    (tmp_path / "ok.toml").write_text(ok + "\n")
    assert main(["clean", str(ROOT / "raw" / "000_1be1833fb9aa4d76.txt"), "--config", str(tmp_path / "ok.toml")]) == Exit.OK
    assert capsys.readouterr().err == ""


def test_sitestats_of_a_missing_raw_folder_is_not_found_as_for_run(tmp_path, capsys):
    """It exited 1 (FAILED), run 4 (NOT_FOUND) for the same mistake."""
    assert main(["sitestats", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == Exit.NOT_FOUND
    assert "raw folder" in one_line(capsys.readouterr().err)


def test_verify_of_a_folder_with_no_run_is_not_found_and_one_without_its_manifest_damaged(tmp_path, capsys):
    """A typo in --out was reported as a damaged folder (exit 1), where every other command
    says there is no run there (exit 4)."""
    assert main(["verify", "--out", str(tmp_path / "nowhere")]) == Exit.NOT_FOUND
    assert "no manifest in" in one_line(capsys.readouterr().err)
    (tmp_path / "lost" / "corpus").mkdir(parents=True)
    (tmp_path / "lost" / "corpus" / "part-00000.jsonl").write_text("{}\n")
    assert main(["verify", "--out", str(tmp_path / "lost")]) == Exit.FAILED
    assert "manifest.json is missing" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore::luigi.parameter.UnconsumedParameterWarning")  # the two rpc settings
def test_a_scheduler_url_where_no_luigid_answers_is_one_line(tmp_path, capsys):
    """Luigi's RPCError ended in a traceback (after its retries, a minute by default)."""
    import luigi.configuration

    from newsclean.tasks.loopback import free_port

    config = luigi.configuration.get_config()
    config.set("core", "rpc_retry_attempts", "1")
    config.set("core", "rpc_retry_wait", "0")
    try:
        url = f"http://127.0.0.1:{free_port()}"
        assert main(["run", "--raw", str(make_raw(tmp_path / "raw")), "--out", str(tmp_path / "out"), "-q",
                     "--scheduler-url", url]) == Exit.FAILED
    finally:
        config.remove_option("core", "rpc_retry_attempts")
        config.remove_option("core", "rpc_retry_wait")
    line = one_line(capsys.readouterr().err)
    assert url in line and "is luigid running there?" in line


@pytest.mark.parametrize("value", ["-1", "7", "nan", "half"])
def test_min_fraction_must_be_a_fraction(value, capsys):
    """-1 and 7 were taken (7: no line can be in 700% of a site's stories, so the statistics
    were silently empty); nan failed the task with no reason shown."""
    with pytest.raises(SystemExit) as exc:
        main(["sitestats", "--min-fraction", value])
    assert exc.value.code == Exit.USAGE
    err = capsys.readouterr().err
    assert "usage: newsclean sitestats" in err and "--min-fraction" in err


@pytest.mark.parametrize("argv", [["run", "--raw", ""], ["run", "--out", ""], ["sitestats", "--raw", ""],
                                  ["show", "x", "--out", ""], ["export", "--format", "txt", "--to", ""]])
def test_an_empty_path_is_refused(argv, capsys):
    """`--raw "$RAW"` with RAW not set: "" was the current folder, and run cleaned all of it."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == Exit.USAGE
    assert "an empty path names no folder" in capsys.readouterr().err


def test_luigis_own_launcher_exits_non_zero_when_the_batch_cannot_run(tmp_path):
    """`luigi --module newsclean.tasks.batch Batch --raw nope ...` exited 0 (Luigi's default
    without a [retcode] section): a cron job saw success."""
    done = subprocess.run([sys.executable, "-m", "luigi", "--module", "newsclean.tasks.batch", "Batch",
                           "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--local-scheduler"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 35, done.stderr[-500:]  # luigi.cfg's [retcode] scheduling_error
    assert "raw folder" in done.stderr and "does not exist" in done.stderr


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_workers_must_be_at_least_one(workers, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--workers", workers])
    assert exc.value.code == Exit.USAGE
    err = capsys.readouterr().err
    assert "usage: newsclean run" in err and "--workers" in err


def test_unknown_id_is_the_same_status_for_show_and_rebuild(tmp_path, capsys):
    raw, out = make_raw(tmp_path / "raw"), tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "-q") == 0
    assert cli("show", "no_such_article", "--out", out) == Exit.NOT_FOUND
    assert cli("rebuild", "no_such_article", "--raw", raw, "--out", out) == Exit.NOT_FOUND
    assert cli("rebuild", "../x", "--raw", raw, "--out", out) == Exit.USAGE
    for command in (["stats"], ["report"], ["export", "--format", "txt", "--to", tmp_path / "t"]):
        assert cli(*command, "--out", tmp_path / "nothing") == Exit.NOT_FOUND
    assert cli("run", "--raw", tmp_path / "missing", "--out", tmp_path / "o2") == Exit.NOT_FOUND


def test_every_exit_status_is_in_the_docs_table():
    rows = dict(re.findall(r"^\| (\d+) \| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    assert rows == {str(int(e)): e.name for e in Exit}
    assert set(MEANING) == set(Exit)
