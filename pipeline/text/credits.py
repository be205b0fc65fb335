"""Photo credits: find the credit in a caption line and split it off.

A pattern finds where a credit could be (a closing parenthesis, an agency's slash, a
"Photo:" label, a ©); a candidate is a credit only when it reads as one: names, agencies
and credit labels, not prose. "(The Switch, a hybrid TV/handheld game system ...)" and
"Brand© stores rose 5% ..." are prose; "(Caitlin Dickson/Yahoo News)" and "Photo: casey
handley" are credits. Whether the line around a credit is a caption or a body paragraph
is ``reads_as_body``'s question (asked by the captions stage).
"""
from __future__ import annotations

import re
from functools import lru_cache

from newsclean.pipeline.text.predicates import SENTENCE_BREAK, fold, words

PAREN = re.compile(r"^(?P<text>.*?)\s*\((?P<credit>[^()]{3,160})\)\s*$")
# a parenthesis that a credit label opens: "(Photo: ...)", "(Image credit: ...)", "(Photos by ...)"
PAREN_LABEL = re.compile(r"^\s*(?:photo(?:graph)?s?|images?|pictures?|fotos?|bild|credit|courtesy|source)\b", re.I)
# agencies and picture libraries; acronyms in capitals only ("ePA" is a German acronym, "pa" a word)
PROVIDER = re.compile(r"\b(?:AP|AFP|EPA|UPI|DPA|PA|ANP|(?i:getty|reuters|shutterstock|alamy|istock|bloomberg|sputnik|"
                      r"xinhua|anadolu|pa wire))\b")
LABELLED = re.compile(r"^(?P<text>.*?)[\s.|]*\b(?P<credit>(?:photo(?:graph)?|image|picture|foto|credit|bild)s?(?: credit)?\s*[:©]\s*\S.{1,120})$", re.I)
AGENCY = re.compile(r"^(?P<text>.*?)\s*(?P<credit>\b(?:REUTERS|AFP|AP|EPA|XINHUA|ANADOLU|GETTY IMAGES)(?:/[\w.'’ -]{2,60})+)\s*$")
COPYRIGHT = re.compile(r"^(?P<text>.*?)\s*(?P<credit>©\s*\S.{1,80})$")
# every credit pattern needs one of these (PAREN ")", AGENCY "/", LABELLED ":" or "©",
# COPYRIGHT "©"): most lines have none and skip the patterns
CREDIT_MARKS = (")", "/", ":", "©")
# and each pattern one of these (lower case): PAREN ends with ")", AGENCY holds "/", LABELLED
# a label word, COPYRIGHT "©"; a line without them is not tried on the pattern
LABEL_WORDS = ("photo", "image", "picture", "foto", "credit", "bild")

# Lower-case words a credit holds: the connectors of names and agencies, positions, credit
# labels, copyright formulas. Any other lower-case word is prose.
CREDIT_LOWER_WORDS = frozenset("""
via and by for of the de da del di van von der den du le la y e et und at in on from through with
courtesy left right center centre top bottom above below file pool handout staff supplied
photo photos photograph photographs image images picture pictures credit credits illustration
foto fotos bild copyright all rights reserved getty
""".split())
# A credit after a label or a © may hold a lower-case handle or name ("Photo: casey handley",
# "© pv magazine 2019"); more lower-case words than this are a sentence.
LABELLED_PROSE_MAX = 3
# an unlabelled parenthesis "(Caitlin Dickson/Yahoo News)" is short and holds no prose at all
PAREN_CREDIT_MAX_WORDS = 10
# a label or a © that ends a caption's text follows the start or a separator ("Traffic jam.
# Photo: ...", "... | © 2024 ..."), not a word ("Freezing Your Credit: How It Works", "Brand© stores")
LABEL_AFTER = tuple(".!?…|–—-•·,;:)]\"”’'©*")
NOT_CREDIT_OPENERS = ("reporting", "editing", "additional")


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
    if m and is_paren_credit(m.group("credit")):
        return _pair(m)
    low = fold(t)  # case-insensitive: dotted and dotless i too
    for pattern, needs, accept in PATTERNS:
        m = pattern.match(t) if any(word in low for word in needs) else None
        if m and accept(m):
            return _pair(m)
    return None


def is_paren_credit(inner: str) -> bool:
    """The text inside a closing parenthesis names a photo's source: a credit label opens it
    ("Photo: ...", "Image credit: ..."), or it is a short run of names that names an agency
    or joins names with slashes ("Joshua Roberts/Reuters", "NASA/JPL-Caltech/ASU")."""
    if inner.lower().lstrip().startswith(NOT_CREDIT_OPENERS):
        return False
    if PAREN_LABEL.match(inner):
        return prose_words(inner) <= LABELLED_PROSE_MAX
    if ":" in inner or words(inner) > PAREN_CREDIT_MAX_WORDS or prose_words(inner) > 0:
        return False
    return PROVIDER.search(inner) is not None or _slash_credit(inner)


