"""Table tests for the stages and the helpers they are built from (with negative rows)."""
from dataclasses import replace

import pytest

from newsclean.pipeline.core.article import Article, Block, Source
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.credits import split_credit
from newsclean.pipeline.text.dates import parse_date
from newsclean.pipeline.text.predicates import is_headline, is_name, is_sentence
from newsclean.pipeline.stages.encoding import cannot_hold_mojibake, fix_encoding, repair
from newsclean.pipeline.stages.normalize import normalize, normalize_text

CFG = CleanConfig()
SRC = Source(path="t.txt", sha256="0", format="text")


def article(*lines, **kw):
    return Article(id="t", blocks=tuple(Block(i + 1, t) for i, t in enumerate(lines)), source=SRC, **kw)


@pytest.mark.parametrize("text, out", [
    ("The Mona Lisa doesnâ€™t have eyebrows.", "The Mona Lisa doesn’t have eyebrows."),
    ("cafÃ© crÃ¨me", "café crème"),
    ("â€œQuotedâ€\x9d text", "“Quoted” text"),
    ("plain ascii stays", "plain ascii stays"),
    ("“curly” quotes — dashes … stay", "“curly” quotes — dashes … stay"),  # no uncurling here
    ("ｆｕｌｌ width stays", "ｆｕｌｌ width stays"),  # no width change here
    ("fish &amp; chips", "fish &amp; chips"),  # unescape_html is off by default
])
def test_repair(text, out):
    assert repair(text, unescape_html=False)[0] == out


def test_repair_explains_its_steps():
    fixed, steps = repair("doesnâ€™t", unescape_html=False)
    assert fixed == "doesn’t" and ["decode", "utf-8"] in steps


def test_encoding_stage_logs_one_edit_per_changed_block(ctx):
    result = fix_encoding(article("cafÃ©", "fine"), ctx)
    assert [b.text for b in result.article.blocks] == ["café", "fine"]
    (change,) = result.changes
    assert (change.action, change.rule, change.line, change.before, change.after) == ("edit", "enc.ftfy", 1, "cafÃ©", "café")


@pytest.mark.parametrize("text, safe", [
    ("ascii only", True), ("“quoted” — ok…", True), ("café", False), ("a &amp; b", True), ("\x1b[31mred", False),
])
def test_cannot_hold_mojibake(text, safe):
    assert cannot_hold_mojibake(text, unescape_html=False) is safe


@pytest.mark.parametrize("text, out, switches", [
    ("a\u00a0b", "a b", {"replace_odd_spaces": 1}),
    ("zero\u200bwidth", "zerowidth", {"remove_zero_width": 1}),
    # joiners that spell a word or an emoji stay; those beside a space, punctuation or an edge go
    ("می\u200cگویند", "می\u200cگویند", {}),  # Persian: "they say", the non-joiner part of the spelling
    ("ශ්\u200dරී ලංකා", "ශ්\u200dරී ලංකා", {}),  # Sinhala: "Sri Lanka", the joiner makes the conjunct
    ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family", {}),  # one emoji, not three people
    ("🏳\ufe0f\u200d🌈", "🏳\ufe0f\u200d🌈", {}),  # after a variation selector (a mark)
    ("varietals\u200d.", "varietals.", {"remove_zero_width": 1}),
    ("\u200cword\u200c \u200dnext\u200d", "word next", {"remove_zero_width": 4}),
    ("ctrl\x07char", "ctrlchar", {"remove_control_chars": 1}),
    ("  padded  ", "padded", {"strip_trailing_space": 1}),
    ("two  spaces", "two spaces", {"collapse_spaces": 1}),
    ("e\u0301", "é", {"normalize_nfc": 1}),
    ("already clean", "already clean", {}),
])
def test_normalize_text(text, out, switches):
    assert normalize_text(text, CFG) == (out, switches)


def test_normalize_switches_can_be_turned_off():
    cfg = replace(CFG, replace_odd_spaces=False, collapse_spaces=False)
    assert normalize_text("a\u00a0\u00a0b", cfg) == ("a\u00a0\u00a0b", {})


def test_normalize_stage_logs_edit_with_counts(ctx):
    result = normalize(article("a\u00a0b  c "), ctx)
    (change,) = result.changes
    assert change.action == "edit" and change.before == "a\u00a0b  c " and change.after == "a b c"
    assert change.detail == {"replace_odd_spaces": 1, "collapse_spaces": 1, "strip_trailing_space": 1}


@pytest.mark.parametrize("text, names", [
    ("Geoff Brown - Freelance Journalist", ("Geoff Brown",)),
    ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
    ("By JANE DOE", ("Jane Doe",)),
    ("By Jane Doe, Reuters", ("Jane Doe",)),
    ("By Jane Doe | Updated 5:00 pm", ("Jane Doe",)),
    ("By Jane Doe, John Roe and Li Wei", ("Jane Doe", "John Roe", "Li Wei")),
    ("Jane Doe, Staff Writer", ("Jane Doe",)),
    ("By the way, this is a sentence.", None),
    ("Popular Articles", None),
    ("Share This Article", None),
])
def test_parse_byline(text, names):
    assert parse_byline(text) == names


