"""The phases of the two functions issue 14 broke up: the boilerplate stage's verdicts
(pipeline/stages/boilerplate.py) and the page's metadata (pipeline/ingest/html_extract.py), each
phase on its own, with negative rows."""
from pathlib import Path

import pytest

from newsclean.pipeline.core.article import Article, Block, Source
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.html_extract import (
    head_tree, meta_tags, page_author, page_date, page_language, page_metadata, page_site, page_title, page_url
)
from newsclean.pipeline.stages.boilerplate import (
    classifier_hits, drop_after_classifier, drop_by_position, drop_changes, flag_changes, keep_repeats_in_body,
    keep_speaker_turns, match_rules, intro_lists, remove_boilerplate, speaker, tail_bylines, tail_verdict
)
from newsclean.pipeline.classify.blocks import local, page_language as blocks_language, tight_span
from newsclean.pipeline.rules.registry import HEURISTICS, describe_rules, lookup
from newsclean.pipeline.text.layout import Layout

CFG = CleanConfig()
SRC = Source(path="t.txt", sha256="0" * 64, format="text")


@pytest.mark.parametrize("text, verdict", [
    ("Jane Doe is a reporter covering city hall.", "pos.author-bio"),
    ("Freelance Journalist", "pos.author-role"),
    ("Share this article", "pos.after-body"),
    ("The council will meet again next week to vote on the final budget for the year.", None),
])
def test_tail_verdict(text, verdict):
    assert tail_verdict(text, {"Jane Doe"}, CFG) == verdict


def article(*lines):
    return Article(id="t", blocks=tuple(Block(i + 1, t) for i, t in enumerate(lines)), source=SRC)


BODY = "The council voted on Tuesday to close the old library after a long debate about its cost."


def test_rules_of_scope_any_drop_before_the_layout_is_found(ctx):
    verdicts = match_rules(article("Storm Hits The Coast Today", "Share on Facebook", BODY, BODY + " Again."), ctx)
    assert set(verdicts.dropped) == {1}
    assert verdicts.dropped[1].id.startswith("bp.") and verdicts.repeated == {}  # no site statistics


def test_the_stage_drops_by_position_and_logs_every_drop(ctx):
    result = remove_boilerplate(article("Home | News | Sport", "Storm Hits The Coast Today", BODY,
                                        BODY.replace("Tuesday", "Monday"), "Related stories", "Share on Facebook"), ctx)
    assert [b.text for b in result.article.blocks][:1] == ["Storm Hits The Coast Today"]
    drops = {c.before: c.rule for c in result.changes if c.action == "drop"}
    assert set(drops) == {"Home | News | Sport", "Related stories", "Share on Facebook"}
    assert drops["Home | News | Sport"] in ("pos.before-headline",) or drops["Home | News | Sport"].startswith("bp.")
    assert len(result.article.blocks) + len(drops) == 6


def test_tail_bylines_keep_the_name_that_signs_the_article(ctx):
    # headline 0, body 1-2, tail 3-5: a lone name first in the tail signs the article; a
    # name later in the tail signs it only when the author box below repeats it
    a = article("Storm Hits The Coast Today", BODY, BODY + " Again.", "Jane Doe", "Share this", "John Roe")
    assert tail_bylines(a, Layout(0, 1, 2), {}) == {3}
    assert tail_bylines(a, Layout(0, 1, 2), {3: "x"}) == set()  # a dropped line signs nothing
    b = article("Storm Hits The Coast Today", BODY, "Share this", "John Roe", "John Roe writes about storms.")
    assert tail_bylines(b, Layout(0, 1, 1), {}) == {3}
    assert tail_bylines(a, Layout(0, None, None), {}) == set()  # no body, no tail


def test_a_repeated_line_inside_the_body_is_kept_and_flagged(ctx):
    v = match_rules(article("Storm Hits The Coast Today", "Pros", BODY, "Pros", "Share this"), ctx)
    v.dropped = {1: "site.repeated", 3: "site.repeated"}
    v.repeated = {1: {"site_count": 9}, 3: {"site_count": 9}}
    keep_repeats_in_body(v, Layout(0, 2, 3))  # block 1 is in the head, block 3 in the body
    assert v.dropped == {1: "site.repeated"} and v.unsure == {3: {"site_count": 9}}
    flags = flag_changes(v, 0.0)
    assert [(c.rule, c.action, c.before, c.detail["kept"]) for c in flags] == \
        [("site.repeated", "flag", "Pros", "inside the article body")]


