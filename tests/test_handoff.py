"""show (plain and coloured), stats, export, and loading the corpus as it is downstream."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

RAW = Path(__file__).resolve().parent.parent / "raw"

import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest

from newsclean.tasks.folder import read_back
from newsclean.tasks.commands.cli import main
from newsclean.tasks.commands.export import EXPORT_MARK, to_table

pytestmark = pytest.mark.integration

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def corpus_parts(out):
    return sorted((out / "corpus").glob("part-*.jsonl"))


def with_drops(out):
    return next((r, log) for r, log in read_back.articles(out) if any(c["action"] == "drop" for c in log["changes"]))


def test_show_plain_when_not_a_terminal(seed_run, capsys):
    record, log = with_drops(seed_run)
    assert main(["show", log["id"], "--out", str(seed_run)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"id:        {log['id']}\ntitle:     {record['title']}")
    assert "\x1b[" not in out


def test_show_coloured_marks_every_line(seed_run, capsys):
    record, log = with_drops(seed_run)
    assert main(["show", log["id"], "--out", str(seed_run), "--color"]) == 0
    raw = capsys.readouterr().out
    assert "\x1b[" in raw
    text = ANSI.sub("", raw)
    assert record["title"][:40] in text
    for c in log["changes"]:
        if c["action"] == "drop":
            assert c["rule"] in text
            assert c["before"].strip()[:30] in " ".join(text.split())
    assert "\x1b[9;31m" in raw  # dropped lines struck through in red
    assert main(["show", "no-such-id", "--out", str(seed_run), "--color"]) == 4  # Exit.NOT_FOUND


def test_show_coloured_rejected(clean, ctx):
    from rich.console import Console

    from newsclean.pipeline.output.contract import changelog_record
    from newsclean.pipeline.rules.registry import describe_rules
    from newsclean.pipeline.output.review import article_view
    from newsclean.tasks.commands.show import render_rich

    view = article_view(None, changelog_record(clean("\n \n"), ctx))
    console = Console(record=True, width=100)
    console.print(render_rich(view, describe_rules(ctx.rules)))
    text = console.export_text()
    assert "REJECTED" in text and "no visible text" in text


def test_stats_table_and_tsv(seed_run, capsys):
    manifest = read_back.manifest(seed_run)
    assert main(["stats", "--out", str(seed_run), "--tsv"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[1:]]
    assert {name: int(n) for kind, name, _, n in rows if kind == "rule"} == manifest["rules"]
    cats = {name: int(n) for kind, name, _, n in rows if kind == "category"}
    for cat, n in manifest["categories"].items():  # drop categories: the rules' categories
        assert cats[cat] == n
    assert sum(cats.values()) == sum(manifest["rules"].values())
    assert main(["stats", "--out", str(seed_run)]) == 0
    table = capsys.readouterr().out
    assert "changes per rule" in table and "bp.share-button" in table and "changes per category" in table


@pytest.mark.parametrize("command", [["stats"], ["report"], ["export", "--format", "txt", "--to", "x"]])
def test_review_commands_without_a_run(tmp_path, capsys, command):
    assert main([*command, "--out", str(tmp_path)]) == 4  # Exit.NOT_FOUND
    assert "run `newsclean run" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_export_parquet_reads_back_equal_to_the_corpus(seed_run, tmp_path):
    to = tmp_path / "corpus.parquet"
    assert main(["export", "--out", str(seed_run), "--format", "parquet", "--to", str(to)]) == 0
    table = pq.read_table(to)
    corpus = sorted((json.loads(line) for p in corpus_parts(seed_run) for line in p.open(encoding="utf-8")),
                    key=lambda r: r["id"])
    assert table.to_pylist() == corpus
    assert table.schema.field("id").type == pa.string()
    assert table.schema.field("published").type == pa.string()  # null throughout, still typed
    first = to.read_bytes()
    main(["export", "--out", str(seed_run), "--format", "parquet", "--to", str(to)])
    assert to.read_bytes() == first  # deterministic


def test_export_keeps_fields_the_contract_does_not_know():
    records = [{"id": "0001", "title": None, "text": "a", "quality": {"score": 0.5}},
               {"id": "0002", "title": "T", "text": "b", "quality": None}]
    table = to_table(records)
    rows = table.to_pylist()
    assert rows[0]["quality"] == {"score": 0.5} and rows[0]["id"] == "0001"
    assert table.schema.field("title").type == pa.string()


def test_export_txt(seed_run, tmp_path, capsys):
    to = tmp_path / "txt"
    assert main(["export", "--out", str(seed_run), "--format", "txt", "--to", str(to)]) == 0
    corpus = read_back.corpus_records(seed_run)
    assert sorted(p.name for p in to.iterdir()) == sorted([EXPORT_MARK] + [r["id"] + ".txt" for r in corpus])
    for r in corpus:
        assert (to / f"{r['id']}.txt").read_text(encoding="utf-8") == f"{r['title']}\n\n{r['text']}\n"
    assert main(["export", "--out", str(seed_run), "--format", "txt", "--to", str(to)]) == 0  # its own: replaced
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.md").write_text("keep me", encoding="utf-8")
    assert main(["export", "--out", str(seed_run), "--format", "txt", "--to", str(tmp_path / "mine")]) == 2
    assert (tmp_path / "mine" / "notes.md").exists()


def test_export_leaves_alone_what_it_did_not_write(seed_run, tmp_path, capsys):
    """`--to` a raw folder of .txt articles replaced them all with the cleaned text (exit 0),
    and a Parquet export over a corpus part overwrote it."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text("Home | News\nA raw article's lines.\n", encoding="utf-8")
    assert main(["export", "--out", str(seed_run), "--format", "txt", "--to", str(raw)]) == 2
    assert [p.name for p in raw.iterdir()] == ["story.txt"]
    assert "was not written by `newsclean export`" in capsys.readouterr().err
    part = corpus_parts(seed_run)[0]
    before = part.read_bytes()
    assert main(["export", "--out", str(seed_run), "--format", "parquet", "--to", str(part)]) == 2
    assert part.read_bytes() == before and "is not a Parquet file" in capsys.readouterr().err


