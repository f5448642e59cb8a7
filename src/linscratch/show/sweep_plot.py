"""The figure of `linscratch sweep`: every run's loss curve (colour keyed to the learning rate,
line style to the batch size, diverged runs marked where they left), beside a heatmap of final
losses for a two-dimensional sweep, or the final loss against the one setting swept.

Drawn inside `fonts.figure_text()` by the caller: every label goes through `i18n.tr`."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from linscratch.i18n import tr

STYLES = ["-", (0, (5, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (2, 3)), (0, (9, 2, 2, 2, 2, 2))]
MARKERS = ["o", "s", "^", "D", "v", "P"]  # hollow, one a line style: they stay told apart
# Okabe and Ito's colour-blind-safe palette, ordered so that neighbours differ in hue and
# lightness (orange, blue, green, vermillion, sky blue, purple, black, yellow last: pale).
PALETTE = ["#E69F00", "#0072B2", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#F0E442"]
LABEL_GAP = 0.05  # the least distance between two end labels, in axes fractions
EXACT = (0, (1, 2))  # the exact loss's dotted line


def sweep_figure(runs: list[dict], lrs: list[float], batch_sizes: list[int]):
    """The loss curves, and beside them: a heatmap of final losses (several rates and several
    batch sizes), the final loss against the learning rate with SGD's stability limit at the
    batch size (one batch size) or against the batch size (one rate); the curves alone for one
    pair."""

    lrs, batch_sizes = sorted(set(lrs)), sorted(set(batch_sizes))
    if len(lrs) == 1 and len(batch_sizes) == 1:
        fig = Figure(figsize=(7.5, 5), layout="constrained")
        _curves(fig.subplots(), runs, lrs, batch_sizes)
        return fig
    fig = Figure(figsize=(13, 5.6), layout="constrained")
    ax_curves, ax_final = fig.subplots(1, 2, width_ratios=[1.15, 1])
    _curves(ax_curves, runs, lrs, batch_sizes)
    if len(lrs) > 1 and len(batch_sizes) > 1:
        _heatmap(fig, ax_final, runs, lrs, batch_sizes)
    elif len(lrs) > 1:
        _final_against(ax_final, runs, "lr", lrs, tr("learning rate"))
        ax_final.set_title(
            tr("Final loss by learning rate (batch size {batch_size})").format(
                batch_size=batch_sizes[0]
            ),
            fontsize=10,
        )
    else:
        _final_against(ax_final, runs, "batch_size", batch_sizes, tr("batch size"))
        ax_final.set_title(
            tr("Final loss by batch size (learning rate {lr:g})").format(lr=lrs[0]), fontsize=10
        )
    return fig


def _finite(run: dict) -> list[float]:
    """The run's finite losses per epoch, with the one that grew without bound if any."""
    losses = [e["loss"] for e in run["epochs"]]
    grew = (run.get("diverged_at") or {}).get("loss")
    return losses + ([grew] if grew is not None and math.isfinite(grew) else [])


def _loss_limits(runs: list[dict]) -> tuple[float, float] | None:
    """The loss axis: every finite positive loss of the runs that did not diverge (or of all,
    where all did), with some room; a diverged run's loss beyond it is marked at the edge."""
    kept = [r for r in runs if r["verdict"] != "diverged"] or runs
    values = [v for r in kept for v in [*_finite(r), r.get("ols_loss") or 0] if v > 0]
    if not values:
        return None
    return min(values) / 3, max(values) * 3


