"""The run manifest: this run's counts, per-rule counts, rejections, digests."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Sequence

from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.output.contract import stamp


def batch_digest(digests: list[str]) -> str:
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()[:16]


def build_manifest(raw: str, shards: int, digests: list[str], states: list[dict], previous: dict | None, ctx: Context,
                   dropped_parts: Collection[str] = frozenset(), parts: Sequence[dict] = (),
                   links: dict | None = None) -> dict:
    """Aggregate shard states. A shard whose digest equals the previous manifest's was not
    run again, so all its articles count as unchanged, unless its state was written by this
    run (its ``run`` is past the previous manifest's, which counts the runs that wrote one). An id is removed when it left its
    shard's parts (or sat in a part file ``dropped_parts`` of a shard that no longer
    exists) and no shard holds it now: an article that moved shard (``shards`` changed) is
    not removed. ``dropped_parts`` also holds the ids a shard's journal recorded as removed
    (by a run that was killed before its manifest). ``parts``: what each part file holds
    (path, shard, records, bytes, sha256), the record a later run checks the parts against.
    ``links``: the Dedup step's summary; its counts go in ``duplicates``, its ``dup.*`` rule
    counts in ``rules`` (a link is counted where it is made, not per shard)."""
    before = (previous or {}).get("shard_digests") or []
    last_run = (previous or {}).get("run") or 0
    counts = Counter(read=0, cleaned=0, unchanged=0, rejected=0, removed=0)
    rules: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    rejected, removed = {}, []
    for i, state in enumerate(states):
        # a state written since the previous manifest (a damaged part or another rebuild's
        # record cleaned again) counts what it did, even when the shard's digest is the same
        skipped = i < len(before) and before[i] == digests[i] and (state.get("run") or 0) <= last_run
        kept = state.get("kept") or 0  # records of segments kept as they are (states of earlier versions list them)
        n_ok = len(state["cleaned"]) + len(state["unchanged"]) + kept
        counts["read"] += n_ok + len(state["rejected"])
        counts["unchanged"] += n_ok if skipped else len(state["unchanged"]) + kept
        counts["cleaned"] += 0 if skipped else len(state["cleaned"])
        counts["rejected"] += len(state["rejected"])
        if not skipped:
            removed.extend(state["removed"])
        rejected.update(state["rejected"])
        rules.update(state["rules"])
        categories.update(state["categories"])
    # an id that left one shard for another (``shards`` changed) was cleaned anew there: the
    # ids a state counts without listing (``kept``) stayed in their shard's segments
    present = {i for state in states for key in ("cleaned", "unchanged", "rejected") for i in state[key]}
    removed = sorted((set(removed) | set(dropped_parts)) - present)
    counts["removed"] = len(removed)
    links = links or {}
    rules.update(links.get("rules") or {})
    return {
        "run": last_run + 1,
        "raw": raw,
        "pipeline": {**stamp(ctx), "dedup_digest": links.get("digest")},
        "shards": shards,
        "batch_digest": batch_digest(digests),
        "counts": dict(counts),
        "rules": dict(sorted(rules.items())),
        "categories": dict(sorted(categories.items())),
        "rejected": [_rejection(k, v) for k, v in sorted(rejected.items())],
        "removed": removed,
        "duplicates": {k: links.get(k, 0) for k in ("indexed", "linked", "groups")},
        "shard_digests": digests,
        "parts": sorted(parts, key=lambda p: p["path"]),
    }


def _rejection(id: str, value: dict | str) -> dict:
    """A manifest entry for a rejected input: its id, the rule that rejected it and the reason
    (shard states written before the rule was kept hold the reason alone)."""
    if isinstance(value, str):
        return {"id": id, "rule": None, "reason": value}
    return {"id": id, "rule": value["rule"], "reason": value["reason"]}
