"""The event stream of a run: what `fit` tells its subscribers as it goes.

`fit` emits, in order: a `Phase("compiling")` while the engine gets ready; one `RunStart`; per
epoch, `Steps` chunks (the steps' losses and sampled parameters, for subscribers that ask for
them) and `Progress` (the steps done, for those that ask) every chunk of steps as the engine
goes, and an `EpochEnd`; then one `RunEnd`, or a `Diverged` instead. `runs.execute` adds a
`Phase` before each of its own long passes (the stability limit, the exact answer). The
autograd engine also emits a `Batch` for every minibatch, with its gradients, when a
subscriber asks for it (the gradient check). Parameters in events are float64
numpy values: w (d,), b a float.

A subscriber is a `Subscriber` whose methods (one per event, named by the event's `handler`)
do what it needs; an `epoch_end` that returns True stops the run after that epoch (a
`run_start` that does, before its first: a resumed run that had already stopped). The text
epoch lines (`cli.epochs.EpochLines`), the labels and progress bar (`progress`),
checkpoints, traces, the gradient check, and user callbacks (`Callback`) are all subscribers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class RunStart:
    """Training is about to start: the plan, the data's shape, steps per epoch, the epochs
    to run (first_epoch > 1 when resumed) and the starting parameters. `names` names the
    entries of [w₁ … w_d, b] for display; None means those very names (linear regression).
    A model of `fit_model` passes all its parameters flattened as w, b as NaN, and names
    them (the last name None: there is no b). `losses` are the losses of the epochs before
    `first_epoch` (a resumed run's), so that a report of every epoch can start with them."""

    handler: ClassVar[str] = "run_start"
    plan: Any
    num_examples: int
    num_features: int
    steps_per_epoch: int
    first_epoch: int
    num_epochs: int
    w: np.ndarray
    b: float
    names: tuple | None = None
    losses: tuple = ()


@dataclass(frozen=True)
class Batch:
    """One minibatch and the gradients of its summed loss at (w, b), before the step."""

    handler: ClassVar[str] = "batch"
    X: Any
    y: Any
    w: Any
    b: Any
    grad_w: Any
    grad_b: Any


@dataclass(frozen=True)
class Steps:
    """A chunk of an epoch's steps: each step's mean batch loss from `first_step` (1-based in
    the epoch) on, (k,), and the parameters [w₁ … w_d, b] after every `every`-th step of the
    epoch, (m, d + 1)."""

    handler: ClassVar[str] = "steps"
    epoch: int
    first_step: int
    step_loss: np.ndarray
    every: int
    params: np.ndarray


@dataclass(frozen=True)
class Progress:
    """Steps 1 to `step` of epoch `epoch` are done: sent every chunk of steps (about a tenth
    of a second of work, whatever the engine) so that a progress bar moves within an epoch."""

    handler: ClassVar[str] = "progress"
    epoch: int
    step: int


@dataclass(frozen=True)
class Phase:
    """A stage of a run that may take a while and is not training: "compiling" (building the
    engine and compiling or loading its kernels), "stability" (the stability limit), "exact"
    (the exact least-squares answer)."""

    handler: ClassVar[str] = "phase"
    name: str


@dataclass(frozen=True)
class EpochEnd:
    """An epoch has ended: the mean loss over all rows and the parameters after it; the row
    order's random state, for a checkpoint (None for orders that need none)."""

    handler: ClassVar[str] = "epoch_end"
    epoch: int
    loss: float
    w: np.ndarray
    b: float
    order_state: Any = None


@dataclass(frozen=True)
class RunEnd:
    """The run is over; `result` is what `fit` returns."""

    handler: ClassVar[str] = "run_end"
    result: Any


@dataclass(frozen=True)
class Diverged:
    """The loss became non-finite; `error` is the `DivergedError` that `fit` raises next."""

    handler: ClassVar[str] = "diverged"
    error: Any


class Subscriber:
    """Hears a run's events; override what you need. `wants_steps` asks the engine to record
    each step (`Steps` events, in chunks); `wants_progress` asks for `Progress` events (no
    recording: they cost nothing measurable); `wants_batches` asks for a `Batch` per
    minibatch (the autograd engine alone gives them: the planner sees to it)."""

    wants_steps: ClassVar[bool] = False
    wants_progress: ClassVar[bool] = False
    wants_batches: ClassVar[bool] = False

    def phase(self, event: Phase) -> None: ...

    def run_start(self, event: RunStart) -> bool | None: ...

    def progress(self, event: Progress) -> None: ...

    def batch(self, event: Batch) -> None: ...

    def steps(self, event: Steps) -> None: ...

    def epoch_end(self, event: EpochEnd) -> bool | None: ...

    def run_end(self, event: RunEnd) -> None: ...

    def diverged(self, event: Diverged) -> None: ...


class Callback(Subscriber):
    """A function `fn(epoch, loss, w, b)` called after each epoch; returning True stops."""

    def __init__(self, fn):
        self.fn = fn

    def epoch_end(self, event: EpochEnd) -> bool:
        return bool(self.fn(event.epoch, event.loss, event.w, event.b))


class EventStream:
    """Hands each event to every subscriber, in order; `emit` says whether any asked to stop
    (all of them hear the event first). It wants steps, progress or batches when a subscriber
    does."""

    def __init__(self, subscribers=()):
        self.subscribers = list(subscribers)
        self.wants_steps = any(s.wants_steps for s in self.subscribers)
        self.wants_progress = any(s.wants_progress for s in self.subscribers)
        self.wants_batches = any(s.wants_batches for s in self.subscribers)

    def emit(self, event) -> bool:
        stop = False
        for s in self.subscribers:
            stop = bool(getattr(s, event.handler)(event)) or stop
        return stop

    def on_batch(self, X, y, w, b, grad_w, grad_b) -> None:
        """The engines' per-batch hook."""
        self.emit(Batch(X, y, w, b, grad_w, grad_b))


class Trace(Subscriber):
    """Records how a run learned, for plots: every step's mean batch loss and the parameters
    `fit` samples and at every epoch's end (see `to_dict`)."""

    wants_steps = True

    def __init__(self):
        self.chunks: list[Steps] = []
        self.epoch_params: list[np.ndarray] = []
        self.steps_per_epoch = self.first_epoch = 0

    def run_start(self, event: RunStart) -> None:
        self.steps_per_epoch, self.first_epoch = event.steps_per_epoch, event.first_epoch
        self.epoch_params.append(np.r_[event.w, event.b])

    def steps(self, event: Steps) -> None:
        self.chunks.append(event)

    def epoch_end(self, event: EpochEnd) -> None:
        self.epoch_params.append(np.r_[event.w, event.b])

    def to_dict(self) -> dict:
        """{"steps_per_epoch", "step_loss" (epochs x steps,), "param_steps" (points,) the
        global step of each row of "params" (points, d + 1), "epoch_params" (epochs + 1,
        d + 1), the first the start}; epochs counted from the first run here."""
        steps = self.steps_per_epoch
        return {
            "steps_per_epoch": steps,
            "step_loss": np.concatenate([c.step_loss for c in self.chunks]),
            "param_steps": np.concatenate(
                [
                    (c.epoch - self.first_epoch) * steps
                    + c.first_step
                    - 1
                    + c.every * np.arange(1, len(c.params) + 1)
                    for c in self.chunks
                ]
            ),
            "params": np.concatenate([c.params for c in self.chunks]),
            "epoch_params": np.stack(self.epoch_params),
        }
