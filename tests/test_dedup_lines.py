"""corpus_lines: lines repeated across the corpus are kept only at their first occurrence."""

import gzip
import json
from pathlib import Path

from sia.dedup.lines import CorpusLines
from sia.record import Document
from sia.run.inline import run_inline

DATA = Path(__file__).parent / "data" / "dedup"


def docs_with_shared_lines() -> list[Document]:
    with gzip.open(DATA / "ud_docs.jsonl.gz", "rt", encoding="utf-8") as f:
        sents = [json.loads(line)["sentences"] for line in f][:30]
    shared = sents[0][0]  # a real sentence that we put into every third document
    docs = []
    for i, ss in enumerate(sents[1:]):
        lines = list(ss[:6])
        if i % 3 == 0:
            lines.insert(2, shared.upper() if i % 2 else shared)
        docs.append(Document(id=f"d{i:02d}", text="\n".join(lines), source="ud"))
    return docs, shared


def run(n_shards: int, **params):
    docs, shared = docs_with_shared_lines()
    k = -(-len(docs) // n_shards)
    out = run_inline([CorpusLines(partitions=4, **params)], [docs[i : i + k] for i in range(0, len(docs), k)])
    return [d for s in out for d in s], shared


def test_repeated_line_kept_only_in_first_document():
    docs, shared = run(1)
    having = [d.id for d in docs if shared.lower() in d.clean_text.lower()]
    assert having == ["d00"]
    removed = [d for d in docs if any(s.reason == "corpus_repeated" for s in d.removed)]
    assert len(removed) == 9
    for d in removed:
        assert all(d.text[s.start : s.end].lower() == shared.lower() for s in d.removed)


def test_same_result_for_any_shard_count():
    one = [(d.id, d.clean_text) for d in run(1)[0]]
    assert one == [(d.id, d.clean_text) for d in run(4)[0]] == [(d.id, d.clean_text) for d in run(7)[0]]


def test_max_docs_keeps_lines_shared_by_few():
    docs, shared = run(2, max_docs=10)
    assert sum(shared.lower() in d.clean_text.lower() for d in docs) == 10
