"""The run specification: every setting of a training run, with its one default and its rule.

A `RunSpec` gathers five small frozen dataclasses: `DataSpec` (where the rows come from and how
they are prepared), `ModelSpec` (the model and its starting point), `OptimSpec` (minibatch
SGD's settings), `ExecSpec` (how the loop runs: engine, shuffle, precision, device) and
`OutputSpec` (what the run writes). Each field's name is unique across them, so a run is also
described by flat keywords: `RunSpec.build(lr=0.1, num_epochs=5)`, `spec.replace(lr=0.3)`,
and `spec.to_dict()` (the JSON `config` of a report, a flat object keyed by these names).

Every value is checked here, once, against its rule in `rules.RULES`; a bad one raises a
`UsageError` naming the field (`batch_size must be a whole number >= 1, got 0`). A setting
that belongs to another (Huber's δ to the Huber loss, `tol` to early stopping, a schedule's
settings to their schedule) is refused without it, by the one table `REQUIRES`; other rules
that join two fields (a data file and synthetic settings, say) live in `__post_init__`; rules
that depend on the machine or the data (engine, device, processes) live in `plan`. So
`RunSpec.build`, `fit`, the estimator and the command line refuse the same settings with the
same message, the command line naming flags where the library names fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields

from linscratch.errors import UsageError
from linscratch.i18n import Words, tr
from linscratch.rules import LOSSES, check

# The synthetic problem's settings where a run leaves them out (the book's, with its
# true w = [2, -3.4] for two features): `DataSpec.resolved` fills them in, `--help` shows them.
SEED_TRUE_W = (2.0, -3.4)  # the book's truth: true_w = torch.tensor([2, -3.4]), true_b = 4.2
SEED_TRUE_B = 4.2
BOOK_LR = 0.03  # the book's learning rate: a run's default on synthetic data (`with_seed`)
BOOK_EPOCHS = 3  # the book's num_epochs: a run's default on synthetic data and arrays
AUTO_EPOCHS = 1000  # num_epochs auto's most epochs (scikit-learn's SGDRegressor's max_iter)
AUTO_WORK = 2e9  # and its most row-feature visits where it judges by the exact optimum (seconds)
# standardize's default on a file: on where the scaled float64 copy of the training rows
# has at most this many cells (128 MiB); above it the rows are trained as they are
STANDARDIZE_CELLS = 1 << 24
SYNTHETIC_DEFAULTS = {
    "num_examples": 1000,
    "num_features": 2,
    "true_b": SEED_TRUE_B,
    "noise": 0.01,
}

# The groups `--help` lists the settings' flags under.
EXPERIMENT = Words("the experiment")
SYNTHETIC = Words("synthetic data (the default): y = Xw + b + noise")
FILE = Words("data from a file")
HOW_IT_RUNS = Words("how it runs")
OUTPUT = Words("output")


def setting(default, group: str, metavar: str | None, about: str, **more):
    """A field and its flag's metadata, which the command line builds its flags from (plain
    words: it translates them and gives each flag its syntax): the `group` its flag is listed
    under, the name of its value (`metavar`), what it does (`about`); in `more`, `flag` (the
    flag's name where it is not the field's with dashes), `shown` (the default in words, where
    the field's value is not what the help shows), `bare` (the value of the flag given alone)."""
    meta = {"group": group, "metavar": metavar, "about": about, **more}
    return field(default=default, metadata=meta)


# The settings that belong to another setting of their section: each is named with its owner
# and the owner's value it applies with (a tuple: any of them). Set other than its default
# while its owner is not so, a setting would do nothing, and is refused (`check_owners`).
# "Other than its default", not "given": a spec is a value, equal specs are equally valid
# (`RunSpec.build(huber_delta=1.0)` is `RunSpec()`), and a spec restored whole from its
# `to_dict` names every field. A loss's parameter applies with the losses that take it
# (`rules.LOSSES`).
_TAKE = {q: tuple(name for name, p in LOSSES.items() if p == q) for q in LOSSES.values() if q}
REQUIRES = {
    **{q: ("loss", names[0] if len(names) == 1 else names) for q, names in _TAKE.items()},
    "tol": ("early_stopping", True),
    "n_iter_no_change": ("early_stopping", True),
    "power_t": ("lr_schedule", "invscaling"),
    "lr_step_epochs": ("lr_schedule", "step"),
    "lr_step_factor": ("lr_schedule", "step"),
}


def check_owners(settings) -> None:
    """Refuse a setting of `REQUIRES` other than its default in `settings` (flat, by field
    name; an owner left out is at its default) without its owner set to the value it applies
    with. Every section checks itself with this when it is made; `linscratch grad` checks
    its flags."""
    for name, (owner, value) in REQUIRES.items():
        if name not in settings or settings[name] == DEFAULTS[name]:
            continue
        values = value if isinstance(value, tuple) else (value,)
        if settings.get(owner, DEFAULTS[owner]) not in values:
            if value is True:  # a switch
                raise UsageError("{0} applies with {1}", name, owner)
            raise UsageError("{0} applies with {1} {value}", name, owner, value="|".join(values))


class _Section:
    """Checks every field of a section against its rule when it is made, then the settings
    that belong to another (`REQUIRES`)."""

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, check(f.name, getattr(self, f.name)))
        check_owners(vars(self))


