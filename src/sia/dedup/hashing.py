"""Vectorised word-shingle hashing for whole batches of documents.

Words are exactly those of `sia.text.words` (one definition of a word in sia). `word_spans` runs a
regex per document (~8 MB/s), too slow for the dedup hot path, so so this module computes the same spans with numpy over the concatenated batch:

* every code point gets a class from a table built once per process *from the same regex
  character classes* (word char, digit, joiner, space-less script);
* a joiner (apostrophe/hyphen) becomes part of a word iff both neighbours are word chars; ``.``/``,``
  iff both neighbours are digits -- exactly the regex's ``W+(?:J W+)*`` rule, which only looks
  at immediate neighbours;
* a space-less script character (Han, Thai, ...) is a word of its own together with the marks
  that follow it;
* words are the runs of the resulting mask.

tests/test_dedup_hashing.py checks the spans equal `word_spans` on real text in 75 languages.

Hashes are 64-bit: a word hash is a polynomial over its code points modulo 2**64 (prefix sums, so
one multiply and one cumsum per character, no Python loop), an n-gram shingle hash combines n
word hashes with distinct odd multipliers, and both pass through the splitmix64 finaliser so every
output bit depends on every input bit. Shingles are taken over ``text.lower()``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import regex

from sia.text.words import _NOSPACE, _W  # the one definition of a word

U64 = np.uint64
MASK64 = (1 << 64) - 1

# character class bit flags in the table
F_WORD, F_DIGIT, F_JOIN, F_NUMJOIN, F_NSBASE, F_MARK = 1, 2, 4, 8, 16, 32

_B = 0x9E3779B97F4A7C15  # odd multiplier of the polynomial word hash
_BINV = pow(_B, -1, 1 << 64)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser on a uint64 array (wrapping arithmetic); returns a new array."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> U64(30))
        x = x * U64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> U64(27))
        x = x * U64(0x94D049BB133111EB)
        return x ^ (x >> U64(31))


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values of a 1-D array (`np.sort` + neighbour test: much faster than
    `np.unique` for uint64, whose sort path is slower)."""
    if a.size == 0:
        return a.copy()
    s = np.sort(a)
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


@functools.cache
def char_classes() -> np.ndarray:
    """uint8 class flags of every code point (0..0x10FFFF), from `sia.text.words`' regex classes."""
    cps = np.arange(0x110000, dtype=np.uint32)
    allchars = cps.tobytes().decode("utf-32-le", errors="surrogatepass")
    table = np.zeros(0x110000, dtype=np.uint8)

    def mark(pattern: str, flag: int) -> None:
        marked = regex.sub(pattern, "\x01", allchars, flags=regex.V1)
        hit = np.frombuffer(marked.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32) == 1
        hit[1] = regex.fullmatch(pattern, "\x01", flags=regex.V1) is not None  # the marker itself
        table[hit] |= flag

    mark(_W, F_WORD)
    mark(rf"[{_W}&&\p{{N}}]", F_DIGIT)
    mark(r"['’\-‐\u00ad]", F_JOIN)
    mark(r"[.,]", F_NUMJOIN)
    mark(rf"[[{_NOSPACE}]--\p{{M}}]", F_NSBASE)
    mark(r"\p{M}", F_MARK)
    return table


@functools.cache
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(B**i, B**-i) mod 2**64 for i < n (n rounded up to a power of two so the cache stays small)."""
    with np.errstate(over="ignore"):
        b = np.full(n, _B, dtype=U64)
        b[0] = 1
        binv = np.full(n, _BINV, dtype=U64)
        binv[0] = 1
        return np.cumprod(b, dtype=U64), np.cumprod(binv, dtype=U64)


def _pow_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    size = 1 << max(16, int(n - 1).bit_length())
    return _powers(size)


@dataclass
class BatchWords:
    """Words of a batch of texts: hashes plus where each word sits.

    ``starts``/``ends`` are offsets into the text they came from (the lower-cased text when
    ``lower`` was asked); ``doc`` and ``line`` number each word's text and line (lines counted
    over the whole batch, so a line never spans two texts)."""

    hashes: np.ndarray
    counts: np.ndarray  # words per text
    doc: np.ndarray
    line: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    line_starts: np.ndarray  # per line: offset in its text
    line_ends: np.ndarray
    line_doc: np.ndarray


def batch_words(texts: list[str], lower: bool = True, lines: bool = False) -> BatchWords:
    """Hash every word of every text in one vectorised pass (see the module docstring)."""
    joined = "\x00".join(texts)
    if lower and not lines and texts and joined.count("\x00") == len(texts) - 1:
        # one lower() for the whole batch: NUL is neither cased nor case-ignorable, so it bounds
        # context-dependent mappings (Greek final sigma) exactly like the end of a string
        cp = np.frombuffer(joined.lower().encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
        doc_starts = np.concatenate([[0], np.flatnonzero(cp == 0) + 1]).astype(np.int64)
    else:
        if lower:
            texts = [t.lower() for t in texts]
        joined = "\n".join(texts)
        cp = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
        # text boundaries in code-point offsets (the "\n" separators)
        lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        doc_starts = np.zeros(len(texts), dtype=np.int64)
        if len(texts) > 1:
            doc_starts[1:] = np.cumsum(lens[:-1] + 1)
    n = cp.size
    starts, ends = _token_bounds(char_classes()[cp])
    bpow, binvpow = _pow_tables(n + 1)
    with np.errstate(over="ignore"):
        pref = np.empty(n + 1, dtype=U64)
        pref[0] = 0
        np.cumsum((cp.astype(U64) + U64(1)) * binvpow[:n], dtype=U64, out=pref[1:])
        wh = (pref[ends] - pref[starts]) * bpow[starts]
        wh = splitmix64(wh ^ (ends - starts).astype(U64) * U64(0xD6E8FEB86659FD93))
    word_doc = np.searchsorted(doc_starts, starts, side="right") - 1
    counts = np.bincount(word_doc, minlength=len(texts)).astype(np.int64)
    empty = np.zeros(0, np.int64)
    if not lines:
        return BatchWords(wh, counts, word_doc, empty, starts, ends, empty, empty, empty)
    nl = np.flatnonzero(cp == 10)
    line_start_g = np.concatenate([[0], nl + 1])
    line_end_g = np.concatenate([nl, [n]])
    line_doc = np.searchsorted(doc_starts, line_start_g, side="right") - 1
    word_line = np.searchsorted(line_start_g, starts, side="right") - 1
    off = doc_starts[word_doc]
    loff = doc_starts[line_doc]
    return BatchWords(
        wh,
        counts,
        word_doc,
        word_line,
        starts - off,
        ends - off,
        line_start_g - loff,
        line_end_g - loff,
        line_doc,
    )


def batch_word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the words of each text (lower-cased), concatenated, and per-text counts."""
    bw = batch_words(texts)
    return bw.hashes, bw.counts


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """a shifted right by k (k > 0: out[i] = a[i-k]) or left (k < 0), padded with False."""
    out = np.zeros_like(a)
    if k > 0:
        out[k:] = a[:-k]
    else:
        out[:k] = a[-k:]
    return out


