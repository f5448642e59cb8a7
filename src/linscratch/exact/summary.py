"""The statistician's table: statsmodels' `OLS(...).fit().summary()` (or `WLS` with row
weights) read from the run's exact answer, with SGD's coefficients beside it.

As statsmodels splits a model from its results, the numbers are computed here, from what the
run already holds (the exact answer and its standard errors, `solve.OLSResult`), and rendered
by the command line (`cli/summary_report.py`); nothing here runs during the fit. With
p = d + 1 parameters (d without the intercept), n rows, RSS the (weighted) residual sum of
squares and TSS the total (centered about the (weighted) mean, or Σsᵢyᵢ² through the origin,
where R² is the uncentered one, as statsmodels names it):

- t = θ / se, its p value 2·P(T > |t|) for T of Student's t with n − p degrees of freedom
  (`scipy.special.stdtr`, the function `scipy.stats.t.sf` calls), the interval θ ± t₀.₉₇₅·se;
- adjusted R² = 1 − (n − k₀)/(n − p)·(1 − R²), k₀ = 1 with an intercept, 0 without;
- F = (ESS / df_model) / (RSS / (n − p)), ESS = TSS − RSS, df_model = p − k₀, its p value
  P(F(df_model, n − p) > F) (`scipy.special.fdtrc`);
- the residual standard error √(RSS / (n − p)), in the weights as the file gives them;
- the log-likelihood −n/2·(log 2π + log(RSS/n) + 1) (+ ½Σ log sᵢ weighted), AIC = −2ℓ + 2p,
  BIC = −2ℓ + p·log n;
- the condition number of the design as statsmodels computes it: the ratio of the largest to
  the smallest singular value of A = [X 1] (rows scaled by √sᵢ), the constant included, in
  the data's own units. statsmodels notes it above 1,000 (`LARGE_CONDITION`).

Every figure is invariant to the weights' rescaling by a power of four (`weights.rescaled`)
except RSS and the residual standard error, which are given in the file's weights, and the
log-likelihood, whose ½Σ log sᵢ is taken in the file's weights too.

Other objectives have less: ridge, Huber's and the epsilon-insensitive loss have no standard
errors in statsmodels' sense (their minimisers are not least squares: `fit_regularized` and
`RLM` give other tables), so their table has the coefficients alone, SGD's and the exact
answer's, with n, d and the condition number of the design (`Summary.inference` False).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LARGE_CONDITION = 1000.0  # statsmodels' summary notes a condition number above this


@dataclass(frozen=True)
class Summary:
    """One row per coefficient (`names`: the features', then "const" as statsmodels names
    the intercept), each an array (p,): SGD's value `sgd`, the exact answer's `exact`, and
    with `inference` its standard error `se`, `t`, `p_value` and 95% interval `ci95` (p, 2);
    under them `n`, `d`, `r2` (`uncentered` without an intercept), `adj_r2`, `f`, `f_p_value`,
    `residual_sd`, `log_likelihood`, `aic`, `bic`, `condition_number`; `weighted` (WLS).
    Figures that are undefined (no degrees of freedom left, a rank-deficient design, another
    loss) are None."""

    names: list[str]
    sgd: np.ndarray
    exact: np.ndarray
    se: np.ndarray | None
    t: np.ndarray | None
    p_value: np.ndarray | None
    ci95: np.ndarray | None
    n: int
    d: int
    r2: float | None
    uncentered: bool
    adj_r2: float | None
    f: float | None
    f_p_value: float | None
    residual_sd: float | None
    log_likelihood: float | None
    aic: float | None
    bic: float | None
    condition_number: float | None
    weighted: bool
    inference: bool

    @property
    def large_condition(self) -> bool:
        """Whether the condition number is above statsmodels' threshold, `LARGE_CONDITION`."""
        return self.condition_number is not None and self.condition_number > LARGE_CONDITION

    def to_dict(self) -> dict:
        """The JSON report's `summary`: a row by name, then the fit's figures."""

        def at(values, i):
            return None if values is None else values[i].tolist()

        rows = [
            {
                "name": name,
                "sgd": float(self.sgd[i]),
                "exact": float(self.exact[i]),
                "se": at(self.se, i),
                "t": at(self.t, i),
                "p_value": at(self.p_value, i),
                "ci95": at(self.ci95, i),
            }
            for i, name in enumerate(self.names)
        ]
        return {
            "coefficients": rows,
            "n": self.n,
            "d": self.d,
            "r2": self.r2,
            "r2_uncentered": self.uncentered,
            "adj_r2": self.adj_r2,
            "f": self.f,
            "f_p_value": self.f_p_value,
            "residual_sd": self.residual_sd,
            "log_likelihood": self.log_likelihood,
            "aic": self.aic,
            "bic": self.bic,
            "condition_number": self.condition_number,
            "large_condition": self.large_condition,
            "condition_threshold": LARGE_CONDITION,
            "weighted": self.weighted,
            "inference": self.inference,
        }


