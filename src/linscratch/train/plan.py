"""The planner: how a run will run, decided once from its spec, the data's shape and the machine.

Every choice that `auto` leaves open (engine, shuffle, block size, device) and every rule about
which settings go together is stated here and nowhere else; engines and the loop take the
`Plan` as given. `check` applies the rules that need no data, so that a command can refuse a
bad combination before it reads anything; `make_plan` applies them again and decides.

The rules, each with its own test in tests/test_plan.py:
1. A gradient check compares with autograd: `check_grad` needs the autograd engine.
2. A gradient check runs in one process.
3. A run across processes (torchrun) needs the analytic engine.
4. A GPU needs CUDA on this machine, and the analytic engine.
5. Under torchrun, `device="cuda"` means each process's own GPU (cuda:LOCAL_RANK).
6. `engine="auto"`: autograd for a gradient check; analytic on a GPU or across processes;
   otherwise the book's loop below AUTO_COMPILED_MIN_VISITS row visits (rows x epochs) and the
   compiled engine from there on.
7. `shuffle="auto"`: the book's shuffle for the autograd engine; otherwise a full shuffle while
   the data fit in FULL_SHUFFLE_MAX_BYTES and a block shuffle beyond.
8. A block holds about BLOCK_BYTES of rows, and never fewer than one batch.
9. A resumed run keeps the engine and shuffle its checkpoint chose where the spec says auto.
10. Weighted rows (`sample_weight`, a file's `weights` column) step along each batch's weighted
    mean gradient, divided by the batch's total weight: `short_batch="book"`, which divides a
    short batch by the nominal batch size, has no weighted counterpart and is refused.
11. A gradient check (`check_grad`) compares the unweighted gradients of a run's batches:
    weighted rows are refused there (`linscratch grad --weights` checks the weighted gradient).
12. Iterate averaging (`average`) is not saved in a checkpoint: a run that averages cannot
    write or resume one (a resumed mean would not be the uninterrupted run's).
13. A loss without compiled kernels (`Loss.compiled` false) is refused on the compiled engine;
    `engine` auto trains it with the analytic engine where it would have chosen the compiled one.
Every engine, on every device and under torchrun, trains weighted rows, averages iterates,
decays weights (`l2`), follows every learning-rate schedule (`schedules`) and minimises
the squared loss and Huber's (`loss="huber"`); rule 13 is the only one on the loss.
"""

from __future__ import annotations

from dataclasses import dataclass

from linscratch.errors import UsageError
from linscratch.losses import SQUARED, Loss, of
from linscratch.spec import RunSpec

# `auto` leaves the book's loop for the compiled one from this many row visits (rows x epochs):
# below it the book's loop (about 0.1 M rows/s) takes under a second, and the book's run (1,000
# rows, 3 epochs) stays the book's, bit for bit.
AUTO_COMPILED_MIN_VISITS = 100_000
FULL_SHUFFLE_MAX_BYTES = 32 * 1024 * 1024  # beyond this, `auto` picks the block shuffle
BLOCK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Machine:
    """What the planner needs to know of where it runs: processes in the run, this one's GPU
    index on its machine, and whether CUDA is available (asked only when a GPU is wanted)."""

    world_size: int = 1
    local_rank: int = 0
    cuda: bool | None = None  # None: ask torch

    def cuda_available(self) -> bool:
        if self.cuda is not None:
            return self.cuda
        import torch  # start-up: torch only when a run needs it

        return torch.cuda.is_available()


@dataclass(frozen=True)
class Plan:
    """How one run runs: the engine, the row order (`shuffle`, with `block_rows` for the block
    shuffle), the device, and from the spec what the engines need (`nominal`: divide a short
    batch by the nominal size; `fit_intercept`; `check_grad`); `weighted`: the rows carry
    weights."""

    engine: str
    shuffle: str
    block_rows: int
    device: str
    nominal: bool
    fit_intercept: bool
    check_grad: bool
    world_size: int = 1
    weighted: bool = False
    average: int = 0  # average the iterates from the start of this epoch on (0: never)
    l2: float = 0.0  # weight decay λ: each step's gradient gains λw (`model.gradients`)
    loss: Loss = SQUARED  # the loss SGD minimises (`losses.LOSSES`), which the engines ask
    loss_parameter: float | None = None  # its parameter's value (Huber's δ), None without one


