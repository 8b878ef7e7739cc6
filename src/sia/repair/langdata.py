"""Per-language data loaded from `sia/text/data/`: stop words and marker phrases.

Language knowledge stays in data files so the algorithms that use it stay language-blind. Every
loader is cached per process; a language with no file gets empty data, never an error.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(str(resources.files("sia.text") / "data"))


@functools.cache
def stopwords(lang: str) -> frozenset[str]:
    """Lower-cased stop words of `lang` (jusText lists, BSD; see data/stopwords/README.md)."""
    p = DATA / "stopwords" / f"{lang}.txt"
    if not p.exists():
        return frozenset()
    lines = p.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@functools.cache
def stopword_langs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (DATA / "stopwords").glob("*.txt")))


@functools.cache
def _stopword_index() -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """All lists as one sparse table: word -> row; row's entries (language, weight) in CSR form."""
    langs = stopword_langs()
    acc: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        for w in stopwords(lang):
            acc.setdefault(w, []).append(i)
    rows = {w: r for r, w in enumerate(acc)}
    lens = np.array([len(v) for v in acc.values()], dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(lens)))
    cols = np.fromiter((i for v in acc.values() for i in v), dtype=np.int64, count=int(indptr[-1]))
    return rows, indptr, cols, lens, langs


def guess_lang(words: list[str], max_words: int = 1500) -> tuple[str | None, float]:
    """Language whose stop-word list covers most of `words` (lower-cased), and that coverage.

    Score = coverage (share of words in the list) + the same share with each hit on a word that is
    a stop word in k languages counted 1/k. Coverage alone is the stronger signal (several jusText
    lists hold English words, so specificity alone picks Finnish for English menus); the weighted
    term settles close calls between related languages.
    """
    rows, indptr, cols, lens, langs = _stopword_index()
    words = words[:max_words]
    if not words:
        return None, 0.0
    get = rows.get
    hit_rows = np.fromiter((r for r in map(get, words) if r is not None), dtype=np.int64)
    if len(hit_rows) == 0:
        return None, 0.0
    rows_u, counts = np.unique(hit_rows, return_counts=True)
    ln = lens[rows_u]
    # gather the entries of the hit rows only (ragged gather)
    first = np.repeat(indptr[rows_u] - np.concatenate(([0], np.cumsum(ln)[:-1])), ln)
    entries = first + np.arange(int(ln.sum()))
    per_entry = np.repeat(counts.astype(np.float64), ln)
    weighted = np.bincount(cols[entries], weights=per_entry / np.repeat(ln, ln), minlength=len(langs))
    raw = np.bincount(cols[entries], weights=per_entry, minlength=len(langs))
    # coverage decides; the 1/k-weighted hits break near-ties in favour of the list whose words
    # are its own (lingua dev, 75 languages, 10-sentence documents: 0.985 accuracy)
    best = int(np.argmax(raw + weighted))
    return langs[best], float(raw[best]) / len(words)


@functools.cache
def markers(lang: str) -> dict[str, Any]:
    """Marker phrases and date words of `lang` from data/markers/<lang>.toml ({} when absent).

    ``lang == "*"`` gives the union of every shipped file, for pages whose language is not known
    yet: a date or a byline needs digits, capitalised names and their line to itself, so mixing
    languages' words costs little, while guessing a language wrongly would lose the month names.
    Month forms that two languages give different months are left out of the union.
    """
    if lang == "*":
        return _union()
    p = DATA / "markers" / f"{lang}.toml"
    if not p.exists():
        return {}
    with open(p, "rb") as f:
        return tomllib.load(f)


@functools.cache
def marker_langs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (DATA / "markers").glob("*.toml")))


def doc_lang(lang: str | None, text: str, max_chars: int = 5_000) -> str | None:
    """`lang` if a stage already set it, else the best stop-word guess over the text's start."""
    if lang:
        return lang.split("_")[0].split("-")[0]
    return _guess_prefix(text[:max_chars])


@functools.lru_cache(maxsize=1024)
def _guess_prefix(prefix: str) -> str | None:
    """Cached: `metadata` and `boilerplate` ask about the same page one after the other."""
    from sia.text.words import split_words

    guess, _ = guess_lang(split_words(prefix.lower()))
    return guess


def doc_langs(
    langs: list[str | None], texts: list[str], max_chars: int = 5_000, words: list[Any] | None = None
) -> list[str | None]:
    """`doc_lang` for a batch: the guesses for all pages without a language in one numpy pass.
    `words`: where the caller has them, the `PageWords` of a text's first `max_chars` characters
    (None where not: those are split here)."""
    out: list[str | None] = [lg.split("_")[0].split("-")[0] if lg else None for lg in langs]
    todo = [i for i, lg in enumerate(langs) if not lg]
    if todo:
        known = [words[i] for i in todo] if words is not None else None
        for i, g in zip(todo, guess_langs([texts[i][:max_chars] for i in todo], words=known)):
            out[i] = g
    return out


