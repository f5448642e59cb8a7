"""A live plot of a run, for Jupyter: the loss and the parameters drawn while `fit` runs, one
figure updated in place (as Dive into Deep Learning's `Animator` does, with a display handle
instead of clearing the cell). Outside a notebook it does nothing: the terminal has its text.

Turn it on with `fit(..., live=True)`, or pass `LivePlot()` as a subscriber.
"""

from __future__ import annotations

import time

import numpy as np

from .events import EpochEnd, RunStart, Steps, Subscriber


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (an IPython shell that can display figures)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _image(fig):
    """The figure as a PNG image for IPython (whatever matplotlib backend is active)."""
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    return Image(data=buffer.getvalue())


class _Handle:
    """Updates one displayed image in place with a figure's new drawing."""

    def __init__(self, handle):
        self.handle = handle

    def update(self, fig) -> None:
        self.handle.update(_image(fig))


def show(fig) -> _Handle:
    """Display `fig` in the notebook and return a handle that redraws it in place."""
    from IPython.display import display

    return _Handle(display(_image(fig), display_id=True))


class LivePlot(Subscriber):
    """Draws each step's batch loss, the loss over all rows after each epoch, and the
    parameters (against the truth, when given) as the run goes; redraws at most once every
    `interval` seconds, and so that drawing takes at most `share` of a long run (a fifth), and
    once more at the end: a run shorter than `interval` is drawn once."""

    wants_steps = True

    def __init__(self, true_w=None, true_b=None, interval: float = 0.25, share: float = 0.2):
        self.truth = None
        if true_w is not None:
            self.truth = np.r_[np.ravel(np.asarray(true_w, np.float64)), float(true_b or 0.0)]
        self.interval, self.share = interval, share
        self.handle = self.fig = None
        self.last = 0.0
        self.cost = 0.0  # seconds the last redraw took

    def run_start(self, event: RunStart) -> None:
        if not in_notebook():
            return
        from matplotlib.figure import Figure

        self.steps_per_epoch, self.first = event.steps_per_epoch, event.first_epoch
        d = len(event.w)
        self.names = event.names or (*(f"w{j + 1}" for j in range(d)), "b")
        self.step_x: list[np.ndarray] = []
        self.step_loss: list[np.ndarray] = []
        self.epochs: list[int] = [event.first_epoch - 1]
        self.losses: list[float] = [np.nan]
        self.params: list[np.ndarray] = [np.r_[event.w, event.b]]
        self.fig = Figure(figsize=(10, 3.6))  # a fixed layout: constrained layout is slow
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.95, wspace=0.25)
        self.ax_loss, self.ax_params = self.fig.subplots(1, 2)
        self.last = time.perf_counter()  # a run shorter than `interval` is drawn once, at its end

    def steps(self, event: Steps) -> None:
        if self.fig is None:
            return
        k = np.arange(event.first_step, event.first_step + len(event.step_loss))
        self.step_x.append(event.epoch - 1 + k / self.steps_per_epoch)
        self.step_loss.append(event.step_loss)

    def epoch_end(self, event: EpochEnd) -> None:
        if self.fig is None:
            return
        self.epochs.append(event.epoch)
        self.losses.append(event.loss)
        self.params.append(np.r_[event.w, event.b])
        # Between redraws, at least `interval`, and long enough that drawing takes at most
        # `share` of a long run (a redraw costs about 0.2 s on a small machine).
        wait = max(self.interval, self.cost * (1 / self.share - 1))
        if time.perf_counter() - self.last >= wait:
            self.draw()

    def run_end(self, event) -> None:
        if self.fig is not None:
            self.draw()

    def draw(self) -> None:
        """Redraw both panels and update the figure in the notebook."""
        start = time.perf_counter()
        ax = self.ax_loss
        ax.clear()
        if self.step_loss:
            ax.plot(
                np.concatenate(self.step_x),
                np.concatenate(self.step_loss),
                color="tab:blue",
                alpha=0.3,
                linewidth=0.6,
                label="each step's batch",
            )
        ax.plot(self.epochs, self.losses, "o-", color="black", markersize=3, label="all rows")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean loss ½(ŷ − y)²")
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
        ax = self.ax_params
        ax.clear()
        path = np.stack(self.params)  # (epochs + 1, d + 1)
        shown = [(j, name) for j, name in enumerate(self.names) if name is not None][:7]
        for j, name in shown:
            (line,) = ax.plot(self.epochs, path[:, j], linewidth=1.4, label=name)
            if self.truth is not None:
                ax.axhline(self.truth[j], color=line.get_color(), linestyle="--", linewidth=1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("value" + (" (dashed: truth)" if self.truth is not None else ""))
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
        if self.handle is None:
            self.handle = show(self.fig)
        else:
            self.handle.update(self.fig)
        self.last = time.perf_counter()
        self.cost = self.last - start
