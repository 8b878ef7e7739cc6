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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress, count
from operator import itemgetter, not_
from typing import Any

import numpy as np
import regex

from sia.text.words import _NOSPACE

# Tokens: sia's word rule (sia.text.words: letters, marks and digits; scripts written without
# spaces one character a token) with the anchor's token boundaries inside a run of non-space
# characters: the anchor (spaCy) splits off leading and trailing punctuation but keeps most inner
# punctuation ("example.com", "a_b", "17:00", "1,000", "user@host"), and splits only a hyphen or
# one of : / < > = before a letter ("Norður-Kóreu" is three tokens, "COVID-19" one), a comma
# between letters, a period between a lower- and an upper-case letter, an operator between
# digits ("0-62") and a final 's. URLs are one token. Every other punctuation mark or symbol is a
# token of its own (a run of dots or of hyphens is one token).
_W = r"[\p{L}\p{N}\p{M}\u200c\u200d]"
_W_SPACED = rf"[{_W[1:-1]}--[{_NOSPACE}]]"
_JOIN = (
    r"(?:['’](?![sS](?![\p{L}\p{N}]))"  # apostrophe, but a final 's is its own token
    r"|[‐\u00ad_@&%~$§]+"
    r"|(?<=[\p{L}\p{M}])-(?=\p{N})"  # COVID-19
    r"|[:/<>=](?=\p{N})"  # 17:00, 3/4
    r"|(?<=\p{N}),|,(?=\p{N})"  # 1,000
    r"|(?<!\p{Ll})\.(?=[\p{L}\p{N}])|\.(?=[\p{N}\p{Ll}])"  # example.com, 3.14; not end.Start
    r")"
)
# a join is tried only where one of its characters stands (one class test instead of every branch)
_JOIN_GUARD = r"(?=['’‐\u00ad_@&%~$§\-:/<>=,.])"
_JOIN_HYPHEN = r"|-(?=[\p{L}\p{M}])"  # languages whose anchor tokenizer keeps "Etelä-Suomen" whole
_CLITIC = r"['’](?:[sStTmMdD]|re|ve|ll|RE|VE|LL)(?![\p{L}\p{N}])"  # English: do|n't, we|'re
_ORDINAL = r"\p{N}+\.(?![\p{L}\p{N}])|"  # languages whose anchor tokenizer keeps "22." whole
_INITIALS = r"(?:\p{Lu}\.)+(?![\p{L}\p{N}])|"  # ... and "U.S." / "E." whole (English)
_URL = r"(?:https?://|www\.)[^\s]*[^\s.,;:!?)\]'\"”’»]"
_PUNCT = r"['’][sS](?![\p{L}\p{N}])|\.{2,}|-{2,}|\S"


@lru_cache(maxsize=16)
def _token_res(
    hyphen_splits: bool,
    ordinal_period: bool,
    initials: bool = False,
    clitics: bool = False,
    attached_final: str = "",
    attached_script: str = "",
    private_use: bool = False,
    edge_marks: str = "",
    attached_any: str = "",
) -> tuple[regex.Pattern, regex.Pattern]:
    """(pattern for any text, faster pattern for text without scripts written without spaces)."""
    join = _JOIN if hyphen_splits else _JOIN[:-1] + _JOIN_HYPHEN + ")"
    punct = _PUNCT
    if clitics:  # the apostrophe of a clitic starts a token ("don" "'t" counts as spaCy's "do" "n't")
        join = join.replace(r"['’](?![sS](?![\p{L}\p{N}]))", rf"['’](?!{_CLITIC[4:]})")
        punct = _CLITIC + "|" + _PUNCT
    ordn = (_ORDINAL if ordinal_period else "") + (_INITIALS if initials else "")
    w = _W[:-1] + r"\p{Co}]" if private_use else _W  # private-use characters as word characters
    ws = rf"[{w[1:-1]}--[{_NOSPACE}]]"
    # marks that stay on the word they end when it is of `attached_script` ("იყო." one token)
    tail = ""
    if attached_final:
        after = rf"(?<=\p{{{attached_script}}})" if attached_script else ""
        tail = rf"{after}[{regex.escape(attached_final)}]"
    if attached_any:  # ... and marks that stay on whatever they follow (Armenian "։")
        tail = rf"{tail}|[{regex.escape(attached_any)}]" if tail else rf"[{regex.escape(attached_any)}]"
    tail = rf"(?:{tail})?" if tail else ""
    # marks the anchor treats as neither prefix nor suffix stay on a word's edge ("-ci", "Kreativ-",
    # "@user", "/tmp", "TV+"); a leading one only where no word character precedes ("a/b" splits),
    # a trailing one only where none follows (else it is an infix: "5-8", "Norður-Kóreu")
    lead = trail = ""
    if edge_marks:
        m = regex.escape(edge_marks.replace("+", ""))
        plus = r"|\+(?=\p{N})" if "+" in edge_marks else ""
        lead = rf"(?:(?<![\p{{L}}\p{{N}}\p{{M}}])(?:[{m}]{plus})+(?={w}))?"
        e = regex.escape(edge_marks)
        trail = rf"(?:[{e}]+(?![\p{{L}}\p{{N}}{e}]))?"
    tail = trail + tail
    full = regex.compile(
        rf"{_URL}|{ordn}{lead}{ws}+(?:{_JOIN_GUARD}{join}{ws}+)*{tail}|[[{_NOSPACE}]--\p{{M}}]\p{{M}}*|{punct}",
        regex.V1,
    )
    # without such scripts the word class needs no set difference: ~1.7x faster
    spaced = regex.compile(rf"{_URL}|{ordn}{lead}{w}+(?:{_JOIN_GUARD}{join}{w}+)*{tail}|{punct}")
    return full, spaced


