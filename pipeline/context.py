"""Context: what every stage may read besides the article (config, rules, site statistics)."""
from __future__ import annotations

from dataclasses import dataclass

from .config import CleanConfig
from .rules import RuleSet
from .sitestats import SiteStats


@dataclass(frozen=True)
class Context:
    config: CleanConfig
    rules: RuleSet
    site_stats: SiteStats | None = None  # lines each site repeats (``newsclean sitestats``), if built
