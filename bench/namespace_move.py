#!/usr/bin/env python3
"""The namespace move of issue 14: install newsclean as one package, ``newsclean``, with
``newsclean.pipeline`` (grouped into sub-packages by job) and ``newsclean.tasks``, and
rewrite every reference to the old names.

    python move.py REPO_DIR [--dry-run]

Run it on a clean checkout (it uses ``git mv`` when REPO_DIR is a git work tree, so that
history follows the files); it is idempotent: a second run changes nothing. It prints
every module it moved, every module it did not map (they stay where they are), and every
file it rewrote. What it does:

1. pipeline/ modules move into sub-packages (``MOVES``; a module another branch added and
   the table does not name stays put and is listed), each sub-package gets an __init__.py
   with its paragraph (``SUBPACKAGES``); a top-level ``newsclean/__init__.py`` and
   setuptools' package-dir map the repository's pipeline/ and tasks/ folders into the one
   package; the console script, package data and pytest settings follow.
2. Every reference is rewritten from the old module names: imports (absolute and relative;
   relative ones become absolute ``newsclean.`` imports), dotted names in strings and
   prose (mock targets, ``-m tasks.cli``, ``luigi --module tasks.batch``, jinja's
   ``PackageLoader``), and ``pipeline/x.py`` paths in docs and comments. CHANGELOG.md keeps
   its history.
3. tests/test_layers.py (the layering and packaging test), docs/architecture.md's code
   layout (generated from the docstrings) and a CI step in .ci/run (build the wheel,
   install it alone into a fresh virtualenv, ``newsclean run`` on raw/ from there, and
   ``import pipeline`` must fail) are written.
"""
from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

# old module under pipeline/ -> its new place (dotted, under pipeline/)
MOVES = {
    "article": "core.article", "config": "core.config", "ids": "core.ids",
    "features": "text.predicates", "bylines": "text.bylines", "credits": "text.credits",
    "dates": "text.dates", "stopwords": "text.languages", "layout": "text.layout",
    "rules": "rules.ruleset", "patterns": "rules.patterns", "literals": "rules.literals",
    "matching": "rules.matching", "registry": "rules.registry",
    "classify": "classify.blocks", "sitestats": "classify.sitestats",
    "context": "stages.context",
    "inputs": "ingest.inputs", "decode": "ingest.decode", "segment": "ingest.segment",
    "html_parse": "ingest.html_parse", "extract_html": "ingest.html_extract", "sniff": "ingest.sniff",
    "record": "output.contract", "shard": "output.shards", "manifest": "output.manifest",
    "sitepages": "output.sitepages", "review": "output.review", "conservation": "output.conservation",
    "html_blocks": "ingest.html_blocks", "extract_readability": "ingest.html_readability",
    "ensemble": "classify.ensemble", "regex_budget": "rules.regex_budget", "user_stages": "stages.user",
    "dedup": "output.dedup", "chain": "output.chain", "segments": "output.segments",
    "errors": "core.errors", "stage_refs": "core.stage_refs", "duplicates": "core.duplicates",
}
STAY = {"io", "clean"}  # the one module that touches files, and the stage runner: pipeline's top

