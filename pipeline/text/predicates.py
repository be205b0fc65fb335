"""What a block reads as: a sentence, a headline, a person's name, a date.

Small pure predicates shared by the stages; thresholds come from CleanConfig.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

from newsclean.pipeline.core.config import CleanConfig

# Stages ask the same questions of the same block several times (segmentation, layout,
# captions, metadata): the pure per-text predicates below remember recent answers.
CACHE = 1 << 14

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


# Chinese and Japanese write no spaces between words. A run of Han ideographs and kana counts
# as one word per CJK_CHARS_PER_WORD characters, rounded up (a one-character label is a word):
# words in segmented Chinese news text average about 1.7 characters, Japanese about 2 (its
# particles and inflections are kana), and an English translation runs to about one word per two
# characters of either, so a count is comparable to a space-separated language's for the
# thresholds (sentence_min_words, max_words, the classifier's length features). Korean separates
# its words by spaces and is counted by them. CJK punctuation (、。「」 and the full-width forms)
# separates words like a space.
CJK_CHARS_PER_WORD = 2
CJK_LETTERS = r"\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3007"  # Han, kana
CJK_RUN = re.compile(f"[{CJK_LETTERS}]+")
CJK_PUNCT = re.compile(r"[\u3000-\u3004\u3008-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff]")


def cjk_words(text: str) -> int:
    """The words of the Han and kana runs of ``text`` (CJK_CHARS_PER_WORD characters a word)."""
    if text.isascii():
        return 0
    return sum(-(-len(run) // CJK_CHARS_PER_WORD) for run in CJK_RUN.findall(text))


# Thai and Lao write no spaces between words either (a space ends a phrase or a sentence), nor
# do Khmer and Burmese: a run of their letters and marks counts one word per
# UNSPACED_CHARS_PER_WORD code points, rounded up. Measured on Thai: its words average 4.1 code
# points in the Thai National Corpus's word frequencies and 3.9 in the Thai Textbook Corpus's
# (token-weighted; PyThaiNLP's tnc_freq.txt and ttc_freq.txt). Lao, Khmer and Burmese are counted
# alike, not measured: a count off by half is still a count, where white space alone makes a
# paragraph of one of these scripts two or three "words", a label.
UNSPACED_CHARS_PER_WORD = 4
# their letters and marks (not their digits or punctuation): Thai and Lao, which also mark no
# sentence end (``ends_unmarked``), then Burmese and Khmer
THAI_LAO = r"\u0e01-\u0e3a\u0e40-\u0e4e\u0e81-\u0ece"
BURMESE_KHMER = r"\u1000-\u103f\u1050-\u109d\u1780-\u17d3\u17d7\u17dc\u17dd"
UNSPACED_RUN = re.compile(f"[{THAI_LAO}{BURMESE_KHMER}]+")
# a letter of any script written without spaces between words: one search, so that other
# texts are counted by white space
UNSPACED_SCRIPT = re.compile(f"[{CJK_LETTERS}{THAI_LAO}{BURMESE_KHMER}]")


def unspaced_words(text: str) -> int:
    """The words of the Thai, Lao, Khmer and Burmese runs of ``text`` (UNSPACED_CHARS_PER_WORD
    code points a word)."""
    return sum(-(-len(run) // UNSPACED_CHARS_PER_WORD) for run in UNSPACED_RUN.findall(text))


@lru_cache(maxsize=1 << 14)
def words(text: str) -> int:
    """The one word count (rules' max_words, the predicates, the layout, the classifier):
    words separated by white space; Chinese and Japanese runs by CJK_CHARS_PER_WORD, Thai, Lao,
    Khmer and Burmese runs by UNSPACED_CHARS_PER_WORD. Cached: a block's count is asked for
    by segmenting, the rules' screens, the predicates and the classifier (about five times a
    block)."""
    if text.isascii() or UNSPACED_SCRIPT.search(text) is None:
        return len(text.split())
    counted = cjk_words(text) + unspaced_words(text)
    rest = UNSPACED_RUN.sub(" ", CJK_PUNCT.sub(" ", CJK_RUN.sub(" ", text)))
    return counted + len(rest.split())


# what may follow the terminal punctuation, with white space: closing quotes and brackets,
# the Chinese and Japanese ones among them
CLOSERS = "\"'”’»)]」』）】〕》"
# The sentence-final marks of scripts that do not end a sentence with a full stop: the danda
# and double danda (Hindi, Marathi, Nepali, Bengali, Punjabi, Odia...), the Urdu full stop, the
# Arabic question mark, the Armenian full stop, the Ethiopic full stop and question mark, the
# Burmese section mark, the Tibetan shad, the Khmer khan and bariyoosan. No letter has case in
# these scripts: a sentence after one starts with any letter.
CASELESS_STOPS = "।॥۔؟։።፧။།។៕"
# the Chinese and Japanese full stop, exclamation and question marks end a sentence too, as do
# CASELESS_STOPS, the Arabic semicolon and the doubled and interrobang marks
TERMINALS = tuple(".!?…:;。！？．｡" + CASELESS_STOPS + "؛‼⁇⁈⁉‽")
# what ends_like_sentence answers, as a pattern: terminal punctuation, then any closers and
# white space (a colon introduces a quote)
TERMINAL = re.compile(f"[{re.escape(''.join(TERMINALS))}](?:[{re.escape(CLOSERS)}]|\\s)*$")
# a sentence's end and the white space after it, before the next sentence's first letter
SENTENCE_STOP = r"[.!?…][\"'”’»)\]]*\s+"
# a sentence ends inside the text and another begins: "... said. The ...", "... заявил он. По
# словам ...", "... είπε. Η ..." (a capital in any cased script after white space), or
# "...した。その後..." (a CJK full stop, exclamation or question mark, then more text), or
# "... घोषणा की। मौसम ..." (one of CASELESS_STOPS, then more text)
SENTENCE_BREAK = regex.compile(SENTENCE_STOP + r"[\"'“‘«„(¿¡]?\p{Uppercase}|[。！？][」』）”’\"]*\s*[^\s」』）”’\"]"
                               + f"|[{CASELESS_STOPS}]" + r"[\"'”’»)\]]*\s*[^\s\"'”’»)\]]")
# the same, Latin capitals only: the block classifier's teaser test was fitted with it (widened to
# every script it lost 0.001 on wcxb-dev and 0.002 on Russian held out, docs/evaluation.md)
INNER_SENTENCE = re.compile(SENTENCE_STOP + r"[\"'“‘«(¿¡]?[A-ZÀ-Þ]")


def ends_like_sentence(text: str) -> bool:
    """Stripping the closing quotes, brackets and white space (CLOSERS) from the end leaves
    terminal punctuation (TERMINALS; a colon introduces a quote). Stripped, not matched by a
    pattern: one searched from the start would try every full stop of a long paragraph."""
    t = text.rstrip()
    while True:
        u = t.rstrip(CLOSERS).rstrip()
        if u == t:
            return t.endswith(TERMINALS)
        t = u


# Thai and Lao end a sentence with no mark at all (a space, or the end of the paragraph): a block
# that ends in one of their letters or marks (the Thai abbreviation and repetition signs among
# them) has no end to read, only its length (``unmarked_sentence_words``)
NO_STOP_SCRIPT = re.compile(f"[{THAI_LAO}]")


def ends_unmarked(text: str) -> bool:
    """``text`` ends, closers aside, in a letter of a script that marks no sentence end."""
    last = text.rstrip().rstrip(CLOSERS).rstrip()[-1:]
    return last > "\u0e00" and NO_STOP_SCRIPT.match(last) is not None


def is_sentence(text: str, cfg: CleanConfig) -> bool:
    """Running text: long enough and ends like a sentence, or simply long (in Thai or Lao,
    which mark no sentence end, ``unmarked_sentence_words`` long)."""
    return _is_sentence(text, cfg.sentence_min_words, cfg.long_block_words, cfg.unmarked_sentence_words)


@lru_cache(maxsize=CACHE)
def _is_sentence(text: str, sentence_min_words: int, long_block_words: int, unmarked_sentence_words: int) -> bool:
    n = words(text)
    if n >= long_block_words and not has_url(text):
        return True
    if n >= unmarked_sentence_words and ends_unmarked(text):
        return True
    return n >= sentence_min_words and ends_like_sentence(text) and not text.rstrip().endswith("*")


def is_headline(text: str, cfg: CleanConfig, min_words: int = 2) -> bool:
    """Headline style: a short line, capitalised start (any letter in a script without
    case), no closing full stop, no URL."""
    return _is_headline(text, min_words)


@lru_cache(maxsize=CACHE)
def _is_headline(text: str, min_words: int) -> bool:
    t = text.strip()
    n = words(t)
    if n < min_words or n > 30 or has_url(t):
        return False
    if t.endswith((".", ":", ";", ",", "*", "。", "：", "；", "，", "、")) and not t.endswith("..."):
        return False
    first = t.lstrip("\"'“‘«¿¡([「『【（")[:1]
    # capitalised, or a letter of a script without case (Chinese, Japanese, Arabic, Hebrew...)
    return bool(first) and (first.isupper() or first.isdigit() or (first.isalpha() and not first.islower()))


# capitalised words that name site sections, not people ("Popular Articles", "Latest News")
CASELESS_SAMPLE = 200


def caseless(text: str) -> bool:
    """Most letters of ``text`` (of its first CASELESS_SAMPLE characters) are of scripts
    without case (Chinese, Japanese, Arabic...)."""
    if text.isascii():
        return False
    sample = text[:CASELESS_SAMPLE]
    cased = sum(map(str.isupper, sample)) + sum(map(str.islower, sample))
    return (sum(map(str.isalpha, sample)) - cased) > cased


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
