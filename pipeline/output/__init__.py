"""What a run writes: the output contract, corpus and change-log records (contract), shard
assignment and incremental shard cleaning (shards), the stages one at a time over a shard
for the Luigi chain (chain), near-duplicate links (dedup), which records a run writes to
which segment of a shard (segments), the run manifest, the pages site statistics are built
from (sitepages), each raw line's fate for review (review), and the check that every raw
line is accounted for (conservation).
"""
