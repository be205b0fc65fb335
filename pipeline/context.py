"""Context: what every stage may read besides the article (config, rules)."""
from __future__ import annotations

from dataclasses import dataclass

from .config import CleanConfig
from .rules import RuleSet


@dataclass(frozen=True)
class Context:
    config: CleanConfig
    rules: RuleSet
