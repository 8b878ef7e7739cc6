"""Shingle hashing and MinHash signatures on real multilingual text."""

import gzip
import json
import random
from pathlib import Path

import numpy as np

from sia.dedup.hashing import batch_word_hashes, batch_word_hashes_plain, batch_words, text_shingles
from sia.dedup.minhash import EMPTY, band_keys, signatures
from sia.dedup.near import doc_shingle_sets, set_jaccard
from sia.text.words import word_spans

DATA = Path(__file__).parent / "data" / "dedup"


def lingua() -> list[tuple[str, str]]:
    with gzip.open(DATA / "lingua_sample.tsv.gz", "rt", encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t", 1)) for line in f]


def ud_texts() -> list[str]:
    with gzip.open(DATA / "ud_docs.jsonl.gz", "rt", encoding="utf-8") as f:
        return [" ".join(json.loads(line)["sentences"]) for line in f]


def test_vectorised_words_equal_sia_text_words_in_75_languages():
    rows = lingua()
    assert len({lang for lang, _ in rows}) >= 70
    texts = [t for _, t in rows] + ["don't COVID-19 3.14 1,000 a--b 'quoted' x-", "中文字\u0301abc ไทย", ""]
    wh, counts = batch_word_hashes(texts)
    offs = np.concatenate([[0], np.cumsum(counts)])
    for i, t in enumerate(texts):
        low = t.lower()
        ref, _ = batch_word_hashes_plain([low[a:b] for a, b in word_spans(low)])
        assert np.array_equal(ref, wh[offs[i] : offs[i + 1]]), t


def test_word_offsets_point_into_the_text():
    texts = ["Halló heimur!\nÞetta er  prófun.", "Second text\n\nwith lines"]
    bw = batch_words(texts, lower=False, lines=True)
    got = [texts[d][a:b] for d, a, b in zip(bw.doc, bw.starts, bw.ends, strict=True)]
    assert got == ["Halló", "heimur", "Þetta", "er", "prófun", "Second", "text", "with", "lines"]
    lines = [texts[d][a:b] for d, a, b in zip(bw.line_doc, bw.line_starts, bw.line_ends, strict=True)]
    assert lines == ["Halló heimur!", "Þetta er  prófun.", "Second text", "", "with lines"]


def test_shingles_ignore_case_and_spacing_and_short_docs_get_one():
    a, ca = text_shingles(["Ein tvær þrjár fjórar fimm sex"])
    b, cb = text_shingles(["ein  TVÆR\nþrjár, fjórar fimm sex."])
    assert list(ca) == [2] and np.array_equal(a, b)
    s, c = text_shingles(["two words", "", "   "])
    assert list(c) == [1, 0, 0]


def test_oph_signature_estimates_real_jaccard():
    """Estimate error against exact Jaccard on real Icelandic documents with edits."""
    rng = random.Random(7)
    texts = ud_texts()
    errs = []
    for t in texts[:120]:
        w = t.split()
        for _ in range(max(1, len(w) // 12)):
            w[rng.randrange(len(w))] = "breytt"
        pair = [t, " ".join(w)]
        sh, counts = text_shingles(pair)
        sets = [np.unique(x) for x in np.split(sh, [counts[0]])]
        exact = np.intersect1d(*sets).size / np.union1d(*sets).size
        sig = signatures(sh, counts, 256)
        errs.append((sig[0] == sig[1]).mean() - exact)
    errs = np.array(errs)
    assert abs(errs.mean()) < 0.01  # unbiased
    assert np.sqrt((errs**2).mean()) < 0.05  # ~ sqrt(J(1-J)/K) for K = 256


def test_densification_fills_every_bin_and_stays_consistent():
    sh, counts = text_shingles(["a b c d e f", "a b c d e f", "x y z w v u t", ""], 5)
    sig = signatures(sh, counts, 112)
    assert (sig[:3] != EMPTY).all() and (sig[3] == EMPTY).all()
    assert np.array_equal(sig[0], sig[1])
    keys = band_keys(sig, 14, 8)
    assert np.array_equal(keys[0], keys[1]) and not np.intersect1d(keys[0], keys[2]).size


def test_signatures_do_not_depend_on_batch_composition():
    texts = ud_texts()[:40]
    sh, c = text_shingles(texts)
    whole = signatures(sh, c, 112)
    sh2, c2 = text_shingles(texts[17:23])
    assert np.array_equal(signatures(sh2, c2, 112), whole[17:23])


def test_bottom_k_jaccard_matches_exact_when_uncapped():
    texts = ud_texts()[:2]
    sh, counts = text_shingles([texts[0], texts[0] + " " + texts[1]])
    sets, c = doc_shingle_sets(sh, counts, 1 << 20)
    a, b = np.split(sets, [c[0]])
    exact = np.intersect1d(a, b).size / np.union1d(a, b).size
    assert set_jaccard(a, b, 1 << 20) == exact
    assert abs(set_jaccard(a[:64], b[:64], 64) - exact) < 0.2


def test_batch_lowercasing_equals_per_document():
    texts = ["ΟΔΟΣ ΚΑΙ ΣΟΦΟΣ", "İstanbul ΣΑΣ", "a\x00b c", "Þetta ER prófun"]
    whole, counts = batch_word_hashes(texts)
    singles = [batch_word_hashes([t]) for t in texts]
    assert np.array_equal(whole, np.concatenate([s[0] for s in singles]))
    assert list(counts) == [int(s[1][0]) for s in singles] == [3, 2, 3, 3]