def test_drop_changes_log_every_drop_in_block_order_with_its_category(ctx):
    v = match_rules(article("Storm Hits The Coast Today", "Share on Facebook", BODY, "lorem ipsum dolor"), ctx)
    drop_by_position(v, Layout(0, 2, 2))
    v.scores = {3: 0.1234}
    changes = drop_changes(v)
    assert [c.line for c in changes] == [2, 4]
    assert changes[0].rule.startswith("bp.") and changes[1].rule == "pos.after-body"
    assert changes[1].detail == {"category": HEURISTICS["pos.after-body"][0], "score": 0.123}
    assert flag_changes(v, 0.5) == ()  # a block dropped is not flagged as well


def test_after_the_classifier_one_copy_stays_and_the_new_tail_goes(ctx):
    v = match_rules(article("Storm Hits The Coast Today", BODY, "lorem ipsum dolor", BODY, "sit amet"), ctx)
    drop_after_classifier(v)  # the classifier judged nothing: nothing more goes
    assert v.dropped == {}
    v.scores = {4: 0.9}
    drop_after_classifier(v)  # the second copy goes; the body now ends at block 1, so 2 and 4 are its tail
    assert v.dropped == {2: "pos.after-body", 3: "pos.duplicate", 4: "pos.after-body"}


HEAD = """<html lang="en-GB"><head><title>Storm hits coast | The Daily</title>
<meta property="og:title" content="Storm hits the coast">
<meta name="author" content="https://example.com/staff/jane">
<meta name="byl" content="@jane">
<meta name="dc.creator" content="Jane Doe">
<meta property="og:url" content="/relative/url">
<link rel="canonical" href="https://example.com/storm">
</head><body><time datetime="2024-03-05T10:00:00Z">5 March</time></body></html>"""


def test_meta_tags_keep_the_first_of_each_key():
    tags = meta_tags(head_tree(HEAD + '<meta property="og:title" content="Second">'))
    assert tags["og:title"] == "Storm hits the coast"
    assert meta_tags(None) == {}


def test_page_fields():
    tree = head_tree(HEAD)
    tags = meta_tags(tree)
    assert page_title(tags, tree) == "Storm hits the coast"
    assert page_title({}, tree) == "Storm hits coast"  # the <title> less the site's suffix
    assert page_author({"author": "https://x.com/a", "twitter:creator": "@a"}) is None  # a link, a handle
    assert page_date(tags, HEAD).startswith("2024-03-05")  # from <time datetime>
    assert page_date({}, "<p>no date</p>") is None
    assert page_url(tags, tree) == "https://example.com/storm"  # og:url is not a link: the canonical one
    assert page_language(tree) == "en"
    assert page_language(head_tree('<html lang="not a tag"><head></head></html>')) is None


def test_page_metadata_gives_only_what_the_page_has_and_the_record_url_wins():
    meta = page_metadata(head_tree(HEAD), HEAD, "https://record.example/storm")
    assert list(meta) == [k for k in ("title", "authors", "published", "site_name", "url", "language") if k in meta]
    assert meta["url"] == "https://record.example/storm" and "site_name" not in meta
    assert page_metadata(None, "", None) == {}


def test_page_site_takes_the_first_site_tag_that_is_not_a_handle():
    assert page_site({"og:site_name": "The Daily Example", "application-name": "Example App"}) == "The Daily Example"
    assert page_site({"twitter:site": "@dailyexample"}) is None  # a handle names an account, not the site
    assert page_site({"twitter:site": "@dailyexample", "application-name": "Example App"}) == "Example App"
    assert page_site({"og:title": "Storm hits the coast"}) is None  # no site tag


POLICY = ("A user comment will be deleted if it:", "* does not correspond with the subject of the post;",
          "* contains insults or threats against other users;", "* promotes spam or advertising;")


def test_a_dropped_intro_takes_the_bulleted_list_under_it(ctx):
    # the comment policy's intro ends with a colon and its rule takes lists: its items go with
    # it, each logged as pos.intro-list naming the intro's rule and line; the list ends at the
    # first line that is not an item
    a = article("Storm Hits The Coast Today", BODY, BODY + " Again.", *POLICY, "Terms of use apply to every page here.")
    result = remove_boilerplate(a, ctx)
    drops = {c.before: c for c in result.changes if c.action == "drop"}
    assert drops[POLICY[0]].rule == "bp.comment-policy"
    for item in POLICY[1:]:
        assert drops[item].rule == "pos.intro-list"
        assert drops[item].detail["intro_rule"] == "bp.comment-policy" and drops[item].detail["intro_line"] == 4
        assert drops[item].detail["category"] == HEURISTICS["pos.intro-list"][0]
    assert drops.get("Terms of use apply to every page here.") is None or drops[
        "Terms of use apply to every page here."].rule != "pos.intro-list"
    assert "pos.intro-list" in HEURISTICS


