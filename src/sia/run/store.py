"""Intermediate document store between passes: zstd-compressed pickled batches per shard.

Only sia itself reads these files (same version, same run), so pickle is safe and fast; they are
deleted when the run completes.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import zstandard

from sia.record import Document


def write_batches(path: Path, batches: Iterator[list[Document]]) -> int:
    """Write batches under a temp name, rename when complete; returns the document count."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    n = 0
    with open(tmp, "wb") as fh, zstandard.ZstdCompressor(level=1).stream_writer(fh, closefd=False) as zw:
        for batch in batches:
            for d in batch:
                d._view = None  # derived; recomputed on demand
            pickle.dump(batch, zw, protocol=pickle.HIGHEST_PROTOCOL)
            n += len(batch)
    os.replace(tmp, path)
    return n


def read_batches(path: Path) -> Iterator[list[Document]]:
    with open(path, "rb") as fh, zstandard.ZstdDecompressor().stream_reader(fh) as zr:
        while True:
            try:
                yield pickle.load(zr)
            except EOFError:
                return