# the sub-packages from the bottom up (a sub-package imports only those before it), with
# their paragraph; io and clean sit between ingest and output (LAYERS in tests/test_layers.py)
SUBPACKAGES = {
    "core": "The values that flow and the switches: ``Article`` and its blocks, captions, "
            "metadata and ``Change`` log (article), ``CleanConfig`` with every switch documented "
            "and the stage list (config) and the ``ConfigError`` it raises (errors), a user "
            "stage's ``module:function`` name and the function it imports (stage_refs), how an "
            "input's path becomes an article id (ids), and the near-duplicate index's values "
            "(duplicates). Imports nothing else of newsclean.",
    "text": "Predicates on one block's text, shared by the stages: what a line reads as "
            "(a sentence, a headline, a name; the one fold and the one word count: predicates), "
            "bylines, photo credits, dates, languages and stop words, and where the article's "
            "body lies among its blocks (layout). Imports only core.",
    "rules": "Boilerplate rules as data: the packs (``*.toml`` here, per-site ones in "
             "``sites/``; the learned model in ``models/``), loaded and validated (ruleset), "
             "what a pattern implies before it runs (patterns, literals), matching a block "
             "against a pack fast (matching), the deterministic bound on an article's pattern "
             "work (regex_budget), and every rule id the pipeline can write with its description "
             "(registry). Imports core and text.",
    "classify": "Evidence about a block beyond the rules: the block classifier's features and "
                "its two-pass logistic model (blocks), the vote on the HTML lines one extractor "
                "keeps and the other does not (ensemble), and the lines a site repeats across "
                "different articles (sitestats). Imports core, text and rules.",
    "stages": "The stages, each ``(Article, Context) -> StageResult``: encoding repair, HTML "
              "residue, boilerplate, captions, metadata, normalisation; a user's own stage under "
              "the contract checks (user); and the Context a stage may read besides the article "
              "(config, rules, site statistics). The order is ``core.config.STAGES``; "
              "``newsclean.pipeline.clean`` runs it.",
    "ingest": "Bytes to blocks: input formats and records (inputs: text, HTML, JSONL, WARC, "
              "gzip), decoding that never raises (decode), text to blocks (segment), and HTML "
              "to blocks and metadata: the page's raw lines (html_blocks), the page parsed once "
              "(html_parse), readability-lxml over it (html_readability) and the extractors' "
              "vote (html_extract); sniff guesses what a stream holds. HTML extraction reads the "
              "stages' Context.",
    "output": "What a run writes: the output contract, corpus and change-log records (contract), "
              "shard assignment and incremental shard cleaning (shards), the stages one at a "
              "time over a shard for the Luigi chain (chain), near-duplicate links (dedup), which records a run "
              "writes to which segment of a shard (segments), the run manifest, the pages site statistics are built from (sitepages), each raw "
              "line's fate for review (review), and the check that every raw line is accounted "
              "for (conservation).",
}
NEWSCLEAN_INIT = '''"""newsclean: scraped news articles to a clean text corpus with a per-article change log.

``newsclean.pipeline`` is the cleaning library (pure functions; it never imports luigi and
touches files only in ``newsclean.pipeline.io``); ``newsclean.tasks`` is the Luigi layer and
the command line. In the repository they are the top-level folders pipeline/ and tasks/,
mapped into this package by pyproject.toml (setuptools' package-dir); installed, they are
its sub-packages and nothing else of newsclean is on the path.
"""
from pathlib import Path as _Path

_HERE = _Path(__file__).resolve().parent
if not (_HERE / "pipeline").is_dir() and (_HERE.parent / "pipeline" / "__init__.py").is_file():
    # a source checkout used without installing it (PYTHONPATH=checkout, python -m from its
    # root): pipeline/ and tasks/ sit beside this folder
    __path__.append(str(_HERE.parent))
'''
SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "clean", "raw", "node_modules", "__pycache__",
             "fixtures", "golden", ".mypy_cache", ".ruff_cache", ".pytest_cache", "tools_move"}
TEXT_SUFFIXES = {".md", ".cfg", ".ini", ".txt", ".toml", ".yml", ".yaml", ".html", ".j2", ".sh"}
TEXT_NAMES = {"Makefile", "run"}
NO_REWRITE = {"CHANGELOG.md"}  # history names the modules as they were
CI_MARK = "# the wheel alone (issue 14)"


class Repo:
    def __init__(self, root: Path, dry: bool):
        self.root, self.dry = root, dry
        self.git = (root / ".git").exists() and shutil.which("git") is not None
        self.changed: list[str] = []

    def write(self, path: Path, text: str) -> None:
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            return
        self.changed.append(path.relative_to(self.root).as_posix())
        if not self.dry:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def move(self, src: Path, dst: Path) -> None:
        if self.dry:
            return
        dst.parent.mkdir(parents=True, exist_ok=True)
        tracked = self.git and subprocess.run(["git", "ls-files", "--error-unmatch", str(src)], cwd=self.root,
                                              capture_output=True).returncode == 0
        if tracked:
            subprocess.run(["git", "mv", str(src), str(dst)], cwd=self.root, check=True)
        else:
            shutil.move(str(src), str(dst))


# ---------------------------------------------------------------------------------------
# the module table: old dotted name -> new dotted name (without the newsclean. prefix)

