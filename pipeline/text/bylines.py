"""Bylines: find author names in a line such as "By Jane Doe and John Roe" or
"Geoff Brown - Freelance Journalist"."""
from __future__ import annotations

import re
from functools import lru_cache

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
    return None


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
