"""The ``newsclean`` command: a thin layer over tasks/ (run, rebuild) and pipeline/ (clean)."""
from __future__ import annotations

import argparse
import os
import json
import sys
from pathlib import Path

from pipeline import __version__, ids, io
from pipeline.clean import clean_record
from pipeline.article import RejectedInput
from pipeline.inputs import Record, is_multi
from pipeline.config import ConfigError
from pipeline.record import changelog_record, corpus_record
from pipeline.rules import RuleError

from . import paths
from .review_cli import add_review_commands
from .verify import add_verify_command


def cmd_run(args) -> int:
    from .batch import run_batch

    ok, nothing_to_do = run_batch(args.raw, args.out, args.config, args.workers, args.scheduler_url,
                                  progress=None if args.quiet else sys.stderr)
    manifest = io.read_json(paths.manifest(Path(args.out))) or {}
    if not ok:
        print("newsclean: the batch did not complete (see the Luigi summary above); rerun to resume", file=sys.stderr)
        return 1
    if nothing_to_do:
        print(f"newsclean: nothing changed, no file rewritten; {manifest['counts']['read']} inputs in {args.out}")
    else:
        print("newsclean: " + ", ".join(f"{k} {v}" for k, v in manifest["counts"].items()) + f" -> {args.out}")
        for rej in manifest.get("rejected", [])[:20]:
            print(f"  rejected {rej['id']} ({rej.get('rule') or 'reject'}): {rej['reason']}")
    print_listing(Path(args.out), args.raw)
    return 0


def print_listing(out: Path, raw: str, show: int = 10) -> None:
    """What the run saw in raw/ and did not read: files of no input format (named, so that a
    wrong extension is noticed) and an output folder inside raw/ (skipped)."""
    listing = io.read_json(paths.listing(out)) or {}
    if listing.get("skipped"):
        print(f"  skipped {raw}/{listing['skipped']}: it is the output folder")
    ignored = listing.get("ignored") or []
    if ignored:
        more = f", and {len(ignored) - show} more" if len(ignored) > show else ""
        print(f"  not read: {len(ignored)} files of no input format ({' '.join(ids.FORMAT_SUFFIXES)}, "
              f"optionally .gz) in {raw}: " + ", ".join(ignored[:show]) + more)


def cmd_sitestats(args) -> int:
    from .sitestats import build_site_stats

    stats = build_site_stats(args.raw, args.out, args.config, args.min_clusters, args.min_fraction)
    if stats is None:
        print("newsclean: the site statistics were not built (see the Luigi summary above)", file=sys.stderr)
        return 1
    print(f"newsclean: site statistics {stats['version']} ({len(stats['sites'])} sites) -> "
          f"{paths.site_stats(Path(args.out))}; the next run uses them")
    return 0


def cmd_rebuild(args) -> int:
    from .rebuild import RebuildError, rebuild

    raw = args.raw or (io.read_json(paths.manifest(Path(args.out))) or {}).get("raw") or "raw"
    try:
        log = rebuild(args.id, raw, args.out, args.config)
    except RebuildError as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    print(f"newsclean: rebuilt {args.id} ({log['status']}, {len(log['changes'])} changes) in {args.out}")
    return 0


def cmd_show(args) -> int:
    from .show import show

    return show(args.out, args.id, args.raw, args.color, args.config)


def cmd_clean(args) -> int:
    from .common import load_context

    ctx = load_context(args.config)
    path = Path(args.file)
    base, rel = input_base(path, Path(args.raw))
    limit = ctx.config.max_input_bytes
    multi = is_multi(path.name)
    try:
        records = io.read_records(base, rel, limit) if multi else [io.read_record(base, rel, limit)]
    except (RejectedInput, OSError) as exc:
        error = (exc.rule, exc.reason) if isinstance(exc, RejectedInput) else ("reject.unreadable", f"{type(exc).__name__}: {exc}")
        records = [Record(ids.input_id(rel), "text", b"", None, "unreadable", error=error)]
    results = [clean_record(rec, path=rel, ctx=ctx) for rec in records]
    out = [{"record": None if c.rejected else corpus_record(c, ctx), "changelog": changelog_record(c, ctx)} for c in results]
    json.dump(out if multi else out[0], sys.stdout, ensure_ascii=False, indent=1)  # a list for JSONL and WARC
    sys.stdout.write("\n")
    return 3 if any(c.rejected for c in results) else 0


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

    r = sub.add_parser("run", help="clean every input of a raw folder (incremental)")
    r.add_argument("--raw", default="raw", help="raw input folder (default: raw/)")
    r.add_argument("--out", default="clean", help="output folder (default: clean/)")
    r.add_argument("--workers", type=int, default=1, help="Luigi worker processes (default: 1)")
    r.add_argument("--config", default="", help="operator config file (TOML)")
    r.add_argument("--scheduler-url", default=None, help="central luigid URL (default: local scheduler)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=cmd_run)

    t = sub.add_parser("sitestats", help="count the lines each site repeats across its articles (used by later runs)")
    t.add_argument("--raw", default="raw", help="raw input folder (default: raw/)")
    t.add_argument("--out", default="clean", help="output folder; writes OUT/_state/sitestats.json (default: clean/)")
    t.add_argument("--config", default="", help="operator config file (TOML)")
    t.add_argument("--min-clusters", type=int, default=3, help="drop a line seen in at least this many different stories (default: 3)")
    t.add_argument("--min-fraction", type=float, default=0.1, help="... and in at least this fraction of the site's stories (default: 0.1)")
    t.set_defaults(func=cmd_sitestats)

    b = sub.add_parser("rebuild", help="reprocess one article and rewrite its record in place")
    b.add_argument("id")
    b.add_argument("--raw", default=None, help="raw folder (default: the one the manifest names, else raw/)")
    b.add_argument("--out", default="clean")
    b.add_argument("--config", default="")
    b.set_defaults(func=cmd_rebuild)

    s = sub.add_parser("show", help="print one clean article and its change log")
    s.add_argument("id")
    s.add_argument("--out", default="clean")
    s.add_argument("--raw", default=None, help="raw folder (default: the one the manifest names)")
    s.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                   help="every raw line coloured by its fate (default: when stdout is a terminal)")
    s.add_argument("--config", default="")
    s.set_defaults(func=cmd_show)
    add_review_commands(sub)
    add_verify_command(sub)

    c = sub.add_parser("clean", help="clean one file to stdout as JSON (no Luigi); a list for JSONL and WARC files")
    c.add_argument("file")
    c.add_argument("--raw", default="raw", help="the id is the file's path under this folder when it lies there, "
                                                "as a run gives it (default: raw/); else its name")
    c.add_argument("--config", default="")
    c.set_defaults(func=cmd_clean)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, RuleError) as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `newsclean show ID | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
