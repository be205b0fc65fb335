"""The stages: each ``stage(article, ctx) -> StageResult(article, changes)``."""