# brackets and quotes around an abbreviation ("(Nov.", "Inc.,"), which spaCy strips before it
# looks the token up in its exceptions
_TAILS = frozenset(",;:!?)")
_TAILS_DOT = _TAILS | {"."}
_ABBR_STRIP = "\"'“”‘’„«»()[]{},;:!?"


_NOSPACE_BLOCKS = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x2E80, 0x9FFF),
    (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x11600, 0x116FF),
    (0x16FE0, 0x18FFF), (0x1AFF0, 0x1B2FF), (0x1F200, 0x1F2FF), (0x20000, 0x3FFFF),
)  # fmt: skip
# ... plus U+001C..U+001F, the only characters str.split and the regex disagree on as whitespace
_NOSPACE_TABLE = np.zeros(0x110000, bool)
_NOSPACE_TABLE[0x1C:0x20] = True
for _a, _b in _NOSPACE_BLOCKS:
    _NOSPACE_TABLE[_a : _b + 1] = True
_PARA_RE = re.compile(r"\n{2,}")
_LINES_RE = re.compile(r"\n+")
# Unicode Sentence_Terminal: the marks FineWeb's line-punctuation rule accepts at a line end.
# Trailing spaces are allowed (the anchor does not strip): a cut made by a repair stage often
# leaves one, and it says nothing about the line.
STERM_EOL_RE = regex.compile(r"\p{Sentence_Terminal}[^\S\n]*$", regex.MULTILINE)
_HAS_LETTER_RE = regex.compile(r"\p{L}")
# Gopher's bullet / ellipsis lines, over the whole text at once (lines as str.splitlines cuts them)
_EOL = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BULLET_LINE_RE = re.compile(rf"[{_EOL}][^\S{_EOL}]*[•\-]")  # a bullet after a line break
_BULLET_FIRST_RE = re.compile(rf"[^\S{_EOL}]*[•\-]")
_ELLIPSIS_LINE_RE = re.compile(rf"(?:\.\.\.|…)[^\S{_EOL}]*(?=[{_EOL}]|\Z)")

_P = np.uint64(0x100000001B3)  # rolling-hash multiplier (FNV prime)
_DOC_MIX = np.uint64(0x9E3779B97F4A7C15)

TOP_NS = (2, 3, 4)
DUP_NS = (5, 6, 7, 8, 9, 10)

# first-character class of a token, filled lazily per code point: 0 unknown, 1 letter/mark,
# 2 digit, 3 punctuation or symbol
_CLASS = np.zeros(0x110000, np.uint8)