@dataclass(frozen=True)
class DataSpec(_Section):
    """The rows: the book's synthetic problem (the default) or a file, and their preparation.

    Synthetic: `num_examples` rows of y = Xw + b + noise with the true `true_w` and `true_b`;
    `num_features` defaults to len(true_w), else 2 (the book's w = [2, -3.4]); other counts
    draw w from the seed. A file: `data` (a .csv, .parquet or .npy path) or `dataset` (shipped
    with linscratch), its `target` column and `features`, and a column of row `weights` (not a
    feature: see `weights`); `no_header` reads a CSV file without a header line, its
    columns named x1, x2, ...; `drop_missing` drops the rows with an empty, NA or NaN cell
    in a used column, `categorical` one-hot encodes feature columns (C(col)[T.level]), and
    `formula` ("y ~ x1 + np.log(x2) + C(city)", in place of `target`, `features` and
    `categorical`) gives the model as statsmodels' formulas do: these read the table whole,
    through formulaic (`data.tables`). Either: `standardize` trains on
    standardized columns, `val_fraction` holds out a seeded share of the rows.
    """

    # synthetic only; num_examples, true_b and noise default to SYNTHETIC_DEFAULTS
    num_examples: int | None = setting(None, SYNTHETIC, "N", Words("examples (rows) to draw"))
    num_features: int | None = setting(
        None,
        SYNTHETIC,
        "D",
        Words(
            "features; a count other than 2 draws the true weights from --seed, "
            "unless --true-w gives them"
        ),
    )
    true_w: tuple[float, ...] | None = setting(
        None,
        SYNTHETIC,
        "W1,W2,...",
        Words("the true weights, one per feature (sets --num-features)"),
        shown=Words("the book's 2,-3.4"),
    )
    true_b: float | None = setting(None, SYNTHETIC, "B", Words("the true bias"))
    noise: float | None = setting(
        None, SYNTHETIC, "SIGMA", Words("standard deviation of the noise added to each label")
    )
    data: str | None = setting(
        None,
        FILE,
        "FILE",
        Words("a {formats} table, one example a row"),  # {formats}: `flags.HELP_VALUES`
        shown=Words("none: synthetic data"),
    )
    dataset: str | None = setting(None, FILE, None, Words("a data set shipped with linscratch"))
    target: str | None = setting(
        None,
        FILE,
        "COL",
        Words(
            "the label column, by name or index; needed where another column than the last "
            "is named target, y, label or price"
        ),
        shown=Words("the last column"),
    )
    features: tuple[str, ...] | None = setting(
        None, FILE, "A,B,...", Words("the feature columns"), shown=Words("every other column")
    )
    weights: str | None = setting(
        None,
        FILE,
        "COL",
        Words(
            "a column of non-negative row weights (not a feature): weighted SGD and weighted "
            "least squares; rows of weight 0 are dropped"
        ),
        shown=Words("none: every row counts once"),
    )
    no_header: bool = setting(
        False,
        FILE,
        None,
        Words(
            "the CSV file has no header line: every line is data, the columns are named "
            "x1, x2, ... (the target is the last, or --target by index)"
        ),
    )
    drop_missing: bool = setting(
        False,
        FILE,
        None,
        Words(
            "drop the rows with an empty, NA or NaN cell in a column the run uses (the count "
            "is reported); without it such a cell is refused"
        ),
    )
    categorical: tuple[str, ...] | None = setting(
        None,
        FILE,
        "COL,...",
        Words(
            "feature columns of categories, one-hot encoded as C(COL)[T.level]: the first "
            "level (sorted) is left out when there is an intercept"
        ),
        shown=Words("none"),
    )
    formula: str | None = setting(
        None,
        FILE,
        "FORMULA",
        Words(
            "the model as a formula, as statsmodels reads them (through formulaic), e.g. "
            "'y ~ x1 + np.log(x2) + C(city)': its left side is the target; the table is read "
            "whole into memory"
        ),
        shown=Words("none"),
    )
    standardize: bool | None = setting(
        None,
        FILE,
        None,
        Words(
            "train on features and label rescaled to mean 0 and standard deviation 1 "
            "(results reported in the original units); --no-standardize trains on them as "
            "they are"
        ),
        shown=Words(
            "on for a file of at most {cells:,} cells; off for larger ones and for synthetic data",
            cells=STANDARDIZE_CELLS,
        ),
    )
    val_fraction: float | None = setting(
        None,
        FILE,
        "F",
        Words(
            "hold out this fraction of the examples (chosen by --seed) and report their loss and R²"
        ),
    )

    def __post_init__(self):
        super().__post_init__()
        synthetic = ("num_examples", "num_features", "true_w", "true_b", "noise")
        if self.data is not None and self.dataset is not None:
            raise UsageError("{0} and {1}: give one of them", "data", "dataset")
        if self.features is not None and len(set(self.features)) < len(self.features):
            twice = next(f for f in self.features if self.features.count(f) > 1)
            raise UsageError("{0} names the column {name!r} twice", "features", name=twice)
        for name in ("target", "features", "categorical"):
            if self.formula is not None and getattr(self, name) is not None:
                raise UsageError("{0} and {1}: give one of them", "formula", name)
        if self.categorical is not None and len(set(self.categorical)) < len(self.categorical):
            twice = next(c for c in self.categorical if self.categorical.count(c) > 1)
            raise UsageError("{0} names the column {name!r} twice", "categorical", name=twice)
        if self.formula is not None:
            formula_sides(self.formula)
        if self.no_header and self.data is None:
            raise UsageError("{0} applies to {1}: a CSV file without a header", "no_header", "data")
        if not self.synthetic:
            for name in synthetic:
                if getattr(self, name) is not None:
                    raise UsageError(
                        "{0} applies to synthetic data, not to {1}/{2}", name, "data", "dataset"
                    )
            return
        for name in ("target", "features", "weights", "categorical", "formula"):
            if getattr(self, name) is not None:
                raise UsageError("{0} applies to {1} or {2}", name, "data", "dataset")
        if self.drop_missing:
            raise UsageError("{0} applies to {1} or {2}", "drop_missing", "data", "dataset")
        if self.true_w is not None and self.num_features not in (None, len(self.true_w)):
            raise UsageError(
                "{0} has {k} values but {1} is {d}; give one weight per feature",
                "true_w",
                "num_features",
                k=len(self.true_w),
                d=self.num_features,
            )

    def resolved(
        self, seed: int, exact: str = "always", epochs: int = 1, exact_passes: int = 1
    ) -> DataSpec:
        """The synthetic settings with their defaults filled in and the true w drawn from the
        seed where not given (see `default_true_w`); a file's settings as they are. A
        synthetic problem too large for this machine's memory, or training too long for it
        (`resources.require_work`), is refused here, before any draw; the memory counts the
        exact answer where the run's `exact` mode, `epochs` and its loss's `exact_passes`
        (`Loss.exact_passes`) compute it (`resources.decide`)."""
        if not self.synthetic:
            return self
        from linscratch.resources import (  # start-up: not every run needs it
            decide,
            require_memory,
            require_work,
            run_bytes,
        )

        given = SYNTHETIC_DEFAULTS | {k: v for k, v in vars(self).items() if v is not None}
        n = given["num_examples"]
        d = self.num_features or (len(self.true_w) if self.true_w else given["num_features"])
        computed = decide(exact, n, d, epochs, exact_passes) == "computed"
        require_memory(  # before anything is drawn: the float32 draws, then the run
            n * (d + 2) * 4 + run_bytes(n, d, 8, exact=computed),
            Words("{n:,} rows x {d:,} features", n=n, d=d),
            "num_examples",
            "num_features",
        )
        require_work(n, d, epochs)
        return dataclasses.replace(
            self,
            num_examples=n,
            num_features=d,
            true_w=self.true_w if self.true_w is not None else default_true_w(d, seed),
            true_b=given["true_b"],
            noise=given["noise"],
        )

    @property
    def synthetic(self) -> bool:
        return self.data is None and self.dataset is None


