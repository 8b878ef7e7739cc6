"""Find dates written the way a page's language writes them and turn them into ISO 8601.

Month names and the words that join a date to its time come from data/markers/<lang>.toml;
the patterns are language-blind: day-month-year ("18. júní 2024", "18 de junio de 2024"),
month-day-year ("June 18, 2024"), numeric ("28.10.2024", "2024-06-18"), each optionally followed
by a time ("07:48", "kl. 07:48", "at 7:48 am").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from sia.repair.langdata import markers


@dataclass(frozen=True, slots=True)
class DateMatch:
    start: int
    end: int
    iso: str


def _alternation(words: list[str]) -> str:
    """``w1|w2|...`` factored on the first character: ``j(?:une|uly)|m(?:ay|arch)``. The engine
    then tests each first character once instead of trying every month name at each word start
    (the union of all languages has ~200 names). Same matches: the words keep their order within
    a group, and no two groups' first characters match the same character (case-insensitively),
    so the alternatives that can succeed at a position are tried in the original order."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(regex.escape(w[1:]))
    return "|".join(f"{regex.escape(c)}(?:{'|'.join(rest)})" for c, rest in groups.items())


@functools.cache
def _patterns(lang: str) -> tuple[regex.Pattern, dict[str, int]]:
    m = markers(lang)
    months: dict[str, int] = {}
    for i, forms in enumerate(m.get("months", []), start=1):
        for f in forms:
            months[f.lower()] = i
    names = _alternation(sorted(months, key=lambda k: len(regex.escape(k)), reverse=True)) or r"(?!x)x"
    tw = "|".join(regex.escape(w) for w in m.get("time_words", []) if w.strip(",|-"))
    time = (
        rf"(?:\s*[,|\-–]?\s*(?:(?:{tw})\s*)?(?P<hh>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)"
        r"(?:\s*(?P<ap>[ap]\.?\s?m\.?))?(?![\d:]))?"
        if tw
        else r"(?:\s*[,|\-–]?\s*(?P<hh>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?:\s*(?P<ap>[ap]\.?\s?m\.?))?(?![\d:]))?"
    )
    after = "|".join(regex.escape(w) for w in m.get("time_after", []))
    if after:
        time = time[:-2] + rf"(?:\s*(?:{after})(?![\p{{L}}]))?)?"
    filler = r"(?:\s+\p{Ll}{1,3})?"  # "18 de junio de 2024"
    dmy = rf"(?P<d1>[0-3]?\d)\.?{filler}\s+(?P<m1>{names})\.?,?{filler}\s+(?P<y1>(?:19|20)\d\d)"
    mdy = rf"(?P<m2>{names})\.?\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)"
    num = r"(?P<d3>[0-3]?\d)[./](?P<m3>[01]?\d)[./](?P<y3>(?:19|20)\d\d)"
    iso = r"(?P<y4>(?:19|20)\d\d)-(?P<m4>[01]\d)-(?P<d4>[0-3]\d)(?:[T ](?P<hh4>[01]\d|2[0-3]):(?P<mi4>[0-5]\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
    pat = regex.compile(
        rf"(?<![\p{{L}}\p{{N}}])(?:{dmy}|{mdy}|{num}|{iso}){time}(?![\p{{L}}\p{{N}}])",
        regex.IGNORECASE | regex.V0,
    )
    return pat, months


_DIGITS = regex.compile(r"\d+")
_YEAR = regex.compile(r"(?:19|20)\d\d")


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Stretches around digit runs: every date holds a number, and the big pattern is slow to
    try at every position, so it only runs where a date can be (month names reach <= 20 chars
    before the day, the time <= 40 chars after the year)."""
    out: list[list[int]] = []
    for m in _DIGITS.finditer(text, start, end):
        a, b = max(start, m.start() - 20), min(end, m.end() + 40)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def find_dates(text: str, lang: str, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Every date in text[start:end] with its ISO form (minutes when a time is written)."""
    pat, months = _patterns(lang)
    out = []
    end = len(text) if end is None else end
    # every form holds a year "19xx"/"20xx": a window without one cannot match (most number runs)
    wins = [(a, b) for a, b in _windows(text, start, end) if _YEAR.search(text, a, b)]
    matches = [m for a, b in wins for m in pat.finditer(text, a, b)]
    for m in matches:
        g = m.groupdict()
        try:
            if g["y1"]:
                y, mo, d = int(g["y1"]), months[g["m1"].lower()], int(g["d1"])
            elif g["y2"]:
                y, mo, d = int(g["y2"]), months[g["m2"].lower()], int(g["d2"])
            elif g["y3"]:
                y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
            else:
                y, mo, d = int(g["y4"]), int(g["m4"]), int(g["d4"])
        except KeyError:
            continue
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            continue
        iso = f"{y:04d}-{mo:02d}-{d:02d}"
        hh, mi = g.get("hh") or g.get("hh4"), g.get("mi") or g.get("mi4")
        e = m.end()
        if hh is not None and mi is not None:
            h = int(hh)
            ap = (g.get("ap") or "").lower().replace(".", "").replace(" ", "")
            if ap == "pm" and h < 12:
                h += 12
            elif ap == "am" and h == 12:
                h = 0
            iso += f"T{h:02d}:{int(mi):02d}"
        else:
            e = m.start() + len(m.group(0).rstrip(" ,|-–"))
        out.append(DateMatch(m.start(), e, iso))
    return out
