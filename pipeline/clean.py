"""clean_bytes: one raw input to a cleaned article and its change log, running the stage list.

Pure: bytes and a Context in, a Cleaned value out. Any failure becomes a ``reject`` change
with a reason; nothing here raises on bad input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from newsclean.pipeline.core.article import Article, Change, RejectedInput, Source, StageResult
from newsclean.pipeline.core.config import CleanConfig, ConfigError
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.ingest.decode import decode_bytes, decode_html, reread_lines
from newsclean.pipeline.ingest.inputs import Record, holds_markup, looks_like_html, sha256, site_of
from newsclean.pipeline.rules.regex_budget import RegexBudget
from newsclean.pipeline.rules.ruleset import RuleError
from newsclean.pipeline.ingest.segment import is_visible, segment_text, split_lines
from newsclean.pipeline.stages.boilerplate import remove_boilerplate
from newsclean.pipeline.stages.captions import separate_captions
from newsclean.pipeline.stages.encoding import fix_encoding
from newsclean.pipeline.stages.metadata import extract_metadata
from newsclean.pipeline.stages.normalize import normalize
from newsclean.pipeline.stages.residue import remove_residue
from newsclean.pipeline.stages.user import user_stage

Stage = Callable[[Article, Context], StageResult]
STAGES: dict[str, Stage] = {
    "encoding": fix_encoding,
    "residue": remove_residue,
    "boilerplate": remove_boilerplate,
    "captions": separate_captions,
    "metadata": extract_metadata,
    "normalize": normalize,
}
SIDECAR_FIELDS = ("url", "site", "published", "title", "authors", "language")
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")  # controls other than \t \n \r; U+FFFD


@dataclass(frozen=True)
class Cleaned:
    id: str
    source: Source
    article: Article | None  # None when rejected
    changes: tuple[Change, ...]

    @property
    def rejected(self) -> bool:
        return self.article is None


def stage_function(name: str) -> Stage:
    """A built-in stage by name, or a user stage (``module:function``, see stages/user.py)."""
    return STAGES.get(name) or user_stage(name)


def stage_names(article: Article, ctx: Context) -> tuple[str, ...]:
    """The stages an article goes through: ``html_stages`` for HTML, else ``stages``."""
    return ctx.config.html_stages if article.source.format == "html" else ctx.config.stages


def run_stages(article: Article, ctx: Context) -> tuple[Article, tuple[Change, ...]]:
    changes: list[Change] = []
    for name in stage_names(article, ctx):
        result = stage_function(name)(article, ctx)
        article = result.article
        changes.extend(result.changes)
    return article, tuple(changes)


def check_limits(data: bytes, ctx: Context) -> None:
    if len(data) > ctx.config.max_input_bytes:
        raise RejectedInput("reject.too-large", f"input is {len(data):,} bytes, over max_input_bytes={ctx.config.max_input_bytes:,}")


def check_text(text: str, ctx: Context) -> None:
    if not text.strip():
        raise RejectedInput("reject.empty", "input holds no visible text")
    sample = text[:100_000]
    bad = len(NOT_TEXT.findall(sample))
    if bad > 0.05 * len(sample):
        raise RejectedInput("reject.binary", f"input looks binary: {bad:,} control or undecodable characters in the first {len(sample):,}")
    lines = split_lines(text)
    if len(lines) > ctx.config.max_lines:
        raise RejectedInput("reject.too-many-lines", f"{len(lines):,} lines, over max_lines={ctx.config.max_lines:,}")
    longest = max(len(line) for line in lines)
    if longest > ctx.config.max_line_chars:
        raise RejectedInput("reject.long-line", f"a single line of {longest:,} characters, over max_line_chars={ctx.config.max_line_chars:,}")


def article_from_text(text: str, id: str, source: Source, meta: dict | None, ctx: Context) -> Article:
    return text_article(text, id, source, meta, ctx).article


def text_article(text: str, id: str, source: Source, meta: dict | None, ctx: Context) -> StageResult:
    """The Article of a text input, and the changes segmenting made (the lines of a
    hard-wrapped paragraph joined: ``segment_text``)."""
    meta = meta or {}
    authors = meta.get("authors") or ()
    blocks, changes = segment_text(text, ctx.config)
    return StageResult(Article(
        id=id, blocks=blocks, source=source,
        title=meta.get("title") or None, authors=tuple([authors] if isinstance(authors, str) else authors),
        published=meta.get("published") or None, site=site_of(meta), url=meta.get("url") or None,
        language=meta.get("language") or None,
    ), changes)


def reject(id: str, source: Source, rule: str, reason: str) -> Cleaned:
    return Cleaned(id, source, None, (Change("ingest", rule, "reject", 0, None, None, reason),))


@dataclass(frozen=True)
class Prepared:
    """An input decoded, its article not built yet: how to build it (which may reject it),
    the source a rejection names, the context its stages run with (text or HTML), and the
    changes decoding made (``decoding_changes``), logged first."""

    id: str
    source: Source
    build: Callable[[], Article | StageResult]
    ctx: Context
    decoding: tuple[Change, ...] = ()


def finish(prepared: Prepared | Cleaned) -> Cleaned:
    """Build the article and run its stage list (the fused path); a rejection as it is."""
    if isinstance(prepared, Cleaned):
        return prepared
    return clean_article(prepared.build, id=prepared.id, source=prepared.source, ctx=prepared.ctx,
                         decoding=prepared.decoding)


def clean_text(text: str, *, id: str, source: Source, ctx: Context, meta: dict | None = None,
               decoding: tuple[Change, ...] = ()) -> Cleaned:
    """Clean already-decoded text (the text path after decoding, and the HTML path after
    extraction). ``decoding``: the changes decoding made (``decoding_changes``), logged first."""
    return finish(prepare_text(text, id=id, source=source, ctx=ctx, meta=meta, decoding=decoding))


def prepare_text(text: str, *, id: str, source: Source, ctx: Context, meta: dict | None = None,
                 decoding: tuple[Change, ...] = ()) -> Prepared:
    def build() -> StageResult:
        check_text(text, ctx)
        return text_article(text, id, source, meta, ctx)

    return Prepared(id, source, build, ctx, decoding)


def decoding_changes(data: bytes, text: str, encoding: str) -> tuple[Change, ...]:
    """One edit per line that a UTF-8 input with stray bytes (``utf-8-replace``) reads other
    than as cp1252, the reading of a file that is not UTF-8 that the conservation check (and
    the previous versions) make: ``before`` that reading, ``after`` the line as decoded, the
    stray bytes (U+FFFD) it holds in ``detail``. Nothing for any other decoding."""
    if encoding != "utf-8-replace":
        return ()
    return tuple(Change("ingest", "enc.stray-bytes", "edit", n, old, new, {"stray_bytes": new.count("\ufffd")})
                 for n, old, new in reread_lines(data, text) if is_visible(old) or is_visible(new))


def guarded(step: Callable[[], Cleaned], *, id: str, source: Source, ctx: Context) -> Cleaned:
    """``step()``, or the rejection of the input naming why it failed."""
    try:
        return step()
    except RejectedInput as exc:
        return reject(id, source, exc.rule, exc.reason)
    except TimeoutError as exc:
        return reject(id, source, "reject.regex-timeout", f"a pattern ran over regex_timeout={ctx.config.regex_timeout}s: {exc}")
    except (ConfigError, RuleError):  # a user stage that does not import, a rule pack that does not
        raise  # load (rules are built on first use): the config's or the pack's fault, not the article's
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
        return reject(id, source, "reject.error", f"{type(exc).__name__}: {exc}")


def built_article(build: Callable[[], Article | StageResult]) -> tuple[Article, tuple[Change, ...]]:
    """The article a build makes, and the changes that came with it (the lines an HTML
    extractor left out)."""
    built = build()
    if isinstance(built, StageResult):
        return built.article, built.changes
    return built, ()


def clean_article(build: Callable[[], Article | StageResult], *, id: str, source: Source, ctx: Context,
                  decoding: tuple[Change, ...] = ()) -> Cleaned:
    """Build the article (which may reject it, and may come with changes of its own: the
    lines an HTML extractor left out) and run the stage list over it, with a fresh pattern
    budget (``regex_budget``); ``decoding``'s changes are logged first."""
    ctx = replace(ctx, budget=RegexBudget(ctx.config.regex_budget))

    def step() -> Cleaned:
        built, first = built_article(build)
        article, changes = run_stages(built, ctx)
        return Cleaned(id, article.source, article, decoding + first + changes)

    return guarded(step, id=id, source=source, ctx=ctx)


