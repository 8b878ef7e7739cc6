"""`corpus_lines` (optional): lines that recur in more than `max_docs` documents of the corpus
are removed everywhere except their first occurrence (cc_net's paragraph dedup, out of core).

A line's key is the 64-bit hash of the line normalised like exact dedup (casefold, whitespace
collapsed); blank lines and lines shorter than `min_chars` are ignored. Counting uses the same
out-of-core counter as `host_templates` (`sia.dedup.counter`), each document counting a line once.
"First occurrence" is the first document in deterministic order (shard number, then position in
the shard); that document keeps the line, every later one loses it, reason ``corpus_repeated``.
The default `max_docs` 1 is cc_net's rule (any repeat goes); raise it to keep lines that a few
documents legitimately share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from sia.dedup.counter import CountBuffer, CountTable, ReduceTask, check_partitions, order_values
from sia.dedup.normalize import normalize_text, text_hash
from sia.record import Document
from sia.stage import PMap, ShardContext, register


def _line_keys(text: str, min_chars: int) -> tuple[list[tuple[int, int]], list[int]]:
    """(start, end) of each countable line of `text` and its key."""
    spans, keys = [], []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        norm = normalize_text(line)
        if norm and len(norm) >= min_chars:
            spans.append((pos, end))
            keys.append(text_hash(norm))
        pos = end + 1
    return spans, keys


@register
@dataclass
class CorpusLines:
    """Remove lines repeated across documents, keeping each line's first occurrence."""

    name: ClassVar[str] = "corpus_lines"

    max_docs: int = 1
    min_chars: int = 1
    partitions: int = 16
    chunk_keys: int = 4_000_000

    def validate(self) -> None:
        if self.max_docs < 1:
            raise ValueError("max_docs must be ≥ 1")
        check_partitions(self.partitions)

    def _next_order(self, key: str, shard: int, n: int) -> np.ndarray:
        pos = self.__dict__.setdefault(key, {})
        start = pos.get(shard, 0)
        pos[shard] = start + n
        return order_values(shard, start, n)

    def observe(self, batch: list[Document], ctx: ShardContext) -> None:
        bufs = self.__dict__.setdefault("_bufs", {})
        buf = bufs.setdefault(ctx.shard, CountBuffer("lines", self.partitions, self.chunk_keys))
        orders = self._next_order("_opos", ctx.shard, len(batch))
        keys, order = [], []
        for d, o in zip(batch, orders, strict=True):
            _, k = _line_keys(d.clean_text, self.min_chars)
            k = np.unique(np.array(k, dtype=np.uint64))
            keys.append(k)
            order.append(np.full(k.size, o, np.uint64))
        if keys:
            buf.add(np.concatenate(keys), np.concatenate(order), ctx.work, ctx.shard)

    def finish_shard(self, ctx: ShardContext) -> None:
        buf = self.__dict__.setdefault("_bufs", {}).pop(ctx.shard, None)
        if buf is not None:
            buf.flush(ctx.work, ctx.shard)

    def combine(self, work: Path, n_shards: int, pmap: PMap) -> dict[str, Any]:
        kept = pmap(ReduceTask(work, "lines", self.max_docs + 1), list(range(self.partitions)))
        return {"repeated_lines": int(sum(kept))}

    def apply(self, batch: list[Document], ctx: ShardContext) -> list[Document]:
        tables = self.__dict__.setdefault("_tables", {})
        if ctx.work not in tables:
            tables[ctx.work] = CountTable(ctx.work, "lines", self.partitions)
        table: CountTable = tables[ctx.work]
        orders = self._next_order("_apos", ctx.shard, len(batch))
        for d, o in zip(batch, orders, strict=True):
            spans, keys = _line_keys(d.clean_text, self.min_chars)
            if not keys:
                continue
            counts, first = table.lookup(np.array(keys, dtype=np.uint64))
            drop = (counts > self.max_docs) & (first != o)
            if drop.any():
                d.remove_clean_many(
                    [(a, b, "corpus_repeated") for (a, b), x in zip(spans, drop, strict=True) if x]
                )
        return batch
