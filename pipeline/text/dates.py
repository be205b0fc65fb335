"""Dates in bylines and date lines: parse to ISO 8601 (date only) without guessing.

The words of dates (months, weekdays, publication labels) are ``date_names``' data, per
language. A date is read when its order is written: a month name ("5 марта 2024", "March 5,
2024", "5 de marzo de 2024"), ISO, day-first with dots ("14.03.2024"), year-first with dots
("2024.03.05") or the CJK year-month-day ("2024年3月5日"). "03/04/2024" is a date line but no
date: day and month could be either.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Iterable

from newsclean.pipeline.text.date_names import LANGUAGES, DateWords
from newsclean.pipeline.text.predicates import fold


def unmarked(text: str) -> str:
    """``text`` without its combining marks ("września" -> "wrzesnia", "Μαρτίου" -> "Μαρτιου")."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text)
                                                if not unicodedata.combining(c)))


def month_key(name: str) -> str:
    """The key of a month name in ``MONTHS``: case, marks and white space runs set aside."""
    return " ".join(unmarked(fold(name)).split())


def month_table(languages: dict[str, DateWords]) -> dict[str, int]:
    """Each month name's key -> its number; a name two languages give different months is an error."""
    table: dict[str, int] = {}
    for lang, words in languages.items():
        for number, forms in enumerate(words.months, start=1):
            for form in forms.split("|"):
                key = month_key(form)
                if table.setdefault(key, number) != number:
                    raise ValueError(f"date_names: {lang} month {number} {form!r} is month {table[key]} elsewhere")
    return table


def alternation(names: Iterable[str]) -> str:
    """A regex matching any of ``names`` and their forms without marks, a white space run
    matching any run: a trie (one branch per first letter, then per next one...), which the
    regex engine walks in a few steps where a flat alternation of hundreds of names tries each.
    The longer of two names sharing a start is tried first."""
    trie: dict = {}
    for form in {v for name in names for v in (name, unmarked(name))}:
        node = trie
        for ch in " ".join(form.split()):
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branches(trie)


def _branches(node: dict) -> str:
    parts = [(r"\s+" if ch == " " else re.escape(ch)) + _branches(child) for ch, child in sorted(node.items()) if ch]
    if not parts:
        return ""
    if "" in node:
        return f"(?:{'|'.join(parts)})?"
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _all(field: str, langs: Iterable[str] = LANGUAGES) -> list[str]:
    return [w for lang in langs for item in getattr(LANGUAGES[lang], field) for w in item.split("|")]


OTHERS = [lang for lang in LANGUAGES if lang != "en"]
MONTHS = month_table(LANGUAGES)
_M = "|".join(sorted(_all("months", ["en"]), key=len, reverse=True))  # English: month first too
_ALL_M = alternation(_all("months"))
MDY = re.compile(rf"\b(?P<m>{_M})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I)
# day, month name, year: "5 марта 2024", "5. März 2024", "1er avril 2024", "5 de marzo de 2024"
_DMY = (r"\b{d}(?:(?:st|nd|rd|th|er)?\s+|\.\s*)(?:de\s+)?(?=[^\W\d_]){m}\.?,?\s+(?:(?:de|del)\s+)?{y}\b")
DMY = re.compile(_DMY.format(d=r"(?P<d>\d{1,2})", m=rf"(?P<m>{_ALL_M})", y=r"(?P<y>\d{4})"), re.I)
ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
# numbers with dots: day first in Europe ("14.03.2024", "14. 3. 2024"), year first in Korea
DOTTED = re.compile(r"(?<![\w.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?!\d|\.\d)")
YEAR_FIRST = re.compile(r"(?<![\w.])(?P<y>\d{4})\.\s?(?P<m>\d{1,2})\.\s?(?P<d>\d{1,2})(?!\d|\.\d)")
CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]")
PARSERS = (ISO, MDY, DMY, DOTTED, YEAR_FIRST, CJK)

