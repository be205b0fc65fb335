"""The unit tests run alone (``make test-unit``: ``-m "not integration and not bench"``) only
if every test that runs newsclean end to end carries the ``integration`` marker: one that
calls the command line (``cli``, ``main``), runs a batch (``run_batch``, ``luigi.build``) or
starts a process (``subprocess``), itself, through a helper or a fixture of its module, or
through a fixture of conftest.py; and every test that loads a bench/ script
(``spec_from_file_location``, ``runpy``) the ``bench`` marker. Read from the source (ast); a
new unmarked one fails here."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# names whose call runs newsclean end to end (imported helpers included: operations_support.cli,
# test_integrity_crash.run_killed), and modules whose any call starts a process or a batch
RUNNERS = {"cli", "main", "run_batch", "run_killed", "loopback_service"}
RUNNER_MODULES = {"subprocess", "luigi"}
LOADERS = {"spec_from_file_location", "run_path"}


def _is_marked(node: ast.AST, marker: str = "integration") -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == marker for n in ast.walk(node))


def _called(fn: ast.FunctionDef) -> set[str]:
    out = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                out.add(f.id)
            elif isinstance(f, ast.Attribute):
                if f.attr in LOADERS:
                    out.add(f.attr)
                base = f.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in RUNNER_MODULES:
                    out.add(base.id + "." + f.attr)
                if isinstance(base, ast.Name) and base.id == "cli" and f.attr == "main":
                    out.add("main")
    return out


def _runs(names: set[str], marker: str = "integration") -> bool:
    if marker == "bench":
        return bool(names & LOADERS)
    return bool(names & RUNNERS) or any(n.split(".")[0] in RUNNER_MODULES for n in names)


def functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def running(funcs: dict[str, ast.FunctionDef], outer: set[str] = frozenset(), marker: str = "integration") -> set[str]:
    """The functions of a module that run newsclean (for ``bench``: load a script): directly,
    or by calling or requesting (as a fixture parameter) another that does; ``outer`` are such
    fixtures of conftest.py."""
    deps = {name: _called(fn) | {a.arg for a in fn.args.args} for name, fn in funcs.items()}
    found = {name for name, d in deps.items() if _runs(d, marker) or d & outer}
    while True:
        more = {name for name, d in deps.items() if name not in found and d & found}
        if not more:
            return found
        found |= more


def unmarked(source: str, outer: set[str] = frozenset(), marker: str = "integration") -> list[str]:
    tree = ast.parse(source)
    marked_module = any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                          for t in n.targets) and _is_marked(n.value, marker)
                        for n in tree.body)
    if marked_module:
        return []
    funcs = functions(tree)
    runs = running(funcs, outer, marker)
    return [name for name, fn in funcs.items() if name.startswith("test_") and name in runs
            and not any(_is_marked(d, marker) for d in fn.decorator_list)]


def test_every_end_to_end_test_is_marked_integration():
    outer = running(functions(ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))))
    bad = [f"{p.name}::{name}" for p in sorted(TESTS.glob("test_*.py"))
           for name in unmarked(p.read_text(encoding="utf-8"), outer)]
    assert bad == []


def test_every_bench_script_test_is_marked_bench():
    bad = [f"{p.name}::{name}" for p in sorted(TESTS.glob("test_*.py"))
           for name in unmarked(p.read_text(encoding="utf-8"), marker="bench")]
    assert bad == []


def test_the_checker_sees_a_run_through_a_fixture_and_a_helper():
    source = '''
import pytest, subprocess

@pytest.fixture
def out(tmp_path):
    assert cli("run", "--out", tmp_path) == 0
    return tmp_path

def helper(x):
    return subprocess.run(["true"])

def test_a(out): pass
def test_b(): helper(1)
def test_c(tmp_path): assert tmp_path
@pytest.mark.integration
def test_d(out): pass
def test_e(ctx): pass
'''
    assert unmarked(source) == ["test_a", "test_b"]
    assert unmarked(source, outer={"ctx"}) == ["test_a", "test_b", "test_e"]
    assert unmarked("import pytest\npytestmark = pytest.mark.integration\n" + source) == []
    script = "import importlib.util\ndef test_f():\n    importlib.util.spec_from_file_location('q', 'bench/q.py')\n"
    assert unmarked(script, marker="bench") == ["test_f"] and unmarked(script) == []
    assert unmarked("import pytest\n@pytest.mark.bench\n" + script.split("\n", 1)[1], marker="bench") == []
