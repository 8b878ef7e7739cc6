"""Deterministic bounded samples of documents, streamed from the part files.

A document's priority is a seeded 64-bit hash of its id; a reservoir keeps the `k` smallest.
That is a uniform sample that does not depend on the order documents are read in (nor on how
the run was sharded), takes O(k) memory, and is the same on every machine for a given seed.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

import xxhash

T = TypeVar("T")


def priority(doc_id: str, seed: int) -> int:
    return xxhash.xxh64_intdigest(doc_id.encode("utf-8", "surrogatepass"), seed=seed)


class Reservoir(Generic[T]):
    """The `k` items with the smallest priorities offered so far."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._heap: list[tuple[int, str, int, T]] = []  # max-heap via negated priority
        self._seq = 0  # tie-breaker so items themselves are never compared

    def would_take(self, prio: int) -> bool:
        return len(self._heap) < self.k or -self._heap[0][0] > prio

    def offer(self, prio: int, key: str, item: T) -> None:
        if self.k <= 0 or not self.would_take(prio):
            return
        self._seq += 1
        entry = (-prio, key, -self._seq, item)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, entry)
        else:
            heapq.heapreplace(self._heap, entry)

    def items(self) -> list[T]:
        """Kept items, smallest priority first (a stable, order-free listing)."""
        return [e[3] for e in sorted(self._heap, key=lambda e: (-e[0], e[1], e[2]))]


def sample_by_key(
    items: Iterable[tuple[dict, T]],
    keys_of: Callable[[tuple[dict, T]], Iterable[str]],
    per_key: int,
    seed: int = 0,
) -> dict[str, list[tuple[dict, T]]]:
    """Stratified sample of ``(record, payload)`` items: up to `per_key` for every key an item
    has (e.g. each reason). Priorities come from ``record["id"]``."""
    pools: dict[str, Reservoir[tuple[dict, T]]] = {}
    for item in items:
        rid = str(item[0].get("id"))
        prio = priority(rid, seed)
        for key in keys_of(item):
            pool = pools.get(key)
            if pool is None:
                pool = pools[key] = Reservoir(per_key)
            pool.offer(prio, rid, item)
    return {key: pool.items() for key, pool in sorted(pools.items())}


def take(records: Iterable[T], k: int, key: Callable[[T], str], seed: int = 0) -> Iterator[T]:
    """Uniform sample of `k` records (see module docstring), smallest priority first."""
    pool: Reservoir[T] = Reservoir(k)
    for rec in records:
        pool.offer(priority(key(rec), seed), key(rec), rec)
    yield from pool.items()
