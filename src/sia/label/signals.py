"""Quality signals for a batch of texts: Gopher quality, Gopher repetition and FineWeb numbers.

Each signal means what its anchor (datatrove's filters, the Gopher paper's Table A1, FineWeb)
means; docs/quality.md lists every definition and where sia deliberately differs.

Tokens. datatrove splits words with spaCy, which also emits every punctuation mark as a token, and
its signals count those tokens (the alpha-word share, the "#" ratio, n-grams, the newline ratio).
sia takes its words from `sia.text.words` (one rule for every script) and adds one token per
punctuation mark or symbol between words (a run of dots or of hyphens is one token, like spaCy),
so the token stream has the anchor's shape without a per-language tokenizer.

Speed. Tokenising is one compiled regex pass per document. Everything per token is done over the
whole batch at once in numpy: token hashes (Python's `hash`, consistent within a process, which is
all a per-document comparison needs) are combined into n-gram hashes by a rolling multiply, and
one sort per n finds counts and first occurrences for every document of the batch together.
Per-line work (a few dozen lines per document) stays in plain Python string methods.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import regex

from sia.text.words import WORD_RE

# sia's words, plus one token per punctuation mark or symbol (runs of dots/hyphens kept whole)
TOKEN_RE = regex.compile(rf"{WORD_RE.pattern}|\.{{2,}}|-{{2,}}|\S", regex.V1)
# in "\n".join(tokens): tokens that hold no letter, and tokens that are punctuation/symbols
_NO_ALPHA_RE = regex.compile(r"^[^\p{L}\n]+$", regex.MULTILINE)
_PUNCT_TOKEN_RE = regex.compile(r"^[^\p{L}\p{N}\p{M}\u200c\u200d\n][^\n]*$", regex.MULTILINE)
_PARA_RE = re.compile(r"\n{2,}")
_LINES_RE = re.compile(r"\n+")
# Unicode Sentence_Terminal: the marks FineWeb's line-punctuation rule accepts at a line end
STERM_EOL_RE = regex.compile(r"\p{Sentence_Terminal}$", regex.MULTILINE)

_P = np.uint64(0x100000001B3)  # rolling-hash multiplier (FNV prime)
_DOC_MIX = np.uint64(0x9E3779B97F4A7C15)

TOP_NS = (2, 3, 4)
DUP_NS = (5, 6, 7, 8, 9, 10)


def tokenize(text: str) -> list[str]:
    """Words and punctuation tokens of `text` (see module docstring)."""
    return TOKEN_RE.findall(text)


def token_stats(tokens: list[str]) -> tuple[int, int, int]:
    """(word count, total characters of words, tokens without a letter)."""
    if not tokens:
        return 0, 0, 0
    joined = "\n".join(tokens)
    punct = _PUNCT_TOKEN_RE.findall(joined)
    n_words = len(tokens) - len(punct)
    word_chars = len(joined) - (len(tokens) - 1) - sum(map(len, punct))
    no_alpha = len(_NO_ALPHA_RE.findall(joined))
    return n_words, word_chars, no_alpha


def dup_count_chars(items: list[str]) -> tuple[int, int]:
    """Repeats of earlier items: (count, characters) -- each repeat after the first occurrence."""
    uniq = set(items)
    return len(items) - len(uniq), sum(map(len, items)) - sum(map(len, uniq))


# -- Gopher quality --------------------------------------------------------------------------------
def gopher_quality(text: str, tokens: list[str], stop_words: frozenset[str]) -> dict[str, float]:
    n_tok = len(tokens)
    n_words, word_chars, no_alpha = token_stats(tokens)
    lines = text.splitlines() or [""]
    n_lines = len(lines)
    bullets = sum(1 for s in lines if s.lstrip().startswith(("•", "-")))
    ell_lines = sum(1 for s in lines if s.rstrip().endswith(("...", "…")))
    denom = max(n_tok, 1)
    return {
        "gq_words": float(n_words),
        "gq_mean_word_len": word_chars / n_words if n_words else 0.0,
        "gq_hash_ratio": text.count("#") / denom,
        "gq_ellipsis_ratio": (text.count("...") + text.count("…")) / denom,
        "gq_bullet_lines": bullets / n_lines,
        "gq_ellipsis_lines": ell_lines / n_lines,
        "gq_alpha_words": (n_tok - no_alpha) / n_tok if n_tok else 0.0,
        "gq_stop_words": float(len(stop_words.intersection(tokens))),
    }


# -- Gopher repetition (lines and paragraphs; n-grams are batched below) --------------------------
def repetition_lines(text: str) -> dict[str, float]:
    n = max(len(text), 1)
    paras = _PARA_RE.split(text.strip())
    pd, pc = dup_count_chars(paras)
    lines = _LINES_RE.split(text)
    ld, lc = dup_count_chars(lines)
    return {
        "gr_dup_para_frac": pd / len(paras),
        "gr_dup_para_char_frac": pc / n,
        "gr_dup_line_frac": ld / len(lines),
        "gr_dup_line_char_frac": lc / n,
    }


def ngram_fractions(
    token_lists: Sequence[list[str]],
    text_lens: Sequence[int],
    top_ns: Sequence[int] = TOP_NS,
    dup_ns: Sequence[int] = DUP_NS,
) -> tuple[np.ndarray, np.ndarray]:
    """Top n-gram and duplicated n-gram character fractions for a batch of token lists.

    top[b, j]: characters of the most frequent `top_ns[j]`-gram (words joined by one space) times
    its count, over the text length; ties go to the n-gram seen first (as Counter.most_common).
    dup[b, j]: characters of words inside repeated `dup_ns[j]`-grams over the text length. Like the
    anchor, a scan from the left counts a repeated n-gram and jumps past it, so a repeated passage
    of L words counts n * ceil((L - n + 1) / n) words; per run of repeated positions that is
    computed in closed form.
    """
    b = len(token_lists)
    top = np.zeros((b, len(top_ns)))
    dup = np.zeros((b, len(dup_ns)))
    counts = np.fromiter(map(len, token_lists), np.int64, b)
    n_tot = int(counts.sum())
    if n_tot == 0:
        return top, dup
    flat = [t for toks in token_lists for t in toks]
    h = np.fromiter(map(hash, flat), np.int64, n_tot).view(np.uint64)
    lens = np.fromiter(map(len, flat), np.int64, n_tot)
    cum = np.zeros(n_tot + 1, np.int64)
    np.cumsum(lens, out=cum[1:])
    doc = np.repeat(np.arange(b), counts)
    starts = np.cumsum(counts) - counts
    remaining = counts[doc] - (np.arange(n_tot) - starts[doc])  # tokens from i to its doc's end
    tl = np.maximum(np.asarray(text_lens, dtype=np.float64), 1.0)
    docmix = doc.astype(np.uint64) * _DOC_MIX
    g = h.copy()
    cand: np.ndarray | None = None  # positions whose 5-gram repeats; longer repeats start only there
    min_dup = min(dup_ns) if dup_ns else 0
    for n in range(2, max(list(top_ns) + list(dup_ns)) + 1):
        g = g[:-1] * _P + h[n - 1 :]  # g[i]: hash of tokens i .. i+n-1
        if n not in top_ns and n not in dup_ns:
            continue
        m = n_tot - n + 1
        valid = remaining[:m] >= n
        if cand is not None and n > min_dup:
            valid &= cand[:m]
        idx = np.flatnonzero(valid)
        if idx.size == 0:
            continue
        key = g[idx] ^ docmix[idx]
        _, first, inv, cnt = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        first_pos = idx[first]
        if n in top_ns:
            udoc = doc[first_pos]
            order = np.lexsort((first_pos, -cnt, udoc))
            ds = udoc[order]
            sel = order[np.r_[True, ds[1:] != ds[:-1]]]
            p = first_pos[sel]
            d = udoc[sel]
            top[d, top_ns.index(n)] = (cum[p + n] - cum[p] + (n - 1)) * cnt[sel] / tl[d]
        if n in dup_ns:
            if n == min_dup:
                cand = np.zeros(n_tot, bool)
                cand[idx[cnt[inv] >= 2]] = True
            flag = np.zeros(n_tot + 2, np.int8)
            flag[idx + 1] = first_pos[inv] < idx
            edges = np.diff(flag)
            s = np.flatnonzero(edges == 1)
            e = np.flatnonzero(edges == -1) - 1
            if s.size:
                k = (e - s) // n + 1
                chars = cum[s + k * n] - cum[s]
                dup[:, dup_ns.index(n)] = np.bincount(doc[s], weights=chars, minlength=b) / tl
    return top, dup


# -- FineWeb ---------------------------------------------------------------------------------------
def fineweb(text: str, n_tokens: int, short_line_len: int = 30) -> dict[str, float]:
    lines = [s for s in text.split("\n") if s.strip()]
    if not lines:
        return {"fw_lines": 0.0, "fw_line_punct": 0.0, "fw_short_lines": 0.0, "fw_dup_chars": 0.0,
                "fw_newline_ratio": 0.0}  # fmt: skip
    nl = text.count("\n")
    punct = len(STERM_EOL_RE.findall(text))  # a blank line never ends in a terminal mark
    short = sum(1 for s in lines if len(s) <= short_line_len)
    _, dchars = dup_count_chars(lines)
    return {
        "fw_lines": float(len(lines)),
        "fw_line_punct": punct / len(lines),
        "fw_short_lines": short / len(lines),
        "fw_dup_chars": dchars / max(len(text) - nl, 1),
        "fw_newline_ratio": nl / max(n_tokens, 1),
    }


def batch_signals(
    texts: Sequence[str],
    cfg: dict[str, Any],
    families: frozenset[str] = frozenset({"gopher_quality", "gopher_repetition", "fineweb"}),
    tokens: Sequence[list[str]] | None = None,
) -> list[dict[str, float]]:
    """Signals of every family in `families` for every text, thresholds/stop words from `cfg`."""
    toks = list(tokens) if tokens is not None else [tokenize(t) for t in texts]
    out: list[dict[str, float]] = [{} for _ in texts]
    if "gopher_quality" in families:
        stop = frozenset(cfg.get("stop_words") or ())
        for o, t, tk in zip(out, texts, toks, strict=True):
            o.update(gopher_quality(t, tk, stop))
    if "gopher_repetition" in families:
        for o, t in zip(out, texts, strict=True):
            o.update(repetition_lines(t))
        top, dup = ngram_fractions(toks, [len(t) for t in texts])
        for i, o in enumerate(out):
            for j, n in enumerate(TOP_NS):
                o[f"gr_top_{n}_gram"] = float(top[i, j])
            for j, n in enumerate(DUP_NS):
                o[f"gr_dup_{n}_gram"] = float(dup[i, j])
    if "fineweb" in families:
        sl = int(cfg.get("fineweb", {}).get("short_line_len", 30))
        for o, t, tk in zip(out, texts, toks, strict=True):
            o.update(fineweb(t, len(tk), sl))
    return out
