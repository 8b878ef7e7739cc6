"""Fixed, data-independent histogram bins.

Shards are summarised in parallel and merged later, so every histogram must use bins that do not
depend on the data seen: then merging is adding counts, and the result is the same whatever the
sharding. Two schemes:

* lengths (bytes): bin 0 holds 0; bin ``i >= 1`` holds ``[2**((i-1)/4), 2**(i/4))`` — quarter
  octaves, ~19 % wide, up to 2**32 bytes (``LENGTH_BINS`` bins).
* signals (any float): values in ``[0, 1)`` go to 100 linear bins of 0.01 (fractions and ratios,
  where thresholds such as 0.1 or 0.3 sit); values ``>= 1`` to log bins of 1/16 octave (~4.4 %;
  counts and lengths); negatives mirror the positive bins. Only occupied bins are stored.
"""

from __future__ import annotations

import math

LENGTH_PER_OCTAVE = 4
LENGTH_BINS = 32 * LENGTH_PER_OCTAVE + 1

SIGNAL_LINEAR = 100  # bins of width 1/SIGNAL_LINEAR over [0, 1)
SIGNAL_PER_OCTAVE = 16


def length_bin(n: int) -> int:
    """Bin of a length in bytes (0 for empty, capped at the last bin)."""
    if n <= 0:
        return 0
    return min(LENGTH_BINS - 1, int(math.log2(n) * LENGTH_PER_OCTAVE) + 1)


def length_edges() -> list[float]:
    """``LENGTH_BINS + 1`` edges: bin ``i`` is ``[edges[i], edges[i+1])``."""
    return [0.0, 1.0] + [2 ** (i / LENGTH_PER_OCTAVE) for i in range(1, LENGTH_BINS)]


def signal_bin(x: float) -> int:
    """Bin index of a finite signal value; negative indices mirror the positive scheme."""
    if x < 0:
        return -1 - signal_bin(-x)
    if x < 1:
        return int(x * SIGNAL_LINEAR)
    return SIGNAL_LINEAR + int(math.log2(x) * SIGNAL_PER_OCTAVE)


def signal_edges(i: int) -> tuple[float, float]:
    """``(lo, hi)`` of signal bin `i` (inverse of `signal_bin`)."""
    if i < 0:
        lo, hi = signal_edges(-1 - i)
        return -hi, -lo
    if i < SIGNAL_LINEAR:
        return i / SIGNAL_LINEAR, (i + 1) / SIGNAL_LINEAR
    k = i - SIGNAL_LINEAR
    return 2 ** (k / SIGNAL_PER_OCTAVE), 2 ** ((k + 1) / SIGNAL_PER_OCTAVE)


def signal_bin_of_lo(lo: float) -> int:
    """Bin index whose lower edge is `lo` (exact, for reading stats.json back)."""
    if lo < 0 or (lo == 0 and math.copysign(1.0, lo) < 0):
        # a negative bin's lower edge is -hi of its mirror
        return -1 - (signal_bin_of_hi(-lo))
    if lo < 1:
        return round(lo * SIGNAL_LINEAR)
    return SIGNAL_LINEAR + round(math.log2(lo) * SIGNAL_PER_OCTAVE)


def signal_bin_of_hi(hi: float) -> int:
    if hi <= 1:
        return round(hi * SIGNAL_LINEAR) - 1
    return SIGNAL_LINEAR + round(math.log2(hi) * SIGNAL_PER_OCTAVE) - 1


def cluster_bin(size: int) -> tuple[int, int]:
    """Dedup cluster sizes: exact up to 64, then power-of-two ranges ``[lo, hi]`` (inclusive)."""
    if size <= 64:
        return size, size
    lo = 1 << (size.bit_length() - 1)
    return lo, 2 * lo - 1