def clean_bytes(data: bytes, *, id: str, path: str, ctx: Context, meta: dict | None = None,
                sha: str | None = None) -> Cleaned:
    """Decode and clean one plain-text input (``sha``: its fingerprint when not its bytes',
    e.g. of the compressed file)."""
    return finish(prepare_bytes(data, id=id, path=path, ctx=ctx, meta=meta, sha=sha))


def prepare_bytes(data: bytes, *, id: str, path: str, ctx: Context, meta: dict | None = None,
                  sha: str | None = None) -> Prepared | Cleaned:
    source = Source(path=path, sha256=sha or sha256(data), format="text")
    try:
        check_limits(data, ctx)
    except RejectedInput as exc:
        return reject(id, source, exc.rule, exc.reason)
    text, encoding = decode_bytes(data)
    return prepare_text(text, id=id, source=replace(source, encoding=encoding), ctx=ctx, meta=meta,
                        decoding=decoding_changes(data, text, encoding))


def takes_html_path(record: Record, cfg: CleanConfig) -> bool:
    """The record is an HTML page: by its format, unless it holds no markup at all (a text saved
    as ``.html``: ``holds_markup``), or a text that is an HTML document (``sniff_html``)."""
    if record.format == "html":
        return holds_markup(record.data)
    return cfg.sniff_html and looks_like_html(record.data)