def _slash_credit(inner: str) -> bool:
    """Names joined by slashes: three or more parts, or a slash with two words on one side
    ("Caitlin Dickson/Yahoo News"); "Men's/Women's" and "Pub/Sub, Dataflow" are not credits."""
    parts = [p.strip() for p in inner.split("/")]
    if len(parts) < 2 or not all(any(ch.isalpha() for ch in p) for p in parts):
        return False
    if len(parts) >= 3:
        return True
    left, right = parts[0].split(",")[-1], parts[1].split(",")[0]
    return words(left) >= 2 or words(right) >= 2


def prose_words(text: str) -> int:
    """How many lower-case words of ``text`` are not words a credit holds."""
    n = 0
    for token in re.split(r"[\s/]+", text):
        word = token.strip(".,;:!?()[]{}\"'“”‘’«»©+*&–—-")
        if word[:1].isalpha() and word[:1].islower() and word.lower() not in CREDIT_LOWER_WORDS:
            n += 1
    return n


def _short(m: re.Match) -> bool:
    return len(m.group("credit")) < 140 and prose_words(m.group("credit")) <= LABELLED_PROSE_MAX


def _labelled_credit(m: re.Match) -> bool:
    before = m.string[:m.start("credit")]
    credit = m.group("credit")
    return _short(m) and (_after_separator(before) or _after_running_text(before, credit)
                          or PROVIDER.search(credit) is not None)  # "Main image credit: Getty"


def _copyright_credit(m: re.Match) -> bool:
    before = m.group("text")
    glued = m.start("credit") > 0 and m.string[m.start("credit") - 1].isalnum()
    return _short(m) and not (glued and not before.lower().endswith("copyright"))


def _after_separator(before: str) -> bool:
    """What comes before a label: nothing, or a separator, not a word."""
    b = before.rstrip()
    return not b or b.endswith(LABEL_AFTER)


# after PAREN, in order: (pattern, what a line needs to be tried on it, whether a match is a credit)
PATTERNS = ((AGENCY, ("/",), _short), (LABELLED, LABEL_WORDS, _labelled_credit),
            (COPYRIGHT, ("©",), _copyright_credit))


def _after_running_text(before: str, credit: str) -> bool:
    """A capitalised label right after a caption's running text, without a separator ("... a
    hunter killed and ate a rabbit Credit: Getty"), as against a label word inside a
    title-case headline ("Freezing Your Credit: How It Works")."""
    tokens = [t for t in before.split() if t[:1].isalpha()]
    lower = sum(t[:1].islower() for t in tokens)
    return credit[:1].isupper() and len(tokens) >= RUNNING_TEXT_MIN_WORDS and 2 * lower > len(tokens)


RUNNING_TEXT_MIN_WORDS = 3


def _pair(m: re.Match) -> tuple[str | None, str]:
    text = m.group("text").strip().rstrip("|").strip() or None
    credit = m.group("credit").strip()
    for prefix in ("Photo credit:", "Photo:", "Photograph:", "Credit:", "Image:", "Picture:", "Source:"):
        if credit.lower().startswith(prefix.lower()):
            credit = credit[len(prefix):].strip()
            break
    return text, credit


# Where a line with a credit reads as a body paragraph, not a caption. Captions run to a
# sentence or two ("Putin speaks at a meeting in Moscow on Monday. (AP Photo/...)"); the
# longest in the dev sets run to three (review sites' "... Credit: Jane Doe").
BODY_MIN_SENTENCES = 3
# a quotation that ends inside its quote marks, as speech does ('"We will stay," she said.');
# a quoted title ('"All About Space" magazine') does not
SPOKEN_QUOTE = re.compile(r"[“\"«„‘]\s*[^\W\d_][^“”\"«»]{8,}?[,.!?…]\s*[”\"»’]")


def sentence_count(text: str) -> int:
    return len(SENTENCE_BREAK.findall(text)) + 1 if text.strip() else 0


def reads_as_body(text: str | None) -> bool:
    """The text before a credit is a body paragraph: several sentences, or a quotation in a
    passage of more than one sentence. Its credit is glued on (a scraper joined the photo's
    credit to the paragraph), and only the credit leaves it."""
    if not text:
        return False
    n = sentence_count(text)
    return n >= BODY_MIN_SENTENCES or (n >= 2 and SPOKEN_QUOTE.search(text) is not None)


def caption_credit(text: str) -> tuple[str | None, str] | None:
    """``split_credit`` for a line that is a caption: None for a body paragraph with a glued credit."""
    split = split_credit(text)
    return None if split is None or reads_as_body(split[0]) else split
