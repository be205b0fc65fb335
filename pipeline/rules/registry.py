"""Every rule id the pipeline can write in a change log, with its category and description.

Rule packs (``bp.*``) describe themselves in TOML; the ids of the boilerplate stage's
heuristics (``pos.*``, ``clf.blocks``, ``site.repeated``: ``HEURISTICS``), of the other
stages and of the ingest checks are described here. The report, ``stats`` and ``show`` look ids up in one place, and
a test checks that every id written anywhere in ``pipeline/`` is described.
"""
from __future__ import annotations

from dataclasses import dataclass

from newsclean.pipeline.rules.ruleset import RuleSet
from newsclean.pipeline.core.stage_refs import USER_PREFIX, descriptions as user_descriptions

USER_CATEGORY = "user"


@dataclass(frozen=True)
class RuleInfo:
    id: str
    category: str
    description: str
    origin: str  # "rule pack <file>", "heuristic", "stage", "ingest", "unknown"
    pattern: str | None = None
    scope: str | None = None
    examples_match: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()


# the boilerplate stage's own rule ids -> (category, description)
HEURISTICS = {
    "pos.before-headline": ("site_chrome", "A line before the headline: site chrome, menus, the date of the day."),
    "pos.after-body": ("site_chrome", "A non-sentence line after the last body paragraph: share bars, "
                       "related headlines, author boxes, comment forms, footers."),
    "pos.list-date": ("related", "A bare date of a list of stories between the headline and the body (dates of "
                      "two different days there): the list's, not the article's published date."),
    "pos.headline-repeat": ("headline", "The headline again (breadcrumb, share text, sticky header): the title "
                            "is taken once by the metadata stage."),
    "pos.author-bio": ("author_bio", "A line after the body that starts with the author's name: the author box."),
    "clf.blocks": ("classifier", "The block classifier scored the block as not article text (its score "
                   "is in the change): not sentence-like and among menus, lists or other non-article blocks."),
    "site.repeated": ("site_chrome", "A line the article's site repeats across otherwise different articles "
                      "(site statistics, `newsclean sitestats`): menus, footers, promos. Never long sentence-like text."),
    "pos.duplicate": ("duplicate", "A block whose text another kept block repeats (a gallery's captions, a teaser "
                      "shown twice, a pull quote): the copy inside the article body stays, else the first."),
    "pos.intro-list": ("intro_list", "An item of the bulleted list under a line a rule dropped as its intro "
                       "(a rule with takes_list; the line ends with a colon): a comment policy's 'will be deleted "
                       "if it:' list, a sign-up box's benefits. The intro's rule and line are in the change "
                       "(detail.intro_rule, detail.intro_line)."),
    "pos.author-role": ("author_bio", "A role with no name after the body ('Freelance Journalist'): the author box."),
}


