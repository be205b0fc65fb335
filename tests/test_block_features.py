"""The block classifier's feature table (classify.blocks.FEATURE_TABLE): each feature a
named function over a page's facts, one value per block; the model files checked against
the code's feature names by name when they load; and the vectors of the fixture pages
pinned by digest (tests/golden/block_vectors.json, rewritten with ``--update-golden``).
"""
import hashlib
import json
from pathlib import Path

import pytest

from newsclean.pipeline import io
from newsclean.pipeline.classify import blocks as classify_blocks
from newsclean.pipeline.classify.blocks import (
    CONTEXT_FEATURES, FEATURE_TABLE, FEATURES, block_vectors, line_shape, load_models, local, model_from_json, page_facts,
    thread_start, tight_span
)
from newsclean.pipeline.classify.ensemble import FEATURES as ENSEMBLE_FEATURES, ensemble_from_json
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.segment import segment
from newsclean.pipeline.rules.ruleset import RuleError
from newsclean.pipeline.stages import boilerplate

CFG = CleanConfig()
TESTS = Path(__file__).resolve().parent
MODELS = TESTS.parent / "pipeline" / "rules" / "models"
GOLDEN = TESTS / "golden" / "block_vectors.json"
PAGES = sorted([*(TESTS / "fixtures" / "pages").glob("*.txt"), *(TESTS / "fixtures" / "fast_path").glob("*.txt"),
                *(TESTS.parent / "raw").glob("*.txt")])
ARTICLE = [
    "The city council voted on Tuesday to expand the bus network to the northern suburbs by next spring.",
    "The plan adds four routes and doubles the buses on the busiest line, the council said in a statement.",
    "Opponents said the cost, about 12 million dollars a year, would fall on residents who never ride a bus:",
    "Home | News | Sport",
    "Share",
]


def blocks_model_data() -> dict:
    return json.loads((MODELS / "blocks.json").read_text(encoding="utf-8"))


def test_the_table_is_the_feature_list_and_the_model_files_match_it():
    assert FEATURES == tuple(FEATURE_TABLE) and len(set(FEATURES)) == len(FEATURES)
    assert tuple(blocks_model_data()["features"]) == FEATURES
    assert tuple(json.loads((MODELS / "ensemble.json").read_text(encoding="utf-8"))["features"]) == ENSEMBLE_FEATURES


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_every_feature_gives_one_float_per_block(n):
    blocks = segment("\n".join(ARTICLE[:n]), CFG) if n else []
    page = page_facts(blocks, CFG, "en", ())
    for name, feature in FEATURE_TABLE.items():
        column = feature(page)
        assert len(column) == len(blocks) and all(isinstance(v, float) for v in column), name
    assert [len(v) for v in block_vectors(blocks, CFG, "en")] == [len(FEATURES)] * len(blocks)


def test_neighbour_and_position_features():
    blocks = segment("\n".join(ARTICLE), CFG)
    page = page_facts(blocks, CFG, "en", ())
    table = {name: FEATURE_TABLE[name](page) for name in FEATURES}
    assert table["good"] == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert table["prev_good"] == [0.0, 1.0, 1.0, 1.0, 0.0] and table["next_good"] == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert table["position"] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert table["list_intro"] == [0.0, 0.0, 0.0, 1.0, 0.0]  # the block after one that ends with a colon
    assert table["separator"] == [0.0, 0.0, 0.0, 1.0, 0.0] and table["short"] == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert table["window_good"][3] == 3 / 4 and table["window_good"][0] == 2 / 3  # neighbours within 3, itself left out
    assert table["in_core"] == [1.0, 1.0, 1.0, 0.0, 0.0] and table["after_core"] == [0.0, 0.0, 0.0, 1.0, 1.0]
    one = page_facts(segment(ARTICLE[0], CFG), CFG, "en", ())
    assert FEATURE_TABLE["position"](one) == [0.0] and FEATURE_TABLE["prev_good"](one) == [0.0]


def test_end_marker_features_count_from_the_first_sentence_block():
    blocks = segment("\n".join(["Comments"] + ARTICLE[:3] + ["Comments", ARTICLE[0]]), CFG)
    page = page_facts(blocks, CFG, "en", ["comment_form", None, None, None, "comment_form", None])
    # the heading above the article does not end it; the one after it does
    assert (page.first_good, page.end, page.comments) == (1, 4, 4)
    assert FEATURE_TABLE["after_end"](page) == [0.0] * 5 + [1.0]
    assert FEATURE_TABLE["ends_seen"](page) == [0.0] * 5 + [0.2]
    assert FEATURE_TABLE["rule_hit"](page) == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]


def with_features(data: dict, names: list[str], weights: list[float]) -> dict:
    return dict(data, features=names, weights=weights)


