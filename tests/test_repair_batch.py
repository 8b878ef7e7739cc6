"""The repair stages work on whole batches (shared word cache, stacked features, one language
guess pass): a page must come out exactly as it does when it is processed alone."""

from __future__ import annotations

import json
from pathlib import Path

from sia.record import Document
from sia.repair import pagewords
from sia.repair.boilerplate import Boilerplate
from sia.repair.metadata import Metadata
from sia.repair.repeats import Repeats

DATA = Path(__file__).parent / "data" / "repair"


def _texts() -> list[str]:
    pages = [json.loads(line)["text"] for line in (DATA / "aeb_heldout.jsonl").open(encoding="utf-8")]
    seed = (DATA / "seed_000_fc034b1a7ebc7edf.txt").read_text(encoding="utf-8")
    # flattened copies, an empty page, a page without words, and the seed twice (one cache entry)
    return pages + [p.replace("\n", " ") for p in pages] + [seed, "", " \n ", "— · —", seed]


def _run(texts: list[str], batch_size: int) -> list[Document]:
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    for b in range(0, len(docs), batch_size):
        for st in (Metadata(), Repeats(), Boilerplate()):
            st.process(docs[b : b + batch_size])
    return docs


def test_batch_equals_one_by_one():
    texts = _texts()
    pagewords.clear()
    alone = _run(texts, 1)
    pagewords.clear()
    together = _run(texts, len(texts))
    for a, b in zip(alone, together):
        assert a.clean_text == b.clean_text
        assert (a.title, a.authors, a.published, a.extras) == (b.title, b.authors, b.published, b.extras)
        assert a.signals == b.signals
    # the seed page lost its furniture and its repeated body in both runs
    assert len(together[-1].clean_text) < 0.5 * len(texts[-1])


def test_word_cache_never_reaches_the_document():
    doc = _run([(DATA / "seed_000_fc034b1a7ebc7edf.txt").read_text(encoding="utf-8")], 1)[0]
    rec = doc.to_record()
    assert not any("word" in k for k in rec["extras"])
    assert set(rec["signals"]) == {"repeated_frac", "boilerplate_frac"}
