"""Review: the fate of every raw line of an article, and corpus-wide tallies.

Pure: a corpus record, its change-log record and (when the raw file can still be read)
the raw lines in; an ArticleView out. What the report, ``show`` and ``stats`` display is
computed here from the changes, never counted on the side.

A line's fate is decided by its last ``drop``/``move``/``extract`` change, else by the block
it became; ``edit`` changes are kept in order as (rule, before, after) steps:

    kept      the line is a body block, as it was (``flags``: a stage kept it but was unsure)
    edited    the line is a body block, changed by encoding repair or normalisation
    dropped   removed by a rule (the change log keeps its text)
    left_out  left out of an HTML page by the extractor (stage ``extract``, rule ``ext.*``)
    caption   moved into ``captions``
    metadata  taken into ``title``, ``authors`` or ``published``
    blank     nothing visible (never a block)
    rejected  the whole input was set aside
    missing   visible, yet neither a block nor any change's line: a broken output
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from newsclean.pipeline.rules.registry import RuleInfo, lookup
from newsclean.pipeline.ingest.segment import is_visible

FATE_OF_ACTION = {"drop": "dropped", "move": "caption", "extract": "metadata"}
FATES = ("kept", "edited", "dropped", "left_out", "caption", "metadata", "blank", "rejected", "missing")
REMOVED = ("dropped", "left_out")  # the fates that count as removed text
EXTRACT_STAGE = "extract"  # HTML inputs: what the extractor left out of the page's visible text
NO_SITE = "(no site)"


@dataclass(frozen=True)
class Edit:
    rule: str
    before: str
    after: str


@dataclass(frozen=True)
class LineView:
    line: int
    raw: str
    fate: str
    rule: str | None = None  # the rule that dropped, moved or extracted it
    edits: tuple[Edit, ...] = ()
    final: str | None = None  # the text it ends as (block or before of the deciding change)
    kind: str | None = None  # the block's kind when kept
    field: str | None = None  # "title", "authors", "published" (metadata), "caption"
    flags: tuple[str, ...] = ()  # rules that kept the line but were unsure of it
    score: float | None = None  # the block classifier's probability of article text, when it judged the line


@dataclass(frozen=True)
class ArticleView:
    id: str
    status: str  # "cleaned" or "rejected"
    record: dict | None  # the corpus record (None when rejected)
    log: dict
    lines: tuple[LineView, ...]
    raw_from: str  # "raw file", "change log" (the raw file could not be read), ...
    reason: str | None = None  # why the input was rejected
    note: str = ""  # why the raw file could not be read
    reject_rule: str | None = None  # the rule that rejected it (reject.too-large, ...)

    @property
    def fates(self) -> Counter:
        return Counter(v.fate for v in self.lines)

    @property
    def visible_chars(self) -> int:
        return sum(len(v.raw.strip()) for v in self.lines if v.fate != "blank")

    @property
    def dropped_chars(self) -> int:
        """Characters on removed lines: dropped by a rule or left out by the extractor."""
        return sum(len(v.raw.strip()) for v in self.lines if v.fate in REMOVED)

    @property
    def removed_share(self) -> float:
        """Share of the visible raw characters on lines a rule dropped or the extractor left out."""
        total = self.visible_chars
        return self.dropped_chars / total if total else 0.0

    @property
    def site(self) -> str:
        return ((self.record or {}).get("site")) or NO_SITE

    @property
    def language(self) -> str | None:
        return (self.record or {}).get("language")

    @property
    def duplicate_of(self) -> str | None:
        """The id this article duplicates, when the corpus record says so (absent: None)."""
        return (self.record or {}).get("duplicate_of")


def lines_from_log(record: dict | None, log: dict) -> list[str]:
    """The raw lines as far as the outputs tell: the first ``before`` logged for a line, else
    the block's text. Exact for every visible line; blank lines come back empty."""
    text: dict[int, str] = {}
    for change in log["changes"]:
        if change["line"] > 0 and change["before"] is not None:
            text.setdefault(change["line"], change["before"])
    for block in (record or {}).get("blocks", ()):
        text.setdefault(block["line"], block["text"])
    return [text.get(i, "") for i in range(1, max(text, default=0) + 1)]


