"""HTML path: resiliparse text with one block per line, then repair."""

from sia.record import Document
from sia.repair.boilerplate import Boilerplate
from sia.repair.html import html_to_text
from sia.repair.metadata import Metadata
from sia.repair.repeats import Repeats

HTML = """<html><head><title>t</title><script>var x = 1;</script></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li><li><a href="/b">Business</a></li></ul></nav>
<article><h1>Storms move north as the season turns</h1><p class="by">By Jane Doe</p>
<time>June 18, 2024 at 7:48 am</time>
<p>Heavy rain moved north on Tuesday, closing roads across the region and cutting power to thousands of homes.</p>
<p>Officials said the worst of the storm had passed, but warned that rivers would keep rising for days.</p>
<img src="a.jpg" alt="a flooded street"></article>
<footer><p>© 2024 The Daily Example. All rights reserved.</p></footer></body></html>"""


def test_blocks_on_lines_without_scripts_or_alt_text():
    text = html_to_text(HTML)
    lines = text.split("\n")
    assert "Storms move north as the season turns" in lines
    assert "var x" not in text and "a flooded street" not in text
    assert all(line == line.strip() and line for line in lines)


def test_html_then_repair_keeps_the_article():
    doc = Document(id="h", text=html_to_text(HTML))
    for st in (Metadata(), Repeats(), Boilerplate()):
        st.process([doc])
    assert doc.title == "Storms move north as the season turns"
    assert doc.published == "2024-06-18T07:48"
    assert doc.clean_text.startswith("Heavy rain moved north")
    assert "All rights reserved" not in doc.clean_text


def test_main_content_mode_drops_navigation():
    text = html_to_text(HTML, main_content=True)
    assert "Heavy rain moved north" in text
