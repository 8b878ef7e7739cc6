"""`host_templates`: remove text that recurs across many pages of one host (site templates).

Navigation bars, footers, cookie notes and "related" boxes are the same on most pages of a site,
while the article text of each page is its own. This stage counts, over the whole run, in how
many documents of each host every word shingle occurs, and removes the shingles that are common
on that host.

Units: word `shingle_size`-grams inside each line of `doc.clean_text` (a line with fewer words is
one unit of all its words, so short menu lines such as "Home" count too). Keys are 64-bit hashes of
(host, unit); each document counts a key once. Counting is the out-of-core `sia.dedup.counter`
(partitioned count files under the stage's work folder), the same counter `corpus_lines` uses.

A unit is template text on a host with N documents (N ≥ `min_docs`) when it occurs in at least
``max(min_count, ceil(min_fraction × N))`` of them. Why these defaults: a site template is on
(nearly) every page, so a high fraction (0.5) separates it from text legitimately shared by a
few pages (a quoted paragraph, a series' standing intro); `min_count` 3 keeps two pages that
share a story from erasing each other, and below `min_docs` 5 pages the fraction is noise.
On the 126 archive.org pages of tests/data/dedup the rule removes the header/footer menus and
keeps each item's description (tests/test_templates_host.py).

Removal: words covered by a template unit are marked; a line whose words are all marked is
removed whole (with its punctuation), otherwise each run of marked words is removed from its
first word to its last. Reason ``template``. Documents without a URL/host, or of hosts with fewer
than `min_docs` documents in the run, are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import numpy as np
import xxhash

from sia.dedup.counter import CountBuffer, CountTable, ReduceTask, check_partitions
from sia.dedup.hashing import U64, batch_words, shingle_hashes, splitmix64
from sia.record import Document
from sia.stage import PMap, ShardContext, register

_DOCS = U64(0x5851F42D4C957F2D)  # unit hash standing for "a document of this host"


def host_of(url: str | None) -> str | None:
    """Lower-cased host name without a leading ``www.``; None when there is none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _host_hash(host: str) -> int:
    return xxhash.xxh3_64_intdigest(host.encode("utf-8", "surrogatepass"))


@dataclass
class _Units:
    """Units of a batch: per unit its document, key and word range."""

    doc: np.ndarray
    key: np.ndarray
    first_word: np.ndarray
    n_words: np.ndarray
    words: Any  # BatchWords


def batch_units(texts: list[str], groups: np.ndarray, n: int) -> _Units:
    """Word n-gram units per line of each text, keyed by (group hash, unit hash)."""
    bw = batch_words(texts, lower=False, lines=True)
    n_lines = bw.line_doc.size
    line_counts = (
        np.bincount(bw.line, minlength=n_lines).astype(np.int64) if n_lines else np.zeros(0, np.int64)
    )
    sh, sc = shingle_hashes(bw.hashes, line_counts, n)
    unit_line = np.repeat(np.arange(n_lines), sc)
    line_first = np.zeros(n_lines, np.int64)
    if n_lines:
        line_first[1:] = np.cumsum(line_counts[:-1])
    soff = np.zeros(n_lines, np.int64)
    if n_lines:
        soff[1:] = np.cumsum(sc[:-1])
    first_word = line_first[unit_line] + (np.arange(sh.size) - soff[unit_line])
    n_words = np.minimum(line_counts[unit_line], n)
    doc = bw.line_doc[unit_line]
    with np.errstate(over="ignore"):
        key = splitmix64(sh ^ (groups[doc] * U64(0x9E3779B97F4A7C15)))
    return _Units(doc, key, first_word, n_words, bw)


