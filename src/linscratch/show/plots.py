"""Figures: how a run learned (`train --plot`) and what a sweep found (`sweep --plot`).

Built on matplotlib's object API (no pyplot, no display needed) and written atomically.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

from linscratch import i18n
from linscratch.data import destinations
from linscratch.exact.solve import ols
from linscratch.i18n import tr
from linscratch.losses import LOSSES
from linscratch.show import fonts, scaled_params

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def save(fig, path: str, force: bool) -> None:
    """Write the figure through a temporary file renamed into place."""

    fmt = Path(path).suffix.lower()[1:]
    destinations.atomic_write(
        path, lambda f: fig.savefig(f, format=fmt, dpi=130), force, "plot", binary=True
    )


def _smooth(values: np.ndarray) -> np.ndarray:
    """Each step's average over the last tenth of the steps so far (a window that grows with
    the step, so the curve is as smooth at epoch 1 as at epoch 10,000 on a log axis)."""
    c = np.r_[0.0, np.cumsum(values)]
    i = np.arange(1, len(values) + 1)
    lo = i - np.maximum(1, i // 10)
    return (c[i] - c[lo]) / (i - lo)


def chinese_font(fig):
    """Every text of `fig` set in the CJK font that `fonts.figure_text` found: in Chinese all
    of them, in English those holding Chinese (a column's name), so that the figure renders
    the same wherever it is drawn later (a notebook); where no CJK font is installed and a
    text needs one, one line says so (`fonts.no_font_notice`). Returns `fig`."""

    texts = fig.findobj(Text)
    wide = [t for t in texts if fonts.needs_cjk(t.get_text())]
    chinese = i18n.language() == "zh"
    if not chinese and not wide:
        return fig
    font = fonts.cjk_font()
    if font is None:
        if wide:
            fonts.no_font_notice()
        return fig
    for text in texts if chinese else wide:
        text.set_fontfamily(fonts.family(font))
    return fig


def figure_title(fig, result) -> None:
    title = tr("linscratch: {epochs} of minibatch SGD, engine {engine}, seed {seed}")
    epochs = i18n.counted(len(result.losses), "{n} epoch", "{n} epochs")
    fig.suptitle(
        title.format(epochs=epochs, engine=result.engine, seed=result.seed),
        fontsize=11,
    )


def parameter_labels(feature_names: list[str]) -> list[str]:
    if len(feature_names) <= 9:
        return [f"w{j + 1}".translate(SUBSCRIPTS) for j in range(len(feature_names))] + ["b"]
    return [f"w{j + 1}" for j in range(len(feature_names))] + ["b"]


def training_figure(run, X, y, true_w=None, true_b=None):
    """The loss (per epoch, per step smoothed, validation, the OLS optimum), the parameters'
    paths toward the truth or the OLS answer, and for one or two features the data with the
    fitted line, as the book plots features[:, 1] against labels."""

    trace = run.trace
    loss = LOSSES[run.spec.model.loss]
    d = len(run.feature_names)
    synthetic = true_w is not None
    panels = 2 + (not synthetic) + (d <= 2)  # a file's run: its coefficients as reported
    fig = Figure(figsize=(5.2 * panels, 4.4), layout="constrained")
    axes = list(fig.subplots(1, panels))
    _loss_panel(axes[0], run, trace)
    if not synthetic:
        coefficients_panel(axes.pop(2), run)
    target = (
        np.r_[np.ravel(np.asarray(true_w, np.float64)), true_b]
        if synthetic
        else np.r_[_exact(run).w, _exact(run).b]
    )
    _params_panel(axes[1], run, trace, target, None if synthetic else (X, y))
    if not synthetic and run.ols is None:  # no exact answer: the dashes are SGD's last values
        axes[1].set_title(tr("Parameters, step by step"))
        axes[1].set_ylabel(
            tr(
                "y's change per standard deviation of each column, in standard deviations of "
                "y;\ndashed: SGD's final values (no exact answer)"
            ),
            fontsize=8,
        )
    elif not synthetic and not loss.squares:  # the target is the loss's own minimiser
        axes[1].set_title(tr(loss.title))
        axes[1].set_ylabel(tr(loss.dashed), fontsize=8)
    if d <= 2:
        exact = _exact(run)
        reference = (
            (true_w, true_b, tr("truth")) if synthetic else (exact.w, exact.b, _exact_label(run))
        )
        if not synthetic and run.ols is None:  # no exact answer: SGD's line alone
            reference = None
        names, target = run.feature_names, run.target_name
        data_panel(axes[2], run.result.w, run.result.b, X, y, names, target, reference)
        if not loss.squares:  # what the squared loss would make of the rows, outliers and all
            squares = ols(np.asarray(X, np.float64), np.asarray(y, np.float64).reshape(-1))
            _line(axes[2], X, squares.w, squares.b, tr("least squares"))
    figure_title(fig, run.result)
    return chinese_font(fig)


def _loss_panel(ax, run, trace) -> None:
    steps = trace["steps_per_epoch"]
    step_loss = trace["step_loss"]
    x = np.arange(1, len(step_loss) + 1) / steps
    ax.plot(
        x, step_loss, color="tab:blue", alpha=0.18, linewidth=0.6, label=tr("each step's batch")
    )
    ax.plot(
        x,
        _smooth(step_loss),
        color="tab:blue",
        linewidth=1.4,
        label=tr("batches, averaged over the last 10% of steps"),
    )
    epochs = np.arange(1, len(run.result.losses) + 1)
    few = len(epochs) <= 50  # markers while they can be told apart
    ax.plot(
        epochs,
        run.result.losses,
        "o-" if few else "-",
        color="black",
        markersize=4,
        label=tr("all rows, per epoch"),
    )
    if run.validation is not None:
        ax.plot(
            epochs,
            run.validation["epochs"],
            "s--" if few else "--",
            color="tab:orange",
            markersize=4,
            label=tr("held-out rows ({rows})").format(rows=run.validation["rows"]),
        )
    loss = LOSSES[run.spec.model.loss]
    if run.ols is not None:
        ax.axhline(
            run.ols.loss,
            color="tab:green",
            linestyle=":",
            linewidth=1.5,
            label=_exact_label(run),
        )
    ax.set_yscale("log")
    epoch_axis(ax, len(epochs))
    ax.set_ylabel(tr(loss.axis))
    ax.set_title(tr("Training loss"))
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.25)


def epoch_axis(ax, epochs: int) -> None:
    """Epochs on a log scale for long runs, where the early progress would be a sliver."""
    if epochs >= 100:
        ax.set_xscale("log")
        ax.set_xlabel(tr("epoch (log scale)"))
    else:
        ax.set_xlabel(tr("epoch"))


SHOWN_COEFFICIENTS = 12  # rows of the coefficients panel; the rest counted in the last


def coefficients_panel(ax, run) -> None:
    """The final coefficients in the units the report prints, SGD's (dots) beside the exact
    answer's (rings), a row each, the largest |exact| first: the `SHOWN_COEFFICIENTS` - 1
    largest weights and b by name, the rest counted in a last row ("+k more (smallest |w|)"),
    none hidden silently. The axis is symmetric-logarithmic: a weight of 0.002 and an
    intercept of millions each stay readable, and every row is labelled with both values."""
    exact, names = _exact(run), run.feature_names
    sgd = np.r_[np.asarray(run.result.w, np.float64), run.result.b]
    target = np.r_[np.asarray(exact.w, np.float64), exact.b]
    order = [int(j) for j in np.argsort(-np.abs(target[:-1]), kind="stable")]
    shown = [*order[: SHOWN_COEFFICIENTS - 1], len(target) - 1]
    hidden = order[SHOWN_COEFFICIENTS - 1 :]
    labels = ["b" if j == len(target) - 1 else scaled_params.shorten(names[j], 18) for j in shown]
    ys = np.arange(len(shown))[::-1]
    ax.scatter(target[shown], ys, s=70, facecolors="none", edgecolors="tab:green", linewidths=1.5,
               label=_exact_label(run), zorder=2)  # fmt: skip
    ax.scatter(sgd[shown], ys, s=18, color="tab:blue", label=tr("SGD"), zorder=3)
    for y, j in zip(ys, shown, strict=True):
        ax.annotate(f"{sgd[j]:.4g} / {target[j]:.4g}", (1, y), xycoords=("axes fraction", "data"),
                    xytext=(-3, 4), textcoords="offset points", ha="right", fontsize=7,
                    color="0.35")  # fmt: skip
    _symlog(ax, np.r_[sgd[shown], target[shown]])
    if hidden:
        ys = np.r_[ys, -1]
        labels.append(scaled_params.more_label([names[j] for j in hidden]))
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_ylim(ys.min() - 0.7, ys.max() + 0.9)
    ax.set_xlabel(
        tr("value in the data's units (symmetric log scale); labels: SGD / exact"), fontsize=8
    )
    ax.set_title(tr("Coefficients as reported"))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax.grid(True, axis="x", alpha=0.25)


def _symlog(ax, values: np.ndarray) -> None:
    """A symmetric-logarithmic x axis for `values`: linear within the smallest nonzero
    magnitude's decade, ticks at most four decades a side (0 marked by a line)."""
    sizes = np.abs(values[np.isfinite(values)])
    sizes = sizes[sizes > 0]
    if not len(sizes):
        return
    low, high = int(np.floor(np.log10(sizes.min()))), int(np.ceil(np.log10(sizes.max())))
    ax.set_xscale("symlog", linthresh=10.0**low)
    step = max(1, -(-(high - low) // 4))
    decades = [10.0**k for k in range(high, low - 1, -step)]
    sides = [*(-v for v in decades if (values < 0).any()), 0.0, *decades[::-1]]
    ax.set_xticks(sides)
    ax.axvline(0, color="0.6", linewidth=0.8, zorder=1)


def _params_panel(ax, run, trace, target, rows=None) -> None:
    """The parameters' path toward `target`: the truth (synthetic data), or for a file's rows
    `rows` = (X, y) the least-squares answer, each parameter standardized (`scaled_params`)."""
    steps = trace["steps_per_epoch"]
    names = parameter_labels(run.feature_names)
    # The path: parameters at sampled steps and at every epoch's end, in step order.
    ends = trace["epoch_params"]  # (epochs + 1, d + 1)
    x = np.r_[np.arange(len(ends)), trace["param_steps"] / steps]
    order = np.argsort(x, kind="stable")
    x, path = x[order], np.r_[ends, trace["params"]][order]  # (points, d + 1)
    if len(ends) > 100:  # a log axis: leave out the start at epoch 0
        x, path = x[1:], path[1:]
    if rows is not None:
        scale = scaled_params.scales(*rows, run.standardizer)
        standard = scaled_params.standardized(target, *scale)[0]
        path = scaled_params.standardized(path, *scale)
        scaled_params.draw(ax, x, path, standard, run.feature_names)
        epoch_axis(ax, len(ends) - 1)
        ax.legend(fontsize=7, ncol=2 if len(standard) > 5 else 1)
        ax.grid(True, alpha=0.25)
        return
    mags = np.abs(target)
    raw = len(target) <= 6 and mags.min() > 0 and mags.max() / mags.min() < 100
    if raw:
        for j, name in enumerate(names):
            (line,) = ax.plot(x, path[:, j], linewidth=1.4, label=name)
            ax.axhline(target[j], color=line.get_color(), linestyle="--", linewidth=1)
        ax.set_ylabel(tr("value (dashed: truth)"))
        ax.set_title(tr("Parameters approaching the true values"))
    else:
        # Relative to each target, but never to less than the targets' root mean square: a
        # target near zero would otherwise turn a tiny distance into a huge one.
        rms = float(np.sqrt(np.mean(target**2))) or 1.0
        rel = np.abs(path - target) / np.maximum(mags, rms)
        if len(target) <= 6:
            for j, name in enumerate(names):
                ax.plot(x, np.maximum(rel[:, j], 1e-16), linewidth=1.4, label=name)
        else:
            dist = np.linalg.norm(path - target, axis=1) / max(np.linalg.norm(target), 1e-300)
            ax.plot(
                x,
                np.maximum(dist, 1e-16),
                linewidth=1.4,
                label=tr("all parameters, ‖θ − θ*‖/‖θ*‖"),
            )
        ax.set_yscale("log")
        ax.set_ylabel(tr("relative distance |θ − θ*| / max(|θ*|, rms θ*)  (log scale)"), fontsize=9)
        ax.set_title(tr("Distance to the true values"))
    epoch_axis(ax, len(ends) - 1)
    ax.legend(fontsize=8, ncol=2 if len(target) > 4 else 1)
    ax.grid(True, alpha=0.25)


def data_panel(ax, w, b, X, y, names, target, reference=None) -> None:
    """The rows and the learned line, as the book plots features[:, 1] against labels: the last
    feature on x, the others at their mean; `reference` (w, b, label) adds a dashed line."""
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64).reshape(-1)
    j = X.shape[1] - 1
    rows = np.random.default_rng(0).permutation(len(y))[:2000]
    ax.scatter(X[rows, j], y[rows], s=6, alpha=0.45, color="tab:gray", label=tr("data"))
    grid = np.linspace(X[:, j].min(), X[:, j].max(), 50)
    means = X.mean(axis=0)

    def line(w, b):
        w = np.ravel(np.asarray(w, np.float64))
        return w[j] * grid + b + float(np.delete(w, j) @ np.delete(means, j))

    ax.plot(grid, line(w, b), color="tab:red", linewidth=2, label=tr("SGD fit"))
    if reference is not None:
        ax.plot(grid, line(reference[0], reference[1]), "k--", linewidth=1, label=reference[2])
    ax.set_xlabel(names[j])
    ax.set_ylabel(target or "y")
    title = (
        tr("{target} against {feature}")
        if X.shape[1] == 1
        else tr("{target} against {feature}, line at the mean of {other}")
    )
    ax.set_title(title.format(target=target or "y", feature=names[j], other=names[0]), fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.25)


def _line(ax, X, w, b, label: str) -> None:
    """One more line on `data_panel`'s axes (dotted blue), the legend redrawn."""
    X = np.asarray(X, np.float64)
    j = X.shape[1] - 1
    grid = np.linspace(X[:, j].min(), X[:, j].max(), 50)
    w = np.ravel(np.asarray(w, np.float64))
    rest = float(np.delete(w, j) @ np.delete(X.mean(axis=0), j))
    ax.plot(grid, w[j] * grid + b + rest, ":", color="tab:blue", linewidth=2, label=label)
    ax.legend(fontsize=8)


def _exact(run):
    """The exact answer to draw beside SGD's: `run.ols`, or SGD's own final parameters (as an
    object with w and b) where no exact answer was computed."""

    if run.ols is not None:
        return run.ols
    return SimpleNamespace(w=np.asarray(run.result.w), b=run.result.b)


def _exact_label(run) -> str:
    """The exact answer's name in a legend: least squares or Huber's minimiser; SGD without."""
    if run.ols is None:
        return tr("SGD")
    return tr(LOSSES[run.spec.model.loss].label)
