"""Where things live in an output folder."""
from __future__ import annotations

from pathlib import Path

from pipeline.ids import safe_name  # noqa: F401  (the one function that turns an id into a file name)


def part_name(shard: int) -> str:
    return f"part-{shard:05d}.jsonl"


def corpus_part(out: Path, shard: int) -> Path:
    return out / "corpus" / part_name(shard)


def corpus_card(out: Path) -> Path:
    """The corpus folder's dataset card (tasks/card.py)."""
    return out / "corpus" / "README.md"


def changelog_part(out: Path, shard: int) -> Path:
    return out / "changelog" / part_name(shard)


def state_dir(out: Path) -> Path:
    return out / "_state"


def plan_file(out: Path) -> Path:
    return state_dir(out) / "plan.json"


def shard_state(out: Path, shard: int, digest: str) -> Path:
    return state_dir(out) / "shards" / f"{shard:05d}-{digest}.json"


def listing(out: Path) -> Path:
    """What the last plan saw in raw/ besides its inputs: files not read, an output folder skipped."""
    return state_dir(out) / "listing.json"


def site_stats(out: Path) -> Path:
    return state_dir(out) / "sitestats.json"


def manifest(out: Path) -> Path:
    return out / "manifest.json"


def shard_plan(out: Path, shard: int, digest: str) -> Path:
    return state_dir(out) / "plan" / f"{shard:05d}-{digest}.json"


def shard_lock(out: Path, shard: int) -> Path:
    return state_dir(out) / "locks" / f"{part_name(shard)}.lock"


def part_path(out: Path, rel: str) -> Path:
    """A part file named as the manifest's part table names it (``corpus/part-00003.jsonl``)."""
    return out / rel


def shard_parts(shard: int) -> list[str]:
    """The part files of a shard, as the manifest's part table names them (corpus first)."""
    return [f"corpus/{part_name(shard)}", f"changelog/{part_name(shard)}"]


def journal(out: Path, shard: int) -> Path:
    """What a shard's last commit removed and wrote, kept until a manifest reports it: not a
    cache, never discarded (tasks/integrity.py)."""
    return state_dir(out) / "journal" / f"{shard:05d}.json"


def part_stats(out: Path) -> Path:
    """A cache of each part's (size, mtime_ns, sha256), so that a run checks parts by stat."""
    return state_dir(out) / "partstat.json"


def chain_dir(out: Path, shard: int) -> Path:
    """A shard's stage-chain intermediates (tasks/chain.py), removed when the shard commits."""
    return state_dir(out) / "chain" / f"{shard:05d}"


def chain_step(out: Path, shard: int, position: int, step: str, digest: str) -> Path:
    """The intermediate a step of a shard's chain writes: its articles after that step."""
    return chain_dir(out, shard) / f"{position:02d}-{safe_name(step)}-{digest}.bin"

def duplicates(out: Path) -> Path:
    """The duplicates table: one line per linked record (tasks/dedup.py)."""
    return out / "duplicates.jsonl"


def dedup_index(out: Path) -> Path:
    """The near-duplicate index (SQLite, pipeline/io.DedupStore): a cache of the corpus's
    shingles, band keys, edges and links, rebuilt from the parts when lost."""
    return state_dir(out) / "dedup" / "index.sqlite"


def dedup_summary(out: Path) -> Path:
    """What the last Dedup step saw and found: the corpus parts' digests, the links' digest, counts."""
    return state_dir(out) / "dedup" / "summary.json"


def dedup_lock(out: Path) -> Path:
    return state_dir(out) / "locks" / "dedup.lock"
