"""bench/make_set.py: a held-out set built from page/truth pairs, in the layout of ../shared/bench,
and bench/html_bench.py's --bench option."""
import gzip
import importlib.util
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, BENCH / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_set():
    return load("make_set", "make_set.py")


PAGE = """<!DOCTYPE html><html><head><title>Storm hits the coast</title>
<link rel="canonical" href="https://news.example/2024/storm"/>
<script>var tracking = "<p>not text</p>";</script><style>p {color: red}</style></head>
<body><!-- a comment with <p>no text</p> -->
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Storm hits the coast</h1>
<p onclick="track('x')">The storm reached the coast on Monday night, the weather service said.</p>
<svg viewBox="0 0 1 1"><path d="M0 0h1v1"/></svg>
<p>Thousands of homes lost power, and schools stayed closed on Tuesday.</p>
<img src="data:image/png;base64,""" + "A" * 300 + """"/></article>
<footer>© 2024 Example News</footer></body></html>"""


def fake_scrape(html):
    """A tag stripper standing in for inscriptis (one block per line, no blank lines)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip()) + "\n"


def test_strip_scripts_keeps_the_text_and_is_idempotent(make_set):
    out = make_set.strip_scripts(PAGE)
    assert "tracking" not in out and "color: red" not in out and "a comment" not in out
    assert "onclick" not in out and "M0 0h1v1" not in out and "AAAA" not in out
    assert 'src="data:,"' in out and "<svg" in out and "</svg>" in out
    assert "The storm reached the coast on Monday night" in out and "Thousands of homes lost power" in out
    assert make_set.strip_scripts(out) == out
    assert not re.search(r"^[ \t]", out, re.M) and "\n\n" not in out


def test_decode_prefers_utf8_then_the_declared_charset(make_set):
    assert make_set.decode("café".encode()) == "café"
    assert make_set.decode(b'<meta charset="iso-8859-1"><p>caf\xe9</p>') == '<meta charset="iso-8859-1"><p>café</p>'
    assert make_set.decode(b"\xef\xbb\xbfhi") == "hi"


def test_build_writes_the_shared_layout_deterministically(make_set, tmp_path, monkeypatch):
    monkeypatch.setattr(make_set, "scrape", fake_scrape)
    src = tmp_path / "src"
    src.mkdir()
    (src / "storm.page.html").write_text(PAGE, encoding="utf-8")
    (src / "storm.page.truth.html").write_text(
        "<div><p>The storm reached the coast on Monday night, the weather service said.</p>"
        "<p>Thousands of homes lost power, and schools stayed closed on Tuesday.</p></div>", encoding="utf-8")
    (src / "quake.html").write_bytes(b"<html><body><p>Sismo en la costa: la tierra tembl\xf3 el lunes.</p></body></html>")
    (src / "quake.truth.txt").write_text("Sismo en la costa:\n\n  la tierra tembló el lunes.  \n", encoding="utf-8")
    (src / "orphan.html").write_text("<p>no truth for this page</p>", encoding="utf-8")
    (src / "urls.tsv").write_text("quake\thttps://noticias.example/sismo\n", encoding="utf-8")

    assert make_set.build(src, tmp_path / "a", strip=True) == 0
    assert make_set.build(src, tmp_path / "b", strip=True) == 0
    for rel in ("truth.jsonl", "html/quake.html.gz", "html/storm_page.html.gz", "text/quake.txt", "text/storm_page.txt"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert sorted(p.name for p in (tmp_path / "a" / "html").iterdir()) == ["quake.html.gz", "storm_page.html.gz"]

    records = [json.loads(line) for line in (tmp_path / "a" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["quake", "storm_page"]
    quake, storm = records
    assert quake["url"] == "https://noticias.example/sismo" and storm["url"] == "https://news.example/2024/storm"
    assert quake["text"] == "Sismo en la costa:\nla tierra tembló el lunes."
    assert "The storm reached the coast" in storm["text"] and "Home" not in storm["text"]

    page = gzip.decompress((tmp_path / "a" / "html" / "quake.html.gz").read_bytes()).decode("utf-8")
    assert "tembló" in page
    stored = gzip.decompress((tmp_path / "a" / "html" / "storm_page.html.gz").read_bytes()).decode("utf-8")
    assert "tracking" not in stored and "Thousands of homes lost power" in stored
    scrape = (tmp_path / "a" / "text" / "storm_page.txt").read_text(encoding="utf-8")
    assert "Home" in scrape and "© 2024 Example News" in scrape and "\n\n" not in scrape


def test_scrape_with_inscriptis_is_one_block_per_line(make_set):
    pytest.importorskip("inscriptis")
    out = make_set.scrape("<html><body><div>Menu</div><p>First   paragraph.</p>\n\n<p>Second.</p></body></html>")
    assert out == "Menu\nFirst paragraph.\nSecond.\n"


def test_html_bench_says_so_when_the_bench_dir_is_absent(capsys):
    html_bench = load("bench_html", "html_bench.py")
    assert html_bench.main(["newspaper", "--bench", "/nonexistent/otherpages"]) == 0
    assert "is absent" in capsys.readouterr().out
