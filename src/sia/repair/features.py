"""Per-segment features for boilerplate classification, computed for a whole page at once.

A unit is one segment of `sia.text.segment` (a sentence or a non-sentence run) of the page's
current clean text. Features are language-blind signals that carry across languages: sentence
punctuation, stop-word density from the language's list, capitalisation (title-case items),
digits, length, marker phrases from the language's data file, whether a short text repeats in
the page (a section label between headlines), the unit's block (line) and neighbourhood, and its
position relative to the page's main text run. Word statistics are computed once per page as
numpy arrays and summed per unit with `np.add.reduceat`, so the cost is a few passes over words.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

import numpy as np
import regex

from sia.repair.langdata import markers, stopwords
from sia.repair.pagewords import page_words, word_keys
from sia.text.segment import SENTENCE, Segment, blocks, segment_spans

FEATURES = (
    "bias",
    "log_words",
    "sentence",
    "stop_density",
    "cap_ratio",
    "digit_ratio",
    "marker",
    "rel_pos",
    "log_block_words",
    "block_sentence_frac",
    "repeated_label",
    "mean_word_len",
    "long_fragment",
    "ctx_sentence",
    "in_main",
    "after_main",
    "before_main",
    "symbols",
    "very_short",
    "stop_x_sentence",
    "short_block",
    "bullet",
    "ctx_stop",
    "block_single_unit",
    "no_stops",
    "log_frag_run",
    "words_after_main",
)
# case-insensitive by hand (same matches as IGNORECASE, which makes `regex` try every position slowly)
_SYMBOLS = regex.compile(r"[©|»›•@#]|[hH][tT][tT][pP][sSſ]?:|[wW][wW][wW]\.|\.[cC][oO][mM]\b")
_BULLET = regex.compile(r"(?:[•\-*–·▪►]|\d+[.)])\s")


@functools.cache
def _marker_prefixes(lang: str) -> tuple[str, ...]:
    ph = list(markers(lang).get("phrases", []))
    if lang != "en":
        ph += list(markers("en").get("phrases", []))
    return tuple(sorted({p.lower() for p in ph}, key=len, reverse=True))


@functools.cache
def _stop_keys(lang: str) -> np.ndarray:
    """Sorted word keys of the language's stop words: membership is one binary search per word."""
    return np.unique(word_keys(sorted(stopwords(lang))))


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """1.0 where a value is in `sorted_set` (sorted, unique), else 0.0 (np.isin sorts every call)."""
    if not len(sorted_set):
        return np.zeros(len(values))
    i = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return (sorted_set[i] == values).astype(np.float64)


@dataclass(slots=True)
class PageUnits:
    text: str
    units: list[Segment]
    X: np.ndarray  # (n_units, n_features)
    words: np.ndarray  # words per unit


