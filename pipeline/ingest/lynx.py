"""lynx -dump's link markers out of the text.

``lynx -dump`` (and ``links -dump``, ``elinks -dump``) writes each link's text after its number
in brackets ("the [5]weather department said") and lists the numbers' URLs at the end under
"References" ("  5. https://mausam.imd.gov.in/"). The markers sit inside every paragraph with a
link, a corpus's words glued to numbers. A text is such a dump when a "References" line is
followed by at least MIN_REFERENCES numbered URLs and the text holds markers
(``looks_like_lynx``); then a marker that starts a word goes (``without_markers``), each block changed logged by
``segment.segment_text`` as an ``ingest`` edit (``seg.lynx``). The reference list itself is
left to the boilerplate stage (URL lines after the body).
"""
from __future__ import annotations

import re
from typing import Sequence

REFERENCES = re.compile(r"^\s*(?:References|Visible links|Hidden links):?\s*$")
NUMBERED_URL = re.compile(r"^\s*\d{1,5}\.\s+(?:https?|ftp|file|mailto):\S+\s*$")
# a marker starts a word: after white space, a line's start or an opening bracket, before a
# letter ("the [5]weather"); a citation after a word ("shown[1].") or before a space is not one
MARKER = re.compile(r"(?<![^\s(\[])\[\d{1,5}\](?=[^\W\d_])")
MIN_REFERENCES = 3


def looks_like_lynx(lines: Sequence[str]) -> bool:
    """A "References" line, then at least MIN_REFERENCES numbered URLs right under it (blank
    lines between allowed), and markers in the text above it (an article that lists its
    sources' URLs under "References" has no "[n]" starting a word)."""
    if sum(1 for line in lines if "[" in line and MARKER.search(line)) < MIN_REFERENCES:
        return False
    for i, line in enumerate(lines):
        if REFERENCES.match(line):
            following = [rest for rest in lines[i + 1:i + 2 + 2 * MIN_REFERENCES] if rest.strip()]
            if len(following) >= MIN_REFERENCES and all(NUMBERED_URL.match(rest) for rest in following[:MIN_REFERENCES]):
                return True
    return False


def without_markers(text: str) -> str:
    """The text without lynx's "[n]" markers before link texts."""
    return MARKER.sub("", text) if "[" in text else text
