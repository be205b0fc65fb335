"""The output folder's layout: the names of its folders and of its part files' pattern.

One owner: ``tasks/folder/paths.py`` builds every path of an output folder from these names, and
``pipeline/io.py``, which may not import ``tasks``, reads them here (tests/test_layout_owner.py
finds any other module that spells them).
"""
from __future__ import annotations

CORPUS = "corpus"  # the corpus parts (and the dataset card)
CHANGELOG = "changelog"  # the change-log parts, one beside each corpus part
PART_FOLDERS = (CORPUS, CHANGELOG)  # a segment's two parts, corpus first
PART_GLOB = "part-*.jsonl"  # what a part file's name looks like (tasks/folder/paths.py parses it in full)
STATE = "_state"  # plans, shard states, journals, indexes and caches
STATE_FOLDERS = ("shards", "plan", "journal", "index", "dedup", "inputstat")  # under STATE: the ones a writer puts temporary files in
