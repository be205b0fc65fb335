"""Boilerplate rules as data: the packs (``*.toml`` here, per-site ones in ``sites/``; the
learned model in ``models/``), loaded and validated (ruleset), what a pattern implies before
it runs (patterns, literals), matching a block against a pack fast (matching), the
deterministic bound on an article's pattern work (regex_budget), and every rule id the
pipeline can write with its description (registry). Imports core and text.
"""
