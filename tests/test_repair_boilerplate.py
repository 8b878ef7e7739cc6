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
