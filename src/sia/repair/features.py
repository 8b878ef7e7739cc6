"""Per-segment features for boilerplate classification, computed for a whole page at once.

A unit is one segment of `sia.text.segment` (a sentence or a non-sentence run) of the page's
current clean text. Features are language-blind signals that carry across languages: sentence
punctuation, stop-word density from the language's list, capitalisation (title-case items),
digits, length, marker phrases from the language's data file, whether a short text repeats in
the page (a section label between headlines), the unit's block (line) and neighbourhood, and its
position relative to the page's main text run. Word statistics are computed once per *batch* of pages
(`batch_units`: words from `sia.repair.pagewords`, every page's units and words stacked into one
set of numpy arrays, windows and runs bounded by page), so a short page does not pay the fixed cost
of ~100 numpy calls on its own; per-unit sums are differences of cumulative sums.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import regex

from sia.repair.langdata import markers, stopwords
from sia.repair.pagewords import page_words, word_keys
from sia.text.segment import FRAGMENT, SENTENCE, Segment, segment_arrays

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
# a digit that can open `_BULLET` (the same \d as the pattern)
_BULLET_DIGIT = regex.compile(r"\d")
# `_BULLET`'s symbol alternative is one character then \s: decided by code-point tables (regex's
# \s is `str.isspace` without U+001C..U+001F, and nothing above U+3000 is white space)
_BULLET_SYM = np.zeros(0x10000, dtype=bool)
_BULLET_SYM[[ord(c) for c in "•-*–·▪►"]] = True
_RE_SPACE = np.zeros(0x3002, dtype=bool)
_RE_SPACE[[c for c in range(0x3001) if chr(c).isspace() and not 0x1C <= c <= 0x1F]] = True
# `_SYMBOLS` in two parts, which never overlap: its single characters by a code-point table (a
# regex alternation starting with a character class is slow to scan), its URL parts by regex
_SYMBOL_CHAR = np.zeros(0x10000, dtype=bool)
_SYMBOL_CHAR[[ord(c) for c in "©|»›•@#"]] = True
_SYMBOL_WORDS_SPLIT = regex.compile(r"([hH][tT][tT][pP][sSſ]?:|[wW][wW][wW]\.|\.[cC][oO][mM]\b)")
_SYMBOL_WORDS = regex.compile(r"[hH][tT][tT][pP][sSſ]?:|[wW][wW][wW]\.|\.[cC][oO][mM]\b")
# code-point classes for `_symbol_word_starts`: 1 a `_SYMBOL_CHAR`, 2 ".", 4 ":"
# (and 8 an ASCII digit, for the digit ratio: one scan of the batch finds all of them)
_SYM_CLASS = _SYMBOL_CHAR.astype(np.uint8)
_SYM_CLASS[ord(".")] |= 2
_SYM_CLASS[ord(":")] |= 4
_SYM_CLASS[ord("0") : ord("9") + 1] |= 8


def _anyof(cp: np.ndarray, pos: np.ndarray, chars: str) -> np.ndarray:
    """cp[pos] is one of `chars` (positions outside cp are not)."""
    ok = (pos >= 0) & (pos < len(cp))
    v = cp[np.where(ok, pos, 0)]
    hit = np.zeros(len(pos), dtype=bool)
    for c in chars:
        hit |= v == ord(c)
    return hit & ok


def _symbol_word_starts(text: str, cp: np.ndarray, dots: np.ndarray, colons: np.ndarray) -> np.ndarray:
    """`_match_starts(_SYMBOL_WORDS_SPLIT, text)` without scanning the whole text with the regex:
    every match holds a "." (www., .com) or a ":" (http:), at a fixed distance from its start, so
    the only places a match can start are a few characters before those; the pattern is tried
    there, and the matches are taken left to right without overlap, as a scan takes them."""
    c_com = dots[_anyof(cp, dots + 1, "cC") & _anyof(cp, dots + 2, "oO") & _anyof(cp, dots + 3, "mM")]
    w = dots - 3
    c_www = w[_anyof(cp, w, "wW") & _anyof(cp, w + 1, "wW") & _anyof(cp, w + 2, "wW")]
    h4, h5 = colons - 4, colons - 5
    c_http = np.concatenate((h4[_anyof(cp, h4, "hH")], h5[_anyof(cp, h5, "hH")]))
    cand = np.unique(np.concatenate((c_com, c_www, c_http)))
    out = []
    last = -1
    match = _SYMBOL_WORDS.match
    for p in cand.tolist():
        if p >= last:
            m = match(text, p)
            if m is not None:
                out.append(p)
                last = m.end()
    return np.array(out, dtype=np.int64)


def _match_starts(pat_with_group: regex.Pattern, text: str) -> np.ndarray:
    """Start offsets of the matches of a pattern wrapped in one group, from `split` lengths (no
    Python object per match): pieces alternate non-match, match, non-match, ..."""
    parts = pat_with_group.split(text)
    if len(parts) == 1:
        return np.zeros(0, dtype=np.int64)
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    ends = np.cumsum(lens)
    return ends[1::2] - lens[1::2]


@functools.cache
def _marker_prefixes(lang: str) -> tuple[str, ...]:
    ph = list(markers(lang).get("phrases", []))
    if lang != "en":
        ph += list(markers("en").get("phrases", []))
    return tuple(sorted({p.lower() for p in ph}, key=len, reverse=True))


@functools.cache
def _marker_buckets(lang: str) -> dict[str, tuple[str, ...]]:
    """`_marker_prefixes` by first character: a text starts with one of them exactly when it starts
    with one of its own first character's bucket (a short look-up instead of ~60 prefixes)."""
    out: dict[str, list[str]] = {}
    for p in _marker_prefixes(lang):
        out.setdefault(p[:1], []).append(p)
    return {c: tuple(v) for c, v in out.items()}


