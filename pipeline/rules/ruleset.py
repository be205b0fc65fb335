"""Rule packs: boilerplate patterns kept as data (TOML), validated when loaded.

A pack file holds ``[[rule]]`` tables. General packs live in ``pipeline/rules/``; per-site
packs in ``pipeline/rules/sites/`` name their ``site`` (a domain) at the top. Each rule:

    id          stable, never reused (``bp.share-cta``)
    category    share, social, subscribe, promo, related, comment_form, author_bio, ...
    description what it removes and why
    pattern     a ``regex`` pattern, searched case-insensitively in the whole block
    scope       where it applies: any (default), lead (before the headline),
                tail (after the last body paragraph), core (inside the body)
    max_words   optional: only blocks of at most this many words (guards long paragraphs)
    inputs      optional: ["html"] for a rule that only applies to text extracted from HTML
                (what trafilatura leaves; run by the residue stage, scope any, general packs)
    takes_list  optional, true: a line this rule drops that ends with a colon takes the
                bulleted list right under it ("Your comment will be removed if it:" and its
                items; the boilerplate stage's ``pos.intro-list``)
    examples.match / examples.keep   blocks that must / must not match (tested)

How a block is matched against a pack's rules, fast, is ``rules/matching.py``.
"""
from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import regex

from newsclean.pipeline.text.predicates import words as count_words
from newsclean.pipeline.rules.patterns import Branch, branch_tests, is_anchored, length_bounds
from newsclean.pipeline.rules.regex_budget import RegexBudget

SCOPES = ("any", "lead", "tail", "core")
REQUIRED = ("id", "category", "description", "pattern")


class RuleError(ValueError):
    """A rule pack is invalid; the message names the file and the rule id."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    description: str
    pattern: str
    scope: str
    max_words: int | None
    examples_match: tuple[str, ...]
    examples_keep: tuple[str, ...]
    source: str
    compiled: regex.Pattern
    inputs: tuple[str, ...] = ()  # () for every input; ("html",) for HTML-only rules
    anchored: bool = False  # the pattern only matches at the start: match() is search()
    tests: tuple[Branch, ...] | None = field(default=None, compare=False, repr=False)  # see matching.RuleGroup
    takes_list: bool = False  # a dropped intro ("... if it:") takes the bulleted list under it

    def matches(self, text: str, timeout: float, words: int | None = None, budget: RegexBudget | None = None) -> bool:
        """``words``: the block's word count when the caller already has it; ``budget``: the
        article's pattern budget, charged when the pattern runs."""
        if self.max_words is not None and (count_words(text) if words is None else words) > self.max_words:
            return False
        bounds = self.length_bounds
        if bounds is not None and not bounds[0] <= len(text) <= bounds[1] and "\n" not in text:
            return False
        return self.find(text, timeout, budget)

    def find(self, text: str, timeout: float, budget: RegexBudget | None = None) -> bool:
        """The pattern occurs in ``text``. An anchored pattern is tried at the start only (the
        regex module's search would try it at every position; which first characters can
        start it is the rule group's test). Arguments are positional (string, pos, endpos,
        concurrent, partial, timeout): the regex module parses keywords slowly. A timeout
        raises TimeoutError naming the rule."""
        if budget is not None:
            budget.charge(self.id, len(text))
        try:
            if self.anchored:
                return self.compiled.match(text, None, None, None, False, timeout) is not None
            return self.compiled.search(text, None, None, None, False, timeout) is not None
        except TimeoutError:
            raise TimeoutError(f"rule {self.id} on a block of {len(text):,} characters") from None

    @property
    def length_bounds(self) -> tuple[int, int] | None:
        return length_bounds(self.pattern)


@dataclass(frozen=True)
class RuleSet:
    general: tuple[Rule, ...]
    sites: tuple[tuple[str, tuple[Rule, ...]], ...]
    digest: str
    # learned models (rules/models/*.json: the block classifiers, ``classify.BlockModel``, and
    # the HTML vote, ``ensemble.EnsembleModel``), parsed by ``classify.load_models``: the rule
    # set carries them and hashes them, never reads them
    models: tuple[Any, ...] = ()
    html: tuple[Rule, ...] = ()  # rules for HTML inputs only (the residue stage)

    def model(self, name: str) -> Any | None:
        return next((m for m in self.models if m.name == name), None)

    def for_site(self, site: str | None) -> tuple[Rule, ...]:
        """General rules, then the rules of ``site`` and of every parent domain."""
        if not site:
            return self.general
        site = site.lower()
        extra = tuple(r for domain, rules in self.sites
                      if site == domain or site.endswith("." + domain) for r in rules)
        return self.general + extra

    def without(self, ids: tuple[str, ...]) -> RuleSet:
        """The same rules less those named (the digest stays: the config names them)."""
        if not ids:
            return self
        return replace(self, general=tuple(r for r in self.general if r.id not in ids))

    def by_id(self) -> dict[str, Rule]:
        out = {r.id: r for r in self.general + self.html}
        for _, rules in self.sites:
            out.update({r.id: r for r in rules})
        return out


