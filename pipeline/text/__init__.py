"""Predicates on one block's text, shared by the stages: what a line reads as (a sentence, a
headline, a name; the one fold and the one word count: predicates), bylines, photo credits,
dates, languages and stop words, and where the article's body lies among its blocks
(layout). Imports only core.
"""
