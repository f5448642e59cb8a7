"""Benchmark: the compiled engine's per-epoch loss (a full pass with the epoch's final
parameters) as a share of the epoch, at d = 2 and d = 100, N = 1e6 and 1e7.

For each size, a `fit` of a few epochs (float32, batch 100, the planner's shuffle) times each
epoch (`CompiledEngine.run_epoch`) and each loss (`CompiledEngine.loss`, on the threads it chooses);
beside the loss, on the same arrays, the same pass on one thread and numpy's
(the residuals in float64, then their mean square), and a plain read of the same bytes (numpy's
sum of every float, one thread) as the memory's speed. Medians over the epochs and over
`--repeats` fits, the load average and the CPU model printed beside the table.

    uv run python benchmarks/epoch_loss.py                  # 3 repeats, all four sizes
    uv run python benchmarks/epoch_loss.py --sizes 1e6x2,1e6x100
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from machine import cpu_model

from linscratch import fit
from linscratch.train.engines.compiled import CompiledEngine
from linscratch.train.kernels.epoch_loss import mean_loss


def serial_loop(X, y, w, b):
    """The loss as a numpy user computes it: the residuals in float64, then their mean square."""
    e = X @ w.astype(np.float64) + float(b[0]) - y
    return 0.5 * float(e @ e) / len(e)


def read_all(X, y) -> float:
    """numpy's sum of every float of X and y (SIMD, one thread): the speed of reading them."""
    return float(X.sum()) + float(y.sum())


def _timed(f, *args) -> float:
    start = time.perf_counter()
    f(*args)
    return time.perf_counter() - start


def measure(n: int, d: int, epochs: int) -> dict[str, float]:
    """Median seconds of an epoch, the loss, the loss on one thread, numpy's, a read."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d), dtype=np.float32)
    y = X @ rng.standard_normal(d).astype(np.float32) + np.float32(1)
    times: dict[str, list[float]] = {k: [] for k in ("epoch", "loss", "one", "old", "read")}
    run_epoch, loss = CompiledEngine.run_epoch, CompiledEngine.loss

    def timed_epoch(self, *args, **kwargs):
        start = time.perf_counter()
        out = run_epoch(self, *args, **kwargs)
        times["epoch"].append(time.perf_counter() - start)
        return out

    def timed_loss(self):
        if self.w.any():  # not the starting loss: measure beside it
            times["one"].append(_timed(mean_loss, self.X, self.y, self.w, self.b, None, 1))
            times["old"].append(_timed(serial_loop, self.X, self.y, self.w, self.b))
            times["read"].append(_timed(read_all, self.X, self.y))
        start = time.perf_counter()
        out = loss(self)
        times["loss"].append(time.perf_counter() - start)
        return out

    CompiledEngine.run_epoch, CompiledEngine.loss = timed_epoch, timed_loss
    try:
        fit(
            X, y, engine="compiled", num_epochs=epochs, lr=0.01, batch_size=100, seed=0, init="zero"
        )
    finally:
        CompiledEngine.run_epoch, CompiledEngine.loss = run_epoch, loss
    times["loss"] = times["loss"][1:]  # the starting loss is not an epoch's
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fits per size")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per fit")
    parser.add_argument("--sizes", default="1e6x2,1e7x2,1e6x100,1e7x100", help="NxD,...")
    args = parser.parse_args()
    print(
        f"CPU: {cpu_model()}, {len(os.sched_getaffinity(0))} cores; load average before: "
        f"{os.getloadavg()[0]:.2f}"
    )
    print()
    print(
        "| N | d | epoch (ms) | loss (ms) | loss / epoch | one thread / epoch "
        "| numpy / epoch | read (ms) | loss / read |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes.split(","):
        n, d = (int(float(v)) for v in size.split("x"))
        runs = [measure(n, d, args.epochs) for _ in range(args.repeats)]
        m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"| {n:.0e} | {d} | {m['epoch'] * 1e3:.1f} | {m['loss'] * 1e3:.2f} "
            f"| {m['loss'] / m['epoch']:.1%} | {m['one'] / m['epoch']:.1%} "
            f"| {m['old'] / m['epoch']:.1%} | {m['read'] * 1e3:.2f} "
            f"| {m['loss'] / m['read']:.2f} |",
            flush=True,
        )
    print()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
