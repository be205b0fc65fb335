"""Near-duplicates (issue 16): copies linked on the cleaned body, never dropped; groups without
chaining; the canonical record chosen by date, length and id; incremental, order-independent
and deterministic; the Dedup task's parts, table, manifest, show and export."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newsclean.pipeline.output import dedup
from newsclean.pipeline.output.dedup import (
    Doc, MemoryIndex, Params, assign, make_doc, measures, priority, shingles, update
)

from .operations_support import ROOT, SEEDS, cli, manifest, parts, records

P = Params()


# --- synthetic articles -----------------------------------------------------------------

def _vocabulary(seed: int, n: int = 4000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(3, 9))) for _ in range(n)]


VOCAB = _vocabulary(16)


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n)).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(3))


def body(seed: int, paragraphs: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [paragraph(rng) for _ in range(paragraphs)]


def article(title: str, paragraphs: list[str], top: list[str], bottom: list[str]) -> str:
    return "\n".join([*top, title, *paragraphs, *bottom]) + "\n"


CHROME = {
    "a": (["Home | News | Sport | Weather"], ["Share this article", "Follow us on Twitter"]),
    "b": (["Menu", "Login | Register | Subscribe"], ["Read more:", "Sign up for our newsletter"]),
    "c": (["Top stories today"], ["Copyright 2024 The Daily Paper. All rights reserved."]),
}
STORY = body(1)
QUOTE = ('"We will not accept any agreement that leaves our people without water, without power and '
         'without a say in what happens to the valley for the next forty years," the minister said.')


def corpus_raw(folder: Path) -> Path:
    """Copies of one story under three sites' chrome, a truncated copy, a copy with a changed
    paragraph; two distinct stories on one event that share a long quote; an unrelated one."""
    folder.mkdir(parents=True, exist_ok=True)
    title = "Valley dam plan approved after a long night of talks"
    files = {
        "site-a": article(title, STORY, *CHROME["a"]),
        "site-b": article(title, STORY, *CHROME["b"]),
        "site-c": article(title, STORY, *CHROME["c"]),
        "short": article(title, STORY[:3], *CHROME["a"]),
        "edited": article(title, STORY[:4] + [sentence(random.Random(2))] + STORY[5:], *CHROME["b"]),
        "event-1": article("Ministers clash over the valley dam at the summit", body(3, 5)[:2] + [QUOTE] + body(3, 5)[2:],
                           *CHROME["a"]),
        "event-2": article("What the valley dam decision means for farmers", body(4, 6)[:3] + [QUOTE] + body(4, 6)[3:],
                           *CHROME["c"]),
        "other": article("Storm closes every coastal road for the weekend", body(5), *CHROME["b"]),
    }
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def links_of(out: Path) -> dict[str, str | None]:
    return {rid: json.loads(line)["duplicate_of"] for rid, line in records(out).items()}


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    base = tmp_path_factory.mktemp("dedup")
    raw, out = corpus_raw(base / "raw"), base / "out"
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    return raw, out


# --- detection on the cleaned body ----------------------------------------------------------

@pytest.mark.integration
def test_copies_under_other_chrome_a_truncated_and_an_edited_copy_are_linked(linked):
    _, out = linked
    links = links_of(out)
    corpus = {rid: json.loads(line) for rid, line in records(out).items()}
    group = ("site-a", "site-b", "site-c", "short", "edited")
    # undated: the longest text is canonical, then the smallest id
    canonical = min(group, key=lambda i: (-len(corpus[i]["text"]), i))
    assert canonical in ("site-a", "edited") and links[canonical] is None
    assert {k: links[k] for k in group if k != canonical} == dict.fromkeys(set(group) - {canonical}, canonical)
    logs = {rid: json.loads(line) for rid, line in records(out, "changelog").items()}
    rule = {rid: [c for c in log["changes"] if c["stage"] == "dedup"] for rid, log in logs.items()}
    assert rule["site-b"][0]["rule"] == "dup.near-copy" and rule["site-b"][0]["detail"]["similarity"] == 1.0
    assert rule["short"][0]["rule"] == "dup.contained" and rule["short"][0]["detail"]["containment"] == 1.0
    assert rule["short"][0]["detail"]["similarity"] < P.jaccard
    assert rule["edited"][0]["rule"] == "dup.near-copy" and 0.5 <= rule["edited"][0]["detail"]["similarity"] < 1
    assert rule[canonical] == [] and len([c for r in rule.values() for c in r]) == 4  # one change per linked record


@pytest.mark.integration
def test_distinct_stories_sharing_a_quote_are_not_copies(linked):
    _, out = linked
    links = links_of(out)
    assert links["event-1"] is None and links["event-2"] is None and links["other"] is None
    corpus = {rid: json.loads(line) for rid, line in records(out).items()}
    sim, con = measures(shingles(corpus["event-1"]["text"]), shingles(corpus["event-2"]["text"]))
    assert 0 < con < P.containment and sim < P.jaccard  # they do share the quote's 5-grams


@pytest.mark.integration
def test_the_seed_articles_are_not_copies(tmp_path):
    """Three of the five seeds report one event in different words."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS:
        (raw / seed.name).write_bytes(seed.read_bytes())
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    assert set(links_of(tmp_path / "out").values()) == {None}
    assert (tmp_path / "out" / "duplicates.jsonl").read_text() == ""