def check(spec: RunSpec, machine: Machine = Machine(), weighted: bool = False) -> None:
    """Refuse settings that cannot go together here (rules 1-4, 10-12), before any data is
    read; `weighted`: the rows carry weights (given to `fit`, or a file's `weights` column)."""
    ex = spec.execution
    distributed = machine.world_size > 1
    _check_grad_engine(ex.check_grad, ex.engine)
    _check_compiled(of(spec)[0], ex.engine)
    if weighted or spec.data.weights is not None:
        _check_weighted(spec)
    out = spec.outputs
    if spec.optim.average and (out.checkpoint is not None or out.resume is not None):
        raise UsageError(
            "{0} keeps its running mean in memory only; it cannot go with {1} or {2}",
            "average",
            "checkpoint",
            "resume",
        )
    if ex.check_grad and distributed:
        raise UsageError("{0} runs in one process; drop it under torchrun", "check_grad")
    if distributed and ex.engine not in ("auto", "analytic"):
        raise UsageError(
            "{0} {engine} runs in one process; use analytic under torchrun",
            "engine",
            engine=ex.engine,
        )
    if ex.device != "cpu":
        if not machine.cuda_available():
            raise UsageError(
                "{0} {device}: no CUDA device is available here", "device", device=ex.device
            )
        if ex.engine not in ("auto", "analytic"):
            raise UsageError(
                "{0} {device} needs {1} analytic (or auto)", "device", "engine", device=ex.device
            )


def _check_weighted(spec: RunSpec) -> None:
    """Rules 10 and 11: what weighted rows cannot go with."""
    if spec.optim.short_batch == "book":
        raise UsageError(
            "{0} steps along each batch's weighted mean gradient; use {1} mean with it",
            "sample_weight",
            "short_batch",
        )
    if spec.execution.check_grad:
        raise UsageError(
            "{0} compares unweighted gradients; check weighted ones with `linscratch grad` and "
            "its {1}",
            "check_grad",
            "sample_weight",
        )


def _check_grad_engine(check_grad: bool, engine: str) -> None:
    if check_grad and engine not in ("auto", "autograd"):
        raise UsageError(
            "{0} compares with autograd: use it with {1} autograd", "check_grad", "engine"
        )


def _check_compiled(loss, engine: str) -> None:
    """Rule 13: the compiled engine needs the loss's kernels."""
    if engine == "compiled" and not loss.compiled:
        raise UsageError(
            "{0} {loss} has no compiled kernels: use it with {1} analytic or autograd",
            "loss",
            "engine",
            loss=loss.name,
        )


def make_plan(
    spec: RunSpec,
    n: int,
    d: int,
    itemsize: int,
    machine: Machine = Machine(),
    resumed=None,
    weighted: bool = False,
) -> Plan:
    """The plan of a run over n rows of d features of `itemsize` bytes each; `resumed`, the
    plan saved in a checkpoint being continued ({"engine", "shuffle"}), fills in `auto`;
    `weighted`, the rows carry weights."""
    check(spec, machine, weighted)
    ex = spec.execution
    engine, shuffle = ex.engine, ex.shuffle
    if resumed is not None:
        engine = resumed["engine"] if engine == "auto" else engine
        shuffle = resumed["shuffle"] if shuffle == "auto" else shuffle
        _check_grad_engine(ex.check_grad, engine)
    distributed = machine.world_size > 1
    device = ex.device
    if device == "cuda" and distributed:
        device = f"cuda:{machine.local_rank}"
    if engine == "auto":
        if ex.check_grad:
            engine = "autograd"
        elif device != "cpu" or distributed:
            engine = "analytic"
        else:
            visits = n * spec.optim.epoch_limit
            engine = "autograd" if visits < AUTO_COMPILED_MIN_VISITS else "compiled"
            if engine == "compiled" and not of(spec)[0].compiled:  # rule 13
                engine = "analytic"
    row_bytes = (d + 1) * itemsize
    loss, parameter = of(spec)  # the loss and its parameter (in the spec's units)
    if shuffle == "auto":
        if engine == "autograd":
            shuffle = "book"
        else:
            shuffle = "full" if n * row_bytes <= FULL_SHUFFLE_MAX_BYTES else "block"
    return Plan(
        engine=engine,
        shuffle=shuffle,
        block_rows=max(BLOCK_BYTES // max(row_bytes, 1), spec.optim.batch_size, 1),
        device=device,
        nominal=spec.optim.short_batch == "book",
        fit_intercept=spec.model.fit_intercept,
        check_grad=ex.check_grad,
        world_size=machine.world_size,
        weighted=weighted or spec.data.weights is not None,
        average=spec.optim.average,
        l2=float(spec.model.l2),
        loss=loss,
        loss_parameter=parameter,
    )
