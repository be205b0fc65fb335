"""Every third-party package the code imports is declared in pyproject.toml (issue 14): what
newsclean imports when a module loads is in ``dependencies``; what it imports only inside a
function (object storage, the report's browser) may be in an extra; the tests' imports are in
``dependencies`` or the ``test`` extra. Read from the source (ast), the module-to-distribution
names from the installed packages (``importlib.metadata``)."""
import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OURS = {"newsclean", "pipeline", "tasks", "tests", "__future__"}
INSTALLED = packages_distributions()  # slow (every installed distribution's files): once


def name_of(requirement: str) -> str:
    return re.split(r"[<>=!~\[;, ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def declared(*extras: str) -> set[str]:
    names = {name_of(r) for r in PROJECT["dependencies"]}
    for extra in extras:
        names |= {name_of(r) for r in PROJECT["optional-dependencies"][extra]}
    return names


def third_party(path: Path) -> dict[str, bool]:
    """The top-level third-party modules ``path`` imports, each with whether some import of it
    runs when the module loads (not inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_function = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for n in ast.walk(f) if n is not f}
    out: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top not in OURS:
                out[top] = out.get(top, False) or id(node) not in in_function
    return out


def distributions(module: str) -> set[str]:
    return {d.lower().replace("_", "-") for d in INSTALLED.get(module, [module])}


def undeclared(folders: tuple[str, ...], at_load: set[str], in_function: set[str]) -> list[str]:
    bad = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "fixtures" in path.parts:
                continue
            for module, loaded in sorted(third_party(path).items()):
                allowed = at_load if loaded else in_function
                if not distributions(module) & allowed:
                    bad.append(f"{path.relative_to(ROOT)}: {module}")
    return bad


def test_the_package_declares_what_it_imports():
    extras = [e for e in PROJECT["optional-dependencies"] if e not in ("test", "lint")]
    assert undeclared(("pipeline", "tasks", "newsclean"), declared(), declared(*extras, "test")) == []


def test_the_tests_declare_what_they_import():
    assert undeclared(("tests",), declared("test"), declared("test")) == []


def test_the_scan_sees_imports():
    """Not vacuous: a module-level import, a function-level one, a relative one, and the
    requirement names as pyproject.toml spells them."""
    path = ROOT / "tasks" / "folder" / "storage.py"
    assert third_party(path).get("fsspec") is False
    assert third_party(ROOT / "pipeline" / "stages" / "encoding.py").get("ftfy") is True
    assert name_of("moto[server]>=5") == "moto" and name_of("readability-lxml>=0.8.1") == "readability-lxml"
    assert distributions("ahocorasick") == {"pyahocorasick"}
