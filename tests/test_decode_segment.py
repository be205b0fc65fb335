import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.decode import decode_bytes
from newsclean.pipeline.ingest.segment import is_visible, segment, split_lines

TEXT = "Café “quoted” — naïve"


@pytest.mark.parametrize("data, text, encoding", [
    (TEXT.encode("utf-8"), TEXT, "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16-le"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16-be"),
    (TEXT.encode("cp1252"), TEXT, "cp1252"),
    (b"plain ascii", "plain ascii", "utf-8"),
])
def test_decode_table(data, text, encoding):
    assert decode_bytes(data) == (text, encoding)


def test_decode_cp1252_article_like_utf8_original():
    article = "Le président a déclaré : « Nous irons à Genève », a-t-il ajouté — sans préciser.\n" * 3
    assert decode_bytes(article.encode("cp1252"))[0] == article


POLISH = ("Prezydent powiedział, że rząd nie będzie się spieszył z decyzją. "
          "Ministerstwo zapowiedziało też, że przyjrzy się sprawie w przyszłym tygodniu.\n") * 2
WESTERN_LOOKALIKES = ("¿Qué pasó? El depósito mide 10 m³ y costó £5.\n"
                            "Le cœur de la ville, la sœur du maire.\n") * 3


def test_decode_cp1250_polish_is_not_read_as_cp1252():
    assert decode_bytes(POLISH.encode("cp1250")) == (POLISH, "cp1250")


def test_decode_cp1252_with_signs_cp1250_uses_for_letters_stays_cp1252():
    assert decode_bytes(WESTERN_LOOKALIKES.encode("cp1252")) == (WESTERN_LOOKALIKES, "cp1252")


CZECH = ("Vláda schválila příliš drahý návrh zákona. Předseda řekl, že ministerstvo bude čekat "
         "na rozhodnutí soudu. Ještě v úterý se objevily zprávy, že se jednání uskuteční až příští měsíc.\n")
SLOVAK = ("Premiér povedal, že vláda ľutuje rozhodnutie. Ďalšie kroky budú závisieť od výsledku "
          "rokovaní, ktoré sa uskutočnia v piatok. Ľudia čakajú na ďalšie správy.\n")
WESTERN = ("Le président a déclaré à la presse : où allons-nous ? Il a répété ses critiques sur le rôle de l’État.\n"
           "København og Århus: Søren Kierkegaard skrev om angst ved Øresund.\n"
           "Il perché della città: è così, già più forte.\n"
           "El 1º de mayo, la 2ª edición; el 3º puesto, la 4ª vez. Año, niño, señor.\n")


@pytest.mark.parametrize("text", [CZECH, SLOVAK], ids=["czech", "slovak"])
def test_decode_cp1250_czech_and_slovak_are_not_read_as_cp1252(text):
    """No Polish marks here: cp1252 reads "příliš" as "pøíliš", a word no Western language spells."""
    assert decode_bytes(text.encode("cp1250")) == (text, "cp1250")


def test_decode_western_cp1252_with_letters_cp1250_reads_as_czech_stays_cp1252():
    """"où" reads "oů" and "Søren" "Sřren" in cp1250, Czech spellings, but French and Danish
    spell the cp1252 readings; ordinals ("1º") count for neither."""
    assert decode_bytes(WESTERN.encode("cp1252")) == (WESTERN, "cp1252")


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)  # a property, not a timing: no per-example deadline (it failed under load)
def test_decode_never_raises(data):
    text, encoding = decode_bytes(data)
    assert isinstance(text, str) and encoding


@pytest.mark.parametrize("text, lines", [
    ("a\nb", ["a", "b"]),
    ("a\r\nb\rc", ["a", "b", "c"]),
    ("a\x0cb\u2028c", ["a\x0cb\u2028c"]),  # only \n, \r\n and \r end lines
])
def test_split_lines(text, lines):
    assert split_lines(text) == lines


@pytest.mark.parametrize("line, visible", [
    ("", False), ("   ", False), ("\u00a0\u00a0", False), ("\u200b\ufeff", False), (" \t\u3000", False),
    ("x", True), (" • en", True), ("\u00a0a", True),
])
def test_visible(line, visible):
    assert is_visible(line) is visible


def test_segment_numbers_lines_from_one_and_skips_blank():
    blocks = segment("Title here\n\n\u00a0\nA body sentence that is long enough to count.\n• item one", CleanConfig())
    assert [(b.line, b.kind) for b in blocks] == [(1, "heading"), (4, "paragraph"), (5, "list_item")]