def test_a_model_naming_a_feature_the_code_lacks_is_an_error_that_names_it():
    data = blocks_model_data()
    names = [("word_count" if n == "words_log" else n) for n in data["features"]]
    with pytest.raises(ValueError, match="the code computes no word_count; the model has no weight for words_log"):
        model_from_json("blocks", with_features(data, names, data["weights"]))
    with pytest.raises(ValueError, match=f"the model has no weight for {data['features'][-1]}$"):
        model_from_json("blocks", with_features(data, data["features"][:-1], data["weights"][:-1]))
    with pytest.raises(ValueError, match="lists bias more than once"):
        model_from_json("blocks", with_features(data, ["bias", *data["features"]], [0.0, *data["weights"]]))
    text = json.dumps(dict(data, context_features=data["context_features"] + ["extra"], context_weights=data["context_weights"] + [1]))
    with pytest.raises(RuleError, match="models/blocks.json: bad model: model blocks: context_features differ.*computes no extra"):
        load_models([("models/blocks.json", text)])


def test_the_ensemble_model_is_checked_by_name_too():
    data = json.loads((MODELS / "ensemble.json").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="the model has no weight for link_only"):
        ensemble_from_json("ensemble", dict(data, features=data["features"][:-1], weights=data["weights"][:-1]))
    reordered = ensemble_from_json("ensemble", dict(data, features=data["features"][::-1], weights=data["weights"][::-1]))
    assert reordered == ensemble_from_json("ensemble", data)


def test_weights_are_taken_by_name_whatever_the_file_order():
    data = blocks_model_data()
    model = model_from_json("blocks", data)
    shuffled = model_from_json("blocks", with_features(data, data["features"][::-1], data["weights"][::-1]))
    assert shuffled.weights == model.weights
    assert model.weights[FEATURES.index("good")] == data["weights"][data["features"].index("good")]


def page_vectors(path: Path, clean, monkeypatch) -> list:
    """The vectors of every block_vectors call the boilerplate stage makes on the page."""
    seen = []

    def record(blocks, cfg, lang, hits=()):
        vectors = classify_blocks.block_vectors(blocks, cfg, lang, hits)
        seen.append(vectors)
        return vectors

    monkeypatch.setattr(boilerplate, "block_vectors", record)
    clean(path.read_bytes(), id=path.stem)
    return seen


def test_vectors_of_the_fixture_pages_are_unchanged(clean, monkeypatch, request):
    """A digest of the exact floats (repr round-trips) of each page's vectors, with the hits
    and language the stage passes: a change of any feature on these pages shows here."""
    digests = {p.relative_to(TESTS.parent).as_posix():
               hashlib.sha256(repr(page_vectors(p, clean, monkeypatch)).encode()).hexdigest() for p in PAGES}
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert digests == json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(digests) >= 10


def test_context_features_are_the_model_files():
    assert tuple(blocks_model_data()["context_features"]) == CONTEXT_FEATURES
    assert io.load_rules().model("blocks").weights == tuple(blocks_model_data()["weights"])


@pytest.mark.parametrize("t, r, runs", [
    ([1, 1, 0, 0, 1, 0], [1, 0, 1, 0, 0, 1], [(1, 1), (2, 2), (4, 4), (5, 5)]),  # each switch of keeper starts a run
    ([1, 1, 1, 0], [0, 0, 1, 0], [(0, 1)]),
    ([0, 0, 1, 1], [0, 0, 1, 1], []),  # agreed lines only
    ([], [], []),
])
def test_disputed_runs(t, r, runs):
    from newsclean.pipeline.classify.ensemble import disputed_runs
    assert list(disputed_runs([bool(x) for x in t], [bool(x) for x in r])) == runs


TOOLBAR_PAGE = [
    "Home | News | Health",
    "The Daily Courier has covered the county since 1902 and is read by forty thousand people.",
    "Strep throat is on the rise among children this winter, doctors warn",
    "Send Print",
    "Add a comment",
    "Doctors in the region say they have seen twice as many cases of strep throat this winter as last year.",
    "The illness spreads quickly in schools, and children with a sore throat and fever should see a doctor.",
    "A rapid test gives an answer in five minutes, and antibiotics clear the infection within days.",
    "Parents are asked to keep sick children at home until they have taken antibiotics for a full day.",
    "Comments",
    "Jane Roe 10/01/12 08:14",
    "My son had it twice this year and the school never told us about the outbreak at all.",
]
HITS = {"Send Print": "share", "Add a comment": "comment_form", "Comments": "comment_form"}


def toolbar_facts(lines):
    blocks = segment("\n".join(lines), CFG)
    texts = [b.text for b in blocks]
    return texts, page_facts(blocks, CFG, "en", [HITS.get(t) for t in texts])


