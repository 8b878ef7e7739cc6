"""One colour per reason, the same in the HTML report, its charts and the terminal.

Reasons sia itself uses get fixed colours; any other reason (a user's stage, a reject reason
such as ``gopher_quality:min_words``) gets one from the palette chosen by a stable hash, so a
reason keeps its colour from run to run.
"""

from __future__ import annotations

import re

import xxhash

# colour-blind-friendly hues (Okabe-Ito and Tableau families), light enough for text highlight
FIXED = {
    "repeated": "#e69f00",
    "boilerplate": "#56b4e9",
    "metadata": "#009e73",
    "template": "#cc79a7",
    "foreign": "#d55e00",
    "pii": "#f0e442",
    "corpus_repeated": "#b07aa1",
}
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac")
_CSS_SAFE = re.compile(r"[^a-z0-9_-]")


def reason_color(reason: str) -> str:
    """Hex colour of `reason`."""
    if reason in FIXED:
        return FIXED[reason]
    return PALETTE[xxhash.xxh32_intdigest(reason.encode("utf-8", "surrogatepass")) % len(PALETTE)]


def reason_class(reason: str) -> str:
    """A CSS class name for `reason` (only ``[a-z0-9_-]``; the hash keeps distinct reasons apart)."""
    tag = xxhash.xxh32_hexdigest(reason.encode("utf-8", "surrogatepass"))[:6]
    return f"r-{_CSS_SAFE.sub('_', reason.lower())[:40]}-{tag}"


def rich_style(reason: str) -> str:
    """rich style for a removed span of `reason`: its colour as background, dark text."""
    return f"black on {reason_color(reason)}"
