"""bench/namespace_move.py (issue 14, run by the lead on the merged main): on a small
repository it has never seen, it moves the mapped modules, leaves an unknown one where it
is and says so, rewrites absolute, relative and dotted references, and a second run
changes nothing; the moved tree imports as newsclean.* from a source checkout."""
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "namespace_move.py"

FILES = {
    "pipeline/__init__.py": '"""The library."""\n',
    "pipeline/features.py": '"""Predicates."""\n\n\ndef words(text):\n    return len(text.split())\n',
    "pipeline/article.py": '"""Values."""\nfrom .features import words\n\nSIZE = words("a b")\n',
    "pipeline/novel.py": '"""A module another branch added."""\nfrom . import article\nfrom .features import words as w\n',
    "pipeline/stages/__init__.py": '"""Stages."""\n',
    "pipeline/stages/one.py": '"""A stage."""\nfrom ..features import words\nfrom .. import novel\n',
    "tasks/__init__.py": '"""Tasks."""\n',
    "tasks/batch.py": '"""The batch."""\n',
    "tasks/cli.py": '"""CLI: python -m tasks.cli."""\nfrom pipeline import article, features\n'
                    'from pipeline.stages.one import words\n\nTARGET = "pipeline.features.words"\n\n\n'
                    'def main():\n    return article.SIZE + features.words("x") + words("y")\n',
    "tests/test_x.py": 'import pipeline.features\nfrom tasks.cli import main\n\n\n'
                       'def test_x(monkeypatch):\n    monkeypatch.setattr("pipeline.article.SIZE", 0)\n'
                       '    assert pipeline.features.words("a") == 1 and main() == 2\n',
    "Makefile": "docs:\n\tpython -m tasks.cli\n",
    "README.md": "Run `luigi --module tasks.batch Batch`; words live in `pipeline/features.py`.\n",
    "pyproject.toml": '[project]\nname = "x"\n\n[project.scripts]\nx = "tasks.cli:main"\n\n'
                      '[tool.setuptools.packages.find]\ninclude = ["pipeline*", "tasks*"]\n\n'
                      '[tool.setuptools.package-data]\npipeline = ["schema/*.json"]\n\n'
                      '[tool.pytest.ini_options]\npythonpath = ["."]\n',
}


def move(repo: Path) -> str:
    done = subprocess.run([sys.executable, str(SCRIPT), str(repo)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_move_on_a_repository_it_has_never_seen(tmp_path):
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    out = move(tmp_path)
    assert "unmapped pipeline.novel" in out
    assert (tmp_path / "pipeline/text/predicates.py").is_file() and (tmp_path / "pipeline/core/article.py").is_file()
    assert not (tmp_path / "pipeline/features.py").exists() and (tmp_path / "pipeline/novel.py").is_file()
    assert "from newsclean.pipeline.text.predicates import words" in (tmp_path / "pipeline/core/article.py").read_text()
    novel = (tmp_path / "pipeline/novel.py").read_text()
    assert "from newsclean.pipeline.core import article" in novel and "predicates import words as w" in novel
    cli = (tmp_path / "tasks/cli.py").read_text()
    assert "from newsclean.pipeline.core import article" in cli and "from newsclean.pipeline.text import predicates as features" in cli
    assert '"newsclean.pipeline.text.predicates.words"' in cli and "python -m newsclean.tasks.cli" in cli
    assert "python -m newsclean.tasks.cli" in (tmp_path / "Makefile").read_text()
    readme = (tmp_path / "README.md").read_text()
    assert "luigi --module newsclean.tasks.batch Batch" in readme and "pipeline/text/predicates.py" in readme
    pyproject = (tmp_path / "pyproject.toml").read_text()
    assert 'x = "newsclean.tasks.cli:main"' in pyproject and '"newsclean.pipeline.stages"' in pyproject
    assert 'pythonpath' not in pyproject and '"newsclean.pipeline" = ["schema/*.json"]' in pyproject
    assert (tmp_path / "tests/test_layers.py").is_file()
    assert move(tmp_path).endswith("0 modules moved, 1 not mapped, 0 files written\n")  # idempotent
    imported = subprocess.run([sys.executable, "-c", "import newsclean.tasks.cli as c; print(c.main())"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert imported.stdout.strip() == "4", imported.stderr
    where = subprocess.run([sys.executable, "-c", "import newsclean.pipeline.text.predicates as p; print(p.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(tmp_path / "pipeline" / "text" / "predicates.py")  # the checkout's folder
