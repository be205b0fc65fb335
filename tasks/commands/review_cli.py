"""The review and hand-off commands of ``newsclean``: report, stats, export."""
from __future__ import annotations

import argparse
import sys

from newsclean.tasks.exitcodes import Exit


def common_options() -> argparse.ArgumentParser:
    """-v and -q, which every command takes."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="more detail on stderr (-vv: Luigi's log); a traceback with an error")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr, only errors (the result on stdout stays)")
    return p


def no_run(out: str) -> bool:
    """True (and says so) when ``out`` holds no run to review."""
    from newsclean.tasks.folder import read_back

    if read_back.manifest(out):
        return False
    print(f"newsclean: no manifest in {out}: run `newsclean run --out {out}` first", file=sys.stderr)
    return True


def cmd_report(args) -> int:
    from newsclean.tasks.report import build_report

    if no_run(args.out):
        return Exit.NOT_FOUND
    index = build_report(args.out, args.raw, args.config)
    print(f"newsclean: report written to {index}")
    return 0


def cmd_stats(args) -> int:
    from newsclean.pipeline.rules.registry import describe_rules

    from newsclean.tasks.run.task_base import load_context
    from newsclean.tasks.commands.stats import stats

    if no_run(args.out):
        return Exit.NOT_FOUND
    return stats(args.out, describe_rules(load_context(args.config).rules, load_context(args.config).config.stages), args.tsv)


def cmd_export(args) -> int:
    from newsclean.tasks.commands.export import export

    if no_run(args.out):
        return Exit.NOT_FOUND
    n = export(args.out, args.format, args.to, args.drop_duplicates)  # ExportError: one line and its code (cli.main)
    if not (args.quiet and args.to == "-"):  # with --to -, stdout is the export itself: the line goes to stderr
        print(f"newsclean: {n} articles exported as {args.format} to {args.to}",
              file=sys.stderr if args.to == "-" else sys.stdout)
    return 0


def add_review_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    r = sub.add_parser("report", help="write a static HTML report of the last run to OUT/report/", parents=[common])
    r.add_argument("--out", default="clean", help="output folder of the run (default: clean/)")
    r.add_argument("--raw", default=None, help="raw folder (default: the one the manifest names)")
    r.add_argument("--config", default="", help="operator config file (TOML), for the rule descriptions")
    r.set_defaults(func=cmd_report)

    s = sub.add_parser("stats", help="the last run's counts per rule and per category", parents=[common])
    s.add_argument("--out", default="clean")
    s.add_argument("--tsv", action="store_true", help="tab-separated rows instead of tables")
    s.add_argument("--config", default="")
    s.set_defaults(func=cmd_stats)

    e = sub.add_parser("export", help="the corpus as a Parquet file or a folder of plain-text files",
                       parents=[common])
    e.add_argument("--out", default="clean")
    e.add_argument("--format", choices=("parquet", "txt"), required=True)
    e.add_argument("--to", required=True, help="the Parquet file, or the folder of .txt files, to write; - for standard output")
    e.add_argument("--drop-duplicates", action="store_true",
                   help="keep one record per near-duplicate group (those whose duplicate_of is null)")
    e.set_defaults(func=cmd_export)