def article_view(record: dict | None, log: dict, raw_lines: list[str] | None = None, note: str = "",
                 raw_from: str | None = None) -> ArticleView:
    """Every raw line with its fate. ``raw_lines`` are the decoded (or extracted) lines of
    the input; without them the lines are rebuilt from the change log. ``raw_from`` says
    where the lines came from, ``note`` why the raw file could not be used."""
    raw_from = raw_from or ("raw file" if raw_lines is not None else "change log")
    if raw_lines is None:
        raw_lines = lines_from_log(record, log)
    if log["status"] == "rejected":
        reject = next((c for c in log["changes"] if c["action"] == "reject"), None)
        lines = tuple(LineView(i, text, "rejected" if is_visible(text) else "blank")
                      for i, text in enumerate(raw_lines, start=1))
        return ArticleView(log["id"], "rejected", None, log, lines, raw_from,
                           str(reject["detail"]) if reject else "rejected", note, reject["rule"] if reject else None)
    by_line: dict[int, list[dict]] = defaultdict(list)
    for change in log["changes"]:
        by_line[change["line"]].append(change)
    blocks = {b["line"]: b for b in (record or {}).get("blocks", ())}
    kept_scores = block_scores(record, log)
    # a line may be logged beyond the raw lines given (the raw file changed since the run)
    last = max([len(raw_lines), *blocks, *(n for n in by_line if n > 0)], default=0)
    raw_lines = list(raw_lines) + [""] * (last - len(raw_lines))
    lines = tuple(_line_view(i, raw_lines[i - 1], by_line.get(i, ()), blocks.get(i), kept_scores.get(i))
                  for i in range(1, last + 1))
    return ArticleView(log["id"], "cleaned", record, log, lines, raw_from, None, note)


def block_scores(record: dict | None, log: dict) -> dict[int, float]:
    """raw line -> the classifier's score of a body block (the change log's ``block_scores``,
    aligned with the record's blocks); empty for a log written before it had them."""
    scores = log.get("block_scores") or ()
    blocks = (record or {}).get("blocks", ())
    return {b["line"]: s for b, s in zip(blocks, scores) if s is not None}


def fate_of(change: dict) -> str:
    if change["action"] == "drop" and change.get("stage") == EXTRACT_STAGE:
        return "left_out"
    return FATE_OF_ACTION[change["action"]]


def _score(changes) -> float | None:
    """The classifier's score logged with a line's changes (a drop or an unsure flag)."""
    found = [c["detail"]["score"] for c in changes if isinstance(c.get("detail"), dict) and "score" in c["detail"]]
    return found[-1] if found else None


def _line_view(n: int, raw: str, changes, block: dict | None, kept_score: float | None = None) -> LineView:
    edits = tuple(Edit(c["rule"], c["before"], c["after"]) for c in changes if c["action"] == "edit")
    flags = tuple(c["rule"] for c in changes if c["action"] == "flag")
    deciding = [c for c in changes if c["action"] in FATE_OF_ACTION]
    score = _score(changes)
    if deciding:
        c = deciding[-1]
        detail = c.get("detail") if isinstance(c.get("detail"), dict) else {}
        field = detail.get("field") or ("caption" if c["action"] == "move" else None)
        return LineView(n, raw, fate_of(c), c["rule"], edits, c["before"], field=field, flags=flags, score=score)
    if block is not None:
        return LineView(n, raw, "edited" if edits else "kept", None, edits, block["text"], block["kind"], flags=flags,
                        score=kept_score if kept_score is not None else score)
    if edits:  # edited, then kept nowhere: should not happen, say so
        return LineView(n, raw, "missing", None, edits)
    return LineView(n, raw, "missing" if is_visible(raw) else "blank")


def changed_span(before: str, after: str) -> tuple[int, int, int]:
    """(p, b, a): ``before[:p]`` and ``after[:p]`` agree, as do ``before[b:]`` and ``after[a:]``;
    the edit is ``before[p:b]`` -> ``after[p:a]``."""
    p = 0
    while p < min(len(before), len(after)) and before[p] == after[p]:
        p += 1
    s = 0
    while s < min(len(before), len(after)) - p and before[-1 - s] == after[-1 - s]:
        s += 1
    return p, len(before) - s, len(after) - s


