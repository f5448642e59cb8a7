"""A run watched in TensorBoard: `TensorBoard(logdir)` is a subscriber of the event stream
that writes TensorBoard's event files with `torch.utils.tensorboard.SummaryWriter`.

What it writes, each a scalar tag (x: the run's step counted from 1 for `loss/step`, the
epoch for the others):

- `loss/step`: each step's mean minibatch loss, thinned to at most `max_points` points (every
  k-th step, k = ⌈steps / max_points⌉, and the last): the values themselves, not averages;
- `loss/epoch`: the mean loss over all rows after each epoch (the report's epoch lines);
- `loss/exact`: the exact answer's loss, a flat reference line (`reference`);
- `lr`: the rate of each epoch's last step (`lr`, a number or a function of the epoch);
- `gradient/norm`: ‖∇L(w, b)‖ of the mean loss over the rows after each epoch, where the
  subscriber is given the function (`gradient`): it tends to zero as the run converges;
- `w/NAME` and `b`: the parameters after each epoch; with more than `top` features, the `top`
  largest by final |w| (the rest are counted in the text tag `w/omitted`, never dropped
  silently).

A sweep gives each of its settings a folder of its own and its settings as `hparams`
(TensorBoard's HParams plugin: the runs side by side in a table, with the final loss).

TensorBoard's files need the `tensorboard` package (`uv sync --extra tensorboard`); without
it the subscriber is refused when made, before any run, with one line naming `field`.
"""

from __future__ import annotations

import importlib.util
import math
import os

import numpy as np

from linscratch.errors import UsageError
from linscratch.events import Diverged, EpochEnd, RunEnd, RunStart, Steps, Subscriber

MAX_POINTS = 2000  # the per-step loss, thinned to at most this many points
TOP = 10  # the parameters drawn by name, the largest by final |w|
HISTORY_VALUES = 4_000_000  # the parameters kept per epoch (then every other epoch): 32 MB


def require(field: str = "tensorboard") -> None:
    """Refuse, with one line naming `field`, where the `tensorboard` package is missing."""
    if importlib.util.find_spec("tensorboard") is None:
        raise UsageError(
            "{0}: writing TensorBoard files needs the tensorboard package "
            "(uv sync --extra tensorboard, or pip install tensorboard)",
            field,
        )


