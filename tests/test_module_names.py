"""A module is called by its name: no file imports a newsclean module under the name of a
module since renamed (a reader looking for ``chain_tasks`` or ``features`` finds no such
file). Read from the source (ast), in the library, the tasks, the tests and bench/."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# names that were modules' (chain_tasks: the local name stage_tasks had when it was tasks'
# chain module) and that no module has now; their modules are named since as on the right.
# classify and rules, former modules too, are packages now and keep their names.
FORMER = {
    "chain_tasks": "tasks/run/stage_tasks.py",
    "common": "tasks/run/task_base.py",
    "extract_html": "pipeline/ingest/html_extract.py",
    "extract_readability": "pipeline/ingest/html_readability.py",
    "features": "pipeline/text/predicates.py",
    "outputs": "tasks/folder/read_back.py",
    "record": "pipeline/output/contract.py",
    "shard": "pipeline/output/shards.py",
    "stopwords": "pipeline/text/languages.py",
    "user_stages": "pipeline/stages/user.py",
}


def former_names(source: str) -> list[str]:
    """The aliases of ``source``'s newsclean imports that are a former module's name (FORMER)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsclean") or \
                isinstance(node, ast.Import) and any(a.name.startswith("newsclean") for a in node.names):
            out += [a.asname for a in node.names if a.asname in FORMER]
    return out


def test_no_module_is_imported_under_a_former_name():
    found = []
    for top in ("pipeline", "tasks", "tests", "bench"):
        for path in sorted((ROOT / top).rglob("*.py")):
            found += [f"{path.relative_to(ROOT)}: {n}" for n in former_names(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_former_modules_are_gone_and_their_successors_there():
    names = {p.stem for top in ("pipeline", "tasks") for p in (ROOT / top).rglob("*.py")}
    assert not names & set(FORMER)
    assert all((ROOT / path).is_file() for path in FORMER.values())


def test_the_checker_finds_a_former_name():
    assert former_names("from newsclean.tasks.run import stage_tasks as chain_tasks\n") == ["chain_tasks"]
    assert former_names("import newsclean.pipeline.ingest.html_extract as extract_html\n") == ["extract_html"]
    assert former_names("from newsclean.tasks.run import stage_tasks\n") == []
    assert former_names("from newsclean.pipeline.output import segments as segment_rules\n") == []
    assert former_names("import json as features\n") == []  # not a newsclean module
