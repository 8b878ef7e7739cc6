"""Segmentation: sentences and fragments with offsets, Icelandic abbreviations and dates."""

from pathlib import Path

from sia.text.segment import FRAGMENT, SENTENCE, blocks, segment


def pieces(text, lang):
    return [(text[s.start : s.end], s.kind) for s in segment(text, lang)]


def test_icelandic_dates_and_abbreviations_do_not_split():
    t = "Þann 18. júní 2024 kom hann t.d. heim kl. 14. Síðan fór hann. Hv. þingmaður talaði."
    got = [p for p, _ in pieces(t, "is")]
    assert got == [
        "Þann 18. júní 2024 kom hann t.d. heim kl. 14.",
        "Síðan fór hann.",
        "Hv. þingmaður talaði.",
    ]


def test_offsets_point_into_input():
    t = "  First one here.  Second one?\n\nA title line\nLast!"
    for s in segment(t, "en"):
        assert t[s.start : s.end] == t[s.start : s.end].strip()
    assert pieces(t, "en") == [
        ("First one here.", SENTENCE),
        ("Second one?", SENTENCE),
        ("A title line", FRAGMENT),
        ("Last!", SENTENCE),
    ]


def test_english_titles_and_initials():
    t = "Mr. Smith met Dr. Jones at 5 p.m. on Monday. J. K. Rowling was not there."
    assert [p for p, _ in pieces(t, "en")] == [
        "Mr. Smith met Dr. Jones at 5 p.m. on Monday.",
        "J. K. Rowling was not there.",
    ]


def test_german_ordinal_date():
    t = "Er kam am 18. Juni 2024 an. Dann ging er."
    assert len(segment(t, "de")) == 2


def test_flattened_headline_list_comes_apart():
    line = (
        (Path(__file__).parent / "data" / "repair" / "seed_000_fc034b1a7ebc7edf.txt")
        .read_text("utf-8")
        .split("\n")[0]
    )
    segs = segment(line, "is")
    frags = [line[s.start : s.end] for s in segs if s.kind == FRAGMENT]
    sents = [line[s.start : s.end] for s in segs if s.kind == SENTENCE]
    assert any(x.endswith("valdi þeim áhyggjum.") for x in sents)
    assert len(frags) > 20  # the headline lists are many short runs, not one
    assert max(len(f.split()) for f in frags) <= 30


def test_menu_separators_and_cjk():
    t = "Home | News | Sport\n今日は晴れです。明日は雨です。"
    got = pieces(t, "ja")
    assert got[:3] == [("Home", FRAGMENT), ("News", FRAGMENT), ("Sport", FRAGMENT)]
    assert [p for p, _ in got[3:]] == ["今日は晴れです。", "明日は雨です。"]


def test_blocks_trim_lines():
    t = " a \n\n  b c\n"
    assert [t[s:e] for s, e in blocks(t)] == ["a", "b c"]
