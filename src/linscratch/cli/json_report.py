"""`train`'s --json object, and every command's JSON printing: strict JSON, the run's numbers
at full precision (their keys are an interface: docs/guide/train.md, "--json")."""

from __future__ import annotations

import json
import math

from linscratch import __version__
from linscratch.cli.epochs import stopped_early
from linscratch.cli.summary_report import summary_of
from linscratch.train.schedules import describe


def finite(value):
    """The value with every non-finite float (an infinite condition number, say) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(report: dict) -> str:
    """A command's --json object: strict JSON, non-finite numbers written as null."""
    return json.dumps(finite(report), allow_nan=False)


def train_json(run, source: dict, seed_drawn: bool) -> dict:
    """The --json object of `train`: inputs, results at full precision, timings."""
    result, spec = run.result, run.spec
    out = {
        "command": "train",
        "version": __version__,
        "seed": result.seed,
        "seed_drawn": seed_drawn,
        "config": spec.to_dict(),
        "data": {**source, "features": run.feature_names, "target": run.target_name},
        "epochs": epoch_rows(result),
        "stopped_early": stopped_early(run),
        "lr_schedule": describe(spec.optim) | {"last_lr": result.last_lr},
        "loss": result.loss,
        "w": result.w,
        "b": result.b,
        "r2": run.r2,
        "ols": None if run.ols is None else run.ols.to_dict(),
        "exact": run.exact,
        "loss_gap": run.loss_gap,
        "converged": run.converged,
        "coef_diff": run.coef_diff,
        **({} if run.weight_decay is None else {"weight_decay": run.weight_decay}),
        "validation": run.validation,
        "rmse": None if run.rmse is None else run.rmse["sgd"],
        "ols_rmse": None if run.rmse is None else run.rmse["ols"],
        "stability": run.stability,
        "standardization": None if run.standardizer is None else run.standardizer.to_dict(),
        "engine": result.engine,
        "shuffle": result.shuffle,
        "threads": run.threads,  # the threads the passes used (config's auto decided)
        "train_seconds": result.train_seconds,
        "compile_seconds": result.compile_seconds,
        "samples_per_second": result.samples_per_second,
    }
    if result.w_error is not None:
        out.update(
            true_w=list(spec.data.true_w),
            true_b=spec.data.true_b,
            w_error=result.w_error,
            b_error=result.b_error,
        )
    if result.check_grad is not None:
        out["check_grad"] = result.check_grad
    table = summary_of(run)
    if table is not None:
        out["summary"] = table.to_dict()
    if spec.outputs.save is not None:
        out["model"] = spec.outputs.save
    if spec.outputs.save_exact is not None:
        out["exact_model"] = spec.outputs.save_exact
    if spec.outputs.plot is not None:
        out["plot"] = spec.outputs.plot
    return out


def epoch_rows(result) -> list[dict]:
    """The JSON's epochs: each one's loss, and with iterate averaging the last iterate's
    (`raw_loss`) beside the mean's (`loss`)."""
    rows = [{"epoch": i, "loss": loss} for i, loss in enumerate(result.losses, 1)]
    for row, raw in zip(rows, result.raw_losses or (), strict=False):
        row["raw_loss"] = raw
    return rows
