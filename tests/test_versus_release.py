"""bench/versus_release.py: its worker cleans with the tree it was started in (this checkout's
package layout here, v0.1.0's flat one by name) and times every article of every pass; a
reference tree of the flat layout is told from a packaged one."""
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def versus(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # it imports bench/dataset.py and measure.py
    spec = importlib.util.spec_from_file_location("versus_release", ROOT / "bench" / "versus_release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_worker_times_each_article_with_this_checkouts_pipeline(versus):
    got = versus.worker(ROOT / "raw", repeat=2, kind="package")
    inputs = [p for p in (ROOT / "raw").iterdir() if p.is_file() and not p.name.endswith(".meta.json")
              and p.name != "README.md"]
    assert len(got["best"]) == len(inputs) and all(t > 0 for t in got["best"])
    assert got["passes_agree"] and Path(got["pipeline"]) == ROOT / "pipeline"


def test_a_tree_without_the_package_folder_is_the_flat_layout(versus, tmp_path):
    (tmp_path / "pipeline").mkdir()
    assert versus.layout(tmp_path) == "flat" and versus.layout(ROOT) == versus.layout(None) == "package"
    assert set(versus.LOCATIONS["flat"]) == set(versus.LOCATIONS["package"])
