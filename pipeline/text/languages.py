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
from typing import Iterable, Sequence

from newsclean.pipeline.text.predicates import CJK_RUN, KANA, cjk_words, ends_like_sentence, words

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
    # Cyrillic, Greek, Arabic and the other Latin-script languages of news (issue 15)
    "ru": frozenset("""
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне было
вот от меня еще ещё нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас
опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем
была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой
ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при
об другой хоть после над больше тот через эти нас про всего них какая много разве эту моя
свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это
также который которые которая которого которых является заявил сообщил отметил года году
""".split()),
    "uk": frozenset("""
і й та в у на з із зі що не як до за від по для це він вона вони ми ви його її їх але або чи був була
було були буде є також який яка яке які котрий після під над між через при про без тому коли де там
тут вже ще лише тільки навіть може можна треба цей ця ці цього цієї цих того своє свій своя свої
себе нас вас нам вам їм йому їй року році заявив повідомив зазначив
""".split()),
    "pl": frozenset("""
i w z na do nie się to że jest o a od po za jak ale co czy dla przez tak przy już jego jej ich go
mu ten ta te tym tego tej tych był była było byli będzie są być jako oraz lub ani tylko także też
może można które który która którego których którym gdy kiedy gdzie tam tu teraz jeszcze bardzo
jednak więc bo ponieważ aby żeby by pod nad przed między bez we ze ku u siebie sobie nam nas wam
was im nich nim niej roku powiedział według około
""".split()),
    "cs": frozenset("""
a i v ve na s se z ze do k o u je jsou byl byla bylo byli bude být to ten ta te tento tato toto
tím tom toho té tu že aby by když kde jak co což který která které kterou kterého jejich jeho její
jim mu ho ji pro při po před pod nad mezi bez od za ale nebo ani jen také však už ještě již tak
jako jsem jsme jste si sebe nás vás nám vám tam zde může roku uvedl řekl podle
""".split()),
    "el": frozenset("""
και το η ο οι τα τη την του της των τον τις στο στη στην στον στα στις στους σε με για από που
θα να δεν μη μην είναι ήταν έχει είχε έχουν ένα ένας μια μία μιας ενός αυτό αυτή αυτός αυτά αυτές
αυτοί αυτών αλλά ή ως όπως όταν αν καθώς ενώ μετά πριν κατά προς μέχρι έως χωρίς μεταξύ επί υπό
οποίο οποία οποίος οποίοι οποίες οποίων τους μας σας τι πως πώς εδώ εκεί ακόμη ακόμα επίσης
πολύ μόνο όμως δηλαδή ότι λόγω σύμφωνα δήλωσε
""".split()),
    "tr": frozenset("""
ve bir bu da de için ile çok daha gibi olan olarak ama ancak en ne o şu her ya veya ki mi mı mu mü
kadar sonra önce göre değil var yok diye ise bile hem çünkü nasıl neden şey ayrıca ilk yeni tüm
bütün onun bunun şimdi artık hiç zaman olduğu olduğunu etti eden yapılan dedi belirtti
""".split()),
    "ar": frozenset("""
في من على إلى الى عن مع أن ان إن لا ما هذا هذه ذلك التي الذي الذين كان كانت يكون قد لم لن ثم أو او
بين بعد قبل حتى كل عند منذ خلال حول ضد أي كما وفي ومن وعلى وأن هو هي هم نحن أنه انه إنه التى فيه
فيها به بها له لها لهم وقال قال وقالت يوم عام
""".split()),
}

