"""Split a document into blocks (lines) and segments (sentences and non-sentence runs).

Why a splitter of our own: Miðeind's `tokenizer` is the Icelandic reference (it knows
abbreviations and dates such as "18. júní 2024"), but it runs at ~0.85 MB/s per core and returns
no character offsets. This splitter finds candidate ends with one compiled pattern and vetoes them
with the same abbreviation data (`tokenizer`'s Abbrev.conf, read from the installed package at run
time; other languages from ``data/abbrev/<lang>.txt``). bench/segment_eval.py measures its
boundary agreement with `tokenizer` and F1 against treebank gold.

Rules, in order, for a candidate end (terminal ``.!?…`` plus closing quotes/brackets):
1. CJK full stops end a sentence wherever they stand.
2. Otherwise the end must be followed by whitespace (or the end of the block), and the next word
   must not start with a lower-case letter.
3. A single ``.`` after an abbreviation that never ends a sentence, after a single upper-case
   letter (an initial), or after a number followed by a month name (a date) is no end.
A line break always ends a segment. A segment that does not end with terminal punctuation is a
``fragment`` (titles, headline lists, menus, bylines); runs joined by menu separators (`` | ``,
`` • ``, `` · ``, `` » ``) are split there, since no sentence uses them. A fragment longer than
`LONG_RUN_WORDS` words is a flattened list: it is cut before each capitalised word that follows a
lower-case word or digit, where the original blocks met.
"""

from __future__ import annotations

import bisect
import functools
import tomllib
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np
import regex

DATA = Path(str(resources.files("sia.text") / "data"))

SENTENCE = "sentence"
FRAGMENT = "fragment"

_CLOSERS = "\"'”“’»)]」』›"
_END_RE = regex.compile(rf"(?:[.!?…]+|[。！？]+|[।؟]+)[{regex.escape(_CLOSERS)}]*")
_CJK_END = frozenset("。！？")
_SEP_RE = regex.compile(r"\s+(?:[|•·»›▸►]|\\|/)\s+")
# inside a long run without sentence punctuation, a lower-case word followed by a capitalised one
# is where a flattened page joined two blocks ("... to the polls Politics Storms move north ...")
_JOIN_RE = regex.compile(r"(?<=(?:^|\s)[\p{Ll}\p{N}][\w\-]*[\"'”“’»)]?)\s+(?=[„\"'“‘«(]?\p{Lu})")
_WORD_RE = regex.compile(r"\w+")
LONG_RUN_WORDS = 30
# a trimmed non-blank line: from its first to its last non-space character (the class is exactly
# what `str.isspace` accepts, so trimming is the same as stripping the line)
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BLOCK_RE = regex.compile(rf"[^{_SPACE}](?:[^\n\r\u2028\u2029]*[^{_SPACE}])?")
_TERMINAL = frozenset(".!?…。！？।؟")

# Code-point flags for the numpy scans that replace three whole-text regex scans (`blocks`, the
# menu separators, the candidate ends): a regex makes a Python match object per line or per
# candidate, numpy does one pass. Code points are clipped to U+FFFF, which has no flag.
_F_SPACE, _F_WS, _F_NL, _F_SEP = 1, 2, 4, 8  # str.isspace; regex's \s; line break; separator
_F_END1, _F_END2, _F_END3, _F_CLOSE = 16, 32, 64, 128  # the three terminal sets of _END_RE; closer
_F_END = _F_END1 | _F_END2 | _F_END3
_FLAGS = np.zeros(0x10000, dtype=np.uint8)
for _c in range(0x3001):  # nothing above U+3000 is white space
    if chr(_c).isspace():
        # regex's \s is str.isspace without the information separators U+001C..U+001F
        _FLAGS[_c] = _F_SPACE | (0 if 0x1C <= _c <= 0x1F else _F_WS)
_FLAGS[[ord(c) for c in "\n\r\u2028\u2029"]] |= _F_NL
_FLAGS[[ord(c) for c in "|•·»›▸►\\/"]] |= _F_SEP  # the separators of `_SEP_RE`
_FLAGS[[ord(c) for c in ".!?…"]] |= _F_END1
_FLAGS[[ord(c) for c in "。！？"]] |= _F_END2
_FLAGS[[ord(c) for c in "।؟"]] |= _F_END3
_FLAGS[[ord(c) for c in _CLOSERS]] |= _F_CLOSE


