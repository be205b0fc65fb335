"""Issue 13, point 1 (and the listing bullets of point 6): article ids on real scrapes'
file names (dots, sub-folders), sidecars, the ids people type, the file names ids are
written under, an output folder inside raw/, files that are not read."""
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from .operations_support import SEEDS, cli, cli_subprocess, manifest, records
from newsclean.pipeline.core import ids
from newsclean.pipeline import io
from newsclean.pipeline.ingest.inputs import expand

SEED = SEEDS[0]


@pytest.mark.parametrize("rel, expected", [
    ("bbc.co.uk_news_01.html", "bbc.co.uk_news_01"),
    ("20120106_www.ria.ru_ab12.txt", "20120106_www.ria.ru_ab12"),
    ("2024.05.01-story.txt", "2024.05.01-story"),
    ("x.html.gz", "x"),
    ("x.tar.txt", "x.tar"),  # one format suffix only
    ("x.txt.html", "x.txt"),
    ("2026-12-04/index.html", "2026-12-04/index"),
    ("a/b.c/d.e.HTM", "a/b.c/d.e"),
    ("STORY.TXT.GZ", "STORY"),
    ("dump.2026.jsonl.gz", "dump.2026"),
    ("feed.warc", "feed"),
])
def test_id_is_the_path_under_raw_less_one_format_suffix(rel, expected):
    assert ids.input_id(rel) == expected


def test_sidecar_is_the_id_with_meta_json():
    assert ids.sidecar_name("bbc.co.uk_a.html") == "bbc.co.uk_a.meta.json"
    assert ids.sidecar_name("bbc.com_b.html.gz") == "bbc.com_b.meta.json"
    assert io.sidecar_path(io.Path("x/bbc.co.uk_a.html")).as_posix() == "x/bbc.co.uk_a.meta.json"


@pytest.mark.parametrize("good", ["bbc.co.uk_news_01", "2026-12-04/index", "a b", "a..b", "x/y/z"])
def test_check_id_accepts_what_an_input_can_be_named(good):
    assert ids.check_id(good) == good


@pytest.mark.parametrize("bad", ["", "/etc/passwd", "../x", "a/../b", "a//b", "a/.git/x", ".hidden", "a\\b", "x\0y"])
def test_check_id_refuses_what_no_input_is_named(bad):
    with pytest.raises(ids.IdError, match="refusing id"):
        ids.check_id(bad)


def test_safe_name_is_plain_distinct_and_stays_in_its_folder():
    keys = ["abc", "2026-12-04/index", "2026-12-05/index", "../../etc/passwd", "a b", "a_b", "Ω/ü", "a/b", "a_b--0123456789"]
    names = [ids.safe_name(k) for k in keys]
    assert names[0] == "abc"
    assert len(set(names)) == len(names)
    for name in names:
        assert ids.PLAIN_NAME.match(name) and "/" not in name and not name.startswith(".")
    assert ids.safe_name("2026-12-04/index").startswith("2026-12-04_index--")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def write(path, text=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, path) if text is None else path.write_text(text, encoding="utf-8")