def old_modules(root: Path) -> dict[str, Path]:
    """Every module and package under pipeline/ and tasks/ as it is now."""
    out = {}
    for top in ("pipeline", "tasks"):
        for path in sorted((root / top).rglob("*.py")):
            if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def module_map(root: Path) -> tuple[dict[str, str], list[str]]:
    """old -> new for every module (unmoved ones map to themselves), and the pipeline
    modules the table does not name (they stay where they are)."""
    mapping = {"pipeline": "pipeline", "tasks": "tasks"}
    unmapped = []
    present = old_modules(root)
    for old, new in MOVES.items():
        mapping[f"pipeline.{old}"] = f"pipeline.{new}"
    for name, path in present.items():
        if name in mapping:
            continue
        parts = name.split(".")
        if parts[0] == "pipeline" and len(parts) == 2 and parts[1] not in STAY and path.name != "__init__.py":
            if parts[1] in SUBPACKAGES and (root / "pipeline" / f"{parts[1]}.py").is_file():
                mapping[name] = f"pipeline.{parts[1]}.{parts[1]}_module"  # a module named like a new sub-package
            else:
                mapping[name] = name
            if not name.startswith(tuple(f"pipeline.{s}." for s in SUBPACKAGES)):
                unmapped.append(name)
        else:
            mapping[name] = name
    return mapping, [u for u in unmapped if mapping[u] == u or u.split(".")[1] in SUBPACKAGES]