class TensorBoard(Subscriber):
    """Writes a run's losses, rate, gradient norm and parameters to TensorBoard event files in
    `logdir` (made where missing); see the module docstring for the tags.

    Parameters
    ----------
    logdir : str or path
        The run's folder; TensorBoard is started on it or on its parent (`tensorboard
        --logdir PARENT` shows every run below it).
    lr : float or callable, optional
        The learning rate, or `lr(epoch, steps_per_epoch)` the rate of an epoch's last step
        (a schedule's); None writes no `lr`.
    gradient : callable, optional
        `gradient(w, b)` → the gradient of the mean loss at (w (d,), b), a flat array; None
        writes no `gradient/norm`.
    names : sequence of str, optional
        The features' names for the `w/` tags (default x1, x2, ... or the event's names).
    reference : float, optional
        The exact answer's loss, written as `loss/exact` for each epoch; it can also be given
        after the run (`add_reference`).
    hparams : dict, optional
        A sweep's settings of this run ({"lr": 0.03, "batch_size": 10}): written for the
        HParams plugin with the final loss as its metric.
    top, max_points : int
        How many parameters to draw by name, at most how many step losses to keep.
    """

    wants_steps = True

    def __init__(
        self,
        logdir,
        *,
        lr=None,
        gradient=None,
        names=None,
        reference: float | None = None,
        hparams: dict | None = None,
        top: int = TOP,
        max_points: int = MAX_POINTS,
    ):
        require()
        self.logdir = os.fspath(logdir)
        self.lr, self.gradient, self.names = lr, gradient, names
        self.reference, self.hparams = reference, hparams
        self.top, self.max_points = top, max_points
        self.writer = None
        self.first_epoch = self.last_epoch = 0
        self.steps_per_epoch = self.stride = 1
        self.total_steps = 0
        self.history: list[tuple[int, np.ndarray]] = []  # (epoch, [w, b]) every `keep` epochs
        self.keep = 1
        self.final_loss: float | None = None

    def _open(self):
        from torch.utils.tensorboard import SummaryWriter  # optional: the tensorboard package

        os.makedirs(self.logdir, exist_ok=True)
        return SummaryWriter(log_dir=self.logdir)

    def run_start(self, event: RunStart) -> None:
        self.writer = self._open()
        self.steps_per_epoch = event.steps_per_epoch
        self.first_epoch = event.first_epoch
        epochs = event.num_epochs - event.first_epoch + 1
        self.total_steps = event.num_epochs * event.steps_per_epoch
        self.stride = max(1, math.ceil(epochs * event.steps_per_epoch / self.max_points))
        if self.names is None:
            given = event.names or ()
            self.names = [n for n in given if n is not None] or [
                f"x{j + 1}" for j in range(event.num_features)
            ]
        for epoch, loss in enumerate(event.losses, 1):  # a resumed run's earlier epochs
            self.writer.add_scalar("loss/epoch", loss, epoch)

    def steps(self, event: Steps) -> None:
        start = (event.epoch - 1) * self.steps_per_epoch + event.first_step  # global, 1-based
        steps = start + np.arange(len(event.step_loss))
        chosen = (steps % self.stride == 0) | (steps == self.total_steps)
        for step, loss in zip(steps[chosen], event.step_loss[chosen], strict=True):
            self.writer.add_scalar("loss/step", float(loss), int(step))

    def epoch_end(self, event: EpochEnd) -> None:
        epoch, write = event.epoch, self.writer.add_scalar
        self.last_epoch, self.final_loss = epoch, event.loss
        write("loss/epoch", event.loss, epoch)
        if self.lr is not None:
            rate = self.lr(epoch, self.steps_per_epoch) if callable(self.lr) else self.lr
            write("lr", rate, epoch)
        if self.gradient is not None:
            write("gradient/norm", float(np.linalg.norm(self.gradient(event.w, event.b))), epoch)
        if epoch % self.keep == 0:
            self.history.append((epoch, np.r_[np.asarray(event.w, np.float64), event.b]))
            if len(self.history) * len(self.history[-1][1]) > HISTORY_VALUES:
                self.keep *= 2  # too many: keep every other epoch from here and before
                self.history = [h for h in self.history if h[0] % self.keep == 0]

    def run_end(self, event: RunEnd) -> None:
        self._parameters()
        self._finish(diverged=False)

    def diverged(self, event: Diverged) -> None:
        self._parameters()
        self._finish(diverged=True)

    def _parameters(self) -> None:
        """w and b after each epoch kept: the `top` largest |w| at the end by name, the rest
        counted in `w/omitted`."""
        if not self.history:
            return
        final = self.history[-1][1][:-1]
        shown = np.argsort(-np.abs(final), kind="stable")[: self.top]
        for epoch, params in self.history:
            for j in shown:
                self.writer.add_scalar(f"w/{self.names[j]}", params[j], epoch)
            self.writer.add_scalar("b", params[-1], epoch)
        if len(final) > len(shown):
            hidden = sorted(set(range(len(final))) - set(shown.tolist()))
            self.writer.add_text(
                "w/omitted",
                f"+{len(hidden)} more (smallest |w|): " + ", ".join(self.names[j] for j in hidden),
            )

    def _finish(self, diverged: bool) -> None:
        if self.reference is not None:
            self._reference(self.writer, self.reference)
        if self.hparams is not None:
            self._hparams(diverged)
        self.writer.close()

    def _hparams(self, diverged: bool) -> None:
        from torch.utils.tensorboard.summary import hparams  # optional: the tensorboard package

        final = math.nan if diverged or self.final_loss is None else self.final_loss
        metrics = {"hparam/final_loss": final, "hparam/diverged": float(diverged)}
        experiment, start, end = hparams(self.hparams, metrics)
        for summary in (experiment, start, end):
            self.writer.file_writer.add_summary(summary)
        for tag, value in metrics.items():
            self.writer.add_scalar(tag, value)

    def _reference(self, writer, loss: float) -> None:
        for epoch in range(1, max(self.last_epoch, 1) + 1):
            writer.add_scalar("loss/exact", loss, epoch)

    def add_reference(self, loss: float | None) -> None:
        """Write the exact answer's loss `loss/exact`, known only once the run is over (None:
        nothing)."""
        if loss is None or self.reference is not None:
            return
        self.reference = loss
        with self._open() as writer:
            self._reference(writer, loss)