def test_corpus_loads_as_it_is_with_pandas_and_pyarrow(seed_run, tmp_path):
    """The README's hand-off examples: ids such as "0001" stay strings."""
    part = corpus_parts(seed_run)[0]
    df = pd.concat([pd.read_json(p, lines=True, dtype={"id": str}) for p in corpus_parts(seed_run)])
    assert len(df) == 5 and df["id"].map(type).eq(str).all()
    table = pajson.read_json(part)
    assert table.column("id").type == pa.string()
    # an id that looks like a number
    odd = tmp_path / "odd.jsonl"
    odd.write_text(json.dumps({"id": "0001", "text": "x"}) + "\n", encoding="utf-8")
    assert pd.read_json(odd, lines=True, dtype={"id": str})["id"].tolist() == ["0001"]
    assert pd.read_json(odd, lines=True)["id"].tolist() == [1]  # why the dtype is needed


def _names(json_schema, defs):
    """Field names of a JSON Schema object, nested objects and arrays of objects as dicts."""
    if "$ref" in json_schema:
        json_schema = defs[json_schema["$ref"].rsplit("/", 1)[1]]
    if json_schema.get("type") == "array":
        return _names(json_schema["items"], defs)
    if "properties" in json_schema:
        return {k: _names(v, defs) for k, v in json_schema["properties"].items()}
    return None


def _arrow_names(type_):
    if pa.types.is_list(type_):
        return _arrow_names(type_.value_type)
    if pa.types.is_struct(type_):
        return {type_.field(i).name: _arrow_names(type_.field(i).type) for i in range(type_.num_fields)}
    return None


def test_export_schema_is_the_corpus_contract():
    from pathlib import Path

    from newsclean.tasks.run.card import corpus_schema

    schema = json.loads((Path(__file__).resolve().parent.parent / "pipeline/schema/corpus.schema.json").read_text())
    arrow = corpus_schema()
    assert {f.name: _arrow_names(f.type) for f in arrow} == _names(schema, schema.get("$defs", {}))