def clean_record(record: Record, *, path: str, ctx: Context) -> Cleaned:
    """Clean one record of a raw file (see ``ingest/inputs.py``): text or HTML."""
    return finish(prepare_record(record, path=path, ctx=ctx))


def prepare_record(record: Record, *, path: str, ctx: Context) -> Prepared | Cleaned:
    """A record decoded, ready to build (or its rejection)."""
    if record.error is not None:
        return reject(record.id, Source(path=path, sha256=record.sha256, format=record.format), *record.error)
    if takes_html_path(record, ctx.config):
        return prepare_html(record.data, id=record.id, path=path, ctx=ctx, meta=record.meta,
                            sha=record.sha256, charset=record.charset)
    return prepare_bytes(record.data, id=record.id, path=path, ctx=ctx, meta=record.meta, sha=record.sha256)


def clean_html(data: bytes, *, id: str, path: str, ctx: Context, meta: dict | None = None,
               sha: str | None = None, charset: str | None = None) -> Cleaned:
    """Extract one HTML page (trafilatura and readability-lxml voting, or trafilatura alone)
    and clean what they keep like text input. The page's raw lines are its visible text
    blocks (``html_blocks``): the change log accounts for each, those the extractors left
    out as "extract" drops."""
    return finish(prepare_html(data, id=id, path=path, ctx=ctx, meta=meta, sha=sha, charset=charset))


def prepare_html(data: bytes, *, id: str, path: str, ctx: Context, meta: dict | None = None,
                 sha: str | None = None, charset: str | None = None) -> Prepared | Cleaned:
    source = Source(path=path, sha256=sha or sha256(data), format="html")
    try:
        check_limits(data, ctx)
    except RejectedInput as exc:
        return reject(id, source, exc.rule, exc.reason)
    html, encoding = decode_html(data, charset)
    source = replace(source, encoding=encoding)

    html_ctx = ctx.html

    def build() -> StageResult:
        from newsclean.pipeline.ingest.html_extract import article_from_html  # trafilatura and lxml load only for HTML inputs
        return article_from_html(html, id, source, meta or {}, html_ctx)

    return Prepared(id, source, build, html_ctx)
