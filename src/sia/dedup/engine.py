"""The corpus-level clustering engine shared by `exact_dedup` and `near_dedup`.

Both stages give each document a few 64-bit keys (exact: one hash of the normalised text; near:
one LSH band key per band); documents sharing a key are candidate duplicates. The engine:

observe / finish_shard
    per shard, in chunks of `chunk_docs` documents: keys written to partition arrays (partition =
    top bits of the key, so a partition is a contiguous key range), per-document metadata
    (quality, length, cluster weight, id/source hash), ids and sources (Parquet) and whatever the
    subclass needs to verify pairs (signatures, shingle hashes).
combine
    1. `pmap` over key partitions: sort the keys of all shards (plus the persistent index's keys in
       that range), emit candidate pairs inside each run of equal keys (star to the run's first
       member plus the chain of neighbours), drop index-index pairs, and route each pair by its
       hash to one verification bucket. `pmap` over buckets: unique pairs, drop a document's match
       with its own earlier indexed copy (same id and source), verify (subclass), write edges --
       so a pair sharing many band keys is verified once.
    2. Connected components over all edge files (`components.py`, disk-backed labels).
    3. One survivor per component by the rule below, similarity of each removed document to its
       survivor, per-shard decision tables (Parquet).
    4. Append this run's kept documents to the index (new segment, then manifest; `index.py`).
apply
    per shard, documents in observe order: set ``doc.dup`` and reject removed ones.

Chains: connected components can join documents that are not similar themselves (A~B, B~C).
With `survivor_check` a removed document must reach the threshold against its survivor, or it
is left out of the cluster and kept.

Survivor rule (deterministic, independent of shards, partitions and workers): a document already
in the index wins; then highest quality (``doc.signals[quality_signal]``, 0 when absent); then
longest cleaned text; then smallest id, then smallest source (string order). Global document
numbers depend on sharding but are only used as array positions: every decision is made from
keys, edges (a set) and the rule above, so 1 or 7 shards give identical results as long as ids
(with their source) are unique.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash

from sia.dedup.components import connected_components
from sia.dedup.counter import check_partitions
from sia.dedup.hashing import sorted_unique, splitmix64
from sia.dedup.index import DedupIndex
from sia.dedup.store import NpyWriter, load_table, save_json, save_npy, save_npz, save_table, take_strings
from sia.record import Document
from sia.stage import PMap, ShardContext

U64 = np.uint64


def id_key(doc_id: str, source: str) -> int:
    """64-bit identity of a document (id + source), to recognise a re-run of indexed documents."""
    return xxhash.xxh3_64_intdigest(f"{source}\x00{doc_id}".encode("utf-8", "surrogatepass"))


@dataclass
class _ShardBuf:
    chunk: int = 0
    local: int = 0  # documents observed so far in this shard
    chunks: list[int] = field(default_factory=list)  # documents per flushed chunk
    keys: list[np.ndarray] = field(default_factory=list)  # (n, B) per batch
    valid: list[np.ndarray] = field(default_factory=list)
    meta: dict[str, list[np.ndarray]] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    extra: dict[str, list[Any]] = field(default_factory=dict)
    n: int = 0  # documents in the open chunk


class ClusterDedup:
    """Base of the dedup corpus stages; subclasses give keys and verify candidate pairs."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""  # index sub-folder and cluster kind
    reason: ClassVar[str] = ""
    # dataclass fields of subclasses: index, partitions, quality_signal, chunk_docs

    # -- subclass hooks -------------------------------------------------------------------------
    def doc_keys(self, batch: list[Document]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """(keys (n, B) uint64, valid (n,) bool, extra per-doc data for `write_extra`)."""
        raise NotImplementedError

    def write_extra(self, prefix: Path, extra: dict[str, list[Any]]) -> None:
        """Persist verification data of one chunk (files named ``prefix.*``)."""

    def similarity(self, ctx: _Resolver, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Similarity of node pairs (global numbers); candidates below `threshold` are dropped."""
        return np.ones(u.size)

    def index_params(self) -> dict[str, Any]:
        return {}

    def write_index_arrays(self, res: _Resolver, nodes: np.ndarray, seg: Path) -> None:
        """Write per-document verification files for the appended `nodes` into folder `seg`."""

    def verify_threshold(self) -> float:
        return 0.0

    def survivor_check(self) -> bool:
        """Whether a removed document must itself reach the threshold against its survivor."""
        return False

    # -- observe --------------------------------------------------------------------------------
    def _state(self) -> dict[int, _ShardBuf]:
        st = self.__dict__.get("_bufs")
        if st is None:
            st = self.__dict__["_bufs"] = {}
        return st

    def observe(self, batch: list[Document], ctx: ShardContext) -> None:
        buf = self._state().setdefault(ctx.shard, _ShardBuf())
        keys, valid, extra = self.doc_keys(batch)
        qs = self.quality_signal  # type: ignore[attr-defined]
        meta = {
            "quality": np.array([float(d.signals.get(qs, 0.0)) for d in batch], dtype=np.float64),
            "length": np.array([len(d.clean_text) for d in batch], dtype=np.int64),
            "weight": np.array([int((d.dup or {}).get("size", 1)) for d in batch], dtype=np.int64),
            "idkey": np.array([id_key(d.id, d.source) for d in batch], dtype=U64),
        }
        buf.keys.append(keys)
        buf.valid.append(valid)
        for k, v in meta.items():
            buf.meta.setdefault(k, []).append(v)
        buf.ids.extend(d.id for d in batch)
        buf.sources.extend(d.source for d in batch)
        for k, v in extra.items():
            buf.extra.setdefault(k, []).append(v)
        buf.n += len(batch)
        if buf.n >= self.chunk_docs:  # type: ignore[attr-defined]
            self._flush(buf, ctx)

    def _flush(self, buf: _ShardBuf, ctx: ShardContext) -> None:
        if buf.n == 0:
            return
        prefix = ctx.work / f"s{ctx.shard:05d}c{buf.chunk:04d}"
        keys = np.concatenate(buf.keys)
        valid = np.concatenate(buf.valid)
        nb = keys.shape[1]
        local = np.repeat(np.arange(buf.n, dtype=U64), nb).reshape(buf.n, nb)
        k, loc = keys[valid].ravel(), local[valid].ravel()
        part = (
            (k >> U64(64 - self._pbits())).astype(np.int64) if self._pbits() else np.zeros(k.size, np.int64)
        )
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(self.partitions + 1))  # type: ignore[attr-defined]
        pairs = np.stack([k[order], loc[order]], axis=1)
        save_npz(
            prefix.with_suffix(".keys.npz"),
            **{f"p{p}": pairs[bounds[p] : bounds[p + 1]] for p in range(self.partitions)},  # type: ignore[attr-defined]
        )
        save_npz(prefix.with_suffix(".meta.npz"), **{k: np.concatenate(v) for k, v in buf.meta.items()})
        save_table(prefix.with_suffix(".docs.parquet"), {"id": buf.ids, "source": buf.sources})
        self.write_extra(prefix, buf.extra)
        buf.chunks.append(buf.n)
        buf.chunk += 1
        buf.local += buf.n
        buf.keys, buf.valid, buf.meta, buf.ids, buf.sources, buf.extra = [], [], {}, [], [], {}
        buf.n = 0

    def finish_shard(self, ctx: ShardContext) -> None:
        buf = self._state().pop(ctx.shard, _ShardBuf())
        self._flush(buf, ctx)
        save_json(ctx.work / f"s{ctx.shard:05d}.json", {"chunks": buf.chunks})

    def _pbits(self) -> int:
        return int(self.partitions).bit_length() - 1  # type: ignore[attr-defined]

    def _check_params(self) -> None:
        check_partitions(self.partitions)  # type: ignore[attr-defined]
        if self.chunk_docs < 1:  # type: ignore[attr-defined]
            raise ValueError("chunk_docs must be positive")

    # -- combine --------------------------------------------------------------------------------
    def _index(self) -> DedupIndex | None:
        if not self.index:  # type: ignore[attr-defined]
            return None
        return DedupIndex(self.index, self.kind, self.index_params())  # type: ignore[attr-defined]

    def combine(self, work: Path, n_shards: int, pmap: PMap) -> dict[str, Any]:
        res = _Resolver(work, n_shards, self._index())
        parts = list(range(self.partitions))  # type: ignore[attr-defined]
        pmap(self._partition_task, [(work, n_shards, p) for p in parts])
        stats = pmap(self._verify_task, [(work, n_shards, q) for q in parts])
        n_cand = sum(s[0] for s in stats)
        n_edges = sum(s[1] for s in stats)
        total = res.n + res.m
        edge_files = [work / f"edges-p{p:04d}.npy" for p in range(self.partitions)]  # type: ignore[attr-defined]

        def chunks():
            for f in edge_files:
                yield np.load(f)

        labels = connected_components(total, chunks, work / "labels.npy" if total > 1_000_000 else None)
        sizes = np.bincount(labels, minlength=total)
        members = np.flatnonzero(sizes[labels] > 1)
        removed_count, clusters = self._decide(res, labels, members)
        appended = self._update_index(res, labels, members)
        return {
            "documents": int(res.n),
            "indexed_before": int(res.m),
            "candidate_pairs": int(n_cand),
            "verified_pairs": int(n_edges),
            "clusters": int(clusters),
            "removed": int(removed_count),
            "indexed_added": int(appended),
        }

    def _partition_task(self, args: tuple[Path, int, int]) -> int:
        """Candidate pairs from the keys of partition `p`, split into verification buckets."""
        work, n_shards, p = args
        res = _Resolver(work, n_shards, self._index())
        keys, nodes = [], []
        for gstart, prefix in res.chunks():
            with np.load(prefix.with_suffix(".keys.npz")) as z:
                a = z[f"p{p}"]
            if a.size:
                keys.append(a[:, 0])
                nodes.append(a[:, 1].astype(np.int64) + gstart)
        if res.index is not None and res.m:
            bits = self._pbits()
            lo = p << (64 - bits) if bits else 0
            hi = (p + 1) << (64 - bits) if bits else 1 << 64
            ik, irow = res.index.keys_in_range(lo, hi)
            keys.append(ik)
            nodes.append(irow + res.n)
        k = np.concatenate(keys) if keys else np.zeros(0, U64)
        g = np.concatenate(nodes) if nodes else np.zeros(0, np.int64)
        if k.size == 0:  # an empty partition still writes its (empty) buckets
            k, g = np.zeros(1, U64), np.zeros(1, np.int64)  # one lone key: no pairs
        order = np.lexsort((g, k))
        k, g = k[order], g[order]
        same = k[1:] == k[:-1]
        # chain: consecutive members of a run; star: every member to the run's first member
        chain = np.flatnonzero(same)
        run_start = np.flatnonzero(np.concatenate([[True], ~same]))
        run_id = np.cumsum(np.concatenate([[True], ~same])) - 1
        first = g[run_start][run_id]
        u = np.concatenate([g[chain], first[chain + 1]])
        v = np.concatenate([g[chain + 1], g[chain + 1]])
        lo_, hi_ = np.minimum(u, v), np.maximum(u, v)
        keep = (lo_ != hi_) & (lo_ < res.n)  # index-index pairs were settled when indexed
        pairs = _unique_pairs(lo_[keep], hi_[keep])
        # a pair shares several keys, so it can come from several partitions: route every pair
        # to one verification bucket by its own hash, so each pair is verified once
        bits = self._pbits()
        with np.errstate(over="ignore"):
            ph = splitmix64(pairs[:, 0].astype(U64) * U64(0x9E3779B97F4A7C15) ^ pairs[:, 1].astype(U64))
        bucket = (ph >> U64(64 - bits)).astype(np.int64) if bits else np.zeros(len(pairs), np.int64)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(self.partitions + 1))  # type: ignore[attr-defined]
        pairs = pairs[order]
        save_npz(
            work / f"cand-p{p:04d}.npz",
            **{f"q{q}": pairs[bounds[q] : bounds[q + 1]] for q in range(self.partitions)},  # type: ignore[attr-defined]
        )
        return len(pairs)

    def _verify_task(self, args: tuple[Path, int, int]) -> tuple[int, int]:
        """Unique candidate pairs of verification bucket `q`: drop self-matches, verify, save edges."""
        work, n_shards, q = args
        res = _Resolver(work, n_shards, self._index())
        parts = []
        for p in range(self.partitions):  # type: ignore[attr-defined]
            with np.load(work / f"cand-p{p:04d}.npz") as z:
                a = z[f"q{q}"]
            if a.size:
                parts.append(a)
        out = work / f"edges-p{q:04d}.npy"
        if not parts:
            save_npy(out, np.zeros((0, 2), np.int64))
            return 0, 0
        cat = np.concatenate(parts)
        pairs = _unique_pairs(cat[:, 0], cat[:, 1])
        if pairs.size and res.m:
            # a re-run must not find a document to be a duplicate of its own indexed copy
            vi = pairs[:, 1] >= res.n
            if vi.any():
                ik = res.index_idkeys()
                uk = res.meta("idkey", pairs[vi, 0])
                same_doc = np.zeros(len(pairs), dtype=bool)
                same_doc[vi] = uk == ik[pairs[vi, 1] - res.n]
                pairs = pairs[~same_doc]
        n_cand = len(pairs)
        if n_cand:
            sim = self.similarity(res, pairs[:, 0], pairs[:, 1])
            pairs = pairs[sim >= self.verify_threshold()]
        save_npy(out, pairs.astype(np.int64).reshape(-1, 2))
        return n_cand, len(pairs)

    def _decide(self, res: _Resolver, labels: np.ndarray, members: np.ndarray) -> tuple[int, int]:
        """Pick survivors, write per-shard decision tables; returns (removed, clusters)."""
        n = res.n
        is_new = members < n
        quality = np.zeros(members.size)
        length = np.zeros(members.size, np.int64)
        weight = np.ones(members.size, np.int64)
        ids: list[str] = [""] * members.size
        sources: list[str] = [""] * members.size
        newi = np.flatnonzero(is_new)
        for col, arr in (("quality", quality), ("length", length), ("weight", weight)):
            arr[newi] = res.meta(col, members[newi])
        for i, (a, b) in zip(newi, res.strings(members[newi]), strict=True):
            ids[i], sources[i] = a, b
        oldi = np.flatnonzero(~is_new)
        if oldi.size:
            rows = members[oldi] - n
            for col, arr in (("quality", quality), ("length", length), ("weight", weight)):
                arr[oldi] = res.index.column(col)[rows]  # type: ignore[union-attr]
            for i, a, b in zip(
                oldi, res.index.strings("id", rows), res.index.strings("source", rows), strict=True
            ):  # type: ignore[union-attr]
                ids[i], sources[i] = a, b
        id_arr = np.array(ids, dtype=object)
        src_arr = np.array(sources, dtype=object)
        id_rank = _string_rank(id_arr)
        src_rank = _string_rank(src_arr)
        lab = labels[members]
        order = np.lexsort((src_rank, id_rank, -length, -quality, is_new, lab))
        lab_sorted = lab[order]
        first = (
            np.concatenate([[True], lab_sorted[1:] != lab_sorted[:-1]])
            if lab.size
            else lab_sorted.astype(bool)
        )
        grp = np.cumsum(first) - 1
        surv_pos = order[np.flatnonzero(first)][grp]  # survivor's position in `members`, per sorted row
        survivor_of = np.empty(members.size, np.int64)
        survivor_of[order] = surv_pos
        csize = np.bincount(grp, weights=weight[order]).astype(np.int64)
        size_of = np.empty(members.size, np.int64)
        size_of[order] = csize[grp]
        is_surv = survivor_of == np.arange(members.size)
        rem = np.flatnonzero(~is_surv & is_new)
        sim = np.ones(members.size)
        listed = np.ones(members.size, dtype=bool)
        if rem.size:
            sim[rem] = self.similarity(res, members[rem], members[survivor_of[rem]])
            if self.survivor_check():
                # a chain A~B~C must not remove C when C is not itself similar to the survivor A
                weak = rem[sim[rem] < self.verify_threshold()]
                listed[weak] = False
                rem = rem[sim[rem] >= self.verify_threshold()]
                csize = np.bincount(grp, weights=(weight * listed)[order]).astype(np.int64)
                size_of[order] = csize[grp]
        # per-shard decision tables
        shard_of, local_of = res.shard_local(members)
        for s in range(res.n_shards):
            sel = np.flatnonzero(is_new & listed & (shard_of == s))
            sv = survivor_of[sel]
            save_table(
                res.work / f"dec-s{s:05d}.parquet",
                {
                    "local": local_of[sel].astype(np.int64),
                    "id": [ids[i] for i in sel],
                    "removed": ~is_surv[sel],
                    "cluster": [ids[j] for j in sv],
                    "of_source": [sources[j] if not is_new[j] else None for j in sv],
                    "size": size_of[sel],
                    "similarity": np.round(sim[sel], 4),
                },
            )
        return int(rem.size), int(first.sum())

    def _update_index(self, res: _Resolver, labels: np.ndarray, members: np.ndarray) -> int:
        idx = res.index
        if idx is None:
            return 0
        n = res.n
        kept = np.ones(n, dtype=bool)
        # removed documents: every non-survivor new member (read back from the decision tables)
        for s in range(res.n_shards):
            t = load_table(res.work / f"dec-s{s:05d}.parquet", ["local", "removed"])
            loc = t.column("local").to_numpy()
            r = t.column("removed").to_numpy(zero_copy_only=False)
            kept[res.shard_start[s] + loc[r]] = False
        if res.m:
            kept &= ~np.isin(res.meta("idkey", np.arange(n)), res.index_idkeys())
        nodes = np.flatnonzero(kept)
        if nodes.size == 0:
            return 0
        newrow = np.full(n, -1, np.int64)
        newrow[nodes] = np.arange(nodes.size)
        sizes = np.bincount(labels, minlength=res.n + res.m)

        def write(seg: Path) -> None:
            self._write_index_keys(res, newrow, seg / "keys.npy")
            self._write_index_docs(res, nodes, sizes[labels[nodes]], seg / "docs.parquet")
            self.write_index_arrays(res, nodes, seg)

        idx.append(write, int(nodes.size), _fail_before_manifest=self._crash_for_test)
        return int(nodes.size)

    def _write_index_keys(self, res: _Resolver, newrow: np.ndarray, path: Path) -> None:
        """Keys of the appended documents, sorted, one partition in memory at a time (partitions
        are contiguous key ranges, so sorted partitions in order are a sorted whole)."""
        parts = range(self.partitions)  # type: ignore[attr-defined]
        total = 0
        for gstart, prefix in res.chunks():
            with np.load(prefix.with_suffix(".keys.npz")) as z:
                for p in parts:
                    a = z[f"p{p}"]
                    total += int((newrow[a[:, 1].astype(np.int64) + gstart] >= 0).sum()) if a.size else 0
        out = NpyWriter(path, U64, (total, 2))
        for p in parts:
            ks, rs = [], []
            for gstart, prefix in res.chunks():
                with np.load(prefix.with_suffix(".keys.npz")) as z:
                    a = z[f"p{p}"]
                if a.size:
                    row = newrow[a[:, 1].astype(np.int64) + gstart]
                    ok = row >= 0
                    ks.append(a[ok, 0])
                    rs.append(row[ok].astype(U64))
            if ks:
                k, r = np.concatenate(ks), np.concatenate(rs)
                order = np.lexsort((r, k))
                out.write(np.stack([k[order], r[order]], axis=1))
        out.close()

    def _write_index_docs(self, res: _Resolver, nodes: np.ndarray, size: np.ndarray, path: Path) -> None:
        """Per-document columns of the appended documents, written chunk by chunk."""
        schema = pa.schema(
            [
                ("id", pa.string()),
                ("source", pa.string()),
                ("quality", pa.float64()),
                ("length", pa.int64()),
                ("weight", pa.int64()),
                ("idkey", pa.uint64()),
            ]
        )
        c, local = res.locate(nodes)
        with pq.ParquetWriter(path, schema) as writer:
            for ch in np.unique(c):
                sel = np.flatnonzero(c == ch)
                rows = local[sel]
                prefix = res.chunk_prefix[ch]
                with np.load(prefix.with_suffix(".meta.npz")) as z:
                    meta = {k: z[k][rows] for k in ("quality", "length", "weight", "idkey")}
                docs = prefix.with_suffix(".docs.parquet")
                table = {
                    "id": take_strings(docs, "id", rows),
                    "source": take_strings(docs, "source", rows),
                    "quality": meta["quality"],
                    "length": meta["length"],
                    "weight": np.maximum(meta["weight"], size[sel]),
                    "idkey": meta["idkey"],
                }
                writer.write_table(pa.table(table, schema=schema))

    _crash_for_test: ClassVar[bool] = False

    # -- apply ----------------------------------------------------------------------------------
    def apply(self, batch: list[Document], ctx: ShardContext) -> list[Document]:
        cache = self.__dict__.setdefault("_dec", {})
        if ctx.shard not in cache:
            cache[ctx.shard] = [_load_decisions(ctx.work / f"dec-s{ctx.shard:05d}.parquet"), 0]
        dec, pos = cache[ctx.shard]
        cache[ctx.shard][1] = pos + len(batch)
        if dec is None:
            return batch
        loc = dec["local"]
        a, b = np.searchsorted(loc, [pos, pos + len(batch)])
        for r in range(a, b):
            doc = batch[loc[r] - pos]
            if doc.id != dec["id"][r]:
                raise RuntimeError(
                    f"{self.name}: apply saw document {doc.id!r} where observe saw {dec['id'][r]!r}; "
                    "apply must get each shard's documents in observe order"
                )
            if dec["removed"][r]:
                d: dict[str, Any] = {
                    "cluster": dec["cluster"][r],
                    "of": dec["cluster"][r],
                    "similarity": float(dec["similarity"][r]),
                }
                if dec["of_source"][r] is not None:
                    d["of_source"] = dec["of_source"][r]
                doc.dup = d
                doc.reject(self.reason)
            else:
                doc.dup = {"cluster": dec["cluster"][r], "size": int(dec["size"][r])}
        return batch


def _unique_pairs(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Sorted unique (u, v) rows (node numbers < 2**32, so one uint64 per pair)."""
    packed = sorted_unique((u.astype(U64) << U64(32)) | v.astype(U64))
    return np.stack(
        [(packed >> U64(32)).astype(np.int64), (packed & U64(0xFFFFFFFF)).astype(np.int64)], axis=1
    )


def _load_decisions(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    t = load_table(path)
    if t.num_rows == 0:
        return None
    return {
        "local": t.column("local").to_numpy(),
        "id": t.column("id").to_pylist(),
        "removed": t.column("removed").to_pylist(),
        "cluster": t.column("cluster").to_pylist(),
        "of_source": t.column("of_source").to_pylist(),
        "size": t.column("size").to_pylist(),
        "similarity": t.column("similarity").to_pylist(),
    }


def _string_rank(arr: np.ndarray) -> np.ndarray:
    """Rank of each string in code-point order (equal strings share a rank)."""
    if arr.size == 0:
        return np.zeros(0, np.int64)
    _, inv = np.unique(arr.astype(str), return_inverse=True)
    return inv.astype(np.int64)


class _Resolver:
    """Maps global document numbers to shard files (and index rows) during combine."""

    def __init__(self, work: Path, n_shards: int, index: DedupIndex | None):
        self.work = work
        self.n_shards = n_shards
        self.index = index
        self.m = index.docs if index is not None else 0
        self.chunk_prefix: list[Path] = []
        starts = []
        shard_start = []
        g = 0
        for s in range(n_shards):
            f = work / f"s{s:05d}.json"
            counts = json.loads(f.read_text())["chunks"] if f.exists() else []
            shard_start.append(g)
            for c, k in enumerate(counts):
                self.chunk_prefix.append(work / f"s{s:05d}c{c:04d}")
                starts.append(g)
                g += k
        self.n = g
        self.chunk_start = np.array(starts + [g], dtype=np.int64)
        self.shard_start = np.array(shard_start + [g], dtype=np.int64)
        self._meta: dict[int, Any] = {}
        self._idkeys: np.ndarray | None = None

    def chunks(self):
        for c, prefix in enumerate(self.chunk_prefix):
            yield int(self.chunk_start[c]), prefix

    def locate(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = np.searchsorted(self.chunk_start, g, side="right") - 1
        return c, g - self.chunk_start[c]

    def shard_local(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.searchsorted(self.shard_start, g, side="right") - 1
        s = np.minimum(s, self.n_shards - 1)
        return s, g - self.shard_start[s]

    def meta(self, name: str, g: np.ndarray) -> np.ndarray:
        c, local = self.locate(g)
        out = None
        for ch in np.unique(c):
            sel = np.flatnonzero(c == ch)
            with np.load(self.chunk_prefix[ch].with_suffix(".meta.npz")) as z:
                arr = z[name]
            if out is None:
                out = np.empty(g.size, dtype=arr.dtype)
            out[sel] = arr[local[sel]]
        return out if out is not None else np.zeros(0)

    def strings(self, g: np.ndarray) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("", "")] * g.size
        c, local = self.locate(g)
        for ch in np.unique(c):
            sel = np.flatnonzero(c == ch)
            p = self.chunk_prefix[ch].with_suffix(".docs.parquet")
            for i, a, b in zip(
                sel, take_strings(p, "id", local[sel]), take_strings(p, "source", local[sel]), strict=True
            ):
                out[i] = (a, b)
        return out

    def gather(self, suffix: str, g: np.ndarray) -> np.ndarray:
        """Rows of per-chunk array files ``prefix<suffix>`` for new documents `g`."""
        c, local = self.locate(g)
        out = None
        for ch in np.unique(c):
            sel = np.flatnonzero(c == ch)
            arr = np.load(self.chunk_prefix[ch].with_suffix(suffix), mmap_mode="r")
            if out is None:
                out = np.empty((g.size,) + arr.shape[1:], dtype=arr.dtype)
            out[sel] = arr[local[sel]]
        assert out is not None
        return out

    def index_idkeys(self) -> np.ndarray:
        if self._idkeys is None:
            self._idkeys = (
                self.index.column("idkey").astype(U64) if self.index is not None else np.zeros(0, U64)
            )
        return self._idkeys
