"""The ``newsclean`` command: a thin layer over tasks/ (run, rebuild) and pipeline/ (clean)."""
from __future__ import annotations

import argparse
import os
import json
import sys
from pathlib import Path

from newsclean.pipeline import __version__
from newsclean.pipeline.core import ids
from newsclean.pipeline import io
from newsclean.pipeline.clean import clean_record
from newsclean.pipeline.core.article import RejectedInput
from newsclean.pipeline.ingest.inputs import Record, is_multi
from newsclean.pipeline.core.config import ConfigError
from newsclean.pipeline.output.contract import changelog_record, corpus_record
from newsclean.pipeline.rules.ruleset import RuleError

from newsclean.tasks.folder import paths, remote
from newsclean.tasks.commands.verify import add_verify_command
from newsclean.tasks.commands.compact import add_compact_command
from newsclean.tasks.exitcodes import CommandError, Exit, explain
from newsclean.tasks.commands.review_cli import add_review_commands, common_options


def cmd_run(args) -> int:
    from newsclean.tasks import batch

    ok, nothing_to_do = batch.run_batch(args.raw, args.out, args.config, args.workers, args.scheduler_url,
                                        progress=None if args.quiet else sys.stderr, verbose=args.verbose,
                                        chain=args.chain)
    manifest = io.read_json(paths.manifest(remote.out_folder(args.out))) or {}
    if not ok:
        why = batch.last_failures
        more = f" (and {len(why) - 1} more)" if len(why) > 1 else ""
        print(f"newsclean: the batch did not complete: {why[0] if why else 'see the log with -v'}{more}; "
              "rerun to resume", file=sys.stderr)
        return Exit.FAILED
    if nothing_to_do:
        print(f"newsclean: nothing changed, no file rewritten; {manifest['counts']['read']} inputs in {args.out}")
    else:
        print("newsclean: " + ", ".join(f"{k} {v}" for k, v in manifest["counts"].items()) + f" -> {args.out}")
        print_rejected(manifest.get("rejected", []), args.out)
    print_listing(remote.out_folder(args.out), args.raw)
    return 0


def print_rejected(rejected: list[dict], out: str, show: int = 20) -> None:
    """The run's first ``show`` rejections, one line each, and how many more there are."""
    for rej in rejected[:show]:
        print(f"  rejected {rej['id']} ({rej.get('rule') or 'reject'}): {rej['reason']}")
    if len(rejected) > show:
        print(f"  and {len(rejected) - show} more rejected: `newsclean stats --out {out}` counts them per rule, "
              f"{out}/manifest.json lists each")


def print_listing(out: Path, raw: str, show: int = 10) -> None:
    """What the run saw in raw/ and did not read: files of no input format (named, so that a
    wrong extension is noticed) and an output folder inside raw/ (skipped)."""
    listing = io.read_json(paths.listing(out)) or {}
    if listing.get("skipped"):
        print(f"  skipped {raw}/{listing['skipped']}: it is the output folder")
    passed = listing.get("passed") or []
    for rel, why in passed[:show]:
        print(f"  not entered: {raw}/{rel}: {why}")
    if len(passed) > show:
        print(f"  and {len(passed) - show} more folders not entered ({paths.listing(out)} lists each)")
    ignored = listing.get("ignored") or []
    if ignored:
        more = f", and {len(ignored) - show} more" if len(ignored) > show else ""
        print(f"  not read: {len(ignored)} files of no input format ({' '.join(ids.FORMAT_SUFFIXES)}, "
              f"optionally .gz) in {raw}: " + ", ".join(ignored[:show]) + more)


def cmd_sitestats(args) -> int:
    from newsclean.tasks.run.build_site_stats import build_site_stats

    stats = build_site_stats(args.raw, args.out, args.config, args.min_clusters, args.min_fraction)
    if stats is None:
        print("newsclean: the site statistics were not built (see the Luigi summary above)", file=sys.stderr)
        return 1
    print(f"newsclean: site statistics {stats['version']} ({len(stats['sites'])} sites) -> "
          f"{args.out.rstrip('/') + '/_state/sitestats.json' if remote.is_url(args.out) else paths.site_stats(Path(args.out))}; "
          "the next run uses them")
    return 0


def cmd_rebuild(args) -> int:
    from newsclean.tasks.commands.rebuild import rebuild

    raw = args.raw or (io.read_json(paths.manifest(Path(args.out))) or {}).get("raw") or "raw"
    log = rebuild(args.id, raw, args.out, args.config)  # RebuildError: one line and its code (main)
    print(f"newsclean: rebuilt {args.id} ({log['status']}, {len(log['changes'])} changes) in {args.out}")
    return 0


def cmd_show(args) -> int:
    from newsclean.tasks.commands.show import show

    return show(args.out, args.id, args.raw, args.color, args.config)


STDIN_ID = "stdin"
EXTENSIONS = {"text": ".txt", "html": ".html", "jsonl": ".jsonl", "warc": ".warc"}


