"""Figures: how a run learned (`train --plot`) and what a sweep found (`sweep --plot`).

Built on matplotlib's object API (no pyplot, no display needed) and written atomically.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

FORMATS = (".png", ".svg")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def save(fig, path: str, force: bool) -> None:
    """Write the figure through a temporary file renamed into place."""
    from .destinations import atomic_write

    fmt = Path(path).suffix.lower()[1:]
    atomic_write(path, lambda f: fig.savefig(f, format=fmt, dpi=130), force, "plot", binary=True)


def _smooth(values: np.ndarray) -> np.ndarray:
    """Each step's average over the last tenth of the steps so far (a window that grows with
    the step, so the curve is as smooth at epoch 1 as at epoch 10,000 on a log axis)."""
    c = np.r_[0.0, np.cumsum(values)]
    i = np.arange(1, len(values) + 1)
    lo = i - np.maximum(1, i // 10)
    return (c[i] - c[lo]) / (i - lo)


def _names(feature_names: list[str]) -> list[str]:
    if len(feature_names) <= 9:
        return [f"w{j + 1}".translate(SUBSCRIPTS) for j in range(len(feature_names))] + ["b"]
    return [f"w{j + 1}" for j in range(len(feature_names))] + ["b"]


def training_figure(run, X, y, true_w=None, true_b=None):
    """The loss (per epoch, per step smoothed, validation, the OLS optimum), the parameters'
    paths toward the truth or the OLS answer, and for one or two features the data with the
    fitted line, as the book plots features[:, 1] against labels."""
    from matplotlib.figure import Figure

    trace = run.trace
    d = len(run.feature_names)
    panels = 3 if d <= 2 else 2
    fig = Figure(figsize=(5.2 * panels, 4.4), layout="constrained")
    axes = fig.subplots(1, panels)
    _loss_panel(axes[0], run, trace)
    synthetic = true_w is not None
    target = (
        np.r_[np.ravel(np.asarray(true_w, np.float64)), true_b]
        if synthetic
        else np.r_[run.ols.w, run.ols.b]
    )
    _params_panel(axes[1], run, trace, target, synthetic)
    if panels == 3:
        _data_panel(axes[2], run, X, y, true_w, true_b)
    result = run.result
    fig.suptitle(
        f"linscratch: {len(result.losses)} epoch(s) of minibatch SGD, engine {result.engine}, "
        f"seed {result.seed}",
        fontsize=11,
    )
    return fig


def _loss_panel(ax, run, trace) -> None:
    steps = trace["steps_per_epoch"]
    step_loss = trace["step_loss"]
    x = np.arange(1, len(step_loss) + 1) / steps
    ax.plot(x, step_loss, color="tab:blue", alpha=0.18, linewidth=0.6, label="each step's batch")
    ax.plot(
        x,
        _smooth(step_loss),
        color="tab:blue",
        linewidth=1.4,
        label="batches, averaged over the last 10% of steps",
    )
    epochs = np.arange(1, len(run.result.losses) + 1)
    few = len(epochs) <= 50  # markers while they can be told apart
    ax.plot(
        epochs,
        run.result.losses,
        "o-" if few else "-",
        color="black",
        markersize=4,
        label="all rows, per epoch",
    )
    if run.validation is not None:
        ax.plot(
            epochs,
            run.validation["epochs"],
            "s--" if few else "--",
            color="tab:orange",
            markersize=4,
            label=f"held-out rows ({run.validation['rows']})",
        )
    ax.axhline(
        run.ols.loss, color="tab:green", linestyle=":", linewidth=1.5, label="exact least squares"
    )
    ax.set_yscale("log")
    _epoch_axis(ax, len(epochs))
    ax.set_ylabel("mean loss  ½(ŷ − y)²  (log scale)")
    ax.set_title("Training loss")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.25)


def _epoch_axis(ax, epochs: int) -> None:
    """Epochs on a log scale for long runs, where the early progress would be a sliver."""
    if epochs >= 100:
        ax.set_xscale("log")
        ax.set_xlabel("epoch (log scale)")
    else:
        ax.set_xlabel("epoch")


def _params_panel(ax, run, trace, target, synthetic: bool) -> None:
    steps = trace["steps_per_epoch"]
    names = _names(run.feature_names)
    # The path: parameters at sampled steps and at every epoch's end, in step order.
    ends = trace["epoch_params"]  # (epochs + 1, d + 1)
    x = np.r_[np.arange(len(ends)), trace["param_steps"] / steps]
    order = np.argsort(x, kind="stable")
    x, path = x[order], np.r_[ends, trace["params"]][order]  # (points, d + 1)
    if len(ends) > 100:  # a log axis: leave out the start at epoch 0
        x, path = x[1:], path[1:]
    goal = "the true values" if synthetic else "the least-squares answer"
    mags = np.abs(target)
    raw = len(target) <= 6 and mags.min() > 0 and mags.max() / mags.min() < 100
    if raw:
        for j, name in enumerate(names):
            (line,) = ax.plot(x, path[:, j], linewidth=1.4, label=name)
            ax.axhline(target[j], color=line.get_color(), linestyle="--", linewidth=1)
        ax.set_ylabel("value (dashed: " + ("truth" if synthetic else "OLS") + ")")
        ax.set_title(f"Parameters approaching {goal}")
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
                x, np.maximum(dist, 1e-16), linewidth=1.4, label="all parameters, ‖θ − θ*‖/‖θ*‖"
            )
        ax.set_yscale("log")
        ax.set_ylabel("relative distance |θ − θ*| / max(|θ*|, rms θ*)  (log scale)", fontsize=9)
        ax.set_title(f"Distance to {goal}")
    _epoch_axis(ax, len(ends) - 1)
    ax.legend(fontsize=8, ncol=2 if len(target) > 4 else 1)
    ax.grid(True, alpha=0.25)


def _data_panel(ax, run, X, y, true_w, true_b) -> None:
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64).reshape(-1)
    j = X.shape[1] - 1  # the book plots the last feature, features[:, 1]
    rows = np.random.default_rng(0).permutation(len(y))[:2000]
    ax.scatter(X[rows, j], y[rows], s=6, alpha=0.45, color="tab:gray", label="data")
    grid = np.linspace(X[:, j].min(), X[:, j].max(), 50)
    means = X.mean(axis=0)
    w, b = np.asarray(run.result.w), run.result.b
    others = b + sum(w[k] * means[k] for k in range(X.shape[1]) if k != j)
    ax.plot(grid, w[j] * grid + others, color="tab:red", linewidth=2, label="SGD fit")
    if true_w is not None:
        tw, tb, label = np.ravel(np.asarray(true_w, np.float64)), true_b, "truth"
    else:
        tw, tb, label = run.ols.w, run.ols.b, "exact least squares"
    t_others = tb + sum(tw[k] * means[k] for k in range(X.shape[1]) if k != j)
    ax.plot(grid, tw[j] * grid + t_others, "k--", linewidth=1, label=label)
    name = run.feature_names[j]
    ax.set_xlabel(name)
    ax.set_ylabel(run.target_name or "y")
    where = "" if X.shape[1] == 1 else f", line at the mean of {run.feature_names[0]}"
    ax.set_title(f"{run.target_name or 'y'} against {name}{where}", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.25)


def result_figure(result, X=None, y=None):
    """How a `loop.Result` learned, from the result alone: the loss after each epoch, the
    parameters' path (dashed: the truth, when the run knew it), and given X and y the rows with
    the learned line (the last feature against y, the others at their mean)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels = 3 if X is not None and y is not None else 2
    fig = Figure(figsize=(5.2 * panels, 4.2), layout="constrained")
    axes = fig.subplots(1, panels)
    epochs = np.arange(1, len(result.losses) + 1)
    ax = axes[0]
    ax.plot(epochs, result.losses, "o-" if len(epochs) <= 50 else "-", color="black", markersize=4)
    ax.set_yscale("log")
    _epoch_axis(ax, len(epochs))
    ax.set_ylabel("mean loss  ½(ŷ − y)²  (log scale)")
    ax.set_title("Loss over all rows, after each epoch")
    if len(epochs) < 100:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="both", alpha=0.25)
    ax = axes[1]
    path = np.asarray(result.path)  # (epochs + 1, d + 1)
    x = np.arange(len(path)) + len(result.losses) - len(path) + 1
    features = result.feature_names or [f"x{j + 1}" for j in range(len(result.w))]
    names = _names(features)
    truth = None
    if result.w_error is not None:
        truth = np.r_[result.w, result.b] + np.r_[result.w_error, result.b_error]
    for j, name in enumerate(names[:7] if len(names) > 8 else names):
        (line,) = ax.plot(x, path[:, j], linewidth=1.4, label=name)
        if truth is not None:
            ax.axhline(truth[j], color=line.get_color(), linestyle="--", linewidth=1)
    ax.set_xlabel("epoch")
    ax.set_ylabel("value" + (" (dashed: truth)" if truth is not None else ""))
    ax.set_title("Parameters after each epoch")
    if len(path) < 100:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.25)
    if panels == 3:
        X, y = np.asarray(X, np.float64), np.asarray(y, np.float64).reshape(-1)
        j = X.shape[1] - 1
        rows = np.random.default_rng(0).permutation(len(y))[:2000]
        ax = axes[2]
        ax.scatter(X[rows, j], y[rows], s=6, alpha=0.45, color="tab:gray", label="data")
        grid = np.linspace(X[:, j].min(), X[:, j].max(), 50)
        w = np.asarray(result.w)
        others = result.b + float(np.delete(w, j) @ np.delete(X.mean(axis=0), j))
        ax.plot(grid, w[j] * grid + others, color="tab:red", linewidth=2, label="learned line")
        ax.set_xlabel(features[j])
        ax.set_ylabel("y")
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.25)
    fig.suptitle(
        f"linscratch: {len(result.losses)} epoch(s) of minibatch SGD, engine {result.engine}, "
        f"seed {result.seed}",
        fontsize=11,
    )
    return fig