# a `Segment` from a (start, end, kind) tuple, with no Python-level call (`Segment._make` has one)
_new_segment = functools.partial(tuple.__new__, Segment)


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


_SLOT_BITS = 16


@functools.cache
def _stop_table(lang: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stop keys of `lang` by their low `_SLOT_BITS` bits: (keys per slot, each slot's count,
    the sorted keys). Keys are hashes, so their low bits are uniform and few slots hold two."""
    keys = _stop_keys(lang)
    slot = (keys & np.uint64((1 << _SLOT_BITS) - 1)).astype(np.int64)
    tab = np.zeros(1 << _SLOT_BITS, dtype=np.uint64)
    tab[slot] = keys
    return tab, np.bincount(slot, minlength=1 << _SLOT_BITS), keys


def _stop_member(values: np.ndarray, lang: str) -> np.ndarray:
    """`_member(values, _stop_keys(lang))` by one table lookup per value instead of a binary search
    (a binary search over unsorted needles mispredicts at every step); values whose slot holds
    several keys take the binary search."""
    tab, cnt, keys = _stop_table(lang)
    slot = (values & np.uint64((1 << _SLOT_BITS) - 1)).astype(np.int64)
    c = cnt[slot]
    out = ((c == 1) & (tab[slot] == values)).astype(np.float64)
    multi = np.flatnonzero(c > 1)
    if len(multi):
        out[multi] = _member(values[multi], keys)
    return out


@dataclass(slots=True)
class PageUnits:
    """A page's units (segments) and their features. The units are kept as offset arrays;
    `spans` and `units` (`Segment` objects) are made on first use, since the stage needs only
    the offsets and a page has thousands of units."""

    text: str
    starts: np.ndarray  # int64 start of each unit in `text`
    ends: np.ndarray
    sentence: np.ndarray  # bool: the unit is a sentence (else a fragment)
    X: np.ndarray  # (n_units, n_features)
    words: np.ndarray  # words per unit
    after: np.ndarray  # first non-space position at or after each unit's end (or len(text))
    _units: list[Segment] | None = field(default=None, repr=False, compare=False)

    @property
    def spans(self) -> list[tuple[int, int, str]]:
        """(start, end, kind) of each unit, as `segment_spans` gives them."""
        kinds = map((FRAGMENT, SENTENCE).__getitem__, self.sentence.tolist())
        return list(zip(self.starts.tolist(), self.ends.tolist(), kinds))

    @property
    def units(self) -> list[Segment]:
        if self._units is None:
            self._units = list(map(_new_segment, self.spans))
        return self._units


def _window_mean(
    values: np.ndarray,
    weights: np.ndarray,
    k: int,
    lo_lim: np.ndarray | None = None,
    hi_lim: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted mean of `values` over the k units on each side, the unit itself left out; with
    `lo_lim`/`hi_lim` (each unit's page bounds) a window never reaches into another page."""
    vw = np.concatenate(([0.0], np.cumsum(values * weights)))
    w = np.concatenate(([0.0], np.cumsum(weights)))
    n = len(values)
    idx = np.arange(n)
    lo = np.maximum(0 if lo_lim is None else lo_lim, idx - k)
    hi = np.minimum(n if hi_lim is None else hi_lim, idx + k + 1)
    num = vw[hi] - vw[lo] - values * weights
    den = w[hi] - w[lo] - weights
    return np.where(den > 1e-9, num / np.maximum(den, 1e-9), 0.0)


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
    return batch_units([text], [lang])[0]


def batch_units(texts: list[str], langs: list[str | None]) -> list[PageUnits]:
    """`page_units` of every page of a batch, the numpy work done once over the whole batch (a
    page of a few hundred words would otherwise pay ~100 numpy calls of fixed cost)."""
    nd = len(texts)
    tlen = np.fromiter(map(len, texts), dtype=np.int64, count=nd)
    doff = np.zeros(nd, dtype=np.int64)
    doff[1:] = np.cumsum(tlen[:-1] + 1)
    # units of every page at once, in offsets of the pages joined by one character (a line break
    # there, which ends every segment; a NUL below, which no pattern matches)
    us, ue, is_sent, bstart, _, after = segment_arrays("\n".join(texts), langs, doff)
    joined = "\x00".join(texts)
    udoc = np.searchsorted(doff, us, side="right") - 1
    nu = np.bincount(udoc, minlength=nd)
    out: list[PageUnits] = []
    n = len(us)
    if n == 0:
        z = np.zeros(0, dtype=np.int64)
        return [
            PageUnits(t, z, z, z.astype(bool), np.zeros((0, len(FEATURES))), np.zeros(0), z) for t in texts
        ]
    ufirst = np.zeros(nd + 1, dtype=np.int64)
    ufirst[1:] = np.cumsum(nu)
    sentence = is_sent.astype(np.float64)
    # words
    pws = [page_words(t) for t in texts]
    nwd = np.fromiter((len(p.starts) for p in pws), dtype=np.int64, count=nd)
    wdoc = np.repeat(np.arange(nd), nwd)
    ws = np.concatenate([p.starts for p in pws]) + doff[wdoc] if nwd.sum() else np.zeros(0, np.int64)
    we = np.concatenate([p.ends for p in pws]) + doff[wdoc] if nwd.sum() else np.zeros(0, np.int64)
    keys = np.concatenate([p.keys for p in pws]) if nwd.sum() else np.zeros(0, np.uint64)
    stop_sets = [stopwords(lg) if lg else frozenset() for lg in langs]
    has_stops = np.array([bool(st) for st in stop_sets])
    is_stop = np.zeros(len(ws))
    stop_langs = list(dict.fromkeys(lg for lg, hs in zip(langs, has_stops) if hs))
    if len(stop_langs) == 1 and has_stops.all():
        is_stop = _stop_member(keys, stop_langs[0])  # the usual batch: one language
    elif stop_langs:
        lang_id = np.array([stop_langs.index(lg) if hs else -1 for lg, hs in zip(langs, has_stops)])
        wlang = lang_id[wdoc]
        for k, lg in enumerate(stop_langs):
            sel = np.flatnonzero(wlang == k)
            is_stop[sel] = _stop_member(keys[sel], lg)
    cp = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
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
    stop_d = stop / safe
    ustops = has_stops[udoc]
    # blocks: which line each unit sits in
    bidx = np.searchsorted(bstart, us, side="right") - 1
    nb = len(bstart)
    bwords = np.bincount(bidx, weights=nw, minlength=nb)
    bsent = np.bincount(bidx, weights=nw * sentence, minlength=nb)
    bunits = np.bincount(bidx, minlength=nb)
    marker = np.zeros(n)
    rep = np.zeros(n)
    # short units: plain lists, since indexing numpy arrays one element at a time is slow
    short = np.nonzero(nw <= 8)[0]
    sbound = np.searchsorted(udoc[short], np.arange(nd + 1)).tolist()  # units are in page order
    s_idx, s_st, s_en = short.tolist(), us[short].tolist(), ue[short].tolist()
    s_six = (nw[short] <= 6).tolist()
    mark_i: list[int] = []
    rep_i: list[int] = []
    for d in range(nd):
        lo, hi = sbound[d], sbound[d + 1]
        if lo == hi:
            continue
        buckets = _marker_buckets(langs[d] or "en")
        if "" in buckets:  # an empty phrase starts every text
            mark_i += s_idx[lo:hi]
            buckets = {}
        get = buckets.get
        norm = [joined[a:b].lower() for a, b in zip(s_st[lo:hi], s_en[lo:hi])]
        six = s_six[lo:hi]
        mark_i += [i for i, t in zip(s_idx[lo:hi], norm) if t.startswith(get(t[:1], ()))]
        counts = Counter(t for t, k in zip(norm, six) if k)
        dup = {t for t, c in counts.items() if c >= 2}
        if dup:
            rep_i += [i for i, t, k in zip(s_idx[lo:hi], norm, six) if k and t in dup]
    marker[mark_i] = 1.0
    rep[rep_i] = 1.0
    # symbols and bullets: one pass over the batch, then per-unit counts by position
    sym_at = np.flatnonzero(_SYM_CLASS.take(cp, mode="clip"))  # clip: above U+FFFF, no class
    sym_cls = _SYM_CLASS[cp[sym_at]]
    digit_at = sym_at[(sym_cls & 8) != 0]
    sym_at, sym_cls = sym_at[sym_cls != 8], sym_cls[sym_cls != 8]
    sym_char = sym_at[(sym_cls & 1) != 0]
    words_at = _symbol_word_starts(joined, cp, sym_at[(sym_cls & 2) != 0], sym_at[(sym_cls & 4) != 0])
    sym_pos = np.sort(np.concatenate((sym_char, words_at)))
    sym = (np.searchsorted(sym_pos, ue) - np.searchsorted(sym_pos, us) > 0).astype(np.float64)
    # a bullet matters only where a unit starts (units never start inside a bullet match): try
    # the pattern there, and only at units whose first character can open one
    # the symbol alternative by table (a symbol then \s), the digit one by the pattern
    nxt = np.minimum(us + 1, len(cp) - 1)
    after_ws = _RE_SPACE[np.minimum(cp[nxt], 0x3001)] & (us + 1 < len(cp))
    bullet = (_BULLET_SYM[np.minimum(cp[us], 0xFFFF)] & after_ws).astype(np.float64)
    firsts_u = cp[us].tobytes().decode("utf-32-le", errors="surrogatepass")
    usl = us.tolist()
    dig = [m.start() for m in _BULLET_DIGIT.finditer(firsts_u)]
    bullet[[i for i in dig if _BULLET.match(joined, usl[i])]] = 1.0
    digits = (np.searchsorted(digit_at, ue) - np.searchsorted(digit_at, us)) / np.maximum(ue - us, 1)
    # sentence-likeness of a unit on its own, for context and the main run
    good = (sentence > 0) & (nw >= 6) & ((stop_d >= 0.15) | ~ustops)
    gscore = np.where(good, nw, np.where(nw >= 3, -0.5 * nw, -1.0))
    ma = np.zeros(nd, dtype=np.int64)
    mb = np.zeros(nd, dtype=np.int64)
    for d in range(nd):
        ma[d], mb[d] = main_run(gscore[ufirst[d] : ufirst[d + 1]])
    lo_lim, hi_lim = ufirst[udoc], ufirst[udoc + 1]
    idx = np.arange(n) - lo_lim  # index within the page
    uma, umb = ma[udoc], mb[udoc]
    X = np.zeros((n, len(FEATURES)), dtype=np.float64)
    X[:, 0] = 1.0
    X[:, 1] = np.log1p(nw)
    X[:, 2] = sentence
    X[:, 3] = stop_d
    X[:, 4] = cap / np.maximum(cased, 1)
    X[:, 5] = digits
    X[:, 6] = marker
    X[:, 7] = (us - doff[udoc]) / np.maximum(1, tlen[udoc])
    X[:, 8] = np.log1p(bwords[bidx])
    X[:, 9] = bsent[bidx] / np.maximum(bwords[bidx], 1)
    X[:, 10] = rep
    X[:, 11] = np.minimum(wl / safe, 15) / 10
    X[:, 12] = ((sentence == 0) & (nw > 30)).astype(np.float64)
    X[:, 13] = _window_mean(good.astype(np.float64), np.maximum(nw, 1), 3, lo_lim, hi_lim)
    X[:, 14] = ((idx >= uma) & (idx < umb)).astype(np.float64)
    X[:, 15] = (idx >= umb).astype(np.float64)
    X[:, 16] = (idx < uma).astype(np.float64)
    X[:, 17] = sym
    X[:, 18] = (nw < 4).astype(np.float64)
    X[:, 19] = stop_d * sentence
    X[:, 20] = (bwords[bidx] <= 5).astype(np.float64)
    X[:, 21] = bullet
    X[:, 22] = _window_mean(stop_d, np.maximum(nw, 1), 3, lo_lim, hi_lim)
    X[:, 23] = (bunits[bidx] == 1).astype(np.float64)
    X[:, 24] = ((stop == 0) & (nw >= 3) & ustops).astype(np.float64)
    # runs of consecutive non-sentences (a headline list, a menu): their total words; a run
    # never continues into the next page
    frag = sentence == 0
    brk = (frag[1:] != frag[:-1]) | (udoc[1:] != udoc[:-1])
    run_id = np.cumsum(np.concatenate(([1], brk.astype(np.int64))))
    run_words = np.bincount(run_id, weights=nw)
    X[:, 25] = np.where(frag, np.log1p(run_words[run_id]), 0.0)
    cwg = np.concatenate(([0.0], np.cumsum(nw)))
    cw = cwg[1:] - cwg[lo_lim]  # words up to and including the unit, within its page
    end_main = np.where(umb > 0, cwg[lo_lim + umb] - cwg[lo_lim], 0.0)
    X[:, 26] = np.log1p(np.maximum(0.0, cw - nw - end_main)) * (idx >= umb)
    ps, pe, pa = us - doff[udoc], ue - doff[udoc], after - doff[udoc]
    for d, t in enumerate(texts):
        u0, u1 = int(ufirst[d]), int(ufirst[d + 1])
        out.append(PageUnits(t, ps[u0:u1], pe[u0:u1], is_sent[u0:u1], X[u0:u1], nw[u0:u1], pa[u0:u1]))
    return out


def context_features(
    p: np.ndarray, words: np.ndarray, lo: np.ndarray | None = None, hi: np.ndarray | None = None
) -> np.ndarray:
    """Second-pass features from first-pass probabilities: the unit's and its neighbours'.
    `lo`/`hi` are each unit's page bounds when several pages are stacked (default: one page)."""
    w = np.maximum(words, 1)
    n = len(p)
    prev = np.concatenate(([0.5], p[:-1])) if n else p
    nxt = np.concatenate((p[1:], [0.5])) if n else p
    if lo is not None and hi is not None and n:
        idx = np.arange(n)
        prev = np.where(idx == lo, 0.5, prev)
        nxt = np.where(idx == hi - 1, 0.5, nxt)
    m2 = _window_mean(p, w, 2, lo, hi)
    return np.stack([p, m2, _window_mean(p, w, 6, lo, hi), prev, nxt, p * m2], axis=1)
