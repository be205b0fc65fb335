"""newsclean's cleaning library: pure functions from raw article bytes to a clean record.

Nothing here imports luigi; file I/O lives in :mod:`newsclean.pipeline.io` only.
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("newsclean")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

# the values a stage works with, for user stages (``"mypkg.stages:drop_pii"`` in the config's
# ``stages``; docs/stages.md): ``def drop_pii(article: Article, ctx: Context) -> StageResult``
from newsclean.pipeline.core.article import Article, Block, Caption, Change, StageResult  # noqa: E402
from newsclean.pipeline.core.config import CleanConfig  # noqa: E402
from newsclean.pipeline.stages.context import Context  # noqa: E402

__all__ = ["Article", "Block", "Caption", "Change", "CleanConfig", "Context", "StageResult", "__version__"]
