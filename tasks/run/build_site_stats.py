"""BuildSiteStats: count, per site, the lines repeated across the articles of a raw folder
into OUT/_state/sitestats.json (versioned). Refreshing them is this explicit step; a run
uses the file present, and a stats version change reprocesses every article."""
from __future__ import annotations

import hashlib
from pathlib import Path

import luigi

from newsclean.pipeline import io
from newsclean.pipeline.clean import takes_html_path
from newsclean.pipeline.ingest.inputs import is_multi
from newsclean.pipeline.output.sitepages import site_lines
from newsclean.pipeline.classify.sitestats import Params, build_stats

from newsclean.tasks.exitcodes import CommandError, Exit
from newsclean.tasks.folder import paths, remote
from newsclean.tasks.run import plan_inputs
from newsclean.tasks.run.task_base import BatchTask


def raw_digest(raw: Path, limit: int, skip: Path | None = None) -> str:
    """A digest of the articles of ``raw`` (``io.list_inputs``'s, in its order), streamed;
    ``skip``: the output folder, whose stat cache spares hashing the inputs it vouches for."""
    h = hashlib.sha256()
    with plan_inputs.articles(raw, limit, skip) as found:
        for aid, rel, sha, side in found:
            h.update(f"{aid}\0{rel}\0{sha}\0{side or ''}\n".encode())
    return h.hexdigest()[:16]


def raw_pages(raw: Path, ctx, skip: Path | None = None):
    """(site, lines) of every readable text article, in path order (HTML pages are left to
    their extractor; an unreadable input is left to the batch to reject). ``skip``: the
    output folder. Streamed: the inputs are sorted on disk and a file's records are held
    while it is read, never the listing (``build_stats`` holds the lines it counts)."""
    for record, rel in _records(raw, ctx.config.max_input_bytes, skip):
        if record.error is None and not takes_html_path(record, ctx.config):
            yield site_lines(record.data, record.meta, record.id, rel, ctx)


def _records(raw: Path, limit: int, skip: Path | None):
    """(record, rel) of each article ``io.list_inputs`` lists, in its order (the first record
    of its id in a multi-record file, as io.RecordReader gives it); one that does not read is
    left out."""
    walk = io.RawWalk(raw, skip=skip)
    with io.Spill(1) as spill:
        for r in plan_inputs.in_path_order(walk, spill):
            if not is_multi(r.path.name):
                try:
                    yield io.read_record(raw, r.rel, limit), r.rel
                except Exception:  # noqa: BLE001 - the batch rejects it with a reason
                    pass
                continue
            try:
                records = list(io.iter_records(raw, r.rel, limit))
            except Exception:  # noqa: BLE001 - as above
                continue
            first: dict[str, io.Record] = {}
            for rec in records:
                first.setdefault(rec.id, rec)
            for rec in records:
                yield first[rec.id], r.rel


class BuildSiteStats(BatchTask):
    min_clusters = luigi.IntParameter(default=Params.min_clusters)
    min_fraction = luigi.FloatParameter(default=Params.min_fraction)

    def params(self) -> Params:
        return Params(min_clusters=self.min_clusters, min_fraction=self.min_fraction)

    def output(self):
        return luigi.LocalTarget(str(paths.site_stats(self.out_path)))

    def complete(self):  # current when built from these very inputs with these parameters
        data = io.read_json(self.output().path) or {}
        return data.get("inputs") == self.inputs() and data.get("params") == self.params().to_json()

    def inputs(self) -> str:
        return raw_digest(self.raw_path, self.ctx.config.max_input_bytes, skip=self.out_path)

    def run(self):
        stats = build_stats(raw_pages(self.raw_path, self.ctx, skip=self.out_path), self.ctx.config, self.params())
        io.atomic_write_json(paths.site_stats(self.out_path), stats | {"inputs": self.inputs()})


def build_site_stats(raw: str, out: str, config: str = "", min_clusters: int = Params.min_clusters,
                     min_fraction: float = Params.min_fraction) -> dict | None:
    """Run BuildSiteStats with the local scheduler; the artifact, or None when it failed."""
    if not remote.raw_folder(raw, refresh=True).is_dir():
        raise CommandError(f"raw folder {raw!r} does not exist or is not a folder", Exit.NOT_FOUND)
    if not remote.is_url(out):  # its _state would make the folder look like a run's
        paths.refuse_foreign_output(out, Path(out))
    task = BuildSiteStats(raw=raw, out=out, config=config, min_clusters=min_clusters, min_fraction=min_fraction)
    luigi.build([task], local_scheduler=True, log_level="WARNING")
    return io.read_json(task.output().path) if task.complete() else None
