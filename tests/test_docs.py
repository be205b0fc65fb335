"""The README and docs/ against the code: every stage, config key and command they name
exists, and the lists meant to be complete (the README's stage list and command synopsis,
docs/configuration.md) miss none. The truth comes from the code, so a new stage, key or
command fails here until the docs name it."""
import argparse
import dataclasses
import re
from pathlib import Path

import pytest

from newsclean.pipeline import clean
from newsclean.pipeline.core import config
from newsclean.tasks.commands import cli, config_doc

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, ROOT / "CHANGELOG.md", *DOCS]
README_LIMIT = 12 * 1024


def commands() -> set[str]:
    """The subcommands of ``newsclean``, from its argparse parser."""
    actions = [a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return {name for action in actions for name in action.choices}


def config_keys() -> set[str]:
    return {f.name for f in dataclasses.fields(config.CleanConfig)}


def change_log_stages() -> set[str]:
    """The stages a change log names: the config's, and the steps around them the library
    writes changes for (``STAGE = "dedup"``, ``Change("ingest", ...)``), read from its source."""
    found = set(config.STAGES)
    for path in (ROOT / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'^STAGE = "(\w+)"', text, re.M)) | set(re.findall(r'\bChange\("(\w+)"', text))
    return found


def named_stages(text: str) -> set[str]:
    """Stages a page names: "the `x` stage", "stage `x`" (lower case: "the stage `Context`" is a type)."""
    return set(re.findall(r"`([a-z]\w*)` stage\b", text)) | set(re.findall(r"\bstage `([a-z]\w*)`", text))


def marked_list(text: str, marker: str) -> list[str]:
    """The first backticked word of each ``- `` line between ``<!-- marker`` and
    ``<!-- /marker -->``."""
    match = re.search(rf"<!-- {marker}\b.*?-->(.*?)<!-- /{marker} -->", text, re.S)
    assert match, f"README.md has no <!-- {marker} --> ... <!-- /{marker} --> list"
    return re.findall(r"^- `(?:newsclean )?([\w-]+)", match.group(1), re.M)


def named_commands(text: str) -> set[str]:
    """Commands a page names: `newsclean X` in inline code, or a code line starting so."""
    inline = re.findall(r"`newsclean ([a-z][\w-]*)", text)
    blocks = "\n".join(re.findall(r"```[^\n]*\n(.*?)```", text, re.S))
    fenced = re.findall(r"^\s*(?:\$ )?newsclean ([a-z][\w-]*)", blocks, re.M)
    return set(inline) | set(fenced)


def named_config_keys(text: str) -> set[str]:
    """Keys a page names as config: "config `x`", and `x = ...` lines of TOML blocks that
    are operator files (not rule packs)."""
    keys = set(re.findall(r"config(?:'s)? `(\w+)`", text))
    for block in re.findall(r"```toml\n(.*?)```", text, re.S):
        if "[[rule]]" not in block and "[" not in block.split("=")[0]:
            keys |= set(re.findall(r"^(\w+)\s*=", block, re.M))
    return keys


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}


def test_readme_is_short():
    assert README.stat().st_size < README_LIMIT, f"README.md is {README.stat().st_size} bytes"


def test_readme_stage_list_is_the_code_s():
    listed = marked_list(README.read_text(encoding="utf-8"), "stages")
    assert listed == list(config.STAGES)
    assert set(listed) == set(clean.STAGES)


def test_readme_synopsis_has_every_command():
    listed = marked_list(README.read_text(encoding="utf-8"), "commands")
    assert len(listed) == len(set(listed)), "a command listed twice"
    assert set(listed) == commands()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_name_only_real_commands(page):
    assert named_commands(page.read_text(encoding="utf-8")) <= commands()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_name_only_real_stages(page):
    assert named_stages(page.read_text(encoding="utf-8")) <= change_log_stages()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_name_only_real_config_keys(page):
    assert named_config_keys(page.read_text(encoding="utf-8")) <= config_keys()


def test_configuration_reference_is_generated_from_the_code():
    path = ROOT / "docs" / "configuration.md"
    assert path.read_text(encoding="utf-8") == config_doc.render(), \
        "docs/configuration.md is stale: python -m newsclean.tasks.commands.config_doc > docs/configuration.md"
    assert set(re.findall(r"^## `(\w+)`", config_doc.render(), re.M)) == config_keys()


