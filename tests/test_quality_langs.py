"""Language files: merged over the defaults, codes resolved, FineWeb-2's Icelandic values shipped."""

from __future__ import annotations

import pytest

from sia.config import ConfigError, parse_config
from sia.filter.quality import Quality
from sia.langs import available, load_file, thresholds


def test_icelandic_carries_fineweb2_values_over_the_defaults():
    t = thresholds("is")
    assert t["lang_score"]["min"] == 0.863
    assert t["gopher_repetition"]["max_dup_line_frac"] == 0.292
    assert t["gopher_repetition"]["max_top_ngram"] == [0.21, 0.183, 0.163]
    assert (
        t["gopher_repetition"]["max_dup_ngram"][0] == 0.157
        and t["gopher_repetition"]["max_dup_ngram"][-1] == 0.104
    )
    assert t["fineweb"]["min_line_punct"] == 0.095 and t["fineweb"]["max_newline_ratio"] == 0.25
    assert (t["gopher_quality"]["min_mean_word_len"], t["gopher_quality"]["max_mean_word_len"]) == (2.0, 13.0)
    assert t["stop_words"][:4] == ["og", "í", "á", "að"] and len(t["stop_words"]) == 14
    # untouched keys come from default.toml (datatrove's numbers)
    assert t["gopher_quality"]["min_words"] == 50 and t["fineweb"]["max_short_lines"] == 0.67
    # FineWeb-2 has no C4 for Icelandic; lorem ipsum stays (language-independent)
    assert t["c4"]["min_sentences"] == 0 and t["c4"]["lorem_ipsum"] is True


def test_codes_resolve_and_unknown_languages_get_defaults():
    assert thresholds("isl_Latn")["lang"] == "is"
    assert thresholds("is-IS")["lang"] == "is"
    assert thresholds("no")["stop_words"] == thresholds("nb")["stop_words"]  # extends = "nb"
    d = thresholds("xx")
    assert d["lang"] == "default" and d["stop_words"] == [] and d["lang_score"]["min"] == 0.65
    assert thresholds(None)["lang"] == "default"


def test_every_shipped_file_loads_and_dev_languages_are_there():
    langs = available()
    assert {"is", "en", "de", "da", "sv", "nb", "no", "fr", "es", "pt", "ru"} <= set(langs)
    for lang in langs:
        t = thresholds(lang)
        assert set(t) >= {"gopher_quality", "gopher_repetition", "c4", "fineweb", "lang_score", "tokens"}
        assert len(t["gopher_repetition"]["max_dup_ngram"]) == 6


def test_copies_are_independent():
    a = thresholds("is")
    a["stop_words"].append("xyz")
    assert "xyz" not in thresholds("is")["stop_words"]


def test_extra_dir_wins_and_bad_files_fail_at_config_time(tmp_path):
    (tmp_path / "is.toml").write_text('stop_words = ["og"]\n[lang_score]\nmin = 0.5\n')
    t = thresholds("is", [str(tmp_path)])
    assert t["stop_words"] == ["og"] and t["lang_score"]["min"] == 0.5
    assert load_file(tmp_path / "is.toml")["gopher_quality"]["min_words"] == 50
    (tmp_path / "zz.toml").write_text('extends = "nope"\n')
    with pytest.raises(ValueError):
        Quality(lang="zz", langs_dir=str(tmp_path)).validate()
    cfg = parse_config({"stages": [{"name": "quality", "lang": "is", "c4": False}]})
    assert cfg.stages[0]["lang"] == "is"
    with pytest.raises(ConfigError):
        parse_config({"stages": [{"name": "quality", "gopher": True}]})


def test_stage_thresholds_are_keyed_by_the_signals_it_writes():
    from sia.record import Document

    doc = Document(id="x", text=" ".join(["Hún fór heim og borðaði matinn sinn í gær."] * 12))
    (out,) = Quality(lang="is", all_signals=True).process([doc])
    thr = Quality(lang="is").thresholds()
    assert set(thr) <= set(out.signals)  # every threshold names a signal the stage stores
    assert thr["gq_words"] == 50 and thr["gq_mean_word_len"] == 2.0 and thr["gq_alpha_words"] == 0.8
    assert (
        thr["gr_dup_line_frac"] == 0.292 and thr["gr_top_2_gram"] == 0.21 and thr["gr_dup_10_gram"] == 0.104
    )
    assert thr["fw_line_punct"] == 0.095 and thr["gq_stop_words"] == 2
    assert "c4_sentences" not in thr  # Icelandic has no C4 sentence minimum
    d = Quality().thresholds()  # no language: the defaults; no stop words, so no stop-word rule
    assert d["gq_mean_word_len"] == 3.0 and d["fw_newline_ratio"] == 0.3 and "gq_stop_words" not in d
    assert Quality(lang="en").thresholds()["c4_sentences"] == 5
    assert "gq_words" not in Quality(gopher_quality=False).thresholds()
