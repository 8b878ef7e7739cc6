"""Incremental dedup against a persistent index, provenance, re-runs and crash safety."""

import gzip
import json
from pathlib import Path

import pytest

from sia.dedup.exact import ExactDedup
from sia.dedup.index import DedupIndex
from sia.dedup.near import NearDedup
from sia.record import Document
from sia.run.inline import run_inline

DATA = Path(__file__).parent / "data" / "dedup"


def ud_docs() -> list[tuple[str, str]]:
    with gzip.open(DATA / "ud_docs.jsonl.gz", "rt", encoding="utf-8") as f:
        return [(d["id"], " ".join(d["sentences"])) for d in map(json.loads, f)]


def stages(index: Path):
    return [ExactDedup(index=str(index), partitions=4), NearDedup(index=str(index), partitions=4)]


def dedup(docs, index, shards=2, st=None):
    docs = [Document(id=d.id, text=d.text, source=d.source) for d in docs]
    k = -(-len(docs) // shards)
    out = run_inline(st or stages(index), [docs[i : i + k] for i in range(0, len(docs), k)])
    return {d.id: d for s in out for d in s}


def batches():
    docs = ud_docs()
    first = [Document(id=i, text=t, source="crawl-1") for i, t in docs[:100]]
    second = [Document(id=f"new-{i}", text=t, source="crawl-2") for i, t in docs[90:140]]  # 10 exact
    for i, t in docs[60:70]:  # 10 near duplicates: a sentence dropped
        second.append(Document(id=f"near-{i}", text=t[: t.rfind(". ") + 1] or t, source="crawl-2"))
    return first, second


def test_second_batch_is_deduplicated_against_the_first(tmp_path):
    idx = tmp_path / "idx"
    first, second = batches()
    out1 = dedup(first, idx)
    assert all(d.kept for d in out1.values())
    out2 = dedup(second, idx)
    exact = {k: d for k, d in out2.items() if d.decision == "exact_duplicate"}
    assert set(exact) == {f"new-{i}" for i, _ in ud_docs()[90:100]}
    for k, d in exact.items():
        assert d.dup["of"] == k[4:] and d.dup["of_source"] == "crawl-1"
    near = {k: d for k, d in out2.items() if d.decision == "near_duplicate"}
    assert len(near) >= 8
    for k, d in near.items():
        assert d.dup["of"] == k[5:] and d.dup["of_source"] == "crawl-1" and d.dup["similarity"] >= 0.7
    # the index grew by the kept documents of the second batch only
    kept2 = sum(d.kept for d in out2.values())
    assert DedupIndex(idx, "exact", ExactDedup().index_params()).docs == 100 + kept2 + len(near)
    assert DedupIndex(idx, "near", NearDedup().index_params()).docs == 100 + kept2


def test_rerunning_an_indexed_batch_changes_nothing(tmp_path):
    idx = tmp_path / "idx"
    first, _ = batches()
    dedup(first, idx)
    again = dedup(first, idx, shards=3)
    assert all(d.kept for d in again.values())
    assert DedupIndex(idx, "near", NearDedup().index_params()).docs == 100


def test_crash_between_segment_and_manifest_leaves_index_as_before(tmp_path):
    idx = tmp_path / "idx"
    first, second = batches()
    dedup(first, idx)
    manifest = (idx / "near" / "manifest.json").read_text()
    crashing = NearDedup(index=str(idx), partitions=4)
    crashing._crash_for_test = True
    with pytest.raises(RuntimeError, match="simulated crash"):
        dedup(second, idx, st=[crashing])
    assert (idx / "near" / "manifest.json").read_text() == manifest
    assert DedupIndex(idx, "near", NearDedup().index_params()).docs == 100
    # the next update ignores the orphan segment and works
    out = dedup(second, idx, st=[NearDedup(index=str(idx), partitions=4)])
    assert sum(d.decision == "near_duplicate" for d in out.values()) >= 18
    man = json.loads((idx / "near" / "manifest.json").read_text())
    assert [s["name"] for s in man["segments"]] == ["seg-000001", "seg-000003"]


def test_index_refuses_other_parameters(tmp_path):
    idx = tmp_path / "idx"
    dedup(batches()[0], idx, st=[NearDedup(index=str(idx))])
    with pytest.raises(ValueError, match="built with"):
        dedup(batches()[1], idx, st=[NearDedup(index=str(idx), shingle_size=3)])


def test_index_with_documents_without_words(tmp_path):
    idx = tmp_path / "idx"
    docs = [Document(id="e", text="", source="s"), Document(id="p", text="... !!! ...", source="s")]
    dedup(docs, idx, shards=1)
    again = dedup(docs + [Document(id="f", text="", source="t")], idx, shards=1)
    assert all(d.kept for d in again.values())
