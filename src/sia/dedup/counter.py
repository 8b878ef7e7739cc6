"""Out-of-core document-frequency counter for 64-bit keys, shared by `host_templates` and
`corpus_lines` (one counter, two users).

A key is whatever a stage counts -- (host, shingle) for templates, a normalised line for corpus
lines -- and each document contributes each key at most once, so a count is a number of documents.
Along with the count the counter keeps the key's *first occurrence*: the smallest 64-bit order
value any document gave it (``shard << 40 | position in shard``), which is the first document in
deterministic shard/document order.

observe side (`CountBuffer`): keys are buffered per shard and flushed in chunks as
``<name>-s<shard>c<chunk>.npz``, already reduced (unique key, count, first) and split into
partitions by the top bits of the key.
combine (`reduce_partition`, one `pmap` task per partition): merge all chunks of the partition,
sum counts, take the minimum first occurrence, keep keys with ``count >= min_count`` (the only
ones any stage asks about), write ``<name>-counts-p<p>.npz`` sorted by key.
apply (`CountTable.lookup`): `searchsorted` in the memory-mapped partition tables.

Memory: one chunk of buffered keys per shard in observe (`chunk_keys`), one partition in combine,
the kept (frequent) keys in apply. Counting is exact and independent of shard or partition count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sia.dedup.store import save_npz

U64 = np.uint64
ORDER_SHIFT = 40  # position-in-shard bits of an order value


def order_values(shard: int, start: int, n: int) -> np.ndarray:
    """Order values of documents start..start+n-1 of `shard`."""
    return (np.uint64(shard) << U64(ORDER_SHIFT)) + np.arange(start, start + n, dtype=U64)


def _reduce(keys: np.ndarray, counts: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, ...]:
    """Merge equal keys: sum counts, min first occurrence. Inputs need not be sorted."""
    if keys.size == 0:
        return keys, counts, first
    order = np.lexsort((first, keys))
    k, c, f = keys[order], counts[order], first[order]
    start = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
    return k[start], np.add.reduceat(c, start), f[start]  # f sorted within a key: first = min


def check_partitions(p: int) -> None:
    """Partitions are the top bits of a 64-bit key, so their count must be a power of two."""
    if p < 1 or p & (p - 1):
        raise ValueError(f"partitions must be a power of two, got {p}")


@dataclass
class CountBuffer:
    """Per-shard buffer of (key, order) occurrences; flushes reduced chunks to `work`."""

    name: str
    partitions: int
    chunk_keys: int = 4_000_000
    chunk: int = 0
    keys: list[np.ndarray] = field(default_factory=list)
    order: list[np.ndarray] = field(default_factory=list)
    n: int = 0

    def add(self, keys: np.ndarray, order: np.ndarray, work: Path, shard: int) -> None:
        """`keys[i]` occurs in the document with order value `order[i]` (unique per document)."""
        self.keys.append(keys.astype(U64, copy=False))
        self.order.append(order.astype(U64, copy=False))
        self.n += keys.size
        if self.n >= self.chunk_keys:
            self.flush(work, shard)

    def flush(self, work: Path, shard: int) -> None:
        if self.n == 0:
            return
        keys = np.concatenate(self.keys) if self.keys else np.zeros(0, U64)
        order = np.concatenate(self.order) if self.order else np.zeros(0, U64)
        k, c, f = _reduce(keys, np.ones(keys.size, np.int64), order)
        bits = int(self.partitions).bit_length() - 1
        part = (k >> U64(64 - bits)).astype(np.int64) if bits else np.zeros(k.size, np.int64)
        bounds = np.searchsorted(part, np.arange(self.partitions + 1))  # k sorted → part sorted
        arrays = {}
        for p in range(self.partitions):
            a, b = bounds[p], bounds[p + 1]
            arrays[f"k{p}"], arrays[f"c{p}"], arrays[f"f{p}"] = k[a:b], c[a:b], f[a:b]
        save_npz(work / f"{self.name}-s{shard:05d}c{self.chunk:04d}.npz", **arrays)
        self.chunk += 1
        self.keys, self.order, self.n = [], [], 0


def reduce_partition(work: Path, name: str, p: int, min_count: int) -> int:
    """Merge partition `p` of every chunk of counter `name`; returns the number of kept keys."""
    ks, cs, fs = [], [], []
    for f in sorted(work.glob(f"{name}-s*c*.npz")):
        with np.load(f) as z:
            ks.append(z[f"k{p}"])
            cs.append(z[f"c{p}"])
            fs.append(z[f"f{p}"])
    if ks:
        k, c, f = _reduce(np.concatenate(ks), np.concatenate(cs), np.concatenate(fs))
    else:
        k, c, f = np.zeros(0, U64), np.zeros(0, np.int64), np.zeros(0, U64)
    keep = c >= min_count
    save_npz(work / f"{name}-counts-p{p:04d}.npz", k=k[keep], c=c[keep], f=f[keep])
    return int(keep.sum())


class CountTable:
    """Read side: counts and first occurrences of keys after `reduce_partition`."""

    def __init__(self, work: Path, name: str, partitions: int):
        self.parts = []
        for p in range(partitions):
            with np.load(work / f"{name}-counts-p{p:04d}.npz") as z:
                self.parts.append((z["k"], z["c"], z["f"]))
        self.bits = int(partitions).bit_length() - 1

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(count, first) per key; absent keys (count below min_count) give (0, max)."""
        counts = np.zeros(keys.size, np.int64)
        first = np.full(keys.size, np.iinfo(np.uint64).max, U64)
        if keys.size == 0:
            return counts, first
        part = (keys >> U64(64 - self.bits)).astype(np.int64) if self.bits else np.zeros(keys.size, np.int64)
        for p in np.unique(part):
            k, c, f = self.parts[p]
            if k.size == 0:
                continue
            sel = np.flatnonzero(part == p)
            i = np.minimum(np.searchsorted(k, keys[sel]), k.size - 1)
            hit = k[i] == keys[sel]
            counts[sel[hit]] = c[i[hit]]
            first[sel[hit]] = f[i[hit]]
        return counts, first


@dataclass(frozen=True)
class ReduceTask:
    """Picklable `pmap` task: `reduce_partition` of one partition."""

    work: Path
    name: str
    min_count: int

    def __call__(self, p: int) -> int:
        return reduce_partition(self.work, self.name, p, self.min_count)
