"""newsclean: scraped news articles to a clean text corpus with a per-article change log.

``newsclean.pipeline`` is the cleaning library (pure functions; it never imports luigi and
touches files only in ``newsclean.pipeline.io``); ``newsclean.tasks`` is the Luigi layer and
the command line. In the repository they are the top-level folders pipeline/ and tasks/,
mapped into this package by pyproject.toml (setuptools' package-dir); installed, they are
its sub-packages and nothing else of newsclean is on the path.
"""
from pathlib import Path as _Path

_HERE = _Path(__file__).resolve().parent
if not (_HERE / "pipeline").is_dir() and (_HERE.parent / "pipeline" / "__init__.py").is_file():
    # a source checkout used without installing it (PYTHONPATH=checkout, python -m from its
    # root): pipeline/ and tasks/ sit beside this folder
    __path__.append(str(_HERE.parent))