@pytest.mark.integration
def test_dotted_names_and_subfolders_are_distinct_articles(tmp_path):
    """The defect: ids were the name up to the first dot, so these 7 files made 3 articles
    and 4 reject.duplicate-id."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    names = ["bbc.co.uk_news_01.txt", "bbc.co.uk_news_02.txt", "20120106_www.ria.ru_ab12.txt",
             "20120106_www.ria.ru_cd34.txt", "2024.05.01-story.txt", "2026-12-04/index.txt", "2026-12-05/index.txt"]
    for n, name in enumerate(names):  # distinct texts, so that none is a copy of another
        write(raw / name, seed_text() + f"\nThis closing sentence number {n} makes the story its own.\n")
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    got = records(out)
    assert set(got) == {ids.input_id(n) for n in names}
    assert manifest(out)["counts"]["rejected"] == 0


@pytest.mark.integration
def test_files_differing_only_in_format_suffix_clash_and_both_are_named(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "story.1.txt")
    (raw / "story.1.html").write_text("<html><body><p>" + "A sentence of the page. " * 20 + "</p></body></html>")
    assert cli("run", "--raw", raw, "--out", out) == 0
    assert set(records(out)) == {"story.1"}
    rej = [r for r in manifest(out)["rejected"] if r.get("rule") == "reject.duplicate-id"]
    assert len(rej) == 1
    assert "story.1.html" in json.dumps(rej) and "story.1.txt" in json.dumps(rej)


@pytest.mark.integration
def test_sidecars_follow_the_full_name(tmp_path):
    """Before, bbc.co.uk_a.txt and bbc.com_b.txt both read bbc.meta.json."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "bbc.co.uk_a.txt", seed_text() + "\nA last line for a.\n")
    write(raw / "bbc.com_b.txt", seed_text() + "\nA last line for b.\n")
    (raw / "bbc.co.uk_a.meta.json").write_text(json.dumps({"title": "Title A From Its Sidecar"}))
    (raw / "bbc.com_b.meta.json").write_text(json.dumps({"title": "Title B From Its Sidecar"}))
    (raw / "bbc.meta.json").write_text(json.dumps({"title": "Nobody's Sidecar"}))
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    got = {k: json.loads(v)["title"] for k, v in records(out).items()}
    assert got == {"bbc.co.uk_a": "Title A From Its Sidecar", "bbc.com_b": "Title B From Its Sidecar"}


@pytest.mark.integration
def test_records_without_an_id_are_named_after_the_file_id(tmp_path):
    lines = b"\n".join(json.dumps({"text": seed_text() + f"\nEnd {n}.\n"}).encode() for n in range(2))
    recs = list(expand("dump.2026.01.jsonl", __import__("io").BytesIO(lines), 10_000_000, stem="may/dump.2026.01"))
    assert [r.id for r in recs] == ["may/dump.2026.01-L1", "may/dump.2026.01-L2"]
    raw, out = tmp_path / "raw", tmp_path / "out"
    (raw / "may").mkdir(parents=True)
    (raw / "may" / "dump.2026.01.jsonl.gz").write_bytes(gzip.compress(lines, mtime=0))
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert set(records(out)) == {"may/dump.2026.01-L1", "may/dump.2026.01-L2"}


@pytest.mark.integration
def test_rebuild_show_export_and_report_take_such_ids(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "2026-12-04/index.txt")
    write(raw / "2026-12-05/bbc.co.uk_index.txt", seed_text() + "\nAnother day's last line.\n")
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert cli("rebuild", "2026-12-04/index", "--raw", raw, "--out", out) == 0
    assert cli("show", "2026-12-05/bbc.co.uk_index", "--out", out, "--no-color") == 0
    assert "2026-12-05/bbc.co.uk_index" in capsys.readouterr().out
    assert cli("rebuild", "2026-12-04/nothing", "--raw", raw, "--out", out) == 4  # Exit.NOT_FOUND
    assert "no input with id '2026-12-04/nothing'" in capsys.readouterr().err
    assert cli("show", "../2026-12-04/index", "--out", out) != 0
    assert "refusing id" in capsys.readouterr().err
    to = tmp_path / "export"
    assert cli("export", "--out", out, "--to", to, "--format", "txt") == 0
    names = sorted(p.name for p in to.glob("*.txt"))
    assert names == sorted(ids.safe_name(i) + ".txt" for i in records(out))
    assert all(p.is_file() and p.parent == to for p in to.iterdir())
    assert cli("report", "--out", out) == 0
    from newsclean.tasks.report.data import unpack  # the article view's data: every id, "/" and all

    shown = {a["id"] for p in (out / "report" / "data").glob("c*.js") for a in unpack(p.read_bytes())}
    assert set(records(out)) <= shown