# id -> (category, origin, description)
BUILTIN = {
    "enc.ftfy": ("encoding", "stage", "Mojibake (and Latin ligatures) repaired with ftfy, the block's own quotes kept; ftfy's explanation (the steps it applied) is in detail."),
    "cap.credit": ("caption", "stage", "A photo caption (a line that ends in an agency or photographer credit) "
                   "moved out of the body into captions."),
    "cap.glued-credit": ("caption", "stage", "A photo credit glued to the end of a body paragraph (several sentences, "
                         "or a quotation): the credit moved into captions, the paragraph kept in the body without it."),
    "cap.title": ("caption", "stage", "A short title-like line right above a credited caption, moved into that caption's title."),
    "cap.label": ("caption", "stage", "A line opened by a screen reader's caption label ('Image caption ...', "
                  "'Media caption ...'), or 'Image:' before a sentence: the caption's text moved into captions, the label "
                  "left out."),
    "cap.lead-image": ("caption", "stage", "A short non-sentence line under the byline, before the body: the lead "
                       "image's caption, moved into captions."),
    "meta.title": ("metadata", "stage", "The headline, taken out of the body into title."),
    "meta.byline": ("metadata", "stage", "A byline ('By Jane Doe', or a lone name beside the headline or under the "
                    "body), taken out of the body into authors."),
    "meta.date": ("metadata", "stage", "A date line before the body, taken into published."),
    "clf.unsure": ("classifier", "stage", "Kept, but the block classifier was unsure (its score is in detail): "
                   "a line to look at when tuning."),
    "norm.text": ("normalize", "stage", "Unicode and white-space normalisation (NFC, odd spaces, zero-width and "
                  "control characters, space runs); the count per switch is in detail."),
    "norm.empty": ("empty", "stage", "A line with nothing visible left after normalisation."),
    "dup.near-copy": ("duplicate", "stage", "A near-copy of another record (the canonical of its group, in detail "
                      "with the Jaccard similarity and containment of their word 5-grams); linked in duplicate_of, "
                      "nothing dropped."),
    "dup.contained": ("duplicate", "stage", "Most of this record's word 5-grams are in another one, or it holds most of "
                      "another's (a shortened or extended copy): linked in duplicate_of to its group's canonical, "
                      "nothing dropped."),
    "seg.unwrap": ("segment", "ingest", "A line of a hard-wrapped paragraph (lynx -dump, w3m, html2text, e-mail and "
                   "wire copy: lines of one width broken inside sentences), joined with the paragraph's other lines into "
                   "one block numbered by its first line: the line in before, the paragraph in the first line's after "
                   "(empty in the others'), its first and last line and the width in detail."),
    "seg.markdown": ("segment", "ingest", "A line of a Markdown scrape (Firecrawl, Jina Reader, crawl4ai, html2text) "
                     "made plain: heading markers, link targets, images' URLs, bold and code marks removed (an edit, the "
                     "plain line in after), or a line of markup alone (an image without text) dropped."),
    "seg.lynx": ("segment", "ingest", "A block of a lynx -dump (a text ending with lynx's References list of "
                 "numbered URLs) without the '[n]' link markers before its link texts; the block in before, the text "
                 "without them in after."),
    "enc.stray-bytes": ("encoding", "ingest", "A UTF-8 input with a few stray bytes is read as UTF-8, each stray byte "
                        "replaced by U+FFFD (encoding utf-8-replace): one edit per line that a cp1252 reading gives "
                        "otherwise, that reading in before; the stray bytes of the line in detail."),
    "reject.too-large": ("reject", "ingest", "The input is larger than max_input_bytes."),
    "reject.empty": ("reject", "ingest", "The input holds no visible text."),
    "reject.binary": ("reject", "ingest", "The input looks binary: too many control or undecodable characters."),
    "reject.long-line": ("reject", "ingest", "A single line is longer than max_line_chars (a minified page, not an article)."),
    "reject.regex-timeout": ("reject", "ingest", "A rule's pattern ran over regex_timeout seconds on a block (the "
                             "rule is named): the wall-clock safety net under regex_budget."),
    "reject.regex-budget": ("reject", "ingest", "The article's pattern work (each block's characters times the patterns "
                            "run on it) would pass regex_budget; the rule that would pass it is named."),
    "reject.too-many-lines": ("reject", "ingest", "The input has more lines than max_lines (a text input's lines, an "
                              "HTML page's extracted lines)."),
    "reject.html-too-many-elements": ("reject", "ingest", "The HTML page has more start tags than max_html_elements."),
    "reject.error": ("reject", "ingest", "An unexpected error while cleaning this input (a bug: please report it)."),
    "reject.unreadable": ("reject", "ingest", "The input file could not be read."),
    "reject.bad-sidecar": ("reject", "ingest", "The input's .meta.json sidecar is not valid JSON (UTF-8, -16 or -32), or a field of it "
                           "is not a string (authors: a string or a list of strings)."),
    "reject.outside-raw": ("reject", "ingest", "A symlink that points outside the raw folder (not followed)."),
    "reject.duplicate-id": ("reject", "ingest", "Another input already holds this id (the first by path keeps it)."),
    # HTML and record inputs (pipeline/ingest/inputs.py, ingest/html_extract.py, stages/residue.py)
    "meta.title-repeat": ("metadata", "stage", "The headline repeated at the top of an HTML page's text (equal to the "
                          "page's title, or its core without the site name), taken into title."),
    "html.dek": ("headline", "stage", "The standfirst (dek) of an HTML page: a heading of a sentence or so right "
                 "under the repeated headline, before the first paragraph."),
    "cap.figcaption": ("caption", "stage", "A block of an HTML page that is one of its <figcaption> texts, moved "
                       "into captions (credit split off)."),
    "cap.photo-credit": ("caption", "stage", "A short paragraph of an HTML page that ends in a photo credit "
                         "(Getty, Reuters, 'Photo:'), moved into captions."),
    # what an HTML page's extractors left out (ingest/html_extract.py, classify/ensemble.py): stage "extract"
    "ext.not-extracted": ("extractor", "extractor", "A line of an HTML page (one of its visible text blocks) that the "
                          "extractor left out: neither trafilatura nor readability-lxml kept it (trafilatura alone "
                          "with html_extractor = \"trafilatura\"); menus, sidebars, footers, related lists, comments. "
                          "detail: the share of the line in each extractor's output."),
    "ext.outvoted": ("extractor", "extractor", "A line of an HTML page that one extractor kept and the other left "
                     "out, and the vote (rules/models/ensemble.json) left out; detail: the share of the line in "
                     "each extractor's output and the vote's probability that it is article text."),
    "reject.bad-gzip": ("reject", "ingest", "A .gz input cannot be decompressed, or decompresses to more than max_input_bytes."),
    "reject.bad-record": ("reject", "ingest", "A JSONL line is not a JSON object, or has neither an 'html' nor a 'text' string."),
    "reject.html-too-large": ("reject", "ingest", "The HTML page is larger than max_html_bytes."),
    "reject.extract-timeout": ("reject", "ingest", "HTML extraction ran over extract_timeout seconds: the "
                               "wall-clock safety net under the deterministic caps (bytes, elements, depth)."),
    "reject.user-stage": ("reject", "ingest", "A user stage (config 'stages' entry 'module:function') raised, "
                          "or broke the stage contract: a rule id outside 'user.', or a line changed or removed "
                          "without a Change; the reason names the stage."),
    "reject.no-record": ("reject", "ingest", "A JSONL or WARC file that holds no record to clean (blank lines only; "
                         "no HTML response among its WARC records): logged so that it does not vanish."),
    "reject.warc-status": ("reject", "ingest", "A WARC response whose HTTP status is not 2xx (a 404 page, a redirect): "
                           "not the article."),
    "reject.bad-name": ("reject", "ingest", "The input's path under raw/ is not valid UTF-8: it cannot be named in "
                        "the output (rename the file)."),
    "reject.html-too-deep": ("reject", "ingest", "The HTML page nests elements 256 levels deep or more, where the "
                             "parser stops and drops the rest of the page."),
}


