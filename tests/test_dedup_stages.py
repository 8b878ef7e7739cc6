"""exact_dedup and near_dedup through the reference executor, on real Icelandic documents."""

import gzip
import json
import random
from pathlib import Path

import numpy as np
import pytest

from sia.config import ConfigError, build_stage
from sia.dedup.components import connected_components
from sia.dedup.exact import ExactDedup
from sia.dedup.near import NearDedup
from sia.record import Document
from sia.run.inline import run_inline

DATA = Path(__file__).parent / "data" / "dedup"


def ud_docs() -> list[tuple[str, str]]:
    with gzip.open(DATA / "ud_docs.jsonl.gz", "rt", encoding="utf-8") as f:
        return [(d["id"], " ".join(d["sentences"])) for d in map(json.loads, f)]


def corpus() -> list[Document]:
    """Real documents plus exact copies (case/space changes) and lightly edited copies."""
    rng = random.Random(3)
    out = []
    for i, (did, text) in enumerate(ud_docs()):
        out.append(Document(id=did, text=text, source="ud"))
        if i % 5 == 0:
            out.append(Document(id=f"{did}-copy", text="  " + text.upper(), source="ud"))
        if i % 7 == 0:
            w = text.split()
            for _ in range(max(1, len(w) // 50)):
                w[rng.randrange(len(w))] = "breytt"
            out.append(Document(id=f"{did}-edit", text=" ".join(w), source="ud"))
    return out


def run(docs: list[Document], n_shards: int, stages=None) -> dict[str, tuple[str, str]]:
    docs = [Document(id=d.id, text=d.text, source=d.source, signals=dict(d.signals)) for d in docs]
    k = -(-len(docs) // n_shards)
    shards = [docs[i : i + k] for i in range(0, len(docs), k)]
    stages = stages or [ExactDedup(partitions=4), NearDedup(partitions=8)]
    res = run_inline(stages, shards, batch_size=37)
    return {d.id: (d.decision, json.dumps(d.dup, sort_keys=True)) for s in res for d in s}


def test_same_decisions_for_1_3_7_shards():
    docs = corpus()
    one = run(docs, 1)
    assert one == run(docs, 3) == run(docs, 7)
    # nor on the number of partitions (combine tasks)
    assert one == run(docs, 3, [ExactDedup(partitions=1), NearDedup(partitions=32)])
    decisions = [v[0] for v in one.values()]
    assert decisions.count("exact_duplicate") == 36
    assert decisions.count("near_duplicate") >= 20


def test_records_name_cluster_survivor_and_similarity():
    out = run(corpus(), 2)
    did = ud_docs()[0][0]
    # the upper-cased copy is longer (leading spaces) and wins the exact cluster
    orig = json.loads(out[did][1])
    assert out[did][0] == "exact_duplicate"
    assert orig == {"cluster": f"{did}-copy", "of": f"{did}-copy", "similarity": 1.0}
    # the edited copy is then a near duplicate of the exact survivor, or its survivor
    dec = {k: v for k, v in out.items() if k.startswith(did)}
    kept = [k for k, v in dec.items() if v[0] == "keep"]
    assert len(kept) == 1
    info = json.loads(dec[kept[0]][1])
    assert info["size"] == 3  # two from the exact cluster plus the edit
    removed = [json.loads(v[1]) for v in dec.values() if v[0] == "near_duplicate"]
    assert removed and all(0.7 <= r["similarity"] < 1 and r["of"] == kept[0] for r in removed)
    unique = [v for k, v in out.items() if not k.endswith(("-copy", "-edit")) and v[0] == "keep"]
    assert any(v[1] == "null" for v in unique)  # unique documents keep dup = None


def test_survivor_rule_quality_then_length_then_id():
    text = ud_docs()[1][1]
    docs = [
        Document(id="b", text=text, source="s", signals={"quality": 0.5}),
        Document(id="a", text=text + " Viðbót.", source="s", signals={"quality": 0.5}),
        Document(id="c", text=text, source="s", signals={"quality": 0.9}),
    ]
    out = run(docs, 1, [NearDedup(partitions=2)])
    assert out["c"][0] == "keep"
    docs[2].signals["quality"] = 0.1
    out = run(docs, 1, [NearDedup(partitions=2)])
    assert out["a"][0] == "keep"  # longest among best quality
    docs[1] = Document(id="a", text=text, source="s", signals={"quality": 0.5})
    out = run(docs, 1, [NearDedup(partitions=2)])
    assert out["a"][0] == "keep" and json.loads(out["b"][1])["of"] == "a"  # smallest id


def test_exact_normalisation_options():
    docs = [
        Document(id="1", text="Fréttir dagsins: 3 mörk í leiknum!", source="s"),
        Document(id="2", text="fréttir   dagsins 3 mörk í leiknum", source="s"),
        Document(id="3", text="Fréttir dagsins: 4 mörk í leiknum!", source="s"),
    ]
    plain = run(docs, 1, [ExactDedup(partitions=1)])
    assert [plain[i][0] for i in "123"] == ["keep"] * 3
    strict = run(docs, 1, [ExactDedup(partitions=1, strip_punctuation=True)])
    assert sorted(v[0] for v in strict.values()) == ["exact_duplicate", "keep", "keep"]
    loose = run(docs, 1, [ExactDedup(partitions=1, strip_punctuation=True, strip_digits=True)])
    assert sorted(v[0] for v in loose.values()) == ["exact_duplicate", "exact_duplicate", "keep"]


def test_verification_modes_and_unrelated_documents_stay():
    docs = corpus()
    for verify in ("signature", "none"):
        out = run(docs, 2, [NearDedup(partitions=4, verify=verify)])
        # exact copies are near duplicates too; unrelated treebank documents are never removed
        removed = {k for k, v in out.items() if v[0] != "keep" and not k.endswith(("-copy", "-edit"))}
        with_twin = {k.rsplit("-", 1)[0] for k in out if k.endswith(("-copy", "-edit"))}
        assert removed <= with_twin and len(removed) >= 40


def test_config_validation_names_the_problem():
    with pytest.raises(ConfigError, match="bands"):
        build_stage({"name": "near_dedup", "bands": 20, "rows": 8}, "stages[0]")
    with pytest.raises(ConfigError, match="power of two"):
        build_stage({"name": "exact_dedup", "partitions": 6}, "stages[0]")
    with pytest.raises(ConfigError, match="verify"):
        build_stage({"name": "near_dedup", "verify": "maybe"}, "stages[0]")


def test_connected_components_match_union_find(tmp_path):
    rng = np.random.default_rng(0)
    n = 5000
    edges = rng.integers(0, n, size=(3000, 2))
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    ref = np.array([find(i) for i in range(n)])
    chunks = np.array_split(edges, 7)
    labels = connected_components(n, lambda: iter(chunks), tmp_path / "labels.npy")
    # labels are the smallest member of each component, like the reference's roots
    assert np.array_equal(np.asarray(labels), ref)


def test_check_survivor_stops_chains():
    with gzip.open(DATA / "ud_docs.jsonl.gz", "rt", encoding="utf-8") as f:
        sents = [s for d in map(json.loads, f) for s in d["sentences"] if len(s.split()) >= 8][:40]
    docs = [
        Document(id="a", text=" ".join(sents[0:10]), source="s", signals={"quality": 1.0}),
        Document(id="b", text=" ".join(sents[2:12]), source="s"),
        Document(id="c", text=" ".join(sents[4:14]), source="s"),
    ]
    chained = run(docs, 1, [NearDedup(partitions=2)])
    assert [chained[k][0] for k in "abc"] == ["keep", "near_duplicate", "near_duplicate"]
    assert json.loads(chained["c"][1])["similarity"] < 0.5  # removed through b
    checked = run(docs, 1, [NearDedup(partitions=2, check_survivor=True)])
    assert [checked[k][0] for k in "abc"] == ["keep", "near_duplicate", "keep"]
    assert json.loads(checked["a"][1])["size"] == 2 and checked["c"][1] == "null"


def test_tiny_and_empty_inputs():
    docs = [Document(id="x", text="Eitt stutt skjal.", source="s"), Document(id="y", text="", source="s")]
    out = run(docs, 2, [ExactDedup(partitions=16), NearDedup(partitions=16)])
    assert out == {"x": ("keep", "null"), "y": ("keep", "null")}
    assert run_inline([ExactDedup(), NearDedup()], [[], []]) == [[], []]
