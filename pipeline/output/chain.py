"""The stages one at a time over a whole shard, for the Luigi chain (tasks/run/stage_tasks.py).

The fused run (``shard.clean_entry``) decodes, builds and runs every stage of one article
before the next article. The chain runs one step over every article of a shard, keeping the
shard's articles between steps as a list of ``Pending`` values, each step's with that
step's changes only (``gather`` joins them); the result is the same ``Cleaned`` value,
byte for byte (a test checks it).

Each step has a digest that depends only on the shard's inputs and, for the step and every
step before it, the config fields and rules its code reads and that code: a change to the
normalisation switches changes the digest of ``normalize`` and what follows, not of
``boilerplate`` (whose intermediate is then reused).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from operator import attrgetter
from typing import Callable, Iterable

from newsclean.pipeline import __version__
from newsclean.pipeline.core.article import Article, Block, Caption, Change, Source
from newsclean.pipeline.clean import STAGES, Cleaned, built_article, guarded, stage_function, stage_names
from newsclean.pipeline.core.config import CleanConfig, ConfigError
from newsclean.pipeline.rules.regex_budget import RegexBudget
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.output.contract import current_fingerprint
from newsclean.pipeline.output.shards import Entry, Loader, finish, prepare_entry, still_current, with_sidecar
from newsclean.pipeline.core.stage_refs import is_user_stage, module_of

DECODE = "decode"  # the first step: load, decode, check and segment (or extract HTML)
# the layout of an intermediate (``dumps``), in every step's digest: a run killed before its
# commit leaves intermediates, which a newer layout must not read (2: each article's pattern spend)
INTERMEDIATE_FORMAT = 2


@dataclass(frozen=True)
class Pending:
    """One input between two steps: its article so far and the changes made to it (or its
    rejection), and the source a later rejection names (before the article was built)."""

    id: str
    source: Source
    cleaned: Cleaned
    spent: int = 0  # the article's pattern work so far (``regex_budget``), charged on by each step


# --- the intermediate: Pending values as plain tuples -------------------------------------
# marshal (version 2: no back-references, so the bytes are a function of the values) reads
# and writes plain tuples of strings faster than pickle does dataclasses. The articles and
# the step's changes are two blobs, so that a step reads only the articles and the commit
# only the changes of the steps before the last. A value marshal cannot hold (an object a
# user stage put in a change's detail) falls back to pickle for that shard.

def _getter(cls) -> Callable:
    return attrgetter(*(f.name for f in fields(cls)))


_ARTICLE_REST = tuple(f.name for f in fields(Article) if f.name not in ("blocks", "captions", "source"))
_REST, _BLOCK, _CAPTION, _SOURCE, _CHANGE = (attrgetter(*_ARTICLE_REST), _getter(Block), _getter(Caption),
                                             _getter(Source), _getter(Change))


def _article_plain(a: Article) -> tuple:
    return (*_REST(a), tuple(map(_BLOCK, a.blocks)), tuple(map(_CAPTION, a.captions)), _SOURCE(a.source))


def _article_value(t: tuple) -> Article:
    *rest, blocks, captions, source = t
    return Article(**dict(zip(_ARTICLE_REST, rest)), blocks=tuple(Block(*b) for b in blocks),
                   captions=tuple(Caption(*c) for c in captions), source=Source(*source))


def dumps(pending: list[Pending]) -> bytes:
    """A shard's pending articles as bytes (the chain's intermediate): ``M``, the length of
    the articles' blob (8 bytes), the articles, the changes; or ``P`` and a pickle."""
    import marshal
    import pickle

    articles = [(p.id, _SOURCE(p.source), p.cleaned.id, _SOURCE(p.cleaned.source),
                 None if p.cleaned.article is None else _article_plain(p.cleaned.article), p.spent) for p in pending]
    try:
        head = marshal.dumps(articles, 2)
        return b"M" + len(head).to_bytes(8, "big") + head + marshal.dumps(
            [tuple(map(_CHANGE, p.cleaned.changes)) for p in pending], 2)
    except ValueError:
        return b"P" + pickle.dumps(pending, protocol=5)


def loads(data: bytes, changes: bool = True) -> list[Pending]:
    """A shard's pending articles back from ``dumps``: without their ``changes`` (but a
    rejection's) as the input of the next step, which records only its own."""
    import marshal
    import pickle

    if data[:1] == b"P":
        return [p if changes or p.cleaned.rejected else replace(p, cleaned=replace(p.cleaned, changes=()))
                for p in pickle.loads(data[1:])]
    size = int.from_bytes(data[1:9], "big")
    heads = marshal.loads(data[9:9 + size])
    made = marshal.loads(data[9 + size:])
    return [Pending(pid, Source(*psource), Cleaned(cid, Source(*csource), None if art is None else _article_value(art),
                                                   tuple(Change(*c) for c in m) if changes or art is None else ()),
                    spent)
            for (pid, psource, cid, csource, art, spent), m in zip(heads, made)]


