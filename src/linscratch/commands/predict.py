"""`linscratch predict`: a saved model applied to a data file."""

from __future__ import annotations

from .. import __version__
from . import dumps


def run(args) -> int:
    from pathlib import Path

    from ..errors import UsageError
    from ..files import atomic_write, column_names, read_table
    from ..model import LinearModel
    from ..solve import mean_loss, r2_score

    if args.dataset is not None:
        from .. import datasets

        args.data = datasets.path(args.dataset)
    model = LinearModel.load(args.model)
    if args.output is not None and not args.force and Path(args.output).exists():
        raise UsageError(f"--output: {args.output} exists; add --force to replace it")
    names = column_names(args.data)
    missing = [name for name in model.feature_names if name not in names]
    if missing:
        raise UsageError(
            f"{args.data}: lacks the model's columns {', '.join(map(repr, missing))} "
            f"(the model was trained on {', '.join(model.feature_names)})"
        )
    target = model.target_name if model.target_name in names else None
    table = read_table(args.data, target=target, features=model.feature_names, require_target=False)
    predictions = model.predict(table.X)
    if args.output is not None:

        def write(f):
            f.write("prediction\n")
            f.writelines(f"{p!r}\n" for p in predictions.tolist())

        atomic_write(args.output, write, force=args.force, flag="--output")
    out = {
        "command": "predict",
        "version": __version__,
        "model": str(args.model),
        "data": str(args.data),
        "rows": len(predictions),
        "features": model.feature_names,
    }
    if table.y is not None:
        out["loss"] = mean_loss(table.X, table.y, model.w, model.b)
        out["r2"] = r2_score(table.X, table.y, model.w, model.b)
    if args.output is not None:
        out["output"] = str(args.output)
    if args.json:
        print(dumps({**out, "predictions": predictions.tolist()}))
    elif args.output is None:
        print("\n".join(repr(p) for p in predictions.tolist()))
    else:
        score = "" if table.y is None else f"; loss {out['loss']:.6g}, R² {_fmt(out['r2'])}"
        print(f"{len(predictions):,} predictions written to {args.output}{score}")
    return 0


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.6f}"
