"""Stage `boilerplate` on real held-out pages (block lines and flattened) and on a built page."""

import json
from collections import Counter
from pathlib import Path

import pytest

from sia.record import Document
from sia.repair.boilerplate import Boilerplate
from sia.repair.metadata import Metadata
from sia.repair.repeats import Repeats
from sia.run.inline import run_inline
from sia.text.words import split_words

PAGES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "repair" / "aeb_heldout.jsonl")
    .read_text("utf-8")
    .splitlines()
]


def f1(out: str, gold: str) -> tuple[float, float]:
    def sh(t):
        w = [x.lower() for x in split_words(t)]
        return Counter(tuple(w[i : i + 4]) for i in range(len(w) - 3))

    a, g = sh(out), sh(gold)
    inter = sum((a & g).values())
    p, r = inter / max(1, sum(a.values())), inter / max(1, sum(g.values()))
    return (2 * p * r / (p + r) if p + r else 0.0), r


def repair(text: str) -> Document:
    (out,) = run_inline([Metadata(), Repeats(), Boilerplate()], [[Document(id="p", text=text)]])
    return out[0]


@pytest.mark.parametrize("page", PAGES, ids=[str(p["index"]) for p in PAGES])
@pytest.mark.parametrize("flat", [False, True], ids=["lines", "flat"])
def test_held_out_page_article_kept_furniture_cut(page, flat):
    text = " ".join(page["text"].split("\n")) if flat else page["text"]
    doc = repair(text)
    f, r = f1(doc.clean_text, page["gold_text"])
    base, _ = f1(text, page["gold_text"])
    assert f >= 0.75 and r >= 0.8, (f, r)
    assert f > base + 0.05  # clearly better than keeping the whole page
    assert any(s.reason == "boilerplate" for s in doc.removed)


def test_built_english_page_menu_and_lists_go():
    page = "\n".join(
        [
            "Home",
            "World",
            "Business",
            "Sign in",
            "Storms move north as the season turns",
            "By Jane Doe",
            "June 18, 2024 at 7:48 am",
            "Heavy rain moved north on Tuesday, closing roads across the region and cutting power to thousands of homes.",
            "Officials said the worst of the storm had passed, but warned that rivers would keep rising for days.",
            "Residents in low-lying areas were told to prepare for evacuation if the water reached the old bridge.",
            "Read more",
            "Most read",
            "Markets fall as oil prices climb",
            "New stadium plans unveiled",
            "Local team wins the cup",
            "Share",
            "© 2024 The Daily Example. All rights reserved.",
        ]
    )
    doc = repair(page)
    text = doc.clean_text
    assert text.startswith("Heavy rain moved north on Tuesday")
    assert "rivers would keep rising" in text and "the old bridge." in text
    for junk in ("Sign in", "Most read", "Markets fall", "All rights reserved", "Share"):
        assert junk not in text, junk
    assert doc.title == "Storms move north as the season turns"
    assert doc.authors == ["Jane Doe"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "Home | News | Sport",
        "x" * 5000,
        "word " * 3000,
        "Ein Satz.\r\nNoch einer.\r\n",
        "今日は晴れです。" * 200,
    ],
)
def test_odd_inputs_do_not_break_the_stages(text):
    doc = repair(text)
    assert doc.kept
    assert len(doc.clean_text) <= len(text)


def test_keep_mask_extends_kept_units_into_adjacent_low_runs_only():
    import numpy as np

    from sia.repair.boilerplate import keep_mask

    p = np.array([0.02, 0.15, 0.9, 0.2, 0.12, 0.05, 0.15, 0.2, 0.01])
    keep = keep_mask(p, 0.35, 0.1)
    # the run 0.15, 0.9, 0.2, 0.12 holds a kept unit; 0.15, 0.2 after the gap does not
    assert keep.tolist() == [False, True, True, True, True, False, False, False, False]
    assert keep_mask(p, 0.35, 0.35).tolist() == (p >= 0.35).tolist()
    assert keep_mask(np.zeros(0), 0.35, 0.1).tolist() == []


def test_article_that_is_a_list_keeps_its_items_headline_list_goes():
    """A schedule whose items have no sentence end is the article; a most-read list after it is
    not: the list rule cuts a run by its mean probability, not by its length alone."""
    intro = [
        "The league published the calendar for next season on Monday, and the first race will be held in March.",
        "Teams had asked for fewer races in the summer, when the heat makes long events hard for drivers.",
        "The organisers said the dates could still change if a circuit is not ready in time.",
    ]
    schedule = [
        f"Round {i}: {d} {m} at {c}"
        for i, (d, m, c) in enumerate(
            [
                (10, "March", "Northfield Park"),
                (8, "April", "Riverside Circuit"),
                (22, "April", "Lake Valley Ring"),
                (6, "May", "Old Harbour Track"),
                (20, "May", "Hillcrest Raceway"),
                (5, "August", "Northfield Park"),
            ],
            1,
        )
    ]
    most_read = [
        "Most read",
        "Markets fall as oil prices climb",
        "News",
        "New stadium plans unveiled",
        "Sport",
        "Local team wins the cup",
        "News",
        "Mayor opens the new library",
        "Sport",
        "Coach leaves after ten years",
    ]
    doc = repair("\n".join(intro + schedule + most_read))
    text = doc.clean_text
    for line in intro + schedule:
        assert line in text, line
    for junk in ("Most read", "Markets fall", "stadium", "Coach leaves"):
        assert junk not in text, junk


ARTICLE = [
    "Heavy rain moved north on Tuesday, closing roads across the region and cutting power to thousands of homes.",
    "Officials said the worst of the storm had passed, but warned that rivers would keep rising for days.",
    "Residents in low-lying areas were told to prepare for evacuation if the water reached the old bridge.",
]
COMMENTS = [
    "Mark on June 18, 2024 at 9:02 am said:",
    "I live near the river and the water has never been this high in the twenty years I have been here.",
    "Anna on June 18, 2024 at 9:40 am said:",
    "The council should have cleared the drains in the spring, as everyone told them to do at the time.",
]


def test_comment_section_is_cut_from_its_heading_with_its_own_reason():
    text = "\n".join(ARTICLE + ["12 Comments"] + COMMENTS)
    doc = repair(text)
    for line in ARTICLE:
        assert line in doc.clean_text
    assert "Comments" not in doc.clean_text and "council" not in doc.clean_text
    spans = [s for s in doc.removed if s.reason == "comments"]  # split around earlier cuts
    assert text[spans[0].start :].startswith("12 Comments") and spans[-1].end == len(text)


@pytest.mark.parametrize(
    "heading",
    ["• Comments", "Replies"],  # an item of a share bar; a count word with no number
)
def test_comment_heading_guards_keep_the_article(heading):
    text = "\n".join(ARTICLE[:2] + [heading] + ARTICLE[2:])
    doc = repair(text)
    assert not any(s.reason == "comments" for s in doc.removed)
    for line in ARTICLE:
        assert line in doc.clean_text
