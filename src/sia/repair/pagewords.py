"""Words of a page computed once and shared by `repeats` and `boilerplate`.

Both stages need the same thing: where each word sits and a key for its lower-cased form
(`repeats` compares word n-grams, the features look words up in a stop list). A regex pass with a
Python object per word was the largest cost of the repair stages; here the words of a whole batch
come from `sia.dedup.hashing.batch_words` (numpy over code points, the same word rule as
`sia.text.words`, tested equal to it) in one call, and the result is kept in a small cache keyed
by the text itself. The cache lives in this module, never on the `Document`, so nothing leaks into
output; a text changed by a stage is a different key and is computed afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from sia.dedup.hashing import batch_word_hashes_plain, batch_words

# enough for a few batches of pages; large texts count by size so memory stays bounded
_MAX_ENTRIES = 512
_MAX_CHARS = 64_000_000


@dataclass(frozen=True, slots=True)
class PageWords:
    starts: np.ndarray  # int64 offsets of each word in the text
    ends: np.ndarray
    keys: np.ndarray  # uint64 hash of each lower-cased word (equal words, equal keys)


_cache: OrderedDict[str, PageWords] = OrderedDict()
_cache_chars = 0


def _store(text: str, pw: PageWords) -> None:
    global _cache_chars
    _cache[text] = pw
    _cache_chars += len(text)
    while _cache and (len(_cache) > _MAX_ENTRIES or _cache_chars > _MAX_CHARS):
        old, _ = _cache.popitem(last=False)
        _cache_chars -= len(old)


def word_keys(words: list[str]) -> np.ndarray:
    """Keys of already lower-cased words, the same as `PageWords.keys` gives for them."""
    return batch_word_hashes_plain(words)[0]


def _compute(texts: list[str]) -> list[PageWords]:
    """Words of each text, one vectorised pass over the batch."""
    lows = [t.lower() for t in texts]
    same = [len(lo) == len(t) for lo, t in zip(lows, texts)]
    # lower-casing that changes a length ("İ") would move offsets: split such a text as it is
    src = [lo if ok else t for lo, t, ok in zip(lows, texts, same)]
    bw = batch_words(src, lower=False)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    doc_starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        doc_starts[1:] = np.cumsum(lens[:-1] + 1)
    off = np.zeros(len(texts) + 1, dtype=np.int64)
    off[1:] = np.cumsum(bw.counts)
    out = []
    for i, t in enumerate(texts):
        a, b = int(off[i]), int(off[i + 1])
        s = bw.starts[a:b] - doc_starts[i]
        e = bw.ends[a:b] - doc_starts[i]
        keys = bw.hashes[a:b]
        if not same[i]:
            keys = word_keys([t[x:y].lower() for x, y in zip(s.tolist(), e.tolist())])
        out.append(PageWords(s, e, keys))
    return out


def prime(texts: list[str]) -> None:
    """Compute the words of every text not cached yet, all in one pass."""
    todo = list(dict.fromkeys(t for t in texts if t not in _cache))
    if todo:
        for t, pw in zip(todo, _compute(todo)):
            _store(t, pw)


def page_words(text: str) -> PageWords:
    """Words of `text` (from the cache when `prime` or an earlier call saw it)."""
    pw = _cache.get(text)
    if pw is None:
        pw = _compute([text])[0]
        _store(text, pw)
    return pw


def clear() -> None:
    """Empty the cache (benchmarks call it so a repeated run measures the real cost)."""
    global _cache_chars
    _cache.clear()
    _cache_chars = 0
