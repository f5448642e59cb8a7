"""The figure of the largest stable learning rate against the batch size: for each data set,
the rates measured by bisection over short runs (`train.stable_rate.rate_curve`), SGD's
stability limit 2m/(β̂ + (m − 1)λ₁) (`exact.stability.sgd_limit`) as a line, gradient
descent's 2/λ₁ as a dashed level and the critical batch size m* = β̂/λ₁ where the two meet,
on log axes: below m* the batch size sets the limit (it grows as m), above it λ₁ does.

Drawn inside `fonts.figure_text()` by the caller where it is saved: every label goes through
`i18n.tr`."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from linscratch.exact.stability import sgd_limit
from linscratch.i18n import tr
from linscratch.show.sweep_plot import PALETTE


def stability_figure(curves: list[dict]) -> Figure:
    """The figure of `curves` (`rate_curve`'s dicts), one axes (`draw`)."""
    fig = Figure(figsize=(7.5, 4.8), layout="constrained")
    draw(fig.subplots(), curves)
    return fig


def draw(ax, curves: list[dict]) -> None:
    """On the matplotlib axes `ax`, log-log: each of `curves` (`rate_curve`'s dicts) in its
    own colour, its measured rates as points, SGD's limit as a line over every m from 1 to
    its largest batch size, 2/λ₁ dashed, m* dotted (where the line's two asymptotes, 2m/β̂
    and 2/λ₁, meet)."""
    for curve, colour in zip(curves, PALETTE[1:], strict=False):
        sizes = np.asarray(curve["batch_sizes"])
        lam, beta, d = curve["lambda_max"], curve["beta"], curve["d"]
        m = np.arange(1, sizes.max() + 1)  # every batch size: a smooth line on log axes
        line = [min(curve["gd"], sgd_limit(beta, lam, k)) for k in m]
        ax.plot(m, line, "-", color=colour, lw=1.6, label=tr("SGD's limit, d = {d}").format(d=d))
        ax.axhline(curve["gd"], color=colour, ls="--", lw=1, alpha=0.8)
        ax.plot(
            sizes,
            curve["measured"],
            "o",
            mfc="none",
            mec=colour,
            mew=1.5,
            ms=7,
            label=tr("measured, d = {d}").format(d=d),
        )
        critical = curve["critical"]
        if 1 <= critical <= sizes.max():
            ax.axvline(critical, color=colour, ls=":", lw=1)
            ax.annotate(
                f"m* = {critical:.0f}",
                (critical, 0.6),
                xycoords=ax.get_xaxis_transform(),  # x in data, y in the axes' fraction
                xytext=(4, 0),
                textcoords="offset points",
                color=colour,
                fontsize=9,
            )
    ax.plot([], [], "--", color="grey", lw=1, label=tr("gradient descent's 2/λ₁"))
    ax.plot([], [], ":", color="grey", lw=1, label=tr("critical batch size m* = β̂/λ₁"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(tr("batch size m"))
    ax.set_ylabel(tr("largest stable learning rate"))
    ax.set_title(tr("The largest stable learning rate against the batch size"), fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