def loads_changes(data: bytes) -> list[tuple[Change, ...]]:
    """The changes of each of a shard's pending articles from ``dumps``, in order, for the
    commit, which needs only the changes of the steps before the last (a pickled shard
    gives its changes too, not its Pending values)."""
    import marshal

    if data[:1] == b"P":
        return [p.cleaned.changes for p in loads(data)]
    size = int.from_bytes(data[1:9], "big")
    return [tuple(Change(*c) for c in m) for m in marshal.loads(data[9 + size:])]


def gather(before: list[list[tuple[Change, ...]]], last: list[Pending]) -> dict[str, Pending]:
    """The articles after the last step (``last``), by id, each with the changes of every
    step in order (``before``: those of the steps before the last, from ``loads_changes``,
    in the order of ``last``); a rejected one with its rejection alone, as the fused run
    gives it."""
    out = {}
    for i, p in enumerate(last):
        if not p.cleaned.rejected:
            made = tuple(c for step in before for c in step[i]) + p.cleaned.changes
            p = replace(p, cleaned=replace(p.cleaned, changes=made))
        out[p.id] = p
    return out


def decode_entry(entry: Entry, load: Loader, ctx: Context) -> Pending:
    """The first step: the entry loaded, decoded and its article built (no stage run yet)."""
    prepared = prepare_entry(entry, load, ctx)
    if isinstance(prepared, Cleaned):
        return Pending(entry.id, prepared.source, prepared)

    def build() -> Cleaned:
        article, first = built_article(prepared.build)
        return Cleaned(prepared.id, article.source, article, prepared.decoding + first)

    return Pending(prepared.id, prepared.source, guarded(build, id=prepared.id, source=prepared.source, ctx=prepared.ctx))


def to_clean(entries: Iterable[Entry], stored: dict[str, dict], ctx: Context) -> list[Entry]:
    """The entries a shard's chain has to clean: not duplicates, and without a stored
    change-log record (``stored``, by id) that still holds for them, which the commit reuses
    (as the fused run does not clean them again either)."""
    current = current_fingerprint(ctx)
    return [e for e in entries if e.duplicate_of is None and not _reusable(stored.get(e.id), e, ctx, current)]


def _reusable(log: dict | None, entry: Entry, ctx: Context, current: tuple) -> bool:
    if not log:
        return False
    return (log.get("source") or {}).get("path") == entry.rel and still_current(log, entry, ctx, current)


def apply_stage(name: str, pending: Pending, ctx: Context) -> Pending:
    """One stage over one input, when its path (text or HTML) runs that stage. The article's
    pattern budget (``regex_budget``) goes on from what the steps before it spent, as in the
    fused run, where one budget serves every stage of the article."""
    cleaned = pending.cleaned
    article = cleaned.article
    if article is None:  # rejected
        return pending
    stage_ctx = ctx.html if article.source.format == "html" else ctx
    if name not in stage_names(article, stage_ctx):
        return pending
    budget = RegexBudget(stage_ctx.config.regex_budget)
    budget.spent = pending.spent
    stage_ctx = replace(stage_ctx, budget=budget)

    def step() -> Cleaned:
        result = stage_function(name)(article, stage_ctx)
        return Cleaned(pending.id, result.article.source, result.article, cleaned.changes + result.changes)

    return replace(pending, cleaned=guarded(step, id=pending.id, source=pending.source, ctx=stage_ctx),
                   spent=budget.spent)


def finished(pending: Pending, entry: Entry) -> Cleaned:
    """The input's cleaned value after the last step, as the fused run gives it."""
    return with_sidecar(finish(pending.cleaned), entry)


def chain_stages(config: CleanConfig) -> tuple[str, ...]:
    """The steps after decoding, in order: ``stages`` and ``html_stages`` merged, each
    list's order kept (a stage of both lists is one step); ConfigError when the two lists
    order two stages differently."""
    a, b = tuple(config.stages), tuple(config.html_stages)
    i = j = 0
    order: list[str] = []
    while i < len(a) or j < len(b):
        if i < len(a) and j < len(b) and a[i] == b[j]:
            order.append(a[i])
            i, j = i + 1, j + 1
        elif i < len(a) and a[i] not in b[j:]:
            order.append(a[i])
            i += 1
        elif j < len(b) and b[j] not in a[i:]:
            order.append(b[j])
            j += 1
        else:
            order = []
            break
    if not order or len(set(order)) != len(order):
        raise ConfigError(f"the stage chain needs html_stages in the order of stages: {list(b)} against {list(a)}")
    return tuple(order)


