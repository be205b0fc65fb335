"""newsclean's Luigi layer and command line, around the ``newsclean.pipeline`` library. From
the bottom up: ``exitcodes`` (every command's exit status); ``folder/`` (the output folder:
layout, plans, parts, integrity, caches, object storage); ``run/`` (the Luigi tasks of a run
and their planning); ``batch`` (``Batch``, the run itself: ``newsclean run``, ``luigi --module
newsclean.tasks.batch Batch``); ``corpus`` (``CleanCorpus``, what a downstream task requires);
``report/`` (``newsclean report``); ``commands/`` (the ``newsclean`` command). ``loopback``
starts luigid and an S3 server for the tests and benchmarks. Each imports only those before it
(tests/test_layers.py).

``CleanCorpus`` and ``PublishedCorpus`` (tasks/corpus.py) load on first use, so that the
command line does not import Luigi for ``clean``."""

__all__ = ["CleanCorpus", "PublishedCorpus"]


def __getattr__(name: str):
    if name in __all__:
        from newsclean.tasks import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