@functools.cache
def _stopword_keys() -> tuple[np.ndarray, np.ndarray]:
    """(sorted word keys of every stop word, the `_stopword_index` row of each)."""
    from sia.repair.pagewords import word_keys

    rows = _stopword_index()[0]
    words = list(rows)
    keys = word_keys(words)
    order = np.argsort(keys, kind="stable")
    return keys[order], np.array([rows[w] for w in words], dtype=np.int64)[order]


def _ragged(first: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Indices first[0] .. first[0]+lens[0]-1, first[1] .. first[1]+lens[1]-1, ... (CSR rows)."""
    return np.repeat(first, lens) + (np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))


def guess_langs(
    prefixes: list[str], max_words: int = 1500, words: list[Any] | None = None
) -> list[str | None]:
    """`guess_lang(split_words(p.lower()))[0]` of every prefix, all at once: words by key (the same
    words and keys as `sia.repair.pagewords`), the per-language sums as one `bincount`. `words`:
    a prefix's `PageWords` where the caller already has them (split lower-cased), else None."""
    from sia.dedup.hashing import batch_words

    _, indptr, cols, lens, langs = _stopword_index()
    skeys, srow = _stopword_keys()
    nd, nl = len(prefixes), len(langs)
    need = [k for k in range(nd) if words is None or words[k] is None]
    if len(need) == nd:
        bw = batch_words([p.lower() for p in prefixes], lower=False)
        hashes, doc, counts = bw.hashes, bw.doc, bw.counts
    else:
        parts: list[Any] = [None if w is None else w.keys for w in words or []]
        if need:
            bw = batch_words([prefixes[k].lower() for k in need], lower=False)
            first = np.concatenate(([0], np.cumsum(bw.counts))).tolist()
            for j, k in enumerate(need):
                parts[k] = bw.hashes[first[j] : first[j + 1]]
        counts = np.fromiter(map(len, parts), dtype=np.int64, count=nd)
        hashes = np.concatenate(parts) if nd else np.zeros(0, dtype=np.uint64)
        doc = np.repeat(np.arange(nd), counts)
    off = np.concatenate(([0], np.cumsum(counts)))
    keep = np.arange(len(hashes)) - off[doc] < max_words
    h, d = hashes[keep], doc[keep]
    nwords = np.minimum(counts, max_words)
    # needles in order: the binary searches then walk the large table in order (~3x faster)
    order = np.argsort(h)
    i = np.empty(len(h), dtype=np.int64)
    i[order] = np.minimum(np.searchsorted(skeys, h[order]), len(skeys) - 1)
    hit = skeys[i] == h
    r, dd = srow[i[hit]], d[hit]
    # each distinct (page, stop word) once, with its count: a common word is a stop word in ~25
    # lists, so spreading every occurrence over its languages was most of the work
    pair, cnt = np.unique(dd * len(lens) + r, return_counts=True)
    pd, pr = pair // len(lens), pair % len(lens)
    ln = lens[pr]
    cell = np.repeat(pd * nl, ln) + cols[_ragged(indptr[pr], ln)]
    raw = np.bincount(cell, weights=np.repeat(cnt.astype(np.float64), ln), minlength=nd * nl)
    score = raw + np.bincount(cell, weights=np.repeat(cnt / ln, ln), minlength=nd * nl)
    score = score.reshape(nd, nl)
    best = np.argmax(score, axis=1)
    # `raw` is exact; the weighted sum differs from `guess_lang`'s (occurrence by occurrence) only
    # by rounding (< 1e-9 here): where the two best languages are closer than 1e-6, a page is
    # scored again exactly that way, so the choice is always `guess_lang`'s
    anyhit = np.bincount(dd, minlength=nd) > 0
    top2 = np.partition(score, nl - 2, axis=1)[:, nl - 2 :] if nl > 1 else score
    for k in np.flatnonzero((top2[:, -1] - top2[:, 0] <= 1e-6) & anyhit).tolist():
        rk = r[dd == k]
        lk = lens[rk]
        ck = cols[_ragged(indptr[rk], lk)]
        exact = np.bincount(ck, minlength=nl).astype(np.float64)
        exact += np.bincount(ck, weights=1.0 / np.repeat(lk, lk), minlength=nl)
        best[k] = np.argmax(exact)
    return [
        langs[b] if a and n > 0 else None for b, a, n in zip(best.tolist(), anyhit.tolist(), nwords.tolist())
    ]


def _union() -> dict[str, Any]:
    out: dict[str, Any] = {"months": [[] for _ in range(12)]}
    month_of: dict[str, set[int]] = {}
    for code in marker_langs():
        m = markers(code)
        for i, forms in enumerate(m.get("months", [])):
            for f in forms:
                month_of.setdefault(f.lower(), set()).add(i)
        for k, v in m.items():
            if k != "months" and isinstance(v, list):
                out.setdefault(k, [])
                out[k] += [w for w in v if w not in out[k]]
    for form, months in month_of.items():
        if len(months) == 1:
            out["months"][next(iter(months))].append(form)
    return out
