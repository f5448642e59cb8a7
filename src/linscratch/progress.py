"""A progress bar for long runs: epochs, batches, samples/s and the current loss, on stderr.

Shown only when stderr is a terminal, not under --json or --quiet, and only once a run has
lasted half a second (a quick run finishes without flicker). It counts epochs as they end
(the `EpochEnd` events of `fit`).
"""

from __future__ import annotations

import sys
import time

from .events import EpochEnd, RunStart, Subscriber

DELAY_SECONDS = 0.5


class EpochProgress(Subscriber):
    """A subscriber that draws a rich progress bar as epochs end; use as a context manager
    (the bar is taken down however the run ends)."""

    def __init__(self, console=None):
        self.console = console
        self.bar = self.task = None
        self.start = time.perf_counter()

    def __enter__(self) -> EpochProgress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def run_start(self, event: RunStart) -> None:
        self.epochs, self.first_epoch = event.num_epochs, event.first_epoch
        self.rows, self.steps = event.num_examples, event.steps_per_epoch  # steps per epoch
        self.start = time.perf_counter()

    def epoch_end(self, event: EpochEnd) -> None:
        elapsed = time.perf_counter() - self.start
        if self.bar is None and elapsed < DELAY_SECONDS:
            return
        if self.bar is None:
            self._start()
        epoch = event.epoch
        speed = (epoch - self.first_epoch + 1) * self.rows / elapsed if elapsed > 0 else 0.0
        self.bar.update(
            self.task,
            completed=epoch,
            batches=f"{epoch * self.steps:,}/{self.epochs * self.steps:,}",
            speed=f"{speed / 1e6:,.2f} M samples/s",
            loss=f"{event.loss:.6g}",
        )

    def run_end(self, event) -> None:
        self.__exit__()

    def diverged(self, event) -> None:
        self.__exit__()

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


def wanted(json: bool = False, quiet: bool = False) -> bool:
    """Whether to show a progress bar: on a terminal, unless the output is JSON or quiet."""
    return not (json or quiet) and sys.stderr.isatty()