def stdin_records(fmt: str, limit: int) -> tuple[list[Record], str]:
    """The records of standard input (id ``stdin``; records of JSONL/WARC keep their own),
    its format sniffed unless ``fmt`` names it; and the name they are reported under."""
    import io as stdio

    from newsclean.pipeline.ingest.inputs import expand, single_record
    from newsclean.pipeline.ingest.sniff import GZIP_MAGIC, sniff_format

    data = sys.stdin.buffer.read(limit + 1)
    fmt = sniff_format(data) if fmt == "auto" else fmt
    name = STDIN_ID + EXTENSIONS[fmt] + (".gz" if data.startswith(GZIP_MAGIC) else "")
    if len(data) > limit:
        return [Record(STDIN_ID, "text", b"", None, "unreadable",
                       error=("reject.too-large", f"standard input is over max_input_bytes={limit:,} bytes"))], name
    if is_multi(name):
        return list(expand(name, stdio.BytesIO(data), limit)), name
    return [single_record(STDIN_ID, name, data, None, limit)], name


def file_records(base: Path, rel: str, limit: int) -> list[Record]:
    """The records of the file at ``base/rel``, with the ids a run over ``base`` gives them."""
    try:
        if is_multi(rel):
            return io.read_records(base, rel, limit)
        return [io.read_record(base, rel, limit)]
    except (RejectedInput, OSError) as exc:
        error = (exc.rule, exc.reason) if isinstance(exc, RejectedInput) else ("reject.unreadable", f"{type(exc).__name__}: {exc}")
        return [Record(ids.input_id(rel), "text", b"", None, "unreadable", error=error)]


