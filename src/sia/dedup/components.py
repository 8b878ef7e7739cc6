"""Connected components over edge files, with labels in a disk-backed array.

Min-label propagation: every node starts with its own index as label; each pass over the edges
lowers both ends of every edge to the smaller of their labels (`np.minimum.at`), then pointer
jumping (``label = label[label]``) shortcuts chains. Passes repeat until nothing changes. The
result -- each node labelled with the smallest node index of its component -- does not depend
on edge order, so any partitioning of the edges gives the same labels. Memory: the label array
(8 bytes per node, a `numpy.memmap` when a path is given) plus one edge file at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np


def connected_components(
    n: int, edge_chunks: Callable[[], Iterable[np.ndarray]], path: Path | None = None
) -> np.ndarray:
    """Labels for nodes 0..n-1; `edge_chunks()` yields (m, 2) int64 edge arrays (re-iterable)."""
    if path is None:
        labels = np.arange(n, dtype=np.int64)
    else:
        labels = np.lib.format.open_memmap(path, mode="w+", dtype=np.int64, shape=(n,))
        labels[:] = np.arange(n, dtype=np.int64)
    if n == 0:
        return labels
    while True:
        changed = False
        for edges in edge_chunks():
            if edges.size == 0:
                continue
            u, v = edges[:, 0], edges[:, 1]
            lu, lv = labels[u], labels[v]
            m = np.minimum(lu, lv)
            if np.any(lu != lv):
                changed = True
                np.minimum.at(labels, u, m)
                np.minimum.at(labels, v, m)
        # pointer jumping until every label points at a root
        while True:
            nxt = labels[labels]
            if np.array_equal(nxt, labels):
                break
            labels[:] = nxt
        if not changed:
            return labels