_DEFERRED = frozenset(("general", "sites", "models", "html"))


class DeferredRuleSet(RuleSet):
    """A rule set whose digest is known at once and whose packs are parsed and compiled
    the first time a rule or model is asked for (``build``, made from the same texts as
    the digest). A run that finds nothing to clean needs the digest alone (its shards'
    digests) and so never compiles the patterns, about a second of CPU."""

    def __init__(self, digest: str, build: Callable[[], RuleSet]) -> None:  # noqa: D107 - no dataclass fields set
        object.__setattr__(self, "digest", digest)
        object.__setattr__(self, "_build", build)
        object.__setattr__(self, "_rules", None)

    def __getattribute__(self, name: str) -> Any:
        if name in _DEFERRED:
            return getattr(object.__getattribute__(self, "built")(), name)
        return object.__getattribute__(self, name)

    def built(self) -> RuleSet:
        """The rule set itself, built on the first call."""
        rules = object.__getattribute__(self, "_rules")
        if rules is None:
            rules = object.__getattribute__(self, "_build")()
            if rules.digest != self.digest:
                raise RuleError(f"rules changed while loading: digest {rules.digest}, expected {self.digest}")
            object.__setattr__(self, "_rules", rules)
        return rules

    @property
    def is_built(self) -> bool:
        return object.__getattribute__(self, "_rules") is not None

    def without(self, ids: tuple[str, ...]) -> RuleSet:
        return self.built().without(ids)

    def __repr__(self) -> str:
        return f"DeferredRuleSet(digest={self.digest!r}, built={self.is_built})"


def _compile(source: str, rid: str, pattern: str) -> regex.Pattern:
    if not pattern or not pattern.strip():
        raise RuleError(f"{source}: rule {rid}: empty pattern")
    try:
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.V1)
    except regex.error as exc:
        raise RuleError(f"{source}: rule {rid}: bad regex: {exc}") from None
    if compiled.search("", timeout=1.0) is not None:
        raise RuleError(f"{source}: rule {rid}: pattern matches the empty string (an empty alternation?)")
    return compiled


