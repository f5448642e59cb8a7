"""Learning-rate schedules: the rate each step of a run takes, from `OptimSpec`'s settings.

- `constant` (the default, the book's): every step takes `lr`.
- `invscaling` (scikit-learn's name and formula): step t takes η_t = lr / t^power_t, where
  t = 1, 2, … counts the optimiser's steps (updates) from the run's start, on across epochs
  and across a checkpoint's resume. scikit-learn's SGDRegressor counts samples, which is the
  same count there: its batch is one row. With minibatches a step is a batch, so that the
  rate falls with the updates taken, whatever the batch size. Epoch e (1-based) of a run of
  `steps` steps an epoch starts at t₀ = (e − 1)·steps, so the count depends on the epoch
  alone and a resumed run is the uninterrupted one bit for bit.
- `step` (PyTorch's StepLR): the rate is multiplied by `lr_step_factor` (StepLR's gamma)
  every `lr_step_epochs` epochs (its step_size): epoch e takes lr·factor^⌊(e − 1)/k⌋ for
  all its steps.

The largest rate a run takes is its first, `lr`, under every schedule (t^power_t ≥ 1 and
factor ≤ 1): the stability warning checks `lr`. The loop hands each epoch's rate to the engine
(`epoch_rate`) and, for invscaling, the power and t₀ (`decay`); the engines apply
`step_rate` at each step.
"""

from __future__ import annotations

from linscratch.rules import SCHEDULES  # noqa: F401 (the names of the schedules below)


def epoch_rate(optim, epoch: int) -> float:
    """The rate epoch `epoch` (1-based) starts from: lr, or under `step`
    lr·factor^⌊(epoch − 1)/k⌋."""
    if optim.lr_schedule != "step":
        return optim.lr
    return optim.lr * optim.lr_step_factor ** ((epoch - 1) // optim.lr_step_epochs)


def decay(optim, epoch: int, steps: int) -> tuple[float, int] | None:
    """For `invscaling`, (power_t, t₀): step k of epoch `epoch` (of `steps` steps each) is
    step t = t₀ + k of the run, with t₀ = (epoch − 1)·steps; None for a rate constant over
    the epoch."""
    if optim.lr_schedule != "invscaling" or optim.power_t == 0:
        return None
    return float(optim.power_t), (epoch - 1) * steps


def step_rate(lr: float, power: float, t: int) -> float:
    """η_t = lr / t^power, step t (1-based) of the run."""
    return lr / float(t) ** power


def last_rate(optim, epochs: int, steps: int) -> float:
    """The rate of the last step of a run that ended after epoch `epochs` (of `steps` steps
    each): what the report says beside the schedule."""
    rate = epoch_rate(optim, epochs)
    schedule = decay(optim, epochs, steps)
    if schedule is None:
        return rate
    power, t0 = schedule
    return step_rate(rate, power, t0 + steps)


def describe(optim) -> dict:
    """The schedule and its own settings, as the JSON report gives them."""
    out = {"name": optim.lr_schedule}
    if optim.lr_schedule == "invscaling":
        out["power_t"] = optim.power_t
    elif optim.lr_schedule == "step":
        out |= {"lr_step_epochs": optim.lr_step_epochs, "lr_step_factor": optim.lr_step_factor}
    return out