@dataclass(frozen=True)
class ModelSpec(_Section):
    """y = Xw + b: `init` is the starting w (the book's N(0, 0.01²) draw, or zeros; b starts
    at 0), `fit_intercept=False` keeps b at its start. `l2` λ ≥ 0 is weight decay (D2L 3.7):
    the objective gains (λ/2)‖w‖², b not penalised (weighted: the weighted mean plus the same
    penalty); its exact answer is ridge regression (`ridge.ridge`). `loss` is what SGD
    minimises: the book's "squared" loss ½e², or "huber", ½e² for |e| ≤ `huber_delta` and
    δ(|e| − ½δ) beyond (`model.huber_loss`), which counts an outlier's residual linearly.
    `huber_delta` is in the target's units and applies with "huber" only; its default 1.0 is
    PyTorch's (`torch.nn.HuberLoss`): on the book's data (noise 0.01) no honest row is clipped
    and a corrupted label is, and standardized targets have unit spread, where δ = 1.0 to
    1.345σ keeps about 90–95% of least squares' efficiency on Gaussian noise."""

    init: str = setting(
        "book",
        HOW_IT_RUNS,
        None,
        Words("the starting weights: book (drawn from N(0, 0.01²)) or zero; the bias starts at 0"),
    )
    fit_intercept: bool = setting(
        True,
        HOW_IT_RUNS,
        None,
        Words(
            "fit y = Xw, a model through the origin: b stays 0, and the exact answer, its "
            "standard errors and an uncentered R² are those of that model"
        ),
        flag="--no-intercept",
        shown=Words("none"),
    )
    l2: float = setting(
        0.0,
        EXPERIMENT,
        "LAMBDA",
        Words(
            "weight decay: minimise mean ½(ŷ − y)² + (LAMBDA/2)‖w‖² (b not penalised); each "
            "step's gradient gains LAMBDA·w, the loss shown includes the penalty, and the "
            "exact answer beside SGD is ridge regression"
        ),
    )
    loss: str = setting(
        "squared",
        HOW_IT_RUNS,
        None,
        Words(
            "what SGD minimises: squared, the mean of ½(ŷ − y)² (the book's); huber, ½(ŷ − y)² "
            "where |ŷ − y| ≤ δ and δ(|ŷ − y| − δ/2) beyond, which an outlier pulls on less; "
            "the exact answer beside it is then Huber's minimiser"
        ),
    )
    huber_delta: float = setting(
        1.0,
        HOW_IT_RUNS,
        "δ",
        Words("with --loss huber: where the loss turns from square to straight, in y's units"),
    )
    epsilon: float = setting(
        0.1,
        HOW_IT_RUNS,
        "ε",
        Words(
            "with an epsilon-insensitive --loss: the tube max(0, |ŷ − y| − ε) ignores, in y's "
            "units (scikit-learn's default 0.1)"
        ),
    )

    @property
    def delta(self) -> float | None:
        """Huber's δ where the loss is Huber's, None for the squared loss (the engines' and
        the kernels' switch)."""
        return self.huber_delta if self.loss == "huber" else None