def summarize(run) -> Summary | None:
    """The table of a finished run (a `runs.Run`: its `result`, `ols`, `feature_names`,
    `spec`, `log_weights`, `condition_number`), None without the exact answer. Least
    squares (no weight decay, the squared loss) gets statsmodels' whole table; another
    objective its coefficients."""
    exact = run.ols
    if exact is None:
        return None
    intercept = run.spec.model.fit_intercept
    names = [*run.feature_names, *(["const"] if intercept else [])]
    d = len(run.feature_names)
    sgd = np.r_[run.result.w, run.result.b] if intercept else np.asarray(run.result.w, float)
    theta = np.r_[exact.w, exact.b] if intercept else np.asarray(exact.w, float)
    cond = run.condition_number  # of the design, whatever the loss
    cond = None if cond is None or not math.isfinite(cond) else float(cond)
    weighted = run.spec.data.weights is not None
    least_squares = run.spec.model.loss == "squared" and not run.spec.model.l2
    base = dict(names=names, sgd=np.asarray(sgd, float), exact=np.asarray(theta, float), d=d)
    base.update(condition_number=cond, weighted=weighted)
    p = len(names)
    n = run.result.num_examples
    if not least_squares:
        none = dict.fromkeys(("se", "t", "p_value", "ci95", "r2", "adj_r2", "f", "f_p_value"))
        none.update(residual_sd=None, log_likelihood=None, aic=None, bic=None)
        return Summary(**base, **none, n=n, uncentered=not intercept, inference=False)
    return _least_squares(exact, base, n, p, intercept, run.log_weights)


def _least_squares(exact, base: dict, n: int, p: int, intercept: bool, log_weights) -> Summary:
    """statsmodels' figures of a least-squares answer `exact` (`solve.OLSResult`) on n rows."""
    from scipy.special import fdtrc, stdtr  # start-up: scipy only when the table is asked for

    dof = exact.dof
    se, t, p_value, ci95 = exact.se, None, None, None
    if se is not None:
        t = base["exact"] / se
        p_value = 2 * stdtr(dof, -np.abs(t))
        ci95 = exact.ci95
    sd = exact.residual_sd  # √(RSS/dof), in the file's weights
    r2 = exact.r2
    k0 = int(intercept)
    adj = f = f_p = llf = aic = bic = None
    if dof > 0 and r2 is not None:
        adj = 1 - (n - k0) / dof * (1 - r2)
        df_model = exact.rank - k0
        if df_model > 0 and r2 < 1:
            f = r2 / (1 - r2) * dof / df_model  # (ESS/df_model) / (RSS/dof), ESS/RSS = R²/(1−R²)
            f_p = float(fdtrc(df_model, dof, f))
    if sd is not None and sd > 0:
        rss = sd * sd * dof
        llf = -n / 2 * (math.log(2 * math.pi) + math.log(rss / n) + 1)
        if log_weights is not None:
            llf += 0.5 * log_weights
        k = exact.rank
        aic, bic = -2 * llf + 2 * k, -2 * llf + k * math.log(n)
    return Summary(
        **base,
        se=se,
        t=t,
        p_value=p_value,
        ci95=ci95,
        n=n,
        r2=r2,
        uncentered=not intercept,
        adj_r2=adj,
        f=f,
        f_p_value=f_p,
        residual_sd=sd,
        log_likelihood=llf,
        aic=aic,
        bic=bic,
        inference=True,
    )
