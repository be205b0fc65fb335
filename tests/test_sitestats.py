"""Site statistics: lines a site repeats across different stories are dropped (site.repeated);
copies do not count twice; long sentences are never dropped for repetition alone."""
import json
from dataclasses import replace

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.classify.sitestats import (
    BATCH_SITE, SiteStats, build_stats, cluster, normalize_line, repeated_blocks, shingles
)
from newsclean.tasks.commands.cli import main

pytestmark = pytest.mark.integration

STORIES = [
    ["The council voted on Monday to close the old bridge for repairs until the spring.",
     "Officials said traffic would be diverted through the town centre while the works go on.",
     "Shops on the bridge road said they feared losing customers during the closure."],
    ["The mayor opened a new library in the north of the city on Friday morning.",
     "It holds forty thousand books, a reading garden and a small cafe for families.",
     "Volunteers spent two years raising the money for the building and its shelves."],
    ["Heavy rain flooded several streets near the harbour late on Tuesday evening.",
     "Residents were asked to stay indoors while crews cleared the blocked drains overnight.",
     "The weather service expects drier conditions to return by the end of the week."],
    ["A local bakery won a national prize for its sourdough bread at a fair in the capital.",
     "The owners started the business in a garage twelve years ago with a single oven.",
     "They plan to hire four more bakers next year to keep up with the orders."],
]
# a long sentence-like block the site repeats on every page (a standing editor's note)
NOTE = ("This newspaper is published by the Harbour Town Media Group and has served readers "
        "in the valley and along the coast since the year of its foundation.")


PROMO = "Harbour Town Weekly Deals"  # under the headline, only the site statistics know it
TEMPLATE = "Pros"  # inside the body, a heading of the site's template: kept and flagged


def page(i: int, headline: str | None = None) -> str:
    lines = ["Home | News | Sport | Weather", f"Headline number {i} about the town", PROMO, "6", STORIES[i][0],
             TEMPLATE, *STORIES[i][1:], "Share this article", NOTE, "Copyright 2026 Harbour Town Media Group"]
    if headline:
        lines[1] = headline
    return "\n\n".join(lines) + "\n"


def texts(i: int) -> list[str]:
    return [t for t in page(i).split("\n") if t.strip()]


def test_normalize_line():
    assert normalize_line("  Copyright  2026\tHARBOUR ") == "copyright 0000 harbour"


def test_copies_and_near_copies_are_one_cluster(ctx):
    near = texts(0)[:-1] + ["Reporting by a wire service"]  # a syndicated copy, other chrome
    sets = [shingles(t, ctx.config) for t in (texts(0), texts(0), near, texts(1))]
    assert cluster(sets, 0.5) == [0, 0, 0, 3]
    # five copies of one story (and one other article) do not make its sentences repeated
    stats = build_stats([("x.com", texts(0))] * 5 + [("x.com", texts(1))], ctx.config)
    entry = stats["sites"]["x.com"]
    assert entry["articles"] == 6 and entry["clusters"] == 2
    assert normalize_line(STORIES[0][0]) not in entry["lines"]
    assert repeated_blocks(texts(0), entry, ctx.config, SiteStats.from_json(stats).params) == {}


def test_stats_are_deterministic_and_versioned(ctx):
    pages = [("x.com", texts(i)) for i in range(4)] + [(None, texts(0))]
    a, b = build_stats(pages, ctx.config), build_stats(list(reversed(pages))[::-1], ctx.config)
    assert a == b and set(a["sites"]) == {"x.com", BATCH_SITE}
    changed = build_stats(pages + [("x.com", texts(0)[:3])], ctx.config)
    assert changed["version"] != a["version"]
    assert changed["sites"][BATCH_SITE]["version"] == a["sites"][BATCH_SITE]["version"]


def stats_ctx(ctx, pages):
    return replace(ctx, site_stats=SiteStats.from_json(build_stats(pages, ctx.config)))


