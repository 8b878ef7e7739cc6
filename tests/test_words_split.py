"""Word splitting on real sentences of several scripts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sia.text.words import count_words, split_words, word_spans


def test_icelandic_sentence_keeps_letters_and_drops_punctuation():
    text = "Hann sagði: „Þetta er frábært!“ Verðið er 1.500,50 kr. á COVID-19 tímum."
    assert split_words(text) == [
        "Hann", "sagði", "Þetta", "er", "frábært", "Verðið", "er", "1.500,50", "kr", "á",
        "COVID-19", "tímum",
    ]  # fmt: skip


def test_internal_apostrophes_and_hyphens_join_but_edges_do_not():
    assert split_words("I don't know, 'she said' — aujourd'hui rock-and-roll -x y-") == [
        "I", "don't", "know", "she", "said", "aujourd'hui", "rock-and-roll", "x", "y",
    ]  # fmt: skip
    assert split_words("It’s fine") == ["It’s", "fine"]


def test_spans_are_character_offsets():
    text = "  Góðan daginn, Ísland!"
    spans = word_spans(text)
    assert [text[s:e] for s, e in spans] == ["Góðan", "daginn", "Ísland"]
    assert spans[0] == (2, 7)


def test_cyrillic_greek_arabic_devanagari_are_space_delimited():
    assert split_words("Москва — столица России.") == ["Москва", "столица", "России"]
    assert split_words("Η Αθήνα είναι η πρωτεύουσα.") == ["Η", "Αθήνα", "είναι", "η", "πρωτεύουσα"]
    assert split_words("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
    assert split_words("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]  # vowel signs stay in the word


def test_korean_words_stay_whole():
    assert split_words("서울은 한국의 수도입니다.") == ["서울은", "한국의", "수도입니다"]


def test_cjk_is_one_token_per_character():
    assert split_words("東京は日本の首都です。") == list("東京は日本の首都です")
    assert split_words("コーヒー") == list("コーヒー")  # prolonged sound mark counts too
    assert count_words("我爱北京 and Reykjavík") == 4 + 2


def test_thai_characters_keep_their_marks():
    toks = split_words("ภาษาไทยที่")
    assert "".join(toks) == "ภาษาไทยที่"
    assert toks[-1] == "ที่"  # base consonant + vowel + tone mark is one token
    assert len(toks) == 8


def test_empty_and_punctuation_only():
    assert split_words("") == []
    assert count_words(" ... --- !!! ") == 0


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_spans_are_ordered_disjoint_and_free_of_spaces(text):
    spans = word_spans(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e
        assert not any(c.isspace() for c in text[s:e])
        prev = e
    assert count_words(text) == len(spans) == len(split_words(text))
