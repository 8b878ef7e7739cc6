"""`exact_dedup`: documents whose normalised cleaned text is identical keep one survivor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sia.dedup.engine import ClusterDedup
from sia.dedup.normalize import normalize_text, text_hash
from sia.record import Document
from sia.stage import register


@register
@dataclass
class ExactDedup(ClusterDedup):
    """Hash of the normalised `doc.clean_text` (see `sia.dedup.normalize`); equal hashes are one
    cluster. Empty texts are never clustered. `index`: folder of a persistent index (grows)."""

    name: ClassVar[str] = "exact_dedup"
    kind: ClassVar[str] = "exact"
    reason: ClassVar[str] = "exact_duplicate"

    casefold: bool = True
    collapse_whitespace: bool = True
    strip_punctuation: bool = False
    strip_digits: bool = False
    nfkc: bool = False
    index: str = ""
    partitions: int = 16
    quality_signal: str = "quality"
    chunk_docs: int = 100_000

    def validate(self) -> None:
        self._check_params()

    def _norm(self) -> dict[str, bool]:
        return {
            "casefold": self.casefold,
            "collapse_whitespace": self.collapse_whitespace,
            "strip_punctuation": self.strip_punctuation,
            "strip_digits": self.strip_digits,
            "nfkc": self.nfkc,
        }

    def index_params(self) -> dict[str, Any]:
        return {"normalize": self._norm()}

    def doc_keys(self, batch: list[Document]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        norm = self._norm()
        texts = [normalize_text(d.clean_text, **norm) for d in batch]
        keys = np.array([[text_hash(t)] for t in texts], dtype=np.uint64).reshape(len(batch), 1)
        valid = np.array([bool(t) for t in texts], dtype=bool)
        return keys, valid, {}
