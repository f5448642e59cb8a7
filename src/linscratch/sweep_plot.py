"""The figure of `linscratch sweep`: every (learning rate, batch size) pair's loss curve, and
a heatmap of final losses."""

from __future__ import annotations

import math

import numpy as np


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
