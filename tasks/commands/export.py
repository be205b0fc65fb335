"""``newsclean export``: the corpus as one Parquet file, or as a folder of plain-text files.

Records are exported in id order. Parquet columns have the corpus contract's types (so a
column that is null throughout, such as ``published``, is still a string column); a field
the contract does not know yet (a later pipeline version's) keeps the type pyarrow infers,
so nothing is dropped on the way.
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from newsclean.pipeline import io

from newsclean.tasks.folder import integrity, read_back
from newsclean.tasks.exitcodes import CommandError
from newsclean.tasks.folder.paths import safe_name
from newsclean.tasks.run.card import corpus_schema


class ExportError(CommandError):
    """A target that holds other files (Exit.USAGE)."""


def _fits(type_, value) -> bool:
    """Whether ``value`` converts to ``type_`` without losing a key."""
    import pyarrow as pa

    if value is None:
        return True
    if pa.types.is_struct(type_):
        names = {type_.field(i).name: type_.field(i).type for i in range(type_.num_fields)}
        return isinstance(value, dict) and set(value) <= set(names) and all(_fits(names[k], v) for k, v in value.items())
    if pa.types.is_list(type_):
        return isinstance(value, list) and all(_fits(type_.value_type, v) for v in value)
    if pa.types.is_string(type_):
        return isinstance(value, str)
    if pa.types.is_integer(type_):
        return isinstance(value, int) and not isinstance(value, bool)
    return False


def to_table(records: list[dict]):
    import pyarrow as pa

    contract = {f.name: f.type for f in corpus_schema()}
    names = list(contract) + sorted({k for r in records for k in r} - set(contract))
    columns, fields = [], []
    for name in names:
        values = [r.get(name) for r in records]
        type_ = contract.get(name)
        array = pa.array(values, type=type_) if type_ is not None and all(_fits(type_, v) for v in values) \
            else pa.array(values)
        columns.append(array)
        fields.append(pa.field(name, array.type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


BATCH = 1000  # records per Parquet row group: what export holds in memory at a time


def batches(records: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def parquet_schema(records: Callable[[], Iterable[dict]]):
    """The schema of every batch's table unified (one pass over the records): a column the
    contract types keeps its type unless some value does not fit it."""
    import pyarrow as pa

    schema = None
    for batch in batches(records()):
        found = to_table(batch).schema
        try:
            schema = found if schema is None else pa.unify_schemas([schema, found], promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise ExportError(f"the corpus's columns do not share one type: {exc}") from None
    return schema if schema is not None else to_table([]).schema


def write_parquet(records: Callable[[], Iterable[dict]], sink) -> None:
    """Stream the records into a Parquet file at ``sink`` (a path or a writable stream), one
    row group per BATCH records: two passes (the schema, then the rows), never all at once."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(records)
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in batches(records()):
            table = to_table(batch)
            columns = [table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
                       for f in schema]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))


PARQUET_MAGIC = b"PAR1"


def export_parquet(records: Callable[[], Iterable[dict]], to: Path) -> None:
    """The Parquet file at ``to``, replaced in one rename; a file there that is not Parquet
    (a corpus part, an article) is left alone."""
    if to.exists() and (not to.is_file() or to.stat().st_size and not _starts_with(to, PARQUET_MAGIC)):
        raise ExportError(f"{to} exists and is not a Parquet file: choose another path")
    to.parent.mkdir(parents=True, exist_ok=True)
    tmp = to.with_name(f".{to.name}.tmp")
    try:
        write_parquet(records, str(tmp))
        os.replace(tmp, to)
    finally:
        tmp.unlink(missing_ok=True)


def plain_text(record: dict) -> str:
    """The title, a blank line, the text (the body blocks, one blank line between them)."""
    head = f"{record['title']}\n\n" if record.get("title") else ""
    return f"{head}{record['text']}\n"


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(magic)) == magic


# written in every folder export_txt makes: the mark of a folder it may replace
EXPORT_MARK = ".newsclean-export"


def export_txt(records: Callable[[], Iterable[dict]], to: Path) -> None:
    """One ``<id>.txt`` per article (an id that is not a plain file name is hashed), the
    folder replaced as a whole, and ``EXPORT_MARK``. Only an empty folder or one an export
    wrote (its mark) is replaced: any other, a raw folder of .txt articles too, is left alone."""
    if to.exists() and (not to.is_dir() or any(to.iterdir()) and not (to / EXPORT_MARK).is_file()):
        raise ExportError(f"{to} exists and was not written by `newsclean export`: choose a new folder")
    mark = (EXPORT_MARK, "written by `newsclean export --format txt`, which replaces this folder as a whole\n")
    io.replace_tree(to, itertools.chain([mark], ((safe_name(r["id"]) + ".txt", plain_text(r)) for r in records())))


def export_stdout(records: Callable[[], Iterable[dict]], fmt: str) -> None:
    """``--to -``: Parquet as binary, or every article's plain text, a blank line between."""
    import sys

    sys.stdout.flush()
    if fmt == "parquet":
        import pyarrow as pa

        sink = pa.PythonFile(sys.stdout.buffer, mode="w")
        write_parquet(records, sink)
        sys.stdout.buffer.flush()
    else:
        for n, record in enumerate(records()):
            sys.stdout.write(("\n" if n else "") + plain_text(record))
        sys.stdout.flush()


def export(out: str, fmt: str, to: str, drop_duplicates: bool = False) -> int:
    """Export the corpus; ExportError (nothing written) when a part is damaged.
    ``drop_duplicates``: only the records that are no other's copy (``duplicate_of`` null):
    one per near-duplicate group, its canonical record."""
    try:
        integrity.assert_intact(Path(out))
    except integrity.DamagedOutput as exc:
        raise ExportError(f"{exc}; nothing exported") from None
    count = [0]

    def records() -> Iterator[dict]:  # read from the parts each time, in id order
        count[0] = 0
        for record in read_back.iter_corpus_records(out):
            if drop_duplicates and record.get("duplicate_of"):
                continue
            count[0] += 1
            yield record
    if to == "-":
        export_stdout(records, fmt)
    else:
        {"parquet": export_parquet, "txt": export_txt}[fmt](records, Path(to))
    return count[0]
