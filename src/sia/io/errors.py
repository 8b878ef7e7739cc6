"""Errors the readers report: per-record problems go to OUT/errors/, fatal ones stop the run."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class InputError(Exception):
    """A problem with the command itself (missing path, empty glob, unwritable output): exit 2."""


@dataclass(frozen=True, slots=True)
class ReadError:
    """One bad input record: the run goes on without it (or with a repaired copy).

    `action` says what sia did: ``skipped`` (the record is not in the output) or ``repaired``
    (the record was kept after a fix, e.g. NUL bytes stripped).
    """

    file: str
    record: str  # "line 17", "record 3 (offset 1234)", "row 99", or "" for a whole file
    reason: str  # short snake_case: malformed_json, invalid_utf8, missing_text, ...
    message: str
    action: str = "skipped"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}" if self.record else self.file
        return f"{where}: {self.reason}: {self.message} ({self.action})"
