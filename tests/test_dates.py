"""Dates in every language of date_names (pipeline/text/date_names.py): each language's
examples give their ISO date, its ``keep`` lines none; headlines that hold a number and a month
are no date lines; a dotted date whose order the line does not tell is not guessed; a Russian
and a Polish article get ``published`` from their date line."""
from pathlib import Path

import pytest

from newsclean.pipeline.text import dates
from newsclean.pipeline.text.date_names import LANGUAGES, DateWords
from newsclean.pipeline.text.dates import dateline, is_date_line, is_dateish, month_table, parse_date

EXAMPLES = [(lang, line, iso) for lang, words in LANGUAGES.items() for line, iso in words.examples]
KEEP = [(lang, line) for lang, words in LANGUAGES.items() for line in words.keep]


@pytest.mark.parametrize("lang, line, iso", EXAMPLES)
def test_each_languages_examples_give_their_date(lang, line, iso):
    assert dateline(line) == iso, f"{lang}: {line!r}"


@pytest.mark.parametrize("lang, line", KEEP)
def test_each_languages_keep_lines_are_no_date_line(lang, line):
    assert (dateline(line), is_date_line(line), is_dateish(line)) == (None, False, False), f"{lang}: {line!r}"


def test_every_language_with_months_gives_twelve_and_examples():
    for lang, words in LANGUAGES.items():
        assert len(words.months) in (0, 12), lang
        assert words.examples and words.keep, lang
    assert {"ru", "uk", "pl", "cs", "el", "tr", "de", "fr", "es", "it", "pt", "nl", "ar", "ja", "zh", "ko"} <= set(LANGUAGES)


def test_a_month_name_two_languages_disagree_on_is_an_error():
    """"listopad" is November in Polish and Czech but October in Croatian: the table says so
    at import rather than read one of them wrong."""
    croatian = DateWords(months=("siječanj", "veljača", "ožujak", "travanj", "svibanj", "lipanj", "srpanj", "kolovoz",
                                 "rujan", "listopad", "studeni", "prosinac"))
    with pytest.raises(ValueError, match="listopad"):
        month_table({**LANGUAGES, "hr": croatian})


@pytest.mark.parametrize("line", [
    "Май 2024 года стал рекордным по числу туристов",
    "9 мая 2024 года в Москве прошёл парад Победы",
    "5 марта: что изменится в законах с весны",
    "Apple представит новый iPhone 5 марта 2024",
    "Топ-10 событий марта 2024 года",
    "12 lutego 2024 r. Sejm przyjął nową ustawę o mediach",
    "Ceny paliw 5 marca 2024 - sprawdź",
    "Horoskop tygodniowy 21 - 27 listopada 2011",  # daniel-dev: the headline, lost to "Zaloguj się" when dateish
    "15 Μαρτίου 2024: Τι αλλάζει στις συντάξεις",
    "Landtagswahl am 5. März 2024 wegen Sturm abgesagt",
    "Le 5 mars 2024, la grève a paralysé Paris",
    "Opublikowano nowy raport o cenach mieszkań z 5 marca 2024",
    "2024年3月5日に東京で開かれた会議の結果",
    "Dates announced for the March 3, 2025 concert",  # "Date" is a label, "Dates" no label
    "Dated March 3, 2025, the letter was never sent",
])
def test_a_headline_with_a_number_and_a_month_is_no_date_line(line):
    assert not is_date_line(line) and not is_dateish(line) and dateline(line) is None


@pytest.mark.parametrize("line, iso", [
    ("03/04/2024", None),  # slashes: day and month could be either
    ("06.18.2025", None),  # American order with dots: no month 18
    ("06.07.2025", None),  # nothing on the line says which order
    ("Updated 05.03.2024", None),  # an English label does not say it either
    ("입력 05.03.2024", None),  # Korean writes the year first
    ("14.03.2024 10:15", "2024-03-14"),  # no month 14: the day comes first
    ("10.04.2013 10:25 МСК", "2013-04-10"),  # a Cyrillic line
    ("Środa, 10.04.2013", "2013-04-10"),  # a Polish weekday
    ("Aktualizacja: 05.03.2023", "2023-03-05"),  # a Polish label
    ("Stand: 05.03.2024 14:30 Uhr", "2024-03-05"),
    ("14. 3. 2023", "2023-03-14"),
    ("2024.03.05", "2024-03-05"),
    ("5 февраля 2024", "2024-02-05"),
    ("30 февраля 2024", None),  # no such day
])
def test_numbers_are_read_only_in_an_order_the_line_tells(line, iso):
    assert dateline(line) == iso


