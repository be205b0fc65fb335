"""A deterministic bound on the pattern work of one article.

``regex_timeout`` bounds one pattern on one block in wall-clock time, so that whether an
article is cleaned or rejected could depend on the machine's load. The budget counts, for
each pattern run (a rule the cheap tests of ``rules/matching.py`` did not rule out), the
characters of the block it runs on; an article that would spend more than ``regex_budget``
is rejected on every machine alike, the reason naming the rule that would pass it. The
timeout stays, as a safety net under its own rule id.
"""
from __future__ import annotations

from newsclean.pipeline.core.article import RejectedInput


class RegexBudget:
    """Characters times patterns run, for one article (a fresh one per article)."""

    __slots__ = ("limit", "spent")

    def __init__(self, limit: int):
        self.limit, self.spent = limit, 0

    def charge(self, rule_id: str, chars: int) -> None:
        """Count a run of rule ``rule_id`` on ``chars`` characters; RejectedInput past the limit
        (0: no limit)."""
        self.spent += chars
        if self.limit and self.spent > self.limit:
            raise RejectedInput("reject.regex-budget",
                                f"rule {rule_id} on a block of {chars:,} characters would take the article's pattern "
                                f"work past regex_budget={self.limit:,} (characters times patterns run)")
