"""Block classification: stop words and language, sentence features, the article core, the
model file, and real pages (tests/fixtures/pages, see its README for sources and licences)."""
import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.classify.blocks import (
    CONTEXT_FEATURES, FEATURES, Local, block_vectors, core_span, load_models, local, model_from_json
)
from newsclean.pipeline.text.predicates import words as word_count
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.rules.ruleset import RuleError
from newsclean.pipeline.ingest.segment import segment
from newsclean.pipeline.text.languages import guess_language, reader_address, stopword_density

CFG = CleanConfig()
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


@pytest.mark.parametrize("text, lang", [
    ("The minister said on Monday that the government would not raise taxes this year, and that it had no plans to.", "en"),
    ("El ministro dijo el lunes que el gobierno no subirá los impuestos este año y que no tiene planes para hacerlo.", "es"),
    ("Le ministre a déclaré lundi que le gouvernement n'augmenterait pas les impôts cette année et qu'il ne le prévoit pas.", "fr"),
    ("Der Minister sagte am Montag, dass die Regierung die Steuern in diesem Jahr nicht erhöhen werde und das auch nicht plane.", "de"),
    ("O ministro disse na segunda-feira que o governo não vai aumentar os impostos este ano e que não tem planos para isso.", "pt"),
    ("Il ministro ha detto lunedì che il governo non aumenterà le tasse quest'anno e che non ha intenzione di farlo.", "it"),
])
def test_guess_language(text, lang):
    assert guess_language([text] * 3) == lang


@pytest.mark.parametrize("texts", [[], ["Home", "News", "Sport"], ["東京で地震が発生しました。"]])
def test_guess_language_unsure(texts):
    assert guess_language(texts) is None


@pytest.mark.parametrize("text, lang, low, high", [
    ("The cat sat on the mat and it was happy.", "en", 0.4, 0.8),
    ("Home News Sport Weather Video", "en", 0.0, 0.01),
    ("Il gatto è sul tappeto e non si muove.", None, 0.3, 0.9),  # no page language: the text's best
    ("", "en", 0.0, 0.0),
])
def test_stopword_density(text, lang, low, high):
    assert low <= stopword_density(text, lang) <= high


@pytest.mark.parametrize("text, words", [
    ("one two three", 3),
    ("東京で地震が発生しました", 6),  # two CJK characters count as a word
    ("iPhone 15 発売", 3),
])
def test_word_count(text, words):
    assert word_count(text) == words


@pytest.mark.parametrize("text, good", [
    ("Officials said on Tuesday that the bridge would reopen next month.", True),
    ("“We talked all along about everything we wanted,” Lynn said.", True),  # closing quote after the stop
    ("Share this article on Facebook", False),
    ("Subscribe now", False),
    ("Read the full report at https://example.com/report and tell us what you think.", False),
])
def test_local_good(text, good):
    assert local(text, "en", CFG).good is good


def loc(words, good):
    return Local(words, good, 0.4 if good else 0.0, 0.1, False, good)


def test_core_span_is_the_dense_run_of_sentences():
    blocks = [loc(1, False)] * 5 + [loc(30, True), loc(2, False), loc(25, True), loc(40, True)] + [loc(2, False)] * 8 + [loc(12, True)]
    assert core_span(blocks) == (5, 8)
    assert core_span([loc(1, False)] * 3) is None


def test_vectors_follow_feature_order():
    blocks = segment("Home\nNews\nThe minister said on Monday that taxes would not rise.\n* Share", CFG)
    vectors = block_vectors(blocks, CFG, "en")
    assert len(vectors) == len(blocks) and all(len(v) == len(FEATURES) for v in vectors)
    assert vectors[3][FEATURES.index("bullet")] == 1.0 and vectors[2][FEATURES.index("terminal")] == 1.0


