"""Context: what every stage may read besides the article (config, rules, site statistics)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.rules.regex_budget import RegexBudget
from newsclean.pipeline.rules.ruleset import RuleSet
from newsclean.pipeline.classify.sitestats import SiteStats


@dataclass(frozen=True)
class Context:
    config: CleanConfig
    rules: RuleSet
    site_stats: SiteStats | None = None  # lines each site repeats (``newsclean sitestats``), if built
    budget: RegexBudget | None = None  # the pattern budget of the article being cleaned (clean.clean_article)

    @cached_property
    def html(self) -> Context:
        """The context an HTML input is cleaned with: the config's ``html_*`` position and
        classifier switches, the rules less ``html_skip_rules``. Made once per Context (not
        once per page)."""
        cfg = replace(self.config, drop_lead=self.config.html_drop_lead, drop_tail=self.config.html_drop_tail,
                      classify_blocks=self.config.html_classify_blocks)
        return replace(self, config=cfg, rules=self.rules.without(cfg.html_skip_rules))
