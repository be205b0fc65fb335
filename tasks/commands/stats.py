"""``newsclean stats``: the last run's counts per rule and per category, as tables."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from newsclean.pipeline.rules.registry import RuleInfo, lookup
from newsclean.pipeline.output.review import category_counts

from newsclean.tasks.folder import read_back


def rule_rows(rules: dict[str, int], registry: dict[str, RuleInfo]) -> list[tuple[str, str, int, str]]:
    """(rule, category, changes, description), most changes first."""
    return [(rid, lookup(registry, rid).category, n, lookup(registry, rid).description)
            for rid, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))]


def category_rows(rules: dict[str, int], registry: dict[str, RuleInfo]) -> list[tuple[str, int]]:
    return sorted(category_counts(rules, registry).items(), key=lambda kv: (-kv[1], kv[0]))


def stats(out: str, registry: dict[str, RuleInfo], tsv: bool = False) -> int:
    manifest = read_back.manifest(out)
    rules = manifest.get("rules") or {}
    rows, cats = rule_rows(rules, registry), category_rows(rules, registry)
    if tsv:
        print("kind\tname\tcategory\tchanges")
        print("\n".join([f"rule\t{r}\t{c}\t{n}" for r, c, n, _ in rows] + [f"category\t{c}\t{c}\t{n}" for c, n in cats]))
        return 0
    console = Console(highlight=False)
    counts = manifest.get("counts") or {}
    console.print("last run: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                  + f" (pipeline {manifest['pipeline']['version']}, rules {manifest['pipeline']['rules_digest']})")
    table = Table(title="changes per rule", title_justify="left")
    for name in ("rule", "category", "changes", "what it does"):
        table.add_column(name, no_wrap=True, justify="right" if name == "changes" else "left")
    # one line per rule: the description is cut to the terminal's width (the report has it whole)
    room = max(20, console.width - max((len(r[0]) for r in rows), default=5) - max((len(r[1]) for r in rows), default=8) - 20)
    for rid, cat, n, desc in rows:
        table.add_row(rid, cat, str(n), desc if len(desc) <= room else desc[:room - 1] + "…")
    table.add_row("total", "", str(sum(rules.values())), "", style="bold")
    console.print(table)
    cat_table = Table(title="changes per category", title_justify="left")
    cat_table.add_column("category")
    cat_table.add_column("changes", justify="right")
    for cat, n in cats:
        cat_table.add_row(cat, str(n))
    console.print(cat_table)
    return 0