def test_model_file_is_valid_and_checked():
    model = io.load_rules().model("blocks")
    assert model is not None and 0 < model.drop_below <= model.flag_below < 1
    bad = '{"features": ["bias"], "weights": [1], "context_features": [], "context_weights": [], "drop_below": 0.1, "flag_below": 0.2}'
    with pytest.raises(RuleError, match="models/blocks.json: bad model"):
        load_models([("models/blocks.json", bad)])
    with pytest.raises(ValueError, match="wrong number of weights"):
        model_from_json("m", {"features": list(FEATURES), "weights": [0.0], "context_features": list(CONTEXT_FEATURES),
                              "context_weights": [0.0] * len(CONTEXT_FEATURES), "drop_below": 0.1, "flag_below": 0.2})


def test_classifier_decisions_are_logged_with_their_score(clean):
    out = clean((PAGES / "aeb-8e3efab5-comments.txt").read_bytes())
    clf = [c for c in out.changes if c.rule.startswith("clf.")]
    assert clf and all(0.0 <= c.detail["score"] <= 1.0 and c.detail["category"] == "classifier" for c in clf)
    assert {c.action for c in clf} <= {"drop", "flag"}


def test_classifier_switch(clean, ctx):
    from dataclasses import replace
    from newsclean.pipeline.stages.context import Context
    off = Context(replace(ctx.config, classify_blocks=False), ctx.rules)
    out = clean((PAGES / "aeb-8e3efab5-comments.txt").read_bytes(), context=off)
    assert not [c for c in out.changes if c.rule.startswith("clf.")]


def body(cleaned):
    return "\n".join(b.text for b in cleaned.article.blocks)


# (page, snippets that must stay in the body, snippets that must not)
PAGE_CASES = [
    ("aeb-8e3efab5-comments.txt",
     ["Chargers coach Anthony Lynn recognizes", "“We talked all along about everything we wanted was still in front of us,”",
      "At 4-7, including 2-6 in the AFC"],
     ["thelastchargersfan says:", "It’s a good thing we have no fans left", "Click to share on Facebook",
      "34 responses to", "Rivers is done. Get a new QB"]),
    ("aeb-57d46c9d-wire.txt",
     ["NEW YORK (Reuters) - Oil prices fell sharply on Tuesday", "Spot gold XAU= added 0.1%",
      "Three-month aluminum on the London Metal Exchange"],
     ["Reporting by Rodrigo Campos", "5 Min Read", "© 2019 Reuters. All Rights Reserved.",
      "landscape-tablet-and-below", "Advertise with Us"]),
    ("aeb-b6fb53e9-it.txt",
     ["E’ stato annunciato in queste ore che Netflix", "Tornando al remake, il titolo provvisorio"],
     ["Utilizziamo i cookie", "Lascia un commento", "Devi essere connesso per inviare un commento", "Cartoni"]),
]


