"""The langid document stage: labels on the cleaned text, keep_langs, foreign pieces."""

from pathlib import Path

from sia.label.langid import LangId
from sia.record import Document
from sia.run.inline import run_inline

SEED = (Path(__file__).parent / "data" / "langid" / "seed_is.txt").read_text(encoding="utf-8")
BANNER = (
    "We use cookies to give you the best experience on our website. By continuing to browse the "
    "site you agree to our use of cookies. Read our privacy policy to learn more."
)
ARTICLE = (
    "Forsetinn flutti ræðu sína á fundinum í gær og vitnaði þar í frægan breskan stjórnmálamann.\n"
    "„Never give in,“ sagði hann og bætti við að þjóðin myndi standa saman í gegnum erfiðleikana.\n"
    "Fundurinn stóð í tvær klukkustundir og að honum loknum ræddu ráðherrar við fjölmiðla um "
    "niðurstöður hans og næstu skref ríkisstjórnarinnar í málinu."
)


def _run(stage, docs):
    return run_inline([stage], [docs])[0]


def test_seed_document_labelled_icelandic_and_nothing_cut():
    (doc,) = _run(LangId(), [Document("seed", SEED)])
    assert doc.lang == "is" and doc.lang_score >= 0.9
    assert doc.removed == [] and doc.kept


def test_english_cookie_banner_inside_icelandic_page_is_cut_as_foreign():
    text = SEED[:1500] + "\n" + BANNER + "\n" + SEED[1500:]
    (doc,) = _run(LangId(), [Document("d", text)])
    assert doc.lang == "is"
    assert [s.reason for s in doc.removed] == ["foreign"]
    cut = text[doc.removed[0].start : doc.removed[0].end]
    assert cut == BANNER
    assert "cookies" not in doc.clean_text
    assert doc.signals["langid_foreign_pieces"] == 1.0


def test_short_english_quotation_inside_icelandic_article_stays():
    (doc,) = _run(LangId(), [Document("a", ARTICLE)])
    assert doc.lang == "is"
    assert doc.removed == []
    assert "Never give in" in doc.clean_text


def test_foreign_cutting_can_be_switched_off():
    text = SEED[:1500] + "\n" + BANNER + "\n" + SEED[1500:]
    (doc,) = _run(LangId(foreign=False), [Document("d", text)])
    assert doc.removed == []


def test_keep_langs_rejects_other_languages_and_no_means_both_norwegian_forms():
    docs = [
        Document("is", ARTICLE),
        Document("en", BANNER),
        Document("nn", "Etter det har monarkane hatt mesta berre symbolsk funksjon i Noreg. " * 3),
        Document("nb", "Materiellet nedenfor er beregnet på helsepersonell og kan bestilles kostnadsfritt."),
    ]
    out = _run(LangId(keep_langs=["is", "no"]), docs)
    assert {d.id: d.decision for d in out} == {"is": "keep", "en": "lang", "nn": "keep", "nb": "keep"}


def test_language_is_read_from_the_cleaned_text():
    text = BANNER + "\n" + ARTICLE
    doc = Document("c", text)
    doc.remove(0, len(BANNER) + 1, "boilerplate")
    (doc,) = _run(LangId(foreign=False), [doc])
    assert doc.lang == "is"


def test_validate_rejects_unknown_backend():
    try:
        LangId(backend="cld3").validate()
    except ValueError as e:
        assert "backend" in str(e)
    else:
        raise AssertionError("expected ValueError")


def test_banner_flattened_into_a_long_line_is_cut_sentence_by_sentence():
    k = SEED.index("Þetta er fyrsta heimsókn")
    text = SEED[:k] + BANNER + " " + SEED[k:]
    (doc,) = _run(LangId(), [Document("f", text)])
    assert doc.lang == "is"
    cut = " ".join(text[s.start : s.end] for s in doc.removed if s.reason == "foreign")
    assert "We use cookies" in cut and "By continuing to browse" in cut
    assert "Þetta er fyrsta heimsókn" in doc.clean_text


def test_number_heavy_lines_are_not_foreign():
    table = "\n".join(
        [
            "ISBN 978-3-16-148410-0 | 320 bls. | 2004 | 4.990 kr. | 12.06.2024 | 1 2 3 4 5 6 7 8",
            "Liverpool 38 25 9 4 86 41 84 | Arsenal 38 26 6 6 91 29 89",
        ]
    )
    text = SEED[:1500] + "\n" + table + "\n" + SEED[1500:]
    (doc,) = _run(LangId(), [Document("t", text)])
    assert doc.lang == "is"
    assert doc.removed == []


def test_url_lines_are_not_foreign():
    urls = "https://www.example.com/frettir/innlent/2024/06/18/putin-heimsaekir-kim?utm_source=facebook&utm_medium=social"
    text = (
        SEED[:1500]
        + "\n"
        + urls
        + " www.example.org/english/news/world/asia/north-korea-visit-today\n"
        + SEED[1500:]
    )
    (doc,) = _run(LangId(), [Document("u", text)])
    assert doc.lang == "is"
    assert doc.removed == []


def test_english_banner_between_chinese_sentences_is_cut():
    zh = (
        "北京是中华人民共和国的首都，也是全国的政治和文化中心。这座城市有三千多年的历史，拥有许多著名的古迹，"
        "例如故宫、天坛和长城。每年都有数以百万计的游客来到北京参观。近年来，北京的交通系统发展迅速。"
    )
    text = zh + " " + BANNER + " " + zh
    (doc,) = _run(LangId(), [Document("z", text)])
    assert doc.lang == "zh"
    cut = " ".join(text[s.start : s.end] for s in doc.removed)
    assert cut.startswith("We use cookies") and "By continuing to browse" in cut
    assert doc.clean_text.count("三千多年的历史") == 2
