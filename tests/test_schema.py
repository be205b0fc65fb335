"""Corpus and change-log records validate against the JSON Schemas in pipeline/schema."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from newsclean.pipeline.output.contract import SCHEMA_VERSION, changelog_record, corpus_record

from .conftest import RAW

SCHEMAS = Path(__file__).resolve().parent.parent / "pipeline" / "schema"


def validator(name):
    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in schemas.values()]
        + [(n, Resource.from_contents(s)) for n, s in schemas.items()])
    return Draft202012Validator(schemas[name], registry=registry)


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_records_validate(clean, ctx, path):
    c = clean(path.read_bytes(), id=path.stem)
    validator("corpus.schema.json").validate(corpus_record(c, ctx))
    validator("changelog.schema.json").validate(changelog_record(c, ctx))


def test_rejected_record_validates(clean, ctx):
    c = clean(b"")
    validator("changelog.schema.json").validate(changelog_record(c, ctx))


def test_schema_version_matches_code():
    for p in SCHEMAS.glob("*.json"):
        assert json.loads(p.read_text())["schema_version"] == SCHEMA_VERSION


def test_schema_rejects_empty_string_for_absent_field(clean, ctx):
    record = corpus_record(clean((RAW / "000_1be1833fb9aa4d76.txt").read_bytes()), ctx)
    record["site"] = ""
    assert list(validator("corpus.schema.json").iter_errors(record))