def _curves(ax, runs, lrs, batch_sizes) -> None:
    """Loss per epoch: colour by learning rate (a sequential colormap), style by batch size
    (with one rate, colour by batch size); a diverged run drawn up to its last finite loss and
    marked there with an ×; the exact loss as a dotted line."""

    hue, dash = (
        ("lr", "batch_size") if len(lrs) > 1 or len(batch_sizes) == 1 else ("batch_size", "lr")
    )
    colors, styles = _keys(lrs, batch_sizes, hue)
    limits = _loss_limits(runs)
    ax.set_yscale("log", nonpositive="mask")
    if limits is not None:
        ax.set_ylim(*limits)
    top = limits[1] if limits else 1.0
    marks = {v: MARKERS[i % len(MARKERS)] for i, v in enumerate(styles)}
    every = max(1, max(len(r["epochs"]) for r in runs) // 8)  # markers a line, at most ~8
    ends, crosses = [], {}
    for i, run in enumerate(runs):
        color, style = colors[run[hue]], styles[run[dash]]
        losses = _finite(run)
        marker = {"marker": marks[run[dash]], "markevery": (i % every, every), "mfc": "none"}
        ax.plot(range(1, len(losses) + 1), losses, ls=style, color=color, lw=1.6, ms=5, **marker)
        if run["verdict"] != "diverged":
            if losses and losses[-1] > 0:
                ends.append((losses[-1], len(losses), _end_label(run), color))
            continue
        epoch = len(losses) if losses else run["diverged_at"]["epoch"]
        last = min(losses[-1], top) if losses else top
        near = (epoch, round(math.log10(last), 1)) if last > 0 else (epoch, None)
        crosses.setdefault(near, []).append((last, color))
    for (epoch, _), marks_here in crosses.items():  # side by side where they would overlap
        for k, (last, color) in enumerate(marks_here):
            shades = marks_here
            shift = ScaledTranslation(
                (k - (len(shades) - 1) / 2) * 9 / 72, 0, ax.figure.dpi_scale_trans
            )
            ax.plot([epoch], [last], "x", color=color, ms=10, mew=2.5, clip_on=False, zorder=5,
                    transform=ax.transData + shift)  # fmt: skip
    _end_labels(ax, ends, limits)
    exact = [r["ols_loss"] for r in runs if r.get("ols_loss")]
    if exact:
        ax.axhline(exact[0], color="black", lw=0.9, ls=EXACT)
    last = max((len(_finite(r)) for r in runs), default=1)
    ticks = MaxNLocator(integer=True).tick_values(1, last)
    ax.set_xticks([t for t in ticks if 1 <= t <= last])  # none over the end labels' room
    ax.set_xlabel(tr("epoch"))
    ax.set_ylabel(tr("mean loss  ½(ŷ − y)²  (log scale)"))
    ax.set_title(tr("Loss per epoch"), fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    diverged = any(r["verdict"] == "diverged" for r in runs)
    _legends(ax, colors, styles, hue, diverged, bool(exact))


def _end_label(run: dict) -> str:
    return tr("lr {lr:g}, batch {batch_size}").format(lr=run["lr"], batch_size=run["batch_size"])


def _end_labels(ax, ends: list, limits) -> None:
    """Each finished line labelled at its end, right of its last epoch: the labels spread
    apart vertically (at least `LABEL_GAP` of the axes) where the lines end close together,
    each joined to its line's end by a thin stroke; the x axis widened to make room."""
    if not ends or limits is None:
        return
    low, high = np.log10(limits[0]), np.log10(limits[1])
    last = max(e[1] for e in ends)
    ax.set_xlim(0.8, last + 0.45 * max(last - 1, 1) + 0.2)
    ends = sorted(ends, key=lambda e: e[0])
    where = [(np.log10(e[0]) - low) / (high - low) for e in ends]
    placed = []
    for y in where:
        placed.append(max(y, placed[-1] + LABEL_GAP) if placed else y)
    overflow = placed[-1] - 0.98
    if overflow > 0:  # pushed off the top: move the stack down, keeping the gaps
        placed = [p - overflow for p in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - LABEL_GAP)
    for (loss, epoch, text, color), y in zip(ends, placed, strict=True):
        ax.annotate(text, xy=(epoch, loss), xytext=(epoch + 0.06 * max(last - 1, 1), y),
                    textcoords=("data", "axes fraction"), fontsize=7, color=color, va="center",
                    arrowprops={"arrowstyle": "-", "color": color, "lw": 0.5})  # fmt: skip


def _keys(lrs, batch_sizes, hue: str) -> tuple[dict, dict]:
    """Each value of the `hue` setting's colour (Okabe and Ito's colour-blind-safe palette,
    `PALETTE`, in increasing order of the values) and each value of the other's line style."""

    shaded, dashed = (lrs, batch_sizes) if hue == "lr" else (batch_sizes, lrs)
    colors = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(shaded)}
    styles = {v: STYLES[i % len(STYLES)] for i, v in enumerate(dashed)}
    return colors, styles


def _legends(ax, colors, styles, hue: str, diverged: bool, exact: bool) -> None:
    """Two legends right of the curves: the colours, titled with their setting; the line
    styles, titled with theirs, and the × and dotted line when drawn."""

    titles = {"lr": tr("learning rate"), "batch_size": tr("batch size")}
    other = "batch_size" if hue == "lr" else "lr"
    first = ax.legend(
        [Line2D([], [], color=c, lw=2.5) for c in colors.values()],
        [f"{v:g}" for v in colors],
        title=titles[hue],
        fontsize=8,
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    ax.add_artist(first)
    keys = [
        Line2D([], [], color="0.3", ls=style, lw=1.6, marker=MARKERS[i % len(MARKERS)], mfc="none")
        for i, style in enumerate(styles.values())
    ]
    names = [f"{v:g}" for v in styles]
    if diverged:
        keys.append(Line2D([], [], color="0.3", marker="x", ls="", ms=8, mew=2))
        names.append(tr("diverged (last finite loss)"))
    if exact:
        keys.append(Line2D([], [], color="black", lw=0.9, ls=EXACT))
        names.append(tr("exact least squares"))
    ax.legend(
        keys,
        names,
        title=titles[other],
        fontsize=8,
        title_fontsize=8,
        loc="lower left",
        bbox_to_anchor=(1.01, 0.0),
    )


def _final_against(ax, runs, key: str, values: list, label: str) -> None:
    """Final loss against the one setting swept (log axes where its values span a factor of
    ten); the exact loss as a line, SGD's stability limit at the batch size as a vertical
    line when the setting is the learning rate; a diverged run as an × at the top edge."""

    by = {r[key]: r for r in runs}
    stable = [v for v in values if by[v]["verdict"] != "diverged"]
    ys = [by[v]["final_loss"] for v in stable]
    ax.set_yscale("log", nonpositive="mask")
    if min(values) > 0 and max(values) >= 10 * min(values):
        ax.set_xscale("log")
    ax.plot(stable, ys, color="0.55", lw=1, zorder=1)
    for verdict, face in (("converged", "tab:blue"), ("converging", "white")):
        xs = [v for v in stable if by[v]["verdict"] == verdict]
        if xs:
            ax.plot(
                xs,
                [by[v]["final_loss"] for v in xs],
                "o",
                mfc=face,
                mec="tab:blue",
                ms=7,
                mew=1.5,
                ls="",
                label=tr(verdict),
                zorder=3,
            )
    top = blended_transform_factory(ax.transData, ax.transAxes)
    gone = [v for v in values if by[v]["verdict"] == "diverged"]
    if gone:  # (an empty line unclipped would upset the layout)
        ax.plot(
            gone,
            [0.95] * len(gone),
            "x",
            color="tab:red",
            ms=10,
            mew=2.5,
            ls="",
            transform=top,
            label=tr("diverged"),
            clip_on=False,
        )
    exact = [r["ols_loss"] for r in runs if r.get("ols_loss")]
    if exact:
        ax.axhline(exact[0], color="black", lw=0.9, ls=EXACT, label=tr("exact least squares"))
    known = next((r for r in runs if r["lr_max"] is not None), None)
    limit = None if known is None else known["lr_max"]  # one batch size: one limit
    if key == "lr" and limit is not None:
        ax.axvline(
            limit,
            color="tab:red",
            lw=1.2,
            ls="--",
            label=tr("SGD's stability limit at batch size {m} = {limit:.3g}").format(
                m=known["batch_size"], limit=limit
            ),
        )
        ax.axvspan(limit, max(max(values), limit) * 1.5, color="tab:red", alpha=0.06)
    if ys:
        low, high = min(ys + exact[:1]), max(ys)
        ax.set_ylim(low / 3, high * 10)
    ax.set_xlabel(label + ("" if ax.get_xscale() == "linear" else tr(" (log scale)")))
    ax.set_ylabel(tr("final mean loss (log scale)"))
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="best")


def _heatmap(fig, ax, runs, lrs, batch_sizes) -> None:
    """Final loss of every (learning rate, batch size) pair; grey where a run diverged, and
    each cell says its verdict."""

    grid = np.full((len(lrs), len(batch_sizes)), np.nan)
    labels = np.full(grid.shape, "", dtype=object)
    for run in runs:
        i, k = lrs.index(run["lr"]), batch_sizes.index(run["batch_size"])
        if run["verdict"] == "diverged":
            labels[i, k] = tr("diverged")
        else:
            grid[i, k] = run["final_loss"]
            labels[i, k] = f"{run['final_loss']:.3g}\n{tr(run['verdict'])}"
    finite = grid[np.isfinite(grid) & (grid > 0)]
    norm = None
    if finite.size:
        norm = LogNorm(finite.min(), max(finite.max(), finite.min() * 1.0001))
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="viridis_r", norm=norm, aspect="auto")
    ax.set_facecolor("#d9d9d9")
    for i in range(len(lrs)):
        for k in range(len(batch_sizes)):
            value = grid[i, k]
            dark = math.isfinite(value) and norm is not None and norm(value) > 0.6
            ax.text(
                k,
                i,
                labels[i, k],
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax.set_xticks(range(len(batch_sizes)), [str(b) for b in batch_sizes])
    ax.set_yticks(range(len(lrs)), [f"{lr:g}" for lr in lrs])
    ax.set_xlabel(tr("batch size"))
    ax.set_ylabel(tr("learning rate"))
    ax.set_title(tr("Final loss by learning rate and batch size (grey: diverged)"), fontsize=10)
    if finite.size:
        fig.colorbar(image, ax=ax, label=tr("final mean loss (log scale)"))
