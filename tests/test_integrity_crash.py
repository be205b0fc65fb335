"""Issue 19, point 3: a run that removes articles, killed at each rename it makes, then
rerun: the manifest reports every removed article and the parts are those of an
uninterrupted run (removals are journaled before the parts are replaced)."""
import shutil
import subprocess
import sys

import pytest

from .operations_support import ROOT, cli, make_raw, manifest, parts

pytestmark = pytest.mark.integration

# runs the CLI with os.replace counted; SIGKILL just before rename number NEWSCLEAN_KILL_AT,
# and the number of renames made written to NEWSCLEAN_RENAMES when the run ends
KILLER = """
import atexit, os, signal, sys
at, count, real = int(os.environ["NEWSCLEAN_KILL_AT"]), [0], os.replace
def replace(src, dst, *args, **kwargs):
    count[0] += 1
    if count[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *args, **kwargs)
os.replace = replace
atexit.register(lambda: open(os.environ["NEWSCLEAN_RENAMES"], "w").write(str(count[0])))
from newsclean.tasks.commands.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_killed(raw, out, config, at: int, counter) -> int:
    env = {"NEWSCLEAN_KILL_AT": str(at), "NEWSCLEAN_RENAMES": str(counter), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", KILLER, "run", "--raw", str(raw), "--out", str(out), "--config",
                           str(config), "--quiet"], cwd=ROOT, env=env, capture_output=True, timeout=120)
    return proc.returncode


@pytest.fixture(scope="module")
def removal(tmp_path_factory):
    """A raw folder, an output of it, then 6 of its articles deleted: (raw, config, the
    output before the deletions, the removed ids, the parts of an uninterrupted rerun,
    how many renames that rerun makes)."""
    base = tmp_path_factory.mktemp("removal")
    raw = make_raw(base / "raw", copies=4)
    config = base / "newsclean.toml"
    config.write_text("shards = 4\n")
    before = base / "before"
    assert cli("run", "--raw", raw, "--out", before, "--config", config, "--quiet") == 0
    gone = sorted(p for p in raw.glob("c00*.txt"))[::2][:6]
    for path in gone:
        path.unlink()
    reference = base / "reference"
    shutil.copytree(before, reference)
    assert run_killed(raw, reference, config, 0, base / "count") == 0
    renames = int((base / "count").read_text())
    assert manifest(reference)["removed"] == sorted(p.stem for p in gone)
    return raw, config, before, sorted(p.stem for p in gone), parts(reference), renames


def test_the_removal_run_renames_enough_to_be_tested(removal):
    assert removal[5] >= 12


@pytest.mark.parametrize("at", range(1, 25))
def test_killed_at_each_rename_the_rerun_reports_every_removal(removal, tmp_path, at):
    raw, config, before, removed, reference, renames = removal
    if at > renames:
        pytest.skip(f"the run makes {renames} renames")
    out = tmp_path / "out"
    shutil.copytree(before, out)
    assert run_killed(raw, out, config, at, tmp_path / "count") == -9
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert manifest(out)["removed"] == removed
    assert parts(out) == reference
    assert cli("verify", "--out", out) == 0
