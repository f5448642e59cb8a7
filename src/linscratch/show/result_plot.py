"""`Result.plot()`: how a `loop.Result` learned, drawn from the result alone (no run, no
data needed; given X and y, the rows too). The CLI's figure of a whole run is `plots`'s."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from linscratch.i18n import tr
from linscratch.show.plots import (
    chinese_font,
    data_panel,
    epoch_axis,
    figure_title,
    parameter_labels,
)


def result_figure(result, X=None, y=None):
    """How a `loop.Result` learned, from the result alone: the loss after each epoch, the
    parameters' path (dashed: the truth, when the run knew it), and given X and y the rows with
    the learned line (the last feature against y, the others at their mean)."""

    panels = 3 if X is not None and y is not None else 2
    fig = Figure(figsize=(5.2 * panels, 4.2), layout="constrained")
    axes = fig.subplots(1, panels)
    epochs = np.arange(1, len(result.losses) + 1)
    ax = axes[0]
    ax.plot(epochs, result.losses, "o-" if len(epochs) <= 50 else "-", color="black", markersize=4)
    ax.set_yscale("log")
    epoch_axis(ax, len(epochs))
    ax.set_ylabel(tr("mean loss  ½(ŷ − y)²  (log scale)"))
    ax.set_title(tr("Loss over all rows, after each epoch"))
    if len(epochs) < 100:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="both", alpha=0.25)
    ax = axes[1]
    path = np.asarray(result.path)  # (epochs + 1, d + 1)
    x = np.arange(len(path)) + len(result.losses) - len(path) + 1
    features = result.feature_names or [f"x{j + 1}" for j in range(len(result.w))]
    names = parameter_labels(features)
    truth = None
    if result.w_error is not None:
        truth = np.r_[result.w, result.b] + np.r_[result.w_error, result.b_error]
    for j, name in enumerate(names[:7] if len(names) > 8 else names):
        (line,) = ax.plot(x, path[:, j], linewidth=1.4, label=name)
        if truth is not None:
            ax.axhline(truth[j], color=line.get_color(), linestyle="--", linewidth=1)
    ax.set_xlabel(tr("epoch"))
    ax.set_ylabel(tr("value (dashed: truth)") if truth is not None else tr("value"))
    ax.set_title(tr("Parameters after each epoch"))
    if len(path) < 100:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.25)
    if panels == 3:
        data_panel(axes[2], result.w, result.b, X, y, features, "y")
    figure_title(fig, result)
    return chinese_font(fig)
