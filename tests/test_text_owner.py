"""One fold (issue 14): comparing two lines "the same but for white space and case" is
``pipeline/text/predicates.py``'s ``squash``, and a case-insensitive literal match its
``fold``; no other module of the library or the tasks spells them again (a second copy
drifts: one of them learns the dotless i, the other does not). One word count: ``words`` of
the same module (Han and kana runs counted by their length); no other module counts words.
One "ends like a sentence": ``ends_like_sentence`` of the same module (its TERMINALS hold the
Chinese and Japanese full stops); no other module spells a pattern of it."""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWNER = ROOT / "pipeline" / "text" / "predicates.py"


def library_modules(but=None):
    """(path, source) of every module of the library and the tasks, ``but`` left out."""
    for top in ("pipeline", "tasks"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if path != but:
                yield path, path.read_text(encoding="utf-8")


@dataclass
class VoteLine:
    """A line as the HTML vote (classify/ensemble.py) reads it."""
    text: str
    kind: str = "paragraph"
    cell: bool = False
    link_chars: int = 0
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
    for path, source in library_modules(but=OWNER):
        names = second_spellings(source)
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


# ---- one word count (issue 14): predicates.words, Han and kana runs counted by their length ----------

COUNT_NAMES = {"words", "word_count", "count_words", "n_words", "num_words"}
WORD_PATTERNS = {r"\w+", r"\w+\b", r"\b\w+\b", r"[\w']+", r"\S+"}


def second_word_counts(source: str) -> list[str]:
    """The word counters of ``source``: a function named like one (``COUNT_NAMES``) that
    returns an int, and any ``len(P.findall(..))`` or ``len(re.findall(P, ..))`` with P a
    word pattern (``WORD_PATTERNS``, a module constant or a literal), by function (or
    ``<module>``). A function returning a list of words (dedup's shingle tokens) is another
    operation and is not counted."""
    tree = ast.parse(source)
    patterns = set()
    for node in tree.body:  # NAME = re.compile(r"\w+", ...)
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args
                and isinstance(node.value.args[0], ast.Constant) and node.value.args[0].value in WORD_PATTERNS):
            patterns |= {t.id for t in node.targets if isinstance(t, ast.Name)}

    def counts_words(call: ast.AST) -> bool:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "len" and call.args):
            return False
        inner = call.args[0]
        if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "findall"):
            return False
        owner = inner.func.value
        if isinstance(owner, ast.Name) and owner.id in patterns:
            return True
        return (isinstance(owner, ast.Name) and owner.id == "re" and bool(inner.args)
                and isinstance(inner.args[0], ast.Constant) and inner.args[0].value in WORD_PATTERNS)

    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            named = node.name in COUNT_NAMES and isinstance(node.returns, ast.Name) and node.returns.id == "int"
            if named or any(counts_words(n) for n in ast.walk(node)):
                out.append(node.name)
    inside = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(f)}
    if any(counts_words(n) and id(n) not in inside for n in ast.walk(tree)):
        out.append("<module>")
    return out


def test_only_predicates_count_words():
    """The vote (classify/ensemble.py) counted ``\\w+`` runs, a Chinese paragraph one word."""
    found = [f"{path.relative_to(ROOT)}: {n}" for path, source in library_modules(but=OWNER)
             for n in second_word_counts(source)]
    assert found == []


def test_the_checker_finds_a_second_word_count():
    old_ensemble = ('import re\nWORD = re.compile(r"\\w+")\n\n'
                    'def words(text: str) -> int:\n    return len(WORD.findall(text))\n')
    assert second_word_counts(old_ensemble) == ["words"]
    assert second_word_counts('import re\nTOKEN = re.compile(r"\\w+")\n\n'
                              'def long_line(t):\n    return len(TOKEN.findall(t)) > 40\n') == ["long_line"]
    assert second_word_counts('import re\nn = len(re.findall(r"\\w+", "a b"))\n') == ["<module>"]
    assert second_word_counts("def word_count(t: str) -> int:\n    return len(t.split())\n") == ["word_count"]
    # a list of tokens (dedup's shingles) is not a count
    assert second_word_counts('import re\n_W = re.compile(r"\\w+")\n\n'
                              'def words(t: str) -> list[str]:\n    return _W.findall(t)\n') == []
    assert second_word_counts(OWNER.read_text(encoding="utf-8")) == ["words"]


def test_the_vote_counts_words_as_the_rest_of_the_package():
    """A Chinese line is counted by its Han runs in the vote's word features, as everywhere."""
    import math

    from newsclean.pipeline.classify.ensemble import FEATURES, disputed_vectors
    from newsclean.pipeline.text.predicates import words

    lines = [VoteLine("国务院今天发布了关于进一步优化营商环境的若干意见，要求各地区各部门认真贯彻落实。"),
             VoteLine("U.S.-based firms don't wait."), VoteLine("— 新华社")]
    vectors = disputed_vectors(lines, [True, True, False], [False, False, True])
    at = FEATURES.index("words_log")
    assert [words(x.text) for x in lines] == [19, 4, 3]  # \w+ runs: 2, 7, 1
    assert [vectors[k][at] for k in range(3)] == [math.log1p(19), math.log1p(4), math.log1p(3)]
    assert vectors[0][FEATURES.index("run_words_log")] == math.log1p(19 + 4)


