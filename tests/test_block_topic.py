"""The classifier's topic features (classify.blocks): ``core_overlap`` (how much of a block's
content words the article core also uses) and ``near_overlap`` (the same against its
neighbours). Shared words, no phrases: the Russian example holds no word any rule knows."""
from newsclean.pipeline.classify.blocks import FEATURE_TABLE, page_facts, stems
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.ingest.segment import segment

CFG = CleanConfig()
HEADLINE = "Council expands the northern bus network"
CORE = [
    "The city council voted on Tuesday to expand the bus network to the northern suburbs by next spring.",
    "The network plan adds four routes and doubles the buses on the busiest northern line, the council said.",
    "Opponents of the council said the cost of the network, about 12 million dollars a year, was too high.",
    "Residents of the northern suburbs have asked the council for more buses since the network was cut.",
]
OTHER_STORY = "A famous painting stolen from a museum in Vienna was found in a garage after thirty years."
# Russian: the article, then a list of other stories written as full sentences
RU_CORE = [
    "Учёные из Новосибирска создали новую вакцину против гриппа, которая защищает от нескольких штаммов вируса.",
    "По словам учёных, вакцина прошла испытания на животных и скоро начнутся клинические испытания вакцины.",
    "Новая вакцина против гриппа может появиться в аптеках через три года, считают разработчики вакцины.",
]
RU_TEASERS = [
    "Министерство транспорта утвердило новые правила перевозки багажа на железной дороге страны.",
    "Футбольный клуб из Казани подписал контракт с бразильским нападающим на четыре сезона.",
]


def columns(lines, lang="en"):
    page = page_facts(segment("\n".join(lines), CFG), CFG, lang, ())
    return {name: FEATURE_TABLE[name](page) for name in ("core_overlap", "near_overlap")}


def test_stems_are_content_word_prefixes():
    assert stems("The Councils voted, the council said") == frozenset({"counc", "voted"})
    assert stems("Учёные создали вакцину") == frozenset({"учёны", "созда", "вакци"})


def test_a_paragraph_of_another_story_shares_no_words_with_the_core():
    c = columns([HEADLINE, *CORE, OTHER_STORY])
    assert min(c["core_overlap"][1:5]) >= 0.3  # each core paragraph against the rest of the core
    assert c["core_overlap"][5] == 0.0
    assert c["core_overlap"][0] > 0.5  # the headline is about the article


def test_a_list_of_other_stories_in_russian_is_apart_from_its_article():
    c = columns([*RU_CORE, *RU_TEASERS], "ru")
    assert min(c["core_overlap"][:3]) > 0.2 and c["core_overlap"][3:] == [0.0, 0.0]
    assert c["near_overlap"][3] < c["near_overlap"][1]


def test_no_core_gives_zero_overlap():
    assert columns(["Home", "News", "Sport"])["core_overlap"] == [0.0, 0.0, 0.0]