def tokenize(
    text: str,
    hyphen_splits: bool = True,
    ordinal_period: bool = False,
    initials: bool = False,
    clitics: bool = False,
    attached_final: str = "",
    attached_script: str = "",
    private_use: bool = False,
    abbreviations: frozenset[str] = frozenset(),
    edge_marks: str = "",
    elisions: tuple[str, ...] = (),
    attached_any: str = "",
) -> list[str]:
    """Words and punctuation tokens of `text` (see above); the switches come from the language
    file's ``[tokens]`` table. `abbreviations` are tokens ending in a full stop that stay whole
    ("Nov.", "a."), looked up per whitespace chunk as the anchor looks up its exceptions."""
    full, spaced = _token_res(
        hyphen_splits,
        ordinal_period,
        initials,
        clitics,
        attached_final,
        attached_script,
        private_use,
        edge_marks,
        attached_any,
    )
    if _maybe_nospace(text):
        return full.findall(text)
    # A whitespace-delimited chunk of letters and digits only is one token whatever the switches;
    # str.split and str.isalnum run in C, so the regex only sees chunks holding punctuation
    # (tokens never span whitespace, and no rule looks past one). ~1.3x faster on real text.
    # Runs of such plain chunks (~80 % of chunks) are copied as list slices: the loop below visits
    # only the others.
    chunks = text.split()
    find = spaced.findall
    out: list[str] = []
    append, extend = out.append, out.extend
    # A word with one trailing mark that no switch keeps on it ("word," "word?") is two tokens:
    # sliced here instead of a regex call (half the chunks holding punctuation). A full stop only
    # when no switch can keep it (ordinals, initials, marks kept on words, abbreviations).
    tails = _TAILS if (ordinal_period or initials or attached_final or abbreviations) else _TAILS_DOT
    # the other chunks repeat (~4 occurrences per distinct chunk on web text): memoised per rules
    memo = _CHUNK_MEMO.get((spaced, abbreviations, elisions))
    if memo is None or len(memo) > _MEMO_MAX:
        memo = _CHUNK_MEMO[(spaced, abbreviations, elisions)] = {}
    get = memo.get
    prev = 0
    for i in compress(count(), map(not_, map(str.isalnum, chunks))):
        if i > prev:
            extend(chunks[prev:i])
        prev = i + 1
        chunk = chunks[i]
        if chunk[-1] in tails and chunk[:-1].isalnum():
            append(chunk[:-1])
            append(chunk[-1])
        else:
            toks = get(chunk)
            if toks is None:
                toks = memo[chunk] = _chunk_tokens(chunk, find, abbreviations, elisions)
            extend(toks)
    if prev == 0:
        return chunks
    if prev < len(chunks):
        extend(chunks[prev:])
    return out


def _maybe_nospace(text: str) -> bool:
    """Whether `text` may hold a character of a script written without spaces (or one of
    U+001C..U+001F): a table lookup over the code points (~4x faster than a regex search)."""
    if text.isascii():
        return "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text
    return bool(_NOSPACE_TABLE[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)].any())


_CHUNK_MEMO: dict[tuple[Any, frozenset[str], tuple[str, ...]], dict[str, list[str]]] = {}
_MEMO_MAX = 200_000  # distinct chunks kept per set of rules (~40 MB at most), then started afresh


def _chunk_tokens(
    chunk: str, find: Any, abbreviations: frozenset[str], elisions: tuple[str, ...] = ()
) -> list[str]:
    """Tokens of one whitespace-delimited chunk holding punctuation. An elided article or pronoun
    of the language ("l'", "qu'") before a letter is a token of its own, as the anchor splits it."""
    if elisions and ("'" in chunk or "’" in chunk):
        low = chunk.lower().replace("’", "'")
        for e in elisions:
            if low.startswith(e) and len(chunk) > len(e) and chunk[len(e)].isalpha():
                return [chunk[: len(e)], *_chunk_tokens(chunk[len(e) :], find, abbreviations)]
    if abbreviations and "." in chunk and (core := chunk.strip(_ABBR_STRIP)) in abbreviations:
        i = chunk.find(core)
        return [*find(chunk[:i]), core, *find(chunk[i + len(core) :])]
    return find(chunk)


def token_options(cfg: dict[str, Any]) -> tuple:
    """The language file's ``[tokens]`` table, as `tokenize`'s positional arguments after text.
    Remembered per table object (language files are shared, and an abbreviation list of thousands
    of entries is too long to rebuild or hash for every document)."""
    t = cfg.get("tokens") or {}
    hit = _OPTS.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    opts = (
        bool(t.get("hyphen_splits", True)),
        bool(t.get("ordinal_period", False)),
        bool(t.get("initials", False)),
        bool(t.get("clitics", False)),
        str(t.get("attached_final", "")),
        str(t.get("attached_script", "")),
        bool(t.get("private_use", False)),
        frozenset(t.get("abbreviations") or ()),
        str(t.get("edge_marks", "")),
        tuple(t.get("elisions") or ()),
        str(t.get("attached_any", "")),
    )
    if len(_OPTS) > 1024:
        _OPTS.clear()
    _OPTS[id(t)] = (t, opts)
    return opts


