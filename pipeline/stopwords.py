"""Stop words of the languages newsclean knows, for sentence-likeness and language guessing.

Running prose is full of function words (articles, pronouns, prepositions, auxiliaries);
menus, share bars and headlines of other stories are not. jusText uses the same signal.
The lists are the most frequent function words of each language, lower case; a word shared
by two languages counts for both (guessing uses the whole page, so that evens out).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import chain
from typing import Sequence

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves said says would its it's i'm don't didn't isn't wasn't
""".split()),
    "es": frozenset("""
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estado estan estas este esto
estos fue fueron ha habia han hasta hay la las le les lo los mas me mi muy nada ni no nos nosotros o
otra otras otro otros para pero poco por porque que quien se sea segun ser si sido sin sobre son su
sus tambien tanto te tiene tienen todo todos tu un una uno unos y ya yo más también qué según había
está están así él sí
""".split()),
    "fr": frozenset("""
a au aux avec ce ces cette dans de des du elle elles en est et eux il ils je la le les leur leurs lui
ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sont sur ta
te tes toi ton tu un une vos votre vous y été était étaient être avait ont fait plus comme aussi tout
tous cette ces sans sous entre après avant depuis dont où lors selon chez ainsi donc car c'est qu'il
n'est l'on même très
""".split()),
    "de": frozenset("""
aber als am an auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des dessen
die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es
euer eure für hatte hatten hat haben hier hin hinter ich ihr ihre im in ist ja jede jedem jeden jeder
jedes jener jetzt kann kein keine können machen man mein meine mit muss nach nicht nichts noch nun nur
ob oder ohne sehr sein seine sich sie sind so über um und uns unser unter vom von vor wann war waren
warum was weil weiter wenn wer werde werden wie wieder wir wird wo zu zum zur zwischen wurde wurden
bereits sagte laut gegen seit soll sollen
""".split()),
    "pt": frozenset("""
a ao aos as com como da das de dela dele deles depois do dos e ela elas ele eles em entre era essa
esse esta este eu foi for foram há isso isto já lhe mais mas me mesmo meu minha muito na nas nem no
nos nossa nosso num numa não o os ou para pela pelas pelo pelos por qual quando que quem se sem ser
seu seus sua suas são também te tem tinha um uma umas uns você à às é está estão foi segundo ainda
sobre até após
""".split()),
    "it": frozenset("""
a ad al alla alle allo ai agli anche avere aveva c che chi ci come con contro cui da dal dalla dalle
dei del della delle dello degli di dove e ed era erano essere gli ha hanno ho i il in io la le lei lo
loro lui ma mi mia mio ne negli nei nel nella nelle nello noi non nostro o per perché più quale quando
quella quelle quello questa queste questo se sei si sia sono su sua sue sui sul sulla suo suoi tra tu
un una uno voi è anche stato stata già dopo ancora secondo solo
""".split()),
    "nl": frozenset("""
aan al als bij dan dat de der deze die dit door een en er had heb hebben heeft het hier hij hoe hun
ik in is je kan maar me met mijn naar niet nog nu of om ons ook op over te tot u uit van veel voor
was waren wat we wel werd wie wij worden wordt zal ze zei zich zij zijn zo zou
""".split()),
}

LANGUAGES = tuple(sorted(STOPWORDS))


# First- and second-person words: a text that speaks to the reader or for the site ("Subscribe
# to our newsletter", "Thank you for your comment", "Nous utilisons ...") rather than reports.
# German "Sie"/"Ihr" and Italian "i" are left out: they are also "they"/"her" and "the".
READER_ADDRESS = {
    "en": frozenset("i me my mine we us our ours you your yours".split()),
    "es": frozenset("yo me mi mis nosotros nosotras nuestro nuestra nuestros nuestras tú tu tus usted ustedes te os vosotros".split()),
    "fr": frozenset("je me moi mon mes nous notre nos vous votre vos tu toi ton tes".split()),
    "de": frozenset("ich mich mir mein meine meinen meinem meiner wir uns unser unsere unseren unserem unserer du dich dir dein deine euch euer eure".split()),
    "pt": frozenset("eu me meu minha meus minhas nós nosso nossa nossos nossas você vocês te teu tua".split()),
    "it": frozenset("io mi mio mia miei mie noi nostro nostra nostri nostre tu ti tuo tua tuoi voi vostro vostra".split()),
    "nl": frozenset("ik mij mijn wij we ons onze jij jou jouw uw".split()),
}
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1 << 12)  # asked of each block of a page by the classifier (language, density) and metadata
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word tokens (letters only; an apostrophe inside a word kept)."""
    found = TOKEN.findall(text.lower())
    return tuple(t.replace("’", "'") for t in found) if "’" in text else tuple(found)


def stopword_counts(toks: Sequence[str]) -> dict[str, int]:
    """How many of ``toks`` are stop words of each language (every language, in
    ``STOPWORDS`` order): the distinct tokens are counted once and met with each
    language's stop words as sets, not tested one by one per language."""
    counts = Counter(toks)
    found = counts.keys()
    return {lang: sum(counts[w] for w in words & found) for lang, words in STOPWORDS.items()}


def guess_language(texts: list[str], min_hits: int = 20, margin: float = 1.3) -> str | None:
    """The language whose stop words are most frequent in ``texts``, or None when too few
    stop words were seen or the best language does not lead the next one by ``margin``."""
    toks = list(chain.from_iterable(map(tokens, texts)))
    counts = sorted(((n, lang) for lang, n in stopword_counts(toks).items()), reverse=True)
    (best, lang), (second, _) = counts[0], counts[1]
    if best < min_hits or best < margin * second:
        return None
    return lang


def stopword_density(text: str, lang: str | None) -> float:
    """Share of the words of ``text`` that are stop words of ``lang`` (the best language of
    the text itself when ``lang`` is None)."""
    toks = tokens(text)
    if not toks:
        return 0.0
    if lang in STOPWORDS:
        return _share(toks, STOPWORDS[lang])
    return max(stopword_counts(toks).values()) / len(toks)


def reader_address(text: str, lang: str | None) -> float:
    """Share of the words of ``text`` that are first- or second-person words of ``lang``
    (English when the page's language is unknown)."""
    return _share(tokens(text), READER_ADDRESS.get(lang or "en", READER_ADDRESS["en"]))


def _share(toks: Sequence[str], words: frozenset[str]) -> float:
    """The share of ``toks`` that are in ``words`` (0 for no tokens)."""
    return sum(map(words.__contains__, toks)) / len(toks) if toks else 0.0
