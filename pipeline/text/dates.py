"""Dates in bylines and date lines: parse to ISO 8601 (date only) without guessing."""
from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for m in names}
_M = "|".join(sorted(MONTHS, key=len, reverse=True))
MDY = re.compile(rf"\b(?P<m>{_M})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I)
DMY = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_M})\.?,?\s+(?P<y>\d{{4}})\b", re.I)
ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
# a line that is only a date (and maybe a time): "Tuesday, June 17, 2025", "2024-02-29 10:00"
DATE_LINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:(?:{_M})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_M})\.?,?\s+\d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
    rf"(?:[\s,|at-]+\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*$",
    re.I,
)
DATED = re.compile(r"^(?:published|posted|updated|last updated|first published|date)\s*(?:on|at)?\s*[:|-]?\s*", re.I)


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE.match(text.strip()))


def parse_date(text: str) -> str | None:
    """The first unambiguous date in ``text`` as YYYY-MM-DD, or None."""
    for pattern in (ISO, MDY, DMY):
        m = pattern.search(text)
        if not m:
            continue
        month = m.group("m")
        month = int(month) if month.isdigit() else MONTHS[month.lower()]
        try:
            return date(int(m.group("y")), month, int(m.group("d"))).isoformat()
        except ValueError:
            continue
    return None


def dateline(text: str) -> str | None:
    """The ISO date of a line that is only a date or a "Published ..." line, else None."""
    t = text.strip()
    return parse_date(t) if (is_date_line(t) or DATED.match(t)) and len(t) < 80 else None


DATE_WORDS = re.compile(
    rf"\b(?:{_M}|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"am|pm|a\.m|p\.m|updated?|published|posted|last|on|at|ago|hours?|minutes?|mins?|gmt|utc|[a-z]?[sd]t|"
    r"min read|read)\b\.?|\d+(?:st|nd|rd|th)?|[^\w\s]", re.I)


def is_dateish(text: str) -> bool:
    """A line that is a date with some time or update words around it ("November 19, 2019
    / 12:21 AM / Updated 6 hours ago"), not a headline that mentions a date."""
    return parse_date(text) is not None and len(DATE_WORDS.sub(" ", text).split()) < 3