@pytest.mark.parametrize("text, name", [
    ("Melissa Enoch", True), ("Asif Shahid", True), ("Mary-Ann O'Neil", True),
    ("Popular Articles", False), ("Related Posts", False), ("ON NOW Newsday", False), ("Asif Shahidhttps://x.com/", False),
])
def test_is_name(text, name):
    assert is_name(text) is name


@pytest.mark.parametrize("text, sentence", [
    ("Australian Prime Minister Anthony Albanese also said he would be willing to send troops.", True),
    ("“Meanwhile, it's only hot air,” he said of the plan on Sunday.”", True),
    ("Speaking to Russian media outlet Izvestia, Grushko said:", True),
    ("Please enter your comment!", False),
    ("Trump, Putin Call expected this week, since the administrator approaches Russia-Ukraine Cesefire Deal: Witkoff", False),
    ("Your email address will not be published. Required fields are marked *", False),
])
def test_is_sentence(text, sentence):
    assert is_sentence(text, CFG) is sentence


@pytest.mark.parametrize("text, headline", [
    ("Russian Demands for Ukraine’s Neutrality", True), ("“Quoted” Headline Here", True),
    ("ends with a full stop.", False), ("Related News:", False), ("see https://example.com now", False),
])
def test_is_headline(text, headline):
    assert is_headline(text, CFG) is headline


@pytest.mark.parametrize("text, split", [
    ("Putin at a meeting. (Aleksey Babushkin/Pool/AFP through Getty Images)",
     ("Putin at a meeting.", "Aleksey Babushkin/Pool/AFP through Getty Images")),
    ("Putin speaks. (AP Photo/Alexander Zemlianichenko)", ("Putin speaks.", "AP Photo/Alexander Zemlianichenko")),
    ("Protesters march in Paris. REUTERS/Jane Doe", ("Protesters march in Paris.", "REUTERS/Jane Doe")),
    ("A view of the city. Photo: John Smith", ("A view of the city", "John Smith")),
    ("Credit: NASA", (None, "NASA")),
    ("He said it was good (1/2)", None),
    ("The plan (which he called fair) failed.", None),
    ("The deal was signed. (Reporting by Greg Roumeliotis)", None),
])
def test_split_credit(text, split):
    assert split_credit(text) == split


