"""``newsclean verify --out O``: check an output folder in full, against its manifest.

Every part's sha256, size and record count against the manifest's part table (or its
shard's journal, for parts a rebuild committed since), every line a record, every id once
in the corpus and once in the change log, each in the part of its shard, and the manifest's
counts against the records. Exit 0 when all holds, 1 when anything is damaged.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.output.shards import key_id, shard_of

from newsclean.tasks.exitcodes import CommandError, Exit
from newsclean.tasks.folder import integrity, paths

DAMAGED = 1


def verify(out: Path) -> tuple[list[str], dict[str, int]]:
    """(problems, what was checked: parts and records)."""
    manifest = io.read_json(paths.manifest(out))
    if not isinstance(manifest, dict):
        return [f"{paths.manifest(out)} is missing or cannot be read"], {}
    if not isinstance(manifest.get("parts"), list):
        return ["the manifest has no part table (written by an earlier version): run `newsclean run` once"], {}
    table, pending = integrity.manifest_parts(out), integrity.journals(out)
    recorded = table
    if isinstance(manifest.get("shards"), int):  # with the commits of rebuilds and compactions since
        table = {p["path"]: p for shard in range(manifest["shards"])
                 for p in integrity.shard_table(out, shard, table, pending)}
    problems = part_problems(out, table, pending)
    ids: dict[str, Counter[str]] = {folder: Counter() for folder in paths.PART_FOLDERS}
    status: dict[str, str] = {}
    shards = manifest.get("shards")
    for rel in sorted(table):
        path = paths.part_path(out, rel)
        if not path.is_file():
            continue
        folder = rel.split("/", 1)[0]
        try:
            for rid, line in io.part_records(path):
                ids[folder][rid] += 1
                if isinstance(shards, int) and paths.part_key(path.name)[0] != shard_of(owner(rid, line), shards):
                    problems.append(f"{rel}: {rid!r} belongs to another shard's part")
                if folder == paths.CHANGELOG:
                    status[rid] = json.loads(line).get("status")
        except io.DamagedPart as exc:
            problems.append(f"{rel}: {exc.reason}")
    problems += id_problems(ids, status) + count_problems(manifest, ids, status, since_manifest(recorded, table))
    return problems, {"parts": len(table), "records": sum(ids["changelog"].values())}


def part_problems(out: Path, table: dict[str, dict], pending: dict[int, dict]) -> list[str]:
    problems = []
    for rel in sorted(table):
        problem = integrity.part_problem(paths.part_path(out, rel), integrity.expected(out, rel, table, pending))
        if problem:
            problems.append(integrity.describe(rel, problem, table[rel]))
    on_disk = {f"{folder}/{p.name}" for folder in paths.PART_FOLDERS for p in (out / folder).glob(paths.PART_GLOB)}
    problems += [f"{rel} is not in the manifest's part table" for rel in sorted(on_disk - set(table))]
    return problems


def owner(key: str, line: str) -> str:
    """The id whose shard holds a record: a duplicate's change-log record is keyed id@path."""
    return key_id(key, ((json.loads(line).get("source") or {}).get("path"))) if "@" in key else key


def id_problems(ids: dict[str, Counter], status: dict[str, str]) -> list[str]:
    problems = [f"{folder}: {rid!r} is written {n} times" for folder, counts in ids.items()
                for rid, n in sorted(counts.items()) if n > 1]
    kept = {rid for rid, s in status.items() if s != "rejected"}
    problems += [f"corpus: {rid!r} has no change-log record" for rid in sorted(set(ids["corpus"]) - set(status))]
    problems += [f"corpus: {rid!r} is rejected in the change log" for rid in sorted(set(ids["corpus"]) & (set(status) - kept))]
    problems += [f"changelog: {rid!r} has no corpus record" for rid in sorted(kept - set(ids["corpus"]))]
    return problems


def since_manifest(recorded: dict[str, dict], table: dict[str, dict]) -> dict[str, int]:
    """How many records the parts committed since the manifest (a rebuild that turned a
    cleaned article into a rejected one, or back) add to its counts, per part folder: the
    part table now less the manifest's (0 without such a commit)."""
    def held(parts: dict[str, dict]) -> Counter[str]:
        return Counter({folder: sum(p.get("records") or 0 for rel, p in parts.items() if rel.split("/", 1)[0] == folder)
                        for folder in paths.PART_FOLDERS})
    now, then = held(table), held(recorded)
    return {folder: now[folder] - then[folder] for folder in paths.PART_FOLDERS}


def count_problems(manifest: dict, ids: dict[str, Counter], status: dict[str, str],
                   since: dict[str, int] | None = None) -> list[str]:
    counts = manifest.get("counts") or {}
    rejected = manifest.get("rejected") or []  # duplicate ids too, logged under id@path
    since = since or {}
    corpus_since = since.get(paths.CORPUS, 0)
    expect = {"corpus": counts.get("read", 0) - counts.get("rejected", 0) + corpus_since,
              "rejected in the change log": len(rejected) + since.get(paths.CHANGELOG, 0) - corpus_since}
    found = {"corpus": len(ids["corpus"]), "rejected in the change log": sum(s == "rejected" for s in status.values())}
    problems = [f"the manifest counts {expect[k]} records {k}, the parts hold {found[k]}" for k in expect
                if expect[k] != found[k]]
    for part in manifest["parts"]:
        if not isinstance(part, dict) or not {"path", "shard", "records", "bytes", "sha256"} <= set(part):
            problems.append(f"the manifest's part table holds a malformed entry: {str(part)[:80]}")
    return problems


def cmd_verify(args) -> int:
    out = Path(args.out)
    if not paths.manifest(out).exists() and not paths.part_files(out):  # no run, not a damaged one
        raise CommandError(f"no manifest in {out}: run `newsclean run --out {out}` first", Exit.NOT_FOUND)
    problems, checked = verify(out)
    for problem in problems:
        print(f"  damaged: {problem}")
    if problems:
        print(f"newsclean: {out} is damaged ({len(problems)} problems); `newsclean run --out {out}` rebuilds "
              "damaged parts from the raw folder", file=sys.stderr)
        return DAMAGED
    print(f"newsclean: {out} verified: {checked['parts']} parts, {checked['records']} records, "
          "every checksum, count and id as the manifest records")
    return 0


def add_verify_command(sub: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None) -> None:
    v = sub.add_parser("verify", help="check an output folder in full against its manifest (exit 1 when damaged)",
                       parents=[common] if common is not None else [])
    v.add_argument("--out", default="clean", help="output folder (default: clean/)")
    v.set_defaults(func=cmd_verify)
