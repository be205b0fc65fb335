"""The output folder, on disk or on object storage: where each file lives (``paths``), a
shard's plan file (``plans``), what the parts must hold and how a run checks them
(``integrity``), a shard's segment files and the one commit every writer of parts calls
(``segment_files``; how records are spread over segments is pipeline/output/segments.py), the
input stat cache (``statcache``), reading a folder back for review (``read_back``), and a
folder on a store (``storage``, the only module that talks to one; ``remote``, the mirrors and
leases a task works through). No Luigi task and no command lives here: run/, report/ and
commands/ build on it, and it imports none of them (tests/test_layers.py)."""
