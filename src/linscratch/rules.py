"""The rule of every setting: what values it takes, said in words for the messages. `spec`
checks each field of a run with these, and the command line checks each flag's value with the
same rule while parsing."""

from __future__ import annotations

import math
import numbers
import re

from linscratch.datasets import DATASETS
from linscratch.errors import UsageError
from linscratch.i18n import Words

ENGINES = ("auto", "autograd", "analytic", "compiled")
SHUFFLES = ("auto", "book", "full", "block", "none")
EXACT = ("auto", "always", "never")  # whether a run computes the exact answer (statistics.py)
DTYPES = ("float32", "float64")
INITS = ("book", "zero")
SHORT_BATCHES = ("mean", "book")
# The losses by name, each with the `ModelSpec` field of its parameter (None without one): the
# names the spec checks without importing the losses themselves (`losses.LOSSES`, in this
# order), and the losses a parameter applies with (`spec.REQUIRES`).
LOSSES = {
    "squared": None,
    "huber": "huber_delta",
    "epsilon_insensitive": "epsilon",
    "squared_epsilon_insensitive": "epsilon",
}
SCHEDULES = ("constant", "invscaling", "step")  # the learning-rate schedules (train/schedules.py)
# The settings that take one of a few names, and their names.
CHOICES = {
    "dataset": tuple(DATASETS),
    "init": INITS,
    "loss": tuple(LOSSES),
    "short_batch": SHORT_BATCHES,
    "lr_schedule": SCHEDULES,
    "engine": ENGINES,
    "shuffle": SHUFFLES,
    "dtype": DTYPES,
    "exact": EXACT,
}
SEED_LIMIT = 2**63
THREADS_LIMIT = 1024  # threads a run may ask for: more are a typo, not a machine
EPOCHS_LIMIT = 1_000_000  # epochs a run may have (LIMITS)
BIG = 1e15  # synthetic data are drawn in float32: their squares must stay far from overflow


def _real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)


def _whole(v, low: int, high: float = math.inf) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and low <= v < high


def _text(v) -> bool:
    return isinstance(v, str) and v != ""


def _texts(v) -> bool:
    return isinstance(v, tuple) and len(v) > 0 and all(_text(s) for s in v)


def _choice(options):
    return (lambda v: v in options), "one of " + ", ".join(options)


