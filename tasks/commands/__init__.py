"""The ``newsclean`` command line: the parser and ``main`` (``cli``, the console script), and
the commands that do more than start a run: ``rebuild`` one article, ``compact`` and
``verify`` an output folder, ``show`` one article, the review and hand-off commands
(``review_cli``: report, stats, export), and ``config_doc`` (``make docs``:
docs/configuration.md from the config's field docs). Exit statuses are tasks/exitcodes.py's.
The top layer: nothing else in newsclean imports it (tests/test_layers.py)."""