def test_repeated_short_line_dropped_long_sentence_kept(ctx, clean):
    sctx = stats_ctx(ctx, [("x.com", texts(i)) for i in range(4)])
    # a new article of the site that is not in the statistics: its chrome is known
    cleaned = clean(page(0, "A different headline for a new story"), meta={"site": "x.com"}, context=sctx)
    body = [b.text for b in cleaned.article.blocks]
    site = [c for c in cleaned.changes if c.rule == "site.repeated" and c.action == "drop"]
    assert {"Home | News | Sport | Weather", PROMO} <= {c.before for c in site}
    plain = clean(page(0), meta={"site": "x.com"})  # without statistics it is kept (and taken for a byline)
    assert PROMO not in {c.before for c in plain.changes if c.action == "drop"}
    assert all(c.detail["category"] == "site_chrome" and c.detail["count"] == 4
               and c.detail["clusters"] == 4 and c.detail["stats_version"] for c in site)
    assert NOTE not in [c.before for c in cleaned.changes if c.action == "drop" and c.rule == "site.repeated"]
    assert all(s in body for s in STORIES[0]) and "6" in body  # a line of digits alone is never "repeated"
    assert TEMPLATE in body and [c.detail["kept"] for c in cleaned.changes
                                 if c.rule == "site.repeated" and c.action == "flag" and c.before == TEMPLATE]
    # another site, or no site, is cleaned as without statistics
    for meta in ({"site": "other.org"}, None):
        other = clean(page(0), meta=meta, context=sctx)
        assert other.changes == clean(page(0), meta=meta).changes
        assert other.article == clean(page(0), meta=meta).article


def test_three_clusters_needed(ctx):
    stats = build_stats([("x.com", texts(i)) for i in range(2)], ctx.config)
    params = SiteStats.from_json(stats).params
    assert repeated_blocks(texts(2), stats["sites"]["x.com"], ctx.config, params) == {}


@pytest.fixture
def site_raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(4):
        (raw / f"a{i}.txt").write_text(page(i), encoding="utf-8")
        (raw / f"a{i}.meta.json").write_text(json.dumps({"url": f"https://www.x.com/{i}"}), encoding="utf-8")
    return raw


def changelog(out):
    return {r["id"]: r for p in sorted((out / "changelog").glob("*.jsonl"))
            for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())}


