"""The report's pages, rendered from review values with the jinja2 templates beside this file.

``render_site`` is pure: values in, ``{relative path: html}`` out; writing is the caller's.
"""
from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from markupsafe import Markup, escape
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from newsclean.pipeline.rules.registry import RuleInfo, lookup
from newsclean.pipeline.output.review import (
    ArticleView, category_counts, category_shares, changed_span, group_hits, histogram, rule_hits, score_histogram,
    site_shares, visible
)

from newsclean.tasks.folder.paths import safe_name
from newsclean.tasks.report.data import data_files, short_id
from newsclean.tasks.report.svg import Bar, bar_chart, pair_chart

MAX_GROUPS = 500  # distinct lines listed on a rule page (the longest); the page says how many more
MAX_PLACES = 8  # places linked per distinct line
MAX_SITES = 40  # bars in the per-site chart (the sites with the largest share removed)


def page_name(key: str) -> str:
    return safe_name(key) + ".html"


def article_href(article_id: str, prefix: str = "", line: int | None = None) -> str:
    """The article view (one page, drawn by its script from the data): ``article.html#a=ID``."""
    return f"{prefix}article.html#a={quote(article_id, safe='')}" + (f"&l={line}" if line else "")


def rule_href(rule_id: str, prefix: str = "") -> str:
    return f"{prefix}rules/{page_name(rule_id)}"


def diff(before: str, after: str | None) -> Markup:
    """``before`` with the changed part struck out and ``after``'s part inserted."""
    after = after or ""
    p, b, a = changed_span(before, after)
    return Markup(f"{escape(before[:p])}<del>{escape(visible(before[p:b]))}</del>"
                  f"<ins>{escape(visible(after[p:a]))}</ins>{escape(before[b:])}")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("newsclean.tasks.report", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["diff"] = diff
    env.filters["pct"] = lambda x: f"{100 * x:.0f}%"
    env.filters["short"] = short_id
    env.globals.update(article_href=article_href, rule_href=rule_href, MAX_PLACES=MAX_PLACES)
    return env


def _source(env: Environment, name: str) -> str:
    """A file beside the templates as it is, not rendered (the report's script)."""
    if env.loader is None:
        raise ValueError("the report's environment has no template loader")
    return env.loader.get_source(env, name)[0]


def render_site(views: list[ArticleView], manifest: dict, registry: dict[str, RuleInfo]) -> dict[str, str | bytes]:
    env = _environment()
    logs = [v.log for v in views]
    hits = rule_hits(logs)
    # counts of the last run from the manifest; the change logs when it has none
    rules = Counter(manifest.get("rules") or {r: len(h) for r, h in hits.items()})
    info = {rid: lookup(registry, rid) for rid in {*registry, *rules, *hits}}
    categories = category_counts(rules, registry)
    cleaned = [v for v in views if v.status == "cleaned"]
    sites = site_shares(cleaned)
    stamp: dict = manifest.get("pipeline") or (logs[0]["pipeline"] if logs else {})
    site = {"stamp": stamp, "raw": manifest.get("raw")}

    files: dict[str, str | bytes] = {"index.html": env.get_template("index.html").render(
        site=site, prefix="", counts=manifest.get("counts") or {}, views=views,
        rejected=_rejected(manifest, views),
        hist_chart=bar_chart([Bar(label, n, str(n)) for label, n in histogram([v.removed_share for v in cleaned])]),
        site_chart=bar_chart([Bar(s.site, s.removed_share, f"{100 * s.removed_share:.0f}%",
                                  title=f"{s.site} ({s.articles} articles)") for s in sites[:MAX_SITES]]),
        more_sites=max(0, len(sites) - MAX_SITES),
        rule_chart=bar_chart([Bar(rid, n, str(n), rule_href(rid), f"{rid}: {info[rid].description}")
                              for rid, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))]),
        category_chart=bar_chart([Bar(cat, n, str(n)) for cat, n in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))]),
        category_share_chart=bar_chart([Bar(cat, share, f"{100 * share:.1f}%")
                                        for cat, share in category_shares(cleaned, registry)]),
        score_chart=pair_chart(score_histogram(views)),
        rules=sorted(rules.items(), key=lambda kv: (info[kv[0]].category, kv[0])), info=info,
    )}
    files["article.html"] = env.get_template("article.html").render(site=site, prefix="")
    files.update(data_files(views, registry, stamp, rule_href))
    files["report.js"] = _source(env, "report.js")
    rule_tpl = env.get_template("rule.html")
    for rid in sorted(info):
        groups = group_hits(hits.get(rid, []))
        files[rule_href(rid)] = rule_tpl.render(site=site, prefix="../", rule=info[rid], count=rules.get(rid, 0),
                                                groups=groups[:MAX_GROUPS], more=max(0, len(groups) - MAX_GROUPS))
    files["rules.html"] = env.get_template("rules.html").render(site=site, prefix="", info=info, rules=rules)
    files["style.css"] = env.get_template("style.css").render()
    return files


def _rejected(manifest: dict, views: list[ArticleView]) -> list[dict]:
    """The manifest's rejections (duplicates included), else the rejected change logs."""
    logged = {v.id for v in views}
    rows = manifest.get("rejected") or [{"id": v.id, "rule": v.reject_rule, "reason": v.reason}
                                        for v in views if v.status == "rejected"]
    return [dict(r, rule=r.get("rule"), page=r["id"] in logged) for r in rows]