@dataclass(frozen=True)
class OptimSpec(_Section):
    """Minibatch SGD: each step follows a batch's mean gradient times `lr`. `short_batch`
    "book" divides a short last batch by `batch_size`, as the book's `sgd` does. With
    `early_stopping` the run ends before `num_epochs` once the loss, averaged over windows of
    `n_iter_no_change` epochs, falls by less than the fraction `tol` of itself from one window
    to the next (`stopping.NoImprovement`, the estimator's rule). `average` k >= 1 reports the
    mean of the iterates (w, b) after every step from the start of epoch k on (Polyak–Ruppert);
    0 reports the last iterate. `lr_schedule` sets how the rate changes (`schedules`):
    constant; invscaling, lr / t^`power_t` at step t of the run; step, times `lr_step_factor`
    every `lr_step_epochs` epochs."""

    lr: float | str | None = setting(
        None,
        EXPERIMENT,
        "LR",
        Words(
            "learning rate: each step moves w and b by LR times the minibatch's mean gradient; "
            "auto: {margin} x SGD's stability limit at the batch size"
        ),
        shown=Words("auto (synthetic data: the book's 0.03)"),
    )
    batch_size: int = setting(10, EXPERIMENT, "B", Words("examples per minibatch"))
    num_epochs: int | str | None = setting(
        None,
        EXPERIMENT,
        "N",
        Words(
            "epochs: passes over all the examples; auto: until SGD's loss is within "
            "{within:.0%} of the exact optimum's, at most {most:,} epochs and {work:.0e} "
            "row-feature visits; without the exact answer, until the loss stops falling"
        ),
        flag="--epochs",
        shown=Words("auto (synthetic data: the book's {n})", n=BOOK_EPOCHS),
    )
    short_batch: str = setting(
        "mean",
        HOW_IT_RUNS,
        None,
        Words(
            "when --batch-size does not divide the examples, the last minibatch "
            "is smaller: mean steps along its own mean gradient; book divides its "
            "summed gradient by --batch-size, as the book's sgd does"
        ),
    )
    early_stopping: bool = setting(
        False,
        EXPERIMENT,
        None,
        Words(
            "stop before --epochs once the loss, averaged over windows of --n-iter-no-change "
            "epochs, falls by less than the fraction --tol of itself from one window to the next"
        ),
    )
    tol: float = setting(
        1e-4,
        EXPERIMENT,
        "TOL",
        Words("with --early-stopping: the smallest relative fall of the windowed loss"),
    )
    n_iter_no_change: int = setting(
        5, EXPERIMENT, "N", Words("with --early-stopping: the epochs in each window")
    )
    average: int = setting(
        0,
        EXPERIMENT,
        "K",
        Words(
            "report the mean of the iterates w, b after every step from the start of epoch K "
            "on (Polyak–Ruppert; K = 2 when the flag has no value: the first epoch's way in "
            "from the start is left out); 0 reports the last iterate"
        ),
        bare=2,
    )
    lr_schedule: str = setting(
        "constant",
        EXPERIMENT,
        None,
        Words(
            "how the learning rate changes: constant (LR at every step); invscaling (LR / "
            "t^--power-t at step t, counting minibatch steps from the run's start, as "
            "scikit-learn's SGDRegressor); step (LR times --lr-step-factor every "
            "--lr-step-epochs epochs, as PyTorch's StepLR)"
        ),
    )
    power_t: float = setting(
        0.25, EXPERIMENT, "P", Words("with --lr-schedule invscaling: the power of the step count t")
    )
    lr_step_epochs: int = setting(
        1,
        EXPERIMENT,
        "K",
        Words("with --lr-schedule step: the epochs between two cuts of the rate"),
    )
    lr_step_factor: float = setting(
        0.1,
        EXPERIMENT,
        "F",
        Words("with --lr-schedule step: the factor each cut multiplies the rate by"),
    )

    def __post_init__(self):
        super().__post_init__()
        if self.average > self.epoch_limit:
            raise UsageError(
                "{0} must be at most {1} ({epochs}), got {value}: no step would be averaged",
                "average",
                "num_epochs",
                epochs=self.epoch_limit,
                value=self.average,
            )

    @property
    def epoch_limit(self) -> int:
        """The most epochs the run may take: `num_epochs`; for auto, AUTO_EPOCHS (a rule
        ends it sooner, `stopping`); None (left to the data: arrays, the book) BOOK_EPOCHS."""
        if self.num_epochs is None:
            return BOOK_EPOCHS
        return AUTO_EPOCHS if self.num_epochs == "auto" else self.num_epochs