def test_cli_sitestats_then_run_uses_them(site_raw, tmp_path, capsys):
    plain, out = tmp_path / "plain", tmp_path / "clean"
    assert main(["run", "--raw", str(site_raw), "--out", str(plain), "--quiet"]) == 0
    assert main(["sitestats", "--raw", str(site_raw), "--out", str(out)]) == 0
    stats = json.loads((out / "_state" / "sitestats.json").read_text(encoding="utf-8"))
    assert stats["sites"]["x.com"]["clusters"] == 4 and stats["version"]
    assert main(["run", "--raw", str(site_raw), "--out", str(out), "--quiet"]) == 0
    logs, before = changelog(out), changelog(plain)
    assert not any(c["rule"] == "site.repeated" for r in before.values() for c in r["changes"])
    dropped = {c["before"] for r in logs.values() for c in r["changes"] if c["rule"] == "site.repeated"}
    assert PROMO in dropped
    assert NOTE not in dropped
    assert logs["a0"]["pipeline"]["rules_digest"] != before["a0"]["pipeline"]["rules_digest"]
    # the run is incremental with the same statistics, and a rebuild gives the same record
    capsys.readouterr()
    assert main(["run", "--raw", str(site_raw), "--out", str(out), "--quiet"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["rebuild", "a1", "--raw", str(site_raw), "--out", str(out)]) == 0
    assert changelog(out) == logs


def test_refreshed_statistics_reprocess_only_the_grown_site(site_raw, tmp_path, capsys):
    # a second site, y.com, with its own four stories
    for i in range(4):
        (site_raw / f"b{i}.txt").write_text(page(i, headline=f"Other site story {i} about the valley"), encoding="utf-8")
        (site_raw / f"b{i}.meta.json").write_text(json.dumps({"url": f"https://y.com/{i}"}), encoding="utf-8")
    out = tmp_path / "clean"
    assert main(["sitestats", "--raw", str(site_raw), "--out", str(out)]) == 0
    assert main(["run", "--raw", str(site_raw), "--out", str(out), "--quiet"]) == 0
    before = changelog(out)
    assert before["a0"]["pipeline"]["site_stats"]["site"] == "x.com" and before["b0"]["pipeline"]["site_stats"]["version"]
    # x.com grows by one story; the statistics are refreshed; the next run redoes x.com only
    (site_raw / "a9.txt").write_text(page(3, headline="A ninth story about the harbour"), encoding="utf-8")
    (site_raw / "a9.meta.json").write_text(json.dumps({"url": "https://www.x.com/9"}), encoding="utf-8")
    assert main(["sitestats", "--raw", str(site_raw), "--out", str(out)]) == 0
    assert main(["run", "--raw", str(site_raw), "--out", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["counts"]["cleaned"], manifest["counts"]["unchanged"]) == (5, 4)
    after = changelog(out)
    assert all(after[f"b{i}"] == before[f"b{i}"] for i in range(4))
    assert all(after[f"a{i}"]["pipeline"]["site_stats"] != before[f"a{i}"]["pipeline"]["site_stats"] for i in range(4))
    # a rebuild of an unchanged site's article gives its record unchanged
    assert main(["rebuild", "b1", "--raw", str(site_raw), "--out", str(out)]) == 0
    assert changelog(out)["b1"] == before["b1"]


def test_site_statistics_leave_out_a_text_file_that_is_an_html_page(tmp_path):
    """A .txt input that is an HTML document takes the HTML path when cleaned (sniff_html),
    so its markup lines are not counted as the site's text lines either."""
    from newsclean.pipeline.stages.context import Context
    from newsclean.tasks.run.build_site_stats import raw_pages

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_text("<!DOCTYPE html>\n<html><body><p>Hello there, reader.</p></body></html>\n",
                                  encoding="utf-8")
    (raw / "story.txt").write_text("A headline\nA first sentence of the story, long enough to count.\n", encoding="utf-8")
    ctx = Context(io.load_config(None), io.load_rules())
    assert len(list(raw_pages(raw, ctx))) == 1


def test_site_statistics_stream_the_inputs_in_path_order(tmp_path, monkeypatch):
    """raw_pages and raw_digest give what the whole listing gave (io.list_inputs, read with
    io.RecordReader: same pages in the same order, same digest), without listing raw/ first:
    the first page comes before the other inputs are read or hashed."""
    from newsclean.pipeline.stages.context import Context
    from newsclean.tasks.run import build_site_stats

    raw = tmp_path / "raw"
    for i, rel in enumerate(["b/s1.txt", "a.txt", "b-c.txt", "b/a/s2.txt", "z.txt", "c/s3.txt"]):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(page(i % 4), encoding="utf-8")
        (raw / rel).with_name((raw / rel).stem + ".meta.json").write_text(
            json.dumps({"url": f"https://www.{'xy'[i % 2]}.com/{i}"}), encoding="utf-8")
    (raw / "c" / "feed.jsonl").write_text("".join(json.dumps({"id": rid, "text": page(n)}) + "\n"
                                                 for n, rid in enumerate(["f1", "f2", "f1", "f3"])), encoding="utf-8")
    ctx = Context(io.load_config(None), io.load_rules())
    limit = ctx.config.max_input_bytes
    listed = io.list_inputs(raw, limit)
    reader = io.RecordReader(raw, limit, [(aid, rel) for aid, rel, *_ in listed])
    records = [reader(aid, rel) for aid, rel, *_ in listed]
    before = [build_site_stats.site_lines(r.data, r.meta, r.id, rel, ctx) for r, (_, rel, *_) in zip(records, listed)]
    want = __import__("hashlib").sha256("".join(f"{a}\0{r}\0{s}\0{d or ''}\n" for a, r, s, d in listed).encode())
    assert len(before) == 10
    assert list(build_site_stats.raw_pages(raw, ctx)) == before
    assert build_site_stats.raw_digest(raw, limit) == want.hexdigest()[:16]
    hashed = []
    sha = io.file_sha256
    monkeypatch.setattr(io, "file_sha256", lambda path: hashed.append(path) or sha(path))
    pages = build_site_stats.raw_pages(raw, ctx)
    assert next(pages) == before[0] and hashed == []  # nothing hashed, no listing held
    assert list(pages) == before[1:]