class Segment(NamedTuple):
    """Input interval [start, end) and its kind: ``sentence`` or ``fragment``. A named tuple:
    pages have tens of thousands of segments, and a tuple is made several times faster than a
    frozen dataclass."""

    start: int
    end: int
    kind: str


@functools.cache
def abbreviations(lang: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(abbreviations that never end a sentence, ones that may), each with its final dot.

    Icelandic comes from `tokenizer`'s Abbrev.conf as parsed by the installed package (its
    FINISHERS may end a sentence); every other language from ``data/abbrev/<lang>.txt`` (one a
    line, a trailing ``*`` marks one that may end a sentence). Unknown languages get the union
    of the shipped lists' non-finishers of a few widely written languages ("default" file).
    """
    keep: set[str] = set()
    fin: set[str] = set()
    if lang == "is":
        from tokenizer.abbrev import Abbreviations

        Abbreviations.initialize()
        for k in Abbreviations.DICT:
            if k.endswith("."):
                (fin if k in Abbreviations.FINISHERS else keep).add(k)
        for k in Abbreviations.NOT_FINISHERS:
            keep.add(k)
            fin.discard(k)
    p = DATA / "abbrev" / f"{lang or 'default'}.txt"
    if not p.exists():
        p = DATA / "abbrev" / "default.txt"
    if p.exists():
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.endswith("*"):
                fin.add(line[:-1])
            elif line:
                keep.add(line)
    return frozenset(keep), frozenset(fin)


@functools.cache
def month_words() -> frozenset[str]:
    """Month names of every language with a markers file (lower-case): "18. Juni" is a date."""
    out: set[str] = set()
    for p in (DATA / "markers").glob("*.toml"):
        with open(p, "rb") as f:
            data = tomllib.load(f)
        for names in data.get("months", []):
            for n in names if isinstance(names, list) else [names]:
                out.add(n.lower().rstrip("."))
    return frozenset(out)


def _flags(text: str) -> np.ndarray:
    """`_FLAGS` of every character of `text`."""
    return _flags_cp(text)[0]


def _flags_cp(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(`_flags`, code points) of `text`."""
    cp = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    return _FLAGS.take(cp, mode="clip"), cp  # clip: above U+FFFF reads U+FFFF (no flag)