def doc_unique(doc: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(doc, key) pairs with duplicates inside a document removed."""
    if key.size == 0:
        return doc, key
    order = np.lexsort((key, doc))
    d, k = doc[order], key[order]
    keep = np.ones(k.size, bool)
    keep[1:] = (d[1:] != d[:-1]) | (k[1:] != k[:-1])
    return d[keep], k[keep]


@register
@dataclass
class HostTemplates:
    """Remove word shingles that recur on many pages of the same host (see module docstring)."""

    name: ClassVar[str] = "host_templates"

    shingle_size: int = 4
    min_docs: int = 5
    min_fraction: float = 0.5
    min_count: int = 3
    partitions: int = 16
    chunk_keys: int = 4_000_000

    def validate(self) -> None:
        check_partitions(self.partitions)
        if not 0.0 < self.min_fraction <= 1.0:
            raise ValueError("min_fraction must be in (0, 1]")
        if self.min_docs < 2 or self.min_count < 2 or self.shingle_size < 1:
            raise ValueError("min_docs and min_count must be ≥ 2, shingle_size ≥ 1")

    def _hosts(self, batch: list[Document]) -> tuple[np.ndarray, np.ndarray]:
        hosts = [host_of(d.url) for d in batch]
        has = np.array([h is not None for h in hosts], dtype=bool)
        hh = np.array([_host_hash(h) if h is not None else 0 for h in hosts], dtype=U64)
        return hh, has

    # -- observe ----------------------------------------------------------------------------------
    def observe(self, batch: list[Document], ctx: ShardContext) -> None:
        bufs = self.__dict__.setdefault("_bufs", {})
        buf = bufs.setdefault(ctx.shard, CountBuffer("tpl", self.partitions, self.chunk_keys))
        hh, has = self._hosts(batch)
        idx = np.flatnonzero(has)
        if idx.size == 0:
            return
        u = batch_units([batch[i].clean_text for i in idx], hh[idx], self.shingle_size)
        d, k = doc_unique(u.doc, u.key)
        with np.errstate(over="ignore"):
            doc_keys = splitmix64(hh[idx] ^ _DOCS)
        keys = np.concatenate([k, doc_keys])
        buf.add(keys, np.zeros(keys.size, U64), ctx.work, ctx.shard)

    def finish_shard(self, ctx: ShardContext) -> None:
        buf = self.__dict__.setdefault("_bufs", {}).pop(ctx.shard, None)
        if buf is not None:
            buf.flush(ctx.work, ctx.shard)

    def combine(self, work: Path, n_shards: int, pmap: PMap) -> dict[str, Any]:
        floor = min(self.min_count, self.min_docs)
        kept = pmap(ReduceTask(work, "tpl", floor), list(range(self.partitions)))
        return {"frequent_keys": int(sum(kept))}

    # -- apply ------------------------------------------------------------------------------------
    def apply(self, batch: list[Document], ctx: ShardContext) -> list[Document]:
        tables = self.__dict__.setdefault("_tables", {})
        if ctx.work not in tables:
            tables[ctx.work] = CountTable(ctx.work, "tpl", self.partitions)
        table: CountTable = tables[ctx.work]
        hh, has = self._hosts(batch)
        with np.errstate(over="ignore"):
            host_docs, _ = table.lookup(splitmix64(hh ^ _DOCS))
        idx = np.flatnonzero(has & (host_docs >= self.min_docs))
        if idx.size == 0:
            return batch
        texts = [batch[i].clean_text for i in idx]
        u = batch_units(texts, hh[idx], self.shingle_size)
        counts, _ = table.lookup(u.key)
        need = np.maximum(self.min_count, np.ceil(self.min_fraction * host_docs[idx]).astype(np.int64))
        tpl = counts >= need[u.doc]
        spans = template_spans(u, tpl, len(texts))
        for j, sp in enumerate(spans):
            if sp:
                batch[idx[j]].remove_clean_many([(a, b, "template") for a, b in sp])
        return batch


def template_spans(u: _Units, tpl: np.ndarray, n_docs: int) -> list[list[tuple[int, int]]]:
    """Cleaned-text spans to remove per document, from the template flags of its units."""
    bw = u.words
    nw = bw.hashes.size
    cover = np.zeros(nw + 1, np.int64)
    np.add.at(cover, u.first_word[tpl], 1)
    np.add.at(cover, u.first_word[tpl] + u.n_words[tpl], -1)
    marked = np.cumsum(cover[:nw]) > 0
    out: list[list[tuple[int, int]]] = [[] for _ in range(n_docs)]
    if not marked.any():
        return out
    n_lines = bw.line_doc.size
    words_per_line = np.bincount(bw.line, minlength=n_lines)
    marked_per_line = np.bincount(bw.line, weights=marked, minlength=n_lines)
    full = (words_per_line > 0) & (marked_per_line == words_per_line)
    for ln in np.flatnonzero(full):
        out[bw.line_doc[ln]].append((int(bw.line_starts[ln]), int(bw.line_ends[ln])))
    # runs of marked words in lines that are not removed whole
    part = marked & ~full[bw.line]
    edges = np.diff(part.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    rs, re_ = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    # a run must not cross a line (or document) boundary: split where the line changes
    for a, b in zip(rs.tolist(), re_.tolist(), strict=True):
        start = a
        for w in range(a + 1, b + 1):
            if bw.line[w] != bw.line[w - 1]:
                out[bw.doc[start]].append((int(bw.starts[start]), int(bw.ends[w - 1])))
                start = w
        out[bw.doc[start]].append((int(bw.starts[start]), int(bw.ends[b])))
    for sp in out:
        sp.sort()
    return out
