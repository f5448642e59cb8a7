"""`linscratch predict`: a saved model applied to a data file."""

from __future__ import annotations

import sys

import numpy as np

from linscratch import __version__
from linscratch.book.model import LinearModel
from linscratch.cli.json_report import dumps
from linscratch.data import destinations
from linscratch.data.columns import Table
from linscratch.data.files import column_names, read_table
from linscratch.errors import UsageError
from linscratch.exact.solve import mean_loss, r2_score, rmse
from linscratch.i18n import tr
from linscratch.spec import DataSpec
from linscratch.train.sources import file_of

OUTPUT_SUFFIXES = (".csv", ".txt")  # what --output writes: CSV text, whatever the data's format


def run(args) -> int:

    options = vars(args)
    output, force = options.get("output"), options.get("force", False)
    keep, header = options.get("keep_columns", False), not options.get("no_header", False)
    data, dataset = options.get("data"), options.get("dataset")
    path, _ = file_of(DataSpec(data=data, dataset=dataset, no_header=not header))
    if output is not None:
        destinations.check_distinct({"output": output}, {"data": path, "model": args.model})
        destinations.check(output, "output", force, OUTPUT_SUFFIXES)
    model = LinearModel.load(args.model)
    names = column_names(path, header)
    if keep and "prediction" in names:
        raise UsageError(
            "{0}: {path} has a column named 'prediction' already; rename it to keep the columns",
            "keep_columns",
            path=path,
        )
    if model.encoding is not None:  # a formula or categories: encoded as in training
        from linscratch.data.tables import (  # start-up: pandas, formulaic only for them
            design_for_model,
        )

        X, y = design_for_model(path, model.encoding, model.target_name, header)
        table = Table(X, y, model.feature_names, model.target_name, str(path))
    else:
        table = _columns(path, names, model, header)
    predictions = model.predict(table.X)
    bad = ~np.isfinite(predictions)
    if bad.any():
        row = int(np.argmax(bad))
        raise UsageError(
            "{path}: row {row}: the prediction is {value}; the model's weights overflow on "
            "this row",
            path=path,
            row=row + 1,
            value=predictions[row],
        )
    _unconverged(model, args.model)  # the predictions stand: said once they do
    kept = (path, header) if keep else None
    _write(predictions.tolist(), kept, output, force, options.get("json"))
    _report(args, model, table, path, predictions, output)
    return 0


def _columns(path, names: list[str], model, header: bool) -> Table:
    """The model's feature columns of the file (and its target, where it has it whole)."""
    missing = [name for name in model.feature_names if name not in names]
    if missing:
        raise UsageError(
            "{path}: lacks the model's columns {missing} (the model was trained on {names})",
            path=path,
            missing=", ".join(map(repr, missing)),
            names=", ".join(model.feature_names),
        )
    target = model.target_name if model.target_name in names else None
    return read_table(path, target, model.feature_names, require_target=False, header=header)


def _unconverged(model, path) -> None:
    """A warning on stderr when the model's SGD stopped short of the exact optimum."""
    convergence = model.convergence or {}
    if convergence.get("converged") is not False:
        return
    gap = convergence.get("loss_gap")
    said = tr(
        "the model in {path} did not converge: its training loss was {gap} above the exact "
        "optimum's; train it longer, or save the exact answer (train --save-exact)"
    ).format(path=path, gap="n/a" if not isinstance(gap, int | float) else f"{gap:+.2%}")
    print(tr("linscratch predict: warning: {message}").format(message=said), file=sys.stderr)


def _write(predictions: list[float], kept, output, force: bool, as_json: bool) -> None:
    """The predictions as CSV (a `prediction` column, after every column of the file `kept`,
    a (path, header) pair) to `output`, written atomically; with no output and no --json, to
    stdout."""

    def write(f):
        if kept is None:
            f.write("prediction\n")
            f.writelines(f"{p!r}\n" for p in predictions)
        else:
            from linscratch.data.beside import write_beside  # start-up: not every run needs it

            write_beside(f, *kept, predictions)

    if output is not None:
        destinations.atomic_write(output, write, force=force, field="output")
    elif not as_json:
        if kept is None:  # as ever: one prediction a line, no header
            print("\n".join(repr(p) for p in predictions))
        else:
            write(sys.stdout)


def _report(args, model, table, path, predictions, output) -> None:
    """The JSON object (with every prediction), or one line saying where they went."""

    out = {
        "command": "predict",
        "version": __version__,
        "model": str(args.model),
        "data": str(path),
        "rows": len(predictions),
        "features": model.feature_names,
        "model_converged": (model.convergence or {}).get("converged"),
    }
    if table.y is not None:
        out["loss"] = mean_loss(table.X, table.y, model.w, model.b)  # the book's: ½ MSE
        out.update(mse=2 * out["loss"], rmse=rmse(out["loss"]))
        centered = model.training.get("fit_intercept", True) is not False  # else uncentered
        out["r2"] = r2_score(table.X, table.y, model.w, model.b, centered)
    if output is not None:
        out["output"] = str(output)
    if vars(args).get("json"):
        print(dumps({**out, "predictions": predictions.tolist()}))
    elif output is not None:
        score = ""
        if table.y is not None:
            score = tr("; loss {loss:.6g} = ½ MSE (MSE {mse:.6g}, RMSE {rmse:.6g}), R² {r2}")
            score = score.format(
                loss=out["loss"], mse=out["mse"], rmse=out["rmse"], r2=_fmt(out.get("r2"))
            )
        written = tr("{count:,} predictions written to {path}")
        print(written.format(count=len(predictions), path=output) + score)


def _fmt(value) -> str:
    return tr("n/a") if value is None else f"{value:.6f}"
