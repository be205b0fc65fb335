"""Language packs beyond the first seven (issue 15 point 2): a news page per language, written
for the test (tests/fixtures/langs/), through the whole of clean_bytes: its chrome lines are
dropped, each with its language's rule; its article lines stay; its headline, byline and date
line fill the title, authors and publication date. Chinese and Japanese are counted in words and sentences like the rest."""
import tomllib

import pytest

from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.text.languages import guess_language
from newsclean.pipeline.text.predicates import ends_like_sentence, is_headline, is_sentence, words

from tests.conftest import FIXTURES

PAGES = FIXTURES / "langs"
EXPECTED = tomllib.loads((PAGES / "expected.toml").read_text(encoding="utf-8"))


def page_lines(lang: str) -> list[str]:
    return [line for line in (PAGES / f"{lang}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def article_lines(lang: str) -> list[str]:
    """The lines after the byline that are not chrome: the article's."""
    lines, expected = page_lines(lang), EXPECTED[lang]
    byline = next(i for i, line in enumerate(lines) if parse_byline(line))
    return [line for line in lines[byline + 1:] if line not in expected["drop"]]


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_chrome_is_dropped_by_its_language_rule_and_the_article_kept(clean, lang):
    expected = EXPECTED[lang]
    out = clean((PAGES / f"{lang}.txt").read_bytes(), id=lang)
    body = [" ".join(b.text.split()) for b in out.article.blocks]
    by_line = {c.before: c.rule for c in out.changes if c.before and c.action == "drop"}
    for line, rule in expected["drop"].items():
        assert by_line.get(line) == rule, f"{lang}: {line!r} dropped by {by_line.get(line)}, not {rule}"
    article = article_lines(lang)
    assert len(article) == 4
    for line in article:
        assert " ".join(line.split()) in body, f"{lang}: article line lost: {line!r}"
    assert out.article.title == expected["title"]
    assert list(out.article.authors) == expected["authors"]


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_the_date_line_fills_published(clean, lang):
    """The date line under the headline is the metadata stage's: its language's date rule
    ("bp.ru-time-ago") no longer drops it before the metadata stage reads it."""
    expected = EXPECTED[lang]
    out = clean((PAGES / f"{lang}.txt").read_bytes(), id=lang)
    assert out.article.published == expected.get("published")
    if "date_line" in expected:
        taken = [(c.rule, c.action) for c in out.changes if c.before == expected["date_line"]]
        assert taken == [("meta.date", "extract")]


@pytest.mark.parametrize("lang, language", [("ru", "ru"), ("pl", "pl"), ("cs", "cs"), ("el", "el"),
                                            ("ar", "ar"), ("zh", "zh"), ("ja", "ja")])
def test_the_article_language_is_found(clean, lang, language):
    assert clean((PAGES / f"{lang}.txt").read_bytes(), id=lang).article.language == language


ZH = "杭州市发展和改革委员会周二宣布，该市将新建三条地铁线路，总长度超过一百公里。"
JA = "大阪市は14日、市内の全ての小学校の体育館に冷房設備を導入する方針を明らかにした。"


@pytest.mark.parametrize("text, count", [
    ("分享", 1),  # a one- or two-character label is a word, not none
    ("打", 1),
    ("相关新闻", 2),
    ("东京で地震が発生しました", 6),
    (ZH, 8 + 6 + 5),  # runs of 15, 11 and 9 characters between the commas and the full stop
    ("Kindle for PCをCtrl＋Alt＋Kで起動する", 3 + 1 + 3 + 3),  # 6 Latin words; を, で起動する
    ("대통령은 월요일 새로운 경제 정책을 발표했다.", 6),  # Korean separates words by spaces
    ("「これは重要だ」と述べた。", 3 + 2),  # the brackets and the full stop are not words
])
def test_cjk_runs_count_two_characters_to_a_word(text, count):
    assert words(text) == count


def test_cjk_sentences_end_with_their_own_full_stops():
    assert ends_like_sentence(ZH) and ends_like_sentence(JA)
    assert ends_like_sentence("市長は「一日も早く整えたい」と述べた。") and ends_like_sentence("本当に実現するのか？」")
    assert not ends_like_sentence("相关新闻") and not ends_like_sentence("分享到：")
    cfg = CleanConfig()
    assert is_sentence(ZH, cfg) and is_sentence(JA, cfg)
    assert not is_sentence("杭州将新建三条地铁线路 预计2027年全部通车", cfg)


def test_a_headline_in_a_script_without_case_is_a_headline():
    cfg = CleanConfig()
    assert is_headline("杭州将新建三条地铁线路 预计2027年全部通车", cfg)
    assert is_headline("افتتاح محطة جديدة لتحلية المياه في مدينة العقبة", cfg)
    assert not is_headline(ZH, cfg)  # it closes with a full stop
    assert not is_headline("the minister said nothing new today", cfg)


@pytest.mark.parametrize("texts, language", [
    ([ZH, "据介绍，三条线路将连接城市东部的新区和西部的科技园区，总投资约为八百亿元。"], "zh"),
    ([JA, "市の教育委員会によると、近年の猛暑で体育の授業や学校行事を中止するケースが増えている。"], "ja"),
    (["分享到", "相关新闻"], None),  # too few words to tell
])
def test_chinese_and_japanese_are_told_by_their_script(texts, language):
    assert guess_language(texts) == language


def test_a_page_without_stop_words_keeps_its_article_beside_english_chrome(clean):
    """A Chinese article on a page whose menus and footer are English: the English stop words
    must not make the page English and its Chinese paragraphs non-sentences."""
    english = ["Home", "About us and our team of reporters in the city",
               "Sign in to your account to read the rest of the news on this site",
               "We use cookies to give you the best experience on our website and to show you relevant ads",
               "Terms of use and the privacy policy of this site apply to all of the content you see here"]
    body = [line for line in page_lines("zh")[6:] if line not in EXPECTED["zh"]["drop"]]
    raw = "\n".join(english[:3] + page_lines("zh")[3:6] + body + english[3:])
    out = clean(raw, id="zh-en")
    kept = [" ".join(b.text.split()) for b in out.article.blocks]
    for line in body:
        assert line in kept, line
    assert out.article.language == "zh"


@pytest.mark.parametrize("text, names", [
    ("Автор: Ирина Смирнова", ("Ирина Смирнова",)),
    ("Текст: Иван Петров, Анна Смирнова", ("Иван Петров", "Анна Смирнова")),
    ("Autor: Łukasz Żółkiewski", ("Łukasz Żółkiewski",)),
    ("Autoři: Petr Dvořák a Jana Nováková", ("Petr Dvořák", "Jana Nováková")),
    ("Γράφει ο Νίκος Παπαδόπουλος", ("Νίκος Παπαδόπουλος",)),
    ("Haber: Ayşe Yılmaz", ("Ayşe Yılmaz",)),
    ("بقلم: محمد العلي", ("محمد العلي",)),
    ("记者 王小明 李华", ("王小明", "李华")),
    ("（記者：田中一郎）", ("田中一郎",)),
    # not bylines: no name after the label, a sentence, a name in lower case
    ("Автор: неизвестен", None),
    ("Текст: см. ниже", None),
    ("Автор статьи уверен, что Иван Петров прав.", None),
    ("Haber: bakanlık yeni bir açıklama yaptı", None),
    ("بقلم: في هذا اليوم", None),
    ("记者从市政府获悉，新线路将于年底开通。", None),
])
def test_labelled_bylines_of_more_languages(text, names):
    assert parse_byline(text) == names


def coverage_table() -> tuple[list[str], list[list[str]]]:
    """docs/rules.md's table of language by label: (columns, rows of cells)."""
    text = (FIXTURES.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| ") and "`" in line or line.startswith("| label |")]
    return rows[0], rows[1:]


def test_the_documented_coverage_names_real_rules_in_their_language_column(ctx):
    import re

    columns, rows = coverage_table()
    assert columns[1:10] == ["ru", "uk", "pl", "cs", "el", "tr", "ar", "zh", "ja"]
    known = {r.id for r in ctx.rules.general}
    assert len(rows) >= 9
    for row in rows:
        for lang, cell in zip(columns[1:], row[1:]):
            ids = re.findall(r"`([\w.-]+)`", cell)
            if lang in columns[1:10]:
                assert ids or cell == "—", (row[0], lang)
            for rid in ids:
                assert rid == "meta.byline" or rid == "meta.date" or rid in known, rid
                prefix = re.match(r"bp\.([a-z]{2})-", rid)
                if prefix and prefix.group(1) in columns[1:10]:
                    assert prefix.group(1) == lang, (rid, lang)


def test_a_caseless_line_does_not_head_a_story_in_a_cased_script(clean):
    """"阅读简体中文版" (a link to the story's Chinese translation) just above an English body
    is no headline: the English headline further up is."""
    raw = "\n".join([
        "Business", "Trade War Keeps World Guessing", "*", "*", "+", "+", "By Ana Swanson",
        "阅读简体中文版閱讀繁體中文版",
        "When the president's advisers suggested that Beijing resume buying farm products, he asked for more.",
        "The talks have dragged on for a year and a half, and no agreement has been signed so far.",
        "Both sides say they want a deal, but neither has moved on the main points of the dispute."])
    assert clean(raw, id="caseless").article.title == "Trade War Keeps World Guessing"


# --- scripts that end a sentence otherwise, or write no space between words ----------------------

SCRIPTS = FIXTURES / "scripts"
SCRIPT_PAGES = tomllib.loads((SCRIPTS / "expected.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", sorted(SCRIPT_PAGES))
def test_a_page_whose_sentences_end_otherwise_keeps_its_article(clean, lang):
    """Hindi ends a sentence with a danda, Urdu with "۔" or "؟", Thai with no mark at all (and
    writes no space between words): their paragraphs are sentences, their menus and chrome are
    not. Before, no paragraph of these pages read as a sentence and the block classifier took
    the whole article."""
    expected = SCRIPT_PAGES[lang]
    out = clean((SCRIPTS / f"{lang}.txt").read_bytes(), id=lang)
    body = [" ".join(b.text.split()) for b in out.article.blocks]
    for line in expected["article"]:
        assert line in body, f"{lang}: article line lost: {line!r}"
    logged = {c.before for c in out.changes if c.action == "drop"}
    for line in expected["chrome"]:
        assert line not in body and line in logged, f"{lang}: chrome kept or not logged: {line!r}"
    assert out.article.title == expected["title"]


@pytest.mark.parametrize("stop", list("।॥۔؟։።፧။།។៕"))
def test_the_sentence_marks_of_caseless_scripts_end_a_sentence_and_break_one(stop):
    from newsclean.pipeline.text.credits import sentence_count

    text = f"इस वाक्य में कई शब्द हैं और यह पूरा है{stop}"
    assert ends_like_sentence(text) and is_sentence(text, CleanConfig())
    assert sentence_count(f"{text} दूसरा वाक्य भी यहाँ है{stop}") == 2
    assert not ends_like_sentence(f"शेयर करें {stop} होम")


@pytest.mark.parametrize("text, count", [
    ("แชร์", 1),  # a label is a word
    ("ภาษาไทย", 2),  # seven code points
    ("เมื่อวันจันทร์ที่ผ่านมาเกิดฝนตกหนักในกรุงเทพมหานคร", 13),  # 50 code points; 12 words segmented by hand
    ("ฝนตกหนักในกรุงเทพฯ ทำให้น้ำท่วมหลายพื้นที่", 5 + 6),  # 18 and 21 code points, between them a space
    ("ຂ່າວລ່າສຸດ", 3),  # Lao, ten code points
    ("ព័ត៌មានថ្មីៗ", 3),  # Khmer, twelve
    ("မြန်မာနိုင်ငံ", 4),  # Burmese, thirteen
    ("Bangkok ฝนตก 2024", 3),  # "ฝนตก" (it rains): four code points, one word
])
def test_thai_lao_khmer_and_burmese_runs_count_four_code_points_to_a_word(text, count):
    assert words(text) == count


def test_thai_reads_as_a_sentence_by_its_length_alone():
    cfg = CleanConfig()
    sentence = "ผู้เชี่ยวชาญกล่าวว่าระบบระบายน้ำของเมืองจำเป็นต้องได้รับการปรับปรุงอย่างเร่งด่วน"  # 80 code points
    assert is_sentence(sentence, cfg) and not ends_like_sentence(sentence)
    assert not is_sentence("ฝนตกหนักในกรุงเทพฯ ทำให้น้ำท่วมหลายพื้นที่", cfg)  # a headline: 11 words
    assert not is_sentence("ข่าวที่เกี่ยวข้อง", cfg)


def test_the_classifier_drops_nothing_on_a_page_where_no_block_reads_as_running_text(clean):
    """A script whose sentence mark newsclean does not know (here Meetei Mayek's "꯫" in place of
    Hindi's danda): no block reads as running text, and the model, fitted on pages with an
    article, would take every line. It drops nothing then; its low scores are flagged."""
    raw = (SCRIPTS / "hi.txt").read_text(encoding="utf-8").replace("।", "꯫")
    out = clean(raw, id="unknown-stop")
    body = [" ".join(b.text.split()) for b in out.article.blocks]
    for line in SCRIPT_PAGES["hi"]["article"]:
        assert line.replace("।", "꯫") in body
    assert not [c for c in out.changes if c.rule == "clf.blocks"]
    assert [c for c in out.changes if c.rule == "clf.unsure"]


ENGLISH_CHROME = ["About us and our team of reporters in the city.",
                  "Sign in to your account to read the rest of the news on this site.",
                  "We use cookies to give you the best experience on our website and to show you relevant ads.",
                  "Terms of use and the privacy policy of this site apply to all of the content you see here."]


@pytest.mark.parametrize("lang", ["hi", "th", "ur"])
def test_english_chrome_does_not_make_a_page_in_another_script_english(clean, lang):
    """Four English sentences of chrome hold more stop words than any other language on a
    Hindi, Thai or Urdu page: taken for English, none of its own paragraphs held enough stop
    words to read as running text, and the classifier took the whole article, keeping the
    English chrome. Most of its letters are not Latin: no language is guessed from stop words."""
    lines = (SCRIPTS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    raw = "\n".join(ENGLISH_CHROME[:2] + lines + ENGLISH_CHROME[2:])
    body = [" ".join(b.text.split()) for b in clean(raw, id=lang).article.blocks]
    for line in SCRIPT_PAGES[lang]["article"]:
        assert line in body, f"{lang}: article line lost: {line!r}"
    assert guess_language([line for line in raw.splitlines() if words(line) >= 5]) is None


def test_a_page_is_guessed_in_its_own_script():
    from newsclean.pipeline.text.languages import in_its_script

    english = ["The minister said on Monday that the talks would resume next week in Geneva."] * 3
    hindi = ["राजधानी दिल्ली में सोमवार को हुई भारी बारिश से कई इलाकों में जलभराव हो गया।"] * 3
    russian = ["Министр заявил в понедельник, что переговоры возобновятся на следующей неделе."] * 3
    assert in_its_script(english, "en") and not in_its_script(english, "ru")
    assert in_its_script(russian, "ru") and not in_its_script(russian, "en")
    assert not in_its_script(english[:1] + hindi, "en") and in_its_script(english + hindi[:1], "en")


VIETNAMESE = ["Trang chủ", "Thời sự", "Mưa lớn gây ngập nhiều tuyến phố ở Hà Nội",
              "Trận mưa lớn kéo dài từ sáng thứ hai đã khiến nhiều tuyến phố ở Hà Nội bị ngập sâu.",
              "Trung tâm dự báo khí tượng cho biết mưa sẽ tiếp tục trong hai ngày tới.",
              "Theo cảnh sát giao thông, nhiều tuyến đường chính bị ùn tắc kéo dài và người dân gặp nhiều khó khăn.",
              "Chính quyền thành phố đã huy động thêm máy bơm để tiêu thoát nước tại các điểm ngập.",
              "Các chuyên gia cho rằng hệ thống thoát nước của thành phố cần được cải tạo gấp."]


def test_english_chrome_does_not_make_a_latin_script_page_english(clean):
    """A Vietnamese page (Latin letters, no stop-word list) with the same English chrome: the
    letters do not tell, the longest sentences do (the article's, with no English stop words).
    Taken for English, the page kept none of its five paragraphs; judged by its structure, it
    keeps four (the first, under two English sentences that look like the article's start, is
    still lost on this short page)."""
    raw = "\n".join(ENGLISH_CHROME[:2] + VIETNAMESE + ENGLISH_CHROME[2:])
    body = [b.text for b in clean(raw, id="vi").article.blocks]
    assert sum(line in body for line in VIETNAMESE[3:]) >= 4
    assert guess_language([line for line in raw.splitlines() if words(line) >= 5]) is None
    english = ["The minister said on Monday that the talks would resume next week in Geneva, officials said.",
               "Analysts expect the negotiations to continue for several more months at the very least.",
               "The opposition said the plan would cost the country far more than the government admits."]
    assert guess_language(english * 3) == "en"
