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

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

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
    lowered: bool = True  # split after lower-casing the whole text (its length unchanged)


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
        out.append(PageWords(s, e, keys, same[i]))
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


def _first_space(text: str, a: int, b: int) -> int:
    """First " " or "\\n" in text[a:b], or -1."""
    i, j = text.find(" ", a, b), text.find("\n", a, b)
    return j if i < 0 else (i if j < 0 else min(i, j))


def _last_space(text: str, a: int, b: int) -> int:
    """Last " " or "\\n" in text[a:b], or -1."""
    return max(text.rfind(" ", a, b), text.rfind("\n", a, b))


def kept_pieces(before: Any, after: Any) -> list[tuple[int, int, int]] | None:
    """(start in `after`, start in `before`, length) of each kept piece of the cleaned text
    `after.text`, given the `CleanView` of the same document `before` more was removed; None if
    a piece does not lie inside one piece of `before` (never expected: removals only grow)."""
    out = []
    b_in, b_clean, b_len = before.input_starts, before.clean_starts, before.lengths
    for c, i, n in zip(after.clean_starts, after.input_starts, after.lengths):
        if n == 0:
            continue  # a placeholder: its text is treated as new
        j = bisect.bisect_right(b_in, i) - 1
        if j < 0 or i + n > b_in[j] + b_len[j]:
            return None
        out.append((c, b_clean[j] + i - b_in[j], n))
    return out


def prime_cut(items: list[tuple[str, str, list[tuple[int, int, int]]]]) -> None:
    """Cache the words of texts cut out of cached ones (`derive_words`), so the next stage does
    not split them again. Each item: (old text, new text, `kept_pieces` of new in old)."""
    todo = [it for it in items if it[1] not in _cache]
    for (_, new, _), pw in zip(todo, derive_words(todo)):
        if pw is not None and new not in _cache:
            _store(new, pw)


def derive_words(items: list[tuple[str, str, list[tuple[int, int, int]]]]) -> list[PageWords | None]:
    """The words of each new text, as `page_words` would give them, from the cached words of the
    old text instead of a new pass over the whole text. Each item: (old text, new text, pieces
    (start in new, start in old, length) of text the two share).

    Splitting and lower-casing never look across a space or line break (no word holds one, and
    neither is case-ignorable, so Greek final sigma stops there too). So inside a shared piece,
    between its first and last space, the words of the new text are the old text's words,
    shifted; only the stretches around the pieces' edges (from a piece's last space to the next
    piece's first) are split again, all in one `batch_words` call. None for a text whose old
    words are not cached or were not split lower-cased (`lowered` false), or whose new
    stretches change length when lower-cased: its words need a full pass."""
    out: list[PageWords | None] = [None] * len(items)
    where: list[int] = []  # item of each plan
    plans: list[tuple[str, PageWords]] = []
    safe: list[tuple[int, int, int, int]] = []  # (plan, start, end, shift): the old words, shifted
    gaps: list[tuple[int, int]] = []  # (plan, start): stretches split again, one zone each
    zones: list[str] = []
    for it, (old, new, pieces) in enumerate(items):
        pw = _cache.get(old)
        if pw is None or not pw.lowered:
            continue
        k = len(plans)
        plans.append((new, pw))
        where.append(it)
        pos = 0
        n_old, n_new = len(old), len(new)
        for c, o, n in pieces:
            lo = c if c == 0 and o == 0 else _first_space(new, c, c + n)
            hi = c + n if c + n == n_new and o + n == n_old else _last_space(new, c, c + n) + 1
            if lo < 0 or hi <= lo:
                continue
            if lo > pos:
                gaps.append((k, pos))
                zones.append(new[pos:lo])
            safe.append((k, lo, hi, c - o))
            pos = hi
        if pos < n_new:
            gaps.append((k, pos))
            zones.append(new[pos:])
    if not plans:
        return out
    lows = [z.lower() for z in zones]
    bad = {gaps[i][0] for i, (z, lo) in enumerate(zip(zones, lows)) if len(z) != len(lo)}
    bw = batch_words(lows, lower=False)
    zlen = np.fromiter(map(len, lows), dtype=np.int64, count=len(lows))  # the text split
    zstart = np.zeros(len(zones) + 1, dtype=np.int64)
    zstart[1:] = np.cumsum(zlen + 1)  # joined by line breaks, as `batch_words` joins them
    zfirst = np.zeros(len(zones) + 1, dtype=np.int64)
    zfirst[1:] = np.cumsum(bw.counts)
    # the old words of every plan in one array, ordered by (plan, offset): key plan * big + offset
    big = np.int64(1 << 40)
    nold = np.fromiter((len(pw.starts) for _, pw in plans), dtype=np.int64, count=len(plans))
    oplan = np.repeat(np.arange(len(plans), dtype=np.int64), nold) * big
    os_ = np.concatenate([pw.starts for _, pw in plans])
    oe_ = np.concatenate([pw.ends for _, pw in plans])
    ok_ = np.concatenate([pw.keys for _, pw in plans])
    sa = np.array(safe, dtype=np.int64).reshape(-1, 4)
    ga = np.array(gaps, dtype=np.int64).reshape(-1, 2)
    i0 = np.searchsorted(os_ + oplan, sa[:, 0] * big + sa[:, 1] - sa[:, 3])
    i1 = np.searchsorted(oe_ + oplan, sa[:, 0] * big + sa[:, 2] - sa[:, 3], side="right")
    # stretches in text order, each a run of source words (old words, then the zones' words)
    w_old = len(os_)
    seg_a = np.concatenate((i0, w_old + zfirst[:-1]))
    seg_n = np.maximum(np.concatenate((i1, w_old + zfirst[1:])) - seg_a, 0)
    seg_sh = np.concatenate((sa[:, 3], ga[:, 1] - zstart[:-1]))
    seg_plan = np.concatenate((sa[:, 0], ga[:, 0]))
    order = np.argsort(seg_plan * big + np.concatenate((sa[:, 1], ga[:, 1])), kind="stable")
    seg_a, seg_n, seg_sh, seg_plan = seg_a[order], seg_n[order], seg_sh[order], seg_plan[order]
    idx = np.repeat(seg_a, seg_n) + (np.arange(int(seg_n.sum())) - np.repeat(np.cumsum(seg_n) - seg_n, seg_n))
    sh = np.repeat(seg_sh, seg_n)
    st = np.concatenate((os_, bw.starts))[idx] + sh
    en = np.concatenate((oe_, bw.ends))[idx] + sh
    ke = np.concatenate((ok_, bw.hashes))[idx]
    bounds = np.zeros(len(plans) + 1, dtype=np.int64)
    bounds[1:] = np.cumsum(np.bincount(seg_plan, weights=seg_n, minlength=len(plans)).astype(np.int64))
    for k, it in enumerate(where):
        if k not in bad:
            a, b = int(bounds[k]), int(bounds[k + 1])
            out[it] = PageWords(st[a:b], en[a:b], ke[a:b], True)
    return out
