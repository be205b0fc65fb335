"""The corpus folder's dataset card, ``corpus/README.md``: Hugging Face ``datasets`` reads its
YAML header when it loads the folder, ``load_dataset("clean/corpus", split="train")``.

``datasets`` otherwise takes the column types from the first records it reads, and a field
that is null all through them (``published``, a caption's ``credit``, an empty ``captions``
list) gets the type null, which a later part's strings cannot be cast to ("Couldn't cast
array of type string to null"). The header gives every column its contract type
(``dataset_info.features``, from ``corpus_schema``, which ``newsclean export`` also writes
Parquet with), so every part is read with the same types.

NO_CONFIGS: the card declares no ``configs`` (data files). A config declared in the card is
a predefined config, and datasets keys its cache by the config's name alone, without a hash
of the data files: every corpus folder then shared one cache entry, and a folder loaded
again after an incremental run gave its old rows. Without it datasets finds the part files
itself (README.md and hidden temporary files are not data files) and keys the cache by
them and their modification times. The card is made without ``datasets`` (a plain YAML
text) and is the same bytes for every run of the same code.

A run copies the card from ``tasks/run/corpus_card.md``, made by ``corpus_card()`` from the Arrow
schema and kept in the repository (``python -m newsclean.tasks.run.card`` rewrites it; a test checks it is
current), so that publishing does not load pyarrow (about 30 MB of peak memory).
"""
from __future__ import annotations

from pathlib import Path

from newsclean.pipeline import io

from newsclean.tasks.folder import paths

CARD = Path(__file__).with_name("corpus_card.md")


def corpus_schema():
    """The corpus contract's column types as an Arrow schema (pipeline/schema/corpus.schema.json
    in pyarrow's terms): the dataset card's features and the Parquet export's columns."""
    import pyarrow as pa

    s = pa.string()
    return pa.schema([
        ("id", s), ("title", s), ("authors", pa.list_(s)), ("published", s), ("site", s), ("url", s),
        ("language", s), ("text", s),
        ("blocks", pa.list_(pa.struct([("kind", s), ("text", s), ("line", pa.int64())]))),
        ("captions", pa.list_(pa.struct([("text", s), ("credit", s), ("title", s)]))),
        ("duplicate_of", s),
        ("source", pa.struct([("path", s), ("sha256", s), ("format", s), ("encoding", s), ("extractor", s),
                                 ("sidecar_sha256", s)])),
        ("pipeline", pa.struct([("version", s), ("schema_version", pa.int64()), ("config_digest", s),
                                ("rules_digest", s), ("code_digest", s),
                                ("site_stats", pa.struct([("site", s), ("version", s)]))])),
    ])


BODY = """
# newsclean corpus

One cleaned article per line of `part-NNNNN.jsonl`; the record layout is
`pipeline/schema/corpus.schema.json` in newsclean. The header above gives Hugging Face
`datasets` the column types, so that a column that is null all through the first part file
still reads as a string column:

    from datasets import load_dataset
    ds = load_dataset("path/to/clean/corpus", split="train")

datasets' JSON reader takes a string that looks like an ISO 8601 time (`published`) for a
timestamp and gives it back as `2024-05-01 00:00:00`; `newsclean export --format parquet`
keeps every string as it is. This file is written by `newsclean run` (its Publish task) and
rewritten only when the corpus types change.

`duplicate_of` is the id of the canonical record of a near-duplicate group (the same story
under another site's chrome, a shortened copy), or null; nothing is dropped. To keep one
record per group:

    ds = ds.filter(lambda r: r["duplicate_of"] is None)
"""


def _features(type_, indent: str) -> list[str]:
    """YAML lines for the fields of the arrow struct ``type_``, as datasets writes features."""
    lines = []
    for i in range(type_.num_fields):
        field = type_.field(i)
        lines.append(f"{indent}- name: {field.name}")
        lines.extend(_feature(field.type, indent + "  "))
    return lines


def _feature(type_, indent: str) -> list[str]:
    import pyarrow as pa

    if pa.types.is_struct(type_):
        return [f"{indent}struct:", *_features(type_, indent)]
    if pa.types.is_list(type_):
        value = type_.value_type
        if pa.types.is_struct(value):  # a list of structs (datasets 2.x to 5.x read this the same)
            return [f"{indent}list:", *_features(value, indent)]
        return [f"{indent}sequence: {_dtype(value)}"]  # a list of scalars: datasets < 4 knows only this
    return [f"{indent}dtype: {_dtype(type_)}"]


def _dtype(type_) -> str:
    import pyarrow as pa

    if pa.types.is_string(type_):
        return "string"
    if pa.types.is_int64(type_):
        return "int64"
    raise ValueError(f"no dataset card type for {type_}")


def corpus_card() -> str:
    """The dataset card: YAML header (configs, dataset_info.features) and a short note."""
    import pyarrow as pa

    schema = corpus_schema()
    header = [  # no `configs:` block: see NO_CONFIGS
        "---",
        "dataset_info:",
        "  features:",
        *_features(pa.struct(list(schema)), "  "),
        "---",
    ]
    return "\n".join(header) + "\n" + BODY


def write_card(out: Path) -> None:
    """Write ``corpus/README.md`` unless it already holds the card."""
    io.write_text_if_changed(paths.corpus_card(out), card_text())


def card_is_current(out: Path) -> bool:
    return io.holds_text(paths.corpus_card(out), card_text())


def card_text() -> str:
    """The card as shipped (``tasks/run/corpus_card.md``)."""
    return CARD.read_text(encoding="utf-8")


if __name__ == "__main__":  # python -m newsclean.tasks.run.card: rewrite tasks/run/corpus_card.md after a schema change
    io.atomic_write_text(CARD, corpus_card())
    print(f"wrote {CARD}")
