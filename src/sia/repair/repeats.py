"""Stage `repeats`: a span of at least `min_words` words seen earlier in the same document is cut.

Pages repeat themselves: a body printed twice (a print view under the article), headline lists in
a sidebar and a footer, a flattened page whose second line is a substring of its first. A
line-based filter sees none of that when the copy is inside a longer line. Here every word
n-gram (n = `min_words`) is hashed; an n-gram whose hash occurred at an earlier position is a
repeat, and the union of repeated n-grams (their words not inside the first occurrence) gives
the removed spans. Overlapping repeated n-grams chain, so a repeated span of any length >= n is
found whole -- that is the "extend the match" step, done by a coverage count. Everything is
numpy over 64-bit word keys (`sia.repair.pagewords`, shared with `boilerplate`), O(words · n), so a
5 MB document takes about a second.

Why n = 8 by default: bench/repair_speed.py also counts how many words of clean text (treebank
documents, human-extracted article bodies) fall in repeated n-grams: at n = 8 it is under 0.5 %
(quotes repeated in a caption, legal formulas), while page furniture repeats in 8-word runs
routinely (a headline listed twice is ~8-12 words). Shorter n starts to cut ordinary phrases
("in the first half of the year"); longer n misses repeated headlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sia.record import Document
from sia.repair.pagewords import kept_pieces, page_words, prime, prime_cut
from sia.repair.spans import merge_gaps
from sia.stage import register

_MULT = np.uint64(0x9E3779B97F4A7C15)


def _ngram_hashes(keys: np.ndarray, n: int) -> np.ndarray:
    """64-bit hash of every window of `n` word keys (polynomial combine, wrapping)."""
    m = len(keys) - n + 1
    g = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            g = g * _MULT + keys[j : j + m]
    return g


def repeated_word_runs(keys: np.ndarray, n: int) -> list[tuple[int, int]]:
    """Runs [a, b) of word indices inside an n-gram that occurred earlier (first copy kept)."""
    m = len(keys) - n + 1
    if m <= 1:
        return []
    g = _ngram_hashes(keys, n)
    # first occurrence of each hash: the smallest position in its group of an (unstable, fast)
    # argsort, which is what `np.unique(return_index=True)` gives with a slower stable sort
    order = np.argsort(g)
    gs = g[order]
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(gs[1:], gs[:-1], out=new[1:])
    if new.all():  # no n-gram occurs twice
        return []
    first = np.minimum.reduceat(order, np.flatnonzero(new))
    src = np.empty(m, dtype=np.int64)
    src[order] = first[np.cumsum(new) - 1]
    rep = np.flatnonzero(src != np.arange(m))
    src = src[rep]
    # never cut into the first copy itself (periodic text: "ha ha ha ...")
    starts = np.maximum(rep, src + n)
    ends = rep + n
    ok = starts < ends
    starts, ends = starts[ok], ends[ok]
    cover = np.bincount(starts, minlength=len(keys) + 1) - np.bincount(ends, minlength=len(keys) + 1)
    mask = np.cumsum(cover[:-1]) > 0
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.nonzero(d == 1)[0].tolist(), np.nonzero(d == -1)[0].tolist()))


def _widen(text: str, s: int, e: int) -> tuple[int, int]:
    """Take the punctuation glued to the run's first and last word ("„word", "word.")."""
    while s > 0 and not text[s - 1].isspace() and not text[s - 1].isalnum():
        s -= 1
    while e < len(text) and not text[e].isspace() and not text[e].isalnum():
        e += 1
    return s, e


def find_repeats(text: str, min_words: int = 8) -> list[tuple[int, int]]:
    """Character spans of `text` that repeat an earlier span of >= `min_words` words (words
    compared lower-cased)."""
    pw = page_words(text)
    if len(pw.keys) <= min_words:
        return []
    runs = repeated_word_runs(pw.keys, min_words)
    out = []
    for a, b in runs:
        out.append(_widen(text, int(pw.starts[a]), int(pw.ends[b - 1])))
    return out


@register
@dataclass
class Repeats:
    """Cut every later copy of a span of >= `min_words` words (reason `repeated`)."""

    name: ClassVar[str] = "repeats"
    min_words: int = 8
    reason: str = "repeated"

    def validate(self) -> None:
        if self.min_words < 3:
            raise ValueError("min_words must be >= 3 (shorter n-grams repeat in any prose)")

    def process(self, batch: list[Document]) -> list[Document]:
        texts = [doc.clean_text for doc in batch]
        prime(texts)
        cut = []
        for doc, text in zip(batch, texts):
            spans = find_repeats(text, self.min_words)
            if spans:
                before = doc.clean_view()
                doc.remove_clean_many(merge_gaps(text, [(s, e, self.reason) for s, e in spans]))
                pieces = kept_pieces(before, doc.clean_view())
                if pieces is not None:
                    cut.append((text, doc.clean_text, pieces))
            doc.signals["repeated_frac"] = sum(e - s for s, e in spans) / max(1, len(text))
        # the next stage (`boilerplate`) needs the words of the cut texts: derive them from these
        prime_cut(cut)
        return batch
