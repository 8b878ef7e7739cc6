"""Stage `metadata`: title, authors, publication date, photo caption and credit of an article page.

News pages open with the same furniture in every language: a title, a byline, a date, often a
photo with its caption and credit, then the lead. The stage looks only at the head of the page
(`head_chars`), anchored on what is unambiguous -- a date written the language's way
(`sia.repair.dates`) and a byline marker from data/markers/<lang>.toml ("By", "skrifar", "Von")
-- and reads the rest off their positions:

* title: the text just before the first anchor (the rest of that line, or for a flattened page the
  run since the last sentence end), when it is short and not a sentence;
* authors: 1-4 capitalised words next to the byline marker, several joined by "and"/"og"/",";
* caption and credit: after the anchors, a credit marker ("Photo:", "via AP", "Name/Agency")
  within `caption_window` characters; the credit is that run, the caption the sentence before it.

Byline, date, credit and caption are removed from the text (reason `metadata`), the title too
unless `title_in_text`. Nothing is guessed without an anchor: a page without a date or byline in
its head keeps its text untouched.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import regex

from sia.record import Document
from sia.repair.dates import find_dates
from sia.repair.langdata import doc_lang, markers
from sia.repair.spans import merge_gaps
from sia.stage import register

_CAP = r"\p{Lu}[\p{L}\p{M}'’\-]*\.?"
# a person's name: 2-3 capitalised words, name particles allowed between them
_NAME = rf"{_CAP}(?:[ \t]+(?:(?:van|von|de|da|der|den|del|la|le|bin|al)[ \t]+)*{_CAP}){{1,2}}"
_SENT_END = regex.compile(r"[.!?…][\"'”“’»)]*(?=\s)")
_SLASH_CREDIT = regex.compile(
    r"\p{Lu}[\p{L}.\-]*(?:\s+\p{Lu}[\p{L}.\-]*){0,3}\s*/\s*\p{Lu}[\p{L}.\-]*(?:\s+\p{Lu}[\p{L}.\-]*){0,2}"
)


@functools.cache
def _byline_patterns(lang: str) -> tuple[regex.Pattern | None, regex.Pattern | None]:
    m = markers(lang)
    joiners = "and|og|und|et|y|e|i|och|en|&|,"
    names = rf"(?P<names>{_NAME}(?:[ \t]*(?:{joiners})[ \t]+{_NAME}){{0,3}})"
    before = after = None
    if m.get("byline_before"):
        alt = "|".join(regex.escape(w) for w in m["byline_before"])
        before = regex.compile(rf"(?<![\p{{L}}])(?:{alt})\s+{names}(?![\p{{L}}])")
    if m.get("byline_after"):
        alt = "|".join(regex.escape(w) for w in m["byline_after"])
        after = regex.compile(rf"{names}\s+(?:{alt})(?![\p{{L}}])")
    return before, after


@functools.cache
def _credit_pattern(lang: str) -> regex.Pattern | None:
    words = list(markers(lang).get("credit", [])) + list(markers("en").get("credit", []))
    if not words:
        return None
    alt = "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return regex.compile(rf"(?:{alt})")


def _standalone(text: str, s: int, e: int, slack: int) -> bool:
    """True when [s, e) is not inside prose: at most `slack` characters share its line on the left,
    and what follows on the line does not continue a sentence (lower-case word)."""
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    le = len(text) if le < 0 else le
    right = text[e:le].lstrip(" \t,|-–:")
    if right[:1].islower():
        return False
    return slack == 0 or s - ls <= slack or le - e <= slack


def _split_names(s: str) -> list[str]:
    parts = regex.split(r"\s*(?:,|&|\band\b|\bog\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b|\boch\b|\ben\b)\s*", s)
    return [p.strip() for p in parts if p and p.strip()]


def _title_before(text: str, pos: int, lo: int, max_chars: int) -> tuple[int, int] | None:
    """The title-like run ending at `pos`: back to the line start or the last sentence end."""
    line_start = text.rfind("\n", lo, pos) + 1 if text.rfind("\n", lo, pos) >= 0 else lo
    seg = text[line_start:pos]
    ends = list(_SENT_END.finditer(seg))
    s = line_start + (ends[-1].end() if ends else 0)
    e = pos
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in " \t-–|:,":
        e -= 1
    if e <= s:
        # the anchor starts its line: the title is the previous non-blank line
        prev_end = line_start - 1
        while prev_end > lo and text[prev_end - 1].isspace():
            prev_end -= 1
        if prev_end <= lo:
            return None
        prev_start = text.rfind("\n", lo, prev_end) + 1 if text.rfind("\n", lo, prev_end) >= 0 else lo
        s, e = prev_start, prev_end
        while s < e and text[s].isspace():
            s += 1
    if e - s < 3 or e - s > max_chars or text[e - 1] in ".;,":
        return None
    return s, e


@register
@dataclass
class Metadata:
    """Extract title/authors/published/caption/credit from the page head; cut them from the text."""

    name: ClassVar[str] = "metadata"
    head_chars: int = 1500  # bylines and dates sit in the first screenful of a page
    title_in_text: bool = False
    title_max_chars: int = 200  # longer than any headline in the extraction benchmark
    caption_window: int = 400  # caption + credit follow the date within a few lines
    remove_caption: bool = True  # captions are not article prose; kept in extras["caption"]
    reason: str = "metadata"

    def process(self, batch: list[Document]) -> list[Document]:
        for doc in batch:
            self.extract(doc)
        return batch

    def extract(self, doc: Document) -> None:
        text = doc.clean_text
        # the page's own language when a stage has set it, else every language's markers at once
        lang = doc_lang(doc.lang, "") if doc.lang else "*"
        head = min(len(text), self.head_chars)
        cuts: list[tuple[int, int, str]] = []
        anchors: list[tuple[int, int]] = []

        before, after = _byline_patterns(lang)
        by = None
        for pat in (after, before):
            if pat is None:
                continue
            for m in pat.finditer(text, 0, head):
                if _standalone(text, m.start(), m.end(), 0):
                    if by is None or m.start() < by.start():
                        by = m
                    break
        dates = find_dates(text, lang, 0, head)
        # a date in prose ("On June 18, 2024 the council ...") is no anchor: accept one next to the
        # byline, one with a time of day, or one standing on its own line
        for d in dates:
            near_by = by is not None and (abs(d.start - by.end()) <= 40 or abs(by.start() - d.end) <= 40)
            if near_by or "T" in d.iso or _standalone(text, d.start, d.end, 30):
                if doc.published is None:
                    doc.published = d.iso
                anchors.append((d.start, d.end))
                break
        if by is not None:
            if not doc.authors:
                doc.authors = _split_names(by.group("names"))
            anchors.append(by.span())
        if not anchors:
            return
        anchors.sort()
        # anchors next to each other (byline then date) form one metadata run
        a0, a1 = anchors[0]
        for s, e in anchors[1:]:
            if s - a1 <= 40:
                a1 = max(a1, e)
            else:
                cuts.append((s, e, self.reason))
        cuts.append((a0, a1, self.reason))

        t = _title_before(text, a0, 0, self.title_max_chars)
        if t is not None:
            if doc.title is None:
                doc.title = text[t[0] : t[1]]
            if not self.title_in_text:
                cuts.append((t[0], t[1], self.reason))

        self._caption(doc, text, lang, a1, cuts)
        doc.remove_clean_many(merge_gaps(text, cuts))

    def _caption(self, doc: Document, text: str, lang: str, pos: int, cuts: list) -> None:
        window_end = min(len(text), pos + self.caption_window)
        pat = _credit_pattern(lang)
        cm = pat.search(text, pos, window_end) if pat is not None else None
        sm = _SLASH_CREDIT.search(text, pos, window_end)
        if cm is None and sm is None:
            return
        if cm is None or (sm is not None and sm.start() < cm.start()):
            cs, ce = sm.span()
            if cm is not None and cm.start() <= ce + 40:
                ce = max(ce, cm.end())
        else:
            cs, ce = cm.span()
        # the credit starts after the caption's last sentence end (or at the line start)
        seg = text[pos:cs]
        ends = list(_SENT_END.finditer(seg))
        nl = seg.rfind("\n")
        cap_end = pos + ends[-1].end() if ends else pos
        if nl >= 0 and pos + nl + 1 > cap_end:
            cs = pos + nl + 1
        else:
            cs = cap_end
        # a leading marker ("Photo: Jane Doe") runs to the line end or its name
        line_end = text.find("\n", ce)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - ce <= 60:
            ce = line_end
        elif text[ce - 1] in ":/":
            nm = regex.match(rf"\s*{_CAP}(?:\s+{_CAP}){{0,3}}", text[ce:line_end])
            if nm:
                ce += nm.end()
        while cs < ce and text[cs].isspace():
            cs += 1
        credit = text[cs:ce].strip()
        if not credit:
            return
        doc.extras.setdefault("credit", credit)
        cuts.append((cs, ce, self.reason))
        # the caption: the sentence(s) between the metadata run and the credit
        cap_start = pos
        while cap_start < cs and text[cap_start].isspace():
            cap_start += 1
        if ends and cap_start < cap_end:
            caption = text[cap_start:cap_end].strip()
            if 0 < len(caption) <= 300:
                doc.extras.setdefault("caption", caption)
                if self.remove_caption:
                    cuts.append((cap_start, cap_end, self.reason))
