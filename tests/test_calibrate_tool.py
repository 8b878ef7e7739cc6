"""`sia calibrate`: a language file from a reference corpus, with plots and a removal table."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import zstandard

from sia.filter.quality import Quality
from sia.label.calibrate import Reservoir, calibrate, derive_threshold, iter_texts, lang_score_threshold, main
from sia.langs import load_file, thresholds
from sia.record import Document

DATA = Path(__file__).parent / "data" / "quality"


def icelandic_corpus(tmp_path: Path, zst: bool = False) -> Path:
    """Treebank documents and lingua sentences (5 a document) as JSONL."""
    docs = [
        "\n".join(json.loads(x)["sentences"]) for x in (DATA / "ud_is_docs.jsonl").read_text().splitlines()
    ]
    sents = (DATA / "lingua_is.txt").read_text().splitlines()
    docs += ["\n".join(sents[i : i + 5]) for i in range(0, len(sents), 5)]
    body = "".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in docs).encode()
    if zst:
        p = tmp_path / "ref.jsonl.zst"
        p.write_bytes(zstandard.ZstdCompressor().compress(body))
    else:
        p = tmp_path / "ref.jsonl"
        p.write_bytes(body)
    return p


def test_calibrate_writes_a_usable_language_file(tmp_path):
    corpus = icelandic_corpus(tmp_path, zst=True)
    out = tmp_path / "langs" / "xx.toml"
    res = calibrate([str(corpus)], "is", out, tmp_path / "plots")
    assert res.docs == 24 and res.sampled == 24
    data = tomllib.loads(out.read_text())
    # the most frequent Icelandic words, found without being told
    assert {"og", "í", "að", "á"} <= set(data["stop_words"])
    assert 0.3 <= data["lang_score"]["min"] <= 0.9
    # thresholds are only ever relaxed relative to the anchor (here: Icelandic's own file)
    anchor = thresholds("is")
    for k, v in data["gopher_repetition"].items():
        if isinstance(v, list):
            assert all(a >= b for a, b in zip(v, anchor["gopher_repetition"][k], strict=True))
        else:
            assert v >= anchor["gopher_repetition"][k]
    assert data["gopher_quality"]["min_alpha_words"] <= anchor["gopher_quality"]["min_alpha_words"]
    # one PNG per signal, and the table rows
    assert len(res.plots) >= 20 and all(p.read_bytes()[:4] == b"\x89PNG" for p in res.plots)
    assert {r["rule"] for r in res.removal} >= {
        "gopher_repetition.max_dup_ngram[0]",
        "fineweb.min_line_punct",
    }
    # the file works as a language file for the quality stage
    merged = load_file(out)
    assert merged["c4"]["lorem_ipsum"] is True
    doc = Document(id="a", text=(DATA / "lingua_is.txt").read_text(), lang="xx", lang_score=0.99)
    Quality(langs_dir=str(out.parent)).process([doc])
    assert doc.decision == "keep"


def test_main_parses_the_command_line(tmp_path, capsys):
    corpus = icelandic_corpus(tmp_path)
    out = tmp_path / "is.toml"
    assert main([str(corpus), "--lang", "is", "-o", str(out), "--no-lang-score"]) == 0
    assert "what each threshold removes" in capsys.readouterr().out
    assert "lang_score" not in tomllib.loads(out.read_text())


def test_txt_input_is_blank_line_separated(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Fyrsta skjal.\nÖnnur lína.\n\n\nAnnað skjal.\n")
    assert list(iter_texts([str(p)])) == ["Fyrsta skjal.\nÖnnur lína.", "Annað skjal."]


def test_rules():
    v = np.linspace(0, 1, 1001)
    assert derive_threshold(v, 0.5, "max") == 0.995  # P99.5 above the anchor: relaxed
    assert derive_threshold(v, 0.999, "max") == 0.999  # never tightened
    assert derive_threshold(v, 0.5, "min") == 0.005
    assert derive_threshold(np.zeros(0), 0.3, "max") == 0.3
    # FineWeb-2: max(0.3, min(0.9, median - std))
    assert lang_score_threshold(np.array([0.6, 0.8, 0.9])) == round(0.8 - np.std([0.6, 0.8, 0.9]), 3)
    assert lang_score_threshold(np.array([0.1, 0.2, 0.3])) == 0.3
    assert lang_score_threshold(np.array([1.0, 1.0])) == 0.9


def test_reservoir_memory_is_bounded():
    r = Reservoir(cap=10, width=2, seed=1)
    for i in range(1000):
        r.add([i, 1.0])
    vals = r.values()
    assert vals.shape == (10, 2) and r.seen == 1000
    assert vals[:, 0].max() > 100  # later rows made it into the sample


def test_command_line_through_sia(tmp_path, sia_cli):
    corpus = icelandic_corpus(tmp_path)
    out = tmp_path / "is.toml"
    proc = sia_cli(
        "calibrate", corpus, "--lang", "is", "-o", out, "--plots", tmp_path / "p", "--no-lang-score"
    )
    assert proc.returncode == 0, proc.stderr
    assert "stop_words" in out.read_text() and (tmp_path / "p" / "gq_alpha_words.png").is_file()
    assert sia_cli("calibrate", tmp_path / "missing.jsonl", "--lang", "is", "-o", out).returncode == 2
