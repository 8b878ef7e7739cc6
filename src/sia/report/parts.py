"""Stream the records of a run's output folder (``kept/``, ``rejected/``, ``errors/``).

The report and ``sia inspect`` never load a corpus: they read part files one batch at a time.
Parquet parts store ``metadata``, ``signals``, ``dup`` and ``extras`` as JSON strings; they are
decoded here so every format yields the same dicts as ``Document.to_record()``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sia.record import Document

try:  # orjson parses records 2-3x faster; the standard library is the fallback
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads

FORMATS = (".jsonl", ".jsonl.zst", ".parquet")
JSON_FIELDS = ("metadata", "signals", "dup", "extras")
PARQUET_BATCH = 256


def part_files(out_dir: Path, which: str) -> list[Path]:
    """Part files under ``out_dir/which`` in name order (``part-00000.*`` …)."""
    folder = Path(out_dir) / which
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(FORMATS))


def iter_records(out_dir: Path, which: tuple[str, ...] = ("kept", "rejected")) -> Iterator[dict[str, Any]]:
    """Every output record of `which` folders, in folder then part then line order."""
    for w in which:
        for path in part_files(out_dir, w):
            yield from read_part(path)


def iter_documents(out_dir: Path, which: tuple[str, ...] = ("kept", "rejected")) -> Iterator[Document]:
    for rec in iter_records(out_dir, which):
        yield Document.from_record(rec)


def read_part(path: Path) -> Iterator[dict[str, Any]]:
    name = path.name
    if name.endswith(".parquet"):
        yield from _read_parquet(path)
    elif name.endswith(".jsonl.zst"):
        import zstandard

        with path.open("rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as zr:
            yield from _read_jsonl(io.BufferedReader(zr, buffer_size=1 << 20))
    else:
        with path.open("rb") as f:
            yield from _read_jsonl(f)


def _read_jsonl(f: io.BufferedIOBase) -> Iterator[dict[str, Any]]:
    for line in f:
        if line.strip():
            yield _loads(line)


def _read_parquet(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH):
        for rec in batch.to_pylist():
            yield _decode_parquet(rec)


def _decode_parquet(rec: dict[str, Any]) -> dict[str, Any]:
    for k in JSON_FIELDS:
        v = rec.get(k)
        if isinstance(v, str):
            rec[k] = _loads(v)
    if rec.get("input_text", "") is None:
        del rec["input_text"]  # column present, value switched off
    for sp in rec.get("removed") or []:
        if sp.get("repl") is None:
            sp.pop("repl", None)
    return rec


INDEX_COLUMNS = ("id", "decision", "removed")


def iter_index(
    out_dir: Path, which: tuple[str, ...] = ("kept", "rejected"), columns: tuple[str, ...] = INDEX_COLUMNS
) -> Iterator[tuple[dict[str, Any], Any]]:
    """``(light record, locator)`` for every record; `fetch` turns chosen locators into records.

    Parquet parts are read for `columns` only (a sample then costs a fraction of a full read);
    a JSONL line has to be parsed whole anyway, so its locator is the record itself.
    """
    import pyarrow.parquet as pq

    for w in which:
        for path in part_files(out_dir, w):
            if not path.name.endswith(".parquet"):
                for rec in read_part(path):
                    yield rec, rec
                continue
            pf = pq.ParquetFile(path)
            cols = [c for c in columns if c in pf.schema_arrow.names]
            row = 0
            for batch in pf.iter_batches(batch_size=4096, columns=cols):
                for rec in _light_rows(batch):
                    yield rec, (path, row)
                    row += 1


def _light_rows(batch: Any) -> list[dict[str, Any]]:
    """Rows of an index batch; ``removed`` reduced to one ``{"reason"}`` per distinct reason
    (turning every span struct into a dict is what makes a full read slow)."""
    import pyarrow.compute as pc

    names = batch.schema.names
    cols = {n: batch.column(n).to_pylist() for n in names if n != "removed"}
    n = batch.num_rows
    rows = [{k: v[i] for k, v in cols.items()} for i in range(n)]
    if "removed" in names:
        rem = batch.column("removed")
        per: list[set[str]] = [set() for _ in range(n)]
        parents = pc.list_parent_indices(rem).to_pylist()
        reasons = pc.list_flatten(rem).field("reason").to_pylist()
        for p, r in zip(parents, reasons):
            per[p].add(r)
        for row, rs in zip(rows, per):
            row["removed"] = [{"reason": r} for r in sorted(rs)]
    return rows


def fetch(locators: list[Any]) -> list[dict[str, Any]]:
    """Full records for locators from `iter_index`, in the same order."""
    import pyarrow.parquet as pq

    wanted: dict[Path, set[int]] = {}
    for loc in locators:
        if isinstance(loc, tuple):
            wanted.setdefault(loc[0], set()).add(loc[1])
    got: dict[tuple[Path, int], dict[str, Any]] = {}
    for path, rows in wanted.items():
        pf = pq.ParquetFile(path)
        first = 0
        for g in range(pf.metadata.num_row_groups):
            n = pf.metadata.row_group(g).num_rows
            take = sorted(r - first for r in rows if first <= r < first + n)
            if take:
                table = pf.read_row_group(g).take(take)
                for r, rec in zip(take, table.to_pylist()):
                    got[(path, first + r)] = _decode_parquet(rec)
            first += n
    return [got[loc] if isinstance(loc, tuple) else loc for loc in locators]


def iter_errors(out_dir: Path) -> Iterator[dict[str, Any]]:
    for path in part_files(out_dir, "errors"):
        yield from read_part(path)


def read_run(out_dir: Path) -> dict[str, Any]:
    """``OUT/run.json`` (free-form) or ``{}``."""
    path = Path(out_dir) / "run.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
