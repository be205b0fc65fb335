"""The values that flow through the pipeline: Article, Block, Caption, Change.

All are frozen; a stage returns a new Article built with ``dataclasses.replace``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "quote", "list_item")
ACTIONS = ("drop", "move", "extract", "edit", "flag", "reject")


@dataclass(frozen=True)
class Block:
    """One visible line of the input (text mode) or one element of extracted HTML."""

    line: int  # 1-based line number in the decoded (or extracted) text
    text: str
    kind: str = "paragraph"
    score: float | None = None  # the block classifier's probability of article text, when it judged the block


@dataclass(frozen=True)
class Caption:
    text: str | None
    credit: str | None = None
    title: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Change:
    """One thing a stage did. ``before`` is the whole block before the change."""

    stage: str
    rule: str
    action: str
    line: int
    before: str | None
    after: str | None = None
    detail: Any = None

    def to_json(self) -> dict:
        return {
            "stage": self.stage,
            "rule": self.rule,
            "action": self.action,
            "line": self.line,
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
        }


def new_change(stage: str, rule: str, action: str, line: int, before: str | None, after: str | None = None,
               detail: Any = None) -> Change:
    """``Change(stage, rule, action, line, before, after, detail)``, its fields set as pickle
    sets a frozen dataclass's (in its ``__dict__``): half the cost of the frozen ``__init__``
    (one ``object.__setattr__`` per field), and an article's change log has hundreds."""
    change = object.__new__(Change)
    change.__dict__.update(stage=stage, rule=rule, action=action, line=line, before=before, after=after, detail=detail)
    return change


@dataclass(frozen=True)
class Source:
    path: str  # relative to the raw folder
    sha256: str
    format: str  # "text", "html", ...
    encoding: str | None = None  # how the bytes were decoded
    extractor: str | None = None  # which extractor produced the text (HTML inputs)
    sidecar_sha256: str | None = None  # of the <id>.meta.json beside a single-article file


@dataclass(frozen=True)
class Article:
    id: str
    blocks: tuple[Block, ...]
    source: Source
    captions: tuple[Caption, ...] = ()
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None
    extra: tuple[tuple[str, Any], ...] = field(default=())  # sidecar fields we do not model


@dataclass(frozen=True)
class StageResult:
    article: Article
    changes: tuple[Change, ...] = ()


class RejectedInput(Exception):
    """The whole input is set aside; ``reason`` says why in words a user can act on."""

    def __init__(self, rule: str, reason: str):
        super().__init__(reason)
        self.rule = rule
        self.reason = reason