EXTRACTOR_PREFIX = "ext."  # rule ids of what an HTML extractor left out (stage "extract")


def describe_rules(rules: RuleSet, stages: tuple[str, ...] = ()) -> dict[str, RuleInfo]:
    """Every known rule id, sorted: rule packs, heuristics, the built-in ids, and the ids the
    user stages among ``stages`` describe (their function's ``rules`` attribute)."""
    out = {rid: RuleInfo(rid, USER_CATEGORY, desc, f"user stage {stage}")
           for rid, (desc, stage) in user_descriptions(stages).items()}
    out.update({rid: RuleInfo(rid, cat, desc, origin) for rid, (cat, origin, desc) in BUILTIN.items()})
    out.update({rid: RuleInfo(rid, cat, desc, "heuristic") for rid, (cat, desc) in HEURISTICS.items()})
    for rule in rules.by_id().values():
        out[rule.id] = RuleInfo(rule.id, rule.category, rule.description, f"rule pack {rule.source}",
                                rule.pattern, rule.scope, rule.examples_match, rule.examples_keep)
    return dict(sorted(out.items()))


def lookup(registry: dict[str, RuleInfo], rule_id: str) -> RuleInfo:
    """The rule's description; an id that no longer exists (an older run) says so. An
    extractor's id (``ext.*``, stage ``extract``) or a user stage's (``user.*``) not described
    here is the extractor's or that stage's."""
    if rule_id not in registry and rule_id.startswith(EXTRACTOR_PREFIX):
        return RuleInfo(rule_id, "extractor", "Left out by the HTML extractor: a visible text block of the "
                        "page that the extracted article does not hold.", "extractor")
    if rule_id not in registry and rule_id.startswith(USER_PREFIX):
        return RuleInfo(rule_id, USER_CATEGORY, "A rule of a user stage (a config 'stages' entry 'module:function') "
                        "that does not describe it.", "user stage")
    return registry.get(rule_id) or RuleInfo(rule_id, "unknown", "Not described: a rule of another version "
                                             "of newsclean, or one that was removed.", "unknown")