def _token_bounds(cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words of a class array, by the rule of `sia.text.words`."""
    n = cls.size
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ismark = (cls & F_MARK) != 0
    nsbase = (cls & F_NSBASE) != 0
    attached = np.zeros(n, dtype=bool)
    if nsbase.any():
        # a mark belongs to a space-less character when only marks stand between them
        idx = np.where(ismark, -1, np.arange(n))
        last = np.maximum.accumulate(idx)
        attached = ismark & (last >= 0) & nsbase[np.maximum(last, 0)]
    isword = ((cls & F_WORD) != 0) & ~attached
    isdig = (cls & F_DIGIT) != 0
    inword = (
        isword
        | (((cls & F_JOIN) != 0) & _shift(isword, 1) & _shift(isword, -1))
        | (((cls & F_NUMJOIN) != 0) & _shift(isdig, 1) & _shift(isdig, -1))
    )
    if not nsbase.any():
        edges = np.diff(inword.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    tok = inword | nsbase | attached
    start = nsbase | (inword & ~_shift(inword, 1))
    end = tok & (_shift(start, -1) | ~_shift(tok, -1))
    return np.flatnonzero(start), np.flatnonzero(end) + 1


def batch_word_hashes_plain(words: list[str]) -> tuple[np.ndarray, int]:
    """Hash already-split words with the same polynomial hash (used for space-less scripts)."""
    if not words:
        return np.zeros(0, dtype=U64), 0
    joined = "\x00".join(words)
    cp = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    lens = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    starts = np.zeros(len(words), dtype=np.int64)
    starts[1:] = np.cumsum(lens[:-1] + 1)
    ends = starts + lens
    bpow, binvpow = _pow_tables(cp.size + 1)
    with np.errstate(over="ignore"):
        pref = np.empty(cp.size + 1, dtype=U64)
        pref[0] = 0
        np.cumsum((cp.astype(U64) + U64(1)) * binvpow[: cp.size], dtype=U64, out=pref[1:])
        wh = (pref[ends] - pref[starts]) * bpow[starts]
        wh = splitmix64(wh ^ lens.astype(U64) * U64(0xD6E8FEB86659FD93))
    return wh, len(words)


_SHINGLE_MULT = splitmix64(np.arange(1, 65, dtype=U64)) | U64(1)


def shingle_hashes(word_hashes: np.ndarray, counts: np.ndarray, n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the word n-grams of each document; a document with 1..n-1 words gives one
    shingle of all its words, an empty one none. Returns (hashes, per-document counts)."""
    if n < 1 or n > 64:
        raise ValueError("shingle size must be 1..64")
    nd = counts.size
    offs = np.zeros(nd + 1, dtype=np.int64)
    offs[1:] = np.cumsum(counts)
    total = int(offs[-1])
    # shingle k of doc d starts at word offs[d]+k, k < max(1, c-n+1) for c > 0
    sc = np.where(counts >= n, counts - n + 1, (counts > 0).astype(np.int64))
    ns = int(sc.sum())
    if ns == 0:
        return np.zeros(0, dtype=U64), sc
    sdoc = np.repeat(np.arange(nd), sc)
    soffs = np.zeros(nd + 1, dtype=np.int64)
    soffs[1:] = np.cumsum(sc)
    start = offs[sdoc] + (np.arange(ns) - soffs[sdoc])
    width = np.minimum(counts[sdoc], n)
    padded = np.concatenate([word_hashes, np.zeros(n, dtype=U64)]) if total else np.zeros(n, dtype=U64)
    acc = np.zeros(ns, dtype=U64)
    with np.errstate(over="ignore"):
        for j in range(n):
            term = padded[start + j] * _SHINGLE_MULT[j]
            acc += np.where(width > j, term, U64(0))
        acc ^= width.astype(U64) * U64(0xA0761D6478BD642F)
    return splitmix64(acc), sc


def text_shingles(texts: list[str], n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Word n-gram shingle hashes of `texts` (lower-cased), concatenated, and per-text counts."""
    wh, counts = batch_word_hashes(texts)
    return shingle_hashes(wh, counts, n)
