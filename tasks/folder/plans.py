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
    deltas: list[dict] = []  # newest first
    seen: set[str] = set()
    while True:
        path = paths.shard_plan(out, shard, digest)
        if digest in seen or len(deltas) > MAX_DEPTH:
            raise ValueError(f"{path.name}: its chain is broken")
        seen.add(digest)
        data: dict = {}
        members = io.iter_json_object(path, ("entries",), object_hook=entry_hook)
        for key, value, element in members:
            if key == "entries" and "base" not in data:
                gone: set[Entry] = set()
                extra: list[Entry] = []
                for delta in reversed(deltas):  # oldest first, as ``entries_of`` applies them
                    removed = {as_entry(e) for e in delta["removed"]}
                    gone |= removed
                    extra = [e for e in extra if e not in removed] + [as_entry(e) for e in delta["added"]]
                if element:
                    rest = (v for k, v, more in members if k == "entries" and more)  # read through to its end
                    yield from _kept(itertools.chain([value], rest), gone)
                elif not isinstance(value, list):
                    raise ValueError(f"{path.name}: not a plan")
                yield from extra
                return
            data[key] = value
        if not isinstance(data.get("base"), str) or not isinstance(data.get("added"), list) \
                or not isinstance(data.get("removed"), list):
            raise ValueError(f"{path.name}: not a plan")
        deltas.append(data)
        digest = data["base"]


def _kept(entries: Iterable, gone: set[Entry]) -> Iterator[Entry]:
    for e in entries:
        entry = as_entry(e)
        if entry not in gone:
            yield entry


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
    ``entries()`` gives the shard's entries (called only when there is such a plan).
    Whether it was written (else it is to be written whole)."""
    if not previous or previous == digest or not paths.shard_plan(out, shard, previous).exists():
        return False
    delta, base = _delta(out, shard, entries(), previous)
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


def _delta(out: Path, shard: int, entries: list[Entry], previous: str) -> tuple[dict | None, list[Path]]:
    """(the plan as its difference from ``previous``'s, the files that one is made of), or
    (None, []) when it is to be written whole."""
    try:
        found = links(out, shard, previous)
        before = entries_of(found)
    except (ValueError, TypeError, KeyError):
        return None, []
    old, new = set(before), set(entries)
    added = [e.to_json() for e in entries if e not in old]
    removed = [e.to_json() for e in before if e not in new]
    carried = len(added) + len(removed) + sum(len(d["added"]) + len(d["removed"]) for _, d in found[:-1])
    if len(found) >= MAX_DEPTH or 2 * carried > len(entries):
        return None, []
    return {"base": previous, "added": added, "removed": removed}, [path for path, _ in found]
