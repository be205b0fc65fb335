"""A user stage's name in the config, ``"module:function"``, and the function it refers to.

Below the config, which checks every such name when it is read (a name that does not
import is a ``ConfigError`` of one line), and below the rule registry and the output
contract, which read the descriptions a stage declares and the modules its code digest
covers. Running a user stage under the contract checks is ``user_stages``.
"""
from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Callable

from newsclean.pipeline.core.errors import ConfigError

USER_PREFIX = "user."
NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$")


def is_user_stage(name: str) -> bool:
    """A stage named ``module:function`` (built-in stages are bare words)."""
    return ":" in name


def module_of(name: str) -> str:
    return name.partition(":")[0]


@lru_cache(maxsize=64)
def resolve(name: str) -> Callable:
    """The function a ``module:function`` name points to; ConfigError (one line) otherwise."""
    if not NAME.match(name):
        raise ConfigError(f"stage {name!r} is neither a built-in stage nor 'module:function'")
    module_name, _, attr = name.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - any import failure is the user's to fix, in one line
        raise ConfigError(f"stage {name!r} does not import: {type(exc).__name__}: {exc}") from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise ConfigError(f"stage {name!r}: module {module_name!r} has no function {attr!r}")
    return fn


def user_modules(stage_names) -> tuple[str, ...]:
    """The modules of the user stages among ``stage_names``, sorted, each once."""
    return tuple(sorted({module_of(s) for s in stage_names if is_user_stage(s)}))


def descriptions(stage_names) -> dict[str, tuple[str, str]]:
    """rule id -> (description, stage) that user stages declare in a ``rules`` attribute of
    their function (``drop_pii.rules = {"user.pii.email": "An e-mail address masked"}``)."""
    out = {}
    for name in stage_names:
        if is_user_stage(name):
            for rid, desc in (getattr(resolve(name), "rules", None) or {}).items():
                out[rid] = (str(desc), name)
    return out