def sweep_figure(runs: list[dict], lrs: list[float], batch_sizes: list[int]):
    """Loss curves of every (learning rate, batch size) pair, and a heatmap of final losses.
    Runs that diverged, or whose rate is above the stability limit 2/λ_max (their loss grows
    without bound), are marked and kept out of the scales."""
    from matplotlib import colormaps
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(12, 5.6), layout="constrained")
    ax_curves, ax_map = fig.subplots(1, 2)
    cmap = colormaps["viridis"]
    styles = ["-", "--", ":", "-."]
    stable = [r for r in runs if not (r["diverged"] or r["unstable"])]
    for run in stable:
        color = cmap(lrs.index(run["lr"]) / max(len(lrs) - 1, 1) * 0.85)
        style = styles[batch_sizes.index(run["batch_size"]) % len(styles)]
        losses = [e["loss"] for e in run["epochs"]]
        label = f"lr {run['lr']:g}, batch {run['batch_size']}"
        ax_curves.plot(range(1, len(losses) + 1), losses, style, color=color, label=label)
    ax_curves.set_yscale("log")
    ax_curves.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_curves.set_xlabel("epoch")
    ax_curves.set_ylabel("mean loss  ½(ŷ − y)²  (log scale)")
    left_out = len(runs) - len(stable)
    note = f" ({left_out} unstable or diverged run(s) left out)" if left_out else ""
    ax_curves.set_title("Loss per epoch" + note, fontsize=10)
    ax_curves.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    ax_curves.grid(True, which="both", alpha=0.25)

    grid = np.full((len(lrs), len(batch_sizes)), np.nan)
    labels = np.full(grid.shape, "", dtype=object)
    for run in runs:
        i, k = lrs.index(run["lr"]), batch_sizes.index(run["batch_size"])
        if run["diverged"]:
            labels[i, k] = "diverged"
        elif run["unstable"]:
            labels[i, k] = "unstable\n(lr > 2/λ_max)"
        else:
            grid[i, k] = run["final_loss"]
            labels[i, k] = f"{run['final_loss']:.3g}"
    finite = grid[np.isfinite(grid)]
    norm = None
    if finite.size and finite.min() > 0:
        norm = LogNorm(finite.min(), max(finite.max(), finite.min() * 1.0001))
    image = ax_map.imshow(np.ma.masked_invalid(grid), cmap="viridis_r", norm=norm, aspect="auto")
    ax_map.set_facecolor("#d9d9d9")
    for i in range(len(lrs)):
        for k in range(len(batch_sizes)):
            value = grid[i, k]
            dark = math.isfinite(value) and norm is not None and norm(value) > 0.6
            ax_map.text(
                k,
                i,
                labels[i, k],
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax_map.set_xticks(range(len(batch_sizes)), [str(b) for b in batch_sizes])
    ax_map.set_yticks(range(len(lrs)), [f"{lr:g}" for lr in lrs])
    ax_map.set_xlabel("batch size")
    ax_map.set_ylabel("learning rate")
    ax_map.set_title(
        "Final loss by learning rate and batch size (grey: no final loss)", fontsize=10
    )
    if finite.size:
        fig.colorbar(image, ax=ax_map, label="final mean loss (log scale)")
    return fig