LANGUAGES = tuple(sorted(STOPWORDS))
ANY_STOPWORD = frozenset().union(*STOPWORDS.values())  # a stop word of some language


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
    "ru": frozenset("я меня мне мой моя моё мое мои мы нас нам наш наша наше наши ты тебя тебе твой вы вас вам ваш ваша ваше ваши".split()),
    "uk": frozenset("я мене мені мій моя моє мої ми нас нам наш наша наше наші ти тебе тобі твій ви вас вам ваш ваша ваше ваші".split()),
    "pl": frozenset("ja mnie mi mój moja moje my nas nam nasz nasza nasze nasi ty ciebie ci twój wy was wam wasz wasza państwo".split()),
    "cs": frozenset("já mě mi můj moje my nás nám náš naše ty tebe ti tvůj vy vás vám váš vaše".split()),
    "el": frozenset("εγώ μου με εμείς μας εμάς δικό δική σου εσύ εσείς σας δικός".split()),
    "tr": frozenset("ben beni bana benim biz bizi bize bizim sen seni sana senin siz sizi size sizin".split()),
    "ar": frozenset("أنا نحن لنا لي أنت أنتم لك لكم".split()),
}
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# TOKEN on lower-cased ASCII text, where its letters are a-z and its apostrophes one: a
# third faster, and most blocks are ASCII
TOKEN_ASCII = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=1 << 12)  # asked of each block of a page by the classifier (language, density) and metadata
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word tokens (letters only; an apostrophe inside a word kept)."""
    if text.isascii():
        return tuple(TOKEN_ASCII.findall(text.lower()))
    found = TOKEN.findall(text.lower())
    return tuple(t.replace("’", "'") for t in found) if "’" in text else tuple(found)


def stopword_counts(toks: Iterable[str]) -> dict[str, int]:
    """How many of ``toks`` are stop words of each language (every language, in
    ``STOPWORDS`` order): the distinct tokens are counted once and met with each
    language's stop words as sets, not tested one by one per language. Only the tokens that
    are a stop word of some language are counted (``ANY_STOPWORD``, a filter in C): the
    others add to no language's count, and a page's tokens are about half of them."""
    counts = Counter(filter(ANY_STOPWORD.__contains__, toks))
    found = set(counts)  # a set: ``words & found`` then walks the smaller one (a keys view made a set of words)
    return {lang: sum(counts[w] for w in words & found) for lang, words in STOPWORDS.items()}


def guess_language(texts: list[str], min_hits: int = 20, margin: float = 1.3) -> str | None:
    """Chinese or Japanese when most of the words of ``texts`` are written in their scripts
    (``cjk_language``); else the language whose stop words are most frequent in ``texts``, or
    None when too few stop words were seen, the best language does not lead the next one by
    ``margin``, or most of the letters are not in its script (``in_its_script``)."""
    cjk = cjk_language(texts)
    if cjk is not None:
        return cjk
    counts = sorted(((n, lang) for lang, n in stopword_counts(chain.from_iterable(map(tokens, texts))).items()),
                    reverse=True)
    (best, lang), (second, _) = counts[0], counts[1]
    if best < min_hits or best < margin * second or not in_its_script(texts, lang) or not in_its_longest(texts, lang):
        return None
    return lang


LONGEST = 5  # the page's longest sentences looked at (in words): its article's, on a page that has one
LONGEST_STOP = 0.1  # the share of stop words of the language that makes one of them in it


def in_its_longest(texts: Sequence[str], lang: str) -> bool:
    """Most of the page's LONGEST longest sentences (seven words or more, ending like one;
    their length in tokens) hold LONGEST_STOP of ``lang``'s stop words (true when the page
    has fewer). On a Vietnamese, Indonesian or Swahili page (no stop-word list) whose sign-in
    prompt and cookie notice are English, English has the most stop words, but the article's
    paragraphs, the longest sentences, have none of them."""
    sentences = sorted((t for t in texts if words(t) >= 7 and ends_like_sentence(t)),
                       key=lambda t: len(tokens(t)), reverse=True)
    if len(sentences) < LONGEST:
        return True
    stops = STOPWORDS[lang]
    return sum(1 for t in sentences[:LONGEST] if _share(tokens(t), stops) >= LONGEST_STOP) > LONGEST // 2


# The script of each stop-word language. A Hindi, Thai or Bengali page whose menus, cookie notice
# or sign-in prompt are in English has more English stop words than any other: were it taken for
# English, no paragraph of its own would hold enough stop words to read as running text, and
# the block classifier would take the article. Its letters tell it is not.
SCRIPT_LETTERS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+"),
    "cyrillic": re.compile(r"[\u0400-\u052f]+"),
    "greek": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+"),
}
SCRIPT_OF = {"ru": "cyrillic", "uk": "cyrillic", "el": "greek", "ar": "arabic"}  # the others: Latin
LETTER = re.compile(r"[^\W\d_]+")
SCRIPT_MIN_SHARE = 0.5  # of the letters of the texts
ASCII_PAGE = 0.3  # under this share of characters outside ASCII, a page is written in Latin letters


def in_its_script(texts: Sequence[str], lang: str) -> bool:
    """At least SCRIPT_MIN_SHARE of the letters of ``texts`` are in ``lang``'s script. A page
    whose characters are mostly ASCII is answered without counting letters: Latin, so yes for
    a language written in Latin letters and no for another."""
    script = SCRIPT_OF.get(lang, "latin")
    chars = wide = 0
    for text in texts:
        chars += len(text)
        if not text.isascii():
            wide += len(text) - len(text.encode("ascii", "ignore"))
    if wide < ASCII_PAGE * chars:
        return script == "latin"
    own = total = 0
    for text in texts:
        letters = sum(map(len, LETTER.findall(text)))
        total += letters
        own += letters if script == "latin" and text.isascii() else sum(map(len, SCRIPT_LETTERS[script].findall(text)))
    return own >= SCRIPT_MIN_SHARE * total


CJK_MIN_SHARE = 0.5  # of the page's words, for the page to be Chinese or Japanese
KANA_MIN_SHARE = 0.1  # of its Han and kana characters, for Japanese (Chinese has no kana)
CJK_MIN_WORDS = 20  # as many words as guessing by stop words needs hits


def cjk_language(texts: list[str]) -> str | None:
    """"zh" or "ja" when Han and kana runs hold at least CJK_MIN_SHARE of the words of
    ``texts`` (and CJK_MIN_WORDS of them); Japanese when kana are at least KANA_MIN_SHARE of
    those characters. These languages have no stop-word list: the script tells them."""
    cjk = sum(map(cjk_words, texts))
    if cjk < CJK_MIN_WORDS or cjk < CJK_MIN_SHARE * sum(map(words, texts)):
        return None
    chars = sum(len(run) for t in texts for run in CJK_RUN.findall(t))
    kana = sum(len(KANA.findall(t)) for t in texts)
    return "ja" if kana >= KANA_MIN_SHARE * chars else "zh"


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
    """The share of ``toks`` that are in ``words`` (0 for no tokens): the members kept by a
    filter and counted, cheaper than summing a bool per token."""
    return len(list(filter(words.__contains__, toks))) / len(toks) if toks else 0.0
