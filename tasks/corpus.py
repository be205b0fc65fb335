"""The published corpus as a Luigi task and target, for downstream tasks to ``requires()``.

    class SentenceStats(luigi.Task):
        def requires(self):
            return CleanCorpus(raw="raw", out="clean")

``CleanCorpus`` is complete when the batch of ``raw`` is published in ``out`` (the manifest
is that of the raw folder's current inputs, config and rules) and consistent (every part
the manifest records is on disk as recorded); otherwise it runs the batch. Its output,
``PublishedCorpus``, reads the records back (docs/downstream.md).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import luigi

from newsclean.pipeline import io

from newsclean.tasks.folder import integrity, paths


class PublishedCorpus(luigi.Target):
    """An output folder's published corpus: exists when its manifest's parts are as recorded."""

    def __init__(self, out: str | Path):
        self.path = Path(out)

    def exists(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        return integrity.manifest_problems(self.path)

    def manifest(self) -> dict:
        return io.read_json(paths.manifest(self.path)) or {}

    def parts(self, kind: str = "corpus") -> list[Path]:
        """The part files of ``kind`` ("corpus" or "changelog") the manifest records, in order."""
        return [paths.part_path(self.path, p["path"]) for p in self.manifest().get("parts", [])
                if p["path"].startswith(f"{kind}/")]

    def records(self, kind: str = "corpus") -> Iterator[dict]:
        """Every record of ``kind``, part by part (the corpus's: id, title, text, language...)."""
        for part in self.parts(kind):
            yield from io.read_jsonl(part)


class CleanCorpus(luigi.Task):
    """The batch of ``raw`` cleaned and published in ``out`` (``config``: an operator file;
    ``chain``: the stages as tasks of their own, docs/stages.md)."""

    raw = luigi.Parameter(description="raw input folder")
    out = luigi.Parameter(description="output folder")
    config = luigi.Parameter(default="", description="operator config file (TOML), empty for defaults")
    chain = luigi.BoolParameter(default=False, description="one task per stage (else the stages run fused)")

    def requires(self):
        # planned on every call, not kept: Luigi keeps one instance per parameters for the
        # life of the process, and raw/ or a part may change between two builds
        from newsclean.tasks.batch import plan_batch

        return plan_batch(self.raw, self.out, self.config, chain=self.chain)

    def output(self):
        return PublishedCorpus(self.out)

    def complete(self):
        return self.output().exists() and self.requires().complete()

    def run(self):
        problems = self.output().problems()
        if problems:
            raise integrity.DamagedOutput(f"the corpus in {self.out} is not consistent after publishing: {problems[0]}")
