"""User stages: a stage from any importable module, named in the config as ``"module:function"``.

A user stage keeps the built-in contract, ``(Article, Context) -> StageResult``, and three
rules that keep the change log's guarantee and its ids apart from the built-in ones:

- every rule id it writes starts with ``user.`` (``user.pii.email``); no built-in id does;
- every block it drops, moves or edits is the ``before`` of one of its changes (at the
  block's line), so that nothing vanishes silently;
- its module's source is part of the outputs' code digest, so that editing it makes them stale.

A stage that breaks one of these, or raises, rejects the article with ``reject.user-stage``
and a reason naming the stage (the batch goes on); a name that does not import is a
``ConfigError`` of one line (``stage_refs``: the name and the function it refers to, which
the config checks when it is read).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Callable

from newsclean.pipeline.core.article import ACTIONS, Article, RejectedInput, StageResult
from newsclean.pipeline.core.stage_refs import USER_PREFIX, resolve

RULE_ID = re.compile(r"^user(\.[a-z0-9][a-z0-9_-]*)+$")
REJECT_RULE = "reject.user-stage"


@lru_cache(maxsize=64)
def user_stage(name: str) -> Callable[[Article, object], StageResult]:
    """The user's function wrapped in the contract checks (see the module's docstring)."""
    fn = resolve(name)

    def run(article: Article, ctx) -> StageResult:
        try:
            result = fn(article, ctx)
        except RejectedInput as exc:
            if exc.rule.startswith(USER_PREFIX) and RULE_ID.match(exc.rule):
                raise
            raise RejectedInput(REJECT_RULE, f"stage {name} rejected with rule {exc.rule!r}, not a user. id: "
                                             f"{exc.reason}") from None
        except TimeoutError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in the user's stage sets the article aside
            raise RejectedInput(REJECT_RULE, f"stage {name} raised {type(exc).__name__}: {exc}") from None
        problem = contract_problem(article, result)
        if problem:
            raise RejectedInput(REJECT_RULE, f"stage {name} {problem}")
        return StageResult(result.article, tuple(_named(c, name) for c in result.changes))

    run.__name__ = run.__qualname__ = name
    return run


def _named(change, name: str):
    """The change as the change log keeps it: ``stage`` is the stage's name in the config."""
    from dataclasses import replace

    return change if change.stage == name else replace(change, stage=name)


def contract_problem(before: Article, result) -> str | None:
    """What the stage's result breaks of the contract, in words; None when it keeps it."""
    if not isinstance(result, StageResult) or not isinstance(result.article, Article):
        return f"returned {type(result).__name__}, not a StageResult(article, changes)"
    for change in result.changes:
        if not RULE_ID.match(change.rule or ""):
            return f"wrote rule id {change.rule!r}: a user stage's rule ids start with 'user.' (e.g. 'user.pii.email')"
        if change.action not in ACTIONS or change.action == "reject":
            return f"wrote action {change.action!r} (one of {', '.join(a for a in ACTIONS if a != 'reject')})"
    explained = Counter((c.line, c.before) for c in result.changes if c.before is not None)
    kept = Counter((b.line, b.text) for b in result.article.blocks)
    for block in before.blocks:
        key = (block.line, block.text)
        if kept[key]:
            kept[key] -= 1
        elif explained[key]:
            explained[key] -= 1
        else:
            return f"changed or removed line {block.line} without a Change whose before is its text: {block.text[:60]!r}"
    return None