def blocks(text: str, flags: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Non-blank lines of `text` as (start, end) offsets, surrounding whitespace trimmed.

    The spans of `_BLOCK_RE`, found with numpy: each line's first and last non-space character
    (line breaks are white space, so a non-space character's line is the count of breaks before
    it)."""
    starts, ends = _block_arrays(_flags(text) if flags is None else flags)
    return list(zip(starts.tolist(), ends.tolist()))


def _block_arrays(f: np.ndarray, ns: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`blocks` as arrays of starts and ends, from the text's `_flags` (and its non-space
    positions `ns`, when known)."""
    if ns is None:
        ns = np.flatnonzero((f & _F_SPACE) == 0)
    if not len(ns):
        return ns, ns
    line = np.cumsum((f & _F_NL) != 0)[ns]
    chg = np.flatnonzero(line[1:] != line[:-1])
    starts = ns[np.concatenate(([0], chg + 1))]
    ends = ns[np.concatenate((chg, [len(ns) - 1]))] + 1
    return starts, ends


def _blocks_from_runs(
    f: np.ndarray, sp: np.ndarray, rs: np.ndarray, re_: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`_block_arrays` from the white-space positions `sp` and their runs [rs, re_): two blocks
    are separated by a run holding a line break (and the text's edges by its first and last
    runs), so only white space is looked at, not every character."""
    size = len(f)
    if not len(sp):
        z = np.zeros(1 if size else 0, dtype=np.int64)
        return z, z + size
    rid = np.cumsum(np.concatenate(([True], sp[1:] != sp[:-1] + 1))) - 1  # run of each space
    bnd = np.zeros(len(rs), dtype=bool)
    bnd[rid[(f[sp] & _F_NL) != 0]] = True
    bnd[0] |= rs[0] == 0
    bnd[-1] |= re_[-1] == size
    starts = re_[bnd & (re_ < size)]
    ends = rs[bnd & (rs > 0)]
    if rs[0] > 0:
        starts = np.concatenate(([0], starts))
    if re_[-1] < size:
        ends = np.concatenate((ends, [size]))
    return starts, ends


def _end_spans(f: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The spans of `_END_RE.finditer(text)` from the text's `_flags`, as (starts, ends, ends of
    the terminal run without its closers): a match is a maximal run of one terminal set (a run
    of another set starts a new match), then the closers right after it."""
    return _end_spans_at(f, np.flatnonzero(f & _F_END), np.flatnonzero(f & _F_CLOSE))


def _end_spans_at(f: np.ndarray, t: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_end_spans` from the positions of terminals `t` and of closers `c`."""
    if not len(t):
        return t, t, t
    g = f[t] & _F_END
    first = np.ones(len(t), dtype=bool)
    first[1:] = (t[1:] != t[:-1] + 1) | (g[1:] != g[:-1])
    last = np.ones(len(t), dtype=bool)
    last[:-1] = first[1:]
    starts, ends = t[first], t[last] + 1
    run_ends = ends
    if len(c):
        # closers after a run form a run of their own starting right at its end
        cfirst = np.ones(len(c), dtype=bool)
        cfirst[1:] = c[1:] != c[:-1] + 1
        clast = np.ones(len(c), dtype=bool)
        clast[:-1] = cfirst[1:]
        crun_end = (c[clast] + 1)[np.cumsum(cfirst) - 1]
        k = np.minimum(np.searchsorted(c, ends), len(c) - 1)
        ends = np.where(c[k] == ends, crun_end[k], ends)
    return starts, ends, run_ends


_OPENERS = "(\"'„“«‘["


def _is_end(
    text: str, m_start: int, m_end: int, block_end: int, keep: frozenset[str], fin: frozenset[str]
) -> bool:
    punct = text[m_start:m_end]
    if punct[0] in _CJK_END:
        return True
    if m_end < block_end and not text[m_end].isspace():
        return False
    # next visible character
    n = m_end
    while n < block_end and text[n].isspace():
        n += 1
    if n >= block_end:
        return True
    if text[n].islower():
        return False
    if punct.rstrip(_CLOSERS) != ".":
        return True
    # the token the dot closes
    s = m_start
    while s > 0 and not text[s - 1].isspace():
        s -= 1
    return _dot_is_end(text, s, m_start, n, block_end, keep, fin)


def _dot_is_end(
    text: str, tok_start: int, m_start: int, n: int, block_end: int, keep: frozenset[str], fin: frozenset[str]
) -> bool:
    """Rule 3 for a single "." at `m_start` that is followed by white space and then by the
    non-lower-case character at `n`: the token it closes (from `tok_start`) decides."""
    tok = text[tok_start:m_start].lstrip(_OPENERS)
    if not tok:
        return True
    dotted = tok + "."
    if dotted in fin:
        return True
    if dotted in keep:
        return False
    if len(tok) == 1 and tok.isupper():
        return False  # an initial: "J. K. Rowling"
    if tok.isdigit() and len(tok) <= 2:
        e = n
        while e < block_end and text[e].isalpha():
            e += 1
        if text[n:e].lower() in month_words():
            return False  # a date: "18. Juni 2024"
    return True


def _kind(text: str, s: int, e: int) -> str:
    j = e
    while j > s and text[j - 1] in _CLOSERS:
        j -= 1
    return SENTENCE if j > s and text[j - 1] in _TERMINAL else FRAGMENT


def _emit(text: str, s: int, e: int, out: list[tuple[int, int, str]], seps: _Seps) -> None:
    """Trim, split at menu separators, classify and append [s, e)."""
    if text[s].isspace() or text[e - 1].isspace():
        piece = text[s:e]
        st = piece.lstrip()
        if not st:
            return
        s += len(piece) - len(st)
        e -= len(st) - len(st.rstrip())
    pos = s
    if seps.near(s, e):
        for m in _SEP_RE.finditer(text, s, e):
            if m.start() > pos:
                _add(text, pos, m.start(), out)
            pos = m.end()
    if e > pos:
        _add(text, pos, e, out)


class _Seps:
    """Where a segment can hold a menu separator: most segments have none, and then `_emit` need
    not search for one.

    A match of `_SEP_RE.finditer(text, s, e)` inside a trimmed segment [s, e) (non-space at both
    ends) needs white space on both sides of its separator character p *within* the segment, so
    s < p < e - 1; and the first such p always gives a match (the white-space run before it lies
    inside the segment). So the segment has a match exactly when a separator character with
    white space on both sides in the whole text lies in (s, e - 1). A list item that *starts*
    with a bullet ("• News", after a line break) has such a character only at s: no match, and
    no slow path."""

    __slots__ = ("cand", "cand_list")

    def __init__(self, flags: np.ndarray, at: np.ndarray | None = None) -> None:
        """`at`: the positions of separator characters, when known."""
        if at is None:
            at = np.flatnonzero(flags & _F_SEP)
        at = at[(at > 0) & (at < len(flags) - 1)]
        self.cand = at[((flags[at - 1] & flags[at + 1]) & _F_WS) != 0]
        self.cand_list: list[int] = self.cand.tolist()

    def near_many(self, s: np.ndarray, e: np.ndarray) -> list[bool]:
        """`near` of every interval [s[i], e[i]) at once (one per block)."""
        if not self.cand_list:
            return [False] * len(s)
        c = np.append(self.cand, np.iinfo(np.int64).max)[np.searchsorted(self.cand, s + 1)]
        return (c <= e - 2).tolist()

    def near(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.cand_list, s + 1)
        return i < len(self.cand_list) and self.cand_list[i] <= e - 2


def _add(text: str, s: int, e: int, out: list[tuple[int, int, str]]) -> None:
    """Append [s, e); a long fragment is cut where flattening joined two blocks."""
    kind = _kind(text, s, e)
    if kind == SENTENCE or e - s < 4 * LONG_RUN_WORDS or len(_WORD_RE.findall(text, s, e)) <= LONG_RUN_WORDS:
        out.append((s, e, kind))
        return
    pos = s
    for m in _JOIN_RE.finditer(text, s, e):
        out.append((pos, m.start(), _kind(text, pos, m.start())))
        pos = m.end()
    out.append((pos, e, _kind(text, pos, e)))


def segment_spans(text: str, lang: str | None = None) -> list[tuple[int, int, str]]:
    """`segment` as plain (start, end, kind) tuples: what callers that vectorise want."""
    return segment_with_blocks(text, lang)[0]


def segment_with_blocks(
    text: str, lang: str | None = None
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """(`segment_spans`, `blocks`) from one pass: the features need both. One text at a time:
    a loop over its candidate ends, with few numpy calls (a short document pays little fixed
    cost); `segment_arrays` gives the same for a batch of pages."""
    keep, fin = abbreviations(lang)
    out: list[tuple[int, int, str]] = []
    flags = _flags(text)
    seps = _Seps(flags)
    es, ee, _ = _end_spans(flags)
    nends = len(es)
    short = 4 * LONG_RUN_WORDS
    bsa, bea = _block_arrays(flags)
    bsep_a = np.array(seps.near_many(bsa, bea), dtype=bool)
    # candidate ends never contain white space, so each lies inside one block: a block's first
    # candidate is the first one starting at or after it
    jb = np.searchsorted(es, bsa)
    has_end = np.append(ee, np.iinfo(np.int64).max)[jb] <= bea
    # the common line of a page (menu item, headline): no candidate end, no separator, too short
    # to be a flattened list -- one fragment, as `_emit` would find; added in bulk between the
    # blocks that need the loop
    plain = ~has_end & (bea - bsa < short) & ~bsep_a
    bsl, bel = bsa.tolist(), bea.tolist()
    esl, eel = es.tolist(), ee.tolist()
    jbl, bsep_l = jb.tolist(), bsep_a.tolist()
    prev = 0
    for b in np.flatnonzero(~plain).tolist():
        if b > prev:
            out.extend(zip(bsl[prev:b], bel[prev:b], repeat(FRAGMENT)))
        prev = b + 1
        bs, be, bsep, j = bsl[b], bel[b], bsep_l[b], jbl[b]
        pos = bs
        while j < nends and eel[j] <= be:
            ms, me = esl[j], eel[j]
            j += 1
            if _is_end(text, ms, me, be, keep, fin):
                if bsep:
                    _emit(text, pos, me, out, seps)
                else:
                    # what `_emit` does when there is no separator: [pos, me) holds the whole
                    # accepted end (never white space, terminal last), so it only needs its
                    # leading space trimmed and is a sentence
                    if text[pos].isspace():
                        piece = text[pos:me]
                        pos += len(piece) - len(piece.lstrip())
                    out.append((pos, me, SENTENCE))
                pos = me
        if pos < be:
            if bsep:
                _emit(text, pos, be, out, seps)
            else:
                # `_emit` without separators: the block ends on a non-space character, so the
                # rest is never blank and only its leading space is trimmed
                if text[pos].isspace():
                    piece = text[pos:be]
                    pos += len(piece) - len(piece.lstrip())
                _add(text, pos, be, out)
    out.extend(zip(bsl[prev:], bel[prev:], repeat(FRAGMENT)))
    return out, list(zip(bsl, bel))


def segment_arrays(
    text: str, langs: list[str | None], page_starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segments of `text` as arrays (starts, ends, is-sentence), its blocks (starts, ends), and
    after each segment the first non-space position of its page (or the page's end): where a cut
    of the segment together with the white space after it ends.

    `text` is one page, or several joined by "\\n" (page i, in language ``langs[i]``, starting
    at ``page_starts[i]``): a line break ends every block, candidate end and segment, and the
    token before a dot stops at white space, so each page gets exactly what it gets alone, and
    a batch pays the fixed cost of the numpy calls once. Every rule but the token look-up of
    rule 3 is decided by arrays over all candidate ends at once; Python runs only for that
    look-up, for blocks with a menu separator and for long fragments (`_add`)."""
    f, cp = _flags_cp(text)
    size = len(f)
    sp = np.flatnonzero(f & _F_SPACE)
    # white-space runs [rs, re_)
    brk = sp[1:] != sp[:-1] + 1
    rs = sp[np.concatenate(([True], brk))] if len(sp) else sp
    re_ = sp[np.concatenate((brk, [True]))] + 1 if len(sp) else sp

    def skip(x: np.ndarray) -> np.ndarray:
        """First non-space position at or after each x (x inside a run: the run's end)."""
        if not len(rs):
            return x
        i = np.maximum(np.searchsorted(rs, x, side="right") - 1, 0)
        return np.where((rs[i] <= x) & (x < re_[i]), re_[i], x)

    bsa, bea = _blocks_from_runs(f, sp, rs, re_)
    if not len(bsa):
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0, dtype=bool), z, z, z
    rare = np.flatnonzero(f & (_F_END | _F_CLOSE | _F_SEP))
    rf = f[rare]
    seps = _Seps(f, rare[(rf & _F_SEP) != 0])
    bsep = np.array(seps.near_many(bsa, bea), dtype=bool)
    es, ee, te = _end_spans_at(f, rare[(rf & _F_END) != 0], rare[(rf & _F_CLOSE) != 0])
    accept = np.zeros(len(es), dtype=bool)
    bk = np.searchsorted(bsa, es, side="right") - 1  # each candidate's block (it lies inside one)
    if len(es):
        be_k = bea[bk]
        cjk = (f[es] & _F_END2) != 0  # rule 1
        at_end = ee >= be_k
        glued = ~at_end & ((f[np.minimum(ee, size - 1)] & _F_SPACE) == 0)  # rule 2
        # next visible character (inside the block when the end is not at its end)
        n = np.where(at_end, es, skip(np.minimum(ee, size - 1)))
        nxt = cp[n].tobytes().decode("utf-32-le", errors="surrogatepass")
        lower = np.fromiter(map(str.islower, nxt), dtype=bool, count=len(nxt))
        spaced = ~cjk & ~at_end & ~glued & ~lower
        dot = (te - es == 1) & (cp[es] == 46)
        accept = cjk | at_end | (spaced & ~dot)
        chk = np.flatnonzero(spaced & dot)
        if len(chk):
            k = np.searchsorted(sp, es[chk]) - 1
            tok0 = np.where(k >= 0, sp[np.maximum(k, 0)] + 1, 0)
            page = np.searchsorted(page_starts, es[chk], side="right") - 1
            abbr = [abbreviations(lg) for lg in langs]
            accept[chk] = [
                _dot_is_end(text, t0, ms, nn, bend, *abbr[pg])
                for t0, ms, nn, bend, pg in zip(
                    tok0.tolist(), es[chk].tolist(), n[chk].tolist(), be_k[chk].tolist(), page.tolist()
                )
            ]
    acc = np.flatnonzero(accept)
    a_blk, a_end = bk[acc], ee[acc]
    # blocks without a separator: a sentence up to each accepted end, from the first non-space
    # character after the previous one (or the block start); the rest of the block is a tail
    plain_a = ~bsep[a_blk]
    p_blk, p_end = a_blk[plain_a], a_end[plain_a]
    firsts = np.ones(len(p_blk), dtype=bool)
    firsts[1:] = p_blk[1:] != p_blk[:-1]
    prev = np.where(firsts, bsa[p_blk], np.concatenate(([0], p_end[:-1])))
    sent_s = skip(prev)
    lasts = np.ones(len(p_blk), dtype=bool)
    lasts[:-1] = firsts[1:]
    rest = bsa.copy()
    rest[p_blk[lasts]] = p_end[lasts]
    tail_b = np.flatnonzero(~bsep & (rest < bea))
    tail_s = skip(rest[tail_b])
    tail_e = bea[tail_b]
    # a tail is one unit unless it is long (`_add` may cut it); its kind from its last character,
    # unless that is a closer (`_kind` looks past closers)
    last_f = f[tail_e - 1]
    easy = (tail_e - tail_s < 4 * LONG_RUN_WORDS) & ((last_f & _F_CLOSE) == 0)
    out: list[tuple[int, int, str]] = []
    for ts, te_ in zip(tail_s[~easy].tolist(), tail_e[~easy].tolist()):
        _add(text, ts, te_, out)
    # blocks with a separator: the plain loop, `_emit` splitting at separators
    sep_b = np.flatnonzero(bsep)
    if len(sep_b):
        s_blk, s_end = a_blk[~plain_a].tolist(), a_end[~plain_a].tolist()
        j = 0
        for b, bs, be in zip(sep_b.tolist(), bsa[sep_b].tolist(), bea[sep_b].tolist()):
            pos = bs
            while j < len(s_blk) and s_blk[j] == b:
                me = s_end[j]
                j += 1
                _emit(text, pos, me, out, seps)
                pos = me
            if pos < be:
                _emit(text, pos, be, out, seps)
    starts = np.concatenate((sent_s, tail_s[easy], np.array([o[0] for o in out], dtype=np.int64)))
    ends = np.concatenate((p_end, tail_e[easy], np.array([o[1] for o in out], dtype=np.int64)))
    sent = np.concatenate(
        (
            np.ones(len(sent_s), dtype=bool),
            (last_f[easy] & _F_END) != 0,
            np.array([o[2] == SENTENCE for o in out], dtype=bool),
        )
    )
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    page_end = np.append(page_starts[1:] - 1, size)[np.searchsorted(page_starts, starts, side="right") - 1]
    after = np.minimum(skip(ends), page_end)
    return starts, ends, sent[order], bsa, bea, after


def segment(text: str, lang: str | None = None) -> list[Segment]:
    """Sentences and fragments of `text` in order, with input offsets; see the module docstring."""
    return list(map(Segment._make, segment_spans(text, lang)))


def sentence_starts(text: str, lang: str | None = None) -> list[int]:
    """Start offsets of every segment (the boundary set the benchmarks compare)."""
    return [s.start for s in segment(text, lang)]
