"""Small on-disk helpers shared by the corpus stages: atomic writes and string tables.

Every file is written under a temporary name in the same folder and then `os.replace`d, so a
reader never sees half a file and a crashed worker leaves at most an orphan temp file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def save_npy(path: Path, arr: np.ndarray) -> None:
    tmp = _tmp(path)
    with open(tmp, "wb") as f:
        np.save(f, arr)
    os.replace(tmp, path)


def save_npz(path: Path, **arrays: np.ndarray) -> None:
    tmp = _tmp(path)
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def save_json(path: Path, obj: Any) -> None:
    tmp = _tmp(path)
    tmp.write_text(json.dumps(obj, sort_keys=True))
    os.replace(tmp, path)


def save_table(path: Path, columns: dict[str, list[Any] | np.ndarray]) -> None:
    tmp = _tmp(path)
    pq.write_table(pa.table(columns), tmp)
    os.replace(tmp, path)


def load_table(path: Path, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(path, columns=columns, memory_map=True)


def take_strings(path: Path, column: str, rows: np.ndarray) -> list[str]:
    """Column values at `rows` of a Parquet table (only those rows become Python strings)."""
    if rows.size == 0:
        return []
    col = load_table(path, [column]).column(column)
    return col.take(pa.array(rows, type=pa.int64())).to_pylist()


class NpyWriter:
    """Write a ``.npy`` file of known shape block by block with plain file writes (a memory map
    would count every written page in the process's RSS until it is unmapped)."""

    def __init__(self, path: Path, dtype: Any, shape: tuple[int, ...]):
        self.dtype = np.dtype(dtype)
        self.f = open(path, "wb")  # noqa: SIM115  (closed in close())
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": shape}
        np.lib.format.write_array_header_2_0(self.f, header)
        self.expected = int(np.prod(shape)) * self.dtype.itemsize
        self.written = 0

    def write(self, block: np.ndarray) -> None:
        data = np.ascontiguousarray(block, dtype=self.dtype).tobytes()
        self.f.write(data)
        self.written += len(data)

    def close(self) -> None:
        self.f.close()
        if self.written != self.expected:
            raise ValueError(f"npy writer: wrote {self.written} bytes, header promised {self.expected}")
