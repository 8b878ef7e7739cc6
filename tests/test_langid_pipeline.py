"""normalize -> langid -> pii from a TOML pipeline on a damaged Icelandic page; error paths."""

import sys
import tomllib
from pathlib import Path

import pytest

import sia.label.langid as langid
from sia.config import build_stages, parse_config
from sia.record import Document
from sia.run.inline import run_inline

SEED = (Path(__file__).parent / "data" / "langid" / "seed_is.txt").read_text(encoding="utf-8")

PIPELINE = """
[[stages]]
name = "normalize"

[[stages]]
name = "langid"
keep_langs = ["is"]
foreign_min_words = 8

[[stages]]
name = "pii"
ip = false
"""


def test_damaged_page_is_repaired_labelled_and_scrubbed():
    banner = "We use cookies to give you the best experience on our website and to analyse our traffic."
    page = SEED[:1200] + "\n" + banner + "\nHafið samband í síma 555 1234 eða á frettir@example.is.\n"
    broken = page.encode("utf-8").decode("latin-1")
    english = Document("en", "The committee met on Tuesday to discuss next year's budget and staffing plans.")
    stages = build_stages(parse_config(tomllib.loads(PIPELINE)))
    doc, other = run_inline(stages, [[Document("p", broken), english]])[0]
    assert doc.signals["normalize_ftfy_changed"] == 1.0
    assert doc.lang == "is" and doc.lang_score > 0.9
    assert "cookies" not in doc.clean_text
    assert doc.clean_text.endswith("Hafið samband í síma <PHONE> eða á <EMAIL>.\n")
    assert doc.signals["pii_count"] == 2.0
    assert other.decision == "lang" and other.lang == "en"


def test_missing_fasttext_model_names_the_expected_path(monkeypatch, tmp_path):
    missing = tmp_path / "lid.176.ftz"
    monkeypatch.setattr(langid, "fasttext_model_path", lambda: missing)
    langid._fasttext.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=str(missing)):
            langid.Detector("fasttext").classify("Þetta er íslenska.")
    finally:
        langid._fasttext.cache_clear()


def test_lingua_backend_without_lingua_installed_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "lingua", None)
    langid._lingua_detector.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=r"sia\[lingua\]"):
            langid.LangId(backend="lingua").validate()
    finally:
        langid._lingua_detector.cache_clear()
