"""The statistician's table in `train`'s reports: statsmodels' summary of the exact answer
with SGD's coefficients beside it (the numbers are `exact.summary`'s; this renders them as
text in English or Chinese, or as the JSON report's `summary`)."""

from __future__ import annotations

from linscratch.cli.weights import MAX_NAME, MAX_WEIGHTS
from linscratch.exact.summary import LARGE_CONDITION, Summary, summarize
from linscratch.i18n import counted, tr, width
from linscratch.show.scaled_params import shorten


def wanted(run) -> bool:
    """Whether the run's report carries the table: data from a file always, synthetic data
    with `summary`; never without the exact answer."""
    file_data = run.result.w_error is None
    return run.ols is not None and (file_data or run.spec.outputs.summary)


def summary_of(run) -> Summary | None:
    """The run's table, None where the report does not carry it (`wanted`)."""
    return summarize(run) if wanted(run) else None


def _g(value, spec: str = ".6g") -> str:
    return "n/a" if value is None else format(value, spec)


def summary_lines(run, table: Summary, exact_head: str) -> list[str]:
    """The table as text: a title, one line per coefficient (past MAX_WEIGHTS, a line counting
    the rest), then the fit's figures and, above statsmodels' threshold, the condition
    number's note. `exact_head` heads the exact answer's column (least squares, ridge, ...)."""
    if table.inference:
        if table.weighted:
            title = tr("weighted least squares (statsmodels' WLS summary):")
        else:
            title = tr("least squares (statsmodels' OLS summary):")
    else:
        title = tr("coefficients, SGD's beside the exact answer:")
    heads = [tr("parameter"), tr("SGD"), exact_head]
    if table.inference:
        heads += [tr("std err"), "t", "P>|t|", "[0.025", "0.975]"]
    rows = []
    shown = [*range(min(table.d, MAX_WEIGHTS)), *range(table.d, len(table.names))]
    for i in shown:
        row = [shorten(table.names[i], MAX_NAME), _g(table.sgd[i]), _g(table.exact[i])]
        if table.inference:
            ci = table.ci95
            row += [
                _g(None if table.se is None else table.se[i]),
                _g(None if table.t is None else table.t[i], ".4g"),
                _g(None if table.p_value is None else table.p_value[i], ".3g"),
                _g(None if ci is None else ci[i, 0]),
                _g(None if ci is None else ci[i, 1]),
            ]
        rows.append(row)
    lines = [title, *_aligned([heads, *rows])]
    if table.d > MAX_WEIGHTS:
        more = tr("... {more} not shown (--json lists them all)")
        hidden = counted(table.d - MAX_WEIGHTS, "{n:,} more weight", "{n:,} more weights")
        lines.insert(2 + MAX_WEIGHTS, "  " + more.format(more=hidden))
    lines += _figures(table)
    return lines


def _aligned(table: list[list[str]]) -> list[str]:
    """The rows of `table` in columns: the first left-aligned, the others right-aligned."""
    wide = [max(width(row[k]) for row in table) for k in range(len(table[0]))]

    def pad(text: str, k: int) -> str:
        space = " " * (wide[k] - width(text))
        return text + space if k == 0 else space + text

    return ["  " + "  ".join(pad(cell, k) for k, cell in enumerate(row)) for row in table]


def _figures(table: Summary) -> list[str]:
    """The lines under the coefficients: n, d, R², F; the residual standard error and the
    likelihood; the condition number and its note."""
    lines = []
    if table.inference:
        if table.uncentered:
            said = tr(
                "n {n:,}, d {d:,}, no intercept: uncentered R² {r2} (about zero, as "
                "statsmodels), adjusted {adj}; F {f} (p {fp})"
            )
        else:
            said = tr("n {n:,}, d {d:,}: R² {r2}, adjusted R² {adj}; F {f} (p {fp})")
        lines.append(
            said.format(
                n=table.n,
                d=table.d,
                r2=_g(table.r2),
                adj=_g(table.adj_r2),
                f=_g(table.f, ".6g"),
                fp=_g(table.f_p_value, ".3g"),
            )
        )
        lines.append(
            tr(
                "residual standard error {sd} on {dof:,} degrees of freedom; log-likelihood "
                "{llf}, AIC {aic}, BIC {bic}"
            ).format(
                sd=_g(table.residual_sd),
                dof=table.n - len(table.names),
                llf=_g(table.log_likelihood, ".8g"),
                aic=_g(table.aic, ".8g"),
                bic=_g(table.bic, ".8g"),
            )
        )
    else:
        lines.append(
            tr(
                "n {n:,}, d {d:,}: no standard errors, t, p, intervals or fit statistics for "
                "this objective (statsmodels' OLS figures are least squares')"
            ).format(n=table.n, d=table.d)
        )
    cond = tr("condition number of the design (statsmodels'): {cond}").format(
        cond=_g(table.condition_number, ".4g")
    )
    lines.append(cond)
    if table.large_condition:
        lines.append(
            tr(
                "note: the condition number is above {limit:,.0f} (statsmodels' threshold): "
                "the columns are nearly collinear or on very different scales, so a single "
                "coefficient may be far from stable even where the fit is good"
            ).format(limit=LARGE_CONDITION)
        )
    return lines
