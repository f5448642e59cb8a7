"""The flags of how a run trains, shared by train and sweep: the engine, the row order, the
precision, the device, the starting point, the model's intercept, early stopping, and the
learning rate's schedule."""

from __future__ import annotations

from linscratch.cli.flags import number, whole
from linscratch.cli.parsing import Parser, arg, setting_arg
from linscratch.i18n import tr
from linscratch.rules import DTYPES, ENGINES, INITS, LOSSES, SCHEDULES, SHORT_BATCHES, SHUFFLES
from linscratch.train.plan import AUTO_NUMBA_MIN_VISITS, FULL_SHUFFLE_MAX_BYTES


def add_how_it_runs(p: Parser):
    """How the loop computes, the same numbers either way up to rounding (train and sweep)."""
    run = p.add_argument_group(tr("how it runs"))
    setting_arg(
        run,
        "--engine",
        "engine",
        choices=ENGINES,
        help=tr(
            "how each step is computed: autograd (the book's loop), analytic (the "
            "hand-derived gradient, CPU or GPU), numba (compiled, fastest on a "
            "CPU); auto picks autograd below {visits:,} examples x epochs, numba "
            "above"
        ).format(visits=AUTO_NUMBA_MIN_VISITS),
    )
    setting_arg(
        run,
        "--shuffle",
        "shuffle",
        choices=SHUFFLES,
        help=tr(
            "the order of the examples in each epoch: book (Python's shuffle, as "
            "the book), full (a random permutation), block (runs of neighbouring "
            "examples in random order: fast for data larger than memory), none; "
            "auto: book for autograd, else full up to {mib} MiB of data, block "
            "beyond"
        ).format(mib=FULL_SHUFFLE_MAX_BYTES >> 20),
    )
    setting_arg(run, "--dtype", "dtype", choices=DTYPES, help=tr("the precision of the arithmetic"))
    setting_arg(
        run,
        "--device",
        "device",
        str,
        metavar="cpu|cuda|cuda:N",
        help=tr("where the analytic engine computes"),
    )
    setting_arg(
        run,
        "--init",
        "init",
        choices=INITS,
        help=tr(
            "the starting weights: book (drawn from N(0, 0.01²)) or zero; the bias starts at 0"
        ),
    )
    arg(
        run,
        "--no-intercept",
        dest="fit_intercept",
        action="store_false",
        help=tr(
            "fit y = Xw, a model through the origin: b stays 0, and the exact answer, its "
            "standard errors and an uncentered R² are those of that model"
        ),
    )
    add_loss(run)
    setting_arg(
        run,
        "--short-batch",
        "short_batch",
        choices=SHORT_BATCHES,
        help=tr(
            "when --batch-size does not divide the examples, the last minibatch "
            "is smaller: mean steps along its own mean gradient; book divides its "
            "summed gradient by --batch-size, as the book's sgd does"
        ),
    )
    return run


def add_loss(run) -> None:
    """The loss SGD minimises: the book's squared loss, or Huber's with its δ."""
    setting_arg(
        run,
        "--loss",
        "loss",
        choices=LOSSES,
        help=tr(
            "what SGD minimises: squared, the mean of ½(ŷ − y)² (the book's); huber, ½(ŷ − y)² "
            "where |ŷ − y| ≤ δ and δ(|ŷ − y| − δ/2) beyond, which an outlier pulls on less; "
            "the exact answer beside it is then Huber's minimiser"
        ),
    )
    setting_arg(
        run,
        "--huber-delta",
        "huber_delta",
        number,
        metavar="δ",
        help=tr("with --loss huber: where the loss turns from square to straight, in y's units"),
    )


def add_early_stopping(group) -> None:
    """Early stopping, the estimator's rule (`stopping.NoImprovement`): off unless asked."""
    setting_arg(
        group,
        "--early-stopping",
        "early_stopping",
        action="store_true",
        help=tr(
            "stop before --epochs once the loss, averaged over windows of --n-iter-no-change "
            "epochs, falls by less than the fraction --tol of itself from one window to the next"
        ),
    )
    setting_arg(
        group,
        "--tol",
        "tol",
        number,
        metavar="TOL",
        help=tr("with --early-stopping: the smallest relative fall of the windowed loss"),
    )
    setting_arg(
        group,
        "--n-iter-no-change",
        "n_iter_no_change",
        whole,
        metavar="N",
        help=tr("with --early-stopping: the epochs in each window"),
    )


def add_schedule(group) -> None:
    """The learning rate's schedule (`schedules`): constant unless asked."""
    setting_arg(
        group,
        "--lr-schedule",
        "lr_schedule",
        choices=SCHEDULES,
        help=tr(
            "how the learning rate changes: constant (LR at every step); invscaling (LR / "
            "t^--power-t at step t, counting minibatch steps from the run's start, as "
            "scikit-learn's SGDRegressor); step (LR times --lr-step-factor every "
            "--lr-step-epochs epochs, as PyTorch's StepLR)"
        ),
    )
    setting_arg(
        group,
        "--power-t",
        "power_t",
        number,
        metavar="P",
        help=tr("with --lr-schedule invscaling: the power of the step count t"),
    )
    setting_arg(
        group,
        "--lr-step-epochs",
        "lr_step_epochs",
        whole,
        metavar="K",
        help=tr("with --lr-schedule step: the epochs between two cuts of the rate"),
    )
    setting_arg(
        group,
        "--lr-step-factor",
        "lr_step_factor",
        number,
        metavar="F",
        help=tr("with --lr-schedule step: the factor each cut multiplies the rate by"),
    )


def add_weight_decay(group) -> None:
    """Weight decay (D2L 3.7), the model's penalty: off unless asked (train and sweep)."""
    setting_arg(
        group,
        "--l2",
        "l2",
        number,
        metavar="LAMBDA",
        help=tr(
            "weight decay: minimise mean ½(ŷ − y)² + (LAMBDA/2)‖w‖² (b not penalised); each "
            "step's gradient gains LAMBDA·w, the loss shown includes the penalty, and the "
            "exact answer beside SGD is ridge regression"
        ),
    )
