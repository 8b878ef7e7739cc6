"""HTML to page text for sia's repair stages: resiliparse, one block per line.

Two ways to use it (bench/results/extraction.md has both):
* all visible text (default), then `metadata`, `repeats`, `boilerplate` -- the same path as pages
  that arrive as text only (WET records, dumps), so one model serves both;
* ``main_content=True`` (resiliparse's DOM heuristic), then `metadata` and `repeats` only: the
  DOM knows more than plain text does, so this is the better and faster path when HTML is at
  hand. The boilerplate model was fitted on whole pages and only loses recall on text that is
  already reduced to the article.
"""

from __future__ import annotations

from resiliparse.extract.html2text import extract_plain_text


def html_to_text(html: str, main_content: bool = False) -> str:
    """Visible text of `html`, block elements on their own lines, no alt texts or form fields."""
    text = extract_plain_text(
        html,
        preserve_formatting=True,
        main_content=main_content,
        list_bullets=True,
        alt_texts=False,
        links=False,
        form_fields=False,
        noscript=False,
    )
    # resiliparse indents nested blocks; the indentation carries nothing the stages use
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
