"""WARC and WET reader (FastWARC), with the checks the library does not make itself.

* A record whose body is shorter than its Content-Length is reported ``truncated`` and skipped:
  a gzip member cut off at the end of a file decodes without error otherwise.
* HTTP bodies still ``Transfer-Encoding: chunked`` or ``Content-Encoding: gzip/deflate/br/zstd``
  are decoded here, so a failure names the record.
* A record with a broken header makes FastWARC stop; the reader resynchronises at the next record
  boundary and goes on, reporting what it skipped.
* ``revisit``, ``dns:``, non-HTML and non-2xx responses are skipped and reported.
HTML goes to text with resiliparse, block newlines kept.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from fastwarc import ArchiveIterator, WarcRecordType

from sia.io.errors import ReadError
from sia.io.readers import Item, ReadOptions, _clean_text, _too_long
from sia.io.streams import open_binary
from sia.record import Document

_TYPES = (
    WarcRecordType.response | WarcRecordType.conversion | WarcRecordType.revisit | WarcRecordType.resource
)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _strip_angle(s: str | None) -> str | None:
    if s and s.startswith("<") and s.endswith(">"):
        return s[1:-1]
    return s


def dechunk(body: bytes) -> bytes:
    """Undo HTTP/1.1 chunked transfer encoding; raises ValueError when it is malformed."""
    out = []
    pos = 0
    n = len(body)
    while pos < n:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise ValueError("chunk size line without CRLF")
        size_field = body[pos:eol].split(b";", 1)[0].strip()
        size = int(size_field, 16)
        if size == 0:
            break
        start = eol + 2
        if start + size > n:
            raise ValueError("chunk runs past the end of the body")
        out.append(body[start : start + size])
        pos = start + size + 2
    return b"".join(out)


def decode_content(body: bytes, encoding: str) -> bytes:
    enc = encoding.strip().lower()
    if enc in ("", "identity", "none"):
        return body
    if enc in ("gzip", "x-gzip"):
        return zlib.decompress(body, wbits=47)
    if enc == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, wbits=-15)
    if enc == "br":
        import brotli

        return brotli.decompress(body)
    if enc == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    raise ValueError(f"unknown content encoding {encoding!r}")


# main content shorter than this many words: the DOM heuristics found no article (a listing, a
# calendar, an odd layout); fall back to all visible text, which the boilerplate model repairs
MIN_MAIN_WORDS = 20


def html_to_text(html: str, mode: str = "main") -> tuple[str, str | None, bool]:
    """(page text, HTML title, whether the text is main content already).

    ``mode="main"``: the main content (`sia.repair.html`: DOM pruning + resiliparse), or all
    visible text when that holds fewer than MIN_MAIN_WORDS words; ``"text"``: all visible text,
    one block per line, for the boilerplate model (what text-only pages get)."""
    from resiliparse.parse.html import HTMLTree

    from sia.repair.html import html_to_text as page_text

    tree = HTMLTree.parse(html)
    title = tree.title or None
    if mode == "main":
        text = page_text(tree, main_content=True)
        if len(text.split(None, MIN_MAIN_WORDS)) >= MIN_MAIN_WORDS:
            return text, title, True
    return page_text(tree), title, False


def _body_to_str(body: bytes, charset: str | None) -> str:
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    enc = charset or detect_encoding(body)
    return bytes_to_str(body, enc)


def _record_item(rec: Any, path: str, where: str, opts: ReadOptions) -> Item | None:
    rtype = rec.record_type
    headers = rec.headers
    uri = _strip_angle(headers.get("WARC-Target-URI"))
    rid = _strip_angle(headers.get("WARC-Record-ID")) or where
    if rtype == WarcRecordType.revisit:
        return ReadError(path, where, "revisit", f"revisit record for {uri} has no body of its own")
    if uri and uri.startswith("dns:"):
        return ReadError(path, where, "dns_record", f"{uri} is a DNS lookup, not a page")
    if rtype == WarcRecordType.resource and not (uri or "").startswith("http"):
        return ReadError(path, where, "not_a_page", f"resource record {uri}")
    body = rec.reader.read()
    declared = rec.content_length
    if len(body) < declared:
        return ReadError(
            path, where, "truncated", f"body has {len(body):,} of {declared:,} declared bytes (file cut off?)"
        )
    meta: dict[str, Any] = {"warc_date": headers.get("WARC-Date"), "warc_type": str(rtype)}
    lang = headers.get("WARC-Identified-Content-Language")
    if lang:
        meta["warc_language"] = lang
    main = False
    if rtype == WarcRecordType.conversion:
        text = body.decode("utf-8", errors="replace")
        title = None
    else:
        if not rec.is_http:
            return ReadError(path, where, "not_http", f"{uri}: record is not an HTTP response")
        status = rec.http_headers.status_code
        meta["http_status"] = status
        if not 200 <= status < 300:
            return ReadError(path, where, "http_status", f"{uri}: HTTP status {status}")
        ctype = (rec.http_content_type or "").lower()
        if ctype and not ctype.startswith(_HTML_TYPES):
            return ReadError(path, where, "not_html", f"{uri}: content type {ctype}")
        try:
            if "chunked" in (rec.http_headers.get("Transfer-Encoding") or "").lower():
                body = dechunk(body)
            body = decode_content(body, rec.http_headers.get("Content-Encoding") or "")
        except (ValueError, zlib.error, OSError) as e:
            return ReadError(path, where, "bad_http_encoding", f"{uri}: cannot decode body: {e}")
        if not body.strip():
            return ReadError(path, where, "empty_body", f"{uri}: empty body")
        html = _body_to_str(body, rec.http_charset)
        text, title, main = html_to_text(html, opts.html)
        if title:
            meta["html_title"] = title
    text, _ = _clean_text(text, path, where)
    if not text.strip():
        return ReadError(path, where, "no_text", f"{uri}: no visible text")
    err = _too_long(len(text), opts, path, where)
    if err:
        return err
    doc = Document(id=rid, text=text, url=uri, metadata=meta, source=path)
    if main:
        doc.extras["html"] = "main"  # main content already: the boilerplate stage skips it
    return doc


def _resync(path: str, after: int) -> int | None:
    """Offset of the next record boundary after `after` (gzip member or plain WARC header)."""
    with open_binary(path) as f:
        head = f.read(3)
        magic = _GZIP_MAGIC if head == _GZIP_MAGIC else b"\r\n" + _WARC_MAGIC
        f.seek(after + 1)
        pos = after + 1
        carry = b""
        while True:
            buf = f.read(1 << 20)
            if not buf:
                return None
            data = carry + buf
            i = data.find(magic)
            if i >= 0:
                off = pos - len(carry) + i
                return off + (2 if magic.startswith(b"\r\n") else 0)
            carry = data[-(len(magic) - 1) :]
            pos += len(buf)


def read_warc(path: str, opts: ReadOptions) -> Iterator[Item]:
    start = 0
    n = 0
    broken_at: str | None = None  # where the current run of unreadable bytes began
    while True:
        last_pos = start
        read_any = False
        try:
            with open_binary(path) as f:
                f.seek(start)
                it = ArchiveIterator(f, record_types=_TYPES, parse_http=True, auto_decode="none")
                for rec in it:
                    last_pos = rec.stream_pos  # absolute: FastWARC reports file offsets
                    read_any = True
                    n += 1
                    item = _record_item(rec, path, f"record {n} (offset {last_pos})", opts)
                    if item is not None:
                        yield item
            break
        except OSError as e:
            if read_any or broken_at is None:
                broken_at = f"after record {n} (offset {last_pos})"
            nxt = _resync(path, max(last_pos, start))
            if nxt is None:
                yield ReadError(path, broken_at, "broken_record", f"{e}; nothing readable after it")
                break
            start = nxt
            # report once, when the reader is past the damage (a header parses at `nxt`)
            last_error = ReadError(path, broken_at, "broken_record", f"{e}; skipped to offset {nxt}")
            try:
                probe = _probe(path, nxt)
            except OSError:
                probe = False
            if probe:
                yield last_error
                broken_at = None
    if n == 0:
        yield ReadError(path, "", "empty_file", "no WARC records read")


def _probe(path: str, start: int) -> bool:
    """True if the record at `start` parses through to the next record (or a clean end)."""
    with open_binary(path) as f:
        f.seek(start)
        for i, rec in enumerate(ArchiveIterator(f, parse_http=False, auto_decode="none")):
            rec.reader.read()
            if i >= 1:
                break
    return True
