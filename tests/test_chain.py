"""The stage chain: one Luigi task per stage and shard, the same output as the fused run."""
import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import luigi
import pytest

from newsclean.pipeline import io
from newsclean.pipeline.output.chain import DECODE, chain_stages, step_digests, step_reads
from newsclean.pipeline.core.config import STAGES, CleanConfig, ConfigError
from newsclean.tasks.run import stage_tasks
from newsclean.tasks.batch import plan_batch
from newsclean.tasks.commands.cli import main

from .conftest import FIXTURES, RAW
from .operations_support import make_raw

USER = "tests.example_stages:mask_emails"


@pytest.fixture
def raw(tmp_path):
    """Seeds, HTML pages, text pages, an empty input and an id taken twice."""
    folder = make_raw(tmp_path / "raw")
    for p in sorted((FIXTURES / "html").glob("*.html.gz"))[:2] + sorted((FIXTURES / "pages").glob("*.txt"))[:3]:
        shutil.copy(p, folder / p.name)
    (folder / "empty.txt").write_text("   \n")
    (folder / "x.txt").write_text("A line.\n")
    (folder / "x.txt.gz").write_bytes(gzip.compress(b"Another line of the same id.\n"))
    return folder


def parts(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for folder in ("corpus", "changelog") for p in sorted((out / folder).glob("*.jsonl"))}


def run(raw, out, *extra):
    return main(["run", "--raw", str(raw), "--out", str(out), "-q", *extra])


@pytest.mark.integration
def test_the_chain_writes_what_the_fused_run_writes(raw, tmp_path):
    assert run(raw, tmp_path / "fused") == 0
    assert run(raw, tmp_path / "chain", "--chain") == 0
    assert parts(tmp_path / "fused") == parts(tmp_path / "chain") != {}
    manifests = [json.loads((tmp_path / o / "manifest.json").read_text()) for o in ("fused", "chain")]
    assert manifests[0]["counts"] == manifests[1]["counts"] and manifests[0]["counts"]["rejected"] >= 2
    assert manifests[0]["rules"] == manifests[1]["rules"]
    # the intermediates are gone once the shards are committed; a rerun does nothing
    assert not list((tmp_path / "chain" / "_state" / "chain").rglob("*.bin"))
    before = parts(tmp_path / "chain")
    assert run(raw, tmp_path / "chain", "--chain") == 0 and parts(tmp_path / "chain") == before


