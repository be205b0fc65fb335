"""bench/same_output.py: two output folders compared record by record, the code and rules
digests left out, every other byte counted."""
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("same_output", ROOT / "bench" / "same_output.py")
same_output = importlib.util.module_from_spec(spec)
spec.loader.exec_module(same_output)

RECORD = '{"id":"a","text":"%s","code_digest":"%s","rules_digest":"%s"}\n'


def write(out: Path, text="Body.", code="aa", rules="bb", log='{"id":"a","changes":[]}\n') -> Path:
    for folder, line in (("corpus", RECORD % (text, code, rules)), ("changelog", log)):
        (out / folder).mkdir(parents=True)
        (out / folder / "part-00000.jsonl").write_text(line)
    return out


def test_digests_are_left_out_and_every_other_byte_counts(tmp_path, capsys):
    a = write(tmp_path / "a")
    assert same_output.main(["--outputs", str(a), str(write(tmp_path / "b", code="cc", rules="dd"))]) == 0
    assert "2 records compared, 0 differences" in capsys.readouterr().out
    assert same_output.main(["--outputs", str(a), str(write(tmp_path / "c", text="Body!"))]) == 1
    assert same_output.main(["--outputs", str(a), str(write(tmp_path / "d", log='{"id":"a","changes":[1]}\n'))]) == 1
    assert same_output.main(["--outputs", "--keep-rules-digest", str(a), str(write(tmp_path / "e", rules="dd"))]) == 1


def test_an_empty_folder_is_not_the_same_output(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert same_output.main(["--outputs", str(tmp_path / "empty"), str(tmp_path / "empty")]) == 1
    assert "no corpus or change-log part" in capsys.readouterr().out
