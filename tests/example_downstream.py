"""A downstream task: sentences and tokens per language of the published corpus (docs/downstream.md shows this file)."""
import json
import re
from collections import defaultdict

import luigi

from newsclean.tasks import CleanCorpus

SENTENCE_END = re.compile(r"(?<=[.!?\u2026\u3002\uff01\uff1f])\s+")
TOKEN = re.compile(r"\w+")


class SentenceStats(luigi.Task):
    raw = luigi.Parameter()
    out = luigi.Parameter()
    stats = luigi.Parameter(description="where the counts go (JSON)")

    def requires(self):
        return CleanCorpus(raw=self.raw, out=self.out)

    def output(self):
        return luigi.LocalTarget(self.stats)

    def run(self):
        counts = defaultdict(lambda: {"articles": 0, "sentences": 0, "tokens": 0})
        for record in self.input().records():
            row = counts[record["language"] or "unknown"]
            row["articles"] += 1
            for paragraph in record["text"].split("\n\n"):
                sentences = [s for s in SENTENCE_END.split(paragraph) if s.strip()]
                row["sentences"] += len(sentences)
                row["tokens"] += sum(len(TOKEN.findall(s)) for s in sentences)
        with self.output().open("w") as fh:
            json.dump(dict(sorted(counts.items())), fh, indent=1)
