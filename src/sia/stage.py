"""Stage protocols: what every step of a sia pipeline implements.

Two kinds, as executors see them:

* `DocStage` maps a batch of documents to the same batch (mutating records in place is fine).
  Executors hand a stage only documents still marked ``keep``; rejected ones skip later stages.
* `CorpusStage` must see the whole corpus before it can decide (host templates, dedup). The
  executor runs ``observe`` over every shard (map; partial results go to files under
  ``ctx.work``), then ``combine`` once (reduce; out of core, may fan out over partitions through
  the ``pmap`` it is given), then ``apply`` over every shard (a document stage again).
  Partitioning must be deterministic so every executor gives the same result.

Stages register by name with `register`, so a TOML pipeline can name them and give parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from sia.record import Document


@dataclass(frozen=True, slots=True)
class ShardContext:
    """Where a corpus stage keeps its files for one shard of one run."""

    shard: int  # index of the input shard, stable across runs and executors
    n_shards: int
    work: Path  # the stage's private working folder (same for every shard)


# pmap(fn, items) -> list of results, run by the executor in parallel, order preserved
PMap = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


@runtime_checkable
class DocStage(Protocol):
    name: ClassVar[str]

    def process(self, batch: list[Document]) -> list[Document]: ...


@runtime_checkable
class CorpusStage(Protocol):
    name: ClassVar[str]

    def observe(self, batch: list[Document], ctx: ShardContext) -> None: ...

    def finish_shard(self, ctx: ShardContext) -> None:
        """Flush what `observe` buffered for this shard (write to a temp name, then rename)."""

    def combine(self, work: Path, n_shards: int, pmap: PMap) -> dict[str, Any]:
        """Reduce the partials; returns numbers for stats.json."""

    def apply(self, batch: list[Document], ctx: ShardContext) -> list[Document]: ...


_REGISTRY: dict[str, type] = {}

T = TypeVar("T")


def register(cls: type[T]) -> type[T]:
    """Class decorator: make a stage available to TOML pipelines under `cls.name`."""
    name = cls.name  # type: ignore[attr-defined]
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"stage name {name!r} registered twice")
    _REGISTRY[name] = cls
    return cls


def registry() -> dict[str, type]:
    import sia.stages  # noqa: F401  (imports every built-in stage so they register)

    return dict(_REGISTRY)


def is_corpus_stage(stage: object) -> bool:
    return hasattr(stage, "observe") and hasattr(stage, "apply")


def run_doc_stages(stages: Iterable[DocStage], batch: list[Document]) -> list[Document]:
    """Run document stages on the still-kept documents of `batch`, keeping input order."""
    for st in stages:
        idx = [i for i, d in enumerate(batch) if d.kept]
        if not idx:
            break
        live = [batch[i] for i in idx]
        out = st.process(live)
        for i, d in zip(idx, out, strict=True):
            batch[i] = d
    return batch
