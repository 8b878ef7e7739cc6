"""Scale of near_dedup's corpus machinery: 100 k, 1 M and 5 M documents, peak RSS and time.

Signatures are *generated* (not computed from text) to save time: document d's 112 values are
hashes of d, and every 10th document is a near copy of a random earlier document (each value
copied with probability 0.85, J ≈ 0.74). Everything after the signatures is the real stage code:
chunk files per shard (`_flush`), the partition pmap (a 2-process pool, like the local executor),
verification by signature, connected components, survivor choice, per-shard decision tables, and
reading the decisions back as `apply` does. Each size runs in a fresh process; peak RSS is the
max of the parent's and the pool workers' ru_maxrss.

    .venv/bin/python bench/dedup_scale.py            # 100k, 1M, 5M
    .venv/bin/python bench/dedup_scale.py --sizes 100000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sia.dedup.engine import _load_decisions, _ShardBuf
from sia.dedup.hashing import U64, splitmix64
from sia.dedup.minhash import band_keys
from sia.dedup.near import NearDedup
from sia.stage import ShardContext

OUT = Path(__file__).parent / "results" / "dedup.md"
SHARD_DOCS = 100_000
K = 112


def gen_sigs(start: int, n: int, rng: np.random.Generator) -> np.ndarray:
    d = np.arange(start, start + n, dtype=U64)
    j = np.arange(K, dtype=U64)
    with np.errstate(over="ignore"):
        origin = d.copy()
        dup = (d % U64(10) == U64(9)) & (d > U64(0))
        origin[dup] = (rng.random(int(dup.sum())) * d[dup].astype(np.float64)).astype(U64)
        base = splitmix64(origin[:, None] * U64(1_000_003) + j[None, :])
        own = splitmix64(d[:, None] * U64(1_000_003) + j[None, :] + U64(7))
    change = rng.random((n, K)) >= 0.85
    sig = base
    sig[dup[:, None] & change] = own[dup[:, None] & change]
    # originals that are themselves copies are not followed: a copy of a copy stays near its own origin
    return sig


def one(n_docs: int, work: Path, index: bool = False) -> dict:
    stage = NearDedup(
        verify="signature", partitions=64, chunk_docs=50_000, index=str(work / "index") if index else ""
    )
    n_shards = -(-n_docs // SHARD_DOCS)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for s in range(n_shards):
        ctx = ShardContext(s, n_shards, work)
        buf = stage._state().setdefault(s, _ShardBuf())
        start = s * SHARD_DOCS
        n = min(SHARD_DOCS, n_docs - start)
        for c in range(0, n, 50_000):
            m = min(50_000, n - c)
            sig = gen_sigs(start + c, m, rng)
            buf.keys.append(band_keys(sig, stage.bands, stage.rows))
            buf.valid.append(np.ones(m, bool))
            ids = [f"doc{start + c + i:09d}" for i in range(m)]
            meta = {
                "quality": np.zeros(m),
                "length": np.full(m, 2000, np.int64),
                "weight": np.ones(m, np.int64),
                "idkey": splitmix64(np.arange(start + c, start + c + m, dtype=U64)),
            }
            for k, v in meta.items():
                buf.meta.setdefault(k, []).append(v)
            buf.ids.extend(ids)
            buf.sources.extend(["gen"] * m)
            buf.extra.setdefault("sig", []).append(sig)
            buf.n += m
            stage._flush(buf, ctx)
        stage.finish_shard(ctx)
    t_observe = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in work.iterdir() if f.is_file())
    sig_bytes = sum(f.stat().st_size for f in work.glob("*.sig.npy"))
    t1 = time.perf_counter()
    with mp.get_context("forkserver").Pool(2) as pool:
        nums = stage.combine(work, n_shards, lambda fn, items: pool.map(fn, items))
    t_combine = time.perf_counter() - t1
    t2 = time.perf_counter()
    removed = 0
    for s in range(n_shards):
        dec = _load_decisions(work / f"dec-s{s:05d}.parquet")
        if dec is not None:
            removed += sum(dec["removed"])
    t_apply = time.perf_counter() - t2
    rss = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "docs": f"{n_docs:,}" + (" + index" if index else ""),
        "shards": n_shards,
        "observe_write_s": round(t_observe, 1),
        "combine_s": round(t_combine, 1),
        "apply_read_s": round(t_apply, 1),
        "peak_rss_mb": round(rss / 1024),
        "disk_bytes_per_doc": round(disk / n_docs),
        "disk_bytes_per_doc_without_sigs": round((disk - sig_bytes) / n_docs),
        "removed": int(removed),
        "expected_copies": n_docs // 10,
        **{k: v for k, v in nums.items() if k in ("candidate_pairs", "verified_pairs", "clusters")},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000,5000000")
    ap.add_argument("--one", type=int, default=0)
    ap.add_argument("--index", action="store_true", help="with a persistent index (written in combine)")
    ap.add_argument("--index-sizes", default="1000000", help="sizes also run with an index")
    args = ap.parse_args()
    if args.one:
        work = Path(tempfile.mkdtemp(prefix="sia-dedup-scale-"))
        try:
            print(json.dumps(one(args.one, work, args.index)))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    rows = []
    runs = [(n, False) for n in map(int, args.sizes.split(",")) if n]
    runs += [(n, True) for n in map(int, args.index_sizes.split(",")) if n]
    for n, with_index in runs:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--index"] if with_index else [])
        r = subprocess.run(cmd, capture_output=True, text=True, check=True)
        row = json.loads(r.stdout.strip().splitlines()[-1])
        print(row, file=sys.stderr)
        rows.append(row)
    write(rows)


def write(rows: list[dict]) -> None:
    from dedup_quality import replace_section

    lines = [
        "## Scale (bench/dedup_scale.py)",
        "",
        "`.venv/bin/python bench/dedup_scale.py` — near_dedup corpus machinery on *generated* signatures (112",
        "values; every 10th document a near copy of a random earlier one), 100 k documents per shard, 64",
        "partitions, verification by signature, combine on a 2-process pool. Peak RSS is the largest of",
        "the parent and pool workers. Disk is the stage's work folder (signatures 896 B/doc of it).",
        "'+ index': the same run with `index` set, so combine also writes the whole batch as an index",
        "segment (keys, ids, signatures), streamed partition by partition.",
        "",
        "| docs | observe (write) s | combine s | read decisions s | peak RSS MB | disk B/doc | disk B/doc w/o sigs |"
        " removed / true copies | candidate pairs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['docs']} | {r['observe_write_s']} | {r['combine_s']} | {r['apply_read_s']} | {r['peak_rss_mb']:,} "
            f"| {r['disk_bytes_per_doc']} | {r['disk_bytes_per_doc_without_sigs']} | {r['removed']:,} / "
            f"{r['expected_copies']:,} | {r.get('candidate_pairs', 0):,} |"
        )
    replace_section(OUT, "## Scale", "\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