def test_only_a_dropped_takes_list_intro_ending_in_a_colon_takes_a_list(ctx):
    items = ["* The library will close in May.", "* Its books go to the school."]
    kept_intro = match_rules(article("Storm Hits The Coast Today", BODY, "The council decided three things:", *items), ctx)
    assert kept_intro.listed == {} and intro_lists(kept_intro.blocks, kept_intro.matched) == {}  # the article's own list
    no_colon = match_rules(article("Storm Hits The Coast Today", BODY, "Leave a Reply", *items), ctx)
    assert no_colon.dropped[2].id == "bp.comment-form-heading"
    assert no_colon.listed == {}  # a heading, not an intro
    other_rule = match_rules(article("Storm Hits The Coast Today", BODY, "Share this:", *items), ctx)
    assert not other_rule.dropped[2].takes_list  # share bars: lists under them are not taken
    assert other_rule.listed == {}
    intro = match_rules(article("Storm Hits The Coast Today", BODY, POLICY[0], *items), ctx)
    assert set(intro.listed) == {3, 4} and intro.dropped[3] == intro.dropped[4] == "pos.intro-list"
    # an item another rule drops stays that rule's
    shared = match_rules(article("Storm Hits The Coast Today", BODY, POLICY[0], items[0], "* Версия для печати"), ctx)
    assert set(shared.listed) == {3} and shared.dropped[4] != "pos.intro-list"


def test_a_listed_item_has_its_rule_ids_category_wherever_it_is_counted(ctx):
    # the run's manifest counts categories from each change's detail, ``newsclean stats`` and
    # the report from the registry by rule id: the two must agree for every id, here a sign-up
    # box's list (category subscribe for its intro) as well as a comment policy's
    signup = ("Register now for the following news alerts:", "* Daily news", "* Breaking news")
    a = article("Storm Hits The Coast Today", BODY, BODY + " Again.", *signup, *POLICY)
    drops = [c for c in remove_boilerplate(a, ctx).changes if c.action == "drop"]
    registry = describe_rules(ctx.rules)
    assert {c.detail["intro_rule"] for c in drops if c.rule == "pos.intro-list"} == {"bp.newsletter-box",
                                                                                      "bp.comment-policy"}
    assert [(c.before, c.detail["category"]) for c in drops] == [
        (c.before, lookup(registry, c.rule).category) for c in drops]


def test_the_items_a_comment_policy_takes_are_no_article_core(ctx):
    # a Russian agency's page (made up, in the shape of the real ones): its comment rules, four
    # sentences and sixteen items under "... будет удален, если он:", hold more running text than
    # the article. Counted as running text they were the classifier's article core, and the
    # article, far from it, was dropped. The items the policy's intro takes now read as its
    # category (comment_form), as the intro does, and the core is the article's paragraphs
    text = (Path(__file__).parent / "fixtures" / "langs" / "ru-comment-policy.txt").read_text(encoding="utf-8")
    v = match_rules(article(*text.splitlines()), ctx)
    hits = classifier_hits(v.matched, v.listed)
    items = [i for i, b in enumerate(v.blocks) if b.text.startswith("* ") and i > 30]
    assert len(items) == 16 and all(i in v.listed for i in items)
    assert all(hits[i] == "comment_form" for i in items)
    assert all(hits[i] is None or hits[i] == (v.matched[i].category if v.matched[i] else None)
               for i in range(len(hits)) if i not in v.listed)  # the other blocks: their own rule's
    locs = [local(b.text, blocks_language(v.blocks, ctx.config), ctx.config) for b in v.blocks]
    first, last = tight_span(locs, hits, [b.text for b in v.blocks])
    assert v.blocks[first].text.startswith("ТВЕРЬ, 4 янв") and v.blocks[last].text.startswith("Пожар на складе")
    cleaned = remove_boilerplate(v.article, ctx)
    kept = [b.text for b in cleaned.article.blocks]
    assert all(line in kept for line in text.splitlines()[20:25])  # the article's five paragraphs


@pytest.mark.parametrize("text, label", [
    ("Q: Where did the idea come from?", "q"), ("A: From my grandmother's letters.", "a"),
    ("JANE DOE: Never.", "jane doe"), ("— Вопрос: Когда выйдет книга?", "вопрос"),
    ("Mr. O'Neil: We will see.", "mr. o'neil"),
    ("The council decided three things: to close the library, to sell it and to move.", None),
    ("Updated 10:32: the vote is over.", None), ("note: lower case is no speaker", None),
    ("— Откуда взялась идея книги?", "—"), ("– Skąd pomysł na książkę?", "—"),
    ("- a list item in a naive scrape", None), ("—", None),
])
def test_speaker(text, label):
    assert speaker(text) == label


