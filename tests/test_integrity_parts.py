"""Issue 19, point 1: a missing or damaged part is noticed by the next run and rebuilt from
raw/ (saying so), ``verify`` checks everything in full, ``export`` and ``show`` refuse a
damaged part with one line."""
import json

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.output.shards import shard_of

from .operations_support import cli, make_raw, manifest, parts

pytestmark = pytest.mark.integration

SHARDS = 8


@pytest.fixture
def batch(tmp_path):
    raw, out = make_raw(tmp_path / "raw", copies=4), tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    return raw, out, parts(out)


def fullest_shard(out) -> int:
    return max(range(SHARDS), key=lambda s: (out / "corpus" / f"part-{s:05d}.jsonl").stat().st_size)


def test_manifest_records_what_each_part_holds(batch):
    raw, out, _ = batch
    table = manifest(out)["parts"]
    assert [p["path"] for p in table] == sorted(f"{f}/part-{s:05d}.jsonl" for f in ("corpus", "changelog")
                                                 for s in range(SHARDS))
    for part in table:
        assert {k: part[k] for k in ("records", "bytes", "sha256")} == io.part_record(out / part["path"])
        assert part["shard"] == int(part["path"][-11:-6])
    assert sum(p["records"] for p in table if p["path"].startswith("corpus/")) == manifest(out)["counts"]["read"]


def test_a_deleted_part_is_rebuilt_and_the_run_says_so(batch, capsys):
    raw, out, reference = batch
    shard = fullest_shard(out)
    (out / "corpus" / f"part-{shard:05d}.jsonl").unlink()
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    said = capsys.readouterr()
    assert "nothing changed" not in said.out
    assert f"corpus/part-{shard:05d}.jsonl is missing" in said.err and "rebuilt from the raw folder" in said.err
    assert parts(out) == reference


@pytest.mark.parametrize("folder", ["corpus", "changelog"])
def test_a_truncated_part_in_a_shard_with_work_is_rebuilt(batch, capsys, folder):
    raw, out, reference = batch
    shard = fullest_shard(out)
    part = out / folder / f"part-{shard:05d}.jsonl"
    part.write_bytes(part.read_bytes()[:-700])  # cut inside a record
    new = next(f"z{n:03d}" for n in range(1000) if shard_of(f"z{n:03d}", SHARDS) == shard)
    (raw / f"{new}.txt").write_text("A new article arrives in the damaged shard.\n\nIt has two paragraphs of text.\n")
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert "rebuilt from the raw folder" in capsys.readouterr().err
    (raw / f"{new}.txt").unlink()
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert parts(out) == reference
    assert manifest(out)["removed"] == [new]


def test_a_part_changed_in_place_is_noticed_though_its_size_is_the_same(batch, capsys):
    raw, out, reference = batch
    part = out / "changelog" / f"part-{fullest_shard(out):05d}.jsonl"
    data = part.read_bytes()
    part.write_bytes(data.replace(b'"status"', b'"STATUS"', 1))
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert "differs from its record" in capsys.readouterr().err
    assert parts(out) == reference


def test_a_no_change_run_checks_parts_by_stat_not_checksum(batch, monkeypatch):
    raw, out, _ = batch
    hashed = []
    real = io.file_sha256
    monkeypatch.setattr(io, "file_sha256", lambda path: hashed.append(path) or real(path))
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert [p for p in hashed if "part-" in str(p)] == []


def test_verify_passes_a_sound_output_and_fails_a_damaged_one(batch, capsys):
    raw, out, _ = batch
    assert cli("verify", "--out", out) == 0
    assert "verified" in capsys.readouterr().out
    part = out / "corpus" / f"part-{fullest_shard(out):05d}.jsonl"
    part.write_bytes(part.read_bytes()[:-700])
    assert cli("verify", "--out", out) == 1
    said = capsys.readouterr()
    assert f"corpus/{part.name}" in said.out and "damaged" in said.err


def test_verify_finds_an_id_written_twice(batch):
    raw, out, _ = batch
    shard = fullest_shard(out)
    part = out / "corpus" / f"part-{shard:05d}.jsonl"
    line = part.read_text(encoding="utf-8").splitlines()[0]
    part.write_text(part.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    entry = next(p for p in manifest(out)["parts"] if p["path"] == f"corpus/{part.name}")
    entry.update(io.part_record(part))  # even with the table made to agree, the id is there twice
    m = manifest(out)
    m["parts"] = [entry if p["path"] == entry["path"] else p for p in m["parts"]]
    (out / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    from newsclean.tasks.commands.verify import verify

    problems, _ = verify(out)
    assert any("written 2 times" in p for p in problems)


def test_export_and_show_refuse_a_damaged_part_in_one_line(batch, tmp_path, capsys):
    raw, out, _ = batch
    shard = fullest_shard(out)
    part = out / "corpus" / f"part-{shard:05d}.jsonl"
    victim = json.loads(part.read_text(encoding="utf-8").splitlines()[0])["id"]
    part.write_bytes(part.read_bytes()[:-700])
    capsys.readouterr()
    assert cli("export", "--out", out, "--format", "txt", "--to", tmp_path / "txt") != 0
    err = capsys.readouterr().err
    assert f"{part.name} is damaged" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "txt").exists()
    assert cli("show", victim, "--out", out, "--no-color") != 0
    err = capsys.readouterr().err
    assert f"{part.name} is damaged" in err and len(err.strip().splitlines()) == 1


def test_check_parts_reports_nothing_on_a_sound_output(batch):
    from newsclean.tasks.folder import integrity

    raw, out, _ = batch
    assert integrity.check_parts(out, SHARDS) == {}