_OPTS: dict[int, tuple[dict[str, Any], tuple]] = {}


def _classes(cps: np.ndarray) -> np.ndarray:
    cls = _CLASS[cps]
    new = np.unique(cps[cls == 0])
    if new.size:
        for c in new.tolist():
            cat = unicodedata.category(chr(c))
            _CLASS[c] = 1 if cat[0] in "LM" or c in (0x200C, 0x200D) else 2 if cat[0] == "N" else 3
        cls = _CLASS[cps]
    return cls


@dataclass(slots=True)
class TokenArrays:
    """Per-token numbers of a whole batch, flattened (`doc` says whose token it is)."""

    counts: np.ndarray  # tokens per document
    doc: np.ndarray
    hashes: np.ndarray  # uint64
    lens: np.ndarray
    is_word: np.ndarray  # a word, not a punctuation/symbol token
    no_letter: np.ndarray  # holds no letter (numbers, punctuation)

    def per_doc(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.doc, weights=values, minlength=len(self.counts))


def token_arrays(token_lists: Sequence[list[str]]) -> TokenArrays:
    b = len(token_lists)
    counts = np.fromiter(map(len, token_lists), np.int64, b)
    n = int(counts.sum())
    flat = list(chain.from_iterable(token_lists))
    h = np.fromiter(map(hash, flat), np.int64, n).view(np.uint64)
    # lengths and first characters from the tokens joined by newlines (no token holds one): one
    # encode and a vectorised search instead of two Python calls per token
    cp_all = np.frombuffer("\n".join(flat).encode("utf-32-le", "surrogatepass"), np.uint32)
    ends = np.flatnonzero(cp_all == 10)
    if ends.size == n - 1 and n:
        starts = np.empty(n, np.int64)
        starts[0] = 0
        starts[1:] = ends + 1
        lens = np.empty(n, np.int64)
        lens[:-1] = ends - starts[:-1]
        lens[-1] = cp_all.size - starts[-1]
        cps = cp_all[starts].astype(np.int64)
    else:  # a token holding a newline (not made by `tokenize`)
        lens = np.fromiter(map(len, flat), np.int64, n)
        cps = np.fromiter(map(ord, map(itemgetter(0), flat)), np.int64, n)
    cls = _classes(cps) if n else np.zeros(0, np.uint8)
    no_letter = cls >= 2
    is_word = cls <= 2
    # numbers may hold letters ("19th", "3D") and a multi-character punctuation token may too
    # ("’s"): look inside those few; most are plain digits
    num = np.flatnonzero((cls == 2) | ((cls == 3) & (lens > 1)))
    if num.size:
        sel = [flat[i] for i in num.tolist()]
        plain = np.fromiter(map(str.isdigit, sel), bool, len(sel))
        for j in np.flatnonzero(~plain).tolist():
            if _HAS_LETTER_RE.search(sel[j]):
                no_letter[num[j]] = False
                is_word[num[j]] = True
    return TokenArrays(counts, np.repeat(np.arange(b), counts), h, lens, is_word, no_letter)


def dup_count_chars(items: list[str]) -> tuple[int, int]:
    """Repeats of earlier items: (count, characters) -- each repeat after the first occurrence."""
    uniq = set(items)
    return len(items) - len(uniq), sum(map(len, items)) - sum(map(len, uniq))


