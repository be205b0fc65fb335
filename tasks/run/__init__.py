"""What ``newsclean run`` runs: the Luigi tasks under ``Batch`` (tasks/batch.py) and their
planning. The batch parameters and cleaning context every task loads (``common``), a batch's
inputs streamed from raw/ (``plan_inputs``), the shard task (``shards``) and its optional
one-task-per-stage chain (``chain``), the near-duplicate links (``dedup``), the manifest and
the corpus folder's dataset card (``publish``, ``card``), the per-site line counts
(``sitestats``) and the progress bar (``progress``). Built on folder/; it imports neither
report/ nor commands/ (tests/test_layers.py)."""
