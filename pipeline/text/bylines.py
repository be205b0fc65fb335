"""Bylines: find author names in a line such as "By Jane Doe and John Roe",
"Geoff Brown - Freelance Journalist", or a labelled byline of another language
("Автор: Иван Петров", "Autor: Jan Kowalski", "记者 王小明", "文：山田太郎")."""
from __future__ import annotations

import re
from functools import lru_cache

import regex

from newsclean.pipeline.text.languages import STOPWORDS
from newsclean.pipeline.text.predicates import CACHE, is_name

ROLE = (r"(?:(?:freelance|staff|senior|chief|contributing|guest|political|foreign|business|sports|"
        r"science|health|tech(?:nology)?|news|associate|managing|deputy|digital)\s+)*"
        r"(?:journalist|writer|reporter|editor|correspondent|contributor|columnist|author|producer|"
        r"analyst|critic|blogger)s?")
BY_PREFIX = re.compile(r"^(?:written\s+)?by[:\s]\s*(?P<names>.+?)\s*$", re.I)
NAME_ROLE = re.compile(rf"^(?P<names>[^|–—\-,]+?)\s*(?:[|–—-]|,)\s*(?P<role>(?:an?\s+)?{ROLE}\b.*)$", re.I)
ROLE_ONLY = re.compile(rf"^{ROLE}$", re.I)
TRAILING = re.compile(r"(?:\s*\|.*|(?:\s*,|\s+[–—-])\s*(?:[A-Z][\w.&' ]{0,40}|\d.*)|\s+(?:for|at|in)\s+\S.*|\s+on\s+\w+.*)$")
SPLIT = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|\s*&\s*|\s+und\s+|\s+y\s+|\s+et\s+)\s*")


# Byline labels of the languages beyond the first seven (issue 15), as data. A label is
# followed by a colon and one to three names ("Автор: Иван Петров"); a lead by a space ("记者
# 王小明", "Γράφει ο Νίκος Παπαδόπουλος"). Each list holds the words its language's news sites
# put before the author's name; a name must look like one in its script (capitalised words;
# Arabic words that are not stop words; two to six CJK characters), so that "Автор: неизвестен"
# or "Текст: см. ниже" stays a line of text.
BYLINE_LABELS: dict[str, tuple[str, ...]] = {
    "ru": ("автор", "авторы", "автор текста", "текст", "корреспондент", "обозреватель",
           "материал подготовил", "материал подготовила", "подготовил", "подготовила"),
    "uk": ("автор", "автори", "авторка", "текст", "кореспондент", "оглядач",
           "матеріал підготував", "матеріал підготувала", "підготував", "підготувала"),
    "pl": ("autor", "autorka", "autorzy", "tekst", "opracował", "opracowała", "oprac."),
    "cs": ("autor", "autorka", "autoři", "text", "připravil", "připravila"),
    "el": ("συντάκτης", "συντάκτρια", "κείμενο", "συντάκτες"),
    "tr": ("yazar", "yazan", "haber", "muhabir", "editör", "hazırlayan"),
    "ar": ("بقلم", "كتب", "كتبت", "كتبه", "إعداد", "اعداد", "تقرير", "المحرر", "الكاتب"),
    "zh": ("记者", "作者", "撰文", "文", "通讯员"),
    "ja": ("記者", "文", "筆者", "執筆", "文・写真", "取材・文", "著者"),
}
BYLINE_LEADS: dict[str, tuple[str, ...]] = {
    "el": ("γράφει ο", "γράφει η", "γράφουν οι"),
    "ar": ("بقلم",),
    "zh": ("记者", "本报记者", "本台记者", "新华社记者", "中新社记者", "特约记者", "通讯员"),
    "ja": ("記者",),
}


def _alternation(table: dict[str, tuple[str, ...]]) -> str:
    return "|".join(sorted({regex.escape(w) for words in table.values() for w in words}, key=len, reverse=True))


# optional brackets around the whole line ("（記者：田中一郎）")
LABELLED = regex.compile(rf"^[(（]?\s*(?:(?:{_alternation(BYLINE_LABELS)})\s*[:：]|(?:{_alternation(BYLINE_LEADS)})\s)"
                         rf"\s*(?P<names>.+?)\s*[)）]?\s*$", regex.IGNORECASE)
LABELLED_SPLIT = regex.compile(r"\s*(?:,|;|\s+(?:и|і|й|та|i|a|και|ve|و)\s+)\s*")
UNICODE_NAME = regex.compile(r"^(?:\p{Lu}[\p{Ll}\p{M}\x27’-]*\p{Ll}|\p{Lu}\.)$")
ARABIC_NAME = regex.compile(r"^\p{Arabic}{2,}$")
CJK_SPLIT = regex.compile(r"[\s、，,]+")
CJK_NAME = regex.compile(r"^[\p{Han}\p{Hiragana}\p{Katakana}ー・]{2,6}$")


def labelled_names(text: str) -> tuple[str, ...] | None:
    """The names of a labelled byline ("Автор: Иван Петров", "记者 王小明 李华"), or None."""
    m = LABELLED.match(text)
    if not m:
        return None
    part = m.group("names")
    cjk = [n for n in CJK_SPLIT.split(part) if n]
    if cjk and all(CJK_NAME.match(n) for n in cjk):
        return tuple(cjk) if len(cjk) <= 3 else None
    names = [n for n in LABELLED_SPLIT.split(part) if n]
    if 1 <= len(names) <= 3 and all(map(_labelled_name, names)):
        return tuple(names)
    return None


def _labelled_name(text: str) -> bool:
    """A person's name in a labelled byline: two to four capitalised words (any script that has
    capitals), or two to four Arabic words none of which is a stop word."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    if all(ARABIC_NAME.match(t) for t in tokens):
        return STOPWORDS["ar"].isdisjoint(tokens)
    return all(UNICODE_NAME.match(t) for t in tokens)


@lru_cache(maxsize=CACHE)
def parse_byline(text: str) -> tuple[str, ...] | None:
    """Author names of a byline line, or None when the line is not a byline."""
    t = text.strip()
    if len(t) > 120:
        return None
    m = BY_PREFIX.match(t)
    if m:
        return _names(m.group("names"), strip_trailing=False) or _names(m.group("names"), strip_trailing=True)
    m = NAME_ROLE.match(t)
    if m:
        return _names(m.group("names"), strip_trailing=False)
    return labelled_names(t)


def is_role_only(text: str) -> bool:
    """"Freelance Journalist", "Staff Writer": a role with no name (part of an author box)."""
    return bool(ROLE_ONLY.match(text.strip()))


def _names(part: str, strip_trailing: bool) -> tuple[str, ...] | None:
    if strip_trailing:
        part = TRAILING.sub("", part)
    if part.isupper():  # "By JANE DOE"
        part = part.title()
    names = tuple(n.strip() for n in SPLIT.split(part) if n.strip())
    if names and all(is_name(n) for n in names):
        return names
    return None
