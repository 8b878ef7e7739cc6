"""A sequential, in-memory reference executor.

It defines what every executor must compute (the local process pool and Ray give the same
documents) and lets tests and notebooks run stages, corpus stages included, on small inputs.
Not for corpora: it holds every document in memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sia.record import Document
from sia.stage import ShardContext, is_corpus_stage, run_doc_stages


def serial_pmap(fn, items):
    return [fn(x) for x in items]


def run_inline(
    stages: list[Any],
    shards: list[list[Document]],
    work: Path | None = None,
    batch_size: int = 256,
) -> list[list[Document]]:
    """Run `stages` over `shards` (lists of documents); returns the shards, same order."""
    tmp = None
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="sia-inline-")
        work = Path(tmp.name)
    try:
        n = len(shards)
        pending_doc: list[Any] = []
        for k, st in enumerate(stages):
            if not is_corpus_stage(st):
                pending_doc.append(st)
                continue
            # finish the document stages queued before this corpus stage
            shards = [_batched(pending_doc, docs, batch_size) for docs in shards]
            pending_doc = []
            swork = work / f"{k:02d}-{st.name}"
            swork.mkdir(parents=True, exist_ok=True)
            for i, docs in enumerate(shards):
                ctx = ShardContext(i, n, swork)
                for b in range(0, len(docs), batch_size):
                    live = [d for d in docs[b : b + batch_size] if d.kept]
                    if live:
                        st.observe(live, ctx)
                st.finish_shard(ctx)
            st.combine(swork, n, serial_pmap)
            out = []
            for i, docs in enumerate(shards):
                ctx = ShardContext(i, n, swork)
                res: list[Document] = []
                for b in range(0, len(docs), batch_size):
                    batch = docs[b : b + batch_size]
                    live_idx = [j for j, d in enumerate(batch) if d.kept]
                    if live_idx:
                        applied = st.apply([batch[j] for j in live_idx], ctx)
                        for j, d in zip(live_idx, applied, strict=True):
                            batch[j] = d
                    res.extend(batch)
                out.append(res)
            shards = out
        if pending_doc:
            shards = [_batched(pending_doc, docs, batch_size) for docs in shards]
        return shards
    finally:
        if tmp is not None:
            tmp.cleanup()


def _batched(stages: list[Any], docs: list[Document], batch_size: int) -> list[Document]:
    out: list[Document] = []
    for b in range(0, len(docs), batch_size):
        out.extend(run_doc_stages(stages, docs[b : b + batch_size]))
    return out