# --- what a step's output depends on -------------------------------------------------------

NOT_FIELDS = ("stages", "html_stages", "shards")  # the chain and the entries say these


def step_digests(entries: Iterable[Entry], ctx: Context, sources: dict[str, str]) -> list[tuple[str, str]]:
    """(step, digest) of every step of a shard's chain, decode first. ``sources``: the
    library's modules by name (``io.library_sources()``), whose code and config reads make
    a step's digest."""
    h = hashlib.sha256(f"{__version__}\0{INTERMEDIATE_FORMAT}".encode())
    for e in sorted(entries, key=lambda e: (e.id, e.rel)):
        h.update(f"{e.id}\0{e.rel}\0{e.sha256}\0{e.duplicate_of or ''}\0{e.sidecar_sha256 or ''}\n".encode())
    previous = h.hexdigest()[:16]
    out = []
    for step in (DECODE, *chain_stages(ctx.config)):
        what = {"step": step, "previous": previous, **step_inputs(step, ctx, sources)}
        previous = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:16]
        out.append((step, previous))
    return out


def step_inputs(step: str, ctx: Context, sources: dict[str, str]) -> dict:
    """What a step reads besides the articles: its code's digest, the config fields its
    code names, the rules and site statistics when it reads them, and which paths run it."""
    cfg = ctx.config
    if is_user_stage(step):  # it sees the whole context: every field, the rules, the statistics
        from newsclean.pipeline.io import module_source_digest

        return {"code": module_source_digest(module_of(step)), "config": _fields(cfg, _all_fields()),
                "rules": ctx.rules.digest, "site_stats": _stats(ctx), "paths": _paths(step, cfg)}
    reads = step_reads(step, tuple(sorted(sources.items())))
    return {"code": reads["code"], "config": _fields(cfg, reads["fields"]),
            "rules": ctx.rules.digest if reads["rules"] else None,
            "site_stats": _stats(ctx) if reads["site_stats"] else None, "paths": _paths(step, cfg)}


def _fields(cfg: CleanConfig, names: Iterable[str]) -> dict:
    data = cfg.to_json()
    return {n: data[n] for n in sorted(names)}


def _all_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(CleanConfig) if f.name not in NOT_FIELDS)


def _stats(ctx: Context) -> str | None:
    return ctx.site_stats.version if ctx.site_stats else None


def _paths(step: str, cfg: CleanConfig) -> list[bool]:
    return [step == DECODE or step in cfg.stages, step == DECODE or step in cfg.html_stages]


@lru_cache(maxsize=32)
def step_reads(step: str, sources: tuple[tuple[str, str], ...]) -> dict:
    """The library modules a built-in step's code may run (its module and what that imports,
    transitively; decoding leaves the stage modules out), their digest, and which config
    fields, rules and site statistics they name. Naming is enough: a field named in a
    comment counts, which can only rerun more than needed, never less."""
    code = dict(sources)
    root = "newsclean.pipeline.clean" if step == DECODE else STAGES[step].__module__
    skip = {m for m in code if m.startswith("newsclean.pipeline.stages.")} if step == DECODE else set()
    modules = _closure(root, code, skip)
    text = "\n".join(code[m] for m in modules if m != "newsclean.pipeline.core.config")
    words = set(re.findall(r"\w+", text))
    h = hashlib.sha256()
    for m in modules:
        h.update(m.encode() + b"\0" + code[m].encode() + b"\0")
    return {"code": h.hexdigest()[:16], "fields": [f for f in _all_fields() if f in words],
            "rules": "rules" in words, "site_stats": "site_stats" in words}


def _closure(root: str, code: dict[str, str], skip: set[str]) -> list[str]:
    seen, todo = set(), [root]
    while todo:
        name = todo.pop()
        if name in seen or name not in code or name in skip:
            continue
        seen.add(name)
        todo.extend(_imports(name, code[name], code))
    return sorted(seen)


FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
PLAIN_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)


def _imports(name: str, source: str, code: dict[str, str]) -> list[str]:
    """The library modules a module imports (at the top or inside a function): its import
    statements read as text (a regex over the lines: parsing every module costs more)."""
    is_package = any(other.startswith(name + ".") for other in code)
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for dots, module, names in FROM_IMPORT.findall(source):
        base = module
        if dots:
            parts = package.split(".")[: len(package.split(".")) - len(dots) + 1]
            base = ".".join(parts + ([module] if module else []))
        found.append(base)
        found.extend(f"{base}.{n.split()[0]}" for n in re.split(r"[,\s]+as\s+\w+|,", names.strip("()")) if n.strip())
    for names in PLAIN_IMPORT.findall(source):
        found.extend(n.split()[0] for n in names.split(",") if n.strip())
    return [m for m in found if m in code]