def visible(text: str) -> str:
    """White space and invisible characters made visible: a space as "·", others as U+XXXX."""
    return "".join("·" if ch == " " else f"⟨U+{ord(ch):04X}⟩" if ch.isspace() or not ch.isprintable() else ch
                   for ch in text)


# --- corpus-wide -------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleHit:
    article: str
    line: int
    action: str
    before: str | None
    after: str | None


def rule_hits(logs: list[dict]) -> dict[str, list[RuleHit]]:
    """rule id -> every change it made across the corpus (articles in the order given)."""
    hits: dict[str, list[RuleHit]] = defaultdict(list)
    for log in logs:
        for c in sorted(log["changes"], key=lambda c: c["line"]):
            hits[c["rule"]].append(RuleHit(log["id"], c["line"], c["action"], c["before"], c["after"]))
    return dict(hits)


@dataclass(frozen=True)
class HitGroup:
    """One distinct line a rule took, and every place it took it."""

    text: str
    hits: tuple[RuleHit, ...]

    @property
    def articles(self) -> int:
        return len({h.article for h in self.hits})


def group_hits(hits: list[RuleHit]) -> list[HitGroup]:
    """A rule's hits by distinct text (white space folded), longest first: a misfire (a
    sentence of an article taken for boilerplate) is long, and shows at the top."""
    groups: dict[str, list[RuleHit]] = defaultdict(list)
    for h in hits:
        groups[" ".join((h.before or "").split())].append(h)
    return sorted((HitGroup(text, tuple(found)) for text, found in groups.items()),
                  key=lambda g: (-len(g.text), g.text))


def category_counts(rules: dict[str, int], registry: dict[str, RuleInfo]) -> Counter:
    """Changes per category (the rule's category: ``share``, ``caption``, ``metadata``...)."""
    out: Counter = Counter()
    for rid, n in rules.items():
        out[lookup(registry, rid).category] += n
    return out


def histogram(shares: list[float], bins: int = 10) -> list[tuple[str, int]]:
    """Articles per bin of removed share: [("0-10%", n), ..., ("90-100%", n)]."""
    counts = [0] * bins
    for s in shares:
        counts[min(int(s * bins), bins - 1)] += 1
    step = 100 // bins
    return [(f"{i * step}-{(i + 1) * step}%", n) for i, n in enumerate(counts)]


@dataclass(frozen=True)
class SiteShare:
    site: str
    articles: int
    removed_share: float  # dropped characters over visible characters, all its articles


def site_shares(views: list[ArticleView]) -> list[SiteShare]:
    total: Counter = Counter()
    dropped: Counter = Counter()
    n: Counter = Counter()
    for v in views:
        if v.status != "cleaned":
            continue
        n[v.site] += 1
        total[v.site] += v.visible_chars
        dropped[v.site] += v.dropped_chars
    return sorted((SiteShare(s, n[s], dropped[s] / total[s] if total[s] else 0.0) for s in n),
                  key=lambda s: (-s.removed_share, s.site))


def category_shares(views: list[ArticleView], registry: dict[str, RuleInfo]) -> list[tuple[str, float]]:
    """Share of all visible raw characters (cleaned articles) that each category's rules
    removed, the largest first."""
    total = 0
    removed: Counter = Counter()
    for v in views:
        if v.status != "cleaned":
            continue
        total += v.visible_chars
        for line in v.lines:
            if line.fate in REMOVED and line.rule:
                removed[lookup(registry, line.rule).category] += len(line.raw.strip())
    return sorted(((cat, n / total) for cat, n in removed.items() if total), key=lambda kv: (-kv[1], kv[0]))


def score_histogram(views: list[ArticleView], bins: int = 10) -> list[tuple[str, int, int]]:
    """The classifier's scores in ``bins`` bins over [0, 1]: (label, lines kept, lines removed)."""
    kept, removed = [0] * bins, [0] * bins
    for v in views:
        for line in v.lines:
            if line.score is None:
                continue
            b = min(int(line.score * bins), bins - 1)
            (removed if line.fate in REMOVED else kept)[b] += 1
    return [(f"{i / bins:.1f}–{(i + 1) / bins:.1f}", kept[i], removed[i]) for i in range(bins)]
