"""What a run shows on a terminal while it works: a label for each phase that can take a
while (generating or reading the data, compiling kernels, the exact least-squares answer,
writing files) and, while training, a progress bar of epochs, minibatches, examples/s and the
loss, on stderr.

Shown only when stderr is a terminal, not under --json or --quiet: elsewhere nothing is
written. The bar appears once training has lasted half a second (a quick run finishes
without flicker) and moves within an epoch with the engines' `Progress` events, a few times
a second; labels are shown at once. Everything is taken down at the end (transient).
"""

from __future__ import annotations

import sys
import time

from linscratch.events import EpochEnd, Phase, Progress, RunStart, Subscriber
from linscratch.i18n import tr

DELAY_SECONDS = 0.5


class Quiet(Subscriber):
    """Shows nothing: what a run off a terminal (or under --json, --quiet) has instead of
    `Feedback`."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def label(self, text: str) -> None:
        pass


class Feedback(Quiet):
    """A subscriber that shows each phase's label (with a spinner) and the progress bar while
    training; `label(text)` shows a label of the caller's (reading a file, say). Use as a
    context manager: whatever is shown is taken down however the run ends."""

    wants_progress = True

    def __init__(self, console=None):
        self.console = console
        self.status = self.bar = self.task = None
        self.start = time.perf_counter()
        self.epochs = self.first_epoch = self.rows = self.steps = 0
        self.loss = ""

    def __exit__(self, *exc) -> None:
        self._clear()

    def label(self, text: str) -> None:
        """Show `text` (already translated) with a spinner, in place of what was shown."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        if self.status is None:
            from rich.progress import SpinnerColumn, TextColumn  # start-up: rich only on a terminal

            self.status = self._live(SpinnerColumn(), TextColumn("{task.description}"))
            self.status.add_task(text, total=None)
            self.status.start()
        else:
            self.status.update(self.status.task_ids[0], description=text)

    def phase(self, event: Phase) -> None:
        labels = {
            "compiling": tr("compiling kernels"),
            "stability": tr("estimating the stability limit"),
            "exact": tr("computing the exact least squares"),
        }
        self.label(labels[event.name])

    def run_start(self, event: RunStart) -> None:
        self.epochs, self.first_epoch = event.num_epochs, event.first_epoch
        self.rows, self.steps = event.num_examples, event.steps_per_epoch  # steps per epoch
        self.start = time.perf_counter()
        self.label(tr("training"))

    def progress(self, event: Progress) -> None:
        self._show(event.epoch - 1 + event.step / self.steps)

    def epoch_end(self, event: EpochEnd) -> None:
        self.loss = f"{event.loss:.6g}"
        self._show(event.epoch)

    def run_end(self, event) -> None:
        self._clear()

    def diverged(self, event) -> None:
        self._clear()

    def _show(self, epochs: float) -> None:
        """Move the bar to `epochs` epochs done (a fraction within one)."""
        elapsed = time.perf_counter() - self.start
        if self.bar is None and elapsed < DELAY_SECONDS:
            return
        if self.bar is None:
            self._start_bar()
        done = epochs - self.first_epoch + 1
        speed = done * self.rows / elapsed if elapsed > 0 else 0.0
        self.bar.update(
            self.task,
            completed=epochs,
            epoch=f"{min(int(epochs) + 1, self.epochs)}/{self.epochs}",
            batches=f"{round(epochs * self.steps):,}/{self.epochs * self.steps:,}",
            speed=tr("{speed} M examples/s").format(speed=f"{speed / 1e6:,.2f}"),
            loss=self.loss,
        )

    def _clear(self) -> None:
        for shown in (self.status, self.bar):
            if shown is not None:
                shown.stop()
        self.status = self.bar = None

    def _live(self, *columns):
        """A rich display of `columns` on stderr, taken down when stopped. Printing to stdout
        while it shows goes above it when stdout is the same terminal, and straight to stdout
        when stdout is a file or a pipe (rich would send it to the terminal)."""
        from rich.console import Console  # start-up: rich only on a terminal
        from rich.progress import Progress  # start-up: rich only on a terminal

        self.console = self.console or Console(stderr=True)
        return Progress(
            *columns,
            console=self.console,
            transient=True,
            redirect_stdout=sys.stdout.isatty(),
        )

    def _start_bar(self) -> None:
        from rich.progress import (  # start-up: rich only on a terminal
            BarColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._clear()
        self.bar = self._live(
            TextColumn(tr("epoch") + " {task.fields[epoch]}"),
            BarColumn(),
            TextColumn(tr("minibatches") + " {task.fields[batches]}"),
            TextColumn("{task.fields[speed]}"),
            TextColumn(tr("loss") + " {task.fields[loss]}"),
            TimeRemainingColumn(),
        )
        fields = {"epoch": "", "batches": "", "speed": "", "loss": ""}
        self.task = self.bar.add_task("train", total=self.epochs, **fields)
        self.bar.start()


def wanted(json: bool = False, quiet: bool = False) -> bool:
    """Whether to show labels and a progress bar: on a terminal, unless the output is JSON
    or quiet."""
    return not (json or quiet) and sys.stderr.isatty()


def feedback(shown: bool) -> Quiet:
    """A `Feedback` when `shown`, else a `Quiet` that shows nothing."""
    return Feedback() if shown else Quiet()
