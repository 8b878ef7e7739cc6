"""HTML to page text for sia's repair stages: resiliparse, all visible text, one block per line.

Main-content mode is resiliparse's own DOM heuristic; sia keeps all visible text by default and
lets the `boilerplate` stage decide, so the same model serves pages that arrive as text only
(WET records, dumps) and pages that arrive as HTML.
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