def map_dotted(name: str, mapping: dict[str, str]) -> str | None:
    """The new name of ``name`` (a module or something in one), or None when no known
    module of two or more parts prefixes it and it is not a top package itself."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in mapping and (i >= 2 or i == len(parts)):
            return "newsclean." + ".".join([mapping[head], *parts[i:]])
    return None


# ---------------------------------------------------------------------------------------
# rewriting

def module_of(path: Path, root: Path) -> tuple[str, bool] | None:
    """The dotted module a file under pipeline/ or tasks/ is now, and whether it is a package."""
    rel = path.relative_to(root).with_suffix("").parts
    if rel[0] not in ("pipeline", "tasks"):
        return None
    is_pkg = rel[-1] == "__init__"
    return ".".join(rel[:-1] if is_pkg else rel), is_pkg


def absolute(node: ast.ImportFrom, here: tuple[str, bool] | None) -> str | None:
    if not node.level:
        return node.module
    if here is None:
        return None
    name, is_pkg = here
    package = name.split(".") if is_pkg else name.split(".")[:-1]
    if node.level - 1 > len(package):
        return None
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def ours(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in ("pipeline", "tasks")


def render_from(module: str, names: list[str], indent: str, tail: str) -> list[str]:
    line = f"{indent}from {module} import {', '.join(names)}"
    if len(line) + len(tail) <= 120:
        return [line + tail]
    out, cur = [f"{indent}from {module} import ("], indent + "    "
    for n in names:
        piece = n + ", "
        if len(cur) + len(piece) > 116 and cur.strip():
            out.append(cur.rstrip())
            cur = indent + "    "
        cur += piece
    out.append(cur.rstrip().rstrip(","))
    out.append(f"{indent}){tail}")
    return out


def rewrite_imports(text: str, here: tuple[str, bool] | None, mapping: dict[str, str]) -> str:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = absolute(node, here)
            if not ours(base):
                continue
            assert base is not None
            attrs, modules = [], []
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if alias.name != "*" and full in mapping:
                    new = "newsclean." + mapping[full]
                    parent, leaf = new.rsplit(".", 1)
                    local = alias.asname or alias.name
                    modules.append((parent, leaf if leaf == local else f"{leaf} as {local}"))
                else:
                    attrs.append(alias.name if alias.asname is None else f"{alias.name} as {alias.asname}")
            new_base = map_dotted(base, mapping)
            if new_base is None:
                continue
            stmts = [(new_base, attrs)] if attrs else []
            for parent in dict.fromkeys(p for p, _ in modules):
                stmts.append((parent, [n for p, n in modules if p == parent]))
            edits.append((node, stmts))
        elif isinstance(node, ast.Import) and any(ours(a.name) for a in node.names):
            edits.append((node, None))
    for node, stmts in sorted(edits, key=lambda e: e[0].lineno, reverse=True):
        first, last = node.lineno - 1, node.end_lineno - 1
        indent = re.match(r"\s*", lines[first]).group(0)
        tail_text = lines[last][node.end_col_offset:]
        newline = "\n" if tail_text.endswith("\n") else ""
        tail = tail_text.rstrip("\n")
        if stmts is None:  # import a.b [as c]
            out = []
            for alias in node.names:
                new = map_dotted(alias.name, mapping) if ours(alias.name) else alias.name
                if alias.asname:
                    out.append(f"{indent}import {new} as {alias.asname}")
                elif new == "newsclean.pipeline" or new == "newsclean.tasks":
                    out.append(f"{indent}from newsclean import {alias.name}")  # keeps the name bound
                else:
                    out.append(f"{indent}import {new}")
            out[-1] += tail
        else:
            out = [ln for mod, names in stmts for ln in render_from(mod, names, indent, "")]
            out[-1] += tail
        lines[first:last + 1] = [ln + "\n" for ln in out[:-1]] + [out[-1] + newline]
    return "".join(lines)


DOTTED = re.compile(r"(?<![\w.])(?:pipeline|tasks)(?:\.\w+)+")
PATH = re.compile(r"(?<![\w./-])((?:pipeline|tasks)(?:/\w+)+)\.py\b")


# ``from pipeline import X`` left after the imports are rewritten: code in strings (a user
# stage a test writes) and in the docs' examples
FROM_TOP = re.compile(r"(?<![\w.])from (pipeline|tasks) import\b")
# ``tasks.CleanCorpus``: a class the top package exports (a lower-case second part may be a
# record field, ``pipeline.site_stats``, and is left alone)
TOP_CLASS = re.compile(r"(?:pipeline|tasks)\.[A-Z]\w*")


def rewrite_names(text: str, mapping: dict[str, str]) -> str:
    """Dotted names (mock targets, -m, --module, prose), pipeline/x.py paths, and
    ``from pipeline import`` in strings and docs."""
    def dotted(m: re.Match) -> str:
        if TOP_CLASS.fullmatch(m.group(0)):
            return "newsclean." + m.group(0)
        return map_dotted(m.group(0), mapping) or m.group(0)

    def path(m: re.Match) -> str:
        old = m.group(1).replace("/", ".")
        if old.endswith(".__init__"):
            return m.group(0)
        return mapping[old].replace(".", "/") + ".py" if old in mapping else m.group(0)
    return FROM_TOP.sub(r"from newsclean.\1 import", PATH.sub(path, DOTTED.sub(dotted, text)))


BARE = re.compile(r"(?<![\w./-])(\w+)\.py\b")


def rewrite_bare_names(text: str, mapping: dict[str, str], tasks_names: set[str]) -> str:
    """A moved pipeline module named by its file alone (``extract_html.py``, in prose and
    comments) gets its path under pipeline/ (``ingest/html_extract.py``); a name a tasks
    module also has is left alone (ambiguous)."""
    def bare(m: re.Match) -> str:
        old = f"pipeline.{m.group(1)}"
        if m.group(1) in tasks_names or old not in MOVES_FULL(mapping):
            return m.group(0)
        return mapping[old].split(".", 1)[1].replace(".", "/") + ".py"
    return BARE.sub(bare, text)


def MOVES_FULL(mapping: dict[str, str]) -> set[str]:
    return {f"pipeline.{k}" for k in MOVES if mapping.get(f"pipeline.{k}") == f"pipeline.{MOVES[k]}"}


def files(root: Path, me: Path) -> list[Path]:
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(p in SKIP_DIRS for p in rel.parts[:-1]) or path.resolve() == me:
            continue
        if rel.as_posix() in NO_REWRITE or path.name in ("namespace_move.py", "test_namespace_move.py"):
            continue
        if path.suffix == ".py" or path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES:
            out.append(path)
    return out


# ---------------------------------------------------------------------------------------
# pyproject.toml

def packages(root: Path) -> list[str]:
    out = ["newsclean"]
    for top in ("pipeline", "tasks"):
        for init in sorted((root / top).rglob("__init__.py")):
            rel = init.parent.relative_to(root).parts
            if not any(p in SKIP_DIRS for p in rel):
                out.append("newsclean." + ".".join(rel))
    return out


def rewrite_pyproject(text: str, root: Path) -> str:
    listed = "\n".join(f'    "{p}",' for p in packages(root))
    block = ('[tool.setuptools]\n'
             '# one installed package: the repository\'s pipeline/ and tasks/ folders are newsclean.pipeline\n'
             '# and newsclean.tasks (tests/test_layers.py checks that every package is listed)\n'
             'package-dir = {"newsclean" = "newsclean", "newsclean.pipeline" = "pipeline", "newsclean.tasks" = "tasks"}\n'
             f'packages = [\n{listed}\n]\n')
    if "[tool.setuptools]\n" in text:
        text = re.sub(r"\[tool\.setuptools\]\n.*?packages = \[\n.*?\n\]\n", lambda m: block, text, flags=re.S)
    else:
        text = re.sub(r"\[tool\.setuptools\.packages\.find\]\n(?:[^\[\n].*\n|\n)*", lambda m: block + "\n", text)
    # package data: keys become newsclean.* packages, globs inside a sub-package go to its key
    m = re.search(r"\[tool\.setuptools\.package-data\]\n((?:[^\[\n].*\n|\n)*)", text)
    if m:
        data: dict[str, list[str]] = {}
        for key, globs in re.findall(r'^"?([\w.]+)"?\s*=\s*\[(.*?)\]', m.group(1), re.M | re.S):
            key = key if key.startswith("newsclean") else "newsclean." + key
            for g in re.findall(r'"([^"]+)"', globs):
                pkg, rest = key, g
                while "/" in rest and (root / Path(*pkg.split(".")[1:]) / rest.split("/")[0] / "__init__.py").is_file():
                    head, rest = rest.split("/", 1)
                    pkg = f"{pkg}.{head}"
                data.setdefault(pkg, []).append(rest)
        body = "".join(f'"{k}" = [{", ".join(chr(34) + g + chr(34) for g in v)}]\n' for k, v in data.items()) + "\n"
        text = text[:m.start(1)] + body + text[m.end(1):]
    text = re.sub(r'^pythonpath = \["\."\]\n', "", text, flags=re.M)
    return text


# ---------------------------------------------------------------------------------------
# docs/architecture.md's code layout, from the docstrings

def first_line(path: Path) -> str:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except SyntaxError:
        doc = ""
    line = " ".join(doc.split("\n\n")[0].split()).replace("`", "")
    line = re.split(r"(?<=[a-z)])\. ", line)[0].rstrip(".")
    return line if len(line) <= 88 else line[:85].rsplit(" ", 1)[0] + " ..."


def layout(root: Path) -> str:
    rows = [("pipeline/", "newsclean.pipeline: the cleaning library (pure; never imports luigi; file I/O only in io.py)")]

    def walk(folder: Path, depth: int) -> None:
        mods = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
        subs = sorted(p for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").is_file())
        for p in mods:
            rows.append(("  " * depth + p.name, first_line(p)))
        for s in subs:
            rows.append(("  " * depth + s.name + "/", first_line(s / "__init__.py")))
            walk(s, depth + 1)
    order = [*SUBPACKAGES]
    for name in order:
        folder = root / "pipeline" / name
        if (folder / "__init__.py").is_file():
            rows.append((f"  {name}/", first_line(folder / "__init__.py")))
            walk(folder, 2)
    for p in sorted((root / "pipeline").glob("*.py")):
        if p.name != "__init__.py":
            rows.append((f"  {p.name}", first_line(p)))
    for s in sorted(p for p in (root / "pipeline").iterdir() if p.is_dir() and (p / "__init__.py").is_file()
                    and p.name not in SUBPACKAGES):
        rows.append((f"  {s.name}/", first_line(s / "__init__.py")))
        walk(s, 2)
    rows.append(("tasks/", "newsclean.tasks: the Luigi layer and the command line"))
    walk(root / "tasks", 1)
    rows.append(("newsclean/", "__init__.py only: the package pyproject.toml maps pipeline/ and tasks/ into"))
    rows.append(("tests/ bench/ raw/ clean/ docs/", ""))
    width = max(len(a) for a, _ in rows) + 2
    return "\n".join((a.ljust(width) + b).rstrip() for a, b in rows)


ARCH_INTRO = """Installed, everything is one package, `newsclean`: `newsclean.pipeline` (this repository's
`pipeline/` folder) and `newsclean.tasks` (`tasks/`), mapped by `pyproject.toml`. The
library's sub-packages, from the bottom up: `core` (values and config), `text` (predicates
on a block's text), `rules`, `classify`, `stages` (with the stage `Context`), `ingest`, then
`io.py` and `clean.py`, then `output`; a sub-package imports only those below it, with no
cycle, not even under `TYPE_CHECKING` (`tests/test_layers.py`). `tasks/` is above all of them.
Each sub-package's `__init__.py` says what it holds.
"""


def rewrite_architecture(text: str, root: Path) -> str:
    m = re.search(r"(## Layout of the code\n\n)(.*?)(?=\n## |\Z)", text, re.S)
    if not m:
        return text
    section = ARCH_INTRO + "\n```\n" + layout(root) + "\n```\n"
    return text[:m.start(2)] + section + text[m.end(2):]


# ---------------------------------------------------------------------------------------

CI_STEP = f"""
{CI_MARK}: build it, install it into a fresh virtualenv, clean raw/ from there;
# no top-level pipeline or tasks module may be importable there
wheel_tmp=$(mktemp -d)
.venv/bin/python -m pip wheel --quiet --no-deps --wheel-dir "$wheel_tmp/dist" .
python3 -m venv "$wheel_tmp/venv"
"$wheel_tmp/venv/bin/python" -m pip install --quiet --upgrade pip
"$wheel_tmp/venv/bin/python" -m pip install --quiet "$wheel_tmp"/dist/newsclean-*.whl
repo=$(pwd)
(cd "$wheel_tmp" && venv/bin/newsclean run -q --raw "$repo/raw" --out "$wheel_tmp/out")
test -s "$wheel_tmp/out/manifest.json"
if (cd "$wheel_tmp" && venv/bin/python -c "import pipeline" 2>/dev/null); then
    echo "error: the installed wheel puts a top-level 'pipeline' module on the path" >&2; exit 1
