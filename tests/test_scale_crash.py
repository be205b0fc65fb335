"""Issue 17, point 1: a run that adds, changes and removes articles (new segments, rewritten
segments, deleted ones), killed at each rename it makes, then rerun: every id once, the
records of an uninterrupted run, every removal reported, and no part file left over."""
import shutil

import pytest

from .operations_support import cli, make_raw, manifest, records
from .test_integrity_crash import run_killed
from .test_scale_segments import add_copies, settle
from newsclean.tasks.folder import paths

pytestmark = pytest.mark.integration  # every test here runs newsclean end to end (tests/test_markers.py)


@pytest.fixture(scope="module")
def growth(tmp_path_factory):
    """(raw, config, the output before, the removed id, the reference output, its renames)."""
    base = tmp_path_factory.mktemp("growth")
    raw = make_raw(base / "raw", copies=3)
    config = base / "newsclean.toml"
    config.write_text("shards = 2\n")
    settle(raw)
    before = base / "before"
    assert cli("run", "--raw", raw, "--out", before, "--config", config, "--quiet") == 0
    add_copies(raw, "n")
    assert cli("run", "--raw", raw, "--out", before, "--config", config, "--quiet") == 0  # a second segment
    add_copies(raw, "m")
    (raw / "n00_001_88141e08922914d6.txt").unlink()
    changed = raw / "c001_003_d4e081953e54f5da.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more sentence was added to this article today.\n",
                       encoding="utf-8")
    settle(raw)
    reference = base / "reference"
    shutil.copytree(before, reference)
    assert run_killed(raw, reference, config, 0, base / "count") == 0
    renames = int((base / "count").read_text())
    assert manifest(reference)["removed"] == ["n00_001_88141e08922914d6"]
    return raw, config, before, reference, renames


def test_the_growth_run_renames_enough_to_be_tested(growth):
    assert growth[4] >= 12


@pytest.mark.parametrize("at", range(1, 31))
def test_killed_at_each_rename_the_rerun_gives_the_same_records(growth, tmp_path, at):
    raw, config, before, reference, renames = growth
    if at > renames:
        pytest.skip(f"the run makes {renames} renames")
    out = tmp_path / "out"
    shutil.copytree(before, out)
    assert run_killed(raw, out, config, at, tmp_path / "count") == -9
    assert cli("run", "--raw", raw, "--out", out, "--config", config, "--quiet") == 0
    assert manifest(out)["removed"] == ["n00_001_88141e08922914d6"]
    assert records(out) == records(reference)  # records() fails on an id written twice
    assert records(out, "changelog") == records(reference, "changelog")
    assert set(paths.part_files(out)) == {p["path"] for p in manifest(out)["parts"]}
    assert cli("verify", "--out", out) == 0
