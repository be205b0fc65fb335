#!/usr/bin/env python3
"""Train the HTML path's vote (pipeline/classify/ensemble.py): a logistic regression over
``ensemble.FEATURES`` of the page lines that exactly one extractor keeps.

    python bench/train_ensemble.py --loso aeb,wcxb-dev,dragnet-train,daniel-dev [--write]

For every page of the named dev sets it reads the raw lines and both extractors' votes
(``html_extract.extractor_votes``, as the pipeline computes them; kept in ``--cache`` so that
a second run costs seconds), labels each line from the page's truth (article text when most
of its 4-token shingles, or its whole token run when shorter, are in the true text), and fits
the disputed lines, each weighted by its share of the page's tokens (as the page-averaged
metric weighs it) and every set as much as the others. ``--loso`` trains on all sets but one
and scores that one, for each (the honest figure), then the in-sample score of the model
trained on all; scores are of the extraction alone (kept lines, before the cleaning stages),
beside trafilatura's and readability's votes alone. ``--write`` stores the model trained on
all named sets in pipeline/rules/models/ensemble.json. The cache's files are named after a
digest of the code that computes the votes and the extractors' versions. Needs numpy and scikit-learn
(``pip install -e '.[train]'``).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import sys
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from newsclean.pipeline.core.config import CleanConfig  # noqa: E402
from newsclean.pipeline.classify.ensemble import FEATURES, KEEP_AT, EnsembleModel, disputed_vectors  # noqa: E402
from newsclean.pipeline.ingest.html_extract import extractor_votes  # noqa: E402
from quality import DEFAULT_BENCH, DEFAULT_SETS, WORD, read_truth, score  # noqa: E402
from train_blocks import fit, label  # noqa: E402

MODEL = ROOT / "pipeline" / "rules" / "models" / "ensemble.json"
KEEP_AT_P = 0.5


def page_votes(path: str):
    html = gzip.decompress(Path(path).read_bytes()).decode("utf-8", "replace")
    try:
        v = extractor_votes(html, CleanConfig(), None, both=True)
    except Exception as exc:  # noqa: BLE001 - a page too deep for the parser, ...
        return path, None, str(exc)
    return path, (v.lines, v.trafilatura, v.readability), None


def code_key() -> str:
    """What the votes depend on: the code that computes them and the extractors' versions (a
    cache made by other code is not used)."""
    from importlib.metadata import version
    h = hashlib.sha256()
    for module in ("ingest/html_blocks.py", "ingest/html_extract.py", "ingest/html_readability.py", "ingest/html_parse.py"):
        h.update((ROOT / "pipeline" / module).read_bytes())
    h.update(f"{version('trafilatura')} {version('readability-lxml')} {version('lxml')}".encode())
    return h.hexdigest()[:12]


def load_set(bench: Path, name: str, cache: Path):
    """(truth, [(id, lines, t, r)]) of one set, from the cache when it is there."""
    cached = cache / f"{name}-{code_key()}.pkl"
    truth = read_truth(bench / name)
    if cached.is_file():
        return truth, pickle.loads(cached.read_bytes())
    paths = sorted(str(p) for p in (bench / name / "html").glob("*.html.gz"))
    pages = []
    with Pool(2) as pool:
        for path, votes, _error in pool.imap(page_votes, paths, chunksize=8):
            if votes is not None:
                pages.append((Path(path).name.removesuffix(".html.gz"), *votes))
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(pages))
    return truth, pages


def rows(truth: dict, pages):
    """(X, y, w) of the disputed lines of these pages."""
    X, y, w = [], [], []
    for pid, lines, t_cover, r_cover in pages:
        toks = WORD.findall(truth.get(pid, ""))
        shingles = {tuple(toks[i:i + 4]) for i in range(len(toks) - 3)}
        joined = f" {' '.join(toks)} "
        t = [c >= KEEP_AT for c in t_cover]
        r = [c >= KEEP_AT for c in r_cover]
        total = sum(len(WORD.findall(b.text)) + 1 for b in lines) or 1
        for k, vec in disputed_vectors(lines, t, r, t_cover, r_cover).items():
            X.append(vec)
            y.append(label(lines[k].text, shingles, joined))
            w.append((len(WORD.findall(lines[k].text)) + 1) / total)
    return np.array(X).reshape(-1, len(FEATURES)), np.array(y), np.array(w)


def train(sets, names, C) -> EnsembleModel:
    parts = [rows(*sets[n]) for n in names]
    pages = [len(sets[n][1]) for n in names]
    X = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    w = np.concatenate([p[2] * (sum(pages) / len(pages)) / n for p, n in zip(parts, pages)])  # a set weighs as much as another
    return EnsembleModel("ensemble", tuple(float(c) for c in fit(X, y, w, C)), KEEP_AT_P)


def texts(pages, model: EnsembleModel | None, which: str = "vote") -> dict[str, str]:
    """The kept lines of each page: by the vote, or by one extractor alone."""
    from newsclean.pipeline.classify.ensemble import vote
    out = {}
    for pid, lines, t_cover, r_cover in pages:
        if which == "trafilatura":
            keep = [c >= KEEP_AT for c in t_cover]
        elif which == "readability":
            keep = [c >= KEEP_AT for c in r_cover]
        else:
            keep, _ = vote(lines, t_cover, r_cover, model)
        out[pid] = "\n".join(b.text for b, k in zip(lines, keep) if k)
    return out


def fmt(s: dict) -> str:
    return f"{s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loso", default=",".join(DEFAULT_SETS), help="the sets (comma separated)")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsclean-ensemble-votes"))
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if not args.bench.is_dir():
        print(f"train_ensemble: no dev sets: {args.bench} is absent; nothing trained.")
        return 0
    names = [n for n in args.loso.split(",") if n and (args.bench / n / "truth.jsonl").is_file()]
    sets = {n: load_set(args.bench, n, args.cache) for n in names}
    full = train(sets, names, args.C)
    print("Extraction alone (kept lines before the cleaning stages), F1 | P | R:")
    print("| set | trafilatura votes | readability votes | vote, held out | vote, in-sample |")
    print("|---|---|---|---|---|")
    for held in names:
        truth, pages = sets[held]
        model = train(sets, [n for n in names if n != held], args.C) if len(names) > 1 else full
        cells = [score(texts(pages, None, which), truth)[0] for which in ("trafilatura", "readability")]
        cells += [score(texts(pages, m), truth)[0] for m in (model, full)]
        print(f"| {held} | " + " | ".join(fmt(c) for c in cells) + " |")
    print("  " + "  ".join(f"{f} {c:+.2f}" for f, c in sorted(zip(FEATURES, full.weights), key=lambda x: -abs(x[1]))))
    if args.write:
        data = {"name": "ensemble", "kind": "ensemble", "trained_on": names, "features": list(FEATURES),
                "weights": [round(c, 4) for c in full.weights], "keep_at": full.keep_at}
        MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