def cmd_clean(args) -> int:
    """One corpus record per line (``--changelog``: change-log records; ``--pretty``: the
    record and change log of each input as indented JSON, a list for JSONL and WARC)."""
    from newsclean.pipeline.output.shards import Entry, duplicate, record_lines

    from newsclean.tasks.run.task_base import load_context

    ctx = load_context(args.config)
    limit = ctx.config.max_input_bytes
    if args.file == "-":
        records, name = stdin_records(args.format, limit)
    else:
        base, name = input_base(checked_file(args.file), Path(args.raw))
        records = file_records(base, name, limit)
    results = [clean_record(rec, path=name, ctx=ctx) if first else duplicate(Entry(rec.id, name, rec.sha256, name))
               for rec, first in zip(records, first_of_id(records))]
    for c in results:  # one line each on stderr: stdout holds no record of it (the change log's detail)
        if c.rejected:
            change = c.changes[0]
            print(f"newsclean: rejected {c.id} ({change.rule}): {change.detail}", file=sys.stderr)
    if args.pretty:
        out = [{"record": None if c.rejected else corpus_record(c, ctx), "changelog": changelog_record(c, ctx)}
               for c in results]
        json.dump(out if is_multi(name) else out[0], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for c in results:
            corpus_line, log_line, _ = record_lines(c, ctx)
            line = log_line if args.changelog else corpus_line
            if line is not None:
                sys.stdout.write(line + "\n")
    return Exit.REJECTED if any(c.rejected for c in results) else Exit.OK


def first_of_id(records: list[Record]) -> list[bool]:
    """Whether each record is the first of its id in the file: a later one is a rejected
    duplicate (``reject.duplicate-id``, under ``id@path``), as a run makes it, so that stdout
    never holds one id twice."""
    seen: set[str] = set()
    firsts = []
    for rec in records:
        firsts.append(rec.id not in seen)
        seen.add(rec.id)
    return firsts


def fraction(text: str) -> float:
    """An argparse type: a number from 0 to 1 (not nan)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not from 0 to 1")
    return value


def checked_file(file: str) -> Path:
    """The file ``clean`` names; one that is not there or a folder is the command's mistake
    (one line and its status), not a rejected input."""
    path = Path(file)
    if not os.path.lexists(path):
        raise CommandError(f"no file {file!r}", Exit.NOT_FOUND)
    if path.is_dir():
        raise CommandError(f"{file!r} is a folder: `newsclean clean` takes one file, "
                           f"`newsclean run --raw {file}` cleans a folder")
    return path


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def input_base(path: Path, raw: Path) -> tuple[Path, str]:
    """(folder, path under it) that give ``path`` the id a run over ``raw`` gives it: its
    path under ``raw`` when it lies there, else its bare name."""
    try:
        rel = path.resolve().relative_to(raw.resolve()).as_posix()
    except (ValueError, OSError):
        return path.parent, path.name
    return raw, rel


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsclean", description="Clean scraped news articles into a corpus with a change log.")
    p.add_argument("--version", action="version", version=f"newsclean {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    common = common_options()

    r = sub.add_parser("run", help="clean every input of a raw folder (incremental)", parents=[common])
    r.add_argument("--raw", default="raw", help="raw input folder (default: raw/)")
    r.add_argument("--out", default="clean", help="output folder (default: clean/)")
    r.add_argument("--workers", type=positive_int, default=1, help="Luigi worker processes, at least 1 (default: 1)")
    r.add_argument("--config", default="", help="operator config file (TOML)")
    r.add_argument("--scheduler-url", default=None, help="central luigid URL (default: local scheduler)")
    r.add_argument("--chain", action="store_true", help="one Luigi task per stage and shard, shown by luigid "
                   "(docs/stages.md); same output, default: the stages fused in one task per shard")
    r.set_defaults(func=cmd_run)

    t = sub.add_parser("sitestats", help="count the lines each site repeats across its articles (used by later runs)",
                       parents=[common])
    t.add_argument("--raw", default="raw", help="raw input folder (default: raw/)")
    t.add_argument("--out", default="clean", help="output folder; writes OUT/_state/sitestats.json (default: clean/)")
    t.add_argument("--config", default="", help="operator config file (TOML)")
    t.add_argument("--min-clusters", type=positive_int, default=3, help="drop a line seen in at least this many different stories (default: 3)")
    t.add_argument("--min-fraction", type=fraction, default=0.1, help="... and in at least this fraction of the site's stories (default: 0.1)")
    t.set_defaults(func=cmd_sitestats)

    b = sub.add_parser("rebuild", help="reprocess one article and rewrite its record in place", parents=[common])
    b.add_argument("id")
    b.add_argument("--raw", default=None, help="raw folder (default: the one the manifest names, else raw/)")
    b.add_argument("--out", default="clean")
    b.add_argument("--config", default="")
    b.set_defaults(func=cmd_rebuild)

    s = sub.add_parser("show", help="print one clean article and its change log", parents=[common])
    s.add_argument("id")
    s.add_argument("--out", default="clean")
    s.add_argument("--raw", default=None, help="raw folder (default: the one the manifest names)")
    s.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                   help="every raw line coloured by its fate (default: when stdout is a terminal)")
    s.add_argument("--config", default="")
    s.set_defaults(func=cmd_show)
    add_review_commands(sub, common)
    add_verify_command(sub, common)
    add_compact_command(sub, common)

    c = sub.add_parser("clean", help="clean one file (- for standard input) to stdout as JSON Lines (no Luigi)",
                       parents=[common])
    c.add_argument("file", help="the input file, or - for standard input (id: stdin)")
    c.add_argument("--raw", default="raw", help="the id is the file's path under this folder when it lies there, "
                                                "as a run gives it (default: raw/); else its name")
    c.add_argument("--format", choices=("auto", *EXTENSIONS), default="auto",
                   help="what standard input holds (default: sniffed from its first bytes)")
    shape = c.add_mutually_exclusive_group()
    shape.add_argument("--changelog", action="store_true", help="print the change-log records, not the corpus records")
    shape.add_argument("--pretty", action="store_true",
                       help="the record and change log of each input as indented JSON (a list for JSONL and WARC)")
    c.add_argument("--config", default="")
    c.set_defaults(func=cmd_clean)
    return p


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; an unknown option is reported with its own command's usage."""
    p = parser()
    args, extra = p.parse_known_args(argv)
    sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    if extra:
        sub.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    empty = [f"--{name}" for name in ("raw", "out", "to") if getattr(args, name, None) == ""]
    if empty:  # "$RAW" of a variable not set: "" would be the current folder, cleaned whole
        sub.choices[args.command].error(f"argument {empty[0]}: an empty path names no folder")
    return args


# commands that read (or, the first ones, change) an output folder, run on a store's mirror
# (tasks/folder/remote.py); run and sitestats hand the URL to their tasks, which sync per task
ON_MIRROR = {"rebuild": True, "compact": True, "report": True, "show": False, "stats": False, "export": False,
             "verify": False}


def on_mirror(args) -> int:
    """Run the command on the local mirror of a store's --out (pulled first; pushed after a
    command that changes it); on a local folder, as it is."""
    if args.command not in ON_MIRROR or not remote.is_url(getattr(args, "out", None)):
        return int(args.func(args))
    with remote.session(args.out, write=ON_MIRROR[args.command]) as local:
        args.out = str(local)
        return int(args.func(args))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        return on_mirror(args)
    except CommandError as exc:
        return _fail(args, str(exc), exc.code)
    except (ConfigError, RuleError) as exc:
        return _fail(args, str(exc), Exit.USAGE)
    except BrokenPipeError:  # `newsclean show ID | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return Exit.OK
    except KeyboardInterrupt:
        return _fail(args, "interrupted; writes are atomic, so nothing is half-written: rerun to resume",
                     Exit.INTERRUPTED)
    except OSError as exc:
        return _fail(args, explain(exc), Exit.FAILED)


def _fail(args, message: str, code: Exit) -> int:
    """One line on stderr (with -v, the traceback before it) and the exit status."""
    if getattr(args, "verbose", 0):
        import traceback

        traceback.print_exc()
    print(f"newsclean: {message}", file=sys.stderr)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
