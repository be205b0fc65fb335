"""Read an output folder back for review: records, the manifest, an article's raw lines."""
from __future__ import annotations

import heapq
from pathlib import Path
from typing import Callable, Iterator

from newsclean.pipeline import io
from newsclean.pipeline.ingest.inputs import sha256
from newsclean.pipeline.ingest.decode import decode_bytes
from newsclean.pipeline.output.review import ArticleView, article_view
from newsclean.pipeline.ingest.segment import split_lines

from newsclean.tasks.folder import paths, remote

# source.format -> a function from the input's bytes and its change-log record to the text
# the stages saw. A plain-text file is decoded as the pipeline decodes it. For HTML pages the
# raw lines are the page's visible text blocks (newsclean.pipeline.ingest.html_blocks), and for records inside
# JSONL/WARC files and compressed files the lines of their text; the change log and the record
# hold every one of them (an HTML page's lines its extractors left out as "extract" drops):
# those are rebuilt from the outputs (newsclean.pipeline.output.review.lines_from_log), which is exact, rather
# than extracted again.
RAW_TEXT: dict[str, Callable[[bytes, dict], str]] = {
    "text": lambda data, log: decode_bytes(data)[0],
}


def manifest(out: str | Path) -> dict:
    return io.read_json(paths.manifest(Path(out))) or {}


def articles(out: str | Path) -> list[tuple[dict | None, dict]]:
    """(corpus record or None, change-log record) of every article, sorted by id."""
    out = Path(out)
    records = {r["id"]: r for p in sorted((out / paths.CORPUS).glob(paths.PART_GLOB)) for r in io.read_jsonl(p)}
    logs = [log for p in sorted((out / paths.CHANGELOG).glob(paths.PART_GLOB)) for log in io.read_jsonl(p)]
    return [(records.get(log["id"]), log) for log in sorted(logs, key=lambda log: log["id"])]


def iter_corpus_records(out: str | Path) -> Iterator[dict]:
    """The corpus records in id order, read one at a time: every part holds its records in id
    order, so the parts are merged as they are read (memory: one record per part)."""
    parts = sorted((Path(out) / paths.CORPUS).glob(paths.PART_GLOB))
    return heapq.merge(*(io.iter_jsonl(p) for p in parts), key=lambda r: r["id"])


def corpus_records(out: str | Path) -> list[dict]:
    """The corpus records, sorted by id (the order every export uses)."""
    return [record for record, _ in articles(out) if record is not None]


def raw_folder(out: str | Path, raw: str | None) -> Path | None:
    """``--raw`` if given, else the folder the manifest names."""
    folder = raw or manifest(out).get("raw")
    return remote.raw_folder(folder) if folder else None


def is_extracted(source: dict) -> bool:
    """An HTML page, a record inside a JSONL or WARC file, a compressed file: its raw lines
    are those of the text extracted from it, not of the file."""
    return source.get("format") not in RAW_TEXT or not source.get("path", "").lower().endswith(io.TEXT_SUFFIXES)


def article_view_of(record: dict | None, log: dict, raw: Path | None) -> ArticleView:
    """The review of one article, its raw lines read back as well as they can be."""
    if is_extracted(log.get("source") or {}):
        return article_view(record, log, None, raw_from="extracted text, as the change log holds it")
    lines, note = raw_lines(raw, log)
    return article_view(record, log, lines, note)


def raw_lines(raw: Path | None, log: dict) -> tuple[list[str] | None, str]:
    """(the input's lines as the stages saw them, or None; a note when they could not be had)."""
    source = log.get("source") or {}
    if raw is None:
        return None, "no raw folder"
    if log.get("status") == "rejected":  # it may be huge or binary: its reason says enough
        return None, "a rejected input is not shown"
    if is_extracted(source):
        return None, ""
    path = (raw / source["path"]).resolve()
    if not path.is_relative_to(raw.resolve()) or not path.is_file():
        return None, f"raw file {source['path']} not found in {raw}"
    data = io.read_bytes(path)
    if sha256(data) != source.get("sha256"):
        return None, f"raw file {source['path']} changed since the run"
    return split_lines(RAW_TEXT[source["format"]](data, log)), ""
