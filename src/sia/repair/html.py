"""HTML to page text for sia's repair stages: resiliparse, one block per line.

Two ways to use it (bench/results/extraction.md has both):
* all visible text (default), then `metadata`, `repeats`, `boilerplate` -- the same path as pages
  that arrive as text only (WET records, dumps), so one model serves both;
* ``main_content=True``, then `metadata` and `repeats` only: page furniture (comments, share bars,
  related lists, captions, promos ...) is pruned by class/id conventions (`sia.repair.dom`), the
  first ``<h1>`` (the title) skipped, and resiliparse's DOM heuristic keeps the main content. The
  DOM knows more than plain text does, so this is the better and faster path when HTML is at
  hand. The boilerplate model was fitted on whole pages and only loses recall on text that is
  already reduced to the article. ``prune=False`` gives resiliparse's heuristic alone.
"""

from __future__ import annotations

from resiliparse.extract.html2text import extract_plain_text

_OPTS = {
    "preserve_formatting": True,
    "list_bullets": True,
    "alt_texts": False,
    "links": False,
    "form_fields": False,
    "noscript": False,
}


def html_to_text(html, main_content: bool = False, prune: bool = True) -> str:
    """Visible text of `html` (a string or a parsed resiliparse ``HTMLTree``), block elements on
    their own lines, no alt texts or form fields. ``main_content=True``: the article only
    (`sia.repair.dom` pruning unless ``prune=False``, then resiliparse's heuristic)."""
    if main_content and prune:
        from resiliparse.parse.html import HTMLTree

        from sia.repair.dom import extract_main

        tree = HTMLTree.parse(html) if isinstance(html, str) else html
        text = extract_main(tree, **_OPTS)
    else:
        text = extract_plain_text(html, main_content=main_content, **_OPTS)
    # resiliparse indents nested blocks; the indentation carries nothing the stages use
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
