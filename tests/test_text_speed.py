"""The text path's cheaper steps give what the steps they replace give (issue 15.4): the JSONL
line's separator escapes, the character-class literals of the rule screens."""
import json

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.pipeline.output.contract import dumps
from newsclean.pipeline.rules.literals import required_literals
from newsclean.pipeline.text.predicates import fold

# what dumps did before: every character of the line through a translation table
TABLE = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})

texts = st.text(alphabet=st.sampled_from("ab é\n\"\\\x85\u2028\u2029€日"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["text", "id"]), st.one_of(texts, st.lists(texts, max_size=3))))
def test_dumps_escapes_as_the_translation_table_did(record):
    line = dumps(record)
    assert line == json.dumps(record, ensure_ascii=False, separators=(",", ":")).translate(TABLE)
    assert json.loads(line) == record and len(line.splitlines()) <= 1


def test_a_class_of_a_few_symbols_is_a_required_literal():
    assert required_literals(r"^[\s*•·+,;/_=–—-]*[|¦][\s*•·+,;/_=–—|¦-]*$") == {"|", "¦"}
    assert required_literals(r"^\w{2,20}\s*[:：]\s*\w+$") == {":", "："}


def test_a_class_with_letters_ranges_or_negation_gives_no_literal():
    # letters: full case folding matches more than the letter ("ß" with "SS", "k" with the Kelvin sign)
    assert required_literals(r"^[ßk]$") is None
    assert required_literals(r"x[0-9]y") is None and required_literals(r"[^|¦]+") is None
    assert required_literals(r"[\w|]") is None
    assert required_literals(r"[.,]") is None  # too common to test


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab |¦:：*-•\u00a6\uff5c"), max_size=12))
def test_a_class_literal_is_in_every_match(text):
    for pattern in (r"^[\s*•·+,;/_=–—-]*[|¦][\s*•·+,;/_=–—|¦-]*$", r"\w+[:：]\s*"):
        if regex.search(pattern, text, regex.IGNORECASE | regex.V1):
            assert any(literal in fold(text) for literal in required_literals(pattern))
