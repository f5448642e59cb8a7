"""A live plot of a run, for Jupyter: the loss and the parameters drawn while `fit` runs, one
figure updated in place (as Dive into Deep Learning's `Animator` does, with a display handle
instead of clearing the cell). Outside a notebook it does nothing: the terminal has its text.

Turn it on with `fit(..., live=True)`, or pass `LivePlot()` as a subscriber.
"""

from __future__ import annotations

import time

import numpy as np

from linscratch.events import EpochEnd, RunStart, Steps, Subscriber
from linscratch.i18n import tr
from linscratch.show import svg


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (an IPython shell that can display figures)."""
    try:
        from IPython import get_ipython  # optional: IPython, in a notebook
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def show(svg: str):
    """Display an SVG drawing in the notebook; returns a handle whose `update(svg)` redraws it
    in place."""
    from IPython.display import display  # optional: IPython, in a notebook

    return _Handle(display({"image/svg+xml": svg}, raw=True, display_id=True))


class _Handle:
    def __init__(self, handle):
        self.handle = handle

    def update(self, svg: str) -> None:
        self.handle.update({"image/svg+xml": svg}, raw=True)


class LivePlot(Subscriber):
    """Draws each step's batch loss, the loss over all rows after each epoch, and the
    parameters (against the truth, when given) as the run goes; redraws at most once every
    `interval` seconds, and so that drawing takes at most `share` of a long run (a fifth), and
    once more at the end: a run shorter than `interval` is drawn once. Its labels are in the
    language of `i18n.set_language`."""

    wants_steps = True

    def __init__(self, true_w=None, true_b=None, interval: float = 0.25, share: float = 0.2):
        self.truth = None
        if true_w is not None:
            self.truth = np.r_[np.ravel(np.asarray(true_w, np.float64)), float(true_b or 0.0)]
        self.interval, self.share = interval, share
        self.active = False
        self.handle = None
        self.last = 0.0
        self.cost = 0.0  # seconds the last redraw took

    def run_start(self, event: RunStart) -> None:
        self.active = in_notebook()
        if not self.active:
            return
        self.steps_per_epoch = event.steps_per_epoch
        d = len(event.w)
        self.names = event.names or (*(f"w{j + 1}" for j in range(d)), "b")
        self.step_x: list[np.ndarray] = []
        self.step_loss: list[np.ndarray] = []
        self.epochs: list[int] = [event.first_epoch - 1]
        self.losses: list[float] = [np.nan]
        self.params: list[np.ndarray] = [np.r_[event.w, event.b]]
        self.last = time.perf_counter()  # a run shorter than `interval` is drawn once, at its end

    def steps(self, event: Steps) -> None:
        if self.active:
            k = np.arange(event.first_step, event.first_step + len(event.step_loss))
            self.step_x.append(event.epoch - 1 + k / self.steps_per_epoch)
            self.step_loss.append(event.step_loss)

    def epoch_end(self, event: EpochEnd) -> None:
        if not self.active:
            return
        self.epochs.append(event.epoch)
        self.losses.append(event.loss)
        self.params.append(np.r_[event.w, event.b])
        # Between redraws, at least `interval`, and long enough that drawing takes at most
        # `share` of a long run.
        wait = max(self.interval, self.cost * (1 / self.share - 1))
        if time.perf_counter() - self.last >= wait:
            self.draw()

    def run_end(self, event) -> None:
        if self.active:
            self.draw()

    def panels(self) -> list[svg.Panel]:
        """The two panels as they stand: the losses, and the parameters' paths."""
        epoch, loss = tr("epoch"), tr("mean loss ½(ŷ − y)²")
        each, every = tr("each step's batch"), tr("all rows")
        value = tr("value (dashed: truth)") if self.truth is not None else tr("value")
        losses = svg.Panel(epoch, loss, log=True)
        if self.step_loss:
            x, y = np.concatenate(self.step_x), np.concatenate(self.step_loss)
            losses.lines.append(svg.Line(x, y, width=0.6, opacity=0.35, label=each))
        losses.lines.append(svg.Line(self.epochs, self.losses, "#000", dots=True, label=every))
        shown = [(j, name) for j, name in enumerate(self.names) if name is not None][:7]
        params = svg.Panel(epoch, value)
        path = np.stack(self.params)  # (epochs + 1, d + 1)
        for (j, name), color in zip(shown, svg.COLORS, strict=False):
            params.lines.append(svg.Line(self.epochs, path[:, j], color, label=name))
            if self.truth is not None:
                edges = [self.epochs[0], self.epochs[-1]]
                params.lines.append(svg.Line(edges, [self.truth[j]] * 2, color, 1, dash=True))
        return [losses, params]

    def draw(self) -> None:
        """Redraw both panels and update the figure in the notebook."""
        start = time.perf_counter()
        drawing = svg.figure(self.panels())
        if self.handle is None:
            self.handle = show(drawing)
        else:
            self.handle.update(drawing)
        self.last = time.perf_counter()
        self.cost = self.last - start
