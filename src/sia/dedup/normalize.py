"""Text normalisation for exact duplicates: which differences do not make two documents distinct.

Steps, in order, each switchable: Unicode NFKC (``nfkc``); ``casefold`` (full Unicode case folding,
so ``Straße`` = ``STRASSE``); ``strip_punctuation`` (drop every punctuation and symbol character,
\\p{P} and \\p{S}); ``strip_digits`` (drop every number character, \\p{N}, so pages differing only
in dates or counters collapse); ``collapse_whitespace`` (any whitespace run becomes one space,
leading and trailing whitespace dropped). The hash is 64-bit xxh3 of the UTF-8 result.
"""

from __future__ import annotations

import unicodedata

import regex
import xxhash

_PUNCT = regex.compile(r"[\p{P}\p{S}]+")
_DIGITS = regex.compile(r"\p{N}+")


def normalize_text(
    text: str,
    *,
    casefold: bool = True,
    collapse_whitespace: bool = True,
    strip_punctuation: bool = False,
    strip_digits: bool = False,
    nfkc: bool = False,
) -> str:
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    if casefold:
        text = text.casefold()
    if strip_punctuation:
        text = _PUNCT.sub("", text)
    if strip_digits:
        text = _DIGITS.sub("", text)
    if collapse_whitespace:
        text = " ".join(text.split())
    return text


def text_hash(normalized: str) -> int:
    return xxhash.xxh3_64_intdigest(normalized.encode("utf-8", "surrogatepass"))
