"""`linscratch train`: the book's experiment by default, or a data file; SGD beside the exact
least-squares answer; optionally a model, a plot and checkpoints.

spec (from the flags) → destinations checked → dataset → run → plot, model, report.
"""

from __future__ import annotations

import sys

from linscratch import __version__, distributed
from linscratch.book.model import LinearModel
from linscratch.cli import board
from linscratch.cli.epochs import EpochLines
from linscratch.cli.flags import flag, run_spec
from linscratch.cli.json_report import dumps, train_json
from linscratch.cli.reports import train_text
from linscratch.cli.timings import PhaseClock
from linscratch.data import destinations
from linscratch.errors import DivergedError
from linscratch.i18n import tr
from linscratch.losses import LOSSES
from linscratch.show import progress
from linscratch.train import plan, sources
from linscratch.train.loop import draw_seed
from linscratch.train.runs import execute


def run(args) -> int:
    """`linscratch train`, in one process or, under torchrun, as one rank of many."""
    spec = run_spec(args)  # the settings each checked, and together (`spec.REQUIRES`)
    group = distributed.from_env()
    machine = plan.Machine(group.world_size, group.local_rank) if group else plan.Machine()
    plan.check(spec, machine)
    if group is None:
        return _train(args, spec, main=True)
    distributed.start(group, spec.execution.device)
    try:
        return _train(args, spec, main=group.is_main)
    finally:
        distributed.stop()


def _train(args, spec, main: bool) -> int:
    """One process's run: rank 0 (`main`) shows the feedback, prints and writes files."""

    clock = PhaseClock()  # where the time goes, for --json
    options = vars(args)
    as_json, lang = options.get("json", False), options.get("lang", "en")
    seed_drawn = spec.seed is None
    spec = spec.with_seed(
        draw_seed() if seed_drawn else spec.seed, LOSSES[spec.model.loss].exact_passes
    )
    if main:
        destinations.check_outputs(spec.outputs, {"data": spec.data.data})
        board.check(spec)
    # On a terminal, a label for each phase and a progress bar; elsewhere nothing.
    shown = progress.feedback(main and progress.wanted(as_json, options.get("quiet", False)))
    diverged = None
    with shown:
        shown.label(_loading(spec.data))
        dataset = sources.load(spec.data, spec.seed, spec.model.fit_intercept)

        lines = [EpochLines()] if main and not as_json else []  # each as its epoch ends
        if lines and "dropped_rows" in dataset.source:
            print(_dropped(dataset.source), flush=True)
        logdir = spec.outputs.tensorboard if main else None
        boards = [board.board(spec, dataset, logdir)] if logdir is not None else []
        try:
            outcome = execute(
                spec,
                dataset,
                [shown, *lines, clock, *boards],
                trace=spec.outputs.plot is not None,
                warn=_warn if main else _ignore,
            )
        except DivergedError as exc:
            diverged = exc  # reported below, the progress display gone
        clock.stop()
        for written in boards:  # the exact answer's loss, known now, as a reference line
            written.add_reference(_exact_objective(diverged.run if diverged else outcome))
        if main and diverged is None:
            _write(shown, outcome, dataset)
    if not main:  # only rank 0 prints and writes files (and tells the job's status)
        return 0
    if diverged is not None:
        _diverged(diverged, dataset, seed_drawn, as_json, lang)
        raise diverged
    check = outcome.result.check_grad
    status = 0 if check is None or check["passed"] else 1

    if as_json:
        print(
            dumps({**train_json(outcome, dataset.source, seed_drawn), "timings": clock.to_dict()})
        )
    else:  # the epoch lines are out already
        print(train_text(outcome, seed_drawn, lang, epochs=False))
    return status


def _write(shown, outcome, dataset) -> None:
    """The figure and the model the run was asked for, each under its label."""
    outputs = outcome.spec.outputs
    if outputs.plot is not None:
        shown.label(tr("writing {path}").format(path=outputs.plot))
        _plot(outcome, dataset)
    if outputs.save is not None:
        shown.label(tr("writing {path}").format(path=outputs.save))
        _save(outcome, dataset)


def _diverged(error, dataset, seed_drawn: bool, as_json: bool, lang: str) -> None:
    """SGD diverged, the exact answer stands: printed as text (the epoch lines are out
    already; the CLI's error line follows), or given to the error as the rest of its JSON
    document. Nothing is saved."""
    if error.run is None:
        return
    from linscratch.cli.diverged_report import (  # start-up: not every run needs it
        diverged_json,
        diverged_text,
    )

    if as_json:
        error.report = diverged_json(error, dataset.source, seed_drawn)
    else:
        print(diverged_text(error.run, lang), flush=True)


def _dropped(source: dict) -> str:
    """The line that says how many rows were dropped for a missing cell (`drop_missing`)."""
    dropped = source["dropped_rows"]
    return tr(
        "dropped {dropped:,} of {total:,} rows with a missing cell (empty, NA or NaN) in a "
        "column the run uses; {rows:,} left"
    ).format(dropped=dropped, total=dropped + source["rows"], rows=source["rows"])


def _exact_objective(run) -> float | None:
    """The exact answer's loss as the epoch lines count SGD's (with weight decay, plus its
    penalty), or None where it was not computed."""
    if run is None or run.ols is None:
        return None
    decay = getattr(run, "weight_decay", None)
    return run.ols.loss + (decay["exact"] if decay else 0.0)


def _loading(data) -> str:
    """The label of loading the data: drawing it, or reading its file."""
    if data.synthetic:
        return tr("generating data")
    return tr("reading {path}").format(path=sources.file_of(data)[0])


def _warn(warning) -> None:
    print(
        tr("linscratch train: warning: {message}").format(message=warning.render(flag)),
        file=sys.stderr,
    )


def _ignore(warning) -> None:
    pass


def _plot(outcome, dataset) -> None:
    """The training figure, drawn and saved in the language in use (`fonts.figure_text`)."""
    from linscratch.show.fonts import figure_text  # start-up: matplotlib only for --plot
    from linscratch.show.plots import save, training_figure  # start-up: matplotlib only for --plot

    X, y = dataset.X, dataset.y
    if outcome.train_rows is not None:  # the rows it trained on
        X, y = X[outcome.train_rows], y[outcome.train_rows]
    with figure_text():
        figure = training_figure(outcome, X, y, dataset.true_w, dataset.true_b)
        save(figure, outcome.spec.outputs.plot, outcome.spec.outputs.force)


def _save(outcome, dataset) -> None:

    scaler, spec = outcome.standardizer, outcome.spec
    training = {k: v for k, v in spec.to_dict().items() if k not in vars(spec.outputs)}
    LinearModel(
        w=list(outcome.result.w),
        b=outcome.result.b,
        feature_names=outcome.feature_names,
        target_name=outcome.target_name,
        standardization=None if scaler is None else scaler.to_dict(),
        training=training,
        encoding=dataset.encoding,
        seed=outcome.result.seed,
        library_version=__version__,
    ).save(spec.outputs.save, force=spec.outputs.force)
