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
    return frozenset(w.strip().lower() for w in p.read_text(encoding="utf-8").splitlines() if w.strip())


@functools.cache
def stopword_langs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (DATA / "stopwords").glob("*.txt")))


@functools.cache
def _stopword_index() -> tuple[dict[str, np.ndarray], tuple[str, ...]]:
    """word -> indices of the languages whose list holds it (one dict for all languages)."""
    langs = stopword_langs()
    acc: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        for w in stopwords(lang):
            acc.setdefault(w, []).append(i)
    return {w: np.array(v, dtype=np.int32) for w, v in acc.items()}, langs


def guess_lang(words: list[str], max_words: int = 3000) -> tuple[str | None, float]:
    """Language whose stop-word list covers most of `words` (lower-cased), and that coverage.

    Long lists (Korean, Russian: thousands of forms) would win on coverage alone, so each
    language's hit count is weighted by how concentrated its list is: hits on words that are
    stop words in many languages count less (divided by the number of lists that hold them).
    """
    index, langs = _stopword_index()
    hits = np.zeros(len(langs), dtype=np.float64)
    raw = np.zeros(len(langs), dtype=np.int64)
    n = 0
    for w in words[:max_words]:
        n += 1
        ix = index.get(w)
        if ix is not None:
            hits[ix] += 1.0 / len(ix)
            raw[ix] += 1
    if n == 0 or not hits.any():
        return None, 0.0
    best = int(np.argmax(hits))
    return langs[best], float(raw[best]) / n


@functools.cache
def markers(lang: str) -> dict[str, Any]:
    """Marker phrases and date words of `lang` from data/markers/<lang>.toml ({} when absent)."""
    p = DATA / "markers" / f"{lang}.toml"
    if not p.exists():
        return {}
    with open(p, "rb") as f:
        return tomllib.load(f)


@functools.cache
def marker_langs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (DATA / "markers").glob("*.toml")))


def doc_lang(lang: str | None, text: str, max_chars: int = 20_000) -> str | None:
    """`lang` if a stage already set it, else the best stop-word guess over the text's start."""
    if lang:
        return lang.split("_")[0].split("-")[0]
    from sia.text.words import split_words

    guess, _ = guess_lang([w.lower() for w in split_words(text[:max_chars])])
    return guess