fi
(cd "$wheel_tmp" && venv/bin/python -c "import newsclean.pipeline.io, newsclean.tasks.cli")
rm -rf "$wheel_tmp"
"""


# mypy cannot follow setuptools' package-dir mapping: lint type-checks a tree of links
MYPY_OLD = "\t$(VENV)/bin/mypy\n"
MYPY_NEW = ("\t@rm -rf .mypy-tree && mkdir -p .mypy-tree/newsclean && cp newsclean/__init__.py .mypy-tree/newsclean/ \\\n"
            "\t\t&& ln -s ../../pipeline .mypy-tree/newsclean/pipeline && ln -s ../../tasks .mypy-tree/newsclean/tasks\n"
            "\tcd .mypy-tree && ../$(VENV)/bin/mypy --config-file ../pyproject.toml -p newsclean\n")
CHANGELOG_MARK = "### house: one package, `newsclean`"
CHANGELOG_ENTRY = CHANGELOG_MARK + """ (issue 14)

- Installed, newsclean is one package: `newsclean.pipeline` (the library, now in sub-packages
  core, text, rules, classify, stages, ingest, output) and `newsclean.tasks`; no top-level
  `pipeline` or `tasks` module is installed any more. Code that imported them imports
  `newsclean.pipeline...` / `newsclean.tasks...`; Luigi's entry point is
  `luigi --module newsclean.tasks.batch Batch ...`; `python -m newsclean.tasks.cli` runs the CLI.
  The `newsclean` command, its options and every output are unchanged (the stamp's code digest
  changes, as with any code change).
