"""Tidy cut lists before they are recorded, so a cleaned page keeps no blank runs."""

from __future__ import annotations


def merge_gaps(text: str, cuts: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sort cuts, take the whitespace after each, and join neighbours separated only by whitespace.

    The record's whitespace rule puts one separator back where a cut sits between two words, so
    taking the trailing whitespace never glues words together; it only avoids double spaces.
    """
    out: list[list] = []
    for s, e, r in sorted(cuts):
        while e < len(text) and text[e].isspace():
            e += 1
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e, r])
    return [(s, e, r) for s, e, r in out]