@dataclass(frozen=True)
class ExecSpec(_Section):
    """How the loop runs; `auto` leaves the choice to `plan`. `check_grad` compares the
    analytic and autograd gradients on every batch. `exact`: whether the run computes the
    exact least-squares answer (auto: where it costs little; see `resources.decide`)."""

    engine: str = setting(
        "auto",
        HOW_IT_RUNS,
        None,
        Words(
            "how each step is computed: autograd (the book's loop), analytic (the "
            "hand-derived gradient, CPU or GPU), compiled (fastest on a CPU); "
            "auto picks autograd below {visits:,} examples x epochs, compiled above"
        ),
    )
    shuffle: str = setting(
        "auto",
        HOW_IT_RUNS,
        None,
        Words(
            "the order of the examples in each epoch: book (Python's shuffle, as "
            "the book), full (a random permutation), block (runs of neighbouring "
            "examples in random order: fast for data larger than memory), none; "
            "auto: book for autograd, else full up to {mib} MiB of data, block "
            "beyond"
        ),
    )
    dtype: str = setting("float32", HOW_IT_RUNS, None, Words("the precision of the arithmetic"))
    device: str = setting(
        "cpu", HOW_IT_RUNS, "cpu|cuda|cuda:N", Words("where the analytic engine computes")
    )
    check_grad: bool = setting(
        False,
        HOW_IT_RUNS,
        None,
        Words(
            "compare the hand-derived and autograd gradients on every minibatch (autograd engine)"
        ),
    )
    exact: str = setting(
        "auto",
        HOW_IT_RUNS,
        None,
        Words(
            "compute the exact least-squares answer beside SGD's (one pass over the rows, "
            "before training): always, never (SGD alone, no further pass), or auto: unless it "
            "would cost more than a few seconds and more than the rest of the run"
        ),
    )
    threads: int | str = setting(
        "auto",
        HOW_IT_RUNS,
        "N|auto",
        Words(
            "the threads of the passes over the data (BLAS, LAPACK, the loss's threads), "
            "chosen once per run; auto: the cores other work leaves idle, or what "
            "OMP_NUM_THREADS / OPENBLAS_NUM_THREADS say where set"
        ),
    )


