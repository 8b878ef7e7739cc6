"""Per-host byte counts in bounded memory, mergeable in any order with one result.

A crawl has millions of hosts; stats.json must stay small. Top-K pruning is not mergeable
(a host cut from one shard loses its count), so we keep a *distinct sample* instead: each host
gets a level, the number of trailing zero bits of its 64-bit xxhash (level >= L for a fraction
2**-L of hosts). The sample holds exact counts for every host with level >= ``self.level``; when it
would exceed `cap` hosts the level goes up and hosts below it are dropped. The final level is the
smallest one at which all hosts of the corpus at or above it fit in `cap`, so the kept hosts and
their counts are the same however shards were split and merged. Up to `cap` distinct hosts the
counts are exact and complete (level 0); beyond, they are exact for a uniform 2**-level sample
of hosts, and ``distinct_estimate`` scales the count back up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import xxhash

HOST_CAP = 10_000
NO_HOST = "(no url)"
FIELDS = ("docs", "kept", "bytes_in", "bytes_out")


def host_of(url: str | None) -> str:
    if not url:
        return NO_HOST
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return host or NO_HOST


def host_level(host: str) -> int:
    h = xxhash.xxh64_intdigest(host.encode("utf-8", "surrogatepass"))
    if h == 0:
        return 64
    return (h & -h).bit_length() - 1


class HostSample:
    """Exact ``[docs, kept, bytes_in, bytes_out]`` per sampled host (see module docstring)."""

    def __init__(self, cap: int = HOST_CAP) -> None:
        self.cap = cap
        self.level = 0
        self.hosts: dict[str, list[int]] = {}

    def add(self, host: str, kept: bool, bytes_in: int, bytes_out: int) -> None:
        row = self.hosts.get(host)
        if row is None:
            if host_level(host) < self.level:
                return
            row = self.hosts[host] = [0, 0, 0, 0]
            if len(self.hosts) > self.cap:
                self._shrink()
                row = self.hosts.get(host)
                if row is None:
                    return
        row[0] += 1
        row[1] += int(kept)
        row[2] += bytes_in
        row[3] += bytes_out

    def merge(self, other: HostSample) -> None:
        if other.level > self.level:
            self.level = other.level
            self._drop_below_level()
        for host, row in other.hosts.items():
            if host_level(host) < self.level:
                continue
            mine = self.hosts.setdefault(host, [0, 0, 0, 0])
            for i, v in enumerate(row):
                mine[i] += v
        if len(self.hosts) > self.cap:
            self._shrink()

    def _shrink(self) -> None:
        while len(self.hosts) > self.cap:
            self.level += 1
            self._drop_below_level()

    def _drop_below_level(self) -> None:
        self.hosts = {h: r for h, r in self.hosts.items() if host_level(h) >= self.level}

    def to_json(self) -> dict[str, Any]:
        return {
            "cap": self.cap,
            "level": self.level,
            "sampled": len(self.hosts),
            "distinct_estimate": len(self.hosts) << self.level,
            "hosts": {h: dict(zip(FIELDS, r)) for h, r in sorted(self.hosts.items())},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> HostSample:
        s = cls(int(d.get("cap", HOST_CAP)))
        s.level = int(d.get("level", 0))
        s.hosts = {h: [int(r.get(f, 0)) for f in FIELDS] for h, r in (d.get("hosts") or {}).items()}
        return s
