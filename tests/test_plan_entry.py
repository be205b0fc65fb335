"""The plan entry's owner (issue 14): ``pipeline/output/shards.py``'s ``Entry`` and the
functions that write and read it in a shard's plan file (``to_json``, ``from_json``,
``as_entry``, ``entry_hook``, ``plan_json``, ``plan_entries``). A plan file outlives the code
that wrote it: what one version writes the next must read back to the same entries, the
positional lists of earlier versions included, and anything else is a ValueError (the plan
is then rebuilt), never an entry with its fields shifted."""
import json

import pytest

from newsclean.pipeline.output.shards import Entry, as_entry, entry_hook, plan_entries, plan_json

SHA, SIDE = "f" * 64, "e" * 64
FULL = Entry("a", "x/a.txt", SHA, "x/b.txt", SIDE)
PLAIN = Entry("b", "b.txt", SHA)


def through_json(data):
    return json.loads(json.dumps(data))


@pytest.mark.parametrize("entry", [FULL, PLAIN, Entry("c", "c.txt", SHA, None, SIDE), Entry("d", "d.txt", SHA, "a.txt")])
def test_an_entry_round_trips_by_name(entry):
    data = entry.to_json()
    assert list(data) == ["id", "rel", "sha256", "duplicate_of", "sidecar_sha256"]  # every field, by name
    assert Entry.from_json(through_json(data)) == entry


def test_to_json_holds_the_values():
    assert FULL.to_json() == {"id": "a", "rel": "x/a.txt", "sha256": SHA, "duplicate_of": "x/b.txt",
                              "sidecar_sha256": SIDE}
    assert PLAIN.to_json() == {"id": "b", "rel": "b.txt", "sha256": SHA, "duplicate_of": None, "sidecar_sha256": None}


def test_a_plan_round_trips():
    data = through_json(plan_json(7, "d1g3st", [FULL, PLAIN]))
    assert (data["shard"], data["digest"]) == (7, "d1g3st")
    assert plan_entries(data) == [FULL, PLAIN]
    assert plan_entries(through_json(plan_json(0, "x", []))) == []


@pytest.mark.parametrize("stored, entry", [
    (["a", "x/a.txt", SHA, "x/b.txt"], Entry("a", "x/a.txt", SHA, "x/b.txt")),  # 4 fields: before sidecars
    (["a", "x/a.txt", SHA, None], Entry("a", "x/a.txt", SHA)),
    (["a", "x/a.txt", SHA, "x/b.txt", SIDE], FULL),  # 5 fields, in the dataclass's order
    (["a", "x/a.txt", SHA, None, SIDE], Entry("a", "x/a.txt", SHA, None, SIDE)),
])
def test_the_positional_lists_of_earlier_versions_read(stored, entry):
    assert Entry.from_json(stored) == entry
    assert as_entry(stored) == entry
    assert plan_entries({"entries": [stored]}) == [entry]


def test_an_old_list_and_a_new_object_are_the_same_entry():
    """plans.py takes set differences of entries read from both forms (a delta's removed)."""
    old, new = Entry.from_json(["a", "x/a.txt", SHA, "x/b.txt", SIDE]), Entry.from_json(FULL.to_json())
    assert old == new and hash(old) == hash(new) and len({old, new}) == 1


@pytest.mark.parametrize("bad", [
    ["a", "x/a.txt"],  # too short
    ["a", "x/a.txt", SHA],  # 3 fields: no version wrote one (duplicate_of was always there)
    ["a", "x/a.txt", SHA, None, None, "extra"],  # too long
    [],
    {"id": "a", "rel": "x/a.txt"},  # no sha256
    {"id": "a", "sha256": SHA},  # no rel
    {"rel": "x/a.txt", "sha256": SHA},  # no id
    {"id": "a", "rel": "x/a.txt", "sha256": SHA, "size": 3},  # a field Entry does not have
    {"id": 1, "rel": "x/a.txt", "sha256": SHA},  # not a string
    {"id": "a", "rel": "x/a.txt", "sha256": None},
    [1, "x/a.txt", SHA, None],
    ["a", "x/a.txt", SHA, 5],  # duplicate_of neither a path nor None
    ["a", "x/a.txt", SHA, None, ["e"]],  # sidecar_sha256 neither a digest nor None
    {"id": "a", "rel": "x/a.txt", "sha256": SHA, "duplicate_of": False},
    "a x/a.txt",
    None,
    3,
])
def test_a_malformed_entry_is_a_value_error(bad):
    with pytest.raises(ValueError, match="not a plan entry"):
        Entry.from_json(bad)
    with pytest.raises(ValueError):
        plan_entries({"entries": [FULL.to_json(), bad]})


@pytest.mark.parametrize("bad", [None, [], {}, {"entries": None}, {"entries": "a"}, {"entries": {"a": FULL.to_json()}}])
def test_a_malformed_plan_is_a_value_error(bad):
    with pytest.raises(ValueError, match="not a plan file"):
        plan_entries(bad)


def test_as_entry_keeps_an_entry_and_reads_json():
    assert as_entry(FULL) is FULL
    assert as_entry(FULL.to_json()) == FULL
    with pytest.raises(ValueError):
        as_entry({"id": "a"})


def test_entry_hook_makes_entries_while_parsing():
    text = json.dumps(plan_json(2, "d", [FULL, PLAIN]))
    data = json.loads(text, object_hook=entry_hook)
    assert isinstance(data, dict) and data["shard"] == 2  # the plan's own object is left a dict
    assert data["entries"] == [FULL, PLAIN] and all(type(e) is Entry for e in data["entries"])
    read = plan_entries(data)
    assert read == [FULL, PLAIN] and all(a is b for a, b in zip(read, data["entries"]))  # not made twice
    assert plan_entries(json.loads(text)) == read  # the same entries as without the hook


def test_entry_hook_leaves_other_objects_and_refuses_a_bad_entry():
    other = {"base": "d0", "added": []}
    assert entry_hook(other) is other
    assert entry_hook(FULL.to_json()) == FULL
    with pytest.raises(ValueError, match="not a plan entry"):
        json.loads('{"shard": 1, "digest": "d", "entries": [{"id": "a", "sha256": "ff"}]}', object_hook=entry_hook)
    with pytest.raises(ValueError, match="not a plan entry"):
        entry_hook({"id": "a", "rel": "a.txt", "sha256": SHA, "mtime": 3})
