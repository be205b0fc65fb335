"""The exit status of every ``newsclean`` command: one table, also in docs/cli.md (a test
checks that the two agree)."""
from __future__ import annotations

import errno
from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    REJECTED = 3
    NOT_FOUND = 4
    INTERRUPTED = 130  # 128 + SIGINT, as shells report it


MEANING = {
    Exit.OK: "done (a run's rejected inputs are counted in its summary, not an error)",
    Exit.FAILED: "the work did not complete: a task failed, or the output could not be written "
                 "(read-only or full disk, permission denied); fix the cause and rerun to resume",
    Exit.USAGE: "the command as given is refused: unknown option or bad value, an id that cannot be one, "
                "a config file or rule pack that does not load, a target that holds other files",
    Exit.REJECTED: "`clean`: the input, or one of its records, was rejected (its change log says why)",
    Exit.NOT_FOUND: "what the command names is not there: an unknown article id, an output folder "
                    "with no run, a missing raw folder",
    Exit.INTERRUPTED: "interrupted (Ctrl-C): finished shards are kept; rerun to resume",
}


class CommandError(Exception):
    """An ordinary mistake or condition: one line on stderr and ``code``, never a traceback."""

    def __init__(self, message: str, code: Exit = Exit.USAGE):
        super().__init__(message)
        self.code = code


# errno -> what to do about it
ADVICE = {
    errno.ENOSPC: "free some space, then rerun to resume",
    errno.EDQUOT: "free some space (disk quota exceeded), then rerun to resume",
    errno.EROFS: "the file system is read-only: choose another --out or remount it",
    errno.EACCES: "check the folder's permissions or choose another --out",
    errno.EPERM: "check the folder's permissions or choose another --out",
    errno.ENOTDIR: "a file stands where a folder is needed: choose another --out or move the file",
    errno.EEXIST: "a file stands where a folder is needed: choose another --out or move the file",
    errno.EISDIR: "a folder stands where a file is needed: choose another path",
}


def explain(exc: BaseException) -> str:
    """One line: what failed, and what to do."""
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        what = exc.strerror or str(exc)
        advice = ADVICE.get(exc.errno or 0, "rerun to resume once the cause is fixed")
        return f"cannot write or read{where}: {what}; {advice}"
    return f"{type(exc).__name__}: {exc} (a bug: rerun with -v for the traceback and report it)"
