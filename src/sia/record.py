"""The document record and its removed-span bookkeeping.

`Document.text` is the *input* text and never changes. Stages record removals as spans in input
offsets; the cleaned text is materialised from the kept intervals by `clean_view`. Keeping input
offsets means every removal stays explainable (``sia inspect``) whatever stage made it.

Whitespace rule (documented in README, proved by tests/test_record.py):
the cleaned text is the input with each maximal run of removed spans cut out. Where a cut sits
between two kept pieces and neither side touches whitespace at the cut, one separator is inserted:
``"\\n"`` if the removed run contained a line break, else ``" "``. Nothing is inserted at the
start or end of the document, or when either side already has whitespace at the cut.
A span with a replacement (`Span.repl`, e.g. ``<EMAIL>``) is a cut of its own, never merged with
neighbours, and its replacement text stands exactly where it was.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

KEEP = "keep"

# Removal reasons sia itself uses; stages may add their own short snake_case reasons.
REASONS = (
    "repeated",
    "boilerplate",
    "metadata",
    "template",
    "foreign",
    "pii",
    "corpus_repeated",
)


@dataclass(frozen=True, slots=True)
class Span:
    """Input interval [start, end) removed for `reason`; `repl` is text shown in its place
    (PII placeholders such as ``<EMAIL>``); ``None`` means plain removal."""

    start: int
    end: int
    reason: str
    repl: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "reason": self.reason}
        if self.repl is not None:
            d["repl"] = self.repl
        return d


@dataclass(slots=True)
class CleanView:
    """Cleaned text plus the map from its offsets back to input offsets."""

    text: str
    # parallel arrays: for each kept piece, its start in the cleaned text and in the input
    clean_starts: list[int]
    input_starts: list[int]
    lengths: list[int]

    def to_input(self, offset: int) -> int:
        """Input offset of cleaned-text offset `offset` (a separator maps to the cut's start)."""
        return self._map(bisect.bisect_right(self.clean_starts, offset) - 1, offset)

    def to_input_span(self, start: int, end: int) -> tuple[int, int]:
        """Input interval covering cleaned interval [start, end)."""
        if end <= start:
            s = self.to_input(start)
            return s, s
        # `to_input`, `_in_separator` and `_next_piece_start` of `start` and `end - 1`, inlined
        # with one binary search each (this runs once per cut of every page)
        i = bisect.bisect_right(self.clean_starts, start) - 1
        s = self._map(i, start)
        # map the last char, then step past it, so a span ending at a cut does not swallow the cut
        j = bisect.bisect_right(self.clean_starts, end - 1) - 1
        e = self._map(j, end - 1) + 1
        if j >= 0 and end - 1 - self.clean_starts[j] >= self.lengths[j]:
            e = self._piece_start(j + 1)
        if i >= 0 and start - self.clean_starts[i] >= self.lengths[i]:
            s = self._piece_start(i + 1)
        return s, max(s, e)

    def _map(self, i: int, offset: int) -> int:
        """`to_input(offset)` given i, the index of the last piece starting at or before it."""
        if not self.clean_starts:
            return 0
        if i < 0:
            return self.input_starts[0]
        rel = offset - self.clean_starts[i]
        if rel <= self.lengths[i]:
            return self.input_starts[i] + rel
        return self.input_starts[i] + self.lengths[i]

    def _piece_start(self, i: int) -> int:
        """Input start of piece i (the input end of the last piece when there is none)."""
        if i < len(self.input_starts):
            return self.input_starts[i]
        return self.input_starts[-1] + self.lengths[-1] if self.input_starts else 0

    def _in_separator(self, offset: int) -> bool:
        i = bisect.bisect_right(self.clean_starts, offset) - 1
        return i >= 0 and offset - self.clean_starts[i] >= self.lengths[i]

    def _next_piece_start(self, offset: int) -> int:
        i = bisect.bisect_right(self.clean_starts, offset)
        if i < len(self.input_starts):
            return self.input_starts[i]
        return self.input_starts[-1] + self.lengths[-1] if self.input_starts else 0


def merge_spans(spans: list[Span], new: list[Span]) -> list[Span]:
    """Add `new` spans to sorted, non-overlapping `spans`; earlier reasons win on overlap."""
    fast = _merge_disjoint(spans, new)
    if fast is not None:
        return fast
    out = list(spans)
    for sp in sorted(new, key=lambda s: (s.start, s.end)):
        if sp.end <= sp.start:
            continue
        pieces = [(sp.start, sp.end)]
        starts = [s.start for s in out]
        i = max(0, bisect.bisect_right(starts, sp.start) - 1)
        while i < len(out) and out[i].start < sp.end:
            ex = out[i]
            nxt = []
            for a, b in pieces:
                if ex.end <= a or ex.start >= b:
                    nxt.append((a, b))
                    continue
                if a < ex.start:
                    nxt.append((a, ex.start))
                if ex.end < b:
                    nxt.append((ex.end, b))
            pieces = nxt
            i += 1
        for a, b in pieces:
            if sp.repl is not None and (a, b) != (sp.start, sp.end):
                continue  # a placeholder only replaces its whole span, never a fragment
            bisect.insort(out, Span(a, b, sp.reason, sp.repl), key=lambda s: s.start)
    return out


def _merge_disjoint(spans: list[Span], new: list[Span]) -> list[Span] | None:
    """`merge_spans` in one sweep for the usual case, else None: `new` plain (no `repl`),
    non-empty and pairwise disjoint, `spans` non-empty and disjoint. Then no new span touches
    another, so each one is just cut around the existing spans it overlaps, and the pieces are
    the same maximal intervals the general loop gives (it inserts one span at a time, with a
    list rebuild and a sorted insert each)."""
    order = sorted(new, key=_start_end)
    prev = -1
    for sp in order:
        if sp.repl is not None or sp.end <= sp.start or sp.start < prev:
            return None
        prev = sp.end
    prev = -1
    for sp in spans:
        if sp.end <= sp.start or sp.start < prev:
            return None
        prev = sp.end
    pieces: list[Span] = []
    n = len(spans)
    i = 0
    for sp in order:
        a, b = sp.start, sp.end
        while i < n and spans[i].end <= a:
            i += 1
        pos = a
        j = i
        while j < n and spans[j].start < b:
            if spans[j].start > pos:
                pieces.append(Span(pos, spans[j].start, sp.reason))
            pos = max(pos, spans[j].end)
            j += 1
        if pos == a and j == i:
            pieces.append(sp)  # untouched: the span itself (immutable, equal to a copy)
        elif pos < b:
            pieces.append(Span(pos, b, sp.reason))
    if not spans:
        return pieces
    return sorted(spans + pieces, key=_start)


def _start_end(s: Span) -> tuple[int, int]:
    return s.start, s.end


def _start(s: Span) -> int:
    return s.start


@dataclass(slots=True)
class Document:
    """One document as sia carries it through every stage.

    `metadata` is whatever the source carried, untouched. `extras` holds fields sia extracts that
    are not part of the core schema (photo caption and credit, HTTP headers of interest, ...).
    """

    id: str
    text: str
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    lang: str | None = None
    lang_score: float | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    removed: list[Span] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    dup: dict[str, Any] | None = None
    decision: str = KEEP
    extras: dict[str, Any] = field(default_factory=dict)
    _view: CleanView | None = field(default=None, repr=False, compare=False)

    # -- removals -----------------------------------------------------------------------------
    def remove(self, start: int, end: int, reason: str) -> None:
        """Record input interval [start, end) as removed for `reason`."""
        self.remove_many([Span(start, end, reason)])

    def remove_many(self, spans: list[Span]) -> None:
        n = len(self.text)
        # clamped to the text (a span already inside it is kept as it is: spans are immutable)
        spans = [
            s if s.start >= 0 and s.end <= n else Span(max(0, s.start), min(n, s.end), s.reason, s.repl)
            for s in spans
        ]
        self.removed = merge_spans(self.removed, spans)
        self._view = None

    def remove_clean(self, start: int, end: int, reason: str) -> None:
        """Remove cleaned-text interval [start, end), recorded in input offsets."""
        self.remove_clean_many([(start, end, reason)])

    def remove_clean_many(self, spans: list[tuple[int, int, str]]) -> None:
        view = self.clean_view()
        out: list[Span] = []
        starts = [s.start for s in self.removed]
        for start, end, reason in spans:
            s, e = view.to_input_span(start, end)
            # a cleaned interval may cover earlier cuts: remove only the kept pieces inside it
            for ks, ke in _kept_within(self.removed, starts, s, e):
                out.append(Span(ks, ke, reason))
        self.remove_many(out)

    @property
    def removed_chars(self) -> int:
        return sum(s.end - s.start for s in self.removed)

    # -- cleaned text -------------------------------------------------------------------------
    def clean_view(self) -> CleanView:
        if self._view is None:
            self._view = build_view(self.text, self.removed)
        return self._view

    @property
    def clean_text(self) -> str:
        return self.clean_view().text

    @property
    def kept(self) -> bool:
        return self.decision == KEEP

    def reject(self, reason: str) -> None:
        if self.decision == KEEP:
            self.decision = reason

    # -- serialisation ------------------------------------------------------------------------
    def to_record(self, *, input_text: bool = True) -> dict[str, Any]:
        """The output record: `text` is the cleaned text; `input_text` the original (optional)."""
        rec: dict[str, Any] = {
            "id": self.id,
            "text": self.clean_text,
            "url": self.url,
            "metadata": self.metadata,
            "source": self.source,
            "lang": self.lang,
            "lang_score": self.lang_score,
            "title": self.title,
            "authors": self.authors,
            "published": self.published,
            "removed": [s.to_dict() for s in self.removed],
            "signals": self.signals,
            "dup": self.dup,
            "decision": self.decision,
            "extras": self.extras,
        }
        if input_text:
            rec["input_text"] = self.text
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Document:
        """Inverse of `to_record(input_text=True)`; a record without `input_text` is re-based."""
        if "input_text" in rec:
            text = rec["input_text"]
            removed = [
                Span(r["start"], r["end"], r["reason"], r.get("repl")) for r in rec.get("removed") or []
            ]
        else:
            text = rec["text"]
            removed = []
        return cls(
            id=str(rec["id"]),
            text=text,
            url=rec.get("url"),
            metadata=rec.get("metadata") or {},
            source=rec.get("source") or "",
            lang=rec.get("lang"),
            lang_score=rec.get("lang_score"),
            title=rec.get("title"),
            authors=list(rec.get("authors") or []),
            published=rec.get("published"),
            removed=removed,
            signals=dict(rec.get("signals") or {}),
            dup=rec.get("dup"),
            decision=rec.get("decision") or KEEP,
            extras=dict(rec.get("extras") or {}),
        )


def kept_intervals_within(removed: list[Span], start: int, end: int) -> list[tuple[int, int]]:
    """Parts of [start, end) not already covered by `removed` (sorted, non-overlapping)."""
    return _kept_within(removed, [s.start for s in removed], start, end)


def _kept_within(removed: list[Span], starts: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """`kept_intervals_within` given the starts of `removed` (built once per batch of cuts)."""
    out = []
    pos = start
    i = max(0, bisect.bisect_right(starts, start) - 1)
    while i < len(removed) and removed[i].start < end:
        sp = removed[i]
        if sp.end > pos:
            if sp.start > pos:
                out.append((pos, min(sp.start, end)))
            pos = max(pos, sp.end)
        i += 1
    if pos < end:
        out.append((pos, end))
    return out


def build_view(text: str, removed: list[Span]) -> CleanView:
    """Apply the whitespace rule (module docstring) to `text` minus `removed`."""
    if not removed:
        return CleanView(text, [0], [0], [len(text)])
    # merge adjacent/overlapping plain spans into cut runs; a replaced span is a run of its own
    cuts: list[list[Any]] = []
    for sp in removed:
        if cuts and sp.repl is None and cuts[-1][2] is None and sp.start <= cuts[-1][1]:
            cuts[-1][1] = max(cuts[-1][1], sp.end)
        else:
            cuts.append([sp.start, sp.end, sp.repl])
    parts: list[str] = []
    clean_starts: list[int] = []
    input_starts: list[int] = []
    lengths: list[int] = []
    pos = 0
    clen = 0
    pending = ""  # separator owed before the next kept piece

    def add_piece(start: int, end: int) -> None:
        nonlocal clen, pending
        piece = text[start:end]
        if pending and parts and not parts[-1][-1:].isspace() and not piece[:1].isspace():
            parts.append(pending)
            clen += len(pending)
        pending = ""
        clean_starts.append(clen)
        input_starts.append(start)
        lengths.append(len(piece))
        parts.append(piece)
        clen += len(piece)

    for cs, ce, repl in cuts:
        if cs > pos:
            add_piece(pos, cs)
        if repl is not None:
            # the placeholder is text of its own, mapped like a zero-length kept piece
            if pending and parts and not parts[-1][-1:].isspace():
                parts.append(pending)
                clen += len(pending)
            pending = ""
            clean_starts.append(clen)
            input_starts.append(cs)
            lengths.append(0)
            parts.append(repl)
            clen += len(repl)
        else:
            pending = "\n" if "\n" in text[cs:ce] else " "
        pos = ce
    if pos < len(text):
        add_piece(pos, len(text))
    if not clean_starts:
        return CleanView("", [], [], [])
    return CleanView("".join(parts), clean_starts, input_starts, lengths)