# -- Gopher quality --------------------------------------------------------------------------------
def gopher_quality_batch(
    texts: Sequence[str], toks: Sequence[list[str]], ta: TokenArrays, stop_words: Sequence[frozenset[str]]
) -> list[dict[str, float]]:
    """Gopher quality signals of every text; `stop_words[i]` is the list for text i."""
    n_tok = ta.counts.astype(np.float64)
    n_words = ta.per_doc(ta.is_word.astype(np.float64))
    word_chars = ta.per_doc(np.where(ta.is_word, ta.lens, 0).astype(np.float64))
    alpha = n_tok - ta.per_doc(ta.no_letter.astype(np.float64))
    out = []
    for i, text in enumerate(texts):
        n_lines = len(text.splitlines()) or 1
        bullets = ell_lines = 0
        if "-" in text or "•" in text:  # lines starting with a bullet
            bullets = len(_BULLET_LINE_RE.findall(text)) + (_BULLET_FIRST_RE.match(text) is not None)
        if "..." in text or "…" in text:  # lines ending in an ellipsis
            ell_lines = len(_ELLIPSIS_LINE_RE.findall(text))
        denom = max(n_tok[i], 1.0)
        out.append(
            {
                "gq_words": float(n_words[i]),
                "gq_mean_word_len": float(word_chars[i] / n_words[i]) if n_words[i] else 0.0,
                "gq_hash_ratio": float(text.count("#") / denom),
                "gq_ellipsis_ratio": float((text.count("...") + text.count("…")) / denom),
                "gq_bullet_lines": bullets / n_lines,
                "gq_ellipsis_lines": ell_lines / n_lines,
                "gq_alpha_words": float(alpha[i] / n_tok[i]) if n_tok[i] else 0.0,
                "gq_stop_words": float(len(stop_words[i].intersection(toks[i]))) if stop_words[i] else 0.0,
            }
        )
    return out


# -- Gopher repetition (lines and paragraphs; n-grams are batched below) --------------------------
def split_lines_runs(text: str) -> list[str]:
    """`re.split(r"\\n+", text)` with str.split: the non-empty lines, plus the empty first/last
    item the regex yields when `text` starts or ends with a newline (order is not needed)."""
    lines = [s for s in text.split("\n") if s]
    if text.startswith("\n") or not text:
        lines.append("")
    if text.endswith("\n") and len(text) > 0:
        lines.append("")
    return lines


def split_paragraphs(text: str) -> list[str]:
    """`re.split(r"\\n{2,}", text.strip())` with str.split."""
    t = text.strip()
    if "\n\n" not in t:
        return [t]
    return [p.lstrip("\n") for p in t.split("\n\n") if p and p != "\n"]


def repetition_lines(text: str) -> dict[str, float]:
    n = max(len(text), 1)
    paras = split_paragraphs(text)
    pd, pc = dup_count_chars(paras)
    lines = split_lines_runs(text)
    ld, lc = dup_count_chars(lines)
    return {
        "gr_dup_para_frac": pd / len(paras),
        "gr_dup_para_char_frac": pc / n,
        "gr_dup_line_frac": ld / len(lines),
        "gr_dup_line_char_frac": lc / n,
    }


def _greedy_dup_hits(pos: list[int], gid: list[int], n: int) -> list[int]:
    """The anchor's left-to-right scan, visiting only positions whose n-gram occurs twice or more
    (every other position is a first and only occurrence: it can neither count nor matter later).
    A repeat counts its n words and skips the next n-1 positions, which are then not remembered
    either -- exactly as the anchor does. Returns the positions of `pos` that count."""
    hits: list[int] = []
    hit = hits.append
    seen: set[int] = set()
    add = seen.add
    nxt = -1
    for p, g in zip(pos, gid, strict=True):
        if p < nxt:
            continue
        if g in seen:
            hit(p)
            nxt = p + n
        else:
            add(g)
    return hits