def test_an_interviews_last_turns_stay_with_its_kept_turns(ctx):
    lines = (Path(__file__).parent / "fixtures" / "langs" / "en-interview.txt").read_text(encoding="utf-8").splitlines()
    result = remove_boilerplate(article(*lines), ctx)
    kept = [b.text for b in result.article.blocks]
    turns = [line for line in lines if line[:3] in ("Q: ", "A: ")]
    assert len(turns) == 8 and all(t in kept for t in turns)  # the short last question and answer too
    assert "Read more interviews" not in kept and "© 2024 The Review" not in kept


def test_a_dash_dialogues_last_turns_stay(ctx):
    # Russian, Polish, Spanish or French interviews write their turns with dashes, unnamed:
    # the dialogue's kept turns count for two speakers', and its last question and answer stay
    lines = (Path(__file__).parent / "fixtures" / "langs" / "ru-interview.txt").read_text(encoding="utf-8").splitlines()
    result = remove_boilerplate(article(*lines), ctx)
    kept = [b.text for b in result.article.blocks]
    turns = [line for line in lines if line.startswith("— ")]
    assert len(turns) == 8 and all(t in kept for t in turns)
    assert "Читайте также другие интервью" not in kept and "© 2024 Обозрение" not in kept
    # three kept dash lines are no dialogue (a dash list): a fourth that was dropped stays dropped
    dash = ["— The library will close in May and its books will go to the school.",
            "— The council will sell the building to a developer.", "— Parents have started a petition."]
    v = _judged(ctx, ["Storm Hits The Coast Today", BODY, *dash, "— Read more: council news"], {5})
    keep_speaker_turns(v)
    assert v.dropped.get(5) == "clf.blocks"


def _judged(ctx, lines, dropped):
    """Verdicts as the classifier left them: every block scored, ``dropped`` (indexes) its drops."""
    v = match_rules(article(*lines), ctx)
    v.scores = {i: 0.1 if i in dropped else 0.9 for i in range(len(lines)) if i not in v.dropped}
    v.dropped.update((i, "clf.blocks") for i in dropped)
    return v


def test_a_speakers_dropped_turn_stays_only_next_to_kept_turns_of_two_speakers(ctx):
    q, a = "Q: Do you plan your novels?", "A: Never, I write to find out what I think."
    lines = ["Storm Hits The Coast Today", BODY, q, a, q, a, "Q: And now?", "A: Poetry.", "Tags: books, novels"]
    v = _judged(ctx, lines, {6, 7, 8})
    keep_speaker_turns(v)
    assert set(v.dropped) == {8}  # the last turns stay; the tag line is no speaker's
    # one speaker alone (a "Tags:" or "Photo:" label twice) is no interview
    v = _judged(ctx, ["Storm Hits The Coast Today", BODY, q, q, "A: Poetry."], {4})
    keep_speaker_turns(v)
    assert set(v.dropped) == {4}
    # a dropped line that is no turn ends the run: a turn past it stays dropped
    v = _judged(ctx, lines[:6] + ["Read more interviews", "Q: And now?"], {6, 7})
    keep_speaker_turns(v)
    assert set(v.dropped) == {6, 7}
    # a turn a rule dropped stays that rule's, and ends the run too
    v = _judged(ctx, lines[:6] + ["Share", "Q: And now?"], {7})
    assert v.dropped[6] != "clf.blocks"
    keep_speaker_turns(v)
    assert v.dropped[6] != "clf.blocks" and v.dropped[7] == "clf.blocks"


@pytest.mark.parametrize("intro", ["In today's newsletter:", "Stay informed with these five weather apps:",
                                   "Create an account on the tax office's portal, then:"])
def test_an_article_line_a_broad_rule_drops_does_not_take_the_articles_list(ctx, intro):
    # bp.newsletter-label (any three words then "newsletter", "stay informed with ...") and
    # bp.login-prompt ("create an account ...") match such article lines: the line goes, as
    # before, but its rule does not take lists, so the article's own items stay
    items = ("* The mayor says the building will be sold to a developer by the end of the year.",
             "* Parents have started a petition to keep the children's section open on weekends.")
    v = match_rules(article("Storm Hits The Coast Today", BODY, intro, *items, BODY + " Again."), ctx)
    assert v.dropped[2] != "pos.intro-list"  # the intro's own rule
    assert v.listed == {} and 3 not in v.dropped and 4 not in v.dropped
