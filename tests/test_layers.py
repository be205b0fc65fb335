"""The layers (issue 14): newsclean.pipeline's sub-packages import only those below them,
with no cycle between modules, not even under TYPE_CHECKING or inside a function; the
library never imports luigi or newsclean.tasks; nothing imports a top-level ``pipeline`` or
``tasks``; and every package is listed in pyproject.toml. Read from the source (ast), so
that an import hidden from the interpreter still counts."""
import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# from the bottom up; a module not named here (a new one) takes the rank of the highest it imports
LAYERS = ["core", "text", "rules", "classify", "stages", "ingest", "io", "clean", "output"]


def modules() -> dict[str, Path]:
    out = {}
    for top in ("pipeline", "tasks"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out["newsclean." + ".".join(parts)] = path
    return out


MODULES = modules()


def imported(name: str, path: Path) -> set[str]:
    """Every newsclean module ``name`` imports, anywhere in the file."""
    out = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_pkg else name.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name and not name.startswith(t + "."):
                out.add(t)
    return out


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[2] if parts[1] == "pipeline" and len(parts) > 2 and parts[2] in LAYERS else None


def cycles() -> list[list[str]]:
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                found.append(sorted(scc))
    for v in GRAPH:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles() == []


def test_sub_packages_import_only_those_below():
    rank: dict[str, int] = {}

    def rank_of(name: str, seen: tuple = ()) -> int:
        if name in rank:
            return rank[name]
        if layer(name) is not None:
            rank[name] = LAYERS.index(layer(name))
        elif name.startswith("newsclean.tasks"):
            rank[name] = len(LAYERS)
        else:  # the package itself, or a module no layer names: as high as what it imports
            rank[name] = max((rank_of(t, seen + (name,)) for t in GRAPH[name] if t not in seen), default=0)
        return rank[name]
    upward = [f"{a} imports {b}" for a in GRAPH for b in GRAPH[a]
              if layer(a) is not None and rank_of(b) > rank_of(a) and layer(a) != layer(b)]
    assert upward == []


def test_the_library_never_imports_luigi_or_the_tasks():
    bad = []
    for name, path in MODULES.items():
        if name.startswith("newsclean.pipeline"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"^\s*(?:import luigi|from luigi\b)", text, re.M) or \
                    any(t.startswith("newsclean.tasks") for t in GRAPH[name]):
                bad.append(name)
    assert bad == []


def test_nothing_imports_a_top_level_pipeline_or_tasks():
    bad = []
    for folder in ("pipeline", "tasks", "tests", "bench", "newsclean"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "fixtures" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
                bad += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("pipeline", "tasks")]
    assert bad == []


def test_every_package_is_installed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"newsclean"} | {"newsclean." + ".".join(p.parent.relative_to(ROOT).parts)
                             for top in ("pipeline", "tasks") for p in (ROOT / top).rglob("__init__.py")}
    assert found == listed


def test_the_checks_see_the_code():
    """Not vacuous: every layer but the two root modules is a sub-package holding modules,
    and the graph has the library's imports (a stage imports the config)."""
    for name in LAYERS:
        assert f"newsclean.pipeline.{name}" in MODULES
    assert sum(map(len, GRAPH.values())) > 100
    assert any(layer(t) == "core" for t in GRAPH["newsclean.pipeline.stages.boilerplate"])
