"""Terminal progress: documents/s and MB/s while shards stream through the pool."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.docs = 0
        self.bytes = 0
        self.t0 = time.perf_counter()
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} shards"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.task = None

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start_pass(self, total: int, done: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task("sia", total=total, completed=done, rate="")

    def _rate(self) -> str:
        dt = max(1e-9, time.perf_counter() - self.t0)
        return f"{self.docs:,} docs  {self.docs / dt:,.0f} docs/s  {self.bytes / dt / 1e6:.2f} MB/s"

    def advance(self, docs: int, nbytes: int) -> None:
        self.docs += docs
        self.bytes += nbytes
        if self.task is not None:
            self.progress.update(self.task, rate=self._rate())

    def shard_done(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=1, rate=self._rate())