def test_an_add_a_comment_link_in_the_toolbar_is_not_the_comment_section():
    # "Send Print", then "Add a comment", right above the article's text: the article toolbar.
    # The comment section starts at the heading below the article, so the article is not
    # "after the comments"
    texts, page = toolbar_facts(TOOLBAR_PAGE)
    assert page.tight_span is not None and page.tight_span[0] == texts.index(TOOLBAR_PAGE[5])
    assert page.comments == texts.index("Comments")
    after = FEATURE_TABLE["after_comments"](page)
    assert after[texts.index(TOOLBAR_PAGE[6])] == 0.0 and after[texts.index(TOOLBAR_PAGE[11])] == 1.0


@pytest.mark.parametrize("lines", [
    # no share or print label above it: a comment form's last line above a block of teasers
    [*TOOLBAR_PAGE[:3], "Your name", "Add a comment", *TOOLBAR_PAGE[5:]],
    # the toolbar far above the text
    [*TOOLBAR_PAGE[:5], "Most read", "Weather", "Sport", "Video", *TOOLBAR_PAGE[5:]],
])
def test_other_comment_markers_above_the_text_still_start_the_comment_section(lines):
    texts, page = toolbar_facts(lines)
    assert page.comments == texts.index("Add a comment")


def thread_page(replies: int, heading: str = "3 Responses to “Strep throat is on the rise”"):
    """An article, then a comment heading and ``replies`` readers' comments, each under a
    "1. Name Month D, YYYY at H:MM pm #" line and followed by "Reply"."""
    names = ["Tommy Lee", "Paul Wilkinson", "Ann", "Frank Viola", "Maria Silva"]
    thread = [heading]
    for k in range(replies):
        thread += [f"{k + 1}. {names[k % len(names)]} July {10 + k % 20}, 2012 at {1 + k % 11}:0{k % 10} pm #",
                   "I have read every word of this and I think the doctors are right about the schools, "
                   "but nobody in our town has been told anything about it by the county so far.", "Reply"]
    return TOOLBAR_PAGE[:9] + thread


def thread_facts(lines):
    blocks = segment("\n".join(lines), CFG)
    texts = [b.text for b in blocks]
    hits = [HITS.get(t, "comment_form" if t.startswith(("3 Responses", "12 comments")) else None) for t in texts]
    return texts, [local(t, "en", CFG) for t in texts], hits


def test_line_shape():
    assert line_shape("Matt Jaycox | November 9, 2012 12:13 AM | Reply") == "W | W 0 , 0 : 0 W | W"
    assert line_shape("Bart | November 9, 2012 12:20 AM | Reply") == line_shape("Matt Jaycox | November 9, 2012 12:13 AM | Reply")
    assert line_shape("Tim Worstall 11.06.12 at 11:06 am") == "W 0 . 0 . 0 at 0 : 0 am"


def test_a_comment_thread_ends_the_tight_core_whatever_its_mass():
    # thirty comments of 30 words outweigh the article's four paragraphs: by mass the tight core
    # was the thread; its heading with "N. Name date" lines recurring under it ends the page
    texts, locs, hits = thread_facts(thread_page(30))
    start = texts.index("3 Responses to “Strep throat is on the rise”")
    assert thread_start(locs, hits, texts) == start
    assert tight_span(locs, hits, texts) == (texts.index(TOOLBAR_PAGE[5]), texts.index(TOOLBAR_PAGE[8]))
    assert tight_span(locs, hits, [""] * len(texts))[1] > start  # texts that show no thread: the core runs into it
    # two comments are no thread (the shape must recur three times)
    texts, locs, hits = thread_facts(thread_page(2))
    assert thread_start(locs, hits, texts) is None


def test_a_comment_link_above_the_article_is_no_thread():
    # a count link in the toolbar ("12 comments") has the headline, a date line and the article
    # under it, not a comment's meta line: the article stays the core, with the real thread below
    page = TOOLBAR_PAGE[:3] + ["12 comments", "July 23, 2012 7:29 pm EDT"] + TOOLBAR_PAGE[5:9]
    texts, locs, hits = thread_facts(page + thread_page(30)[9:])
    link = texts.index("12 comments")
    heading = texts.index("3 Responses to “Strep throat is on the rise”")
    assert thread_start(locs, hits, texts) == heading
    assert tight_span(locs, hits, texts) == (texts.index(TOOLBAR_PAGE[5]), texts.index(TOOLBAR_PAGE[8]))
    assert link < texts.index(TOOLBAR_PAGE[5])


def test_a_gallerys_photo_credits_are_no_comment_thread():
    # under a "Comments (12)" toolbar link, a gallery: each picture's credit line has one shape
    # ("W : W / W 0") as readers' meta lines do, but a photo credit is no reader's meta line
    gallery = []
    for k in range(4):
        gallery += [f"Photograph: John Smith/Reuters 201{k}", TOOLBAR_PAGE[5 + k]]
    texts, locs, hits = thread_facts(TOOLBAR_PAGE[:3] + ["12 comments"] + gallery)
    assert thread_start(locs, hits, texts) is None
