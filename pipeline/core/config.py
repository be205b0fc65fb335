"""CleanConfig: every switch of the pipeline, with its default and why one would change it.

One frozen object, defaults in code, one operator file (TOML) overrides it, unknown keys
are an error. ``digest()`` is stamped on every output so that a stale output is known.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, fields, replace

from newsclean.pipeline.core.errors import ConfigError
from newsclean.pipeline.core.stage_refs import is_user_stage, resolve

STAGES = ("encoding", "residue", "boilerplate", "captions", "metadata", "normalize")
HTML_EXTRACTORS = ("ensemble", "trafilatura")


LINK_KEYS = ("dedup", "dedup_jaccard", "dedup_containment", "dedup_min_shingles")


@dataclass(frozen=True)
class CleanConfig:
    # --- the pipeline -------------------------------------------------------------------
    stages: tuple[str, ...] = STAGES
    """Order of the stages after decoding and segmentation. Remove one to switch it off
    (e.g. drop "boilerplate" to only repair encoding and normalise). A stage of your own is
    named "module:function" (docs/stages.md)."""

    html_stages: tuple[str, ...] = ("encoding", "residue", "boilerplate", "metadata", "normalize")
    """Order of the stages for HTML inputs (after trafilatura). "residue" removes what
    trafilatura leaves and moves figure captions; the text "captions" stage is left out
    because its credit patterns ("(Men's/Women's)") take list items and subheadings of
    extracted HTML for captions more often than real captions."""

    html_skip_rules: tuple[str, ...] = ("bp.other-story-headline", "bp.copyright", "bp.affiliate", "bp.contributed-report",
                                       "bp.newsletter-box")
    """Text rules not applied to HTML inputs: in a text scrape a line such as "Step 2:
    Consider Colour" may be another story's headline, in extracted HTML it is a subheading;
    copyright, affiliate, contribution and newsletter lines are taken by the HTML rules
    (rules/html_residue.toml), whose literal-led patterns cost less on long paragraphs.
    Each must be the id of a text rule of a general pack: an unknown id (a typo) is an error
    naming it and the closest id."""

    shards: int = 8
    """Number of output part files. More shards give more parallelism and cheaper
    single-article rebuilds; changing it reshuffles every article (a full rebuild). At most
    1,000 (``MAX_SHARDS``): each shard is a Luigi task with its own part, plan and state
    files, and scheduling grows faster than their number (a run of one article took 66 s
    with 1,000 shards, did not end in 400 s with 2,000; 10**9 took 7.8 GB in 30 s)."""

    sniff_html: bool = True
    """Clean a text input (``.txt``, a JSONL record's ``text``) that is in fact an HTML
    document (it opens with ``<!DOCTYPE html``, ``<html`` or an XML declaration before one)
    through the HTML path, as scrapers that save pages under ``.txt`` would want;
    ``source.format`` says "html". Off: such inputs are cleaned as the lines they are."""

    # --- encoding repair (ftfy) -----------------------------------------------------------
    fix_encoding: bool = True
    """Repair mojibake with ftfy: every repair ``ftfy.fix_text`` makes, the text's own
    typographic quotes kept (no uncurling, width or normal-form changes here). Switch off
    for text known to be clean to save time."""

    fix_latin_ligatures: bool = True
    """With ``fix_encoding``, turn Latin ligatures and single-code-point digraphs into their
    letters ("ﬁ" to "fi", "ŉ" to "ʼn", "ǌ" to "nj"), as ftfy does by default: they come from
    PDF and typesetting copy, and a search for "find" misses "ﬁnd". Switch off for text that
    means them (a linguistics corpus)."""

    unescape_html: bool = False
    """Turn HTML entities (&amp;) into characters. Off by default: plain-text scrapes rarely
    carry entities and a literal "&amp;" may be the article's own text."""

    unwrap_lines: bool = True
    """Join the lines of a hard-wrapped paragraph into one block (``lynx -dump``, ``w3m``,
    html2text, e-mail and wire copy: lines of one width, broken in the middle of sentences),
    each line logged as a ``seg.unwrap`` edit. A text whose lines do not stop at one width, or
    whose lines end like sentences, is left line by line."""

    read_markdown: bool = True
    """Read a text input written in Markdown (a scraper's ``# Headline``, links and images,
    ``**bold**``: at least three lines with a link or an image) as plain lines: heading
    markers, link targets, images' URLs and bold marks go, each line changed logged as a
    ``seg.markdown`` edit (``ingest/markdown.py``)."""

    strip_link_markers: bool = True
    """Remove ``lynx -dump``'s link markers ("the [5]weather department") from a text that ends
    with lynx's "References" list of numbered URLs, each block changed logged as a ``seg.lynx``
    edit (``ingest/lynx.py``)."""

    # --- boilerplate --------------------------------------------------------------------
    sentence_min_words: int = 6
    """A block reads as a sentence when it has at least this many words and ends with
    terminal punctuation (closing quotes and brackets allowed after it)."""

    long_block_words: int = 25
    """A block this long counts as running text even without terminal punctuation."""

    unmarked_sentence_words: int = 15
    """In Thai and Lao, which end a sentence with no mark, a block of at least this many words
    (counted as ``words`` counts them: about four letters a word) reads as a sentence; a
    headline or a label is shorter."""

    title_min_words: int = 4
    """A headline has at least this many words; shorter lead lines are site chrome."""

    drop_lead: bool = True
    """Drop the lines before the headline (site chrome, dates of the day, menus)."""

    drop_tail: bool = True
    """Drop the non-sentence lines after the last body paragraph (share bars, 'Popular
    Articles', comment forms). Bylines there go to metadata instead."""

    classify_blocks: bool = True
    """Run the learned block classifier (pipeline/rules/models/blocks.json) after the rules:
    it drops blocks it scores as clearly not article text and flags the doubtful ones.
    Switch off to keep only the rules and the position heuristics."""

    regex_timeout: float = 1.0
    """Seconds a rule may run on one block: a safety net under ``regex_budget``, which
    bounds the same work the same way on every machine. A timeout rejects the article
    (reject.regex-timeout, naming the rule), never cleans it differently."""

    regex_budget: int = 5_000_000
    """Pattern work one article may take: for every pattern run on a block (the rules that
    the cheap literal and prefix tests leave), the block's characters, summed. An article
    past it is rejected (reject.regex-budget, naming the rule that would pass it) on every
    machine alike. The cheap tests leave few patterns to run: the largest dev articles take
    130,000 (0: no bound)."""

    # --- normalisation ------------------------------------------------------------------
    normalize_nfc: bool = True
    """Compose characters to Unicode NFC (é as one code point), as most NLP tools expect."""

    replace_odd_spaces: bool = True
    """Turn no-break, thin, ideographic and other odd spaces into a plain space."""

    remove_zero_width: bool = True
    """Remove zero-width spaces, soft hyphens and BOMs inside text, and zero-width joiners and
    non-joiners that join nothing (beside a space, punctuation or a line's edge). Between two
    letters, marks or symbols a joiner stays: it spells Persian and Urdu words ("می‌گویند"),
    picks Indic and Sinhala conjuncts ("ශ්‍රී") and makes one emoji of several ("👨‍👩‍👧")."""

    remove_control_chars: bool = True
    """Remove C0/C1 control characters other than tab (invisible, break tokenisers)."""

    collapse_spaces: bool = True
    """Collapse runs of spaces and tabs inside a block to one space."""

    strip_trailing_space: bool = True
    """Strip space at the start and end of each block."""

    # --- limits ---------------------------------------------------------------------------
    max_input_bytes: int = 20_000_000
    """Inputs larger than this are rejected before decoding (a deterministic cap)."""

    max_line_chars: int = 200_000
    """A single line longer than this rejects the input: it is not an article."""

    max_lines: int = 20_000
    """An input with more lines than this (a text input's lines, an HTML page's extracted
    lines) is rejected before the stages run: the dev articles have at most 2,200."""

    max_html_bytes: int = 5_000_000
    """HTML pages larger than this (after decompression) are rejected before parsing:
    real article pages are well under 3 MB, larger ones are archives or traps."""

    max_html_elements: int = 30_000
    """HTML pages with more start tags than this are rejected before parsing
    (reject.html-too-many-elements): extraction cost grows faster than the page, and the
    dev pages have at most 10,500. With ``max_html_bytes`` and the parser's depth limit it
    bounds extraction the same way on every machine."""

    extract_timeout: float = 10.0
    """Seconds HTML extraction may take for one page before it is rejected
    (reject.extract-timeout; 0: no bound): a safety net under the deterministic caps above,
    which decide alike on every machine. Typical pages take 10-50 ms."""

    html_drop_lead: bool = False
    """``drop_lead`` for HTML inputs. Off: trafilatura already cut the page chrome, and what
    it keeps before the first sentence is a dek or a subheading more often than chrome."""

    html_drop_tail: bool = False
    """``drop_tail`` for HTML inputs. Off: after trafilatura the lines after the last
    sentence are mostly the article's own lists and closing lines; the residue stage and
    the rules remove the known tail boilerplate instead."""

    html_classify_blocks: bool = False
    """``classify_blocks`` for HTML inputs. Off: the block classifier learned full-page text
    scrapes; on trafilatura's output it costs about a third of trafilatura's own time and
    takes as much article text as it removes (measured on the dev sets)."""

    html_extractor: str = "ensemble"
    """Which extractors decide what of an HTML page is the article. "ensemble":
    trafilatura (without its own readability/jusText comparison) and readability-lxml vote
    on each of the page's lines, and a small model (``rules/models/ensemble.json``) decides
    the lines only one of them keeps; better than either extractor on every dev set, at
    1.4-1.7x trafilatura's time. "trafilatura": trafilatura alone, as ``trafilatura.extract``
    (the fast mode, 1.1-1.2x its time), for large crawls where time matters more than the
    last points of quality. See docs/evaluation.md and docs/performance.md."""

    html_min_chars: int = 250
    """When trafilatura extracts fewer characters than this, its baseline extractor is
    tried and kept if it finds more (``source.extractor`` says which was used)."""

    # --- near-duplicates (pipeline/output/dedup.py; the Dedup task after the shards) -----------
    dedup: bool = True
    """Link near-duplicate records (``duplicate_of`` and a ``dup.*`` change; nothing is
    dropped). Off: every record's ``duplicate_of`` is null and no index is kept."""

    dedup_jaccard: float = 0.5
    """Two records are copies when the Jaccard similarity of their word 5-gram sets (on the
    cleaned body) is at least this (a copy with a changed paragraph or another ending)..."""

    dedup_containment: float = 0.8
    """... or when this share of the smaller record's 5-grams is in the larger one (a
    shortened copy). Lower it to link looser rewrites, at the price of linking stories
    that quote one long statement."""

    dedup_min_shingles: int = 30
    """Records with fewer word 5-grams than this (about 34 words) are never linked: short
    texts (briefs, stubs, caption-only pages) are alike on unrelated pages. The ``dedup*``
    keys are not in ``digest()`` (a changed threshold relinks the records, it does not clean
    them again); they are in the links' digest, the manifest's ``pipeline.dedup_digest``."""

    def digest(self) -> str:
        """The digest of every key that changes how one article is cleaned (stamped on
        every record); the ``dedup*`` keys are left out: they are in the links' digest
        (``newsclean.pipeline.output.dedup.Params.digest``, the manifest's ``pipeline.dedup_digest``)."""
        data = {k: v for k, v in self.to_json().items() if k not in LINK_KEYS}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        d = asdict(self)
        d["stages"] = list(self.stages)
        d["html_stages"] = list(self.html_stages)
        d["html_skip_rules"] = list(self.html_skip_rules)
        return d


# limits that reject every input at 0 (the others take 0: no bound, or no minimum)
AT_LEAST_ONE = ("shards", "regex_timeout", "max_input_bytes", "max_line_chars", "max_lines", "max_html_bytes",
                "max_html_elements", "dedup_min_shingles")


MAX_SHARDS = 1000  # see CleanConfig.shards
AT_MOST = {"shards": MAX_SHARDS}  # upper bounds


def check_number(key: str, value, kind: type) -> int | float:
    """A number of the key's kind (a whole number for an int key: ``shards = 2.5`` is refused,
    not truncated), never negative, above 0 for the keys of ``AT_LEAST_ONE`` and at most
    the bound of ``AT_MOST``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{key} must be a number, got {value!r}")
    if kind is int and not isinstance(value, int):
        raise ConfigError(f"{key} must be a whole number, got {value!r}")
    if key in AT_LEAST_ONE and value <= 0 or value < 0:
        raise ConfigError(f"{key} must be {'above 0' if key in AT_LEAST_ONE else 'at least 0'}, got {value!r}")
    if key in AT_MOST and value > AT_MOST[key]:
        raise ConfigError(f"{key} must be at most {AT_MOST[key]:,}, got {value:,} (docs/configuration.md#{key})")
    return kind(value)


def check_stages(key: str, value) -> tuple[str, ...]:
    """A stage list: built-in names and user stages (``"module:function"``, imported here so
    that a name that does not import is one clear error when the config is read)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(s, str) for s in value):
        raise ConfigError(f"{key} must be a list of stage names, got {value!r}")
    bad = [s for s in value if s not in STAGES and not is_user_stage(s)]
    if bad:
        raise ConfigError(f"unknown stages: {bad} (known: {list(STAGES)}, or 'module:function' for a user stage)")
    if len(set(value)) != len(value):
        raise ConfigError(f"{key} names a stage twice: {list(value)}")
    for name in value:
        if is_user_stage(name):
            resolve(name)
    return tuple(value)


