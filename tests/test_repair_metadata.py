"""Stage `metadata` on page heads in several languages; prose dates and names are left alone."""

import pytest

from sia.record import Document
from sia.repair.dates import find_dates
from sia.repair.metadata import Metadata


def run(text, **kw):
    d = Document(id="x", text=text)
    Metadata(**kw).process([d])
    return d


@pytest.mark.parametrize(
    "text,lang,iso",
    [
        ("18. júní 2024 07:48", "is", "2024-06-18T07:48"),
        ("28.10.2024 00:01", "is", "2024-10-28T00:01"),
        ("June 18, 2024 at 7:48 am", "en", "2024-06-18T07:48"),
        ("June 18, 2024 at 7:48 pm", "en", "2024-06-18T19:48"),
        ("18 de junio de 2024 a las 10:30", "es", "2024-06-18T10:30"),
        ("18. Juni 2024, 14:05 Uhr", "de", "2024-06-18T14:05"),
        ("2024-06-18T07:48:00Z", "en", "2024-06-18T07:48"),
        ("5 octobre 2023", "fr", "2023-10-05"),
    ],
)
def test_dates_in_the_page_language(text, lang, iso):
    (d,) = find_dates(text, lang)
    assert d.iso == iso
    assert (d.start, d.end) == (0, len(text))


def test_english_head_with_two_authors_caption_and_credit():
    d = run(
        "Storms move north as the season turns\nBy Jane Doe and John Smith\nJune 18, 2024 at 7:48 am\n"
        "Flood water covers a street in the old town. Photo: Mark Lee/Reuters\n"
        "Heavy rain moved north on Tuesday, closing roads across the region. Officials said the worst was over.\n"
    )
    assert d.title == "Storms move north as the season turns"
    assert d.authors == ["Jane Doe", "John Smith"]
    assert d.published == "2024-06-18T07:48"
    assert d.extras["caption"] == "Flood water covers a street in the old town."
    assert d.extras["credit"] == "Photo: Mark Lee/Reuters"
    assert d.clean_text.startswith("Heavy rain moved north on Tuesday")
    assert {s.reason for s in d.removed} == {"metadata"}


def test_german_and_icelandic_heads():
    d = run(
        "Regen zieht nach Norden\nVon Anna Schmidt\n18. Juni 2024, 14:05 Uhr\nStarker Regen hat viele Straßen gesperrt.\n"
    )
    assert (d.title, d.authors, d.published) == (
        "Regen zieht nach Norden",
        ["Anna Schmidt"],
        "2024-06-18T14:05",
    )
    assert d.clean_text.startswith("Starker Regen")
    d = run("Rigning færist norður\nJón Jónsson skrifar 28.10.2024 00:01\nMikil rigning lokaði vegum víða.\n")
    assert (d.title, d.authors, d.published) == ("Rigning færist norður", ["Jón Jónsson"], "2024-10-28T00:01")


def test_title_can_stay_in_text():
    d = run(
        "Rigning færist norður\nJón Jónsson skrifar 28.10.2024 00:01\nMikil rigning.\n", title_in_text=True
    )
    assert d.title == "Rigning færist norður"
    assert d.clean_text.startswith("Rigning færist norður")


def test_prose_is_not_metadata():
    for text in (
        "On June 18, 2024 the council voted to close the road. It was the first time.\n",
        "Von Anna Schmidt stammt die Idee für das Haus.\n",
        "Heavy rain moved north on Tuesday, closing roads across the region.\n",
    ):
        d = run(text)
        assert d.clean_text == text
        assert d.published is None and d.authors == [] and d.title is None
