"""User stages: a stage from any importable module named in the config's ``stages``."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.clean import clean_bytes
from newsclean.pipeline.core.config import STAGES, ConfigError, config_from_mapping
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.rules.registry import BUILTIN, describe_rules, lookup
from newsclean.pipeline.stages.boilerplate import HEURISTICS
from newsclean.tasks.commands.cli import main

from .conftest import ROOT

EXAMPLE = "tests.example_stages:mask_emails"
ARTICLE = """Council approves new bridge over the river
By Jane Smith
The city council voted on Tuesday to build a new footbridge across the river, the mayor said.
Readers can write to the council at bridge.office@city-council.example.org with their views on it.
Got a tip? Write to us.
Construction will begin next spring and is expected to take two years to finish, officials said.
"""


def user_ctx(*stages, rules=None):
    return Context(config_from_mapping({"stages": [*STAGES, *stages]}), rules or io.load_rules())


def test_the_stage_contract_is_importable_from_the_package():
    from newsclean import pipeline
    from newsclean.pipeline import Article, Change, CleanConfig, Context, StageResult  # noqa: F401

    assert {"Article", "Change", "StageResult", "Context", "CleanConfig"} <= set(pipeline.__all__)


def test_a_user_stage_runs_in_order_and_logs_its_changes_under_its_own_ids():
    cleaned = clean_bytes(ARTICLE.encode(), id="a", path="a.txt", ctx=user_ctx(EXAMPLE))
    text = "\n".join(b.text for b in cleaned.article.blocks)
    assert "<email>" in text and "@city-council" not in text and "Got a tip" not in text
    mine = [c for c in cleaned.changes if c.stage == EXAMPLE]
    assert [(c.rule, c.action, c.line) for c in mine] == [("user.pii.email", "edit", 4), ("user.tip-line", "drop", 5)]
    assert cleaned.changes[-len(mine):] == tuple(mine)  # last in the list, as configured
    from newsclean.pipeline.output.contract import changelog_record, corpus_record

    assert unaccounted_lines(ARTICLE, corpus_record(cleaned, user_ctx(EXAMPLE)),
                             changelog_record(cleaned, user_ctx(EXAMPLE))["changes"]) == []


def test_without_the_user_stage_the_lines_stay():
    cleaned = clean_bytes(ARTICLE.encode(), id="a", path="a.txt", ctx=user_ctx())
    assert "bridge.office@city-council.example.org" in "\n".join(b.text for b in cleaned.article.blocks)


def test_no_builtin_rule_id_is_in_the_user_namespace(ctx):
    ids = set(BUILTIN) | set(HEURISTICS) | set(ctx.rules.by_id())
    assert ids and not [i for i in ids if i.startswith("user.")]


def test_registry_describes_a_user_stages_rules(ctx):
    registry = describe_rules(ctx.rules, (*STAGES, EXAMPLE))
    assert registry["user.pii.email"].description.startswith("An e-mail address")
    assert registry["user.pii.email"].origin == f"user stage {EXAMPLE}"
    assert lookup(describe_rules(ctx.rules), "user.other").category == "user"


@pytest.mark.parametrize("name, message", [
    ("nosuchpkg.stages:drop_pii", "stage 'nosuchpkg.stages:drop_pii' does not import: ModuleNotFoundError"),
    ("tests.example_stages:nothing", "has no function 'nothing'"),
    ("tests.example_stages", "unknown stages"),
    ("tests example:x", "neither a built-in stage nor 'module:function'"),
])
def test_a_name_that_does_not_import_is_a_config_error(name, message):
    with pytest.raises(ConfigError, match=message):
        config_from_mapping({"stages": [*STAGES, name]})


@pytest.mark.integration
def test_a_bad_stage_name_is_one_line_from_the_command(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('stages = ["encoding", "nosuchpkg.stages:drop_pii"]\n')
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text(ARTICLE)
    code = main(["run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "--config", str(cfg)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "nosuchpkg.stages:drop_pii" in err[0] and "Traceback" not in err[0]


BROKEN = {
    "foreign_id": 'return StageResult(article, (Change("x", "bp.share-button", "flag", 1, None),))',
    "silent_drop": "return StageResult(replace(article, blocks=article.blocks[1:]))",
    "raises": 'raise KeyError("boom")',
    "not_a_result": "return article",
}


@pytest.fixture
def broken_module(tmp_path, monkeypatch):
    body = "\n".join(f"def {name}(article, ctx):\n    {code}\n" for name, code in BROKEN.items())
    (tmp_path / "broken_stages.py").write_text("from dataclasses import replace\n"
                                               "from newsclean.pipeline import Change, StageResult\n" + body)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "broken_stages"


@pytest.mark.parametrize("fn, reason", [
    ("foreign_id", "rule id 'bp.share-button'"),
    ("silent_drop", "changed or removed line 3 without a Change"),
    ("raises", "raised KeyError"),
    ("not_a_result", "not a StageResult"),
])
def test_a_stage_that_breaks_the_contract_rejects_the_article_naming_itself(broken_module, fn, reason):
    name = f"{broken_module}:{fn}"
    cleaned = clean_bytes(ARTICLE.encode(), id="a", path="a.txt", ctx=user_ctx(name))
    assert cleaned.rejected
    (change,) = cleaned.changes
    assert change.rule == "reject.user-stage" and name in change.detail and reason in change.detail


def cli(*args, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{pythonpath}{os.pathsep}{ROOT}"}
    return subprocess.run([sys.executable, "-c", "from newsclean.tasks.commands.cli import main; raise SystemExit(main())", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.integration
def test_editing_a_user_stage_makes_its_outputs_stale(tmp_path):
    """Each run a process of its own, as from the command line: the second run after the
    user's module changed cleans every article again; a third with nothing changed none."""
    (tmp_path / "raw").mkdir()
    for i in range(3):
        (tmp_path / "raw" / f"a{i}.txt").write_text(ARTICLE)
    module = tmp_path / "site_stages.py"
    module.write_text(textwrap.dedent('''\
        from newsclean.pipeline import StageResult

        def tag(article, ctx):
            return StageResult(article)
    '''))
    (tmp_path / "c.toml").write_text('stages = ["encoding", "boilerplate", "metadata", "normalize", "site_stages:tag"]\n')
    args = ["run", "--raw", "raw", "--out", "out", "--config", "c.toml", "-q"]

    def counts():
        return json.loads((tmp_path / "out" / "manifest.json").read_text())["counts"]

    def code_digests():
        return {json.loads(line)["pipeline"]["code_digest"] for part in (tmp_path / "out" / "corpus").glob("*.jsonl")
                for line in part.read_text().splitlines()}

    first = cli(*args, cwd=tmp_path, pythonpath=tmp_path)
    assert first.returncode == 0, first.stderr
    before = code_digests()
    module.write_text(module.read_text() + "\n# a comment is a change of code\n")
    assert cli(*args, cwd=tmp_path, pythonpath=tmp_path).returncode == 0
    assert counts()["cleaned"] == 3
    after = code_digests()
    assert len(before) == len(after) == 1 and before != after
    third = cli(*args, cwd=tmp_path, pythonpath=tmp_path)
    assert third.returncode == 0 and "nothing changed" in third.stdout


def test_no_user_stage_leaves_the_code_digest_as_it_was(ctx):
    from newsclean.pipeline.output.contract import stamp

    assert stamp(ctx)["code_digest"] == io.code_digest()
    assert stamp(user_ctx(EXAMPLE, rules=ctx.rules))["code_digest"] != io.code_digest()


def test_the_worked_example_in_the_docs_is_the_tested_module():
    doc = (ROOT / "docs" / "stages.md").read_text()
    assert (ROOT / "tests" / "example_stages.py").read_text().strip() in doc