RULE_ID_KEYS = ("html_skip_rules",)  # the keys whose value is a list of rule ids (of the general text rules)


def check_rule_ids(config: CleanConfig, known: Collection[str]) -> None:
    """ConfigError naming the first id of a ``RULE_ID_KEYS`` list that is not a general text
    rule's (``known``), and the closest known id: a typo would leave the rule applied."""
    for key in RULE_ID_KEYS:
        for rid in getattr(config, key):
            if rid not in known:
                close = difflib.get_close_matches(rid, sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(f"{key}: unknown rule id {rid!r}{hint}: not a text rule of the general packs "
                                  "(pipeline/rules/*.toml)")


def config_from_mapping(data: dict, base: CleanConfig | None = None) -> CleanConfig:
    """Override defaults from a mapping (an operator file); unknown keys are an error."""
    base = base or CleanConfig()
    known = {f.name: f for f in fields(CleanConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown config keys: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    values = {}
    for key, value in data.items():
        default = getattr(base, key)
        if key == "html_skip_rules":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"html_skip_rules must be a list of rule ids, got {value!r}")
            value = tuple(value)
        elif key in ("stages", "html_stages"):
            value = check_stages(key, value)
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{key} must be true or false, got {value!r}")
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            value = check_number(key, value, type(default))
        values[key] = value
    if values.get("html_extractor", base.html_extractor) not in HTML_EXTRACTORS:
        raise ConfigError(f"html_extractor must be one of {', '.join(HTML_EXTRACTORS)}, got {values['html_extractor']!r}")
    for key in ("dedup_jaccard", "dedup_containment"):
        if not 0 < values.get(key, getattr(base, key)) <= 1:
            raise ConfigError(f"{key} must be above 0 and at most 1")
    return replace(base, **values)
