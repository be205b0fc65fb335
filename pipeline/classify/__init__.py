"""Evidence about a block beyond the rules: the block classifier's features and its two-pass
logistic model (blocks), the vote on the HTML lines one extractor keeps and the other does
not (ensemble), and the lines a site repeats across different articles (sitestats). Imports
core, text and rules.
"""