def ngram_fractions(
    ta: TokenArrays,
    text_lens: Sequence[int],
    top_ns: Sequence[int] = TOP_NS,
    dup_ns: Sequence[int] = DUP_NS,
) -> tuple[np.ndarray, np.ndarray]:
    """Top n-gram and duplicated n-gram character fractions for a batch.

    top[b, j]: characters of the most frequent `top_ns[j]`-gram (words joined by one space) times
    its count, over the text length; ties go to the n-gram seen first (as Counter.most_common).
    dup[b, j]: characters of words inside repeated `dup_ns[j]`-grams over the text length. Like the
    anchor, a scan from the left counts a repeated n-gram and jumps past it (`_greedy_dup_hits`).

    An n-gram can only repeat where its (n-1)-gram prefix repeats, so each n looks only at the
    positions whose shorter n-gram repeated: after n = 2 the arrays shrink fast on real text.
    """
    b = len(ta.counts)
    top = np.zeros((b, len(top_ns)))
    dup = np.zeros((b, len(dup_ns)))
    n_tot = int(ta.counts.sum())
    if n_tot == 0:
        return top, dup
    h, doc, counts = ta.hashes, ta.doc, ta.counts
    cum = np.zeros(n_tot + 1, np.int64)
    np.cumsum(ta.lens, out=cum[1:])
    starts = np.cumsum(counts) - counts
    remaining = counts[doc] - (np.arange(n_tot) - starts[doc])  # tokens from i to its doc's end
    tl = np.maximum(np.asarray(text_lens, dtype=np.float64), 1.0)
    docmix = doc.astype(np.uint64) * _DOC_MIX
    for j, n in enumerate(top_ns):  # a document without a repeated n-gram: its first n-gram, once
        has = counts >= n
        s0 = starts[has]
        top[has, j] = (cum[s0 + n] - cum[s0] + (n - 1)) / tl[has]
    cand = np.arange(n_tot)  # positions whose (n-1)-gram repeats (sorted)
    g = h  # hash of the (n-1)-gram at each of `cand`
    for n in range(2, max(list(top_ns) + list(dup_ns)) + 1):
        ok = remaining[cand] >= n
        cand, g = cand[ok], g[ok]
        if cand.size == 0:
            break
        g = g * _P + h[cand + n - 1]  # hash of tokens i .. i+n-1
        key = g ^ docmix[cand]
        order = np.argsort(key)
        ks = key[order]
        gst = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        gsz = np.diff(np.r_[gst, ks.size])
        rep = gsz >= 2
        if not rep.any():
            break
        if n in top_ns:
            f, c = np.minimum.reduceat(cand[order], gst)[rep], gsz[rep]
            d = doc[f]
            o = np.lexsort((f, -c, d))
            ds = d[o]
            sel = o[np.r_[True, ds[1:] != ds[:-1]]]
            p = f[sel]
            top[d[sel], top_ns.index(n)] = (cum[p + n] - cum[p] + (n - 1)) * c[sel] / tl[d[sel]]
        rep_el = np.repeat(rep, gsz)
        keep = np.zeros(cand.size, bool)  # cand's repeated n-grams, in position order (no sort)
        keep[order[rep_el]] = True
        if n in dup_ns:
            grp = np.empty(cand.size, np.int64)  # each candidate's n-gram, numbered
            grp[order] = np.repeat(np.arange(gsz.size), gsz)
            hit = np.array(_greedy_dup_hits(cand[keep].tolist(), grp[keep].tolist(), n), dtype=np.int64)
            chars = cum[hit + n] - cum[hit]
            dup[:, dup_ns.index(n)] = np.bincount(doc[hit], weights=chars, minlength=b) / tl
        cand, g = cand[keep], g[keep]
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
    cfgs: Sequence[dict[str, Any]],
    families: frozenset[str] = frozenset({"gopher_quality", "gopher_repetition", "fineweb"}),
    toks: Sequence[list[str]] | None = None,
) -> list[dict[str, float]]:
    """Signals of the families in `families` for every text; `cfgs[i]` is text i's language file
    (stop words, FineWeb's short-line length); `toks` are the texts' tokens if already known.
    C4 is separate: it edits lines (signals_c4)."""
    if toks is None:
        toks = [tokenize(t, *token_options(c)) for t, c in zip(texts, cfgs, strict=True)]
    out: list[dict[str, float]] = [{} for _ in texts]
    if not families & {"gopher_repetition", "gopher_quality"}:
        ta = None
    else:
        ta = token_arrays(toks)
    if "gopher_repetition" in families:
        top, dup = ngram_fractions(ta, [len(t) for t in texts])
        for i, (o, t) in enumerate(zip(out, texts, strict=True)):
            o.update(repetition_lines(t))
            o.update({f"gr_top_{n}_gram": float(top[i, j]) for j, n in enumerate(TOP_NS)})
            o.update({f"gr_dup_{n}_gram": float(dup[i, j]) for j, n in enumerate(DUP_NS)})
    if "gopher_quality" in families:
        stops = [frozenset(c.get("stop_words") or ()) for c in cfgs]
        for o, s in zip(out, gopher_quality_batch(texts, toks, ta, stops), strict=True):
            o.update(s)
    if "fineweb" in families:
        for o, t, tk, c in zip(out, texts, toks, cfgs, strict=True):
            o.update(fineweb(t, len(tk), int(c.get("fineweb", {}).get("short_line_len", 30))))
    return out