def test_every_part_reads_with_the_corpus_types(seed_run):
    """pyarrow (and so HF datasets) infers types per file; with the corpus types every part reads."""
    from newsclean.tasks.run.card import corpus_schema

    options = pajson.ParseOptions(explicit_schema=corpus_schema())
    tables = [pajson.read_json(p, parse_options=options) for p in corpus_parts(seed_run) if p.stat().st_size]
    assert pa.concat_tables(tables).num_rows == 5


def test_corpus_folder_has_a_dataset_card_that_no_jsonl_reader_takes_for_a_record(seed_run):
    """corpus/README.md (tasks/run/card.py) is the card made from the contract types; none of its
    lines is JSON, so a JSONL reader pointed at the whole folder (datatrove without a
    glob_pattern skips lines that do not parse) finds no record in it."""
    from newsclean.tasks.run.card import corpus_card

    card = (seed_run / "corpus" / "README.md").read_text(encoding="utf-8")
    assert card == corpus_card(), "tasks/run/corpus_card.md is stale: rewrite it with python -m newsclean.tasks.run.card"
    assert card.startswith("---\ndataset_info:\n  features:\n")
    assert "configs:" not in card  # a predefined config keys datasets' cache by name (test below)
    for line in card.splitlines():
        with pytest.raises(ValueError):
            json.loads(line)


def _raw_with_later_metadata(tmp_path):
    """The seeds, one of them with a sidecar giving url, site and published: that article's
    part has strings where the other parts have only nulls."""
    import shutil

    from newsclean.pipeline.output.shards import shard_of
    from tests.conftest import RAW

    raw = tmp_path / "raw"
    raw.mkdir()
    seeds = sorted(RAW.glob("*.txt"))
    for p in seeds:
        shutil.copy(p, raw / p.name)
    later = next(p for p in seeds if shard_of(p.stem, 8) != 0)
    (raw / f"{later.stem}.meta.json").write_text(json.dumps(
        {"url": "https://news.example.org/a/1", "site": "news.example.org", "published": "2024-05-01"}),
        encoding="utf-8")
    return raw


