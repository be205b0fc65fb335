"""Bytes to text. Never raises: every byte string decodes to some text."""
from __future__ import annotations

import codecs
import re

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Single-byte Western guesses that charset detection makes on short texts; for news
# scrapes these are cp1252 in practice (cp1252 is a superset of latin-1's printable part).
WESTERN = {"latin_1", "iso8859_15", "cp1252", "windows_1252", "iso8859_1", "cp1250", "iso8859_2",
           "mac_roman", "cp850", "cp437", "iso8859_9", "cp1254"}


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used). BOM first, then UTF-16 without one, strict UTF-8, UTF-8
    with a few stray bytes (``utf-8-replace``: each replaced by U+FFFD), then detection."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    found = _utf16_without_bom(data)
    if found is not None:
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(data)
    if text is not None:
        return text, "utf-8-replace"
    western = data.decode("latin-1").translate(CP1252)  # the cp1252 reading (see CP1252)
    text = _central_european(data, western)
    if text is not None:
        return text, "cp1250"
    if _reads_as_latin(western):
        return western, "cp1252"
    guess = _detect(data)
    if guess is None or guess in WESTERN:
        guess = "cp1252"
    try:
        return data.decode(guess), guess
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte
        return data.decode("utf-8", errors="replace"), "utf-8-replace"


# UTF-16 without a BOM: the zero high bytes of ASCII characters (spaces, digits, punctuation
# in any script; every letter in Latin ones) fall on one side of each code unit; text has spaces
UTF16_MIN_ZEROS = 0.1  # this share of the code units has a zero byte on one side
UTF16_MAX_OTHER_ZEROS = 0.01  # and at most this share on the other
UTF16_MIN_SPACES = 0.05  # the decoded text is at least this share white space
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _utf16_without_bom(data: bytes, markup: bool = False) -> tuple[str, str] | None:
    """(text, "utf-16-le" or "utf-16-be") when ``data`` reads as UTF-16 text without a BOM:
    an even length, zero bytes on one side of the code units (high bytes of the ASCII
    characters) and hardly any on the other, a strict decode, white space between words
    (``markup``: or tag brackets, for a minified page) and no control characters. Else None
    (UTF-8 text has no zero bytes)."""
    units = len(data) // 2
    if units < 8 or len(data) % 2 or b"\0" not in data:  # one search spares the two slices on most inputs
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= UTF16_MIN_ZEROS * units and other <= UTF16_MAX_OTHER_ZEROS * units:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            spaces = sum(1 for c in text if c.isspace() or markup and c in "<>")
            if spaces >= UTF16_MIN_SPACES * len(text) and len(CONTROLS.findall(text)) <= UTF16_MAX_OTHER_ZEROS * len(text):
                return text, encoding
    return None


# UTF-8 with a few stray bytes (a byte of another charset pasted in, a cut sequence): at
# least this many well-formed non-ASCII characters for each stray byte. Text in a single-byte
# charset has next to none (an accented letter is one byte, followed by ASCII)
MOSTLY_UTF8 = 4


def _mostly_utf8(data: bytes) -> str | None:
    """The UTF-8 reading of ``data``, each stray byte replaced by U+FFFD, when its well-formed
    non-ASCII characters outnumber the stray bytes ``MOSTLY_UTF8`` to one; else None."""
    text = data.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    wellformed = sum(1 for c in text if c > "\x7f") - text.count("\ufffd")
    return text if wellformed >= MOSTLY_UTF8 * stray else None


def reread_lines(data: bytes, text: str) -> list[tuple[int, str, str]]:
    """(line number, the line as cp1252 reads it, the line in ``text``) of each line of a
    ``utf-8-replace`` decoding that the cp1252 reading gives otherwise: what a reader who
    takes a file that is not UTF-8 for cp1252 (as ``check_conservation.py`` does) sees as the
    raw line. Lines end at the same bytes in both readings."""
    fallback = data.decode("latin-1").translate(CP1252)
    return [(n, old, new) for n, (old, new) in enumerate(zip(LINE_BREAK.split(fallback), LINE_BREAK.split(text)), start=1)
            if old != new]


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as segment.split_lines
WORD = re.compile(r"\w+")
# cp1252 where it defines a byte, U+FFFD for the five bytes it leaves undefined (as
# tools/check_conservation.py reads raw files), so that UTF-8 with a few bad bytes reads as
# mojibake that the encoding stage repairs ("\xe2\x80\x99" -> "â€™" -> "’"; only "”",
# whose last byte is undefined, comes out as "�") rather than failing to decode
CP1252 = {i: bytes([i]).decode("cp1252", errors="replace") for i in range(0x80, 0xA0)}


