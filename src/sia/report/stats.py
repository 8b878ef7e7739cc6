"""Run statistics (``OUT/stats.json``, schema ``sia.stats/1``): accumulate, merge, serialise.

The executor keeps one `StatsAccumulator` per shard, feeds it every document after the last
stage, and merges the shards' accumulators in shard order. Every part is a sum, min, max or a
count over fixed bins, so `merge` is associative and commutative and the deterministic part of
`to_json` (everything but ``"timings"``) is byte-identical whatever the number of workers.
Signal sums are kept as integers in units of 1e-9 for that reason: float addition depends on
the order of the terms, integer addition does not.

Memory and file size are bounded whatever the corpus size: histograms have fixed bins
(`sia.report.bins`), hosts are a capped distinct sample (`sia.report.hosts`), error examples
are capped; the remaining keys (reasons, languages, signal names) are bounded by the pipeline
configuration and the language-id model's label set. See docs/stats-schema.md.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from sia.record import Document
from sia.report import bins
from sia.report.hosts import HostSample, host_of

SCHEMA = "sia.stats/1"
SUM_SCALE = 10**9  # signal sums are integers in units of 1 / SUM_SCALE
ERROR_EXAMPLES = 20
UNKNOWN_LANG = "und"


def span_bytes(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """UTF-8 byte length of each ``text[start:end]``, from one pass over the text.

    Per-span ``encode`` is slow on pages with hundreds of removed lines; a prefix sum of
    per-character byte lengths makes every span O(1)."""
    if text.isascii():
        return ends - starts
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    nbytes = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
    cum = np.zeros(len(cp) + 1, dtype=np.int64)
    np.cumsum(nbytes, out=cum[1:])
    return cum[ends] - cum[starts]


class _Signal:
    __slots__ = ("count", "nonfinite", "min", "max", "sum_q", "hist")

    def __init__(self) -> None:
        self.count = 0
        self.nonfinite = 0
        self.min = math.inf
        self.max = -math.inf
        self.sum_q = 0
        self.hist: dict[int, list[int]] = {}  # bin -> [kept, rejected]

    def add(self, x: float, kept: bool) -> None:
        if not math.isfinite(x):
            self.nonfinite += 1
            return
        self.count += 1
        self.min = min(self.min, x)
        self.max = max(self.max, x)
        self.sum_q += round(x * SUM_SCALE)
        row = self.hist.setdefault(bins.signal_bin(x), [0, 0])
        row[0 if kept else 1] += 1

    def merge(self, o: _Signal) -> None:
        self.count += o.count
        self.nonfinite += o.nonfinite
        self.min = min(self.min, o.min)
        self.max = max(self.max, o.max)
        self.sum_q += o.sum_q
        for b, (k, r) in o.hist.items():
            row = self.hist.setdefault(b, [0, 0])
            row[0] += k
            row[1] += r

    def to_json(self) -> dict[str, Any]:
        hist = []
        for b in sorted(self.hist):
            lo, hi = bins.signal_edges(b)
            hist.append([lo, hi, *self.hist[b]])
        return {
            "count": self.count,
            "nonfinite": self.nonfinite,
            "min": self.min if self.count else None,
            "max": self.max if self.count else None,
            "mean": self.sum_q / SUM_SCALE / self.count if self.count else None,
            "sum_e9": self.sum_q,
            "hist": hist,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _Signal:
        s = cls()
        s.count = int(d["count"])
        s.nonfinite = int(d.get("nonfinite", 0))
        if s.count:
            s.min, s.max = float(d["min"]), float(d["max"])
        s.sum_q = int(d["sum_e9"])
        s.hist = {bins.signal_bin_of_lo(lo): [int(k), int(r)] for lo, _hi, k, r in d["hist"]}
        return s


def _add_counts(into: dict[str, list[int]], key: str, values: list[int] | tuple[int, ...]) -> None:
    row = into.get(key)
    if row is None:
        into[key] = list(values)
    else:
        for i, v in enumerate(values):
            row[i] += v


class StatsAccumulator:
    """Bounded, mergeable summary of one run (or one shard of it)."""

    def __init__(self) -> None:
        self.read = [0, 0]  # records, bytes seen by readers (documents and errors alike)
        self.kept = 0
        self.rejected = 0
        self.bytes_in_kept = 0
        self.bytes_in_rejected = 0
        self.bytes_out = 0
        self.rejects: dict[str, list[int]] = {}  # reason -> [docs, input bytes]
        self.removals: dict[str, list[int]] = {}  # reason -> [docs, spans, chars, bytes] (kept docs)
        self.langs: dict[str, list[int]] = {}  # lang -> [docs, kept, bytes_in, bytes_out]
        self.len_in = [0] * bins.LENGTH_BINS  # input bytes, every document
        self.len_in_kept = [0] * bins.LENGTH_BINS  # input bytes, kept documents
        self.len_out = [0] * bins.LENGTH_BINS  # output bytes, kept documents
        self.signals: dict[str, _Signal] = {}
        self.clusters: dict[int, list[int]] = {}  # size-bin lo -> [clusters, documents]
        self.duplicates = 0  # documents that point to a cluster representative ("of")
        self.hosts = HostSample()
        self.errors: dict[str, int] = {}
        self.error_examples: list[tuple[str, str, str]] = []
        self.stages: dict[str, Any] = {}
        self.timings: dict[str, list[float]] = {}  # stage -> [seconds, docs]

    # -- feeding ------------------------------------------------------------------------------
    def add_input(self, doc_bytes: int) -> None:
        """One record read from the input (before parsing; errors included)."""
        self.read[0] += 1
        self.read[1] += int(doc_bytes)

    def add_doc(self, doc: Document, input_bytes: int | None = None) -> None:
        """One document after the last stage. `input_bytes`: UTF-8 size of ``doc.text``."""
        text = doc.text
        if input_bytes is None:
            input_bytes = len(text.encode("utf-8", "surrogatepass"))
        kept = doc.kept
        out_bytes = 0
        if kept:
            self.kept += 1
            self.bytes_in_kept += input_bytes
            out_bytes = len(doc.clean_text.encode("utf-8", "surrogatepass"))
            self.bytes_out += out_bytes
            self.len_in_kept[bins.length_bin(input_bytes)] += 1
            self.len_out[bins.length_bin(out_bytes)] += 1
            self._add_removals(doc)
        else:
            self.rejected += 1
            self.bytes_in_rejected += input_bytes
            _add_counts(self.rejects, doc.decision, (1, input_bytes))
        self.len_in[bins.length_bin(input_bytes)] += 1
        _add_counts(self.langs, doc.lang or UNKNOWN_LANG, (1, int(kept), input_bytes, out_bytes))
        for name, value in doc.signals.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            sig = self.signals.get(name)
            if sig is None:
                sig = self.signals[name] = _Signal()
            sig.add(float(value), kept)
        if doc.dup:
            if doc.dup.get("of") is not None:
                self.duplicates += 1
            size = doc.dup.get("size")
            if isinstance(size, int) and size > 0:
                _add_counts(self.clusters, bins.cluster_bin(size)[0], (1, size))  # type: ignore[arg-type]
        self.hosts.add(host_of(doc.url), kept, input_bytes, out_bytes)

    def _add_removals(self, doc: Document) -> None:
        removed = doc.removed
        if not removed:
            return
        starts = np.fromiter((sp.start for sp in removed), dtype=np.int64, count=len(removed))
        ends = np.fromiter((sp.end for sp in removed), dtype=np.int64, count=len(removed))
        nbytes = span_bytes(doc.text, starts, ends)
        reasons = [sp.reason for sp in removed]
        for reason in sorted(set(reasons)):
            if len(reasons) > 1 and reasons.count(reason) != len(reasons):
                m = np.fromiter((r == reason for r in reasons), dtype=bool, count=len(reasons))
                row = [1, int(m.sum()), int((ends[m] - starts[m]).sum()), int(nbytes[m].sum())]
            else:
                row = [1, len(reasons), int((ends - starts).sum()), int(nbytes.sum())]
            _add_counts(self.removals, reason, row)

    def add_error(self, file: str, record: int | str, reason: str) -> None:
        """One input record that could not be read (it is written to ``OUT/errors/``)."""
        self.errors[reason] = self.errors.get(reason, 0) + 1
        self._keep_examples([(str(file), str(record), reason)])

    def _keep_examples(self, new: list[tuple[str, str, str]]) -> None:
        # the smallest (file, record) pairs: the same examples whatever the merge order
        self.error_examples = sorted(set(self.error_examples) | set(new))[:ERROR_EXAMPLES]

    def add_stage_time(self, stage: str, seconds: float, docs: int) -> None:
        row = self.timings.setdefault(stage, [0.0, 0])
        row[0] += seconds
        row[1] += docs

    def set_stage_numbers(self, stage: str, numbers: dict[str, Any]) -> None:
        """Numbers a corpus stage's ``combine`` returned (set once per run, not per shard).

        A ``"seconds"`` entry is a timing: it goes to ``timings[stage + ".combine"]`` so the
        deterministic part stays free of wall-clock numbers."""
        numbers = dict(numbers)
        sec = numbers.pop("seconds", None)
        if isinstance(sec, int | float):
            self.add_stage_time(f"{stage}.combine", float(sec), 0)
        self.stages[stage] = numbers

    # -- merging ------------------------------------------------------------------------------
    def merge(self, other: StatsAccumulator) -> StatsAccumulator:
        """Add `other` into self (associative, commutative); returns self."""
        self.read = [a + b for a, b in zip(self.read, other.read)]
        self.kept += other.kept
        self.rejected += other.rejected
        self.bytes_in_kept += other.bytes_in_kept
        self.bytes_in_rejected += other.bytes_in_rejected
        self.bytes_out += other.bytes_out
        for mine, theirs in (
            (self.rejects, other.rejects),
            (self.removals, other.removals),
            (self.langs, other.langs),
        ):
            for k, row in theirs.items():
                _add_counts(mine, k, row)
        for mine_h, theirs_h in (
            (self.len_in, other.len_in),
            (self.len_in_kept, other.len_in_kept),
            (self.len_out, other.len_out),
        ):
            for i, v in enumerate(theirs_h):
                mine_h[i] += v
        for name, sig in other.signals.items():
            self.signals.setdefault(name, _Signal()).merge(sig)
        for lo, row in other.clusters.items():
            _add_counts(self.clusters, lo, row)  # type: ignore[arg-type]
        self.duplicates += other.duplicates
        self.hosts.merge(other.hosts)
        for reason, n in other.errors.items():
            self.errors[reason] = self.errors.get(reason, 0) + n
        self._keep_examples(other.error_examples)
        for stage in sorted(other.stages):
            self.stages.setdefault(stage, other.stages[stage])
        for stage, (sec, docs) in other.timings.items():
            self.add_stage_time(stage, sec, int(docs))
        return self

    # -- serialisation ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        n_err = sum(self.errors.values())
        removed_bytes = sum(r[3] for r in self.removals.values())
        clusters = []
        for lo in sorted(self.clusters):
            _, hi = bins.cluster_bin(lo)
            clusters.append([lo, hi, *self.clusters[lo]])
        return {
            "schema": SCHEMA,
            "read": {"records": self.read[0], "bytes": self.read[1]},
            "docs": {
                "in": self.kept + self.rejected,
                "kept": self.kept,
                "rejected": self.rejected,
                "errors": n_err,
            },
            "bytes": {
                "in": self.bytes_in_kept + self.bytes_in_rejected,
                "in_kept": self.bytes_in_kept,
                "in_rejected": self.bytes_in_rejected,
                "out": self.bytes_out,
                "removed_from_kept": removed_bytes,
            },
            "rejected": {k: {"docs": d, "bytes": b} for k, (d, b) in sorted(self.rejects.items())},
            "removed": {
                k: {"docs": d, "spans": s, "chars": c, "bytes": b}
                for k, (d, s, c, b) in sorted(self.removals.items())
            },
            "langs": {
                k: {"docs": d, "kept": kp, "bytes_in": bi, "bytes_out": bo}
                for k, (d, kp, bi, bo) in sorted(self.langs.items())
            },
            "length": {
                "unit": "bytes",
                "edges": bins.length_edges(),
                "in": list(self.len_in),
                "in_kept": list(self.len_in_kept),
                "out": list(self.len_out),
            },
            "signals": {k: s.to_json() for k, s in sorted(self.signals.items())},
            "dup": {"clusters": clusters, "duplicates": self.duplicates},
            "hosts": self.hosts.to_json(),
            "errors": {
                "by_reason": dict(sorted(self.errors.items())),
                "examples": [{"file": f, "record": r, "reason": why} for f, r, why in self.error_examples],
            },
            "stages": {k: self.stages[k] for k in sorted(self.stages)},
            "timings": {k: {"seconds": s, "docs": int(d)} for k, (s, d) in sorted(self.timings.items())},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> StatsAccumulator:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} document: schema={d.get('schema')!r}")
        a = cls()
        a.read = [int(d["read"]["records"]), int(d["read"]["bytes"])]
        a.kept = int(d["docs"]["kept"])
        a.rejected = int(d["docs"]["rejected"])
        a.bytes_in_kept = int(d["bytes"]["in_kept"])
        a.bytes_in_rejected = int(d["bytes"]["in_rejected"])
        a.bytes_out = int(d["bytes"]["out"])
        a.rejects = {k: [v["docs"], v["bytes"]] for k, v in d["rejected"].items()}
        a.removals = {k: [v["docs"], v["spans"], v["chars"], v["bytes"]] for k, v in d["removed"].items()}
        a.langs = {k: [v["docs"], v["kept"], v["bytes_in"], v["bytes_out"]] for k, v in d["langs"].items()}
        a.len_in = list(d["length"]["in"])
        a.len_in_kept = list(d["length"]["in_kept"])
        a.len_out = list(d["length"]["out"])
        a.signals = {k: _Signal.from_json(v) for k, v in d["signals"].items()}
        a.clusters = {int(lo): [int(n), int(docs)] for lo, _hi, n, docs in d["dup"]["clusters"]}
        a.duplicates = int(d["dup"]["duplicates"])
        a.hosts = HostSample.from_json(d["hosts"])
        a.errors = {k: int(v) for k, v in d["errors"]["by_reason"].items()}
        a.error_examples = [(e["file"], str(e["record"]), e["reason"]) for e in d["errors"]["examples"]]
        a.stages = dict(d.get("stages") or {})
        timings = d.get("timings") or {}
        # stage rows only; run-level entries (e.g. "wall_seconds") are the executor's
        a.timings = {
            k: [float(v["seconds"]), int(v["docs"])] for k, v in timings.items() if isinstance(v, dict)
        }
        return a


def deterministic_part(stats: dict[str, Any]) -> dict[str, Any]:
    """`stats` without ``"timings"``: what must be identical for any worker count."""
    return {k: v for k, v in stats.items() if k != "timings"}


def dumps(stats: dict[str, Any]) -> str:
    """Canonical text of stats.json (sorted keys, fixed indentation, UTF-8)."""
    return json.dumps(stats, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_stats(acc: StatsAccumulator, path: Path) -> None:
    """Write ``stats.json`` atomically (temp name, then rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(acc.to_json()), encoding="utf-8")
    tmp.replace(path)


def load_stats(out_dir: Path) -> dict[str, Any]:
    """Read ``OUT/stats.json`` (or a stats.json path) and check its schema."""
    path = Path(out_dir)
    if path.is_dir():
        path = path / "stats.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    if d.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} file (schema={d.get('schema')!r})")
    return d


from sia.report.stats_table import main_stats, print_stats  # noqa: E402  (re-exported API)

__all__ = [
    "SCHEMA",
    "StatsAccumulator",
    "deterministic_part",
    "dumps",
    "load_stats",
    "main_stats",
    "print_stats",
    "write_stats",
]
