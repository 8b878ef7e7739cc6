"""Shared pieces of the extraction benchmarks: pages, text views, labels and the shingle score.

Score as the article-extraction-benchmark authors define it: the multiset of token 4-grams of the
output against that of `gold_text`; precision, recall, F1 per page, then the mean over pages.
Tokens are sia's words (`sia.text.words.split_words`), lower-cased.
"""

from __future__ import annotations

import json
import lzma
import pickle
from collections import Counter
from pathlib import Path

from sia.repair.html import html_to_text
from sia.text.words import split_words

DATA = Path("/work/shared/data/extraction")
CACHE = Path("/tmp/sia-bench-cache")


def load_pages() -> list[dict]:
    """The 181 scrapinghub pages with `text` (block lines) and `flat` (one line) views, cached."""
    CACHE.mkdir(exist_ok=True)
    p = CACHE / "aeb_pages.pkl"
    if p.exists():
        return pickle.loads(p.read_bytes())
    with lzma.open(DATA / "scrapinghub_aeb.jsonl.xz", "rt") as f:
        rows = [json.loads(line) for line in f]
    for r in rows:
        r["text"] = html_to_text(r["html"])
        r["flat"] = " ".join(r["text"].split("\n"))
    p.write_bytes(pickle.dumps(rows))
    return rows


def is_dev(i: int) -> bool:
    """Dev split: even page indices (training); odd pages are held out for evaluation."""
    return i % 2 == 0


def shingles(text: str, n: int = 4) -> Counter:
    w = [x.lower() for x in split_words(text)]
    return Counter(tuple(w[i : i + n]) for i in range(max(0, len(w) - n + 1)))


def prf(out: str, gold: str) -> tuple[float, float, float]:
    a, g = shingles(out), shingles(gold)
    if not a and not g:
        return 1.0, 1.0, 1.0
    inter = sum((a & g).values())
    p = inter / max(1, sum(a.values()))
    r = inter / max(1, sum(g.values()))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
