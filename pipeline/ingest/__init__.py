"""Bytes to blocks: input formats and records (inputs: text, HTML, JSONL, WARC, gzip), decoding
that never raises (decode), text to blocks (segment), and HTML to blocks and metadata: the
page's raw lines (html_blocks), the page parsed once (html_parse), readability-lxml over it
(html_readability) and the extractors' vote (html_extract); sniff guesses what a stream
holds. HTML extraction reads the stages' Context.
"""