def _reads_as_latin(text: str) -> bool:
    """The cp1252 reading of some bytes reads as Latin-script text: its accented letters sit
    inside words that also hold ASCII letters ("café", "Müller"), or stand alone ("à").
    Detection guesses DOS, Mac or CJK code pages for such short, mostly-ASCII texts;
    Cyrillic, Greek or CJK bytes read as cp1252 give words of accented letters only."""
    accented = [w for w in WORD.findall(text) if not w.isascii()]
    latin = sum(1 for w in accented if len(w) == 1 or any(ch.isascii() for ch in w))
    return latin >= 0.9 * len(accented)


# Bytes that cp1250 (Polish, Czech, Slovak, Croatian... on Windows) uses for the letters ł ą ż
# and cp1252 for "³ ¹ ¿", signs that never touch a letter in Western text ("¿" opens a
# Spanish question after a space, "³" follows a unit: "m³"). In Polish they sit inside words
# ("był", "się", "że", "może"), so a letter before one of them is the mark of cp1250.
CP1250_MARK = re.compile(rb"(?<=[A-Za-z])[\xb3\xb9\xbf](?!\d)|(?<![A-Za-z0-9])[\xb3\xb9](?=[a-z])")
CP1250_MIN_MARKS = 3


def _central_european(data: bytes, western: str) -> str | None:
    """The cp1250 reading of ``data`` when it decodes in cp1250 and either holds at least
    three letters that only cp1250 puts inside words (see ``CP1250_MARK``; Polish) or reads
    as words of a Central European alphabet where cp1252 gives words no Western language
    spells (see ``_spelled_in_cp1250``; Czech, Slovak, Croatian); else None."""
    try:
        text = data.decode("cp1250")
    except UnicodeDecodeError:
        return None
    marks = CP1250_MARK.findall(data)
    if len(marks) >= CP1250_MIN_MARKS and not (b"m\xb3" in data and len(marks) < 2 * CP1250_MIN_MARKS):
        return text
    return text if _spelled_in_cp1250(text, western) else None


# the non-ASCII letters of each alphabet (lower case): a word spelled with letters of one of
# them is a word of that language; cp1252 and cp1250 readings of the same bytes are compared
WESTERN_ALPHABETS = tuple(frozenset(a) for a in (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüß", "áéíñóúü", "ãõâêôáéíóúàç", "àèéìíîòóù", "éëïöüáèóíú",  # German, Spanish, Portuguese, Italian, Dutch
    "åæøäöéü", "àèéíïòóúüç",  # Nordic, Catalan
))
CENTRAL_ALPHABETS = tuple(frozenset(a) for a in (
    "áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "ąćęłńóśźż",  # Czech, Slovak, Polish
    "čćđšž", "áéíóöőúüű", "ăâîşţ", "äöüß",  # Croatian/Slovene/Bosnian, Hungarian, Romanian, German
))
ORDINALS = frozenset("ºª")
CENTRAL_MIN_WORDS = 3  # this many words that only the cp1250 reading spells


def _spelled_in_cp1250(central: str, western: str) -> bool:
    """At least ``CENTRAL_MIN_WORDS`` words read differently in cp1250 and cp1252 are spelled
    in a Central European alphabet in cp1250 and in no Western one in cp1252 ("příliš" against
    "pøíliš"), and they outnumber three to one the words for which it is the other way round
    (French "où" reads "oů" in cp1250, a Czech spelling: it counts for cp1252)."""
    for_central = for_western = 0
    for c, w in zip(WORD.findall(central), WORD.findall(western)):
        if c == w:
            continue
        in_central, in_western = _spelled(c, CENTRAL_ALPHABETS), _spelled(w, WESTERN_ALPHABETS)
        for_central += in_central and not in_western
        for_western += in_western and not in_central
    return for_central >= CENTRAL_MIN_WORDS and for_central >= 3 * for_western


def _spelled(word: str, alphabets: tuple[frozenset[str], ...]) -> bool:
    """Every non-ASCII letter of ``word`` is in one of ``alphabets`` (an ordinal, "1º", "2ª",
    counts as spelled in any)."""
    letters = {ch for ch in word.lower() if not ch.isascii()}
    if word[:1].isdigit():
        letters -= ORDINALS
    return any(letters <= alphabet for alphabet in alphabets)


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # detection is a guess; a failure of it must not fail decoding
        return None
    return best.encoding if best is not None else None


META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.I)


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """HTML bytes to text: BOM, UTF-16 without one, strict UTF-8, the charset the container
    or the page's ``<meta>`` declares, then detection as for text. UTF-16 without a BOM comes
    before UTF-8 as in ``decode_bytes``: a page of ASCII markup and Cyrillic or Greek text in
    UTF-16 has no byte over 0x7f, so it is valid UTF-8, read as NULs and control characters."""
    if not any(data.startswith(bom) for bom, _ in BOMS):
        if (found := _utf16_without_bom(data, markup=True)) is not None:
            return found
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        m = META_CHARSET.search(data[:4096])
        for name in (declared, m.group(1).decode("ascii", "ignore") if m else None):
            if name:
                try:
                    return data.decode(name), codecs.lookup(name).name
                except (UnicodeDecodeError, LookupError):
                    continue
    return decode_bytes(data)
