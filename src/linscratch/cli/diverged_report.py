"""What `train` reports when SGD diverged: the exact least-squares answer, which does not
depend on SGD, as text (printed before the error line) or as the rest of the JSON document
that carries the error. It reads a `diverged.DivergedRun`."""

from __future__ import annotations

from linscratch import __version__
from linscratch.cli.json_report import finite
from linscratch.cli.weights import table_lines
from linscratch.i18n import speaking, tr
from linscratch.losses import LOSSES, said, said_values


def diverged_text(run, lang: str = "en") -> str:
    """The exact answer by parameter (for synthetic data beside the truth), its loss, RMSE
    and R², and on held-out rows its loss and RMSE, in `lang`; for a loss that does not
    minimise squares, its minimiser and its loss (named by its label, `Loss.label`)."""
    loss = LOSSES[run.spec.model.loss]
    with speaking(lang):
        if loss.squares:
            return _least_squares_text(run)
        return _minimiser_text(run, loss)


def _columns(run, answer: str) -> tuple[tuple, list]:
    """The table's heads and columns: the exact answer (headed `answer`), after the truth
    where the data are synthetic."""
    heads, columns = (tr("parameter"), answer), [(run.ols.w, run.ols.b)]
    if run.spec.data.synthetic:
        heads = (heads[0], tr("true"), heads[1])
        columns.insert(0, (run.spec.data.true_w, run.spec.data.true_b))
    return heads, columns


def _least_squares_text(run) -> str:
    heads, columns = _columns(run, tr("least squares"))
    said = tr(
        "SGD diverged (the error follows); the exact least-squares answer on the {rows:,} "
        "training rows does not depend on it:"
    )
    loss_line = tr("exact least squares: loss {loss:.6g}, RMSE {rmse:.6g}, R² {r2}")
    if run.ols.l2:  # weight decay: ridge's answer, its loss the penalised objective
        heads = (*heads[:-1], tr("ridge"))
        said = tr(
            "SGD diverged (the error follows); the exact ridge answer (λ = {l2:g}) on the "
            "{rows:,} training rows does not depend on it:"
        )
        loss_line = tr(
            "exact ridge: loss {loss:.6g} (with the penalty (λ/2)‖w‖²), RMSE {rmse:.6g}, R² {r2}"
        )
    lines = [
        said.format(rows=run.rows, l2=run.ols.l2),
        *table_lines(run.feature_names, columns, heads),
        loss_line.format(
            loss=run.ols.loss,
            rmse=run.rmse,
            r2="n/a" if run.ols.r2 is None else f"{run.ols.r2:.6f}",
        ),
    ]
    v = run.validation
    if v is not None:
        text = tr("validation ({rows} rows), exact least squares: loss {loss:.6g}, RMSE {rmse:.6g}")
        if run.ols.l2:
            text = tr("validation ({rows} rows), exact ridge: loss {loss:.6g}, RMSE {rmse:.6g}")
        lines.append(text.format(rows=v["rows"], loss=v["ols_loss"], rmse=v["ols_rmse"]))
    return "\n".join(lines)


def _minimiser_text(run, loss) -> str:
    """`diverged_text` of a run on a loss that does not minimise squares: its exact minimiser
    and its loss, in the loss's words (`losses.said`: Huber's names its δ)."""
    label = tr(loss.label)
    heads, columns = _columns(run, tr(said(loss, "head")))
    values = said_values(loss, run.spec.model, run.ols)
    lines = [
        tr(said(loss, "diverged")).format(what=label, rows=run.rows, **values),
        *table_lines(run.feature_names, columns, heads),
        tr("{what}: loss {loss:.6g}").format(what=label, loss=run.ols.loss),
    ]
    return "\n".join(lines)


def diverged_json(error, source: dict, seed_drawn: bool) -> dict:
    """The keys of `train --json` that still hold when SGD diverged (docs/guide/output.md): the
    run's settings and data, the epochs before it diverged, where it diverged, the exact answer and
    the stability limit. The CLI adds "error"."""
    run = error.run
    spec = run.spec
    out = {
        "command": "train",
        "version": __version__,
        "seed": spec.seed,
        "seed_drawn": seed_drawn,
        "config": spec.to_dict(),
        "data": {**source, "features": run.feature_names, "target": run.target_name},
        "epochs": [{"epoch": i, "loss": loss} for i, loss in enumerate(run.losses, 1)],
        "diverged_at": {"epoch": error.epoch, "step": error.step, "loss": error.grew},
        "ols": run.ols.to_dict(),
        "ols_rmse": run.rmse,
        "validation": run.validation,
        "stability": run.stability,
        "standardization": None if run.standardizer is None else run.standardizer.to_dict(),
    }
    if spec.data.synthetic:
        out.update(true_w=list(spec.data.true_w), true_b=spec.data.true_b)
    return finite(out)