@dataclass(frozen=True)
class OutputSpec(_Section):
    """What the run writes: a model (`save`), a figure (`plot`), a checkpoint folder written
    after each epoch (`checkpoint`), or continued (`resume`), TensorBoard's files
    (`tensorboard`, see `show.tensorboard`); `force` replaces existing files; `live` draws the
    run as it goes, in a notebook (see `live.LivePlot`); `save_exact` saves the exact answer as
    a model (it is then always computed); `summary` asks for the statistician's table
    (`exact.summary`) where the data are synthetic (a file's run always has it)."""

    save: str | None = setting(None, OUTPUT, "MODEL.json", Words("save the fitted model"))
    save_exact: str | None = setting(
        None,
        OUTPUT,
        "MODEL.json",
        Words(
            "save the exact answer the run computes (least squares, weighted, ridge, Huber's) "
            "as a model for predict, with its standard errors where they exist"
        ),
    )
    plot: str | None = setting(
        None, OUTPUT, "FILE", Words("draw how it learned, to a .png or .svg file")
    )
    checkpoint: str | None = setting(
        None, OUTPUT, "DIR", Words("save the run's state after each epoch")
    )
    resume: str | None = setting(
        None,
        OUTPUT,
        "DIR",
        Words("continue the run saved in DIR (a larger --epochs trains further)"),
    )
    tensorboard: str | None = setting(
        None,
        OUTPUT,
        "DIR",
        Words("write TensorBoard's files of how it learned in DIR (tensorboard --logdir DIR)"),
    )
    force: bool = setting(
        False,
        OUTPUT,
        None,
        Words(
            "replace an existing --save file, --checkpoint or --tensorboard files "
            "(a --plot is always replaced)"
        ),
    )
    summary: bool = setting(
        False,
        OUTPUT,
        None,
        Words(
            "print the statistician's table (statsmodels' summary) for synthetic data too; "
            "data from files get it always"
        ),
    )
    live: bool = False  # no flag: a notebook's

    def __post_init__(self):
        super().__post_init__()
        if self.checkpoint and self.resume and self.checkpoint != self.resume:
            raise UsageError(
                "{0} and {1} name different folders; {1} alone will do", "checkpoint", "resume"
            )

    @property
    def checkpoint_dir(self) -> str | None:
        """The folder the run keeps its checkpoint in, if any."""
        return self.resume or self.checkpoint