@pytest.mark.parametrize("text, iso", [
    ("Tuesday, June 17, 2025", "2025-06-17"), ("Published 18 November 2019", "2019-11-18"),
    ("2024-02-29", "2024-02-29"), ("UPDATED: Tue., Nov. 19, 2019", "2019-11-19"),
    ("February 30, 2024", None), ("no date here", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


BODY = [
    "Officials said on Monday that the talks would resume next week in Geneva.",
    "The minister added that no agreement had been reached on the main points yet.",
    "Analysts expect the negotiations to continue for several more months at least.",
]


def test_boilerplate_position_and_rules(clean):
    raw = "\n".join(["Home", "Sports", "Talks To Resume Next Week In Geneva", "Share", *BODY, "Popular Articles", "Comments"])
    c = clean(raw)
    assert c.article.title == "Talks To Resume Next Week In Geneva"
    assert [b.text for b in c.article.blocks] == BODY
    dropped = {ch.before: ch.rule for ch in c.changes if ch.action == "drop"}
    assert dropped == {"Home": "bp.skip-nav", "Sports": "pos.before-headline", "Share": "bp.share-button",
                       "Popular Articles": "bp.popular-label", "Comments": "bp.comment-form-heading"}


def test_body_headings_are_kept_as_headings(clean):
    raw = "\n".join(["Talks To Resume Next Week In Geneva", BODY[0], "What Happens Next", BODY[1], BODY[2]])
    c = clean(raw)
    assert [(b.kind, b.text) for b in c.article.blocks][1] == ("heading", "What Happens Next")


def test_precision_first_sentence_after_junk_is_kept(clean):
    raw = "\n".join(["Talks To Resume Next Week In Geneva", *BODY, "Share", "A closing sentence of the article that must stay."])
    c = clean(raw)
    assert c.article.blocks[-1].text == "A closing sentence of the article that must stay."


def test_captions_credit_and_title(clean):
    raw = "\n".join(["Talks To Resume Next Week In Geneva", BODY[0], "The Minister Arrives",
                     "The minister arrives in Geneva on Monday. (Jane Doe/AFP via Getty Images)", BODY[1], BODY[2]])
    c = clean(raw)
    (cap,) = c.article.captions
    assert (cap.title, cap.text, cap.credit) == ("The Minister Arrives", "The minister arrives in Geneva on Monday.",
                                                  "Jane Doe/AFP via Getty Images")
    moves = [(ch.rule, ch.before) for ch in c.changes if ch.action == "move"]
    assert moves == [("cap.title", "The Minister Arrives"),
                     ("cap.credit", "The minister arrives in Geneva on Monday. (Jane Doe/AFP via Getty Images)")]


def test_captions_screen_reader_label(clean):
    raw = "\n".join(["Talks To Resume Next Week In Geneva", BODY[0],
                     "Image caption The minister arrived in Geneva on Monday for the first round",
                     BODY[1], BODY[2], "Image captions are written by the picture desk, the editor said on Monday."])
    c = clean(raw)
    (cap,) = c.article.captions
    assert (cap.text, cap.credit) == ("The minister arrived in Geneva on Monday for the first round", None)
    assert [(ch.rule, ch.action) for ch in c.changes if ch.stage == "captions"] == [("cap.label", "move")]
    assert c.article.blocks[-1].text.startswith("Image captions are written")  # a sentence about captions stays


def test_metadata_byline_date_and_sidecar(clean):
    raw = "\n".join(["Talks To Resume Next Week In Geneva", "By Jane Doe and John Roe", "Published March 3, 2025", *BODY])
    c = clean(raw, meta={"url": "https://www.example.com/a", "language": "en"})
    a = c.article
    assert (a.authors, a.published, a.site, a.url, a.language) == (
        ("Jane Doe", "John Roe"), "2025-03-03", "example.com", "https://www.example.com/a", "en")
    assert [ch.rule for ch in c.changes if ch.action == "extract"] == ["meta.title", "meta.byline", "meta.date"]


def test_sidecar_title_is_not_repeated_in_text(clean):
    raw = "\n".join(["Talks To Resume Next Week In Geneva", *BODY])
    c = clean(raw, meta={"title": "Talks To Resume Next Week In Geneva"})
    assert c.article.title == "Talks To Resume Next Week In Geneva" and len(c.article.blocks) == 3


@pytest.mark.parametrize("data, rule", [
    (b"", "reject.empty"),
    (b"   \n\n\t", "reject.empty"),
    (bytes(range(256)) * 20, "reject.binary"),
])
def test_bad_input_is_rejected_with_a_reason(clean, data, rule):
    c = clean(data)
    assert c.rejected and c.changes[0].action == "reject" and c.changes[0].rule == rule and c.changes[0].detail


def test_stage_list_is_config(clean, ctx):
    from newsclean.pipeline.stages.context import Context
    only_norm = Context(replace(ctx.config, stages=("normalize",)), ctx.rules)
    raw = "Share\n" + "\n".join(BODY)
    c = clean(raw, context=only_norm)
    assert [b.text for b in c.article.blocks] == ["Share", *BODY]


@pytest.mark.parametrize("text, dateish", [
    ("November 19, 2019 / 12:21 AM / Updated 6 hours ago", True),
    ("UPDATED: Tue., Nov. 19, 2019", True),
    ("Markets Rally On March 3, 2025 After Fed Decision", False),
    ("Trump and Putin to Discuss Ceasefire", False),
])
def test_is_dateish(text, dateish):
    from newsclean.pipeline.text.dates import is_dateish
    assert is_dateish(text) is dateish


def test_date_line_is_not_the_headline(clean):
    raw = "\n".join(["Reuters Staff", "November 19, 2019 / 12:21 AM / Updated 6 hours ago",
                     "Markets Rally After The Central Bank Decision", *BODY])
    assert clean(raw).article.title == "Markets Rally After The Central Bank Decision"


@pytest.mark.parametrize("date_line", [
    "Måndag 12 juli 2024 kl 09.30",  # Swedish: no date rule knows it
    "Publicerad 12 juli 2024 09:30 Uppdaterad 12 juli 2024 10:15",
    "28 ноября 2011, 07:22 [ «АН-online» ]",
    "November 6, 2012 by Scott McLeod 0 Comments",
])
def test_a_date_line_in_any_language_does_not_outweigh_a_shorter_headline(clean, date_line):
    """The headline is the longest headline-style line before the body, counted without the
    words holding a digit when the line holds a date: a date line in a language whose dates are
    not parsed was the title, and the headline was dropped as a line before it."""
    raw = "\n".join(["Home", "Skyfall orsakade översvämningar i centrala Stockholm", date_line, *BODY])
    assert clean(raw).article.title == "Skyfall orsakade översvämningar i centrala Stockholm"


def test_a_headline_keeps_its_own_numbers():
    from newsclean.pipeline.text.layout import headline_words

    assert headline_words("11 U.S. Vacation Packages to Book for 2026") == 8
    assert headline_words("Top 10 Movies of 2024") == 5
    assert headline_words("Måndag 12 juli 2024 kl 09.30") == 2  # "Måndag", "kl"
    assert headline_words("Publicerad 12 juli 2024 09:30 Uppdaterad 12 juli 2024 10:15") == 2


def test_a_credited_caption_in_the_body_goes_to_captions(clean):
    """"... Photo: Reuters" ends like another story's attribution (": Witkoff"), which
    bp.other-story-headline drops inside the body: the caption went to the change log as a
    related headline, not into captions."""
    raw = "\n".join(["Markets Rally After The Central Bank Decision", BODY[0],
                     "Traders on the floor of the exchange on Monday. Photo: Reuters", *BODY[1:]])
    out = clean(raw)
    assert [(c.text, c.credit) for c in out.article.captions] == [("Traders on the floor of the exchange on Monday", "Reuters")]
    assert not [c for c in out.changes if c.rule == "bp.other-story-headline"]
