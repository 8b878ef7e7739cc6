"""Load the lingua sentence set and split it deterministically into train and held-out test.

The split hashes each sentence (xxhash64 of its UTF-8 text), so it never depends on file order or a
random seed: even hash -> train/dev part (the tier-2 model learns from it), odd -> held-out test
(only ever used for reporting).
"""

from __future__ import annotations

import lzma
from pathlib import Path

import xxhash

DATA = Path("/work/shared/data/langid/lingua_sentences_dev.tsv.xz")
SIX = ("is", "nb", "nn", "da", "sv", "de", "en")  # nb+nn form one class "no" in the six-way score


def load(path: Path = DATA) -> list[tuple[str, str]]:
    """(lang, sentence) pairs; malformed lines (wrapped sentences) are skipped."""
    rows = []
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            lang, sep, text = line.rstrip("\n").partition("\t")
            if sep and 2 <= len(lang) <= 3 and lang.isalpha() and lang.islower() and text.strip():
                rows.append((lang, text.strip()))
    return rows


def is_test(text: str) -> bool:
    return xxhash.xxh64_intdigest(text.encode("utf-8")) % 2 == 1


def split(rows: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    train = [r for r in rows if not is_test(r[1])]
    test = [r for r in rows if is_test(r[1])]
    return train, test
