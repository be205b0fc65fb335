"""One owner for the output folder's layout: its folder names and part-file pattern are
spelled in pipeline/core/output_layout.py only; tasks/folder/paths.py builds paths from them and
pipeline/io.py reads them there. Read from the source (ast), as tests/test_layers.py does."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.core import output_layout
from newsclean.tasks.folder import paths

ROOT = Path(__file__).resolve().parent.parent
OWNER = ROOT / "pipeline" / "core" / "output_layout.py"
NAMES = {output_layout.CORPUS, output_layout.CHANGELOG, output_layout.STATE, output_layout.PART_GLOB}
SPELLINGS = NAMES | {f"{name}/" for name in NAMES}


def layout_literals(path: Path, root: Path = ROOT) -> list[str]:
    """Where a module spells a layout name as a path: after ``/``, in a glob or startswith,
    or in a tuple, list or set of names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        operands: list[ast.expr] = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            operands = [node.left, node.right]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("glob", "rglob", "startswith"):
            operands = list(node.args)
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            operands = list(node.elts)
        found += [f"{path.relative_to(root)}:{o.lineno} {o.value!r}" for o in operands
                  if isinstance(o, ast.Constant) and o.value in SPELLINGS]
    return found


def test_only_the_owner_spells_the_output_layout():
    files = [p for top in ("pipeline", "tasks") for p in sorted((ROOT / top).rglob("*.py")) if p != OWNER]
    assert [hit for p in files for hit in layout_literals(p)] == []


def test_the_checker_finds_a_second_spelling(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('from pathlib import Path\nparts = (Path("o") / "corpus").glob("part-*.jsonl")\n'
                      'FOLDERS = ("corpus", "changelog")\nold = "corpus/x".startswith("corpus/")\n')
    hits = layout_literals(module, tmp_path)
    assert sorted(h.split(" ", 1)[1] for h in hits) == ["'changelog'", "'corpus'", "'corpus'", "'corpus/'", "'part-*.jsonl'"]


def test_paths_are_built_from_the_owner_and_temp_files_are_swept_where_they_are_written():
    out = Path("/o")
    assert paths.corpus_part(out, 3).parent == out / output_layout.CORPUS
    assert paths.changelog_part(out, 3, 2).parent == out / output_layout.CHANGELOG
    assert paths.segment_parts(3, 0) == [f"{f}/part-00003.jsonl" for f in output_layout.PART_FOLDERS]
    assert paths.state_dir(out) == out / output_layout.STATE
    # every state file written atomically lies in a folder remove_temp_files sweeps
    written = [paths.shard_state(out, 1, "d"), paths.shard_plan(out, 1, "d"), paths.journal(out, 1),
               paths.segment_index(out, 1, 0), paths.plan_file(out), paths.manifest(out), paths.corpus_part(out, 1),
               paths.changelog_part(out, 1), paths.dedup_summary(out), paths.duplicates(out), paths.site_stats(out),
               paths.input_stats(out), paths.part_stats(out), paths.listing(out)]
    assert {p.parent.relative_to(out).as_posix().replace(".", "") for p in written} <= set(io.TEMP_FOLDERS)


@pytest.mark.integration  # starts a process (a writer that has died)
def test_a_dead_writers_temp_file_is_swept_from_the_dedup_state(tmp_path):
    """Dedup writes its summary atomically under _state/dedup; a killed Dedup's temporary
    file there was never removed (TEMP_FOLDERS did not list the folder)."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    summary = paths.dedup_summary(tmp_path)
    summary.parent.mkdir(parents=True)
    left = summary.with_name(f".{summary.name}~{io._HOST}~{dead.pid}~abc.tmp")
    left.write_text("partial")
    assert io.remove_temp_files(tmp_path) == [left] and not left.exists()
