"""bench/same_vectors.py: the block classifier's vectors of this checkout against a
reference checkout's blocks.py, on the pages the boilerplate stage classifies."""
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # the script imports bench/dataset.py
spec = importlib.util.spec_from_file_location("same_vectors", ROOT / "bench" / "same_vectors.py")
same_vectors = importlib.util.module_from_spec(spec)
spec.loader.exec_module(same_vectors)
PAGES = str(ROOT / "tests" / "fixtures" / "pages")
TEXT_PAGES = len(list((ROOT / "tests" / "fixtures" / "pages").glob("*.txt")))  # the pages same_vectors reads


def reference(tmp_path: Path, edit=None) -> Path:
    target = tmp_path / "ref" / "pipeline" / "classify" / "blocks.py"
    target.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "pipeline" / "classify" / "blocks.py", target)
    if edit:
        text = target.read_text(encoding="utf-8")
        assert edit[0] in text
        target.write_text(text.replace(*edit), encoding="utf-8")
    return tmp_path / "ref"


def test_the_same_code_gives_the_same_vectors(tmp_path, capsys):
    assert same_vectors.main([str(reference(tmp_path)), PAGES, "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert f"{TEXT_PAGES} pages" in out and "0 pages with a different vector" in out and "feature names and order equal: True" in out


def test_a_changed_feature_is_found(tmp_path, capsys):
    ref = reference(tmp_path, ("return [i / last for i in range(p.n)]", "return [i / (last + 1) for i in range(p.n)]"))
    assert same_vectors.main([str(ref), PAGES, "--rounds", "1"]) == 1
    assert f"{TEXT_PAGES} pages with a different vector" in capsys.readouterr().out
