"""Part writers: records out, written under a temporary name and renamed when complete.

A reader of OUT never sees a half-written part: `close()` renames ``.part-NNNNN.fmt.tmp`` to its
final name only after everything is flushed; `abort()` deletes it. For an fsspec URL (sia.io.outfs)
the temp file is local and `close()` uploads it to the final key in one put.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from sia.io import outfs

FORMATS = ("jsonl", "jsonl.zst", "parquet")
JSON_COLUMNS = ("metadata", "signals", "dup", "extras")

PARQUET_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("lang", pa.string()),
        ("lang_score", pa.float64()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.string()),
        (
            "removed",
            pa.list_(
                pa.struct(
                    [
                        ("start", pa.int64()),
                        ("end", pa.int64()),
                        ("reason", pa.string()),
                        ("repl", pa.string()),
                    ]
                )
            ),
        ),
        ("signals", pa.string()),
        ("dup", pa.string()),
        ("decision", pa.string()),
        ("metadata", pa.string()),
        ("extras", pa.string()),
        ("input_text", pa.string()),
    ]
)


def _default(obj: Any) -> Any:
    item = getattr(obj, "item", None)  # numpy scalars from vectorised stages
    if item is not None:
        return item()
    if isinstance(obj, set | frozenset | tuple):
        return sorted(obj) if isinstance(obj, set | frozenset) else list(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to a record")


def dumps(rec: dict[str, Any]) -> bytes:
    return orjson.dumps(rec, default=_default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)


class PartWriter:
    """Writes one output part; `close()` makes it visible atomically."""

    def __init__(self, path: Path | str, fmt: str, batch_rows: int = 512, tmp_dir: Path | None = None):
        """`path`: a local path or an fsspec URL; `tmp_dir`: where a URL part is staged before its
        upload (default: the system temp dir)."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}")
        self.url = str(path) if outfs.is_url(path) else None
        self.fmt = fmt
        if self.url is None:
            self.path: Path | str = Path(path)
            self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        else:
            self.path = self.url
            name = self.url.rstrip("/").rsplit("/", 1)[-1]
            # kept/ and rejected/ parts share a name: the URL's hash keeps their temp files apart
            tmp_name = f".{name}.{outfs.digest(self.url)}.{os.getpid()}.tmp"
            self.tmp = Path(tmp_dir or tempfile.gettempdir()) / tmp_name
        self.tmp.parent.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._batch_rows = batch_rows
        self._fh = open(self.tmp, "wb")  # noqa: SIM115  (closed in close()/abort())
        self._zw = None
        self._pw = None
        if fmt == "jsonl.zst":
            self._zw = zstandard.ZstdCompressor(level=3).stream_writer(self._fh, closefd=False)
        elif fmt == "parquet":
            self._pw = pq.ParquetWriter(self._fh, PARQUET_SCHEMA, compression="zstd")

    def write(self, rec: dict[str, Any]) -> None:
        self.count += 1
        if self._pw is not None:
            self._rows.append(rec)
            if len(self._rows) >= self._batch_rows:
                self._flush_rows()
            return
        line = dumps(rec) + b"\n"
        if self._zw is not None:
            self._zw.write(line)
        else:
            self._fh.write(line)

    def _flush_rows(self) -> None:
        if not self._rows:
            return
        cols: dict[str, list[Any]] = {f.name: [] for f in PARQUET_SCHEMA}
        for r in self._rows:
            for name in cols:
                v = r.get(name)
                if name in JSON_COLUMNS:
                    v = dumps(v).decode() if v is not None else None
                elif name == "removed":
                    v = [
                        {"start": s["start"], "end": s["end"], "reason": s["reason"], "repl": s.get("repl")}
                        for s in v
                    ]
                cols[name].append(v)
        self._pw.write_table(pa.table(cols, schema=PARQUET_SCHEMA))
        self._rows = []

    def close(self) -> Path | str:
        if self._pw is not None:
            self._flush_rows()
            self._pw.close()
        if self._zw is not None:
            self._zw.flush(zstandard.FLUSH_FRAME)
            self._zw.close()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        if self.url is None:
            os.replace(self.tmp, self.path)
        else:
            try:
                outfs.put_file(self.tmp, self.url)
            finally:
                self.tmp.unlink(missing_ok=True)
        return self.path

    def abort(self) -> None:
        try:
            self._fh.close()
        finally:
            if self.tmp.exists():
                self.tmp.unlink()


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read back a part (small parts only: tests, inspect); JSON columns decoded."""
    p = str(path)
    if p.endswith(".parquet"):
        rows = pq.read_table(p).to_pylist()
        for r in rows:
            for k in JSON_COLUMNS:
                if isinstance(r.get(k), str):
                    r[k] = orjson.loads(r[k])
            for s in r.get("removed") or []:
                if s.get("repl") is None:
                    s.pop("repl", None)
        return rows
    from sia.io.streams import lines

    return [orjson.loads(line) for line in lines(p) if line.strip()]


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    if outfs.is_url(path):
        outfs.put_bytes(str(path), data)
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
