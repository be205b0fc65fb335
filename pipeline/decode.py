"""Bytes to text. Never raises: every byte string decodes to some text."""
from __future__ import annotations

import codecs

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
    """Return (text, encoding used). BOM first, then strict UTF-8, then detection."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
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


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # detection is a guess; a failure of it must not fail decoding
        return None
    return best.encoding if best is not None else None
