"""The five seed articles: scored against their hand labels, and as golden cases.

Golden files (tests/golden/<id>.json) hold the expected output and change ids; after an
intended change of behaviour, rewrite them with ``pytest tests/test_seeds.py --update-golden``
and review the diff.
"""
import json
import re
import unicodedata
from pathlib import Path

import pytest

from newsclean.pipeline.output.contract import changelog_record, corpus_record

from .conftest import FIXTURES, RAW

GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = sorted(p.stem for p in RAW.glob("*.txt"))
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def fold(s):
    if not s:
        return None
    s = unicodedata.normalize("NFKC", s).translate(QUOTES)
    return re.sub(r"\s+", " ", s).strip() or None


@pytest.fixture(scope="module")
def cleaned(clean):
    return {sid: clean((RAW / f"{sid}.txt").read_bytes(), id=sid) for sid in SEEDS}


def test_five_seeds_present():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_against_hand_labels(sid, cleaned):
    gold = json.loads((FIXTURES / "seeds_gold" / f"{sid}.json").read_text(encoding="utf-8"))
    c = cleaned[sid]
    a = c.article
    blocks = [(b.kind, fold(b.text)) for b in a.blocks]
    texts = [t for _, t in blocks]
    body = [fold(line["text"]) for line in gold["lines"] if line["role"] in ("body", "heading")]
    assert texts == body, "body lines, in order and nothing else"
    for line in gold["lines"]:
        if line["role"] == "heading":
            assert ("heading", fold(line["text"])) in blocks
    logged = [fold(ch.before) for ch in c.changes if ch.action in ("drop", "move", "extract")]
    for line in gold["lines"]:
        if line["role"].startswith("boilerplate") and fold(line["text"]):
            assert fold(line["text"]) not in texts
            assert fold(line["text"]) in logged, f"dropped line not logged: {line['text']!r}"
    assert fold(a.title) == fold(gold["title"])
    assert [fold(x) for x in a.authors] == [fold(x) for x in gold["authors"]]
    got = [(fold(cap.title), fold(cap.text), fold(cap.credit)) for cap in a.captions]
    want = [(fold(g["title"]), fold(g["text"]), fold(g["credit"])) for g in gold["captions"]]
    assert got == want


def golden_view(c, ctx):
    record = corpus_record(c, ctx)
    log = changelog_record(c, ctx)
    return {
        "title": record["title"], "authors": record["authors"], "published": record["published"],
        "blocks": [[b["kind"], b["text"]] for b in record["blocks"]],
        "captions": record["captions"],
        "changes": [[ch["stage"], ch["rule"], ch["action"], ch["line"]] for ch in log["changes"]],
    }


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_golden(sid, cleaned, ctx, request):
    view = golden_view(cleaned[sid], ctx)
    path = GOLDEN / f"{sid}.json"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(view, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert view == expected
