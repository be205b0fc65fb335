"""Luigi shell around the ``pipeline`` library: parameters, paths, calls.

``CleanCorpus`` and ``PublishedCorpus`` (tasks/corpus.py) are what a downstream task requires;
they load on first use, so that the command line does not import Luigi for ``clean``."""

__all__ = ["CleanCorpus", "PublishedCorpus"]


def __getattr__(name: str):
    if name in __all__:
        from newsclean.tasks import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