def test_hf_datasets_loads_the_corpus_folder_as_it_is(tmp_path, monkeypatch):
    """The README's call, on a real run whose first part file has columns that are null all
    through it (published, url, site, source.sidecar_sha256, an empty captions list) and
    strings in a later part: without the card datasets types them null from the first part
    and fails on the later one ("Couldn't cast array of type string to null")."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # a local folder: nothing to fetch
    datasets = pytest.importorskip("datasets")
    from newsclean.tasks.run.card import corpus_schema

    out = tmp_path / "clean"
    assert main(["run", "--raw", str(_raw_with_later_metadata(tmp_path)), "--out", str(out), "--quiet"]) == 0
    parts = [p for p in corpus_parts(out) if p.stat().st_size]
    first = pajson.read_json(parts[0])  # what datasets infers from: the first part, by itself
    for name in ("published", "url", "site"):
        assert first.schema.field(name).type == pa.null()
        assert any(r[name] for p in parts[1:] for r in pajson.read_json(p).to_pylist())
    assert first.schema.field("captions").type == pa.list_(pa.null())
    assert pa.types.is_null(first.schema.field("source").type.field("sidecar_sha256").type)
    assert any(r["source"]["sidecar_sha256"] for p in parts[1:] for r in pajson.read_json(p).to_pylist())

    ds = datasets.load_dataset(str(out / "corpus"), split="train", cache_dir=str(tmp_path / "hf-cache"))
    assert ds.features == datasets.Features.from_arrow_schema(corpus_schema())
    records = sorted((json.loads(line) for p in parts for line in p.open(encoding="utf-8")), key=lambda r: r["id"])
    expected = to_table(records).to_pylist()  # the records, a field the record leaves out as None
    rows = sorted(ds.to_list(), key=lambda r: r["id"])
    # datasets' JSON reader (pyarrow) reads a string that looks like an ISO 8601 timestamp as a
    # timestamp and casts it back as "YYYY-MM-DD hh:mm:ss": the same date, other bytes (the README
    # says so and points to the Parquet export, checked below, for the strings as they are)
    assert {r.pop("published") for r in rows} <= {None, "2024-05-01", "2024-05-01 00:00:00"}
    assert rows == [{k: v for k, v in r.items() if k != "published"} for r in expected]
    assert sum(r["url"] is not None for r in rows) == 1

    export = tmp_path / "corpus.parquet"
    assert main(["export", "--out", str(out), "--format", "parquet", "--to", str(export)]) == 0
    exact = datasets.load_dataset("parquet", data_files=str(export), split="train", cache_dir=str(tmp_path / "hf-cache"))
    assert exact.to_list() == expected


def test_a_run_writes_the_card_into_an_output_folder_made_without_it(tmp_path):
    """An output folder from before the card gets it on the next run, even with nothing to
    clean again; after that a rerun with nothing changed rewrites no file."""
    out = tmp_path / "clean"
    assert main(["run", "--raw", str(_raw_with_later_metadata(tmp_path)), "--out", str(out), "--quiet"]) == 0
    card = out / "corpus" / "README.md"
    text, parts = card.read_text(encoding="utf-8"), {p: p.read_bytes() for p in corpus_parts(out)}
    card.unlink()
    assert main(["run", "--raw", str(tmp_path / "raw"), "--out", str(out), "--quiet"]) == 0
    assert card.read_text(encoding="utf-8") == text
    assert {p: p.read_bytes() for p in corpus_parts(out)} == parts
    mtime = card.stat().st_mtime_ns
    assert main(["run", "--raw", str(tmp_path / "raw"), "--out", str(out), "--quiet"]) == 0
    assert card.stat().st_mtime_ns == mtime


def test_a_text_run_loads_neither_pyarrow_nor_the_html_extractor(tmp_path):
    """Publishing copies the shipped card (no pyarrow: about 30 MB of peak memory), and text
    inputs never load trafilatura or lxml."""
    code = ("import sys; from newsclean.tasks.batch import run_batch; ok, _ = run_batch(sys.argv[1], sys.argv[2]); "
            "print(ok, sorted(m for m in ('pyarrow', 'trafilatura', 'lxml') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, "raw", str(tmp_path / "clean")], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=True)
    assert done.stdout.splitlines()[-1] == "True []"
    assert (tmp_path / "clean" / "corpus" / "README.md").is_file()


def test_hf_datasets_gives_current_rows_across_runs_and_folders(tmp_path, monkeypatch):
    """Issue 13.5: with one cache (as every user has), loading a second output folder gave the
    first folder's rows, and a folder loaded again after an incremental run its old rows: the
    card's predefined config keyed datasets' cache by its name, not by the data files."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    cache = str(tmp_path / "hf-cache")
    seeds = sorted(RAW.glob("*.txt"))
    raw_a, raw_b = tmp_path / "a", tmp_path / "b"
    raw_a.mkdir(), raw_b.mkdir()
    for seed in seeds[:3]:
        shutil.copy(seed, raw_a / seed.name)
    for seed in seeds[3:]:
        shutil.copy(seed, raw_b / seed.name)
    out_a, out_b = tmp_path / "out-a", tmp_path / "out-b"
    for raw, out in ((raw_a, out_a), (raw_b, out_b)):
        assert main(["run", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0

    def ids(out):
        return sorted(datasets.load_dataset(str(out / "corpus"), split="train", cache_dir=cache)["id"])

    assert ids(out_a) == sorted(s.stem for s in seeds[:3])
    assert ids(out_b) == sorted(s.stem for s in seeds[3:])
    for seed in seeds[3:]:  # an incremental run adds two articles to folder a
        shutil.copy(seed, raw_a / seed.name)
    assert main(["run", "--raw", str(raw_a), "--out", str(out_a), "--quiet"]) == 0
    assert ids(out_a) == sorted(s.stem for s in seeds)
    (raw_a / seeds[0].name).unlink()  # and one that removes one
    assert main(["run", "--raw", str(raw_a), "--out", str(out_a), "--quiet"]) == 0
    assert ids(out_a) == sorted(s.stem for s in seeds[1:])