def parse_pack(source: str, text: str) -> tuple[str | None, tuple[Rule, ...]]:
    """Parse one pack file's text. Returns (site or None, rules)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from None
    unknown_top = set(data) - {"site", "rule"}
    if unknown_top:
        raise RuleError(f"{source}: unknown top-level keys {sorted(unknown_top)}")
    rules = []
    for i, raw in enumerate(data.get("rule", [])):
        rid = raw.get("id") or f"#{i + 1}"
        missing = [k for k in REQUIRED if not raw.get(k)]
        if missing:
            raise RuleError(f"{source}: rule {rid}: missing {', '.join(missing)}")
        unknown = set(raw) - set(REQUIRED) - {"scope", "max_words", "examples", "inputs", "takes_list"}
        if unknown:
            raise RuleError(f"{source}: rule {rid}: unknown keys {sorted(unknown)}")
        scope = raw.get("scope", "any")
        if scope not in SCOPES:
            raise RuleError(f"{source}: rule {rid}: scope {scope!r} not one of {SCOPES}")
        inputs = tuple(raw.get("inputs", ()))
        if inputs not in ((), ("html",)):
            raise RuleError(f"{source}: rule {rid}: inputs must be [\"html\"] or absent, got {list(inputs)}")
        if inputs and scope != "any":
            raise RuleError(f"{source}: rule {rid}: an HTML-only rule has scope any")
        takes_list = raw.get("takes_list", False)
        if not isinstance(takes_list, bool):
            raise RuleError(f"{source}: rule {rid}: takes_list must be true or false, got {takes_list!r}")
        if takes_list and (inputs or scope != "any"):
            raise RuleError(f"{source}: rule {rid}: takes_list is for text rules of scope any")
        examples = raw.get("examples", {})
        if not examples.get("match"):
            raise RuleError(f"{source}: rule {rid}: needs at least one examples.match")
        if takes_list and not any(m.rstrip().endswith(":") for m in examples["match"]):
            raise RuleError(f"{source}: rule {rid}: takes_list needs an examples.match that ends with a colon")
        compiled, anchored = _compile(source, rid, raw["pattern"]), is_anchored(raw["pattern"])
        rules.append(Rule(
            id=rid, category=raw["category"], description=raw["description"].strip(),
            pattern=raw["pattern"], scope=scope, max_words=raw.get("max_words"),
            examples_match=tuple(examples.get("match", ())), examples_keep=tuple(examples.get("keep", ())),
            source=source, compiled=compiled, inputs=inputs, anchored=anchored,
            tests=branch_tests(raw["pattern"], compiled if anchored else None), takes_list=takes_list,
        ))
    return data.get("site"), tuple(rules)


def text_rule_ids(packs: Sequence[tuple[str, str]]) -> frozenset[str]:
    """The ids of the general packs' text rules, the rules ``RuleSet.without`` can leave out
    (config ``html_skip_rules``), read without compiling a pattern (about 10 ms for the
    shipped packs); a pack that is not TOML is skipped here (``parse_pack`` says why)."""
    found: set[str] = set()
    for _source, text in packs:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        if not data.get("site"):
            found.update(r["id"] for r in data.get("rule", []) if isinstance(r, dict) and isinstance(r.get("id"), str)
                         and not r.get("inputs"))
    return frozenset(found)


def pack_name(source: str) -> str:
    """What the rules digest knows a pack or model file by: its kind and file name, not the
    folder it was loaded from (``sites/example.toml`` -> ``site:example.toml``,
    ``models/blocks.json`` -> ``model:blocks.json``), so that moving the package data
    leaves the digest, and the outputs stamped with it, unchanged."""
    folder, _, name = source.rpartition("/")
    kind = {"": "pack", "sites": "site", "models": "model"}.get(folder.rpartition("/")[2], "pack")
    return f"{kind}:{name}"


def build_ruleset(packs: list[tuple[str, str]], models: Sequence[tuple[str, str, Any]] = ()) -> RuleSet:
    """Build a RuleSet from ``(relative path, text)`` pairs; ids must be unique across all.
    ``models``: ``(relative path, JSON text, model)`` of the block classifiers
    (``classify.load_models``)."""
    general: list[Rule] = []
    sites: dict[str, list[Rule]] = {}
    seen: dict[str, str] = {}
    for source, text in sorted(packs):
        site, rules = parse_pack(source, text)
        check_pack(source, site, rules, seen)
        (sites.setdefault(site.lower(), []) if site else general).extend(rules)
    return RuleSet(
        models=tuple(m for _, _, m in sorted(models, key=lambda m: m[0])),
        general=tuple(r for r in general if not r.inputs),
        html=tuple(r for r in general if r.inputs),
        sites=tuple((k, tuple(v)) for k, v in sorted(sites.items())),
        digest=rules_digest(packs, models),
    )


def check_pack(source: str, site: str | None, rules: Sequence[Rule], seen: dict[str, str]) -> None:
    """A per-site pack names its site and sits in rules/sites/, a general pack names none;
    each rule id is used once across all packs (``seen``: id to the pack it was first in,
    filled here); HTML-only rules are general."""
    is_site_pack = source.startswith("sites/")
    if is_site_pack and not site:
        raise RuleError(f"{source}: a per-site pack must name its site")
    if site and not is_site_pack:
        raise RuleError(f"{source}: per-site packs belong in rules/sites/")
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{source}: rule {rule.id}: duplicate id (first in {seen[rule.id]})")
        seen[rule.id] = source
    if site and any(r.inputs for r in rules):
        raise RuleError(f"{source}: HTML-only rules belong in general packs")


def rules_digest(packs: Sequence[tuple[str, str]], models: Sequence[tuple[str, str, Any]]) -> str:
    """The hash of every pack's and model file's name (``pack_name``) and text."""
    digest = hashlib.sha256()
    named = [(pack_name(source), text) for source, text in packs] + \
        [(pack_name(source), text) for source, text, _ in models]
    for name, text in sorted(named):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:16]
