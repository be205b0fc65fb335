"""CLI habits: -v/-q on every command, a command's own usage on a bad option, `-` for
standard output of export."""
from __future__ import annotations

import io as stdio

import pyarrow.parquet as pq
import pytest

from newsclean.tasks.commands.cli import main, parser

from .operations_support import cli, cli_subprocess, make_raw

pytestmark = pytest.mark.integration

COMMANDS = {"run": [], "sitestats": [], "rebuild": ["x"], "show": ["x"], "report": [], "stats": [],
            "export": ["--format", "txt", "--to", "x"], "clean": ["x"], "verify": [], "compact": []}


def test_every_command_is_listed():
    sub = next(a for a in parser()._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_takes_v_and_q(command):
    for flag in ("-v", "-q", "--verbose", "--quiet"):
        args = parser().parse_args([command, *COMMANDS[command], flag])
        assert (args.verbose, args.quiet) == ((1, False) if "v" in flag else (0, True))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_bad_option_prints_the_commands_own_usage(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, *COMMANDS[command], "--no-such-option"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: newsclean {command} ") and "--no-such-option" in err


def test_quiet_run_prints_only_its_result(tmp_path):
    done = cli_subprocess("run", "--raw", make_raw(tmp_path / "raw"), "--out", tmp_path / "out", "-q")
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout.splitlines()) == 1


def test_export_parquet_to_stdout(tmp_path):
    import subprocess
    import sys

    from .operations_support import ROOT

    out = tmp_path / "out"
    assert cli("run", "--raw", make_raw(tmp_path / "raw"), "--out", out, "-q") == 0
    done = subprocess.run([sys.executable, "-m", "newsclean.tasks.commands.cli", "export", "--out", str(out), "--format", "parquet",
                           "--to", "-"], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert pq.read_table(stdio.BytesIO(done.stdout)).num_rows == 5
    assert not (ROOT / "-").exists()
    txt = cli_subprocess("export", "--out", out, "--format", "txt", "--to", "-", "-q")
    assert txt.returncode == 0 and txt.stderr == "" and txt.stdout.count("\n\n") >= 5
