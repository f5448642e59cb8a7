"""Reports: what `train` and `sweep` print, as text in English or Chinese (the JSON object is
`json_report`'s). They read a finished `runs.Run` and never change it."""

from __future__ import annotations

import numpy as np

from linscratch.cli.epochs import (
    GAP,
    averaged_line,
    epoch_line,
    schedule_line,
    shown_epoch,
    stopped_line,
)
from linscratch.cli.summary_report import summary_lines, summary_of
from linscratch.cli.weights import MAX_NAME, weight_lines
from linscratch.exact.stability import AUTO_MARGIN
from linscratch.exact.verdicts import excess_of
from linscratch.i18n import counted, language, speaking, tr
from linscratch.losses import LOSSES, said, said_values
from linscratch.resources import exact_cost, stability_cost
from linscratch.show.scaled_params import shorten
from linscratch.train.results import torch_dtype


def gap_text(gap: float | None) -> str:
    """SGD's loss against OLS's: a percentage, or a multiple once it is large."""
    if gap is None:
        return "n/a"
    return f"{gap:+.2%}" if gap < 10 else f"{1 + gap:.3g}x"


def _r2(value) -> str:
    return "n/a" if value is None else f"{value:.6f}"


def comparison_text(gap: float | None) -> str:
    """How SGD's loss compares with OLS's: "+0.36% above it" in English as ever; in Chinese
    高 0.36%, 低 0.01% or 12.2 倍."""
    if gap is None:
        return tr("it fits every row exactly")
    if language() != "zh":
        return tr("SGD's loss is {gap} above it").format(gap=gap_text(gap))
    if gap >= 10:
        return tr("SGD's loss is {gap} times it").format(gap=f"{1 + gap:.3g}")
    if gap >= 0:
        return tr("SGD's loss is {gap} above it").format(gap=f"{gap:.2%}")
    return tr("SGD's loss is {gap} below it").format(gap=f"{abs(gap):.2%}")


def convergence_warning(run, flag) -> str | None:
    """The warning of a run whose SGD did not reach the exact optimum (`Run.converged` False,
    `verdicts.converged`: the estimator's rule), in the language in use: how far it is (the
    loss gap, the largest coefficient difference, in standard errors where they exist) and
    what to do; None for a run that converged or was not judged. `flag` names a field's flag."""
    if run.converged is not False:
        return None
    diffs = np.abs(np.r_[run.coef_diff["w"], run.coef_diff["b"]])
    j = int(diffs.argmax())
    names = [*run.feature_names, "b"]
    se = getattr(run.ols, "se", None)
    if run.spec.model.fit_intercept is False:  # no b: its difference is 0
        diffs, names = diffs[:-1], names[:-1]
        j = int(diffs.argmax())
    far = ""
    if se is not None and len(se) == len(diffs) and se[j] > 0:
        far = tr(", {k:.2g} standard errors").format(k=float(diffs[j] / se[j]))
    if run.loss_gap is None:
        how = tr("its loss is {loss:.3g} where the exact answer fits every row").format(
            loss=run.result.loss
        )
    else:
        how = tr("its loss is {gap} above the exact optimum's (converged: within {limit:.0%})")
        how = how.format(gap=gap_text(run.loss_gap), limit=excess_of(run.spec.optim.num_epochs))
    if run.stability is None:
        todo = tr("train longer ({epochs}), or with another {lr}")
    else:
        todo = tr(
            "train longer ({epochs}), or with another {lr} (SGD's stability limit at batch "
            "size {m} is {limit:.3g}; SGD is steadiest well below it)"
        )
    stability = run.stability or {}
    todo = todo.format(
        epochs=flag("num_epochs"),
        lr=flag("lr"),
        limit=stability.get("lr_max"),
        m=stability.get("batch_size"),
    )
    if run.spec.optim.lr != "auto":
        todo += tr(", or {lr} auto").format(lr=flag("lr"))
    if not run.spec.optim.average:  # a constant rate's noise: the mean of the iterates is past it
        todo += tr(", or {average} 2 (the mean of the iterates, past SGD's noise)").format(
            average=flag("average")
        )
    if run.standardizer is None:
        todo += tr(", or with {standardize}").format(standardize=flag("standardize"))
    return tr(
        "SGD has not converged: {how}; the largest coefficient difference is {diff:.3g} "
        "({name}){far}; {todo}"
    ).format(how=how, diff=float(diffs[j]), name=names[j], far=far, todo=todo)


