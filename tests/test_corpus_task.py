"""CleanCorpus: the published corpus as a Luigi task a downstream task requires, run with luigid."""
import json
import re
import shutil
from pathlib import Path

import luigi
import pytest

from newsclean.tasks import CleanCorpus, PublishedCorpus
from newsclean.tasks.commands.cli import main

from .conftest import RAW, ROOT
from .example_downstream import SentenceStats
from .operations_support import make_raw
from .test_operations_distributed import luigid  # noqa: F401 - the fixture: luigid on 127.0.0.1, stopped after


@pytest.fixture
def raw(tmp_path):
    return make_raw(tmp_path / "raw")


def expected_stats(out: Path) -> dict:
    from .example_downstream import SENTENCE_END, TOKEN

    counts = {}
    for part in sorted((out / "corpus").glob("*.jsonl")):
        for line in part.read_text().splitlines():
            rec = json.loads(line)
            row = counts.setdefault(rec["language"] or "unknown", {"articles": 0, "sentences": 0, "tokens": 0})
            row["articles"] += 1
            for para in rec["text"].split("\n\n"):
                sents = [s for s in SENTENCE_END.split(para) if s.strip()]
                row["sentences"] += len(sents)
                row["tokens"] += sum(len(TOKEN.findall(s)) for s in sents)
    return counts


@pytest.mark.integration
def test_a_downstream_task_runs_the_batch_then_reads_the_corpus_with_luigid(raw, tmp_path, luigid):  # noqa: F811 - the fixture imported above
    out, stats = tmp_path / "clean", tmp_path / "stats.json"
    task = SentenceStats(raw=str(raw), out=str(out), stats=str(stats))
    assert not task.requires().complete()
    assert luigi.build([task], scheduler_url=luigid, workers=1, log_level="WARNING")
    assert (out / "manifest.json").is_file() and task.requires().complete()
    got = json.loads(stats.read_text())
    assert got == expected_stats(out) and got["en"]["articles"] == 5 and got["en"]["sentences"] > 20
    # the scheduler saw the whole chain: the downstream task, the corpus, the publish and the shards
    seen = json.loads(__import__("urllib.request").request.urlopen(f"{luigid}/api/task_list?data=%7B%7D").read())
    families = {t["name"] for t in seen["response"].values()}
    assert {"SentenceStats", "CleanCorpus", "Publish", "CleanShard"} <= families


@pytest.mark.integration
def test_the_corpus_is_complete_only_when_published_and_consistent(raw, tmp_path):
    out = tmp_path / "clean"
    corpus = CleanCorpus(raw=str(raw), out=str(out))
    assert not corpus.complete() and not PublishedCorpus(out).exists()
    assert main(["run", "--raw", str(raw), "--out", str(out), "-q"]) == 0
    assert CleanCorpus(raw=str(raw), out=str(out)).complete()
    target = PublishedCorpus(out)
    assert len(list(target.records())) == 5 and len(target.parts("changelog")) == len(target.parts("corpus"))
    # a damaged part: the manifest no longer matches, the corpus is not complete (and a build repairs it)
    part = target.parts()[0]
    part.write_bytes(part.read_bytes()[:-20])
    problems = target.problems()
    assert not target.exists() and len(problems) == 1 and "corpus/part-" in problems[0] and "bytes" in problems[0]
    assert not CleanCorpus(raw=str(raw), out=str(out)).complete()
    assert luigi.build([CleanCorpus(raw=str(raw), out=str(out))], local_scheduler=True, log_level="WARNING")
    assert target.exists()
    # a new input: the published corpus is no longer the batch of raw/
    shutil.copy(sorted(RAW.glob("*.txt"))[0], raw / "another.txt")
    assert PublishedCorpus(out).exists() and not CleanCorpus(raw=str(raw), out=str(out)).complete()


@pytest.mark.integration
def test_the_chain_through_the_corpus_task(raw, tmp_path):
    out = tmp_path / "clean"
    assert luigi.build([CleanCorpus(raw=str(raw), out=str(out), chain=True)], local_scheduler=True, log_level="WARNING")
    assert len(list(PublishedCorpus(out).records())) == 5


def test_the_example_in_the_docs_is_the_tested_module():
    doc = (ROOT / "docs" / "downstream.md").read_text()
    assert (ROOT / "tests" / "example_downstream.py").read_text().strip() in doc
    assert re.search(r"from newsclean.tasks import CleanCorpus", doc)
