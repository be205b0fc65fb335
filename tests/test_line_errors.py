"""bench/line_errors.py: the lost lines of a dev set against its truth, in page units."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench  # loads bench/line_errors.py

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("line_errors", BENCH / "line_errors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_line_classes_are_structural():
    line_errors = load()
    assert line_errors.line_class("09:30 Землетрясение в Иране 09:14 Кабмин изменил список") == "clocks>=2"
    assert line_errors.line_class("* 09:29 В ГД внесут законопроект.") == "clock"
    assert line_errors.line_class("* содержит спам, рекламирует распространение спама;") == "bullet"
    assert line_errors.line_class("The council approved the budget on Monday.") == "other"


def test_a_kept_menu_line_is_precision_lost_and_a_dropped_true_line_recall_lost(tmp_path, monkeypatch, capsys):
    body = ["The council approved the new budget on Monday after a long debate about schools and roads.",
            "Residents of the northern suburbs have asked the council for more buses since the network was cut.",
            "The mayor said the plan would be paid for by a small rise in parking fees across the city."]
    folder = tmp_path / "set"
    (folder / "text").mkdir(parents=True)
    (folder / "text" / "a.txt").write_text("\n".join(["Home", "News", *body, "* Share"]) + "\n", encoding="utf-8")
    truth = " ".join(["Home News", *body[:2]])  # the truth keeps a menu line and drops the last paragraph
    (folder / "truth.jsonl").write_text(json.dumps({"id": "a", "text": truth}) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["line_errors.py", "set", "--bench", str(tmp_path)])
    assert load().main() == 0
    out = capsys.readouterr().out
    assert "set: 1 pages" in out
    kept_not_true = out.split("kept, truth drops")[1].split("dropped, truth keeps")[0]
    assert "The mayor said the plan" in kept_not_true  # kept by the pipeline, not in the truth
    assert "Home" in out.split("dropped, truth keeps")[1]  # in the truth, dropped by the pipeline


def test_no_dev_sets_is_said_not_raised(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["line_errors.py", "set", "--bench", str(tmp_path)])
    assert load().main() == 0
    assert "nothing measured" in capsys.readouterr().out