@pytest.mark.integration
def test_a_user_stage_is_a_task_of_its_own_and_cleans_as_fused(raw, tmp_path):
    (raw / "tip.txt").write_text("Council approves new bridge over the river\nBy Jane Smith\n"
                                 "The city council voted on Tuesday to build a new footbridge across the river.\n"
                                 "Write to bridge.office@council.example.org with your views on the new bridge.\n"
                                 "Got a tip? Write to us.\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'stages = {json.dumps([*STAGES, USER])}\n')
    assert run(raw, tmp_path / "fused", "--config", str(cfg)) == 0
    assert run(raw, tmp_path / "chain", "--config", str(cfg), "--chain") == 0
    assert parts(tmp_path / "fused") == parts(tmp_path / "chain")
    assert b"user.pii.email" in b"".join(parts(tmp_path / "chain").values())
    publish = plan_batch(str(raw), str(tmp_path / "chain2"), str(cfg), chain=True)
    last = publish.requires()[0].requires()
    assert (last.task_family, last.stage) == ("UserStage", USER)


def families(task) -> list[str]:
    """The task families from ``task`` down its single chain of requirements."""
    out = []
    while task:
        out.append(task.task_family)
        req = task.requires()
        task = req[0] if isinstance(req, list) and req else (req or None)
    return out


def test_each_shard_is_a_chain_of_stage_tasks_in_the_configured_order(raw, tmp_path):
    publish = plan_batch(str(raw), str(tmp_path / "out"), chain=True)
    shard = publish.requires()[0]
    assert families(shard) == ["CleanShard", "Normalize", "Metadata", "Captions", "Boilerplate", "Residue",
                               "Encoding", "Decode"]
    fused = plan_batch(str(raw), str(tmp_path / "out2"))
    assert families(fused.requires()[0]) == ["CleanShard"]


def test_html_stages_out_of_the_order_of_stages_is_one_config_error():
    cfg = replace(CleanConfig(), html_stages=("normalize", "encoding"))
    with pytest.raises(ConfigError, match="html_stages in the order of stages"):
        chain_stages(cfg)
    assert chain_stages(CleanConfig(stages=("encoding", "normalize"))) == (
        "encoding", "residue", "boilerplate", "metadata", "normalize")


def test_a_stage_reads_the_fields_of_its_own_switches():
    sources = tuple(sorted(io.library_sources().items()))
    reads = {step: step_reads(step, sources) for step in (DECODE, *STAGES)}
    assert "normalize_nfc" in reads["normalize"]["fields"] and "normalize_nfc" not in reads["boilerplate"]["fields"]
    assert "classify_blocks" in reads["boilerplate"]["fields"] and "fix_latin_ligatures" in reads["encoding"]["fields"]
    assert "fix_latin_ligatures" not in reads["boilerplate"]["fields"]
    assert "max_input_bytes" in reads[DECODE]["fields"] and reads["boilerplate"]["rules"]
    assert len({r["code"] for r in reads.values()}) == len(reads)


def test_a_normalisation_switch_changes_the_digests_of_normalize_and_after_only(ctx):
    sources = io.library_sources()
    cfg = CleanConfig(stages=(*STAGES, USER))
    before = step_digests([], replace(ctx, config=cfg), sources)
    after = step_digests([], replace(ctx, config=replace(cfg, normalize_nfc=False)), sources)
    same = [a == b for a, b in zip(before, after)]
    assert [s for s, _ in before] == [DECODE, *STAGES, USER]
    assert same == [True] * 6 + [False, False]
    titles = step_digests([], replace(ctx, config=replace(cfg, title_min_words=5)), sources)
    assert [a == b for a, b in zip(before, titles)][:4] == [True, True, True, False]  # boilerplate on


@pytest.mark.integration
def test_after_a_normalisation_change_the_chain_reruns_normalize_not_the_classifier(raw, tmp_path, monkeypatch):
    """The chain run up to normalize (not committed), then the batch with a normalisation
    switch changed: decode and the stages before normalize are complete already; normalize
    runs again, and the output is what a fused run with the new config writes."""
    out = tmp_path / "chain"
    shard = next(t for t in plan_batch(str(raw), str(out), chain=True).requires()
                 if io.read_json(tmp_path / "chain" / "_state" / "plan" / f"{t.shard:05d}-{t.digest}.json")["entries"])
    normalize = shard.requires()
    assert normalize.task_family == "Normalize"
    assert luigi.build([normalize], local_scheduler=True, log_level="WARNING")
    assert len(list((out / "_state" / "chain").rglob("*.bin"))) == 7

    ran = []
    real_apply, real_decode = stage_tasks.apply_stage, stage_tasks.decode_entry
    mine = {e["id"] for e in io.read_json(out / "_state" / "plan" / f"{shard.shard:05d}-{shard.digest}.json")["entries"]}
    monkeypatch.setattr(stage_tasks, "apply_stage",
                        lambda name, p, ctx: (p.id in mine and ran.append(name)) or real_apply(name, p, ctx))
    monkeypatch.setattr(stage_tasks, "decode_entry",
                        lambda e, *a: (e.id in mine and ran.append(DECODE)) or real_decode(e, *a))
    cfg = tmp_path / "c.toml"
    cfg.write_text("normalize_nfc = false\n")
    assert run(raw, out, "--chain", "--config", str(cfg)) == 0
    assert "normalize" in ran and not {DECODE, "encoding", "residue", "boilerplate", "captions", "metadata"} & set(ran)
    assert run(raw, tmp_path / "fused", "--config", str(cfg)) == 0
    assert parts(out) == parts(tmp_path / "fused")
    assert not list((out / "_state" / "chain").rglob("*.bin"))


def test_same_inputs_give_the_same_chain_digests(ctx, tmp_path, raw):
    a = plan_batch(str(raw), str(tmp_path / "a"), chain=True).requires()[0]
    b = plan_batch(str(raw), str(tmp_path / "b"), chain=True).requires()[0]
    assert stage_tasks.shard_chain(a.out, "", a.shard, a.digest) == stage_tasks.shard_chain(b.out, "", b.shard, b.digest)
    assert a.digest == b.digest


@pytest.mark.integration
def test_a_rerun_of_the_chain_cleans_only_the_changed_input(raw, tmp_path, monkeypatch):
    out = tmp_path / "chain"
    assert run(raw, out, "--chain") == 0
    seed = sorted(raw.glob("0*.txt"))[0]
    seed.write_text(seed.read_text() + "\nOne more sentence was added to this article later on.\n")
    decoded = []
    real = stage_tasks.decode_entry
    monkeypatch.setattr(stage_tasks, "decode_entry", lambda e, *a: decoded.append(e.id) or real(e, *a))
    assert run(raw, out, "--chain") == 0
    assert decoded == [seed.stem]
    assert run(raw, tmp_path / "fused") == 0
    assert parts(out) == parts(tmp_path / "fused")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["cleaned"] == 1


@pytest.mark.integration
def test_the_chain_reads_its_intermediates_back_from_disk_as_another_process_would(raw, tmp_path, monkeypatch):
    monkeypatch.setattr(stage_tasks, "_kept", lambda path: None)  # nothing kept in memory
    assert run(raw, tmp_path / "chain", "--chain") == 0
    assert run(raw, tmp_path / "fused") == 0
    assert parts(tmp_path / "chain") == parts(tmp_path / "fused")


def test_an_intermediate_reads_back_as_it_was_and_the_same_values_give_the_same_bytes(clean, tmp_path):
    from newsclean.pipeline.core.article import Change
    from newsclean.pipeline.output.chain import Pending, dumps, loads, loads_changes

    values = [clean((RAW / "000_1be1833fb9aa4d76.txt").read_bytes(), id="a"), clean(b"  \n", id="empty")]
    pending = [Pending(c.id, c.source, c) for c in values]
    data = dumps(pending)
    assert data[:1] == b"M" and loads(data) == pending and dumps(loads(data)) == data
    assert [p.cleaned.changes for p in loads(data, changes=False)] == [(), values[1].changes]
    assert loads_changes(data) == [c.changes for c in values]
    odd = Change("x", "user.odd", "flag", 1, None, detail=object())  # not marshal's: pickled
    strange = [Pending("a", values[0].source, replace(values[0], changes=(odd,)))]
    assert dumps(strange)[:1] == b"P" and loads(dumps(strange))[0].cleaned.changes[0].rule == "user.odd"


def test_a_pickled_intermediate_gives_the_commit_its_changes_as_a_marshalled_one_does(clean):
    """The commit reads the steps before the last for their changes alone: a shard that fell
    back to pickle gives them too, not its Pending values (gather iterated those and failed)."""
    from fractions import Fraction

    from newsclean.pipeline.core.article import Change
    from newsclean.pipeline.output.chain import Pending, dumps, gather, loads, loads_changes

    values = [clean((RAW / "000_1be1833fb9aa4d76.txt").read_bytes(), id="a"), clean(b"  \n", id="empty")]
    odd = Change("x", "user.odd", "flag", 1, None, detail=Fraction(1, 3))  # not marshal's: pickled
    strange = [Pending(c.id, c.source, replace(c, changes=c.changes + (odd,))) for c in values]
    plain = [Pending(c.id, c.source, c) for c in values]
    assert dumps(strange)[:1] == b"P" and dumps(plain)[:1] == b"M"
    assert loads_changes(dumps(strange)) == [p.cleaned.changes for p in strange]
    assert loads_changes(dumps(plain)) == [c.changes for c in values]
    last = loads(dumps(plain), changes=False)
    gathered = gather([loads_changes(dumps(strange))], last)
    assert gathered["a"].cleaned.changes == strange[0].cleaned.changes + last[0].cleaned.changes


def _through_the_chain(entry, load, ctx):
    from newsclean.pipeline.output.chain import apply_stage, decode_entry, finished

    pending, spent = decode_entry(entry, load, ctx), []
    for step in chain_stages(ctx.config):
        pending = apply_stage(step, pending, ctx)
        spent.append(pending.spent)
    return finished(pending, entry), spent


def _html_page() -> str:
    return sorted((FIXTURES / "html").glob("*.html.gz"))[0].name


@pytest.mark.parametrize("name", ["000_1be1833fb9aa4d76.txt", "003_d4e081953e54f5da.txt", "html"])
def test_the_chain_charges_one_pattern_budget_per_article_across_its_steps(ctx, name):
    """In the fused run one ``regex_budget`` serves every stage of an article; each stage task of
    the chain started without one, so an article the fused run rejects for its pattern work was
    cleaned under --chain (issue 19, left over). Output must be the same, rejection included."""
    from newsclean.pipeline.ingest.inputs import Record
    from newsclean.pipeline.output.shards import Entry, clean_entry

    fmt, path = ("html", FIXTURES / "html" / _html_page()) if name == "html" else ("text", RAW / name)
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    entry = Entry(id="a", rel=path.name, sha256="0" * 64)

    def load(e):
        return Record("a", fmt, data, None, e.sha256)

    free = replace(ctx, config=replace(ctx.config, regex_budget=0))
    cleaned, spent = _through_the_chain(entry, load, free)
    assert not cleaned.rejected and spent[-1] > 0
    tight = replace(ctx, config=replace(ctx.config, regex_budget=spent[-1] - 1))
    fused = clean_entry(entry, load, tight)
    assert fused.rejected and fused.changes[0].rule == "reject.regex-budget"
    chained, _ = _through_the_chain(entry, load, tight)
    assert chained == fused
    enough = replace(ctx, config=replace(ctx.config, regex_budget=spent[-1]))
    assert _through_the_chain(entry, load, enough)[0] == clean_entry(entry, load, enough) == cleaned


def test_an_intermediate_keeps_each_articles_pattern_spend(clean):
    from newsclean.pipeline.output.chain import Pending, dumps, loads

    value = clean((RAW / "000_1be1833fb9aa4d76.txt").read_bytes(), id="a")
    pending = [Pending("a", value.source, value, spent=12_345)]
    assert [p.spent for p in loads(dumps(pending))] == [12_345]
    assert [p.spent for p in loads(dumps(pending), changes=False)] == [12_345]
