"""DOM pruning of page furniture for the main-content HTML path (`sia.repair.dom`)."""

import json
import lzma
from itertools import islice
from pathlib import Path

import pytest
from resiliparse.parse.html import HTMLTree

from sia.repair.dom import TITLE_MARK, extract_main, furniture_selector
from sia.repair.html import html_to_text

ARTICLE = """<h1>Storms move north as the season turns</h1>
<p>Heavy rain moved north on Tuesday, closing roads across the region and cutting power to
thousands of homes in three counties.</p>
<figure><img src="a.jpg"><figcaption>A flooded street in the old town. Photo: Jane Doe</figcaption></figure>
<p>Officials said the worst of the storm had passed, but warned that rivers would keep rising for
several days and asked residents to stay away from the banks.</p>
<p>Schools in the valley will stay closed until Thursday, the district said in a statement.</p>"""

FURNITURE = """<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<section class="related-posts"><h3>Read next</h3><ul>
<li><a href="/a">Ten things to know about the new bridge toll</a></li>
<li><a href="/b">Why the harbour festival moved to September this year</a></li></ul></section>
<div class="newsletter-signup"><p>Get the morning briefing in your inbox every day.</p></div>
<div id="comments" class="comments-area"><h3>34 responses to this story</h3>
<ol class="comment-list"><li class="comment"><p>I live by the river and the water came up fast
last night, we had to move the car twice before midnight.</p></li>
<li class="comment"><p>Thanks for the update, stay safe everyone out there in the valley.</p></li></ol></div>"""


def page(article_wrapper: str = "article") -> str:
    return (
        "<html><head><title>Storms move north | The Daily Example</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/w">World</a></nav>'
        f"<{article_wrapper}>{ARTICLE}{FURNITURE}</{article_wrapper.split()[0]}>"
        "<footer><p>© 2024 The Daily Example</p></footer></body></html>"
    )


def test_furniture_goes_article_stays():
    text = html_to_text(page(), main_content=True)
    assert "Heavy rain moved north" in text
    assert "Schools in the valley will stay closed" in text
    for gone in (
        "Share on Facebook",
        "Ten things to know",
        "morning briefing",
        "34 responses",
        "I live by the river",
        "A flooded street",  # figcaption
        "Storms move north as the season turns",  # the title heading
    ):
        assert gone not in text, gone


def test_unpruned_main_content_keeps_the_furniture():
    text = html_to_text(page(), main_content=True, prune=False)
    assert "Heavy rain moved north" in text
    assert "I live by the river" in text and "Share on Facebook" in text


def test_wrapper_named_like_furniture_keeps_the_article():
    """WordPress marks the whole post "comments-open"; the wrapper holds the <h1>: kept."""
    html = page('div class="post single has-comments comments-open"')
    text = html_to_text(html, main_content=True)
    assert "Heavy rain moved north" in text
    assert "Officials said the worst of the storm" in text
    assert "I live by the river" not in text  # the comment list inside it still goes


def test_content_word_guard_and_ad_token():
    html = (
        '<html><body><div class="content-with-sidebar"><p>The council approved the budget on Monday '
        "after a long debate about road repairs and the new library.</p></div>"
        '<div class="ad">Buy one get one free</div><div class="header shadow">Masthead</div>'
        "</body></html>"
    )
    text = html_to_text(html, main_content=True)
    assert "The council approved the budget" in text
    assert "Buy one get one free" not in text
    sel = furniture_selector()
    assert "[class~=ad i]" in sel and "[class*=ad i]" not in sel  # "header", "shadow" not matched


def test_tree_input_is_left_unchanged():
    tree = HTMLTree.parse(page())
    before = tree.body.html
    text = html_to_text(tree, main_content=True)
    assert "Heavy rain moved north" in text
    assert tree.body.html == before and TITLE_MARK not in before
    assert tree.title == "Storms move north | The Daily Example"


def test_page_without_body_or_h1():
    assert extract_main(HTMLTree.parse("<p>just a line of text</p>")).strip() == "just a line of text"
    assert html_to_text("", main_content=True) == ""


DATA = Path("/work/shared/data/extraction/scrapinghub_aeb.jsonl.xz")


@pytest.mark.skipif(not DATA.exists(), reason="extraction benchmark data not available")
def test_real_pages_lose_furniture_not_article():
    from sia.text.words import split_words

    def words(s):
        return {w.lower() for w in split_words(s)}

    with lzma.open(DATA, "rt") as f:
        rows = [json.loads(line) for line in islice(f, 4)]
    for r in rows:
        gold = words(r["gold_text"])
        pruned = words(html_to_text(r["html"], main_content=True))
        plain = words(html_to_text(r["html"], main_content=True, prune=False))
        assert len(gold & pruned) >= 0.9 * len(gold & plain)  # the article stays
        assert len(pruned - gold) <= len(plain - gold)  # and no more furniture than before
