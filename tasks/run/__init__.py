"""What ``newsclean run`` runs: the Luigi tasks under ``Batch`` (tasks/batch.py) and their
planning. The base task with the batch parameters and the cleaning context every task loads
(``task_base``), a batch's inputs streamed from raw/ (``plan_inputs``), the shard task
``CleanShard`` (``clean_shard``) and its optional one-task-per-stage chain (``stage_tasks``),
the near-duplicate links, ``Dedup`` (``link_duplicates``), the manifest and the corpus folder's
dataset card (``publish``, ``card``), the per-site line counts, ``BuildSiteStats``
(``build_site_stats``), and the progress bar (``progress``). A module here is named after the
task it holds; the library modules they wrap keep the short names (pipeline/output/shards.py,
chain.py and dedup.py, pipeline/classify/sitestats.py). Built on folder/; it imports neither
report/ nor commands/ (tests/test_layers.py)."""