@pytest.mark.parametrize("line, iso", [
    ("Środa, 10.04.2013", "2013-04-10"),  # another language's weekday
    ("Opublikowano: 05.03.2024", "2024-03-05"),  # another language's label
    ("Обновлено 05.03.2024", "2024-03-05"),  # a Cyrillic letter
    ("18.06.2025", "2025-06-18"), ("05.06.2025", None),  # English: day first only when it cannot be a month
    ("发布时间：2024.03.05", "2024-03-05"),
])
def test_one_rule_says_when_a_dotted_date_is_day_first(line, iso):
    """parse_date, dateline and labeled_date each had a rule of their own: parse_date read
    "Środa, 10.04.2013" as no date where dateline read 10 April, and is_dateish said no."""
    assert parse_date(line) == dateline(line) == iso
    if iso is not None:
        assert is_dateish(line)


@pytest.mark.parametrize("line, iso", [
    ("16:00 04 апреля 2013 г.", "2013-04-04"), ("16:02, 10 апреля 2013", "2013-04-10"),
    ("14:39 | 25.11.2011", "2011-11-25"), ("9:30 28 ноября 2011 г.", "2011-11-28"),
    ("11:42 04.01.2012", None),  # a date line; which number is the day, the line does not say
])
def test_a_date_line_may_open_with_its_time(line, iso):
    """Russian and Ukrainian sites write the time first ("16:00 04 апреля 2013 г."): such a
    line was no date line, so the page got no published date and the classifier no date."""
    assert is_date_line(line) and dateline(line) == iso


def test_a_headline_that_opens_with_a_time_is_no_date_line():
    assert not is_date_line("10:30 Council meets on 5 March 2024 to vote on the budget")
    assert not is_date_line("10:14 В Курске подведут итоги фотоконкурса 5 марта 2024")


def test_parse_date_finds_dates_inside_text_in_any_language():
    assert parse_date("Заседание прошло 5 марта 2024 года в Москве") == "2024-03-05"
    assert parse_date("Spotkanie odbyło się 12 lutego 2024 r. w Warszawie") == "2024-02-12"
    assert parse_date("会議は2024年3月5日に開かれた") == "2024-03-05"
    assert parse_date("회의는 2024년 3월 5일 열렸다") == "2024-03-05"
    assert parse_date("no date here") is None


def test_a_long_paragraph_is_no_date_line():
    assert not is_date_line("5 марта 2024, 14:30 " + "и " * dates.DATE_LINE_MAX)


BODY_RU = [
    "Власти города утвердили план ремонта дорог на следующий год, в него вошли сорок улиц.",
    "По словам чиновников, на работы направят около трех миллиардов рублей из бюджета.",
    "Ремонт начнется в апреле, как только позволит погода, сообщили в мэрии города.",
]
BODY_PL = [
    "Miasto wyremontuje starsze tramwaje i kupi dwadzieścia nowych wagonów w tym roku.",
    "Jak poinformował wiceprezydent, zakup będzie kosztował około dwustu milionów złotych.",
    "Pierwsze wagony trafią do zajezdni już wiosną, a najstarsze zostaną wycofane z ruchu.",
]


