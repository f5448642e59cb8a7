"""`linscratch sweep`: every (learning rate, batch size) pair on the same data and seed, in
parallel processes, compared in a table, a JSON report and a figure."""

from __future__ import annotations

import os
import sys
import time

from .. import __version__
from . import dumps, settings
from .train import _gap as train_gap

_STATE: dict = {}  # each worker's data and options, made once by `_setup`


def _setup(args) -> None:
    """Load the data and options in this process (a worker loads its own: nothing big is sent)."""
    import torch

    from .train import prepare

    torch.set_num_threads(1)
    data, options = prepare(args)
    _STATE.update(data=data, options=options)


def _one(pair: tuple[float, int]) -> dict:
    """Train one pair; a diverged run is a result too."""
    from ..errors import DivergedError
    from ..runs import train_run

    lr, batch_size = pair
    data, options = _STATE["data"], _STATE["options"]
    start = time.perf_counter()
    out = {"lr": lr, "batch_size": batch_size, "diverged": False, "diverged_at": None}
    try:
        run = train_run(data["X"], data["y"], **options, lr=lr, batch_size=batch_size)
        losses = run.result.losses
        out.update(loss_gap=run.loss_gap, engine=run.result.engine, lr_max=run.stability["lr_max"])
    except DivergedError as exc:
        losses = exc.losses
        out.update(diverged=True, diverged_at={"epoch": exc.epoch, "step": exc.step})
        out.update(loss_gap=None, lr_max=exc.lr_max)
    out["unstable"] = out["lr_max"] is not None and lr > out["lr_max"]
    out["epochs"] = [{"epoch": i, "loss": loss} for i, loss in enumerate(losses, 1)]
    out["final_loss"] = losses[-1] if losses and not out["diverged"] else None
    out["seconds"] = time.perf_counter() - start
    return out


def _gap(gap: float | None) -> str:
    return "n/a" if gap is None else train_gap(gap)


def run(args) -> int:
    from ..solve import ols
    from .train import _check_flags

    _check_flags(args)
    args.seed_drawn = args.seed is None
    if args.seed_drawn:
        from ..train import draw_seed

        args.seed = draw_seed()
    pairs = [(lr, batch_size) for lr in args.lr for batch_size in args.batch_size]
    jobs = min(args.jobs or os.cpu_count() or 1, len(pairs))
    _setup(args)
    data, options = _STATE["data"], _STATE["options"]
    if not options["val_fraction"]:  # the same exact answer for every pair: compute it once
        import numpy as np

        options["exact"] = ols(np.asarray(data["X"], np.float64), np.asarray(data["y"]).reshape(-1))
    start = time.perf_counter()
    if jobs > 1:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # no fork of torch's or numba's threads
        with context.Pool(jobs, initializer=_setup, initargs=(args,)) as pool:
            runs = pool.map(_one, pairs)
    else:
        runs = [_one(pair) for pair in pairs]
    seconds = time.perf_counter() - start

    if args.plot is not None:
        from ..plots import save, sweep_figure

        save(sweep_figure(runs, args.lr, args.batch_size), args.plot, args.force)
    if args.json:
        config = settings(args)
        report = {
            "command": "sweep",
            "version": __version__,
            "seed": args.seed,
            "config": config,
            "jobs": jobs,
            "seconds": seconds,
            "runs": runs,
        }
        print(dumps(report))
        return 0
    print(f"{'lr':>10} {'batch':>6} {'final loss':>12} {'vs OLS':>9} {'seconds':>8}  result")
    for r in runs:
        limit = f"2/λ_max = {r['lr_max']:.3g}" if r["lr_max"] is not None else ""
        if r["diverged"]:
            at = r["diverged_at"]
            loss, gap = "—", "—"
            verdict = f"diverged at epoch {at['epoch']}, step {at['step']} ({limit})"
        else:
            loss, gap = f"{r['final_loss']:.6g}", _gap(r["loss_gap"])
            verdict = f"growing: lr above {limit}" if r["unstable"] else "ok"
        print(
            f"{r['lr']:>10g} {r['batch_size']:>6} {loss:>12} {gap:>9} {r['seconds']:>8.2f}  "
            f"{verdict}"
        )
    drawn = f" (drawn; repeat with --seed {args.seed})" if args.seed_drawn else ""
    print(f"{len(runs)} runs in {seconds:.2f} s on {jobs} process(es), seed {args.seed}{drawn}")
    if args.plot is not None:
        print(f"plot written to {args.plot}")
    sys.stdout.flush()
    return 0
