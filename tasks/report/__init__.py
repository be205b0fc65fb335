"""``newsclean report``: a static HTML report of a run, viewable offline.

Reads the output folder (and the raw folder, to show blank lines and the exact raw text),
builds review values with :mod:`newsclean.pipeline.output.review`, renders them with :mod:`.pages` and
writes ``OUT/report/``, replacing the previous report in one rename.
"""
from __future__ import annotations

from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.rules.registry import describe_rules
from newsclean.pipeline.output.review import ArticleView

from newsclean.tasks.folder import read_back
from newsclean.tasks.run.task_base import load_context


def article_views(out: str | Path, raw: str | None = None) -> list[ArticleView]:
    folder = read_back.raw_folder(out, raw)
    return [read_back.article_view_of(record, log, folder) for record, log in read_back.articles(out)]


def build_report(out: str | Path, raw: str | None = None, config: str = "") -> Path:
    """Write the report and return the path of its index page."""
    from newsclean.tasks.report.pages import render_site

    registry = describe_rules(load_context(config).rules)
    files = render_site(article_views(out, raw), read_back.manifest(out), registry)
    target = Path(out) / "report"
    io.replace_tree(target, files)
    return target / "index.html"
