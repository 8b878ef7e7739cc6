"""Plan a run: split a stage list into passes, and the inputs into shards.

Pass ``i`` applies corpus stage ``i-1`` (if any), runs its document stages, and observes corpus
stage ``i`` (if any). The last pass writes the outputs. A pipeline without corpus stages is one
pass straight from the readers to the writers.

A shard is one input file, or one byte range of a large uncompressed line-based file (JSONL,
``.txt`` read one document per line) cut at ``[run] shard_bytes``: the range [a, b) owns every
line that starts in it (`sia.io.streams.line_range`). Shards are numbered in input order, then
range order, so reading the parts in name order gives the documents in the order of an unsplit
run. A range knows how many lines of its file come before it (`number_lines`, one vectorised
newline count over the file), so line numbers in ids and errors are those of the whole file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sia.io.readers import LineRange
from sia.io.streams import compression_of, count_newlines, size_of
from sia.stage import is_corpus_stage


@dataclass
class Pass:
    index: int
    apply: Any | None = None  # corpus stage combined in the previous pass, applied first
    doc_stages: list[Any] = field(default_factory=list)
    observe: Any | None = None  # corpus stage observed at the end of this pass

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.observe is None


def plan_passes(stages: list[Any]) -> list[Pass]:
    passes = [Pass(0)]
    for st in stages:
        cur = passes[-1]
        if is_corpus_stage(st):
            cur.observe = st
            passes.append(Pass(len(passes), apply=st))
        else:
            cur.doc_stages.append(st)
    return passes


@dataclass(frozen=True)
class Shard:
    path: str
    fmt: str
    span: LineRange | None = None  # None: the whole file


def splittable(path: str, fmt: str, txt_lines: bool) -> bool:
    """Whether `path` can be read in byte ranges: uncompressed, one record per line."""
    if compression_of(path) is not None:
        return False
    return fmt == "jsonl" or (fmt == "txt" and txt_lines)


def plan_shards(files: list[tuple[str, str]], shard_bytes: int, txt_lines: bool) -> list[Shard]:
    """One shard per input file, except that a splittable file larger than `shard_bytes` (> 0)
    becomes ``ceil(size / shard_bytes)`` ranges of (nearly) equal size. Line numbers are not
    known yet (``first_line`` is 0): `number_lines` fills them in."""
    shards: list[Shard] = []
    for path, fmt in files:
        size = size_of(path) if shard_bytes > 0 and splittable(path, fmt, txt_lines) else 0
        if size <= shard_bytes:
            shards.append(Shard(path, fmt))
            continue
        k = -(-size // shard_bytes)
        cuts = [size * i // k for i in range(k + 1)]
        shards += [Shard(path, fmt, LineRange(a, b, 0)) for a, b in zip(cuts, cuts[1:], strict=False)]
    return shards


def _count_segment(item: tuple[str, int, int]) -> int:
    return count_newlines(*item)


def number_lines(
    shards: list[Shard], pmap: Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]], cache: Path | None
) -> list[Shard]:
    """Fill in each range's ``first_line``: the number of lines of its file before its first line.

    The first line of a range [a, b) with a > 0 starts right after the first newline at or after
    byte a - 1, so it is preceded by (newlines in [0, a - 1)) + 1 lines. The newlines between
    consecutive cuts are counted with ``bytes.count`` (through `pmap`, one task per range) and
    summed. The result is kept in `cache` (a JSON file in the run's work folder), so a resumed
    run does not read the files again.
    """
    split = [s for s in shards if s.span is not None]
    if not split:
        return shards
    key = [[s.path, s.span.start, s.span.end] for s in split]
    if cache is not None and cache.exists():
        with_lines = json.loads(cache.read_text())
        if [row[:3] for row in with_lines] == key:
            return _with_first_lines(shards, [row[3] for row in with_lines])
    # segment before range k (k > 0) of a file: [previous cut - 1 (or 0), this cut - 1)
    items = [
        (s.path, max(p.span.start - 1, 0), s.span.start - 1)
        for p, s in zip(split, split[1:], strict=False)
        if s.path == p.path
    ]
    counts = iter(pmap(_count_segment, items))
    firsts: list[int] = []
    prev_path, before = None, 0
    for s in split:
        if s.path != prev_path:
            prev_path, before, first = s.path, 0, 0
        else:
            before += next(counts)
            first = before + 1
        firsts.append(first)
    if cache is not None:
        from sia.io.writers import atomic_write_bytes

        rows = [[*k, f] for k, f in zip(key, firsts, strict=True)]
        atomic_write_bytes(cache, json.dumps(rows).encode())
    return _with_first_lines(shards, firsts)


def _with_first_lines(shards: list[Shard], firsts: list[int]) -> list[Shard]:
    it = iter(firsts)
    return [replace(s, span=replace(s.span, first_line=next(it))) if s.span else s for s in shards]