def _window_mean(values: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted mean of `values` over the k units on each side, the unit itself left out."""
    vw = np.concatenate(([0.0], np.cumsum(values * weights)))
    w = np.concatenate(([0.0], np.cumsum(weights)))
    n = len(values)
    idx = np.arange(n)
    lo = np.maximum(0, idx - k)
    hi = np.minimum(n, idx + k + 1)
    num = vw[hi] - vw[lo] - values * weights
    den = w[hi] - w[lo] - weights
    return np.where(den > 0, num / np.maximum(den, 1e-9), 0.0)


def main_run(good: np.ndarray) -> tuple[int, int]:
    """[a, b) maximising the sum of `good` (Kadane): the page's densest run of prose."""
    best = cur = 0.0
    a = b = 0
    start = 0
    for i, g in enumerate(good.tolist()):
        if cur <= 0:
            cur = g
            start = i
        else:
            cur += g
        if cur > best:
            best, a, b = cur, start, i + 1
    return a, b


def page_units(text: str, lang: str | None) -> PageUnits:
    """Segment `text` and compute the feature matrix of its units."""
    spans = segment_spans(text, lang)
    units = [Segment(a, b, k) for a, b, k in spans]
    n = len(units)
    X = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return PageUnits(text, units, X, np.zeros(0))
    pw = page_words(text)
    ws, we = pw.starts, pw.ends
    stops = stopwords(lang) if lang else frozenset()
    is_stop = _member(pw.keys, _stop_keys(lang)) if stops else np.zeros(len(ws))
    cp = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    f32 = cp[ws]
    firsts = f32.tobytes().decode("utf-32-le", errors="surrogatepass")
    lo_f, up_f = firsts.lower(), firsts.upper()
    if len(lo_f) == len(firsts) == len(up_f):
        lo32 = np.frombuffer(lo_f.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
        up32 = np.frombuffer(up_f.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
        is_cap = (f32 != lo32).astype(np.float64)
        has_case = (lo32 != up32).astype(np.float64)
    else:
        is_cap = np.fromiter((c.isupper() for c in firsts), dtype=np.float64, count=len(firsts))
        has_case = np.fromiter(
            (c.isupper() or c.islower() for c in firsts), dtype=np.float64, count=len(firsts)
        )
    wlen = (we - ws).astype(np.float64)
    digit_cum = np.concatenate(([0], np.cumsum((cp >= 48) & (cp <= 57))))
    us_l, ue_l, kinds = zip(*spans)
    us = np.array(us_l, dtype=np.int64)
    ue = np.array(ue_l, dtype=np.int64)
    a = np.searchsorted(ws, us)
    b = np.searchsorted(ws, ue)
    nw = (b - a).astype(np.float64)

    def per_unit(v: np.ndarray) -> np.ndarray:
        c = np.concatenate(([0.0], np.cumsum(v)))
        return c[b] - c[a]

    stop = per_unit(is_stop)
    cap = per_unit(is_cap)
    cased = per_unit(has_case)
    wl = per_unit(wlen)
    safe = np.maximum(nw, 1)
    sentence = np.array([k == SENTENCE for k in kinds], dtype=np.float64)
    stop_d = stop / safe
    nchar = (ue - us).astype(np.float64)
    # blocks: which line each unit sits in
    bl = blocks(text)
    bstart = np.array([s for s, _ in bl], dtype=np.int64)
    bidx = np.searchsorted(bstart, us, side="right") - 1
    nb = len(bl)
    bwords = np.bincount(bidx, weights=nw, minlength=nb)
    bsent = np.bincount(bidx, weights=nw * sentence, minlength=nb)
    bunits = np.bincount(bidx, minlength=nb)
    prefixes = _marker_prefixes(lang or "en")
    short = np.nonzero(nw <= 8)[0].tolist()
    norm = {i: text[us[i] : ue[i]].lower() for i in short}
    counts = Counter(t for i, t in norm.items() if nw[i] <= 6)
    marker = np.zeros(n)
    rep = np.zeros(n)
    for i, t in norm.items():
        if t.startswith(prefixes):
            marker[i] = 1.0
        if nw[i] <= 6 and counts[t] >= 2:
            rep[i] = 1.0
    # symbols and bullets: one pass over the page, then per-unit counts by position
    sym_pos = np.array([m.start() for m in _SYMBOLS.finditer(text)], dtype=np.int64)
    sym = (np.searchsorted(sym_pos, ue) - np.searchsorted(sym_pos, us) > 0).astype(np.float64)
    bul_pos = np.array([m.start() for m in _BULLET.finditer(text)], dtype=np.int64)
    bullet = _member(us, bul_pos)
    digits = (digit_cum[ue] - digit_cum[us]) / np.maximum(ue - us, 1)
    # sentence-likeness of a unit on its own, for context and the main run
    good = (sentence > 0) & (nw >= 6) & ((stop_d >= 0.15) | (not stops))
    gscore = np.where(good, nw, np.where(nw >= 3, -0.5 * nw, -1.0))
    ma, mb = main_run(gscore)
    idx = np.arange(n)
    X[:, 0] = 1.0
    X[:, 1] = np.log1p(nw)
    X[:, 2] = sentence
    X[:, 3] = stop_d
    X[:, 4] = cap / np.maximum(cased, 1)
    X[:, 5] = digits
    X[:, 6] = marker
    X[:, 7] = us / max(1, len(text))
    X[:, 8] = np.log1p(bwords[bidx])
    X[:, 9] = bsent[bidx] / np.maximum(bwords[bidx], 1)
    X[:, 10] = rep
    X[:, 11] = np.minimum(wl / safe, 15) / 10
    X[:, 12] = ((sentence == 0) & (nw > 30)).astype(np.float64)
    X[:, 13] = _window_mean(good.astype(np.float64), np.maximum(nw, 1), 3)
    X[:, 14] = ((idx >= ma) & (idx < mb)).astype(np.float64)
    X[:, 15] = (idx >= mb).astype(np.float64)
    X[:, 16] = (idx < ma).astype(np.float64)
    X[:, 17] = sym
    X[:, 18] = (nw < 4).astype(np.float64)
    X[:, 19] = stop_d * sentence
    X[:, 20] = (bwords[bidx] <= 5).astype(np.float64)
    X[:, 21] = bullet
    X[:, 22] = _window_mean(stop_d, np.maximum(nw, 1), 3)
    X[:, 23] = (bunits[bidx] == 1).astype(np.float64)
    X[:, 24] = ((stop == 0) & (nw >= 3)).astype(np.float64) if stops else 0.0
    # runs of consecutive non-sentences (a headline list, a menu): their total words
    frag = sentence == 0
    run_id = np.cumsum(np.concatenate(([1], (frag[1:] != frag[:-1]).astype(np.int64))))
    run_words = np.bincount(run_id, weights=nw)
    X[:, 25] = np.where(frag, np.log1p(run_words[run_id]), 0.0)
    cw = np.cumsum(nw)
    end_main = cw[mb - 1] if mb > 0 else 0.0
    X[:, 26] = np.log1p(np.maximum(0.0, cw - nw - end_main)) * (idx >= mb)
    del nchar
    return PageUnits(text, units, X, nw)


def context_features(p: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Second-pass features from first-pass probabilities: the unit's and its neighbours'."""
    w = np.maximum(words, 1)
    n = len(p)
    prev = np.concatenate(([0.5], p[:-1])) if n else p
    nxt = np.concatenate((p[1:], [0.5])) if n else p
    return np.stack(
        [p, _window_mean(p, w, 2), _window_mean(p, w, 6), prev, nxt, p * _window_mean(p, w, 2)], axis=1
    )
