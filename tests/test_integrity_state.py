"""Issue 19, point 2: plans and shard states are a cache: one that cannot be read is
discarded with a one-line warning and rebuilt, never a failure of every later run."""
import pytest

from newsclean.pipeline.output.shards import shard_of

from .operations_support import cli, make_raw, manifest, parts

pytestmark = pytest.mark.integration


@pytest.fixture
def batch(tmp_path):
    raw, out = make_raw(tmp_path / "raw", copies=4), tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    return raw, out, parts(out)


def test_a_junk_plan_with_its_state_missing_is_planned_again(batch, capsys):
    raw, out, reference = batch
    plan = sorted((out / "_state" / "plan").glob("*.json"))[3]
    plan.write_text("{not json")
    (out / "_state" / "shards" / plan.name).unlink()
    capsys.readouterr()
    for _ in range(2):
        assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    err = capsys.readouterr().err
    assert err.count("cannot be read: discarded") == 1 and f"_state/plan/{plan.name}" in err
    assert parts(out) == reference and manifest(out)["counts"]["read"] == 20


def test_a_junk_state_and_a_change_elsewhere(batch, capsys):
    raw, out, reference = batch
    gone = "c001_000_1be1833fb9aa4d76"
    states = [p for p in sorted((out / "_state" / "shards").glob("*.json")) if int(p.name[:5]) != shard_of(gone, 8)]
    states[2].write_text("null")
    states[5].write_text('{"shard": 5, "cleaned": 3}')
    (raw / f"{gone}.txt").unlink()
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    err = capsys.readouterr().err
    assert err.count("cannot be read: discarded") == 2
    assert manifest(out)["removed"] == ["c001_000_1be1833fb9aa4d76"]
    assert manifest(out)["counts"]["read"] == 19


def test_a_junk_stat_cache_is_discarded(batch, capsys):
    raw, out, reference = batch
    (out / "_state" / "partstat.json").write_text("[1, 2")
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert "partstat.json cannot be read" in capsys.readouterr().err
    assert parts(out) == reference
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert "cannot be read" not in capsys.readouterr().err
