"""Split a stage list into passes: document stages run between corpus stages.

Pass ``i`` applies corpus stage ``i-1`` (if any), runs its document stages, and observes corpus
stage ``i`` (if any). The last pass writes the outputs. A pipeline without corpus stages is one
pass straight from the readers to the writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