SECTIONS = {
    "data": DataSpec,
    "model": ModelSpec,
    "optim": OptimSpec,
    "execution": ExecSpec,
    "outputs": OutputSpec,
}
SECTION_OF = {f.name: section for section, cls in SECTIONS.items() for f in fields(cls)}
DEFAULTS = {f.name: f.default for cls in SECTIONS.values() for f in fields(cls)}


@dataclass(frozen=True)
class RunSpec:
    """Every setting of a run, in five sections, and the `seed` of all its random draws
    (None: drawn when the run starts, see `with_seed`)."""

    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    optim: OptimSpec = field(default_factory=OptimSpec)
    execution: ExecSpec = field(default_factory=ExecSpec)
    outputs: OutputSpec = field(default_factory=OutputSpec)
    seed: int | None = setting(
        None,
        EXPERIMENT,
        "S",
        Words("seeds every random draw; the same seed gives the same run"),
        shown=Words("drawn at random and printed"),
    )

    def __post_init__(self):
        check("seed", self.seed)
        if self.data.formula is not None:
            intercept = formula_sides(self.data.formula)[2]
            if intercept and not self.model.fit_intercept:
                raise UsageError(
                    "{0} has an intercept but {1} asks for none: write '- 1' in the formula",
                    "formula",
                    "fit_intercept",
                )
            if not intercept and self.model.fit_intercept:
                raise UsageError(
                    "{0} has no intercept ('- 1' or '0 +'): give {1} too",
                    "formula",
                    "fit_intercept",
                )
        if self.outputs.save_exact is not None and self.execution.exact == "never":
            raise UsageError(
                "{0} saves the exact answer, which {1} never does not compute; leave {1} at auto",
                "save_exact",
                "exact",
            )

    @classmethod
    def build(cls, spec: RunSpec | None = None, **settings) -> RunSpec:
        """A spec from flat keywords (`lr=0.1`), over `spec` if given, else the defaults."""
        base = spec if spec is not None else cls()
        return base.replace(**settings) if settings else base

    def replace(self, **settings) -> RunSpec:
        """A copy with the named fields changed; each name is a field of one section."""
        unknown = sorted(set(settings) - set(SECTION_OF) - {"seed"})
        if unknown:
            text = tr("unknown run setting(s): {names}")
            raise TypeError(text.format(names=", ".join(unknown)))
        changes = {}
        for section in SECTIONS:
            given = {k: v for k, v in settings.items() if SECTION_OF.get(k) == section}
            if given:
                changes[section] = dataclasses.replace(getattr(self, section), **given)
        if "seed" in settings:
            changes["seed"] = settings["seed"]
        return dataclasses.replace(self, **changes)

    def with_seed(self, seed: int, exact_passes: int = 1) -> RunSpec:
        """The spec of a run with this seed and every default filled in: the run's full record
        (its `to_dict` is the report's `config`). `exact_passes` is what its loss's exact
        minimiser costs against least squares' (`Loss.exact_passes`), for `exact` auto's
        decision in the memory a synthetic run is checked for."""
        seed = check("seed", seed)
        optim = self.optim
        if optim.lr is None:  # the book's rate for its experiment, the data's limit for the rest
            optim = dataclasses.replace(optim, lr=BOOK_LR if self.data.synthetic else "auto")
        if optim.num_epochs is None:  # the book's 3 for its experiment; until converged else
            epochs = BOOK_EPOCHS if self.data.synthetic else "auto"
            optim = dataclasses.replace(optim, num_epochs=epochs)
        data = self.data.resolved(seed, self.execution.exact, optim.epoch_limit, exact_passes)
        if data.standardize is None and data.synthetic:  # a file's: decided on its rows
            data = dataclasses.replace(data, standardize=False)
        return dataclasses.replace(self, seed=seed, data=data, optim=optim)

    def with_rows(self, n: int, d: int) -> RunSpec:
        """The spec with `standardize` decided for n training rows of d features, where it
        was left to the data: on where the scaled copy has at most STANDARDIZE_CELLS cells."""
        if self.data.standardize is not None:
            return self
        return self.replace(standardize=n * d <= STANDARDIZE_CELLS)

    def to_dict(self) -> dict:
        """Every setting, flat, keyed by field name: the `config` of a JSON report."""
        out = {}
        for section in SECTIONS:
            for name, value in dataclasses.asdict(getattr(self, section)).items():
                out[name] = list(value) if isinstance(value, tuple) else value
        return {**out, "seed": self.seed}


