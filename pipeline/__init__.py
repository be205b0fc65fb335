"""newsclean's cleaning library: pure functions from raw article bytes to a clean record.

Nothing here imports luigi; file I/O lives in :mod:`pipeline.io` only.
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("newsclean")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