@pytest.mark.integration
def test_clean_file_gives_the_id_a_run_gives(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "2026-12-04/www.ria.ru_ab12.txt")
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    done = cli_subprocess("clean", raw / "2026-12-04/www.ria.ru_ab12.txt", "--raw", raw)
    assert done.returncode == 0, done.stderr
    ids_printed = [json.loads(line)["id"] for line in done.stdout.splitlines()]  # one corpus record per line
    assert ids_printed == list(records(out))


@pytest.mark.integration
def test_output_folder_inside_raw_is_skipped_not_read(tmp_path, capsys):
    raw = tmp_path / "raw"
    write(raw / "a.one.txt")
    out = raw / "clean"
    assert cli("run", "--raw", raw, "--out", out) == 0
    assert cli("run", "--raw", raw, "--out", out) == 0  # the corpus/*.jsonl parts now lie in raw/
    assert set(records(out)) == {"a.one"}
    assert "skipped" in capsys.readouterr().out
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", raw) == 2
    assert "holds the raw folder" in capsys.readouterr().err


@pytest.mark.integration
def test_an_earlier_output_folder_and_a_symlinked_folder_inside_raw_are_named_not_read(tmp_path, capsys):
    """An output folder of an earlier --out inside raw/ was read as input (its corpus and
    change-log parts as JSONL: every article again, as duplicate ids and bad records), and a
    symlinked folder was passed over without a word."""
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    write(raw / "a.one.txt")
    write(elsewhere / "b.txt")
    (raw / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert cli("run", "--raw", raw, "--out", raw / "old", "--quiet") == 0
    capsys.readouterr()
    assert cli("run", "--raw", raw, "--out", tmp_path / "new") == 0
    assert set(records(tmp_path / "new")) == {"a.one"}
    assert manifest(tmp_path / "new")["counts"] == {"read": 1, "cleaned": 1, "unchanged": 0, "rejected": 0, "removed": 0}
    out = capsys.readouterr().out
    assert f"  not entered: {raw}/linked: a symlink to a folder: not followed" in out
    assert f"  not entered: {raw}/old: an earlier newsclean output folder" in out


def test_a_folder_that_cannot_be_listed_is_named_not_passed_over_in_silence(tmp_path, monkeypatch):
    """A folder without read permission (or deeper than PATH_MAX allows) was passed over as
    os.walk does, without a word: a run read 0 of its articles and said nothing."""
    raw = tmp_path / "raw"
    for n in range(10):
        write(raw / f"a{n}.txt")
    write(raw / "locked" / "b.txt")
    scandir, stat = os.scandir, os.stat

    def refused(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    def no_search(path, *args, **kwargs):  # what a folder without x permission answers for what is in it
        if Path(path).parent.name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return stat(path, *args, **kwargs)
    monkeypatch.setattr(io.os, "scandir", refused)
    monkeypatch.setattr(os, "stat", no_search)
    assert not io.is_output_folder(raw / "locked")  # it raised, and the rest of raw/ went unlisted
    listing = io.scan_raw(raw)
    assert [r.id for r in listing.inputs] == [f"a{n}" for n in range(10)]
    assert listing.passed == [("locked", "cannot be listed: Permission denied")]


@pytest.mark.integration
def test_files_not_read_are_counted_and_named(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write(raw / "a.txt")
    for name in ("story.docx", "sub/page.pdf", "README.md", ".DS_Store"):
        write(raw / name, "x")
    write(raw / "a.meta.json", "{}")
    assert cli("run", "--raw", raw, "--out", out) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if "not read" in line]
    assert len(said) == 1 and "not read: 2 files" in said[0]
    assert "story.docx" in said[0] and "sub/page.pdf" in said[0]
    assert "README" not in said[0] and "DS_Store" not in said[0] and "a.meta.json" not in said[0]
