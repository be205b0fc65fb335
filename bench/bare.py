"""The bare pipeline loop, no Luigi: read every raw file, clean it, write the same corpus and
change-log parts as ``newsclean run`` (same shards, same order, same bytes).

    python bench/bare.py RAW OUT
"""
from __future__ import annotations

import sys

from pathlib import Path

from newsclean.pipeline import io
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.output.shards import plan_shards, process_shard
from newsclean.tasks.folder import paths


def main(raw: str, out: str) -> None:
    ctx = Context(io.load_config(None), io.load_rules())
    raw_path, out_path = Path(raw), Path(out)
    inputs = io.list_inputs(raw_path, ctx.config.max_input_bytes)
    for shard, entries in sorted(plan_shards(inputs, ctx.config.shards).items()):
        with io.PartWriter(paths.corpus_part(out_path, shard)) as corpus, \
                io.PartWriter(paths.changelog_part(out_path, shard)) as log:
            def write(corpus_line, log_line, _log):
                if corpus_line is not None:
                    corpus.write(corpus_line)
                log.write(log_line)
            reader = io.RecordReader(raw_path, ctx.config.max_input_bytes, [(e.id, e.rel) for e in entries])
            process_shard(entries, {}, lambda entry: reader(entry.id, entry.rel), ctx, write)


if __name__ == "__main__":
    main(*sys.argv[1:3])