"""


def move_modules(repo: Repo, mapping: dict[str, str]) -> list[str]:
    done = []
    root = repo.root
    for old, new in mapping.items():
        if old == new or not old.startswith("pipeline."):
            continue
        src = root / Path(*old.split(".")).with_suffix(".py")
        dst = root / Path(*new.split(".")).with_suffix(".py")
        if src.is_file() and not dst.exists():
            repo.move(src, dst)
            done.append(f"{src.relative_to(root)} -> {dst.relative_to(root)}")
    return done


def write_packages(repo: Repo) -> None:
    root = repo.root
    for name, paragraph in SUBPACKAGES.items():
        init = root / "pipeline" / name / "__init__.py"
        body = '"""' + textwrap.fill(paragraph, 92) + '\n"""\n'
        if not init.exists():
            repo.write(init, body)
        else:
            tree = ast.parse(init.read_text(encoding="utf-8"))
            doc = ast.get_docstring(tree)
            if len(tree.body) == 1 and doc is not None and "\n" not in doc:
                repo.write(init, body)  # a one-line docstring and nothing else: the paragraph replaces it
    init = root / "newsclean" / "__init__.py"
    if not init.exists():
        repo.write(init, NEWSCLEAN_INIT)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("repo")
    ap.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    args = ap.parse_args(argv)
    root = Path(args.repo).resolve()
    if not (root / "pipeline" / "__init__.py").is_file() or not (root / "pyproject.toml").is_file():
        print(f"move: {root} is not a newsclean checkout (no pipeline/__init__.py or pyproject.toml)", file=sys.stderr)
        return 2
    repo = Repo(root, args.dry_run)
    mapping, unmapped = module_map(root)
    me = Path(__file__).resolve()

    # 1. references, read with the old layout (relative imports resolve against it)
    tasks_names = {p.stem for p in (root / "tasks").rglob("*.py")}
    arch_text: str | None = None
    for path in files(root, me):
        text = path.read_text(encoding="utf-8")
        new = text
        if path.suffix == ".py":
            new = rewrite_imports(new, module_of(path, root), mapping)
        new = rewrite_bare_names(rewrite_names(new, mapping), mapping, tasks_names)
        if path == root / "docs" / "architecture.md":
            arch_text = new  # written once, with the layout of the new tree (below)
            continue
        repo.write(path, new)
    # 2. the files
    moved = move_modules(repo, mapping)
    write_packages(repo)
    if not args.dry_run:
        # 3. what is generated from the new tree
        pyproject = root / "pyproject.toml"
        repo.write(pyproject, rewrite_pyproject(pyproject.read_text(encoding="utf-8"), root))
        if arch_text is not None:
            repo.write(root / "docs" / "architecture.md", rewrite_architecture(arch_text, root))
        repo.write(root / "tests" / "test_layers.py", LAYERS_TEST)
        make = root / "Makefile"
        if make.is_file():
            repo.write(make, make.read_text(encoding="utf-8").replace(MYPY_OLD, MYPY_NEW))
        changelog = root / "CHANGELOG.md"
        if changelog.is_file() and CHANGELOG_MARK not in changelog.read_text(encoding="utf-8"):
            repo.write(changelog, changelog.read_text(encoding="utf-8").replace(
                "## Unreleased\n\n", "## Unreleased\n\n" + CHANGELOG_ENTRY + "\n", 1))
        ignore = root / ".gitignore"
        if ignore.is_file() and "/.mypy-tree/" not in ignore.read_text(encoding="utf-8"):
            repo.write(ignore, ignore.read_text(encoding="utf-8").rstrip("\n") + "\n/.mypy-tree/\n")
        ci = root / ".ci" / "run"
        if ci.is_file() and CI_MARK not in ci.read_text(encoding="utf-8"):
            repo.write(ci, ci.read_text(encoding="utf-8").rstrip("\n") + "\n" + CI_STEP)
    for line in moved:
        print(f"moved    {line}")
    for name in unmapped:
        print(f"unmapped {name} (stays at {mapping[name].replace('.', '/')}.py; give it a place in MOVES)")
    for name in sorted(set(repo.changed)):
        print(f"wrote    {name}")
    print(f"move: {len(moved)} modules moved, {len(unmapped)} not mapped, {len(set(repo.changed))} files written"
          + (" (dry run: nothing changed)" if args.dry_run else ""))
    return 0


LAYERS_TEST = '''"""The layers (issue 14): newsclean.pipeline's sub-packages import only those below them,
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
            if re.search(r"^\\s*(?:import luigi|from luigi\\b)", text, re.M) or \\
                    any(t.startswith("newsclean.tasks") for t in GRAPH[name]):
                bad.append(name)
    assert bad == []


def test_nothing_imports_a_top_level_pipeline_or_tasks():
    bad = []
    for folder in ("pipeline", "tasks", "tests", "bench", "newsclean"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "namespace_move.py" or "fixtures" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \\
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
'''

if __name__ == "__main__":
    sys.exit(main())