@pytest.mark.parametrize("name, keep, drop", PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_real_page_snippets(clean, name, keep, drop):
    out = clean((PAGES / name).read_bytes(), id=name.split(".")[0])
    text = body(out)
    for snippet in keep:
        assert snippet in text, f"lost article text: {snippet!r}"
    for snippet in drop:
        assert snippet not in text, f"boilerplate left in: {snippet!r}"


def test_italian_page_language(clean):
    assert clean((PAGES / "aeb-b6fb53e9-it.txt").read_bytes()).article.language == "it"


@pytest.mark.parametrize("name", [c[0] for c in PAGE_CASES])
def test_every_raw_line_is_accounted_for(clean, name):
    data = (PAGES / name).read_bytes()
    out = clean(data)
    a = out.article
    placed = [b.text for b in a.blocks] + [c.text for c in a.captions if c.text] + [c.before for c in out.changes if c.before]
    placed_text = "\n".join(placed)
    for line in data.decode("utf-8").split("\n"):
        if line.strip():
            assert line.strip() in placed_text or line.strip() in (a.title or "") + " ".join(a.authors), line


@pytest.mark.bench  # bench/quality.py
def test_quality_bench_metric_and_absent_sets(capsys):
    import importlib.util
    spec = importlib.util.spec_from_file_location("quality", Path(__file__).resolve().parent.parent / "bench" / "quality.py")
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    truth = {"a": "one two three four five six", "b": "alpha beta gamma delta"}
    summary, worst = quality.score({"a": "one two three four five six seven", "b": ""}, truth)
    assert summary["precision"] == pytest.approx(3 / 4) and summary["recall"] == pytest.approx(1 / 2)
    assert summary["empty"] == 1 and worst[0][0] == "b"
    assert quality.main(["--bench", "/nonexistent/bench"]) == 0
    assert "is absent" in capsys.readouterr().out


def test_headline_repeated_in_the_page_is_dropped_with_its_rule(clean):
    body = ["The minister said on Monday that the talks in Geneva would resume next week after a pause.",
            "Officials from both sides met on Sunday evening to agree on the agenda of the new round.",
            "Analysts expect the talks to last at least a month, with no agreement before the summer."]
    raw = "\n".join(["Home", "Talks To Resume Next Week In Geneva", *body, "Talks to resume next week in Geneva"])
    out = clean(raw)
    assert out.article.title == "Talks To Resume Next Week In Geneva"
    assert [b.text for b in out.article.blocks] == body
    assert ("pos.headline-repeat", "Talks to resume next week in Geneva") in [(c.rule, c.before) for c in out.changes]


def test_tight_span_stops_at_an_end_marker_and_at_a_run_of_chrome():
    from newsclean.pipeline.classify.blocks import tight_span
    article = [loc(30, True), loc(25, True), loc(40, True)]
    comments = [loc(20, True), loc(15, True)]
    # a comment heading (an END category) between the article and a few comments
    blocks = article + [loc(3, False)] + comments
    hits = [None] * 3 + ["comment_form"] + [None] * 2
    assert core_span(blocks) == (0, 5)  # by mass alone the comments join the article
    assert tight_span(blocks, hits, [""] * len(blocks)) == (0, 2)
    # three chrome lines in a row (share bar, tags, a user name) break it too
    blocks = article + [loc(2, False)] * 3 + comments
    assert tight_span(blocks, [None] * len(blocks), [""] * len(blocks)) == (0, 2)
    # one short line inside the article (a subheading) does not
    blocks = article + [loc(3, False)] + article
    assert tight_span(blocks, [None] * len(blocks), [""] * len(blocks)) == (0, 6)


def test_prose_comments_after_a_comment_heading_are_dropped(clean):
    article = [
        "Apple plans to release a new 13-inch MacBook Pro with a scissor switch keyboard in the first half of 2020, according to a report.",
        "The report claims the display size will remain 13.3 inches, although the source has a mixed track record on such details.",
        "The new 16-inch model features a redesigned keyboard, largely based on the standalone Magic Keyboard for the iMac.",
        "The entry-level 13-inch MacBook Pro was last updated in July, while higher-end 13-inch models were refreshed in May.",
    ]
    comments = [
        "Top Rated Comments", "Woyzeck", "2 days ago at 07:52 am",
        "I think we'll see similar updates to what the 16-inch received, and the bezels on the 13-inch are large.",
        "Rating: 36 Votes", "Nick A", "2 days ago at 07:47 am",
        "Even if it increases the weight slightly, this is a Pro machine and I like the direction Apple is taking.",
        "Rating: 25 Votes",
    ]
    page = "\n".join(["Home", "News", "Apple Plans New 13-Inch MacBook Pro With Scissor Keyboard"] + article + comments)
    text = body(clean(page.encode()))
    assert all(p in text for p in article)
    assert "I think we'll see" not in text and "Even if it increases" not in text and "Rating: 36" not in text


def test_a_repeated_block_is_kept_once_the_copy_in_the_body(clean):
    caption = "Former Governor Deval Patrick speaks with a business owner during a campaign stop on Tuesday."
    article = [
        "COLUMBIA, S.C. (AP) — About a dozen black female small-business owners gathered in a shared workspace on Tuesday.",
        "Patrick listened to their concerns about access to capital and the cost of health insurance for their workers.",
        caption,
        "He told them that his campaign would focus on economic opportunity for families who feel left behind.",
    ]
    page = "\n".join(["Home", "Politics", caption, caption, "1 / 5", "Back to Gallery",
                      "Patrick Courts Small-Business Owners in South Carolina"] + article + ["Share", "Tweet"])
    out = clean(page.encode())
    assert body(out).count(caption) == 1 and all(p in body(out) for p in article)
    assert [c.rule for c in out.changes if c.before == caption].count("pos.duplicate") == 2
    page = "\n".join(["The The Of The Day", "The The The The The", "The the the the the the the.",
                      "The the the the the the the the the the!", "The The", "The the the the the the the the the the!"])
    first = clean(page.encode())
    again = clean("\n\n".join(b.text for b in first.article.blocks).encode())
    assert [b.text for b in again.article.blocks] == [b.text for b in first.article.blocks]


def test_teaser_comment_and_last_run_features():
    article = [
        "The city council voted on Tuesday to expand the bus network to the northern suburbs by next spring.",
        "The plan adds four routes and doubles the buses on the busiest line, the council said in a statement.",
        "Opponents said the cost, about 12 million dollars a year, would fall on residents who never ride a bus.",
    ]
    teasers = [
        "Mayor Opens New Library",
        "The building replaces the old library that closed after the flood.",
        "School Board Picks a New Chief",
        "The board chose a former teacher from the district to lead its schools.",
    ]
    comment = ["Jane Miller", "3 hours ago", "I take the bus every day and I think this is a very good plan for everyone here.", "Reply"]
    blocks = segment("\n".join(article + teasers + comment), CFG)
    texts = [b.text for b in blocks]
    vectors = block_vectors(blocks, CFG, "en", [None] * 10 + ["comment_form"])
    feature = lambda i, name: vectors[i][FEATURES.index(name)]  # noqa: E731
    # a teaser list alternates short titles and one-sentence summaries; an article does not
    summary = texts.index(teasers[1])
    assert feature(summary, "teaser_run") == 2 / 3 and feature(0, "teaser_run") == 1 / 3  # one title in its window
    # a reader comment sits between a name, a time and a reply line; the lead does not count
    # the article's own byline or date above it
    prose = texts.index(comment[2])
    assert feature(prose, "meta_near") >= 0.5 and feature(1, "meta_near") == 0
    # everything after the last run of three sentence blocks in a row is past the article
    assert [feature(i, "after_last_run") for i in range(3)] == [0.0] * 3
    assert feature(summary, "after_last_run") == 1.0 and feature(prose, "after_last_run") == 1.0


@pytest.mark.parametrize("text, lang, low, high", [
    ("Subscribe to our newsletter and we will send you the best stories.", "en", 0.2, 0.4),
    ("The minister said the government would not raise taxes this year.", "en", 0.0, 0.0),
    ("Inscrivez-vous à notre lettre et nous vous enverrons nos articles.", "fr", 0.3, 0.6),
    ("Abonnieren Sie unseren Newsletter, wir informieren dich.", "de", 0.2, 0.5),
    ("I grandi giornali italiani", "it", 0.0, 0.0),  # Italian "i" is "the", not "I"
    ("", "en", 0.0, 0.0),
])
def test_reader_address(text, lang, low, high):
    assert low <= reader_address(text, lang) <= high


def test_caption_and_greeting_features():
    article = [
        "The city council voted on Tuesday to expand the bus network to the northern suburbs by next spring.",
        "The plan adds four routes and doubles the buses on the busiest line, the council said in a statement.",
        "Opponents said the cost, about 12 million dollars a year, would fall on residents who never ride a bus.",
    ]
    caption = "Mayor Jane Doe, left, and council member John Roe speak in Springfield, Tuesday, Nov. 19, 2019."
    thread = ["Hi Alex,", "We looked at the routes again and the numbers hold up for the northern suburbs too."]
    blocks = segment("\n".join(article + [caption] + thread), CFG)
    texts = [b.text for b in blocks]
    vectors = block_vectors(blocks, CFG, "en")
    feature = lambda i, name: vectors[i][FEATURES.index(name)]  # noqa: E731
    assert feature(texts.index(caption), "caption_like") == 1.0
    assert [feature(texts.index(t), "caption_like") for t in article] == [0.0] * 3
    # a greeting line counts as a comment-thread line for its neighbours, past the article
    reply = texts.index(thread[1])
    assert feature(reply, "meta_near") > 0 and feature(0, "meta_near") == 0
    # running text past the article's last dense run is told apart from the article's own
    assert feature(reply, "good_after_last_run") == 1.0 and feature(0, "good_after_last_run") == 0.0


def test_running_text_past_the_core_and_its_end_markers():
    article = [
        "The city council voted on Tuesday to expand the bus network to the northern suburbs by next spring.",
        "The plan adds four routes and doubles the buses on the busiest line, the council said in a statement.",
        "Opponents said the cost, about 12 million dollars a year, would fall on residents who never ride a bus.",
        "The first new route is due to open in March, with the others following before the end of the year.",
    ]
    thread = ["Comments", "Jane Miller", "I take the bus every day and I think this plan is a very good one for all of us.",
              "18:09", "Tom Roe", "The buses on my line are always late and nobody at the council seems to care about it."]
    blocks = segment("\n".join(article + thread), CFG)
    texts = [b.text for b in blocks]
    hits = [None] * len(article) + ["comment_form", None, None, None, None, None]
    vectors = block_vectors(blocks, CFG, "en", hits)
    feature = lambda i, name: vectors[i][FEATURES.index(name)]  # noqa: E731
    first, second = texts.index(thread[2]), texts.index(thread[5])
    # a comment's prose has the comment heading between the article core and it
    assert feature(first, "good_ends_past_tight") == 0.2 and feature(second, "good_ends_past_tight") == 0.2
    assert [feature(i, "good_ends_past_tight") for i in range(len(article))] == [0.0] * len(article)
    # a time stamp past the core is told apart from running text there
    assert feature(texts.index("18:09"), "other_after_tight") == 1.0 and feature(first, "other_after_tight") == 0.0
    assert feature(0, "other_after_tight") == 0.0


@pytest.mark.bench  # bench/quality.py
def test_quality_bench_scores_each_language_apart(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("quality", Path(__file__).resolve().parent.parent / "bench" / "quality.py")
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    (tmp_path / "truth.jsonl").write_text(
        '{"id": "a", "text": "one two three four five", "language": "en"}\n'
        '{"id": "b", "text": "раз два три четыре пять", "language": "ru"}\n', encoding="utf-8")
    truth, langs = quality.read_truth(tmp_path), quality.read_languages(tmp_path)
    per = quality.by_language({"a": "one two three four five", "b": "меню"}, truth, langs)
    assert sorted(per) == ["en", "ru"]
    assert per["en"]["f1"] == pytest.approx(1.0) and per["ru"]["f1"] == 0.0 and per["ru"]["pages"] == 1


def test_clock_feature_marks_time_stamped_lines():
    blocks = segment("The minister said on Monday that taxes would not rise this year.\n"
                     "* Flu case found in China (30/12 - 20:06)\n"
                     "The ratio was 3:1 in favour, and the vote took 12:345 seconds.", CFG)
    clock = [v[FEATURES.index("clock")] for v in block_vectors(blocks, CFG, "en")]
    assert clock == [0.0, 1.0, 0.0]


@pytest.mark.bench  # bench/quality.py
def test_quality_bench_runs_a_given_model_through_the_full_pipeline(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("quality", Path(__file__).resolve().parent.parent / "bench" / "quality.py")
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    (tmp_path / "text").mkdir()
    body = "The council approved the new budget on Monday after a long debate about schools and roads."
    (tmp_path / "text" / "a.txt").write_text(f"Home\nNews\n{body}\n* Share\n", encoding="utf-8")
    (tmp_path / "truth.jsonl").write_text(json.dumps({"id": "a", "text": body}) + "\n", encoding="utf-8")
    shipped = io.load_rules().model("blocks")
    keep_all = replace(shipped, weights=(10.0,) + (0.0,) * (len(FEATURES) - 1),
                       context_weights=(0.0, 1.0) + (0.0,) * (len(CONTEXT_FEATURES) - 2))
    summary, langs, _, preds, _ = quality.measure(tmp_path, quality.context_with_model(keep_all))
    assert summary["pages"] == 1 and langs == {} and body in preds["a"]
    # the model is used: one that drops every block leaves nothing of the body
    drop_all = replace(keep_all, weights=(-10.0,) + (0.0,) * (len(FEATURES) - 1))
    assert body not in quality.measure(tmp_path, quality.context_with_model(drop_all))[3]["a"]
