"""Byte streams that notice truncation.

gzip, and zstd in particular, readers often stop quietly at a cut-off end. A corpus reader must
say so (the last records are missing), so decompression here is driven chunk by chunk and the
end-of-stream marker is checked. Multi-member gzip and multi-frame zstd are supported.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import fsspec
import zstandard

CHUNK = 1 << 20


class TruncatedStream(Exception):
    """The compressed stream ended before its end-of-stream marker."""


def compression_of(path: str) -> str | None:
    low = path.lower()
    if low.endswith(".gz"):
        return "gzip"
    if low.endswith((".zst", ".zstd")):
        return "zstd"
    return None


def open_binary(path: str) -> BinaryIO:
    """Open a local path or fsspec URL for reading raw (still compressed) bytes."""
    return fsspec.open(path, "rb").open()


def _decompressed(raw: BinaryIO, new_decoder: Callable[[], Any], kind: str) -> Iterator[bytes]:
    """Drive a zlib/zstd-style decompressor over concatenated members, checking the end marker."""
    d = new_decoder()
    started = False
    while True:
        buf = raw.read(CHUNK)
        if not buf:
            break
        while buf:
            started = True
            out = d.decompress(buf)
            if out:
                yield out
            if d.eof:
                buf = d.unused_data
                d = new_decoder()
                started = bool(buf)
            else:
                buf = b""
    tail = d.flush() if hasattr(d, "flush") and kind == "gzip" else b""
    if tail:
        yield tail
    if started and not d.eof:
        raise TruncatedStream(f"{kind} stream ends before its end marker (file cut off?)")


def _gzip_chunks(raw: BinaryIO) -> Iterator[bytes]:
    return _decompressed(raw, lambda: zlib.decompressobj(wbits=47), "gzip")


def _zstd_chunks(raw: BinaryIO) -> Iterator[bytes]:
    dctx = zstandard.ZstdDecompressor()
    return _decompressed(raw, dctx.decompressobj, "zstd")


def _plain_chunks(raw: BinaryIO) -> Iterator[bytes]:
    while True:
        buf = raw.read(CHUNK)
        if not buf:
            return
        yield buf


def chunks(path: str) -> Iterator[bytes]:
    """Decompressed bytes of `path`, raising TruncatedStream at a cut-off end."""
    kind = compression_of(path)
    with open_binary(path) as raw:
        if kind == "gzip":
            yield from _gzip_chunks(raw)
        elif kind == "zstd":
            yield from _zstd_chunks(raw)
        else:
            yield from _plain_chunks(raw)


def lines(path: str) -> Iterator[bytes]:
    """Lines of `path` (without the trailing newline), decompressed; one line is held at a time."""
    return _split_lines(chunks(path))


def _split_lines(parts: Iterable[bytes], base: int = 0, end: float = float("inf")) -> Iterator[bytes]:
    """Lines of the byte stream `parts` whose first byte is at `base`, stopping before the first
    line that starts at or after `end`; the last line may lack its newline."""
    pending: list[bytes] = []
    line_start = base
    for chunk in parts:
        i = 0
        while True:
            if not pending and line_start >= end:
                return
            nl = chunk.find(b"\n", i)
            if nl < 0:
                if i < len(chunk):
                    pending.append(chunk[i:])
                break
            piece = chunk[i:nl]
            if pending:
                pending.append(piece)
                piece = b"".join(pending)
                pending = []
            yield piece
            i = nl + 1
            line_start = base + i
        base += len(chunk)
    if pending:  # the last line, without a trailing newline
        yield b"".join(pending)


def line_range(path: str, start: int, end: int) -> Iterator[bytes]:
    """Lines (without the newline) of an uncompressed file that *start* in bytes [start, end).

    A line starts at byte 0 or right after a ``\\n``. Unless `start` is 0, reading begins at
    ``start - 1`` and skips through the first newline found there, so a range whose start falls
    exactly on a line start keeps that line and one falling inside a line leaves it to the range
    before. The last line that starts before `end` is read to its end even past `end`. Ranges
    ``[0, a), [a, b), …, [z, size)`` thus yield every line of the file exactly once, in order, as
    `lines` would. One line is held at a time.
    """
    with open_binary(path) as raw:
        base = max(start - 1, 0)
        if base:
            raw.seek(base)
        parts = _plain_chunks(raw)
        if start > 0:  # drop the bytes up to and including the first newline
            for chunk in parts:
                nl = chunk.find(b"\n")
                if nl >= 0:
                    base += nl + 1
                    parts = itertools.chain((chunk[nl + 1 :],), parts)
                    break
                base += len(chunk)
            else:
                return
        yield from _split_lines(parts, base, end)


def count_newlines(path: str, start: int, end: int) -> int:
    """How many ``\\n`` bytes an uncompressed file holds in [start, end) (bytes.count per chunk)."""
    n = 0
    with open_binary(path) as raw:
        raw.seek(start)
        left = end - start
        while left > 0:
            buf = raw.read(min(CHUNK, left))
            if not buf:
                break
            n += buf.count(b"\n")
            left -= len(buf)
    return n


def size_of(path: str) -> int:
    """Size in bytes of a local path or fsspec URL."""
    fs, p = fsspec.core.url_to_fs(path)
    return int(fs.size(p))
