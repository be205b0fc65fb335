"""Photo credits: find the credit in a caption line and split it off."""
from __future__ import annotations

import re
from functools import lru_cache

from .literals import fold

CREDIT_WORDS = (r"getty|photo|photos|photograph|image|images|credit|courtesy|afp|reuters|ap|epa|"
                r"shutterstock|pool|file|upi|sputnik|xinhua|anadolu|alamy|istock|bloomberg|dpa|pa wire|pa")
PAREN = re.compile(r"^(?P<text>.*?)\s*\((?P<credit>[^()]{3,160})\)\s*$")
PAREN_CREDIT = re.compile(rf"\p{{L}}/\p{{L}}|\b(?:{CREDIT_WORDS})\b".replace(r"\p{L}", r"[^\W\d_]"), re.I)
LABELLED = re.compile(r"^(?P<text>.*?)[\s.|]*\b(?P<credit>(?:photo(?:graph)?|image|picture|foto|credit|bild)s?(?: credit)?\s*[:©]\s*\S.{1,120})$", re.I)
AGENCY = re.compile(r"^(?P<text>.*?)\s*(?P<credit>\b(?:REUTERS|AFP|AP|EPA|XINHUA|ANADOLU|GETTY IMAGES)(?:/[\w.'’ -]{2,60})+)\s*$")
COPYRIGHT = re.compile(r"^(?P<text>.*?)\s*(?P<credit>©\s*\S.{1,80})$")
# every credit pattern needs one of these (PAREN ")", AGENCY "/", LABELLED ":" or "©",
# COPYRIGHT "©"): most lines have none and skip the patterns
CREDIT_MARKS = (")", "/", ":", "©")
# and each pattern one of these (lower case): PAREN ends with ")", AGENCY holds "/", LABELLED
# a label word, COPYRIGHT "©"; a line without them is not tried on the pattern
LABEL_WORDS = ("photo", "image", "picture", "foto", "credit", "bild")


# Longer lines are paragraphs, not captions (the longest credited caption in the dev sets
# has 653 characters). The cap also bounds the patterns above, whose lazy text group
# backtracks quadratically: a crafted 200,000-character line would take an hour, 1,000
# characters take at most ~25 ms.
MAX_CAPTION_CHARS = 1000


@lru_cache(maxsize=1 << 14)  # asked of each block by captions, layout and metadata
def split_credit(text: str) -> tuple[str | None, str] | None:
    """(caption text or None, credit) when ``text`` carries a photo credit, else None."""
    t = text.strip()
    if len(t) > MAX_CAPTION_CHARS or not any(mark in t for mark in CREDIT_MARKS):
        return None
    m = PAREN.match(t) if t.endswith(")") else None
    if m and PAREN_CREDIT.search(m.group("credit")) and not m.group("credit").lower().startswith(("reporting", "editing", "additional")):
        return _pair(m)
    low = fold(t)  # case-insensitive: dotted and dotless i too
    for pattern, needs in ((AGENCY, ("/",)), (LABELLED, LABEL_WORDS), (COPYRIGHT, ("©",))):
        m = pattern.match(t) if any(word in low for word in needs) else None
        if m and len(m.group("credit")) < 140:
            return _pair(m)
    return None


def _pair(m: re.Match) -> tuple[str | None, str]:
    text = m.group("text").strip().rstrip("|").strip() or None
    credit = m.group("credit").strip()
    for prefix in ("Photo credit:", "Photo:", "Photograph:", "Credit:", "Image:", "Picture:", "Source:"):
        if credit.lower().startswith(prefix.lower()):
            credit = credit[len(prefix):].strip()
            break
    return text, credit
