"""The stages, each ``(Article, Context) -> StageResult``: encoding repair, HTML residue,
boilerplate, captions, metadata, normalisation; a user's own stage under the contract checks
(user); and the Context a stage may read besides the article (config, rules, site
statistics). The order is ``core.config.STAGES``; ``newsclean.pipeline.clean`` runs it.
"""