@pytest.mark.integration
def test_chrome_shared_by_different_stories_does_not_link_them(tmp_path):
    """Detection runs on the cleaned body: two stories under the same long site chrome."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(2):
        (raw / f"s{i}.txt").write_text(article(f"Story number {i} about a different thing", body(20 + i, 3),
                                               *CHROME["c"]), encoding="utf-8")
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    assert set(links_of(tmp_path / "out").values()) == {None}


def test_short_texts_are_never_linked():
    text = sentence(random.Random(7), 20)  # 16 five-grams, below min_shingles
    index = MemoryIndex()
    docs = [make_doc({"id": i, "text": text, "published": None}, 0, P) for i in ("x", "y")]
    assert docs[0].bands == ()
    assert update(index, docs, [], P).relinked == {}
    assert index.link("x") is None and index.link("y") is None


# --- groups --------------------------------------------------------------------------------

def test_no_friend_of_a_friend_chaining():
    """b is like a and like c, a and c are unlike: c does not join a's group through b."""
    nodes = {n: priority(None, 100 - i, n) for i, n in enumerate("abc")}
    edges = {"a": {"b": (0.6, 0.7)}, "b": {"a": (0.6, 0.7), "c": (0.6, 0.7)}, "c": {"b": (0.6, 0.7)}}
    links = assign(nodes, edges, P)
    assert links["a"] is None and links["b"].of == "a" and links["c"] is None


@pytest.mark.parametrize("records_,canonical", [
    ([("x", "2024-05-02", 500), ("y", "2024-05-01", 100)], "y"),  # earliest date first
    ([("x", None, 900), ("y", "2024-05-01", 100)], "y"),  # undated after dated
    ([("x", "2024-05-01", 100), ("y", "2024-05-01", 900)], "y"),  # then the longest text
    ([("y", None, 100), ("x", None, 100)], "x"),  # then the smallest id
])
def test_the_canonical_record(records_, canonical):
    nodes = {i: priority(d, n, i) for i, d, n in records_}
    ids = list(nodes)
    links = assign(nodes, {ids[0]: {ids[1]: (0.9, 0.9)}, ids[1]: {ids[0]: (0.9, 0.9)}}, P)
    assert links[canonical] is None and links[({*ids} - {canonical}).pop()].of == canonical


# --- incremental and deterministic ---------------------------------------------------------

def _docs(n_groups: int = 6, seed: int = 0) -> list[Doc]:
    rng = random.Random(seed)
    docs = []
    for g in range(n_groups):
        story = body(100 + g, 6)
        for k in range(rng.randint(1, 4)):
            text = story[:rng.randint(3, 6)] if k % 2 else story[:2] + body(200 + g * 10 + k, 1) + story[3:]
            date = rng.choice([None, "2024-05-01", "2024-05-02"])
            docs.append(make_doc({"id": f"g{g}-{k}", "text": "\n\n".join(text), "published": date}, g % 3, P))
    return docs


def _links(index: MemoryIndex) -> dict:
    return {i: index.link(i) for i in sorted(index.docs)}


def test_links_do_not_depend_on_order_or_on_how_many_updates():
    docs = _docs()
    one = MemoryIndex()
    update(one, docs, [], P)
    assert any(_links(one).values())
    for seed in range(4):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        several = MemoryIndex()
        cut = sorted(random.Random(seed + 10).sample(range(1, len(docs)), 3))
        for batch in (shuffled[:cut[0]], shuffled[cut[0]:cut[1]], shuffled[cut[1]:cut[2]], shuffled[cut[2]:]):
            update(several, batch, [], P)
        assert _links(several) == _links(one)


