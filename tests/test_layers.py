"""The layers (issue 14): newsclean.pipeline's sub-packages import only those below them,
and so do newsclean.tasks' (its sub-packages and root modules, in ``TASK_LAYERS``' order),
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
# newsclean.tasks from the bottom up, all above the library: every sub-package and root module
# of tasks/ is named here (a new one must be placed), and imports only those before it
TASK_LAYERS = ["exitcodes", "loopback", "folder", "run", "batch", "corpus", "report", "commands"]


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
    """The layer ``name`` belongs to: a library layer (``core``), a tasks one (``tasks.run``),
    or None (a package's root, or a module no layer names)."""
    parts = name.split(".")
    if len(parts) < 3:
        return None
    if parts[1] == "pipeline" and parts[2] in LAYERS:
        return parts[2]
    if parts[1] == "tasks" and parts[2] in TASK_LAYERS:
        return "tasks." + parts[2]
    return None


def layer_rank(name: str) -> int:
    return LAYERS.index(name) if not name.startswith("tasks.") else len(LAYERS) + TASK_LAYERS.index(name[6:])


def cycles(graph: dict[str, set[str]] = GRAPH) -> list[list[str]]:
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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
    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles() == []


def upward(graph: dict[str, set[str]] = GRAPH) -> list[str]:
    """Every import of a module in a layer by one in a lower layer."""
    rank: dict[str, int] = {}

    def rank_of(name: str, seen: tuple = ()) -> int:
        if name in rank:
            return rank[name]
        if layer(name) is not None:
            rank[name] = layer_rank(layer(name))
        else:  # a package's root, or a module no layer names: as high as what it imports
            rank[name] = max((rank_of(t, seen + (name,)) for t in graph[name] if t not in seen), default=0)
        return rank[name]
    return [f"{a} imports {b}" for a in graph for b in graph[a]
            if layer(a) is not None and rank_of(b) > rank_of(a) and layer(a) != layer(b)]


def test_sub_packages_import_only_those_below():
    assert upward() == []


def test_every_part_of_tasks_has_its_place():
    """A new sub-package or root module of tasks/ is placed in TASK_LAYERS, and each
    sub-package's __init__.py says what it holds."""
    parts = {p.stem for p in (ROOT / "tasks").glob("*.py") if p.stem != "__init__"} | \
        {p.name for p in (ROOT / "tasks").iterdir() if (p / "__init__.py").is_file()}
    assert parts == set(TASK_LAYERS)
    for sub in sorted((ROOT / "tasks").glob("*/__init__.py")):
        assert len(ast.get_docstring(ast.parse(sub.read_text(encoding="utf-8"))) or "") > 200, sub


def test_the_checks_catch_a_cycle_and_an_upward_import():
    """Not vacuous: one import added to the real graph is caught, both in the library and in
    the tasks (folder/ below run/, run/ below commands/)."""
    for a, b in [("newsclean.tasks.folder.paths", "newsclean.tasks.run.task_base"),
                 ("newsclean.tasks.run.clean_shard", "newsclean.tasks.commands.rebuild"),
                 ("newsclean.tasks.exitcodes", "newsclean.tasks.folder.remote"),
                 ("newsclean.pipeline.core.config", "newsclean.pipeline.stages.boilerplate")]:
        assert upward({**GRAPH, a: GRAPH[a] | {b}}) == [f"{a} imports {b}"]
    # segment_files imports integrity; integrity importing segment_files back closes a cycle
    assert "newsclean.tasks.folder.integrity" in GRAPH["newsclean.tasks.folder.segment_files"]
    graph = {**GRAPH, "newsclean.tasks.folder.integrity":
             GRAPH["newsclean.tasks.folder.integrity"] | {"newsclean.tasks.folder.segment_files"}}
    assert ["newsclean.tasks.folder.integrity", "newsclean.tasks.folder.segment_files"] in cycles(graph)


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
    for name in TASK_LAYERS:
        assert f"newsclean.tasks.{name}" in MODULES
    assert sum(map(len, GRAPH.values())) > 100
    assert any(layer(t) == "core" for t in GRAPH["newsclean.pipeline.stages.boilerplate"])
    assert {layer(t) for t in GRAPH["newsclean.tasks.run.clean_shard"]} >= {"tasks.folder", "tasks.run"}
    assert layer("newsclean.tasks.commands.cli") == "tasks.commands"


def shared_names(modules: list[str]) -> list[str]:
    """The names of the modules (not packages) in both newsclean.pipeline and newsclean.tasks,
    of ``modules`` (dotted names)."""
    def stems(top: str) -> set[str]:
        return {m.rsplit(".", 1)[1] for m in modules
                if m.startswith(f"newsclean.{top}.") and not (m in MODULES and MODULES[m].name == "__init__.py")}
    return sorted(stems("pipeline") & stems("tasks"))


def test_no_module_name_is_in_both_layers():
    """A library module and the task module wrapping it are told apart by their file names
    (issue 14): tasks/run/clean_shard.py holds CleanShard over pipeline/output/shards.py."""
    assert shared_names(MODULES) == []


def test_the_name_check_finds_a_shared_name():
    assert shared_names(list(MODULES) + ["newsclean.tasks.run.shards"]) == ["shards"]
    assert shared_names(list(MODULES) + ["newsclean.tasks.folder.segments"]) == ["segments"]
    assert shared_names(["newsclean.pipeline.output.chain", "newsclean.tasks.run.chain", "newsclean.tasks.run"]) == ["chain"]
