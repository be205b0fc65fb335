"""Issue 17: a run with nothing to clean needs the rules' digest, not the rules. It used to
parse and compile every pack (about a second of CPU, a third of a no-change rerun at 10k
articles); the rules are now read and digested at once and compiled on first use, and a
batch with work compiles them once before Luigi forks its workers."""
from __future__ import annotations

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.clean import clean_record
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.inputs import Record
from newsclean.pipeline.rules.ruleset import DeferredRuleSet, RuleError, RuleSet
from newsclean.pipeline.stages.context import Context
from newsclean.tasks.batch import run_batch
from newsclean.tasks.commands.cli import main
from newsclean.tasks.exitcodes import Exit
from newsclean.tasks.run import task_base


def test_deferred_rules_digest_without_building_and_the_same_rules_once_built():
    eager = io.load_rules()
    calls = []
    deferred = io.load_rules(deferred=True, then=lambda: calls.append(1))
    assert isinstance(deferred, DeferredRuleSet) and isinstance(deferred, RuleSet)
    assert deferred.digest == eager.digest
    assert not deferred.is_built and calls == []
    assert [r.id for r in deferred.general] == [r.id for r in eager.general]  # first use builds
    assert deferred.is_built and calls == [1]
    assert [r.id for r in deferred.html] == [r.id for r in eager.html]
    assert [m.name for m in deferred.models] == [m.name for m in eager.models]
    assert deferred.sites == eager.sites
    assert calls == [1]  # built once
    skipped = deferred.without(("bp.copyright",))
    assert "bp.copyright" not in {r.id for r in skipped.general} and skipped.digest == eager.digest


def test_a_build_that_does_not_match_the_digest_is_an_error():
    rules = DeferredRuleSet("0" * 16, io.load_rules)
    with pytest.raises(RuleError, match="rules changed while loading"):
        rules.built()


def write(raw, name, text):
    raw.mkdir(parents=True, exist_ok=True)
    (raw / name).write_text(text, encoding="utf-8")


TEXT = ("Harbour repairs begin\n\nThe harbour authority said on Monday that repairs to the north pier "
        "would start next month and last until the spring.\n\nShare this article\n")


@pytest.mark.integration
def test_a_no_change_run_does_not_compile_the_rules_and_a_run_with_work_does_before_its_workers(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw, "a.txt", TEXT)
    task_base._context.cache_clear()
    assert run_batch(str(raw), str(out)) == (True, False)
    assert task_base.load_context("", str(out)).rules.is_built  # there was work: compiled in this process

    task_base._context.cache_clear()  # a new process, as the next scheduled run is
    assert run_batch(str(raw), str(out)) == (True, True)
    assert not task_base.load_context("", str(out)).rules.is_built

    write(raw, "b.txt", TEXT.replace("north", "south"))
    task_base._context.cache_clear()
    assert run_batch(str(raw), str(out), workers=2) == (True, False)
    assert task_base.load_context("", str(out)).rules.is_built  # compiled before the workers forked


def broken_rules() -> DeferredRuleSet:
    """Rules whose pack does not load, found when they are first used (as a user's pack
    with a bad regex is)."""
    def build() -> RuleSet:
        raise RuleError("zz_user.toml: rule bp.zz: bad regex: missing ) at position 4")
    return DeferredRuleSet("0" * 16, build)


def test_a_rule_pack_that_does_not_load_is_an_error_not_a_rejected_article():
    """It used to reject every input as `reject.error` (`newsclean clean` exit 3, nothing on
    stderr): the pack's fault, not the article's."""
    ctx = Context(CleanConfig(), broken_rules())
    with pytest.raises(RuleError, match="bad regex"):
        clean_record(Record("a", "text", TEXT.encode(), None, "0" * 64), path="a.txt", ctx=ctx)


@pytest.mark.integration
def test_rebuild_with_a_rule_pack_that_does_not_load_keeps_the_stored_record(tmp_path, monkeypatch, capsys):
    """`newsclean rebuild ID` used to replace the article's record with a `reject.error`
    rejection (exit 0; the corpus lost it and `verify` called the folder damaged)."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw, "a.txt", TEXT)
    task_base._context.cache_clear()
    assert run_batch(str(raw), str(out)) == (True, False)
    stored = {p.name: p.read_bytes() for p in sorted((out / "corpus").glob("*.jsonl"))}
    monkeypatch.setattr(task_base.io, "load_rules", lambda **kw: broken_rules())
    task_base._context.cache_clear()
    try:
        assert main(["rebuild", "a", "--raw", str(raw), "--out", str(out)]) == Exit.USAGE
    finally:
        task_base._context.cache_clear()
    assert "zz_user.toml: rule bp.zz: bad regex" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in sorted((out / "corpus").glob("*.jsonl"))} == stored