def data_line(spec, dataset) -> str:
    """The report's first line for data from a file: the file, the target by name and how it
    was chosen (named, or the last column: `files.guess_target`), the features and rows."""
    from linscratch.data.files import (  # start-up: not every run needs it
        TARGET_NAMES,
        named_like_a_target,
    )

    name = dataset.target_name or "y"
    line = tr("{file}: target {target}, {features}, {rows}").format(
        file=spec.data.data or spec.data.dataset,
        target=shorten(name, MAX_NAME),
        features=counted(len(dataset.feature_names), "{n:,} feature", "{n:,} features"),
        rows=counted(len(dataset.y), "{n:,} row", "{n:,} rows"),
    )
    if dataset.source.get("target_guessed"):
        if named_like_a_target(name):
            line += tr(" (the last column; --target names another)")
        else:
            line += tr(
                " (the last column, taken as no --target was given; no column is named "
                "like a target: {names})"
            ).format(names=", ".join(map(repr, TARGET_NAMES)))
    return line


def heads(run) -> tuple[str, str, str]:
    """The headings of the table of parameters: the name's, SGD's and the exact answer's."""
    loss = LOSSES[run.spec.model.loss]
    if loss.squares:
        exact = tr("ridge" if run.weight_decay is not None else "least squares")
    else:  # its minimiser, as the loss names it
        exact = tr(said(loss, "head"))
    return tr("parameter"), tr("SGD"), exact


def _fit_lines(run) -> list[str]:
    """The exact answer beside SGD's; for file data the RMSE; the validation rows."""

    file_data = run.result.w_error is None
    if run.ols is None:
        return [_no_exact(run), *_unpriced(run), *_validation_lines(run, file_data)]
    diffs = np.abs(np.r_[run.coef_diff["w"], run.coef_diff["b"]])
    names = [*run.feature_names, "b"]
    ridge = run.weight_decay is not None
    exact = tr("ridge" if ridge else "least squares")
    loss = LOSSES[run.spec.model.loss]
    if not loss.squares:  # its minimiser, in the loss's words
        template = tr(said(loss, "exact"))
    elif ridge:
        template = tr(
            "exact ridge, λ = {l2:g}: loss {loss:.6g} = mean ½(ŷ − y)² + (λ/2)‖w‖², R² {r2}; "
            "{comparison}, largest coefficient difference {diff:.3g} ({name})"
        )
    else:
        template = tr(
            "exact least squares: loss {loss:.6g} = ½ MSE (MSE {mse:.6g}, RMSE {rmse:.6g}), "
            "R² {r2}; {comparison}, largest coefficient difference {diff:.3g} ({name})"
        )
    lines = [
        template.format(
            l2=run.spec.model.l2,
            loss=run.ols.loss,
            r2=_r2(run.ols.r2),
            comparison=comparison_text(run.loss_gap),
            diff=float(diffs.max()),
            name=names[int(diffs.argmax())],
            what=tr(loss.label),
            rows=run.result.num_examples,
            mse=2 * run.ols.loss,
            rmse=float(np.sqrt(2 * run.ols.loss)),
            **said_values(loss, run.spec.model, run.ols),
        )
    ]
    if file_data and run.rmse is not None:
        rows = run.result.num_examples
        target = shorten(run.target_name or "y", MAX_NAME)
        rmse, ols = run.rmse["sgd"], run.rmse["ols"]
        weights = run.spec.data.weights  # the column of row weights, or None
        if weights is None:
            template = tr(
                "RMSE √(mean (ŷ − y)²) over the {rows:,} training rows, in {target}'s units: "
                "{rmse:.6g} ({exact}: {ols:.6g})"
            )
        else:
            template = tr(
                "RMSE √(Σsᵢ(ŷᵢ − yᵢ)² / Σsᵢ), weighted by {weights}, over the {rows:,} "
                "training rows, in {target}'s units: {rmse:.6g} (weighted {exact}: {ols:.6g})"
            )
        lines.append(
            template.format(
                rows=rows, target=target, rmse=rmse, ols=ols, weights=weights, exact=exact
            )
        )
    lines += _validation_lines(run, file_data, exact)
    if ridge:
        decay = run.weight_decay
        standardized = ""
        if run.standardizer is not None:
            standardized = tr(" (the standardized weights)")
        lines.append(
            tr(
                "weight decay: (λ/2)‖w‖² of SGD {sgd:.6g}, of ridge {exact:.6g}; ‖w‖ of SGD "
                "{sgd_norm:.6g}, of ridge {exact_norm:.6g}{standardized}"
            ).format(
                sgd=decay["sgd"],
                exact=decay["exact"],
                sgd_norm=decay["sgd_w_norm"],
                exact_norm=decay["exact_w_norm"],
                standardized=standardized,
            )
        )
    return lines


