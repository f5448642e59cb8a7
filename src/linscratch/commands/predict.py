"""`linscratch predict`: a saved model applied to a data file."""

from __future__ import annotations

from .. import __version__


def run(args) -> int:
    import numpy as np

    from .. import destinations
    from ..errors import UsageError
    from ..files import column_names, read_table
    from ..model import LinearModel
    from ..solve import mean_loss, r2_score
    from ..sources import file_of
    from ..spec import DataSpec
    from .reports import dumps

    options = vars(args)
    output, force = options.get("output"), options.get("force", False)
    path, _ = file_of(DataSpec(data=options.get("data"), dataset=options.get("dataset")))
    if output is not None:
        destinations.check_distinct({"output": output}, {"data": path, "model": args.model})
        destinations.check(output, "output", force)
    model = LinearModel.load(args.model)
    names = column_names(path)
    missing = [name for name in model.feature_names if name not in names]
    if missing:
        raise UsageError(
            f"{path}: lacks the model's columns {', '.join(map(repr, missing))} "
            f"(the model was trained on {', '.join(model.feature_names)})"
        )
    target = model.target_name if model.target_name in names else None
    table = read_table(path, target=target, features=model.feature_names, require_target=False)
    predictions = model.predict(table.X)
    bad = ~np.isfinite(predictions)
    if bad.any():
        row = int(np.argmax(bad))
        raise UsageError(
            f"{path}: row {row + 1}: the prediction is {predictions[row]}; the model's "
            "weights overflow on this row"
        )
    if output is not None:

        def write(f):
            f.write("prediction\n")
            f.writelines(f"{p!r}\n" for p in predictions.tolist())

        destinations.atomic_write(output, write, force=force, field="output")
    out = {
        "command": "predict",
        "version": __version__,
        "model": str(args.model),
        "data": str(path),
        "rows": len(predictions),
        "features": model.feature_names,
    }
    if table.y is not None:
        out["loss"] = mean_loss(table.X, table.y, model.w, model.b)
        centered = model.training.get("fit_intercept", True) is not False  # else uncentered
        out["r2"] = r2_score(table.X, table.y, model.w, model.b, centered)
    if output is not None:
        out["output"] = str(output)
    if options.get("json"):
        print(dumps({**out, "predictions": predictions.tolist()}))
    elif output is None:
        print("\n".join(repr(p) for p in predictions.tolist()))
    else:
        score = "" if table.y is None else f"; loss {out['loss']:.6g}, R² {_fmt(out['r2'])}"
        print(f"{len(predictions):,} predictions written to {output}{score}")
    return 0


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.6f}"
