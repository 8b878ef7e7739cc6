"""The normalize stage: mojibake repair that keeps meaning, NFC, counts, fast path."""

from pathlib import Path

from sia.record import Document
from sia.run.inline import run_inline
from sia.text.normalize import Normalize, needs_ftfy, normalize_text

SEED = (Path(__file__).parent / "data" / "langid" / "seed_is.txt").read_text(encoding="utf-8")


def _one(text: str, **kw) -> Document:
    return run_inline([Normalize(**kw)], [[Document("d", text)]])[0][0]


def test_utf8_read_as_latin1_is_repaired_and_counted():
    broken = SEED[:400].encode("utf-8").decode("latin-1")
    assert broken != SEED[:400]
    doc = _one(broken)
    assert doc.text == SEED[:400]
    assert doc.signals["normalize_ftfy_changed"] == 1.0
    assert doc.clean_text == SEED[:400]


def test_double_encoded_mojibake_and_quotes():
    assert normalize_text("Ã¾etta er Ã­slenska â€“ â€žgottâ€œ")[0] == "þetta er íslenska – „gott“"


def test_curly_quotes_ligatures_widths_and_entities_are_left_alone():
    text = "„Þetta“ sagði hún — ‘quoted’ “text” ﬁnal ＡＢＣ &amp; 東京"
    doc = _one(text)
    assert doc.text == text
    assert doc.signals == {"normalize_ftfy_changed": 0.0, "normalize_nfc_changed": 0.0}


def test_decomposed_letters_are_composed_to_nfc():
    doc = _one("Reykjavi\u0301k og Ko\u0308ln")
    assert doc.text == "Reykjavík og Köln"
    assert doc.signals["normalize_nfc_changed"] == 1.0
    assert doc.signals["normalize_ftfy_changed"] == 0.0


def test_control_characters_are_removed():
    assert normalize_text("abc\x00def\x1b[31m red\x1b[0m")[0] == "abcdef red"


def test_fast_path_skips_clean_text():
    assert not needs_ftfy("plain ASCII text, 100% fine.")
    assert not needs_ftfy(SEED)  # real Icelandic with á, ð, þ, æ, ö and curly quotes
    assert needs_ftfy("SmÃ¡ralind")
    assert needs_ftfy("bad \ufffd byte")


def test_documents_with_removals_are_not_rewritten():
    doc = Document("d", "Ã¾etta")
    doc.remove(0, 1, "boilerplate")
    (doc,) = run_inline([Normalize()], [[doc]])[0]
    assert doc.text == "Ã¾etta"
    assert doc.signals["normalize_skipped"] == 1.0


def test_later_offsets_refer_to_the_repaired_text():
    doc = _one("SmÃ¡ralind opnar Ã\xad dag.")
    assert doc.text == "Smáralind opnar í dag."
    doc.remove(0, len("Smáralind "), "boilerplate")
    assert doc.clean_text == "opnar í dag."