def auto_line(run) -> list[str]:
    """With `lr` auto, the rate chosen and the limits it was chosen from."""
    bound = run.stability
    if run.spec.optim.lr != "auto" or not bound:
        return []
    text = tr(
        "learning rate auto: {lr:.4g}, {margin} x SGD's stability limit at batch size {m} = "
        "{limit:.4g} (gradient descent's 2/λ_max = {gd:.4g})"
    )
    return [
        text.format(
            lr=bound["lr_auto"],
            margin=AUTO_MARGIN,
            m=bound["batch_size"],
            limit=bound["lr_max"],
            gd=bound["gd_lr_max"],
        )
    ]


def _unpriced(run) -> list[str]:
    """Without the exact answer: a line where the stability limit was not estimated (too
    costly, `resources.decide_stability`), and one where the rows are fewer than the
    parameters (the exact answer would fit every row, and so may SGD's)."""

    n, d = run.result.num_examples, len(run.feature_names)
    lines = []
    if run.stability is None:
        lines.append(
            tr(
                "stability limits: skipped, about {seconds:.0f} s for {n:,} rows x "
                "{d:,} features; no warning if --lr exceeds it"
            ).format(seconds=stability_cost(n, d), n=n, d=d)
        )
    p = d + run.spec.model.fit_intercept
    if n < p:
        lines.append(
            tr(
                "{n:,} rows, fewer than the {p:,} parameters: many answers fit every row "
                "exactly, and SGD finds one of them"
            ).format(n=n, p=p)
        )
    return lines


def _no_exact(run) -> str:
    """The line that says the exact answer was not computed, and why."""
    loss = LOSSES[run.spec.model.loss]
    if run.exact in ("never", "computed"):  # computed, yet none: the loss has none here
        return tr(loss.not_computed)

    n, d, what = run.result.num_examples, len(run.feature_names), tr(loss.label)
    return tr(
        "{what}: skipped, about {seconds:.0f} s for {n:,} rows x {d:,} features "
        "(--exact always computes it)"
    ).format(what=what, seconds=exact_cost(n, d, loss.exact_passes), n=n, d=d)


def _validation_lines(run, file_data: bool, exact: str = "") -> list[str]:
    """The held-out rows' line, if any (without the exact answer, SGD's numbers alone)."""
    v = run.validation
    if v is None:
        return []
    if v["ols_loss"] is None and v.get("rmse") is None:  # Huber's loss: no RMSE or R²
        return [tr("validation ({rows} rows): loss {loss:.6g}").format(**v)]
    if v["ols_loss"] is None:
        text = tr("validation ({rows} rows): loss {loss:.6g}, RMSE {rmse:.6g}, R² {r2}")
        return [text.format(rows=v["rows"], loss=v["loss"], rmse=v.get("rmse"), r2=_r2(v["r2"]))]
    loss = LOSSES[run.spec.model.loss]
    if not loss.squares:  # its minimiser's loss, in the loss's words
        template = tr(said(loss, "validation"))
    elif file_data:
        template = tr(
            "validation ({rows} rows): loss {loss:.6g}, RMSE {rmse:.6g}, R² {r2} ({exact}: loss "
            "{ols:.6g}, RMSE {ols_rmse:.6g})"
        )
    else:
        template = tr("validation ({rows} rows): loss {loss:.6g}, R² {r2} ({exact}: {ols:.6g})")
    return [
        template.format(
            rows=v["rows"],
            loss=v["loss"],
            r2=_r2(v["r2"]),
            ols=v["ols_loss"],
            rmse=v.get("rmse"),
            ols_rmse=v.get("ols_rmse"),
            exact=exact,
        )
    ]