# a line that is only a date (and maybe a time): "Tuesday, June 17, 2025", "2024-02-29 10:00"
DATE_LINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:(?:{_M})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_M})\.?,?\s+\d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
    rf"(?:[\s,|at-]+\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*$",
    re.I,
)
# the same in every language of date_names: "Środa, 10 kwietnia 2013 r.", "5 марта 2024, 14:30",
# "14.03.2024 10:15 МСК", "Dienstag, 5. März 2024, 14:30 Uhr", "2024年3月5日（火）14時30分", and with
# the time first, as Russian and Ukrainian sites write it: "16:00 04 апреля 2013 г."
_WEEKDAY = rf"(?:(?:{alternation(_all('weekdays'))})\.?|[(（][月火水木金土日월화수목금토일][)）]|星期[一二三四五六日天]|周[一二三四五六日]|[월화수목금토일]요일)"
_ANY_DATE = (_DMY.format(d=r"\d{1,2}", m=f"(?:{_ALL_M})", y=r"\d{4}")
             + r"|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
             + r"|\d{4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]")
_TIME = (rf"(?:(?:{alternation(_all('time_words'))})\s*)?\d{{1,2}}(?:[:.h]\d{{2}}|時\d{{1,2}}分)(?::\d{{2}})?"
         r"(?:\s*(?:[ap]\.?m\.?|uhr|ч\.?|мск|[A-Z]{2,4}))?")
DATE_LINE_ANY = re.compile(
    rf"^(?:{_TIME}[\s,|/–—-]*)?(?:{_WEEKDAY},?\s*)?(?:{_ANY_DATE})(?:\s*(?:{alternation(_all('year_words'))})\.?)?"
    rf"(?:[\s,]*{_WEEKDAY})?(?:[\s,|/–—-]*{_TIME})?\s*$", re.I)
DATE_LINE_MAX = 100  # longer lines are no date line (the patterns never run over a paragraph)

# a publication stamp: English "Published ..." (any date in the line), other languages' label
# right before its date ("Опубликовано: 12 января 2012", "Veröffentlicht am 5. März 2024")
_EN = LANGUAGES["en"]
DATED = re.compile(rf"^(?:{'|'.join(_EN.labels)})\b\s*(?:{'|'.join(_EN.label_links)})?\s*[:|-]?\s*", re.I)
LABELED = re.compile(rf"^(?:{alternation(_all('labels', OTHERS))})(?:\s+(?:{alternation(_all('label_links', OTHERS))}))?"
                     r"\s*[:：|-]?\s*", re.I)
LEADING_WEEKDAY = re.compile(rf"{_WEEKDAY},?\s*", re.I)
OTHER_WEEKDAY = re.compile(rf"(?:{alternation(_all('weekdays', OTHERS))})\b", re.I)

YEAR = re.compile(r"\d{4}")  # every date the parsers read holds one
DIGIT = re.compile(r"\d")


def is_date_line(text: str) -> bool:
    t = text.strip()
    if DATE_LINE.match(t):
        return True
    return len(t) <= DATE_LINE_MAX and DIGIT.search(t) is not None and DATE_LINE_ANY.match(t) is not None


def iso_of(m: re.Match) -> str | None:
    """The ISO date of a parser's match, or None when it is no date (February 30; month 0:
    a name the patterns matched that the table does not know, which the tests rule out)."""
    month = m.group("m")
    number = int(month) if month.isdigit() else MONTHS.get(month_key(month), 0)
    try:
        return date(int(m.group("y")), number, int(m.group("d"))).isoformat()
    except ValueError:
        return None


# Day-first numbers with dots are Europe's order, but American pages write "06.18.2025": a
# dotted date whose first number could be a month is read only where the line says it is not
# English (a letter of these scripts, or a label or weekday of date_names' other languages)
DAY_FIRST_SCRIPT = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff\u0600-\u06ff]")
YEAR_FIRST_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")  # kana, Han, Hangul


