"""The report of `sweep`: its table in English or Chinese (each run's final loss, gap to the
exact answer, seconds and verdict), or one JSON object whose keys are an interface."""

from __future__ import annotations

from linscratch import __version__
from linscratch.cli.flags import flag
from linscratch.cli.reports import gap_text
from linscratch.exact.verdicts import excess_of, still_falling
from linscratch.i18n import counted, rjust, tr, width


def sweep_json(spec, lrs, batch_sizes, jobs: int, seconds: float, runs: list[dict]) -> dict:
    """The --json object of `sweep`: the settings and one entry per (lr, batch size)."""
    config = {**spec.to_dict(), "lr": lrs, "batch_size": batch_sizes, "jobs": jobs}
    return {
        "command": "sweep",
        "version": __version__,
        "seed": spec.seed,
        "config": config,
        "jobs": jobs,
        "seconds": seconds,
        "runs": runs,
    }


def _verdict(r: dict) -> str:
    """A run's verdict in words, with why: where it diverged, or whether it is still falling."""

    limit = "—" if r["lr_max"] is None else f"{r['lr_max']:.3g}"
    if r["verdict"] == "diverged":
        if r["diverged"]:
            at = r["diverged_at"]
            text = tr("diverged at epoch {epoch}, step {step} (SGD's stability limit {limit})")
            return text.format(epoch=at["epoch"], step=at["step"], limit=limit)
        return tr("diverged: lr above SGD's stability limit {limit}, the loss grows").format(
            limit=limit
        )
    if r["verdict"] == "converged":
        return tr("converged")
    falling = still_falling([e["loss"] for e in r["epochs"]])
    if falling is None:
        return tr("converging")
    return tr("converging, still falling") if falling else tr("converging, no longer falling")


def sweep_text(
    runs: list[dict],
    jobs: int,
    seconds: float,
    seed: int,
    seed_drawn: bool,
    versus: str | None = None,
) -> str:
    """The table of `sweep`: each pair's final loss, its gap to OLS (to another loss's exact
    minimiser, headed `versus`, `losses.said`), its training time and its verdict (see
    `verdicts`), then the sweep's wall time."""
    versus = versus or tr("vs OLS")
    heads = [tr("lr"), tr("batch"), tr("final loss"), versus, tr("seconds")]
    widths = [max(w, width(h)) for w, h in zip([10, 6, 12, 9, 8], heads, strict=True)]
    lines = [
        " ".join(rjust(h, w) for h, w in zip(heads, widths, strict=True)) + "  " + tr("result")
    ]
    for r in runs:
        loss, gap = "—", "—"
        if r["final_loss"] is not None:
            loss, gap = f"{r['final_loss']:.6g}", gap_text(r["loss_gap"])
        cells = [f"{r['lr']:g}", str(r["batch_size"]), loss, gap, f"{r['seconds']:.2f}"]
        lines.append(
            " ".join(rjust(c, w) for c, w in zip(cells, widths, strict=True)) + "  " + _verdict(r)
        )
    lines.append(
        tr("{runs} in {secs:.2f} s on {jobs}, seed {seed}").format(
            runs=counted(len(runs), "{n:,} run", "{n:,} runs"),
            secs=seconds,
            jobs=counted(jobs, "{n:,} process", "{n:,} processes"),
            seed=seed,
        )
        + (tr(" (drawn; repeat with --seed {seed})").format(seed=seed) if seed_drawn else "")
    )
    return "\n".join(lines)


def none_converged(runs: list[dict], spec) -> str | None:
    """The warning where runs were judged by train's rule (`verdicts.converged`: the exact
    answer known) and none converged: the closest run's gap and what to do; None otherwise."""
    judged = [r for r in runs if r.get("converged") is not None]
    if not judged or any(r["converged"] for r in judged):
        return None
    gaps = [r for r in judged if r.get("loss_gap") is not None]
    if not gaps:
        return tr("no run ended near the exact optimum: every one diverged")
    best = min(gaps, key=lambda r: r["loss_gap"])
    text = tr(
        "no run ended within {limit:.0%} of the exact optimum's loss, the line train judges "
        "convergence by: the closest, lr {lr:g} and batch size {m}, is {gap} above it; train "
        "longer ({epochs})"
    )
    return text.format(
        limit=excess_of(spec.optim.num_epochs),
        lr=best["lr"],
        m=best["batch_size"],
        gap=gap_text(best["loss_gap"]),
        epochs=flag("num_epochs"),
    )