def test_removing_the_canonical_elects_another_and_matches_a_fresh_build():
    docs = _docs()
    index = MemoryIndex()
    update(index, docs, [], P)
    canonical = next(link.of for link in _links(index).values() if link)
    result = update(index, [], [canonical], P)
    fresh = MemoryIndex()
    update(fresh, [d for d in docs if d.id != canonical], [], P)
    assert _links(index) == _links(fresh)
    assert result.relinked and all(link is None or link.of != canonical for link in _links(index).values())


def test_a_new_article_is_compared_with_the_index_not_all_pairs():
    docs = _docs()
    index = MemoryIndex()
    update(index, docs[:-1], [], P)
    result = update(index, docs[-1:], [], P)
    assert result.added == [docs[-1].id]
    assert result.compared == len(index.candidates(docs[-1].bands) - {docs[-1].id}) < len(docs) - 1


@pytest.mark.integration
def test_signatures_are_the_same_in_every_process():
    code = ("from newsclean.pipeline.output.dedup import shingles, signature, band_keys; t = open('raw/000_1be1833fb9aa4d76.txt').read(); "
            "s = shingles(t); print(sorted(s)[:5], band_keys(signature(s))[:4])")
    runs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "12345")}
    assert len(runs) == 1 and runs.pop().strip()


# --- the Dedup task --------------------------------------------------------------------------

def _config(folder: Path, text: str) -> Path:
    path = folder / "newsclean.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.integration
def test_same_links_whatever_the_shards_workers_and_runs(linked, tmp_path):
    raw, out = linked
    expected = links_of(out)
    table = (out / "duplicates.jsonl").read_text()
    two = tmp_path / "two"
    assert cli("run", "--raw", raw, "--out", two, "--workers", "2", "--config",
               _config(tmp_path, "shards = 3\n"), "--quiet") == 0
    assert links_of(two) == expected and (two / "duplicates.jsonl").read_text() == table
    # built in three runs, articles arriving in another order
    staged, ten = tmp_path / "staged", tmp_path / "ten"
    staged.mkdir()
    names = sorted(p.name for p in raw.glob("*.txt"))
    for chunk in (names[5:], names[:2], names[2:5]):
        for name in chunk:
            (staged / name).write_bytes((raw / name).read_bytes())
        assert cli("run", "--raw", staged, "--out", ten, "--quiet") == 0
    assert parts(ten) == parts(out) and (ten / "duplicates.jsonl").read_text() == table


@pytest.mark.integration
def test_only_the_parts_whose_links_changed_are_rewritten(linked, tmp_path):
    raw, out = linked
    work_raw, work = tmp_path / "raw", tmp_path / "out"
    work_raw.mkdir()
    for p in raw.glob("*.txt"):
        (work_raw / p.name).write_bytes(p.read_bytes())
    assert cli("run", "--raw", work_raw, "--out", work, "--quiet") == 0
    before = parts(work)
    (work_raw / "site-a.txt").unlink()  # the canonical goes: its group elects site-b
    assert cli("run", "--raw", work_raw, "--out", work, "--quiet") == 0
    after = parts(work)
    links = links_of(work)
    assert links["site-b"] is None and {links[k] for k in ("site-c", "short", "edited")} == {"site-b"}
    from newsclean.pipeline.output.shards import shard_of

    touched = {shard_of(i, 8) for i in ("site-a", "site-b", "site-c", "short", "edited")}
    untouched = [f"{folder}/part-{s:05d}.jsonl" for s in range(8) if s not in touched for folder in ("corpus", "changelog")]
    assert untouched and all(after.get(p) == before.get(p) for p in untouched)
    m = manifest(work)
    assert m["duplicates"]["linked"] == 3 and m["rules"]["dup.near-copy"] + m["rules"]["dup.contained"] == 3
    assert cli("verify", "--out", work, "--quiet") == 0  # the manifest's part table holds the rewritten parts
    assert cli("run", "--raw", work_raw, "--out", work, "--quiet") == 0 and parts(work) == after


