"""One fold (issue 14): comparing two lines "the same but for white space and case" is
``pipeline/text/predicates.py``'s ``squash``, and a case-insensitive literal match its
``fold``; no other module of the library or the tasks spells them again (a second copy
drifts: one of them learns the dotless i, the other does not)."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWNER = ROOT / "pipeline" / "text" / "predicates.py"
SPELLING = re.compile(r"\.split\(\)\)\s*\.casefold\(\)")


def second_spellings(source: str) -> list[str]:
    """The functions of ``source`` that squash and case-fold a text, or are named fold or squash."""
    out, lines = [], source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            body = "\n".join(lines[node.lineno - 1:node.end_lineno])
            if node.name in ("fold", "squash") or SPELLING.search(body):
                out.append(node.name)
    return out


def test_only_predicates_fold_and_squash():
    found = []
    for top in ("pipeline", "tasks"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if path == OWNER:
                continue
            names = second_spellings(path.read_text(encoding="utf-8"))
            # conservation.py's fold is another operation (NFKC, curly quotes, no case), the
            # same as ../shared/tools/check_conservation.py's
            if path.name == "conservation.py":
                names = [n for n in names if n != "fold"]
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names]
    assert found == []


def test_the_checker_finds_a_second_spelling():
    assert second_spellings('def key(t):\n    return " ".join(t.split()).casefold()\n') == ["key"]
    assert second_spellings("def fold(t):\n    return t.lower()\n") == ["fold"]
    assert second_spellings("def words(t):\n    return len(t.split())\n") == []
    assert set(second_spellings(OWNER.read_text(encoding="utf-8"))) >= {"fold", "squash"}
