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

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

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
_LINE_RE = regex.compile(r"[^\n\r\u2028\u2029]+")
_TERMINAL = frozenset(".!?…。！？।؟")


@dataclass(frozen=True, slots=True)
class Segment:
    """Input interval [start, end) and its kind: ``sentence`` or ``fragment``."""

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


def blocks(text: str) -> list[tuple[int, int]]:
    """Non-blank lines of `text` as (start, end) offsets, surrounding whitespace trimmed."""
    out = []
    for m in _LINE_RE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


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
    tok = text[s:m_start].lstrip("(\"'„“«‘[")
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


def _emit(text: str, s: int, e: int, out: list[Segment]) -> None:
    """Trim, split at menu separators, classify and append [s, e)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e <= s:
        return
    pos = s
    for m in _SEP_RE.finditer(text, s, e):
        if m.start() > pos:
            _add(text, pos, m.start(), out)
        pos = m.end()
    if e > pos:
        _add(text, pos, e, out)


def _add(text: str, s: int, e: int, out: list[Segment]) -> None:
    """Append [s, e); a long fragment is cut where flattening joined two blocks."""
    kind = _kind(text, s, e)
    if kind == SENTENCE or e - s < 4 * LONG_RUN_WORDS or len(_WORD_RE.findall(text, s, e)) <= LONG_RUN_WORDS:
        out.append(Segment(s, e, kind))
        return
    pos = s
    for m in _JOIN_RE.finditer(text, s, e):
        out.append(Segment(pos, m.start(), _kind(text, pos, m.start())))
        pos = m.end()
    out.append(Segment(pos, e, _kind(text, pos, e)))


def segment(text: str, lang: str | None = None) -> list[Segment]:
    """Sentences and fragments of `text` in order, with input offsets; see the module docstring."""
    keep, fin = abbreviations(lang)
    out: list[Segment] = []
    for bs, be in blocks(text):
        pos = bs
        for m in _END_RE.finditer(text, bs, be):
            if _is_end(text, m.start(), m.end(), be, keep, fin):
                _emit(text, pos, m.end(), out)
                pos = m.end()
        if pos < be:
            _emit(text, pos, be, out)
    return out


def sentence_starts(text: str, lang: str | None = None) -> list[int]:
    """Start offsets of every segment (the boundary set the benchmarks compare)."""
    return [s.start for s in segment(text, lang)]
