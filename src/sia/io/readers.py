"""Readers: one input file in, a stream of `Document`s and `ReadError`s out.

Every reader is a generator so memory holds one record at a time (plus one batch downstream).
Per-record problems are yielded as `ReadError`s that name the file and the line/record; the
caller decides whether to stop (``--strict``) or go on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from sia.io.errors import ReadError
from sia.io.streams import TruncatedStream, chunks, line_range, lines, open_binary
from sia.record import Document

Item = Document | ReadError


@dataclass(frozen=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    txt_lines: bool = False
    max_doc_chars: int = 20_000_000
    html: str = "main"  # WARC HTML: "main" (main content, all text when none found) or "text"
    records: bool = False  # input is sia output: rebuild full records (for `sia dedup`)


@dataclass(frozen=True)
class LineRange:
    """A byte range [start, end) of an uncompressed line-based file: its lines are those that
    start in it (`sia.io.streams.line_range`); `first_line` is how many lines of the file come
    before its first one, so line numbers (in ids and errors) stay those of the whole file."""

    start: int
    end: int
    first_line: int


def _lines(path: str, span: LineRange | None) -> Iterator[tuple[int, bytes]]:
    """(1-based line number in the file, line) for the whole file or for one range of it."""
    if span is None:
        return enumerate(lines(path), start=1)
    return enumerate(line_range(path, span.start, span.end), start=span.first_line + 1)


def _base(path: str) -> str:
    return os.path.basename(path.rstrip("/"))


def _clean_text(raw: str, path: str, where: str) -> tuple[str, list[ReadError]]:
    errs = []
    if "\x00" in raw:
        raw = raw.replace("\x00", "")
        errs.append(ReadError(path, where, "nul_bytes", "NUL bytes removed from the text", "repaired"))
    return raw, errs


def _decode(b: bytes, path: str, where: str) -> tuple[str, list[ReadError]]:
    try:
        return b.decode("utf-8"), []
    except UnicodeDecodeError as e:
        msg = f"invalid UTF-8 at byte {e.start}; undecodable bytes replaced by U+FFFD"
        return b.decode("utf-8", errors="replace"), [ReadError(path, where, "invalid_utf8", msg, "repaired")]


def _too_long(n: int, opts: ReadOptions, path: str, where: str) -> ReadError | None:
    if n > opts.max_doc_chars:
        return ReadError(
            path,
            where,
            "too_long",
            f"document of {n:,} characters exceeds max_doc_chars={opts.max_doc_chars:,}",
        )
    return None


def _from_mapping(obj: dict[str, Any], path: str, where: str, fallback_id: str, opts: ReadOptions) -> Item:
    if opts.records:
        try:
            doc = Document.from_record(obj)
        except (KeyError, TypeError, ValueError) as e:
            return ReadError(path, where, "bad_record", f"not a sia record: {e}")
        doc.source = doc.source or path
        return doc
    if opts.text_field not in obj:
        return ReadError(path, where, "missing_text", f"no field {opts.text_field!r}")
    text = obj[opts.text_field]
    if not isinstance(text, str):
        return ReadError(
            path, where, "text_not_string", f"field {opts.text_field!r} is {type(text).__name__}"
        )
    doc_id = obj.get(opts.id_field)
    doc_id = fallback_id if doc_id is None or doc_id == "" else str(doc_id)
    url = obj.get(opts.url_field)
    meta = {k: v for k, v in obj.items() if k not in (opts.text_field, opts.id_field, opts.url_field)}
    return Document(
        id=doc_id, text=text, url=url if isinstance(url, str) else None, metadata=meta, source=path
    )


def _checked(item: Item, path: str, where: str, opts: ReadOptions) -> list[Item]:
    """A mapped record after the checks every record gets: NUL bytes stripped, length bounded."""
    if not isinstance(item, Document):
        return [item]
    item.text, errs = _clean_text(item.text, path, where)
    err = _too_long(len(item.text), opts, path, where)
    if err:
        return [err]
    return [*errs, item]


def read_jsonl(path: str, opts: ReadOptions, span: LineRange | None = None) -> Iterator[Item]:
    base = _base(path)
    n = span.first_line if span else 0
    try:
        for n, raw in _lines(path, span):
            where = f"line {n}"
            if not raw.strip():
                continue
            if len(raw) > opts.max_doc_chars * 4:
                yield ReadError(path, where, "too_long", f"line of {len(raw):,} bytes exceeds max_doc_chars")
                continue
            s, errs = _decode(raw, path, where)
            try:
                obj = orjson.loads(s)
            except orjson.JSONDecodeError as e:
                yield ReadError(path, where, "malformed_json", str(e))
                continue
            if not isinstance(obj, dict):
                yield ReadError(
                    path, where, "malformed_json", f"expected an object, got {type(obj).__name__}"
                )
                continue
            yield from errs
            yield from _checked(_from_mapping(obj, path, where, f"{base}:{n}", opts), path, where, opts)
    except TruncatedStream as e:
        yield ReadError(path, f"after line {n}", "truncated", str(e))
    except OSError as e:
        yield ReadError(path, f"after line {n}", "unreadable", str(e))
    if n == 0 and span is None:  # a range is never a whole empty file (empty files are not split)
        yield ReadError(path, "", "empty_file", "the file holds no records")


def read_txt(path: str, opts: ReadOptions, span: LineRange | None = None) -> Iterator[Item]:
    base = _base(path)
    if opts.txt_lines:
        n = span.first_line if span else 0
        try:
            for n, raw in _lines(path, span):
                where = f"line {n}"
                s, errs = _decode(raw, path, where)
                s, more = _clean_text(s.rstrip("\r"), path, where)
                if not s.strip():
                    continue
                err = _too_long(len(s), opts, path, where)
                if err:
                    yield err
                    continue
                yield from errs + more
                yield Document(id=f"{base}:{n}", text=s, source=path)
        except TruncatedStream as e:
            yield ReadError(path, f"after line {n}", "truncated", str(e))
        if n == 0 and span is None:
            yield ReadError(path, "", "empty_file", "the file is empty")
        return
    if span is not None:
        raise ValueError("a .txt file is split into line ranges only with txt_lines")
    parts: list[bytes] = []
    size = 0
    try:
        for c in chunks(path):
            size += len(c)
            if size > opts.max_doc_chars * 4:
                yield ReadError(path, "", "too_long", f"file exceeds max_doc_chars={opts.max_doc_chars:,}")
                return
            parts.append(c)
    except TruncatedStream as e:
        yield ReadError(path, "", "truncated", str(e))
        return
    s, errs = _decode(b"".join(parts), path, "")
    s, more = _clean_text(s, path, "")
    if not s.strip():
        yield ReadError(path, "", "empty_file", "the file is empty")
        return
    err = _too_long(len(s), opts, path, "")
    if err:
        yield err
        return
    yield from errs + more
    yield Document(id=base, text=s, source=path)


def read_parquet(path: str, opts: ReadOptions) -> Iterator[Item]:
    import pyarrow.parquet as pq

    base = _base(path)
    try:
        with open_binary(path) as f:
            pf = pq.ParquetFile(f)
            if pf.metadata.num_rows == 0:
                yield ReadError(path, "", "empty_file", "the file holds no rows")
                return
            names = pf.schema_arrow.names
            if opts.text_field not in names and not opts.records:
                yield ReadError(path, "", "missing_text", f"no column {opts.text_field!r} (columns: {names})")
                return
            row = 0
            for batch in pf.iter_batches(batch_size=1024):
                for obj in batch.to_pylist():
                    row += 1
                    where = f"row {row}"
                    if opts.records:
                        for k in ("metadata", "signals", "dup", "extras"):
                            if isinstance(obj.get(k), str):
                                obj[k] = orjson.loads(obj[k])
                    yield from _checked(
                        _from_mapping(obj, path, where, f"{base}:{row}", opts), path, where, opts
                    )
    except OSError as e:
        yield ReadError(path, "", "unreadable", f"not a readable Parquet file: {e}")


def read_file(path: str, fmt: str, opts: ReadOptions, span: LineRange | None = None) -> Iterator[Item]:
    """Records of `path`, or with `span` only those of that line range (jsonl, txt lines)."""
    if fmt == "jsonl":
        return read_jsonl(path, opts, span)
    if fmt == "txt":
        return read_txt(path, opts, span)
    if span is not None:
        raise ValueError(f"{fmt} files are not split into line ranges")
    if fmt == "parquet":
        return read_parquet(path, opts)
    if fmt in ("warc", "wet"):
        from sia.io.warc import read_warc

        return read_warc(path, opts)
    raise ValueError(f"unknown format {fmt!r}")