def test_every_config_field_has_a_doc():
    assert set(config_doc.field_docs()) == config_keys()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.exists(), f"{page.name}: link to missing {target}"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path), f"{page.name}: no heading for #{anchor} in {file or page.name}"


def test_detectors_see_what_they_check():
    """The scanners above find a stray name (so an empty result means something)."""
    text = ("newsclean turns text.\nRun `newsclean frobnicate` with config `no_such_key`.\n"
            "```toml\nshards = 2\n```\n```sh\nnewsclean frob2 --out x\n```\n")
    assert named_commands(text) == {"frobnicate", "frob2"}
    assert named_config_keys(text) == {"no_such_key", "shards"}
    assert named_stages("the `frob` stage drops; a change of stage `ingest`; the stage `Context`") == {"frob", "ingest"}
    assert {"ingest", "extract", "dedup", "boilerplate"} <= change_log_stages() and "frob" not in change_log_stages()
    assert slug("Bad input and what a `rejection` looks like") == "bad-input-and-what-a-rejection-looks-like"


def code_tree(text: str) -> set[str]:
    """The paths the code tree of a page lists under pipeline/ and tasks/: ``name.py`` and
    ``name/`` entries, nested by two spaces a level."""
    match = re.search(r"## Layout of the code\n.*?```\n(.*?)```", text, re.S)
    assert match, "no code tree under ## Layout of the code"
    listed, stack = set(), []
    for line in match.group(1).splitlines():
        name = line.split()[0] if line.strip() else ""
        depth = (len(line) - len(line.lstrip())) // 2
        if not name.endswith((".py", "/")):
            continue
        stack[depth:] = [name.rstrip("/")]
        if stack[0] in ("pipeline", "tasks") and depth > 0:
            listed.add("/".join(stack) + ("/" if name.endswith("/") else ""))
    return listed


def test_architecture_code_tree_is_the_code():
    """docs/architecture.md lists every module and package of pipeline/ and tasks/, and
    nothing that is not there (a moved or new module fails here until the tree says so)."""
    found = {p.relative_to(ROOT).as_posix() for top in ("pipeline", "tasks") for p in (ROOT / top).rglob("*.py")
             if p.name != "__init__.py"}
    found |= {p.parent.relative_to(ROOT).as_posix() + "/" for top in ("pipeline", "tasks")
              for p in (ROOT / top).glob("*/**/__init__.py")}
    assert code_tree((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")) == found


def test_code_tree_reader_nests():
    text = "## Layout of the code\n\n```\ntasks/   x\n  a.py   y\n  run/   z\n    b.py   w\n  c.py\nnewsclean/   v\n```\n"
    assert code_tree(text) == {"tasks/a.py", "tasks/run/", "tasks/run/b.py", "tasks/c.py"}


SOURCE_PATH = re.compile(r"\b(?:pipeline|tasks)/[\w/]+\.(?:py|md|toml|json)\b")


def named_source_paths(text: str) -> set[str]:
    return set(SOURCE_PATH.findall(text))


def test_named_source_files_exist():
    """A path such as tasks/folder/paths.py named in the README, docs/, the Makefile,
    pyproject.toml or a module's docstrings and comments is a file (CHANGELOG.md, history,
    keeps the paths of its day)."""
    pages = [README, *DOCS, ROOT / "Makefile", ROOT / "pyproject.toml"]
    pages += [p for top in ("pipeline", "tasks", "bench", "tests") for p in sorted((ROOT / top).rglob("*.py"))
              if "fixtures" not in p.parts and p.name != "test_docs.py"]
    missing = [f"{p.relative_to(ROOT)}: {name}" for p in pages for name in sorted(named_source_paths(p.read_text(encoding="utf-8")))
               if not (ROOT / name).exists()]
    assert missing == []
    assert named_source_paths("see tasks/run/clean_shard.py and `pipeline/io.py`; not mypipeline/x.py") == \
        {"tasks/run/clean_shard.py", "pipeline/io.py"}