# ---- one "ends like a sentence": predicates.ends_like_sentence (TERMINALS, CLOSERS) --------------

# a character class (not a negated one) holding the full stop, exclamation and question marks
TERMINAL_CLASS = re.compile(r"\[(?!\^)[^\]]*\.!\?[^\]]*\]")


def second_sentence_ends(source: str) -> list[str]:
    """The names bound in ``source`` to a pattern (``re.compile`` or ``regex.compile`` of a
    literal) matching terminal punctuation at the end of a text: a class of ``.!?`` and an
    ending ``$``. One that finds a sentence end inside a block (no ``$``) is another question."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args:
            func, first = node.value.func, node.value.args[0]
            if (isinstance(func, ast.Attribute) and func.attr == "compile" and isinstance(first, ast.Constant)
                    and isinstance(first.value, str) and first.value.endswith("$") and TERMINAL_CLASS.search(first.value)):
                out += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return out


def test_only_predicates_say_what_ends_like_a_sentence():
    """The vote (classify/ensemble.py) kept its own TERMINAL, without 。！？ or a closer after a space."""
    found = [f"{path.relative_to(ROOT)}: {n}" for path, source in library_modules(but=OWNER)
             for n in second_sentence_ends(source)]
    assert found == []


def test_the_checker_finds_a_second_sentence_end():
    assert second_sentence_ends('import re\nTERMINAL = re.compile(r"[.!?…:;][\\"\'”’»)\\]]*$")\n') == ["TERMINAL"]
    assert second_sentence_ends('import regex\nEND = regex.compile(r"[.!?]\\s*$")\n') == ["END"]
    # a sentence end inside the text, and a class without them, are other questions
    assert second_sentence_ends('import re\nINNER = re.compile(r"[.!?…][\\"\'”’»)\\]]*\\s+[A-Z]")\n') == []
    assert second_sentence_ends('import re\nG = re.compile(r"^hi[^.!?]{0,30}$")\n') == []


def test_the_vote_reads_a_sentence_end_as_the_rest_of_the_package():
    """A line ending in 。 or ？」, or in a closing quote after a space, ends like a sentence in
    the vote's terminal feature as in the classifier's (predicates.ends_like_sentence)."""

    from newsclean.pipeline.classify.ensemble import FEATURES, disputed_vectors
    from newsclean.pipeline.text.predicates import ends_like_sentence

    texts = ["市長は「一日も早く整えたい」と述べた。", "本当に実現するのか？」", "他说：“我们会继续努力。”",
             '"We need a word that means "false sense of security". "', "« Il a dit non. »",
             "相关新闻", "分享到：", "Read more"]
    lines = [VoteLine(t) for t in texts]
    n = len(lines)
    vectors = disputed_vectors(lines, [True] * n, [False] * n)
    at = FEATURES.index("terminal")
    assert [vectors[k][at] for k in range(n)] == [float(ends_like_sentence(t)) for t in texts]
    assert [vectors[k][at] for k in range(n)] == [1.0] * 5 + [0.0] * 3


LONG_PATTERN = 12  # shorter ones (\d, \s+, \w+, line breaks) are idioms, not facts


def compiled_patterns(source: str) -> list[str]:
    """The literal patterns ``source`` gives to ``re.compile`` or ``regex.compile``."""
    return [node.args[0].value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
            and isinstance(node.func.value, ast.Name) and node.func.value.id in ("re", "regex")
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]


def test_no_pattern_is_spelled_in_two_modules():
    """A pattern of some length is a fact (what a sentence end inside a line is, which
    characters a plain name holds): one module owns it and the others import it, so that a
    fix to one copy cannot miss the other (INNER_SENTENCE was in text/credits.py and
    classify/blocks.py, a plain name's characters in core/ids.py and ingest/inputs.py)."""
    owners: dict[str, set[str]] = {}
    for path, source in library_modules():
        for pattern in compiled_patterns(source):
            if len(pattern) >= LONG_PATTERN:
                owners.setdefault(pattern, set()).add(str(path.relative_to(ROOT)))
    assert {p: sorted(m) for p, m in owners.items() if len(m) > 1} == {}


def test_the_pattern_checker_reads_both_modules():
    source = 'import re\nimport regex\nA = re.compile(r"[^A-Za-z0-9._-]+")\nB = regex.compile("x", regex.I)\nC = other.compile("y")\n'
    assert compiled_patterns(source) == ["[^A-Za-z0-9._-]+", "x"]
