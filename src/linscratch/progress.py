"""A progress bar for long runs: epochs, batches, samples/s and the current loss, on stderr.

Shown only when stderr is a terminal, not under --json or --quiet, and only once a run has
lasted half a second (a quick run finishes without flicker). It counts epochs as they end.
"""

from __future__ import annotations

import sys
import time

DELAY_SECONDS = 0.5


class EpochProgress:
    """A `fit` callback that draws a rich progress bar; use as a context manager."""

    def __init__(self, epochs: int, rows: int, batch_size: int, console=None):
        self.epochs, self.rows = epochs, rows
        self.steps = -(-rows // batch_size)  # per epoch
        self.console = console
        self.start = time.perf_counter()
        self.bar = self.task = None

    def __enter__(self) -> EpochProgress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, epoch: int, loss: float, w=None, b=None) -> bool:
        elapsed = time.perf_counter() - self.start
        if self.bar is None and elapsed < DELAY_SECONDS:
            return False
        if self.bar is None:
            self._start()
        speed = epoch * self.rows / elapsed if elapsed > 0 else 0.0
        self.bar.update(
            self.task,
            completed=epoch,
            batches=f"{epoch * self.steps:,}/{self.epochs * self.steps:,}",
            speed=f"{speed / 1e6:,.2f} M samples/s",
            loss=f"{loss:.6g}",
        )
        return False

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("epoch"),
            MofNCompleteColumn(),
            BarColumn(),
            TextColumn("batches {task.fields[batches]}"),
            TextColumn("{task.fields[speed]}"),
            TextColumn("loss {task.fields[loss]}"),
            TimeRemainingColumn(),
            console=self.console or Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("train", total=self.epochs, batches="", speed="", loss="")
        self.bar.start()


def wanted(args) -> bool:
    """Whether this command line should show a progress bar."""
    return not (getattr(args, "json", False) or getattr(args, "quiet", False)) and (
        sys.stderr.isatty()
    )