@pytest.mark.parametrize("lines, iso", [
    (["Главная", "Новости", "Мэрия утвердила план ремонта дорог на следующий год", "5 марта 2024, 14:30",
      "Автор: Ирина Смирнова", *BODY_RU, "Поделиться", "Комментарии (3)"], "2024-03-05"),
    (["Главная", "Мэрия утвердила план ремонта дорог на следующий год", "Опубликовано: 12 января 2012, 12:05",
      *BODY_RU], "2012-01-12"),
    (["Strona główna", "Gdańsk kupi dwadzieścia nowych wagonów tramwajowych", "Opublikowano: 12 lutego 2024, 10:15",
      "Autor: Anna Nowak", *BODY_PL, "Udostępnij", "Komentarze (12)"], "2024-02-12"),
    (["Strona główna", "Gdańsk kupi dwadzieścia nowych wagonów tramwajowych", "Środa, 10 kwietnia 2013 r.",
      *BODY_PL], "2013-04-10"),
])
def test_a_russian_and_a_polish_article_get_published(clean, lines, iso):
    out = clean("\n".join(lines))
    assert out.article.published == iso
    assert [c.rule for c in out.changes if c.before == lines[lines.index(next(t for t in lines if iso[:4] in t))]] \
        == ["meta.date"]
    assert [b.text for b in out.article.blocks] == (BODY_RU if "Мэрия" in lines[1] + lines[2] else BODY_PL)


def test_dates_of_a_list_under_a_teaser_are_not_kept_for_the_metadata_stage(clean):
    """Bare dates of two different days between the headline and the body are a "more stories"
    list's (a teaser taken for the headline): they are not kept for the metadata stage, and they
    are dropped as pos.list-date (aeb 3cb5e2f4: a 2019 article got its list's 2015)."""
    body = ["Officials said on Monday that the talks would resume next week in Geneva, and soon.",
            "The minister added that no agreement had been reached on the main points yet, he said.",
            "Analysts expect the negotiations to continue for several more months at least, they said."]
    raw = "\n".join(["Home", "More stories", "Talks Stall Again Over The Long Border Dispute Between The Two Neighbours",
                     "November 20, 2015", "WORLD", "Ministers Meet", "September 12, 2016", *body])
    out = clean(raw)
    assert out.article.title.startswith("Talks Stall Again")  # the teaser taken for the headline
    for date in ("November 20, 2015", "September 12, 2016"):
        assert [(c.rule, c.action) for c in out.changes if c.before == date] == [("pos.list-date", "drop")]
    assert out.article.published is None  # a list's date, kept by the classifier, was taken before


def test_a_lists_date_the_classifier_would_keep_is_no_published_date(clean):
    # a Russian agency's "Ещё по теме" list under the headline: two stories, each with its
    # date; the classifier kept the second date (score 0.414) and the metadata stage took it as
    # the article's published date (2012-03-14 for a story of 2012-01-04). The list's dates go
    lines = (Path(__file__).parent / "fixtures" / "langs" / "ru-comment-policy.txt").read_text(encoding="utf-8")
    out = clean(lines)
    assert out.article.published is None
    assert {c.before: c.rule for c in out.changes if c.rule == "pos.list-date"} == {
        "21 марта 2012, 11:49": "pos.list-date", "14 марта 2012, 22:46": "pos.list-date"}


def test_a_lead_image_line_under_the_byline_and_its_date_is_a_caption(clean):
    body = ["Officials said on Monday that the talks would resume next week in Geneva, and soon.",
            "The minister added that no agreement had been reached on the main points yet, he said.",
            "Analysts expect the negotiations to continue for several more months at least, they said."]
    raw = "\n".join(["Talks To Resume Next Week In Geneva", "By Jane Doe", "Published March 3, 2025",
                     "The palace of nations", *body])
    out = clean(raw)
    assert out.article.published == "2025-03-03"
    assert [c.text for c in out.article.captions] == ["The palace of nations"]
    assert [b.text for b in out.article.blocks] == body


def test_every_form_the_patterns_match_has_its_month():
    """Each month form, as written, without its marks and upper-cased, is found by the day-month
    pattern and gives its own month (no name the regex knows is missing from the table)."""
    for lang, words in LANGUAGES.items():
        for number, forms in enumerate(words.months, start=1):
            for form in forms.split("|"):
                for written in {form, dates.unmarked(form), dates.unmarked(form).upper()}:
                    assert parse_date(f"5 {written} 2024") == f"2024-{number:02d}-05", (lang, written)
