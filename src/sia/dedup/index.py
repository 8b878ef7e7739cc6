"""A persistent, append-only dedup index: segment folders plus one manifest.

Layout of ``INDEX/<kind>/`` (kind is ``exact`` or ``near``)::

    manifest.json          {"version", "kind", "params", "segments": [{"name", "docs"}], "docs"}
    seg-000001/keys.npy    (m, 2) uint64 rows [key, row], sorted by key (exact hash or LSH band key)
    seg-000001/docs.parquet id, source, quality, length, weight, idkey (one row per document)
    seg-000001/sig.npy     near only: (docs, K) uint64 signatures
    seg-000001/sh.npy, shoff.npy   near only: shingle hashes for exact-Jaccard checks

Why files and not SQLite: lookups are bulk (all keys of one partition at once, a `searchsorted`
over a sorted, memory-mapped array), appends are whole batches, and numpy/Parquet are already
dependencies; a B-tree buys nothing here and SQLite's per-row inserts would dominate a batch.

Crash safety: an update writes a new segment under a temporary folder name, renames it, and only
then replaces ``manifest.json`` atomically (`os.replace`). Readers list segments from the
manifest only, so a crash at any step leaves the index exactly as it was; an orphan segment
folder is ignored and its name never reused.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sia.dedup.store import load_table, save_json

VERSION = 1


@dataclass
class Segment:
    path: Path
    docs: int
    offset: int  # row of its first document in the index's numbering

    def keys(self) -> np.ndarray:
        return np.load(self.path / "keys.npy", mmap_mode="r")


class DedupIndex:
    """Read the segments listed in the manifest; append new ones crash-safely."""

    def __init__(self, root: str | Path, kind: str, params: dict[str, Any]):
        self.dir = Path(root) / kind
        self.kind = kind
        self.params = params
        man = self.dir / "manifest.json"
        self.segments: list[Segment] = []
        if man.exists():
            data = json.loads(man.read_text())
            if data.get("params") != params:
                raise ValueError(
                    f"index {self.dir} was built with {data.get('params')}, this run uses {params}; "
                    "use the same stage parameters or a new index folder"
                )
            off = 0
            for seg in data["segments"]:
                self.segments.append(Segment(self.dir / seg["name"], int(seg["docs"]), off))
                off += int(seg["docs"])

    @property
    def docs(self) -> int:
        return sum(s.docs for s in self.segments)

    def keys_in_range(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """(keys, index rows) of all entries with lo <= key < hi (hi may be 2**64)."""
        ks, rows = [], []
        for seg in self.segments:
            arr = seg.keys()
            k = arr[:, 0]
            a = int(np.searchsorted(k, np.uint64(lo), side="left"))
            b = k.size if hi >= 1 << 64 else int(np.searchsorted(k, np.uint64(hi), side="left"))
            if b > a:
                ks.append(np.asarray(k[a:b]))
                rows.append(np.asarray(arr[a:b, 1]).astype(np.int64) + seg.offset)
        if not ks:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        return np.concatenate(ks), np.concatenate(rows)

    def locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(segment number, row within segment) of index rows."""
        starts = np.array([s.offset for s in self.segments], dtype=np.int64)
        seg = np.searchsorted(starts, rows, side="right") - 1
        return seg, rows - starts[seg]

    def column(self, name: str) -> np.ndarray:
        """A numeric column of every indexed document, in index order."""
        parts = [load_table(s.path / "docs.parquet", [name]).column(name).to_numpy() for s in self.segments]
        return np.concatenate(parts) if parts else np.zeros(0)

    def strings(self, name: str, rows: np.ndarray) -> list[str]:
        out: list[Any] = [None] * rows.size
        if rows.size == 0:
            return []
        seg, local = self.locate(rows)
        for s in np.unique(seg):
            sel = np.flatnonzero(seg == s)
            col = load_table(self.segments[s].path / "docs.parquet", [name]).column(name)
            vals = col.take(local[sel]).to_pylist()
            for i, v in zip(sel, vals, strict=True):
                out[i] = v
        return out

    def gather(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Rows of a per-document array file (e.g. ``sig.npy``) for index rows."""
        seg, local = self.locate(rows)
        first = np.load(self.segments[0].path / name, mmap_mode="r")
        out = np.empty((rows.size,) + first.shape[1:], dtype=first.dtype)
        for s in np.unique(seg):
            sel = np.flatnonzero(seg == s)
            arr = np.load(self.segments[s].path / name, mmap_mode="r")
            out[sel] = arr[local[sel]]
        return out

    def shingles(self, row: int) -> np.ndarray:
        seg, local = self.locate(np.array([row]))
        p = self.segments[int(seg[0])].path
        off = np.load(p / "shoff.npy", mmap_mode="r")
        sh = np.load(p / "sh.npy", mmap_mode="r")
        return np.asarray(sh[off[local[0]] : off[local[0] + 1]])

    def append(
        self,
        write: Callable[[Path], None],
        n_docs: int,
        _fail_before_manifest: bool = False,
    ) -> None:
        """Add one segment of `n_docs` documents; `write(folder)` writes its files (``keys.npy``
        sorted by key, ``docs.parquet`` and the kind's arrays) into a fresh temporary folder."""
        if n_docs == 0:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        used = [int(p.name[4:10]) for p in self.dir.glob("seg-*") if p.name[4:10].isdigit()]
        name = f"seg-{max(used, default=0) + 1:06d}"
        tmp = self.dir / f".{name}.tmp-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        write(tmp)
        os.replace(tmp, self.dir / name)
        if _fail_before_manifest:
            raise RuntimeError("simulated crash between segment write and manifest update")
        segs = [{"name": s.path.name, "docs": s.docs} for s in self.segments] + [
            {"name": name, "docs": n_docs}
        ]
        save_json(
            self.dir / "manifest.json",
            {
                "version": VERSION,
                "kind": self.kind,
                "params": self.params,
                "segments": segs,
                "docs": sum(s["docs"] for s in segs),
            },
        )
        self.segments.append(Segment(self.dir / name, n_docs, self.docs))
