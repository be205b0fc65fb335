"""What every task shares: the batch parameters and the cleaning context they load."""
from __future__ import annotations

import gc
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import luigi

from newsclean.pipeline import io
from newsclean.pipeline.core.config import ConfigError
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.classify.sitestats import SiteStats
from newsclean.pipeline.rules.ruleset import DeferredRuleSet

from newsclean.tasks.folder import paths, remote


def load_context(config: str, out: str = "") -> Context:
    """Config and rules for a batch, and the site statistics of the output folder ``out``
    when it holds them; re-read when the config file's bytes or the statistics file change."""
    try:
        config_bytes = io.read_bytes(Path(config)) if config and Path(config).is_file() else b""
    except OSError as exc:  # a config file that cannot be read does not load (io.load_config says the rest)
        raise ConfigError(f"{config}: {exc.strerror or exc}") from None
    ctx = _context(config, config_bytes)
    stats = paths.site_stats(Path(out)) if out else None
    if stats is None or not stats.is_file():
        return ctx
    st = stats.stat()
    return replace(ctx, site_stats=_site_stats(str(stats), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=4)
def _site_stats(path: str, mtime_ns: int, size: int) -> SiteStats:
    data = io.read_json(path)
    if data is None:
        raise ValueError(f"{path}: site statistics not readable as JSON")
    return SiteStats.from_json(data)


@lru_cache(maxsize=8)
def _context(config: str, config_bytes: bytes) -> Context:
    """The config, and the rules read and digested now but compiled when first used (a run
    with nothing to clean needs their digest alone); ``settle`` once they are built."""
    ctx = Context(io.load_config(config or None), io.load_rules(deferred=True, then=settle))
    settle()
    return ctx


def build_rules(ctx: Context) -> None:
    """Compile the context's rules now, when a batch has work: before Luigi forks its
    workers, so that they share the compiled rules instead of each compiling its own."""
    if isinstance(ctx.rules, DeferredRuleSet):
        ctx.rules.built()


def settle() -> None:
    """Take what is alive now (modules, the rules and their compiled patterns) out of the
    cyclic garbage collector's sight (``gc.freeze``), once the context is loaded: the
    collections that cleaning's allocations trigger then scan only what cleaning made. They
    scanned the rules every time, 2-3% of ``trafilatura.extract``'s time on the HTML path
    (``bench/html_bench.py`` cleans with this context). Nothing is freed later than before
    but a cycle of objects alive at this point, which a loaded context keeps anyway."""
    gc.freeze()


def input_loader(raw: Path, ctx: Context, entries=()):
    """How a shard reads an entry: its record (size-capped, symlinks out of raw/ refused,
    with its sidecar metadata), each JSONL or WARC file read once for all ``entries``."""
    reader = io.RecordReader(raw, ctx.config.max_input_bytes, [(e.id, e.rel) for e in entries])
    return lambda entry: reader(entry.id, entry.rel)


class BatchTask(luigi.Task):
    """A task of a batch. ``raw`` and ``out`` are folders or store URLs (tasks/folder/remote.py): on a
    store, every subclass's ``run`` works in a session on the local mirror (``out_path``) and
    its ``complete`` pulls first."""

    raw = luigi.Parameter(description="raw input folder (or store URL)")
    out = luigi.Parameter(description="output folder (or store URL)")
    config = luigi.Parameter(default="", description="operator config file (TOML), empty for defaults")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "run" in cls.__dict__:
            cls.run = remote.in_session(cls.__dict__["run"])
        if "complete" in cls.__dict__:
            cls.complete = remote.pulled_first(cls.__dict__["complete"])

    def on_failure(self, exception):
        """One line (what failed, what to do) for the run's summary, instead of a traceback;
        with -v, Luigi's log has the traceback."""
        from newsclean.tasks.exitcodes import explain

        return explain(exception)

    @property
    def out_path(self) -> Path:
        return remote.out_folder(self.out)

    @property
    def raw_path(self) -> Path:
        return remote.raw_folder(self.raw)

    @property
    def ctx(self) -> Context:
        return load_context(self.config, str(self.out_path))