# field: (test, the rule in words). None is always allowed for a field whose default is None.
RULES = {
    "num_examples": (lambda v: _whole(v, 1), "a whole number >= 1"),
    "num_features": (lambda v: _whole(v, 1), "a whole number >= 1"),
    "true_w": (
        lambda v: isinstance(v, tuple) and v and all(_real(x) and abs(x) <= BIG for x in v),
        "numbers between -1e15 and 1e15",
    ),
    "true_b": (lambda v: _real(v) and abs(v) <= BIG, "a number between -1e15 and 1e15"),
    "noise": (lambda v: _real(v) and 0 <= v <= BIG, "a number from 0 to 1e15"),
    "data": (_text, "a file name"),
    "dataset": _choice(CHOICES["dataset"]),
    "target": (_text, "a column name or index"),
    "features": (_texts, "column names"),
    "weights": (_text, "a column name or index"),
    "no_header": (lambda v: isinstance(v, bool), "true or false"),
    "drop_missing": (lambda v: isinstance(v, bool), "true or false"),
    "categorical": (_texts, "column names"),
    "formula": (_text, "a formula such as 'y ~ x1 + C(city)'"),
    "standardize": (lambda v: isinstance(v, bool), "true or false"),
    "val_fraction": (lambda v: _real(v) and 0 < v < 1, "a number between 0 and 1"),
    "init": _choice(CHOICES["init"]),
    "fit_intercept": (lambda v: isinstance(v, bool), "true or false"),
    "l2": (lambda v: _real(v) and 0 <= v <= 1e30, "a number from 0 to 1e30 (0: no weight decay)"),
    "loss": _choice(CHOICES["loss"]),
    "huber_delta": (lambda v: _real(v) and 0 < v <= 1e30, "a positive number, at most 1e30"),
    "epsilon": (lambda v: _real(v) and 0 <= v <= 1e30, "a number from 0 to 1e30"),
    "lr": (
        lambda v: v == "auto" or (_real(v) and v >= 1e-30),
        "a positive finite number (at least 1e-30) or auto",
    ),
    "batch_size": (lambda v: _whole(v, 1, 2**62), "a whole number >= 1"),
    "num_epochs": (lambda v: v == "auto" or _whole(v, 1), "a whole number >= 1 or auto"),
    "short_batch": _choice(CHOICES["short_batch"]),
    "early_stopping": (lambda v: isinstance(v, bool), "true or false"),
    "average": (lambda v: _whole(v, 0), "a whole number >= 0 (0: no averaging)"),
    "lr_schedule": _choice(CHOICES["lr_schedule"]),
    "power_t": (lambda v: _real(v) and 0 <= v <= 10, "a number from 0 to 10"),
    "lr_step_epochs": (lambda v: _whole(v, 1), "a whole number >= 1"),
    "lr_step_factor": (lambda v: _real(v) and 0 < v <= 1, "a number above 0, at most 1"),
    "tol": (lambda v: _real(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "n_iter_no_change": (lambda v: _whole(v, 1), "a whole number >= 1"),
    "engine": _choice(CHOICES["engine"]),
    "shuffle": _choice(CHOICES["shuffle"]),
    "dtype": _choice(CHOICES["dtype"]),
    "device": (
        lambda v: isinstance(v, str) and re.fullmatch(r"cpu|cuda(:\d+)?", v) is not None,
        "cpu, cuda or cuda:N",
    ),
    "check_grad": (lambda v: isinstance(v, bool), "true or false"),
    "exact": _choice(CHOICES["exact"]),
    "threads": (
        lambda v: v == "auto" or _whole(v, 1, THREADS_LIMIT + 1),
        "auto or a whole number from 1 to 1024",
    ),
    "seed": (lambda v: _whole(v, 0, SEED_LIMIT), "a whole number from 0 to 2**63-1"),
    "save": (_text, "a file name"),
    "save_exact": (_text, "a file name"),
    "plot": (_text, "a file name"),
    "checkpoint": (_text, "a folder name"),
    "resume": (_text, "a folder name"),
    "tensorboard": (_text, "a folder name"),
    "force": (lambda v: isinstance(v, bool), "true or false"),
    "summary": (lambda v: isinstance(v, bool), "true or false"),
    "live": (lambda v: isinstance(v, bool), "true or false"),
    "jobs": (lambda v: _whole(v, 1), "a whole number >= 1"),  # sweep's processes
    "corrupt": (lambda v: _real(v) and 0 <= v <= 1, "a number from 0 to 1"),  # make-data
    "w": (lambda v: isinstance(v, tuple) and v and all(map(_real, v)), "finite numbers"),  # grad
    "b": (_real, "a finite number"),  # grad
    "sample_weight": (lambda v: _real(v) and v >= 0, "a finite number >= 0"),  # grad, per row
}


# Counts past what a run can do, refused with the limit and why (beyond their rule above).
# Measured on a 2-core machine: an epoch of a few rows takes about 0.1 ms and its records
# (losses, events) keep about 1 KB, so a million epochs take minutes and a gigabyte.
LIMITS = {
    "num_epochs": (
        EPOCHS_LIMIT,
        Words("an epoch takes at least 0.1 ms and keeps 1 KB: a million take minutes and 1 GB"),
    ),
    "n_iter_no_change": (
        EPOCHS_LIMIT,
        Words("a window of epochs, at most the epochs a run may have"),
    ),
    "lr_step_epochs": (EPOCHS_LIMIT, Words("a span of epochs, at most the epochs a run may have")),
}


def check(name: str, value):
    """`value` if it obeys the rule of the field `name` (and its limit in LIMITS), else a
    UsageError naming the field. Lists become tuples (a spec is immutable); None passes (a
    field left to its default)."""
    if isinstance(value, list):
        value = tuple(value)
    test, rule = RULES[name]
    if value is not None and not test(value):
        raise UsageError("{0} must be {rule}, got {value!r}", name, rule=Words(rule), value=value)
    if value is not None and name in LIMITS and value != "auto" and value > LIMITS[name][0]:
        limit, why = LIMITS[name]
        raise UsageError(
            "{0} must be at most {limit:,} ({why}), got {value:,}",
            name,
            limit=limit,
            why=why,
            value=value,
        )
    return value
