"""What a block reads as: a sentence, a headline, a person's name, a date.

Small pure predicates shared by the stages; thresholds come from CleanConfig.
"""
from __future__ import annotations

import re
from functools import lru_cache

from newsclean.pipeline.core.config import CleanConfig

# Stages ask the same questions of the same block several times (segmentation, layout,
# captions, metadata): the pure per-text predicates below remember recent answers.
CACHE = 1 << 14

# terminal punctuation, then any closing quotes or brackets; a colon introduces a quote
TERMINAL = re.compile(r"[.!?…:;](?:[\"'”’»)\]]|\s)*$")
URL = re.compile(r"https?://|www\.\w|\.(?:com|org|net)/", re.I)


def has_url(text: str) -> bool:
    """``URL`` occurs in ``text``. Its first and last alternatives hold a "/", its second
    "w." or "W.": a text with none of them (97% of blocks) is answered by three substring
    searches, five times cheaper than the case-insensitive search."""
    return ("/" in text or "w." in text or "W." in text) and URL.search(text) is not None
WORD = re.compile(r"\w+")
NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zà-ÿ'’.-]*[a-zà-ÿ.]|[A-Z]\.|(?:de|da|van|von|der|la|le|bin|al|del|di)|[A-Z][a-z]+-[A-Z][a-z]+|Mc[A-Z][a-z]+|O['’][A-Z][a-z]+)$")


def squash(text: str) -> str:
    """The text with its white space runs made one space, case-folded: for comparing lines."""
    return " ".join(text.split()).casefold()


# regex matches both dotless ı and dotted İ with i under IGNORECASE; casefold would keep them
# apart (İ folds to i and a combining dot, which would split a literal)
_DOTTED = str.maketrans({"ı": "i", "İ": "i"})


def fold(text: str) -> str:
    """Case-folded text in which a case-insensitive match of a literal stays a substring.
    ASCII text (most blocks) folds as it lowercases; the dotted and dotless i are mapped
    only when present (``str.translate`` with a table is slow)."""
    if text.isascii():
        return text.lower()
    if "ı" in text or "İ" in text:
        text = text.translate(_DOTTED)
    return text.casefold().replace("i\u0307", "i")


# Chinese, Japanese and Korean characters: those scripts do not separate words by spaces
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=1 << 14)
def words(text: str) -> int:
    """The one word count (rules' max_words, the predicates, the layout, the classifier):
    words separated by white space; in Chinese, Japanese and Korean text two characters
    count as a word. Cached: a block's count is asked for by segmenting, the rules' screens,
    the predicates and the classifier (about five times a block)."""
    if text.isascii():
        return len(text.split())
    cjk = len(CJK.findall(text))
    return len(CJK.sub(" ", text).split()) + cjk // 2 if cjk else len(text.split())


CLOSERS = "\"'”’»)]"  # what may follow the terminal punctuation in TERMINAL, with white space
TERMINALS = tuple(".!?…:;")


def ends_like_sentence(text: str) -> bool:
    """``TERMINAL`` matches: stripping the closing quotes, brackets and white space from the
    end leaves terminal punctuation (the pattern, searched from the start, would try every
    full stop of a long paragraph)."""
    t = text.rstrip()
    while True:
        u = t.rstrip(CLOSERS).rstrip()
        if u == t:
            return t.endswith(TERMINALS)
        t = u


def is_sentence(text: str, cfg: CleanConfig) -> bool:
    """Running text: long enough and ends like a sentence, or simply long."""
    return _is_sentence(text, cfg.sentence_min_words, cfg.long_block_words)


@lru_cache(maxsize=CACHE)
def _is_sentence(text: str, sentence_min_words: int, long_block_words: int) -> bool:
    n = words(text)
    if n >= long_block_words and not has_url(text):
        return True
    return n >= sentence_min_words and ends_like_sentence(text) and not text.rstrip().endswith("*")


def is_headline(text: str, cfg: CleanConfig, min_words: int = 2) -> bool:
    """Headline style: a short line, capitalised start, no closing full stop, no URL."""
    return _is_headline(text, min_words)


@lru_cache(maxsize=CACHE)
def _is_headline(text: str, min_words: int) -> bool:
    t = text.strip()
    n = words(t)
    if n < min_words or n > 30 or has_url(t):
        return False
    if t.endswith((".", ":", ";", ",", "*")) and not t.endswith("..."):
        return False
    first = t.lstrip("\"'“‘«¿¡([")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


# capitalised words that name site sections, not people ("Popular Articles", "Latest News")
NOT_NAME_WORDS = frozenset("""
about advertisement advertising all archive articles blog breaking business comments contact
more editor editorial entertainment events facebook featured follow home latest live login
menu most news newsletter now opinion photos podcast politics popular posts read recent related
search share sign sports stories subscribe technology top trending tv twitter video videos
watch weather world youtube you your our us the this week today new
""".split())


def is_name(text: str) -> bool:
    """A person's name alone on a line: two to four capitalised tokens, nothing else."""
    tokens = text.strip().split()
    if not 2 <= len(tokens) <= 4:
        return False
    if any(t.lower().strip(".") in NOT_NAME_WORDS for t in tokens):
        return False
    if not all(NAME_TOKEN.match(t) for t in tokens):
        return False
    return tokens[0][0].isupper() and tokens[-1][0].isupper()
