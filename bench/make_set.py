#!/usr/bin/env python3
"""Build a held-out benchmark set, in the layout of ../shared/bench/<set>, from your own pages.

    python bench/make_set.py build SRC OUT [--strip-scripts]
    python bench/make_set.py newspaper4k SDIST SRC
    python bench/make_set.py readability CHECKOUT SRC [--pages a,b,...]

``build`` reads SRC, a folder of pairs by name:

    <name>.html (or .htm, .html.gz)   the page as served (any charset: decoded to UTF-8)
    <name>.truth.txt                  the article's ground-truth text, or
    <name>.truth.html                 the ground-truth article as HTML (one line per block)
    urls.tsv                          optional: <name> TAB <url> per line (else the page's
                                      canonical link, else "")

and writes OUT/html/<id>.html.gz (UTF-8), OUT/text/<id>.txt (a naive full-page scrape: inscriptis
``get_text``, lines stripped, blank lines dropped, as the shared sets were made) and
OUT/truth.jsonl (``{"id", "url", "text"}``), where <id> is <name> with anything but letters,
digits, ``-`` and ``_`` turned into ``_``. Truth HTML becomes text the same way as the scrape
(inscriptis puts each block element on its own line). ``--strip-scripts`` empties the bodies of
``<script>``/``<style>``/``<svg>`` elements and drops HTML comments and event handlers first (none of the extractors compared
reads them; used for pages transcribed without them; see ``strip_scripts``). Same SRC gives byte-identical OUT.

``newspaper4k`` and ``readability`` copy the page pairs that bench/OTHER_PAGES.md lists from a
newspaper4k sdist (tests/data/html + txt; the URL from its metadata, else the page's canonical link) or a mozilla/readability checkout
(test/test-pages/<page>/source.html + expected.html) into SRC, ready for ``build``.
Needs inscriptis (``pip install -e '.[bench]'``), which newsclean itself does not use.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tarfile
from pathlib import Path


NEWSPAPER4K_PAGES = ("article_with_br", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article", "cnn_test_nlp",
                     "fox13now_001", "latvian_article", "spanish_article", "time_001", "video_article_02", "wired_001")
# the pages in scripts other than Latin (bench/OTHER_PAGES.md, set `nonlatin`): pass
# --pages nonlatin
NEWSPAPER4K_NONLATIN = ("arabic_article", "burmese_article", "chinese_article", "chinese_article_001",
                        "chinese_article_002", "japanese_article", "japanese_article2", "thai_article", "yna_co_kr")
READABILITY_PAGES = ("ars-1", "citylab-1", "herald-sun-1", "la-nacion", "lemonde-1", "liberation-1", "tmz-1", "v8-blog",
                     "wapo-2")

PAGE_SUFFIXES = (".html.gz", ".html", ".htm")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
CANONICAL = re.compile(rb"""<link rel=["']canonical["'][^>]*href=["']([^"']+)""", re.I)
SCRIPT = re.compile(r"(<(script|style|svg)\b[^>]*>).*?(</\2\s*>)", re.I | re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
HANDLER = re.compile(r"""\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*')""", re.I)
DATA_URI = re.compile(r"""(["'])data:[^"']{200,}\1""")
INDENT = re.compile(r"^[ \t]+", re.M)
BLANK = re.compile(r"\n\s*\n+")


def decode(data: bytes) -> str:
    """The page's text: UTF-8 when it decodes as such, else its declared charset, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = CHARSET.search(data[:4096])
    for enc in ([m.group(1).decode("ascii")] if m else []) + ["cp1252"]:
        try:
            return data.decode(enc, errors="replace")
        except LookupError:
            continue
    return data.decode("latin-1")


def strip_scripts(html: str) -> str:
    """What a page keeps when transcribed by hand: the bodies of <script>, <style> and <svg>
    emptied, comments and on* event-handler attributes dropped, inline data: URIs of 200+
    characters cut to "data:,", lines dedented, blank lines dropped. Nothing the compared extractors read as text is touched (indentation inside <pre>
    aside)."""
    html = HANDLER.sub("", COMMENT.sub("", SCRIPT.sub(r"\1\3", html)))
    html = DATA_URI.sub(r"\1data:,\1", html)
    return BLANK.sub("\n", INDENT.sub("", html))


def scrape(html: str) -> str:
    """A naive full-page text scrape: inscriptis, one block per line, no blank lines."""
    try:
        from inscriptis import get_text
    except ImportError:
        raise SystemExit("make_set.py needs inscriptis: pip install -e '.[bench]' (or pip install inscriptis)") from None
    lines = (line.strip() for line in get_text(html).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def plain_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def find_pairs(src: Path) -> list[tuple[str, Path, Path]]:
    """(name, page, truth) for every page of SRC that has a truth file, sorted by name."""
    pairs = []
    for page in sorted(src.iterdir()):
        suffix = next((s for s in PAGE_SUFFIXES if page.name.endswith(s)), None)
        if suffix is None or ".truth." in page.name:
            continue
        name = page.name[:-len(suffix)]
        truth = next((t for t in (src / f"{name}.truth.txt", src / f"{name}.truth.html") if t.is_file()), None)
        if truth is None:
            print(f"make_set: {page.name} has no {name}.truth.txt or .truth.html; skipped", file=sys.stderr)
            continue
        pairs.append((name, page, truth))
    return pairs


def truth_text(path: Path) -> str:
    text = decode(path.read_bytes())
    if path.suffix == ".html":
        return scrape(text).rstrip("\n")
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def build(src: Path, out: Path, strip: bool = False) -> int:
    urls = {}
    if (src / "urls.tsv").is_file():
        for line in (src / "urls.tsv").read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                name, url = line.split("\t", 1)
                urls[name.strip()] = url.strip()
    pairs = find_pairs(src)
    ids = [plain_id(name) for name, _, _ in pairs]
    if len(set(ids)) != len(ids):
        raise SystemExit("make_set: two page names give the same id; rename one")
    (out / "html").mkdir(parents=True, exist_ok=True)
    (out / "text").mkdir(parents=True, exist_ok=True)
    records = []
    for pid, (name, page, truth) in zip(ids, pairs):
        data = page.read_bytes()
        html = decode(gzip.decompress(data) if page.name.endswith(".gz") else data)
        if strip:
            html = strip_scripts(html)
        (out / "html" / f"{pid}.html.gz").write_bytes(gzip.compress(html.encode("utf-8"), mtime=0))
        (out / "text" / f"{pid}.txt").write_text(scrape(html), encoding="utf-8")
        canonical = CANONICAL.search(html.encode("utf-8"))
        url = urls.get(name) or (canonical.group(1).decode("utf-8") if canonical else "")
        records.append({"id": pid, "url": url, "text": truth_text(truth)})
    with open(out / "truth.jsonl", "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"make_set: {len(records)} pages from {src} into {out}")
    return 0


def from_newspaper4k(sdist: Path, src: Path, pages: tuple[str, ...] = NEWSPAPER4K_PAGES) -> int:
    """Copy the listed pages of a newspaper4k sdist (tests/data/html/<p>.html + txt/<p>.txt, with
    the URL from tests/data/metadata/<p>.json when there is one) into SRC."""
    src.mkdir(parents=True, exist_ok=True)
    urls = []
    with tarfile.open(sdist) as tar:
        members = {Path(*Path(m.name).parts[1:]).as_posix(): m for m in tar.getmembers() if m.isfile()}

        def read(rel):
            return tar.extractfile(members[rel]).read() if rel in members else None

        for page in pages:
            (src / f"{page}.html").write_bytes(read(f"tests/data/html/{page}.html"))
            (src / f"{page}.truth.txt").write_bytes(read(f"tests/data/txt/{page}.txt"))
            meta = read(f"tests/data/metadata/{page}.json")
            url = json.loads(meta).get("url", "") if meta else ""
            canonical = CANONICAL.search(read(f"tests/data/html/{page}.html"))
            url = url or (canonical.group(1).decode("utf-8") if canonical else "")
            urls.append(f"{page}\t{url or ''}")
    (src / "urls.tsv").write_text("\n".join(urls) + "\n", encoding="utf-8")
    print(f"make_set: {len(pages)} newspaper4k pages into {src}")
    return 0


def from_readability(checkout: Path, src: Path, pages: tuple[str, ...]) -> int:
    """Copy test/test-pages/<page>/source.html and expected.html of a mozilla/readability
    checkout into SRC (``build`` takes the URL from the page's canonical link)."""
    src.mkdir(parents=True, exist_ok=True)
    for page in pages:
        folder = checkout / "test" / "test-pages" / page
        (src / f"{page}.html").write_bytes((folder / "source.html").read_bytes())
        (src / f"{page}.truth.html").write_bytes((folder / "expected.html").read_bytes())
    print(f"make_set: {len(pages)} readability pages into {src}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="pairs folder -> benchmark set")
    b.add_argument("src", type=Path)
    b.add_argument("out", type=Path)
    b.add_argument("--strip-scripts", action="store_true", help="empty <script>/<style>/<svg> bodies, drop comments and event handlers")
    n = sub.add_parser("newspaper4k", help="newspaper4k sdist -> pairs folder")
    n.add_argument("sdist", type=Path)
    n.add_argument("src", type=Path)
    n.add_argument("--pages", default=",".join(NEWSPAPER4K_PAGES),
                   help="comma-separated page names, or 'nonlatin' (the pages in other scripts)")
    r = sub.add_parser("readability", help="mozilla/readability checkout -> pairs folder")
    r.add_argument("checkout", type=Path)
    r.add_argument("src", type=Path)
    r.add_argument("--pages", default=",".join(READABILITY_PAGES), help="comma-separated test page names")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        return build(args.src, args.out, args.strip_scripts)
    if args.cmd == "newspaper4k":
        pages = NEWSPAPER4K_NONLATIN if args.pages == "nonlatin" else tuple(p for p in args.pages.split(",") if p)
        return from_newspaper4k(args.sdist, args.src, pages)
    return from_readability(args.checkout, args.src, tuple(p for p in args.pages.split(",") if p))


if __name__ == "__main__":
    sys.exit(main())