# Every setting of a run, its `dataclasses.Field` by name (the seed's too): the command line's
# flags are built from their metadata (`setting`).
FIELDS = {f.name: f for cls in SECTIONS.values() for f in fields(cls)}
FIELDS["seed"] = next(f for f in fields(RunSpec) if f.name == "seed")


def formula_sides(text: str) -> tuple[str, str, bool]:
    """A model formula's left side (the target's expression), its right side, and whether
    the right side has an intercept, as formulaic parses them; a formula it cannot parse,
    without exactly one term on its left, or with a double underscore (its terms are Python,
    evaluated by formulaic), is a UsageError naming `formula`."""
    from formulaic import Formula  # start-up: formulaic only for a formula
    from formulaic.errors import FormulaicError  # start-up: formulaic only for a formula

    if "__" in text:  # a formula's terms are Python, evaluated: no way into the interpreter
        raise UsageError(
            "{0}: {text!r} holds a double underscore; a formula's terms are evaluated as "
            "Python, and names with __ are refused",
            "formula",
            text=text,
        )
    try:
        parsed = Formula(text)
    except (FormulaicError, SyntaxError, ValueError, TypeError, RecursionError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise UsageError(
            "{0}: formulaic cannot read {text!r} ({reason})", "formula", text=text, reason=reason
        ) from None
    lhs = getattr(parsed, "lhs", None)
    if lhs is None or len(list(lhs)) != 1:
        raise UsageError(
            "{0}: {text!r} needs one target on its left side, as in 'y ~ x1 + C(city)'",
            "formula",
            text=text,
        )
    terms = [str(term) for term in parsed.rhs]
    return str(lhs), str(parsed.rhs), "1" in terms


def default_true_w(num_features: int, seed: int) -> list[float]:
    """The true weights of a synthetic problem with `num_features` features.

    Two features give the book's w = [2, -3.4]. Any other count draws each weight uniformly
    from [-5, 5], rounded to one decimal, from a torch generator seeded with `seed`; that
    generator is separate from the one that draws the data, so the book's stream is untouched.
    """
    if num_features == len(SEED_TRUE_W):
        return list(SEED_TRUE_W)
    import torch  # start-up: torch only when a run needs it

    g = torch.Generator().manual_seed(seed)
    w = torch.empty(num_features, dtype=torch.float64).uniform_(-5, 5, generator=g)
    return [round(float(v), 1) for v in w]
