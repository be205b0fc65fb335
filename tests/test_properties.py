"""Hypothesis properties: every raw line is accounted for, cleaning its own output changes
nothing, every change's ``before`` is in its stage's input, decoding never fails."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclean.pipeline.clean import STAGES, article_from_text
from newsclean.pipeline.output.conservation import unaccounted_lines
from newsclean.pipeline.output.contract import changelog_record, corpus_record

WORDS = ["the", "minister", "said", "talks", "would", "resume", "in", "Geneva", "on", "Monday", "officials",
         "agreement", "was", "not", "reached", "and", "analysts", "expect", "more", "delays", "café", "naïve", "Zürich"]
BOILERPLATE = ["Share", "Share This Article", "Follow us on:", "Popular Articles", "Leave a Reply", "Comments",
               "Read more", "Menu", "Advertisement", "scroll to top", "Subscribe to get the latest posts sent to your email.",
               "Please enter your comment!", "Related Posts", "Top 5 This Week", "• en", "Tuesday, June 17, 2025"]
sentence = st.tuples(st.lists(st.sampled_from(WORDS), min_size=7, max_size=30), st.sampled_from([".", "!", "?", ".”"])).map(
    lambda t: " ".join(t[0]).capitalize() + t[1])
heading = st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(lambda ws: " ".join(w.capitalize() for w in ws))
caption = st.tuples(sentence, st.sampled_from(["(AP Photo/Jane Doe)", "(John Roe/AFP via Getty Images)", "REUTERS/Li Wei"])).map(" ".join)
byline = st.sampled_from(["By Jane Doe", "By Jane Doe and John Roe", "Geoff Brown - Freelance Journalist", "Melissa Enoch"])
noise = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
line = st.one_of(sentence, sentence, sentence, heading, caption, byline, st.sampled_from(BOILERPLATE), noise,
                 st.sampled_from(["", "   ", "\u00a0", "\u200b"]))
articles = st.lists(line, min_size=1, max_size=25).map("\n".join)
clean_articles = st.tuples(heading, st.lists(st.one_of(sentence, sentence, heading), min_size=2, max_size=12)).map(
    lambda t: "\n\n".join([t[0] + " Of The Day", *t[1]]))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(articles)
@SETTINGS
def test_every_raw_line_is_accounted_for(clean, ctx, text):
    c = clean(text)
    record = None if c.rejected else corpus_record(c, ctx)
    log = changelog_record(c, ctx)
    assert unaccounted_lines(text, record, log["changes"]) == []


@given(clean_articles)
@SETTINGS
def test_cleaning_its_own_output_changes_nothing(clean, ctx, text):
    first = clean(text)
    assert not first.rejected
    record = corpus_record(first, ctx)
    again_text = "\n\n".join(x for x in [record["title"], record["text"]] if x)
    second = corpus_record(clean(again_text), ctx)
    # authors are not part of the rendered text, so only what is rendered is compared
    assert (second["title"], second["text"], second["captions"]) == (record["title"], record["text"], record["captions"])
    # and a third pass over the text alone (no title line) keeps every block
    if record["text"]:
        assert corpus_record(clean(record["title"] + "\n" + record["text"]), ctx)["text"] == record["text"]


@given(articles)
@SETTINGS
def test_every_before_is_in_its_stage_input(ctx, text):
    from newsclean.pipeline.core.article import Source

    article = article_from_text(text, "t", Source("t.txt", "0", "text"), None, ctx)
    for name in ctx.config.stages:
        inputs = {b.text for b in article.blocks}
        result = STAGES[name](article, ctx)
        for change in result.changes:
            assert change.before in inputs, (name, change)
        article = result.article
