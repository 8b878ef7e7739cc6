"""MinHash signatures by one-permutation hashing with optimal densification, and LSH band keys.

Classic MinHash applies K hash functions to every shingle: K multiply-adds per shingle, which is
what makes it slow. One-permutation hashing (Li, Owen & Zhang 2012) hashes each shingle once:
the high bits of its 64-bit hash pick one of K bins, and a bin's signature value is the smallest
hash that fell into it -- one pass, no per-permutation work. Empty bins (a document with few
shingles) are filled by *optimal densification* (Shrivastava 2017): empty bin j copies the value
of bin ``probe(j, t)`` for the first t = 1, 2, ... that lands on a non-empty bin, with a fixed
probe sequence shared by all documents, so two documents fill the same bins the same way. The
probability that two signatures agree in a bin is the Jaccard similarity of their shingle sets
(unbiased, with variance close to classic MinHash; bench/dedup_quality.py measures the error
against exact Jaccard next to datasketch's classic MinHash).

Band keys: the K values are cut into `bands` groups of `rows` (K = bands × rows); a band key is a
64-bit hash of the band's values and its band number, so equal keys in the same band mean the
signatures agree on the whole band. Two documents with Jaccard s share some band with
probability 1 - (1 - s**rows)**bands.
"""

from __future__ import annotations

import functools

import numpy as np

from sia.dedup.hashing import U64, splitmix64

EMPTY = np.iinfo(np.uint64).max


def signatures(shingles: np.ndarray, counts: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """(n_docs, k) uint64 OPH signatures; a document without shingles gets all-EMPTY values."""
    nd = counts.size
    sig = np.full(nd * k, EMPTY, dtype=U64)
    if shingles.size:
        h = splitmix64(shingles ^ U64(seed * 0x9E3779B97F4A7C15 % (1 << 64))) if seed else shingles
        doc = np.repeat(np.arange(nd, dtype=np.int64), counts)
        # bin from the high 32 bits (multiply-shift: uniform for any k), value = whole hash
        binn = ((h >> U64(32)) * U64(k)) >> U64(32)
        np.minimum.at(sig, doc * k + binn.astype(np.int64), h)
    sig = sig.reshape(nd, k)
    _densify(sig, counts > 0)
    return sig


@functools.cache
def _probe_table(k: int, t_max: int) -> np.ndarray:
    """probe[j, t]: bin that empty bin j looks at on try t (fixed, the same for every document)."""
    j = np.arange(k, dtype=U64)[:, None]
    t = np.arange(1, t_max + 1, dtype=U64)[None, :]
    with np.errstate(over="ignore"):
        h = splitmix64(j * U64(0x9E3779B97F4A7C15) + t * U64(0xC2B2AE3D27D4EB4F))
    return ((h >> U64(32)) * U64(k) >> U64(32)).astype(np.int64)


def _densify(sig: np.ndarray, nonempty_doc: np.ndarray) -> None:
    empty = sig == EMPTY
    empty[~nonempty_doc] = False
    if not empty.any():
        return
    k = sig.shape[1]
    t_max = 64
    docs, bins = np.nonzero(empty)
    filled = ~empty  # bins that had their own values (never copy a copied value)
    t0 = 0
    while docs.size:
        if t0 >= t_max:
            t_max *= 4
        probe = _probe_table(k, t_max)
        for t in range(t0, t_max):
            src = probe[bins, t]
            ok = filled[docs, src]
            if ok.any():
                sig[docs[ok], bins[ok]] = sig[docs[ok], src[ok]]
                docs, bins = docs[~ok], bins[~ok]
                if not docs.size:
                    return
        t0 = t_max


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n_docs, bands) uint64 LSH keys; rows of a document without shingles are all EMPTY."""
    n, k = sig.shape
    if bands * rows > k:
        raise ValueError(f"bands × rows = {bands * rows} exceeds signature length {k}")
    s = sig[:, : bands * rows].reshape(n, bands, rows)
    acc = np.zeros((n, bands), dtype=U64)
    mult = splitmix64(np.arange(1, rows + 1, dtype=U64) * U64(0x632BE59BD9B4E019)) | U64(1)
    with np.errstate(over="ignore"):
        for r in range(rows):
            acc = splitmix64(acc ^ (s[:, :, r] * mult[r]))
        acc ^= np.arange(bands, dtype=U64)[None, :] * U64(0xFF51AFD7ED558CCD)
    return splitmix64(acc)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise fraction of equal signature values (the MinHash Jaccard estimate)."""
    return (a == b).mean(axis=-1)
