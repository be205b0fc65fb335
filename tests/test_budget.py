"""bench/budget.py: its timers hook the pipeline's real call sites (every part it reports is
measured, none is silently zero) and leave the pipeline as they found it."""
import importlib.util
from pathlib import Path

import pytest

from newsclean.pipeline import clean
from newsclean.pipeline.classify.blocks import BlockModel
from newsclean.pipeline.stages import boilerplate

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def budget(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # budget.py imports bench/dataset.py
    spec = importlib.util.spec_from_file_location("budget", ROOT / "bench" / "budget.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seeds(budget):
    return budget.load(ROOT / "raw")


def test_every_reported_part_is_measured(budget):
    best, parts = budget.measure(seeds(budget), rounds=1)
    assert set(best) == {"ftfy.fix_text alone", "cleaning (newsclean)", "cleaning, classifier off"}
    # (the residue stage returns at once on a text input: it cleans what trafilatura leaves)
    labels = ["segment into blocks"] + [f"stage {name}" for name in clean.STAGES if name != "residue"] + \
        [label for _, label in budget.BOILERPLATE_PARTS] + ["classifier: logistic passes"]
    assert all(parts[label] > 0 for label in labels), {label: parts[label] for label in labels}
    # the parts nest: the classifier inside the boilerplate stage, the stages inside the total
    classifier = sum(parts[f"classifier: {p}"] for p in ("feature vectors", "page language", "logistic passes"))
    assert classifier <= parts["classifier (all)"] <= parts["stage boilerplate"]
    assert parts["segment into blocks"] + sum(parts[f"stage {n}"] for n in clean.STAGES) <= best["cleaning (newsclean)"]


def test_the_pipeline_is_unwrapped_afterwards(budget):
    before = (dict(clean.STAGES), clean.text_article, BlockModel.probabilities,
              [getattr(boilerplate, name) for name, _ in budget.BOILERPLATE_PARTS])
    budget.measure(seeds(budget)[:1], rounds=1)
    after = (dict(clean.STAGES), clean.text_article, BlockModel.probabilities,
             [getattr(boilerplate, name) for name, _ in budget.BOILERPLATE_PARTS])
    assert after == before


def test_says_so_when_the_dev_texts_are_absent(budget, monkeypatch, capsys):
    monkeypatch.setattr(budget.dataset, "missing_sources", lambda: ["/nonexistent/shared/bench/aeb/text"])
    assert budget.main([]) == 0
    assert "skipped, dev texts absent" in capsys.readouterr().out
