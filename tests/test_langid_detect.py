"""Language identification: the two-tier default against fastText alone, on real held-out text."""

from collections import defaultdict
from pathlib import Path

from sia.label.langid import Detector, detector, expand_langs, same_language, to_iso, windows

DATA = Path(__file__).parent / "data" / "langid"


def _sentences():
    rows = []
    for line in (DATA / "heldout_sentences.tsv").read_text(encoding="utf-8").splitlines():
        lang, text = line.split("\t", 1)
        rows.append((lang, text))
    return rows


def _six(lang: str) -> str:
    return "no" if lang in ("nb", "nn") else lang


def _accuracy(backend: str) -> dict[str, float]:
    det = Detector(backend)
    ok = defaultdict(list)
    for lang, text in _sentences():
        ok[_six(lang)].append(_six(det.classify(text)[0]) == _six(lang))
    return {k: sum(v) / len(v) for k, v in ok.items()}


def test_seed_page_is_icelandic_with_high_score():
    text = (DATA / "seed_is.txt").read_text(encoding="utf-8")
    lang, score = detector().classify(text)
    assert lang == "is"
    assert score >= 0.9


def test_default_beats_fasttext_on_held_out_nordic_sentences():
    sia, ft = _accuracy("sia"), _accuracy("fasttext")
    assert sia["is"] == 1.0
    macro_sia = sum(sia.values()) / len(sia)
    macro_ft = sum(ft.values()) / len(ft)
    assert macro_sia >= 0.96
    assert macro_sia > macro_ft


def test_nynorsk_and_bokmal_are_told_apart_where_fasttext_says_danish():
    det = detector()
    ft = detector("fasttext")
    nn = "Bolivia er samansett av ni fylke, kalla departement (departamentos)."
    nb = "Materiellet nedenfor er beregnet på helsepersonell og kan bestilles kostnadsfritt."
    assert (ft.classify(nn)[0], ft.classify(nb)[0]) == ("sv", "da")
    assert (det.classify(nn)[0], det.classify(nb)[0]) == ("nn", "nb")
    assert det.classify("Dæmi er Síminn.")[0] == "is"


def test_codes_are_iso_639_1_where_one_exists():
    assert to_iso("__label__no") == "nb"
    assert to_iso("__label__is") == "is"
    assert to_iso("__label__als") == "gsw"  # lid.176's Alemannic, not ISO 'als' (Tosk Albanian)
    assert to_iso("__label__ceb") == "ceb"
    assert expand_langs(["no"]) >= {"nb", "nn"}
    assert same_language("nn", "nb") and not same_language("en", "is")


def test_long_text_is_classified_on_spaced_windows_not_a_prefix():
    english = "The committee met on Tuesday to discuss the budget for next year. " * 20
    icelandic = (DATA / "seed_is.txt").read_text(encoding="utf-8").replace("\n", " ")
    text = english + icelandic + icelandic
    ws = windows(text)
    assert len(ws) == 3 and all(1800 <= len(w) <= 2000 for w in ws)
    assert detector().classify(text)[0] == "is"  # two of three windows are Icelandic


def test_text_without_letters_is_undetermined():
    assert detector().classify("") == ("und", 0.0)
    assert detector().classify("12 34 -- 56.789 | 2024") == ("und", 0.0)


def test_lingua_backend_is_optional_and_works_when_installed():
    lang, score = Detector("lingua").classify("Þetta er fyrsta heimsókn hans til landsins í 24 ár.")
    assert lang == "is" and score > 0.5