@pytest.mark.integration
def test_a_crash_before_the_index_commits_is_made_good_by_the_next_run(linked, tmp_path, monkeypatch):
    raw, out = linked
    from newsclean.pipeline import io

    def crash(self, key, value):
        raise RuntimeError("killed")

    monkeypatch.setattr(io.DedupStore, "set_meta", crash)
    work = tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", work, "--quiet") != 0
    monkeypatch.undo()
    assert cli("run", "--raw", raw, "--out", work, "--quiet") == 0
    assert parts(work) == parts(out)
    assert cli("verify", "--out", work, "--quiet") == 0


@pytest.mark.integration
def test_switching_links_off_clears_them_and_thresholds_relink_without_cleaning(linked, tmp_path):
    raw, out = linked
    work = tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", work, "--quiet") == 0
    cleaned = {rid: json.loads(line)["pipeline"] for rid, line in records(work, "changelog").items()}
    assert cli("run", "--raw", raw, "--out", work, "--config", _config(tmp_path, "dedup_containment = 0.99\n"),
               "--quiet") == 0
    assert manifest(work)["counts"]["cleaned"] == 0  # a threshold relinks, it does not clean again
    assert {rid: json.loads(line)["pipeline"] for rid, line in records(work, "changelog").items()} == cleaned
    assert cli("run", "--raw", raw, "--out", work, "--config", _config(tmp_path, "dedup = false\n"), "--quiet") == 0
    assert set(links_of(work).values()) == {None} and (work / "duplicates.jsonl").read_text() == ""
    assert not any('"stage":"dedup"' in line for line in records(work, "changelog").values())


@pytest.mark.integration
def test_links_are_left_out_when_a_record_is_compared_with_its_article_cleaned_alone(linked, tmp_path):
    raw, out = linked
    from newsclean.tasks.commands.cli import main

    stored = json.loads(records(out)["site-b"])
    alone = subprocess.run([sys.executable, "-m", "newsclean.tasks.commands.cli", "clean", str(raw / "site-b.txt"), "--raw", str(raw)],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert stored["duplicate_of"] == "site-a" and json.loads(alone)["duplicate_of"] is None
    assert dedup.without_links(stored) == json.loads(alone)
    assert main is not None


@pytest.mark.integration
def test_show_lists_the_copies_with_their_similarity(linked, capsys):
    _, out = linked
    assert cli("show", "short", "--out", out, "--no-color") == 0
    text = capsys.readouterr().out
    assert "copies (5 records in the group" in text
    assert "site-a" in text and "canonical" in text and "containment 1.00  dup.contained" in text


@pytest.mark.integration
def test_export_drop_duplicates_and_the_pandas_one_liner_keep_one_record_per_group(linked, tmp_path):
    pd = pytest.importorskip("pandas")
    _, out = linked
    assert cli("export", "--out", out, "--format", "parquet", "--to", tmp_path / "all.parquet", "--quiet") == 0
    assert cli("export", "--out", out, "--format", "parquet", "--to", tmp_path / "one.parquet", "--drop-duplicates",
               "--quiet") == 0
    every = pd.read_parquet(tmp_path / "all.parquet")
    kept = pd.read_parquet(tmp_path / "one.parquet")
    assert len(every) == 8 and sorted(kept["id"]) == ["event-1", "event-2", "other", "site-a"]
    one_liner = every[every["duplicate_of"].isna()]  # docs/output.md
    assert sorted(one_liner["id"]) == sorted(kept["id"])


@pytest.mark.integration
def test_a_rebuild_keeps_a_link_that_still_holds(tmp_path):
    raw, work = corpus_raw(tmp_path / "raw"), tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", work, "--quiet") == 0
    before = parts(work)
    assert cli("rebuild", "site-b", "--raw", raw, "--out", work, "--quiet") == 0
    assert parts(work) == before and links_of(work)["site-b"] == "site-a"
    (raw / "site-b.txt").write_text(article("Another story entirely on the same site today", body(77), *CHROME["b"]),
                                    encoding="utf-8")
    assert cli("rebuild", "site-b", "--raw", raw, "--out", work, "--quiet") == 0
    assert links_of(work)["site-b"] is None  # its text changed: not linked until the next run relinks
    assert cli("run", "--raw", raw, "--out", work, "--quiet") == 0
    assert links_of(work)["site-b"] is None and links_of(work)["site-c"] == "site-a"
    assert cli("verify", "--out", work, "--quiet") == 0
