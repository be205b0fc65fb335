"""The values that flow and the switches: ``Article`` and its blocks, captions, metadata and
``Change`` log (article), ``CleanConfig`` with every switch documented and the stage list
(config) and the ``ConfigError`` it raises (errors), a user stage's ``module:function`` name
and the function it imports (stage_refs), how an input's path becomes an article id (ids),
and the near-duplicate index's values (duplicates). Imports nothing else of newsclean.
"""