def train_text(run, seed_drawn: bool, lang: str = "en", epochs: bool = True) -> str:
    """The text of `train` in `lang`: the epoch lines as the book prints them (left out
    without `epochs`: `EpochLines` printed them as they ended), then the estimation errors
    (synthetic data) or the learned parameters by column (within the statistician's table,
    `summary_report`, for data from files or with `summary`), the exact answer, the RMSE
    (file data), the timing line."""
    with speaking(lang):
        return _train_text(run, seed_drawn, epochs)


def _train_text(run, seed_drawn: bool, epochs: bool) -> str:
    result, outputs = run.result, run.spec.outputs
    losses, last = (result.losses if epochs else []), len(result.losses)
    total = run.spec.optim.epoch_limit  # the epochs asked for; fewer ran if stopped early
    shown = [i for i in range(1, len(losses) + 1) if shown_epoch(i, total) or i == last]
    lines = [epoch_line(i, losses[i - 1]) for i in shown]
    if len(shown) > 1 and not shown_epoch(last, total) and shown[-2] < last - 1:
        lines.insert(-1, GAP)  # stopped early, between two epochs the rule did not space so
    lines += stopped_line(run) + averaged_line(run) + schedule_line(run) + auto_line(run)
    if result.w_error is not None:  # as the book prints them: torch tensors in the run's dtype
        import torch  # start-up: torch only when a run needs it

        tdtype = torch_dtype(result.dtype)
        w_error, b_error = tr("error in estimating w"), tr("error in estimating b")
        lines.append(f"{w_error}: {torch.tensor(result.w_error, dtype=tdtype)}")
        lines.append(f"{b_error}: {torch.tensor([result.b_error], dtype=tdtype)}")
    table = summary_of(run)
    if table is not None:  # the statistician's table, with SGD's column: in place of the plain one
        lines += summary_lines(run, table, heads(run)[2])
    elif result.w_error is None:
        lines += weight_lines(run, heads(run))
    lines += _fit_lines(run)
    summary = tr(
        "{epochs} x {examples} in {secs:.3f} s ({sps:,.0f} samples/s), engine "
        "{engine}, {dtype}, seed {seed}"
    ).format(
        epochs=counted(last, "{n} epoch", "{n} epochs"),
        examples=counted(result.num_examples, "{n:,} example", "{n:,} examples"),
        secs=result.train_seconds,
        sps=result.samples_per_second,
        engine=result.engine,
        dtype=result.dtype,
        seed=result.seed,
    )
    drawn = tr(" (drawn; repeat with --seed {seed})").format(seed=result.seed)
    if run.spec.execution.threads != "auto":  # asked for: said (auto's choice is in --json)
        summary += tr(", {threads}").format(
            threads=counted(run.threads, "{n} thread", "{n} threads")
        )
    lines.append(summary + (drawn if seed_drawn else ""))
    check = result.check_grad
    if check is not None:
        said = tr(
            "gradient check, analytic vs autograd on {batches} batches: max abs diff "
            "{abs:.3g}, max rel diff {rel:.3g} (tolerance {tol:.0e}): {verdict}"
        )
        verdict = tr("ok") if check["passed"] else tr("FAILED")
        lines.append(
            said.format(
                batches=check["batches"],
                abs=check["max_abs_diff"],
                rel=check["max_rel_diff"],
                tol=check["tolerance"],
                verdict=verdict,
            )
        )
    if outputs.plot is not None:
        lines.append(tr("plot written to {path}").format(path=outputs.plot))
    if outputs.save is not None:
        lines.append(tr("model saved to {path}").format(path=outputs.save))
    if outputs.save_exact is not None:
        lines.append(tr("exact answer saved to {path}").format(path=outputs.save_exact))
    return "\n".join(lines)
