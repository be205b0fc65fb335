"""A shard's plan (``_state/plan/SSSSS-<digest>.json``): the inputs the shard is to hold,
handed from the planner (tasks/batch.py) to the shard's task, which may run in another
process or on another machine.

A plan is written only for a shard whose digest changed. So that what a run writes follows
what changed, not the size of the shard, a plan holds only how its entries differ from the
shard's previous plan (``base``, named by that plan's digest): the entries ``added`` and
``removed``. A plan is written whole (``entries``, the format of earlier versions) when
there is no previous plan that reads, when its chain of bases would grow past ``MAX_DEPTH``,
or when the deltas along the chain would hold more entries than half the shard's: the
whole shard is written once every so many runs, its cost shared among them.

Plans are a cache: one that cannot be read (or whose base cannot) is discarded and planned
again whole. Publish keeps the plans the current ones are built on (``chain``).
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.output.shards import Entry, as_entry, entry_hook, plan_entries

from newsclean.tasks.folder import paths

MAX_DEPTH = 16  # deltas on a whole plan; a shard's task reads them all


CHECKED = Entry("", "", "")  # what ``checked`` leaves in place of each entry it read


def checked(obj: dict) -> Entry | dict:
    """An object_hook that checks each entry and keeps none (``readable``)."""
    return CHECKED if isinstance(entry_hook(obj), Entry) else obj


def links(out: Path, shard: int, digest: str, hook=entry_hook) -> list[tuple[Path, dict]]:
    """The plan of ``digest`` and the plans it is built on, newest first, down to a whole
    one, each entry an Entry (``hook``); ValueError when one is missing or does not read, or
    the chain is too long."""
    found: list[tuple[Path, dict]] = []
    seen = set()
    while True:
        path = paths.shard_plan(out, shard, digest)
        data = io.read_json(path, object_hook=hook)
        if not isinstance(data, dict) or digest in seen or len(found) > MAX_DEPTH:
            raise ValueError(f"{path.name}: not a plan, or its chain is broken")
        seen.add(digest)
        found.append((path, data))
        if "base" not in data:
            plan_entries(data)  # ValueError when not a whole plan
            return found
        if not isinstance(data["base"], str) or not isinstance(data.get("added"), list) \
                or not isinstance(data.get("removed"), list):
            raise ValueError(f"{path.name}: not a plan")
        digest = data["base"]


def entries_of(chain: list[tuple[Path, dict]]) -> list[Entry]:
    """The entries a chain of plans (``links``) makes, in the order the planner gives them
    (by path; a shard's task does not depend on it)."""
    held = plan_entries(chain[-1][1])
    for _, data in reversed(chain[:-1]):
        gone = {as_entry(e) for e in data["removed"]}
        held = [e for e in held if e not in gone] + [as_entry(e) for e in data["added"]]
    return sorted(held, key=lambda e: e.rel)


def read(out: Path, shard: int, digest: str) -> list[Entry]:
    """The entries of a shard's plan; ValueError when it (or a plan it is built on) does not read."""
    return entries_of(links(out, shard, digest))


def iter_entries(out: Path, shard: int, digest: str) -> Iterator[Entry]:
    """The entries of a shard's plan, as ``read`` gives them but not in its order (the whole
    plan's, less those the deltas on it removed, then those they added), the whole plan
    read a piece at a time (``io.iter_json_object``): none is held but the deltas' (what
    changed since it was written). ValueError (or OSError) when a plan of the chain does not
    read, raised when reading reaches the fault."""
    yield from stream(out, shard, digest)[1]


def stream(out: Path, shard: int, digest: str) -> tuple[list[tuple[Path, dict]], Iterator[Entry]]:
    """(the plan files of ``digest``'s chain, newest first, as ``links`` gives them but the
    whole plan's without its entries; the entries, as ``iter_entries`` gives them). The
    deltas are read whole, the whole plan up to its first entry: ValueError (or OSError)
    when one does not read, or (from the entries) when the rest of the whole plan does not."""
    found: list[tuple[Path, dict]] = []
    seen: set[str] = set()
    while True:
        path = paths.shard_plan(out, shard, digest)
        if digest in seen or len(found) > MAX_DEPTH:
            raise ValueError(f"{path.name}: its chain is broken")
        seen.add(digest)
        data: dict = {}
        members = io.iter_json_object(path, ("entries",), object_hook=entry_hook)
        for key, value, element in members:
            if key == "entries" and "base" not in data:
                if not element and not isinstance(value, list):
                    raise ValueError(f"{path.name}: not a plan")
                found.append((path, data))
                return found, _applied(found[:-1], value, element, members)
            data[key] = value
        if not isinstance(data.get("base"), str) or not isinstance(data.get("added"), list) \
                or not isinstance(data.get("removed"), list):
            raise ValueError(f"{path.name}: not a plan")
        found.append((path, data))
        digest = data["base"]


def _applied(deltas: list[tuple[Path, dict]], first, element: bool, members) -> Iterator[Entry]:
    """The whole plan's entries (``first``, then the rest of ``members``) less those the
    deltas (newest first) removed, then those they added, as ``entries_of`` applies them."""
    gone: set[Entry] = set()
    extra: list[Entry] = []
    for _, delta in reversed(deltas):  # oldest first
        removed = {as_entry(e) for e in delta["removed"]}
        gone |= removed
        extra = [e for e in extra if e not in removed] + [as_entry(e) for e in delta["added"]]
    if element:
        rest = (v for k, v, more in members if k == "entries" and more)  # read through to its end
        for e in itertools.chain([first], rest):
            entry = as_entry(e)
            if entry not in gone:
                yield entry
    yield from extra


def count(out: Path, shard: int, digest: str) -> int:
    """How many entries the plan makes (its entries are not made: ``checked`` keeps none);
    ValueError when it does not read. The chain's deltas each add entries not held and
    remove entries held (``_delta``)."""
    found = links(out, shard, digest, hook=checked)
    return len(plan_entries(found[-1][1])) + sum(len(d["added"]) - len(d["removed"]) for _, d in found[:-1])


def readable(out: Path, shard: int, digest: str) -> bool:
    """Whether the plan (and each it is built on) reads, every entry checked; it holds none
    of them. A plan found readable is recorded with the size, mtime_ns and inode of each of
    its files (``paths.plan_stats``, local to the machine): while they are the same, it is not
    read again (a no-change run read every shard's plan in full: 24 MB at 100,000 inputs)."""
    head = paths.shard_plan(out, shard, digest)
    record = io.read_json(paths.plan_stats(out)) or {}
    known = record.get(head.name)
    if isinstance(known, list) and known and all(isinstance(k, list) and k[1:] == _stat(head.with_name(str(k[0])))
                                                 for k in known):
        return True
    try:
        found = links(out, shard, digest, hook=checked)
        for _, data in found:
            for key in ("entries", "added", "removed"):
                plan_entries({"entries": data.get(key, [])})
    except (ValueError, TypeError, KeyError):
        return False
    _remember(out, shard, [path for path, _ in found])
    return True


def _stat(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def chain(out: Path, shard: int, digest: str) -> list[Path]:
    """The plan files the shard's plan is made of (none when it does not read)."""
    try:
        return [path for path, _ in links(out, shard, digest)]
    except (ValueError, TypeError):
        return []


def write(out: Path, shard: int, digest: str, entries: list[Entry], previous: str | None) -> None:
    """Write the plan of ``digest``: as its difference from the plan of ``previous`` (the
    shard's digest in the last manifest) when that reads and the chain stays short, else whole."""
    if not write_delta(out, shard, digest, lambda: entries, previous):
        write_whole(out, shard, digest, entries)


def write_delta(out: Path, shard: int, digest: str, entries, previous: str | None) -> bool:
    """Write the plan of ``digest`` as its difference from the plan of ``previous`` (the
    shard's digest in the last manifest) when that reads and the chain stays short;
    ``entries()`` gives the shard's entries, in any order, taken one at a time (called only
    when there is such a plan).
    Whether it was written (else it is to be written whole)."""
    if not previous or previous == digest or not paths.shard_plan(out, shard, previous).exists():
        return False
    delta, base = _delta(out, shard, entries(), previous)  # neither plan held
    if delta is None:
        return False
    head = paths.shard_plan(out, shard, digest)
    io.atomic_write_text(head, compact_json({"shard": shard, "digest": digest, **delta}))
    _remember(out, shard, [head, *base])  # read back by a later run only if one of its files changed
    return True


def write_whole(out: Path, shard: int, digest: str, entries: Iterable[Entry]) -> None:
    """Write the plan of ``digest`` whole, its entries as they come (written one at a time:
    the text ``compact_json(plan_json(...))`` makes, never held)."""
    head = paths.shard_plan(out, shard, digest)
    start = compact_json({"shard": shard, "digest": digest, "entries": []})[:-3]  # up to '['
    io.atomic_write_text(head, itertools.chain([start], _joined(entries), ["]}\n"]))
    _remember(out, shard, [head])


def _joined(entries: Iterable[Entry]) -> Iterator[str]:
    for i, e in enumerate(entries):
        yield ("," if i else "") + json.dumps(e.to_json(), ensure_ascii=False, separators=(",", ":"))


def _remember(out: Path, shard: int, chain: list[Path]) -> None:
    """Record the files of a shard's plan found readable (``readable``), with their stat."""
    stats = [[path.name, *stat] for path in chain if (stat := _stat(path)) is not None]
    record = io.read_json(paths.plan_stats(out)) or {}
    mine = f"{shard:05d}-"
    record = {k: v for k, v in record.items() if not k.startswith(mine)} | {chain[0].name: stats}
    io.write_text_if_changed(paths.plan_stats(out), json.dumps(record, sort_keys=True, indent=0) + "\n")


def compact_json(data: dict) -> str:
    """JSON without indentation: written by the C encoder, whose memory is the text's, where
    an indented dump holds a piece per token (hundreds of MB for a whole plan or stat cache of
    100,000 inputs)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _delta(out: Path, shard: int, entries: Iterable[Entry], previous: str) -> tuple[dict | None, list[Path]]:
    """(the plan as its difference from ``previous``'s, the files that one is made of), or
    (None, []) when it is to be written whole. Neither plan is held: both are sorted on
    disk (io.external_sorted, a run of rows at a time) and compared as they are read."""
    try:
        found, before = stream(out, shard, previous)
    except (ValueError, TypeError, KeyError, OSError):
        return None, []
    if len(found) >= MAX_DEPTH:
        return None, []
    carried = sum(len(d["added"]) + len(d["removed"]) for _, d in found[:-1])
    count = 0

    def rows(held: Iterable[Entry], counted: bool) -> Iterator[list]:
        nonlocal count
        for e in held:
            count += counted
            yield [e.id, e.rel, e.sha256, e.duplicate_of, e.sidecar_sha256]

    with io.Spill(1) as spill:
        new = spill.sorted(rows(entries, True), key=_entry_order)
        first = next(new, None)  # every entry is counted
        try:
            old = spill.sorted(rows(before, False), key=_entry_order)
            added, removed = _differ(itertools.chain([first] if first else [], new), old,
                                     lambda n: 2 * (carried + n) > count)
        except (ValueError, TypeError, KeyError, OSError):
            return None, []
    if added is None or removed is None:
        return None, []
    names = [f.name for f in fields(Entry)]
    return ({"base": previous, "added": [dict(zip(names, row)) for row in added],
             "removed": [dict(zip(names, row)) for row in removed]}, [path for path, _ in found])


def _entry_order(row: list) -> tuple:
    return row[0], row[1], row[2], row[3] or "", row[4] or ""


def _differ(new: Iterator[list], old: Iterator[list], too_many) -> tuple[list | None, list | None]:
    """(the rows of ``new`` whose entry is not in ``old``, those of ``old`` not in ``new``),
    both sorted by ``_entry_order``; (None, None) as soon as ``too_many(how many so far)``."""
    added: list[list] = []
    removed: list[list] = []
    a, b = next(new, None), next(old, None)
    while a is not None or b is not None:
        if a is not None and (b is None or _entry_order(a) < _entry_order(b)):
            added.append(a)
            a = next(new, None)
        elif b is not None and (a is None or _entry_order(b) < _entry_order(a)):
            removed.append(b)
            b = next(old, None)
        elif a is not None:  # in both: every copy of it stays
            same = _entry_order(a)
            while a is not None and _entry_order(a) == same:
                a = next(new, None)
            while b is not None and _entry_order(b) == same:
                b = next(old, None)
            continue
        if too_many(len(added) + len(removed)):
            return None, None
    return added, removed
