"""`linscratch sweep`: every (learning rate, batch size) pair on the same data and seed, in
this process or in forked workers sharing its data (`sweep_jobs`), each judged converged,
converging or diverged (`verdicts`) and timed by its training alone, compared in a table, a
JSON report and a figure (`sweep_plot`)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

import linscratch.train.runs
from linscratch import resources
from linscratch.cli import board
from linscratch.cli.flags import run_spec
from linscratch.cli.json_report import dumps
from linscratch.cli.sweep_jobs import most_jobs, run_pairs
from linscratch.cli.sweep_report import none_converged, sweep_json, sweep_text
from linscratch.data import destinations
from linscratch.errors import DivergedError, UsageError
from linscratch.events import Subscriber
from linscratch.exact.solve import total_sum_of_squares
from linscratch.exact.verdicts import judge, spread
from linscratch.i18n import tr
from linscratch.interrupts import answering
from linscratch.losses import LOSSES, said
from linscratch.losses.objective import minimiser
from linscratch.resources import decide, require_work
from linscratch.rules import EPOCHS_LIMIT
from linscratch.spec import BOOK_EPOCHS
from linscratch.train import plan, sources
from linscratch.train.loop import draw_seed

_STATE: dict = {}  # the spec and dataset, made once by `_setup`; forked workers share it


def _setup(spec, exact=None, spread=0.0) -> None:
    """Load the data in this process, once (forked workers share it: nothing is sent)."""

    torch.set_num_threads(1)
    resources.THREADS = 1  # a run's passes on one thread: the sweep's processes share the cores
    dataset = sources.load(spec.data, spec.seed, spec.model.fit_intercept)
    _STATE.update(spec=spec, dataset=dataset, exact=exact, spread=spread)


class _Clock(Subscriber):
    """The training time of a run that diverged (fit's `train_seconds` covers the others):
    from the run's start to the divergence, without the worker's start-up or compiling."""

    def __init__(self):
        self.start = self.seconds = None

    def run_start(self, event) -> None:
        self.start = time.perf_counter()

    def diverged(self, event) -> None:
        self.seconds = time.perf_counter() - self.start


def _one(pair: tuple[float, int]) -> dict:
    """Train one pair; a diverged run is a result too. `verdict` judges it (see `verdicts`),
    `seconds` is its training time alone."""

    lr, batch_size = pair
    spec = _STATE["spec"].replace(lr=lr, batch_size=batch_size)
    out = {"lr": lr, "batch_size": batch_size, "diverged": False, "diverged_at": None}
    clock = _Clock()
    boards = []
    if spec.outputs.tensorboard is not None:  # a folder for each pair, with its settings
        folder = Path(spec.outputs.tensorboard, f"lr={lr:g},batch_size={batch_size}")
        hparams = {"lr": lr, "batch_size": batch_size}
        boards = [board.board(spec, _STATE["dataset"], folder, hparams)]
    try:
        run = linscratch.train.runs.execute(
            spec, _STATE["dataset"], [clock, *boards], exact=_STATE["exact"], warn=lambda w: None
        )
        losses, seconds = run.result.losses, run.result.train_seconds
        exact_loss = None if run.ols is None else run.ols.loss  # None: skipped, too costly
        out.update(loss_gap=run.loss_gap, engine=run.result.engine, lr_max=_limit(run.stability))
        out["converged"] = run.converged  # train's rule (`verdicts.converged`); None: not judged
    except DivergedError as exc:
        run = exc.run  # the exact answer goes with the error (None if not computed)
        exact_loss = None if run is None else run.ols.loss
        losses, seconds = exc.losses, clock.seconds
        out.update(diverged=True, diverged_at={"epoch": exc.epoch, "step": exc.step})
        out["diverged_at"]["loss"] = exc.grew  # the finite loss that grew without bound, or None
        out.update(loss_gap=None, lr_max=exc.lr_max, converged=False if run else None)
    out["unstable"] = out["lr_max"] is not None and lr > out["lr_max"]
    out["epochs"] = [{"epoch": i, "loss": loss} for i, loss in enumerate(losses, 1)]
    out["final_loss"] = losses[-1] if losses and not out["diverged"] else None
    out["ols_loss"] = exact_loss
    out["verdict"] = judge(losses, exact_loss, lr, out["lr_max"], out["diverged"], _STATE["spread"])
    out["seconds"] = seconds
    for written in boards:  # the exact answer's loss as a reference line
        written.add_reference(exact_loss)
    return out


def _limit(stability: dict | None) -> float | None:
    """SGD's stability limit at a run's batch size, None where it was not estimated."""
    return None if stability is None else stability["lr_max"]


def _exact(spec):
    """The exact least-squares answer, the same for every pair (None with a held-out split
    or weight decay: each run computes it on its training rows, ridge's on the rows SGD
    trained on, standardized or not), and V = ½ var(y); both computed once, here
    (weighted, where the rows are)."""

    data = _STATE["dataset"]
    exact = None
    n, d = np.shape(data.X)
    computed = decide(
        spec.execution.exact, n, d, spec.optim.epoch_limit, LOSSES[spec.model.loss].exact_passes
    )
    if computed == "computed" and not spec.data.val_fraction and not spec.model.l2:
        X, y = np.asarray(data.X, np.float64), np.asarray(data.y).reshape(-1)
        exact = answering(minimiser, spec, X, y, data.weights)  # least squares, or the loss's
    v = spread(data.y)
    if data.weights is not None:  # ½ the weighted variance
        v = total_sum_of_squares(data.y, True, data.weights) / (2 * data.weights.sum())
    _STATE.update(exact=exact, spread=v)
    return exact, _STATE["spread"]


def _check_grid(spec, pairs: int) -> None:
    """Refuse a grid whose runs' epochs together pass a run's limit (`rules.EPOCHS_LIMIT`:
    each pair keeps every epoch's record), before the pairs are listed."""

    if pairs * spec.optim.epoch_limit > EPOCHS_LIMIT:
        raise UsageError(
            "{0}, {1}: {pairs:,} pairs x {epochs:,} epochs is more than the {limit:,} epochs a "
            "sweep may keep records of (about 1 KB each); use fewer values",
            "lr",
            "batch_size",
            pairs=pairs,
            epochs=spec.optim.epoch_limit,
            limit=EPOCHS_LIMIT,
        )


def run(args) -> int:

    options = vars(args)
    lrs, batch_sizes = options["lr"], options["batch_size"]
    if "auto" in lrs:
        raise UsageError(
            "{0} auto chooses the rate of a training run; {command} takes a number",
            "lr",
            command="sweep",
        )
    epochs = options.get("num_epochs", BOOK_EPOCHS)  # every pair the same epochs, unless auto
    spec = run_spec(args, lr=lrs[0], batch_size=batch_sizes[0], num_epochs=epochs)
    plan.check(spec)
    seed_drawn = spec.seed is None
    spec = spec.with_seed(
        draw_seed() if seed_drawn else spec.seed, LOSSES[spec.model.loss].exact_passes
    )
    if spec.outputs.plot is not None:
        destinations.check(spec.outputs.plot, "plot", spec.outputs.force, destinations.FIGURES)
    if spec.outputs.tensorboard is not None:
        force = spec.outputs.force
        destinations.check_events_folder(spec.outputs.tensorboard, "tensorboard", force)
        board.check(spec)
    _check_grid(spec, len(lrs) * len(batch_sizes))
    pairs = [(lr, batch_size) for lr in lrs for batch_size in batch_sizes]
    _setup(spec)
    require_work(*np.shape(_STATE["dataset"].X), spec.optim.epoch_limit, len(pairs))
    cap = most_jobs(len(pairs), *np.shape(_STATE["dataset"].X))
    _exact(spec)
    if spec.outputs.tensorboard is not None and spec.outputs.force:
        destinations.clear_events(spec.outputs.tensorboard)  # every pair's, of earlier sweeps
    start = time.perf_counter()
    runs, jobs = run_pairs(_one, pairs, options.get("jobs"), cap)
    seconds = time.perf_counter() - start

    if spec.outputs.plot is not None:
        from linscratch.show.fonts import figure_text  # start-up: matplotlib only for --plot
        from linscratch.show.plots import save  # start-up: matplotlib only for --plot
        from linscratch.show.sweep_plot import sweep_figure  # start-up: matplotlib only for --plot

        with figure_text():
            figure = sweep_figure(runs, lrs, batch_sizes)
            save(figure, spec.outputs.plot, spec.outputs.force)
    if options.get("json"):
        print(dumps(sweep_json(spec, lrs, batch_sizes, jobs, seconds, runs)))
        return 0
    loss = LOSSES[spec.model.loss]
    versus = None if loss.squares else tr(said(loss, "versus"))  # the gap to its minimiser
    print(sweep_text(runs, jobs, seconds, spec.seed, seed_drawn, versus))
    unconverged = none_converged(runs, spec)
    if unconverged is not None:  # as train warns of its one run
        sys.stdout.flush()
        print(
            tr("linscratch sweep: warning: {message}").format(message=unconverged), file=sys.stderr
        )
    if spec.outputs.plot is not None:
        print(tr("plot written to {path}").format(path=spec.outputs.plot))
    sys.stdout.flush()
    return 0
