"""Each signal against hand-computed values on small real texts, and the n-gram algorithm against
datatrove's own functions on the same tokens."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from sia.label.signals import (
    batch_signals,
    dup_count_chars,
    fineweb,
    ngram_fractions,
    repetition_lines,
    split_lines_runs,
    split_paragraphs,
    token_arrays,
    tokenize,
)
from sia.label.signals_c4 import c4_lines, count_sentences, count_sentences_lines
from sia.langs import thresholds

DATA = Path(__file__).parent / "data" / "quality"
SEED = (DATA / "seed.txt").read_text()
UD = [json.loads(line) for line in (DATA / "ud_is_docs.jsonl").read_text().splitlines()]
IS = thresholds("is")
EN = thresholds("en")


def signals(text: str, cfg: dict = IS) -> dict[str, float]:
    return batch_signals([text], [cfg])[0]


def test_tokens_are_words_plus_punctuation():
    assert tokenize("Pútín millilendir í Jakútseu í morgun.") == [
        "Pútín", "millilendir", "í", "Jakútseu", "í", "morgun", ".",
    ]  # fmt: skip
    # the anchor's token boundaries: a hyphen before a letter splits, numbers and times stay whole
    assert tokenize("„Norður-Kóreu“ 3.14 ... kl. 17:00 COVID-19") == [
        "„", "Norður", "-", "Kóreu", "“", "3.14", "...", "kl", ".", "17:00", "COVID-19",
    ]  # fmt: skip
    assert tokenize("see https://example.com/a?b=1. Trump’s user@example.org") == [
        "see", "https://example.com/a?b=1", ".", "Trump", "’s", "user@example.org",
    ]  # fmt: skip
    # languages whose anchor tokenizer keeps compounds and ordinals whole (language file [tokens])
    assert tokenize("Etelä-Suomen 22. kadulla", hyphen_splits=False, ordinal_period=True) == [
        "Etelä-Suomen", "22.", "kadulla",
    ]  # fmt: skip


def test_gopher_quality_by_hand():
    s = signals("Pútín millilendir í Jakútseu í morgun.")
    assert s["gq_words"] == 6
    assert s["gq_mean_word_len"] == pytest.approx((5 + 11 + 1 + 8 + 1 + 6) / 6)
    assert s["gq_alpha_words"] == pytest.approx(6 / 7)  # the "." token has no letter
    assert s["gq_stop_words"] == 1  # distinct: only "í"
    s = signals("# Fréttir ...\n- Innlent\n- Erlent …\nKim Jong-un í 24 ár")
    # tokens: # Fréttir ... - Innlent - Erlent … Kim Jong - un í 24 ár  -> 15
    assert s["gq_hash_ratio"] == pytest.approx(1 / 15)
    assert s["gq_ellipsis_ratio"] == pytest.approx(2 / 15)
    assert s["gq_bullet_lines"] == pytest.approx(2 / 4)
    assert s["gq_ellipsis_lines"] == pytest.approx(2 / 4)
    assert s["gq_alpha_words"] == pytest.approx(8 / 15)  # no letter: # ... - - … - 24


def test_repetition_lines_by_hand():
    a, b = "Innlent", "Vaktin: Totur farnar að teygja sig til norðurs"
    text = f"{a}\n{b}\n{a}\n\n{a}"
    s = repetition_lines(text)
    # lines split on runs of newlines: a b a a -> 2 repeats of 7 chars
    assert s["gr_dup_line_frac"] == pytest.approx(2 / 4)
    assert s["gr_dup_line_char_frac"] == pytest.approx(14 / len(text))
    # paragraphs: "a\nb\na" and "a" -> none repeat
    assert s["gr_dup_para_frac"] == 0.0
    assert dup_count_chars(["x", "yy", "x", "yy", "x"]) == (3, 4)


def test_top_ngrams_by_hand():
    text = "við erum að fjalla um það sem við erum að gera"
    s = signals(text)
    assert s["gr_top_2_gram"] == pytest.approx(len("við erum") * 2 / len(text))
    assert s["gr_top_3_gram"] == pytest.approx(len("við erum að") * 2 / len(text))
    # no 4-gram repeats: the first 4-gram, once
    assert s["gr_top_4_gram"] == pytest.approx(len("við erum að fjalla") / len(text))
    assert s["gr_dup_5_gram"] == 0.0


def test_duplicated_ngrams_by_hand():
    sent = UD[0]["sentences"][0]
    toks = tokenize(sent)
    text = sent + " " + sent
    s = signals(text)
    # the second copy: r = L - n + 1 repeated positions, counted n at a time from its start
    for n in (5, 10):
        r = len(toks) - n + 1
        words = n * -(-r // n)
        chars = sum(len(t) for t in (toks + toks)[len(toks) : len(toks) + words])
        assert s[f"gr_dup_{n}_gram"] == pytest.approx(chars / len(text)), n


def _dt_dup(tokens, n):
    from datatrove.pipeline.filters.gopher_repetition_filter import find_all_duplicate

    return find_all_duplicate(tokens, n)


def _dt_top(tokens, n):
    from datatrove.pipeline.filters.gopher_repetition_filter import find_top_duplicate, get_n_grams

    grams = get_n_grams(tokens, n)
    return find_top_duplicate(grams) if grams else 0


def test_ngram_algorithm_equals_datatrove_on_same_tokens():
    """Given the same tokens, sia's batched closed form gives datatrove's greedy-scan numbers."""
    rng = random.Random(7)
    texts = [SEED, *("\n".join(d["sentences"]) for d in UD)]
    for d in UD:  # real text with real stretches of itself repeated
        t = " ".join(d["sentences"])
        a = rng.randrange(len(t) // 2)
        texts.append(t + (" " + t[a : a + rng.randint(40, 400)]) * rng.randint(1, 4))
    toks = [tokenize(t) for t in texts]
    top, dup = ngram_fractions(token_arrays(toks), [len(t) for t in texts])
    for i, (t, tk) in enumerate(zip(texts, toks, strict=True)):
        for j, n in enumerate((2, 3, 4)):
            assert top[i, j] * len(t) == pytest.approx(_dt_top(tk, n)), (i, n)
        for j, n in enumerate(range(5, 11)):
            assert dup[i, j] * len(t) == pytest.approx(_dt_dup(tk, n)), (i, n)


def test_fineweb_by_hand():
    text = "Mest lesið\nKosningavaktin: Íslendingar ganga að kjörborðinu.\n\nMest lesið\nHvað nú?"
    s = fineweb(text, n_tokens=len(tokenize(text)))
    assert s["fw_lines"] == 4  # the blank line is not a line
    assert s["fw_line_punct"] == pytest.approx(2 / 4)
    assert s["fw_short_lines"] == pytest.approx(3 / 4)  # <= 30 characters
    assert s["fw_dup_chars"] == pytest.approx(len("Mest lesið") / (len(text) - 4))
    assert s["fw_newline_ratio"] == pytest.approx(4 / len(tokenize(text)))


def test_c4_english_rules_by_hand():
    lines = [
        "Here, in a region abundant with natural beauty, golfers will surely be rewarded.",
        "Enable JavaScript to see this page properly.",
        "Read more",
        "This site uses cookies to improve your experience.",
        "He has been a mainstay to the Calgary skateboard community for years.",
    ]
    res = c4_lines("\n".join(lines), EN["c4"])
    assert res.reject == "min_sentences"  # 2 sentences kept < 5
    assert res.sentences == 2
    assert len(res.dropped) == 3  # javascript, too few words, cookie policy
    text = "\n".join(lines)
    dropped = [text[a:b].strip() for a, b in res.dropped]
    assert dropped == [lines[1], lines[2], lines[3]]
    assert (
        c4_lines("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", EN["c4"]).reject == "lorem_ipsum"
    )
    assert c4_lines("var x = {a: 1}; is not prose but ends.", EN["c4"]).reject == "curly_bracket"


def test_c4_icelandic_keeps_only_lorem():
    text = "\n".join(UD[0]["sentences"]) + "\nfunction() { return 1 }"
    res = c4_lines(text, IS["c4"])
    assert res.reject is None and res.dropped == []
    assert c4_lines(text + "\nLorem ipsum dolor sit amet.", IS["c4"]).reject == "lorem_ipsum"


def test_sentence_count():
    assert count_sentences("Hann kom. Hún fór!") == 2
    assert count_sentences("„Já.“ sagði hann.") == 2
    assert count_sentences("Engin lok hér") == 1
    assert count_sentences("Talan 3.14 er pí.") == 1
    ls = ["Hann kom. Hún fór!", "Engin lok hér", "„Já.“ sagði hann."]
    assert count_sentences_lines(ls) == sum(map(count_sentences, ls))


def test_empty_and_tiny_texts():
    s = batch_signals(["", ".", "já"], [IS, IS, IS])
    assert s[0]["gq_words"] == 0 and s[0]["fw_lines"] == 0
    assert s[1]["gq_alpha_words"] == 0.0
    assert s[2]["gr_top_2_gram"] == 0.0


def test_line_and_paragraph_splits_equal_the_regex_splits():
    import re

    rng = random.Random(1)
    for _ in range(5000):
        t = "".join(rng.choice(["Já", "nei", "\n", "\n\n", " ", "\n\n\n"]) for _ in range(rng.randint(0, 12)))
        assert sorted(re.split(r"\n+", t)) == sorted(split_lines_runs(t)), repr(t)
        assert re.split(r"\n{2,}", t.strip()) == split_paragraphs(t), repr(t)


def test_bullet_and_ellipsis_lines_equal_a_line_by_line_count():
    from sia.label.signals import gopher_quality_batch

    rng = random.Random(2)
    parts = [
        "- Innlent",
        "• Erlent",
        "Meira ...",
        "Fleiri…",
        "\n",
        "\r\n",
        " ",
        " - ",
        "...",
        "\x0b",
        "já",
        "\u2028",
    ]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 10))) for _ in range(3000)]
    toks = [tokenize(t) for t in texts]
    sigs = gopher_quality_batch(texts, toks, token_arrays(toks), [frozenset()] * len(texts))
    for t, s in zip(texts, sigs, strict=True):
        lines = t.splitlines() or [""]
        assert s["gq_bullet_lines"] == sum(x.lstrip().startswith(("•", "-")) for x in lines) / len(lines)
        assert s["gq_ellipsis_lines"] == sum(x.rstrip().endswith(("...", "…")) for x in lines) / len(lines)


def test_chunked_tokenizer_equals_the_whole_text_regex():
    from sia.label.signals import _token_res

    rng = random.Random(5)
    parts = ["Pútín", "í", "dag.", "U.S.", "don't", "17:00", "3.14", "e-tron", "„já“", "(a)", "...", "—", "#x",
             "https://a.is/b?c=1.", " ", "  ", "\n", "\t", "\xa0", "\x1c", "\u2028", "'s", "中文", "x_y", "a@b.is"]  # fmt: skip
    for _ in range(3000):
        t = "".join(rng.choice(parts) + rng.choice(["", " "]) for _ in range(rng.randint(0, 12)))
        for opts in ((True, False, False, False), (False, True, True, True)):
            assert tokenize(t, *opts) == _token_res(*opts)[0].findall(t), (repr(t), opts)


def test_language_token_rules_match_the_anchor_tokenizer():
    """Abbreviations, marks kept on Georgian/Armenian words and private-use letters come from the
    language files; the expected tokens are what datatrove's (spaCy's) tokenizer gives."""
    from sia.label.signals import token_options
    from sia.langs import thresholds

    def tok(text: str, lang: str) -> list[str]:
        return tokenize(text, *token_options(thresholds(lang)))

    assert tok("Apple Inc. opened (Nov.) in St. Louis, a. m.", "en") == [
        "Apple", "Inc.", "opened", "(", "Nov.", ")", "in", "St.", "Louis", ",", "a.", "m."
    ]  # fmt: skip
    assert tok("Hann fór heim. Nov. a.", "is") == ["Hann", "fór", "heim", ".", "Nov", ".", "a."]
    assert tok("ერთ-ერთი იყო. heim.", "ka") == ["ერთ-ერთი", "იყო.", "heim", "."]
    assert tok("Դա է։ Ինչ՞ են.", "hy") == ["Դա", "է։", "Ինչ՞", "են."]
    assert tok("wó\uf025n àwo\uf025n", "yo") == ["wó\uf025n", "àwo\uf025n"]


def test_marks_on_a_word_edge_stay_on_it_as_in_the_anchor():
    """Hyphens, @, / and + that spaCy treats as neither prefix nor suffix (default.toml edge_marks)."""
    from sia.label.signals import token_options
    from sia.langs import thresholds

    opts = token_options(thresholds("en"))
    assert tokenize("Kreativ- -ci @user /tmp a/b TV+ +30 +abc 5-8 (-ci) word-, Norður-Kóreu", *opts) == [
        "Kreativ-", "-ci", "@user", "/tmp", "a", "/", "b", "TV+", "+30", "+", "abc", "5", "-", "8",
        "(", "-ci", ")", "word-", ",", "Norður", "-", "Kóreu",
    ]  # fmt: skip


def test_c4_sentences_do_not_end_at_an_abbreviation():
    """spaCy's sentencizer breaks after terminator tokens only; "Inc." and "Nov." are words."""
    from sia.label.signals import token_options
    from sia.label.signals_c4 import c4_lines
    from sia.langs import thresholds

    cfg = thresholds("en")
    o = token_options(cfg)
    t = "Apple Inc. opened a shop in the city. It sold fruit on Nov. 5 to everyone there. Then it closed."
    assert c4_lines(t, cfg["c4"], o[7], o[4], o[5]).sentences == 3
    hy = thresholds("hy")
    oh = token_options(hy)
    assert (
        c4_lines("Դա է։ Ինչ՞ են. Վերջ։", {"min_sentences": 1}, oh[7], oh[4], oh[5], oh[2], oh[10]).sentences
        == 1
    )


def test_french_elisions_split_as_in_the_anchor():
    from sia.label.signals import token_options
    from sia.langs import thresholds

    text = "l'intestin d’une L'Université qu'il aujourd'hui."
    assert tokenize(text, *token_options(thresholds("fr"))) == [
        "l'", "intestin", "d’", "une", "L'", "Université", "qu'", "il", "aujourd'hui", ".",
    ]  # fmt: skip