def reads_day_first(text: str) -> bool:
    """Whether a dotted "05.03.2024" in ``text`` is 5 March: where the text says it is not
    English, by a Greek, Cyrillic or Arabic letter, another language's weekday at its start
    ("Środa, 10.04.2013") or another language's publication label ("Opublikowano: 05.03.2024";
    not Chinese, Japanese or Korean ones: they write the year first). The one rule of
    ``parse_date``, ``dateline`` and ``labeled_date``."""
    if DAY_FIRST_SCRIPT.search(text) is not None or OTHER_WEEKDAY.match(text) is not None:
        return True
    label = LABELED.match(text)
    return label is not None and YEAR_FIRST_SCRIPT.search(label.group()) is None


def parse_date(text: str, day_first: bool | None = None) -> str | None:
    """The first unambiguous date in ``text`` as YYYY-MM-DD, or None. ``day_first``: whether
    "05.03.2024" is read as 5 March (None: ``reads_day_first``)."""
    found = find_date(text, day_first)
    return None if found is None else found[1]


def find_date(text: str, day_first: bool | None = None) -> tuple[re.Match, str] | None:
    """``parse_date``'s date and the match it was read from: the first of the first parser that
    reads one."""
    if YEAR.search(text) is None:
        return None
    for pattern in PARSERS:
        m = pattern.search(text)
        if m is None:
            continue
        if pattern is DOTTED and int(m.group("d")) <= 12:
            if day_first is None:
                day_first = reads_day_first(text)
            if not day_first:
                continue
        iso = iso_of(m)
        if iso is not None:
            return m, iso
    return None


def labeled_date(text: str) -> str | None:
    """The date right after a label of date_names ("Opublikowano: 12 lutego 2024, 10:15"), or
    None: the label must be followed by its date, not by words ("Обновлено 5 раз")."""
    label = LABELED.match(text)
    if label is None:
        return None
    rest = text[label.end():]
    weekday = LEADING_WEEKDAY.match(rest)
    if weekday is not None:
        rest = rest[weekday.end():]
    for pattern in PARSERS:
        m = pattern.match(rest)
        if m is None:
            continue
        if pattern is DOTTED and int(m.group("d")) <= 12 and not reads_day_first(text):
            return None
        return iso_of(m)
    return None


def dateline(text: str) -> str | None:
    """The ISO date of a line that is only a date or a "Published ..." line, else None."""
    t = text.strip()
    if len(t) >= 80:
        return None
    if is_date_line(t) or DATED.match(t):
        return parse_date(t)
    return labeled_date(t)


DATE_WORDS = re.compile(
    rf"\b(?:{_M}|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"am|pm|a\.m|p\.m|updated?|published|posted|last|on|at|ago|hours?|minutes?|mins?|gmt|utc|[a-z]?[sd]t|"
    r"min read|read)\b\.?|\d+(?:st|nd|rd|th)?|[^\w\s]", re.I)
# the other languages' date words: months, weekdays, labels, the words around a year or a time
# (one word each: "data" of "data publikacji" is an English word too)
OTHER_DATE_WORDS = frozenset(month_key(w) for field in ("months", "weekdays", "labels", "label_links", "year_words",
                                                        "time_words") for w in _all(field, OTHERS) if " " not in w)
EN_MONTHS = frozenset(month_key(m) for m in _all("months", ["en"]))


def is_dateish(text: str) -> bool:
    """A line that is a date with some time or update words around it ("November 19, 2019
    / 12:21 AM / Updated 6 hours ago", "Опубликовано: 14 марта 2023 в 10:42"), not a headline
    that mentions a date ("Horoskop tygodniowy 21 - 27 listopada 2011"). An English date may
    have two other words around it; another language's, whose time words are not all listed,
    one word outside its date words."""
    found = find_date(text)
    if found is None:
        return False
    m = found[0]
    if m.re is ISO or m.re is MDY or (m.re is DMY and month_key(m.group("m")) in EN_MONTHS):
        return len(DATE_WORDS.sub(" ", text).split()) < 3
    rest = DATE_WORDS.sub(" ", DMY.sub(" ", text)).split()
    return sum(1 for w in rest if month_key(w) not in OTHER_DATE_WORDS) < 2
