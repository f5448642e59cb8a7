"""What Huber's loss costs the compiled kernel: one epoch of `kernels.epochs.sgd_epoch` over N rows,
d = 2, float32, batch 10, lr 0.03, a full shuffle, with the squared loss and with Huber's
(δ = 1), alternating, the best of `--repeat` epochs each, three rounds; prints each round's
rates and the ratio Huber / squared within the round (the machine's noise cancels in it).

    uv run python benchmarks/huber_kernel.py [--rows 1000000] [--repeat 7]

Both run the same loop: the loss's number (`KernelOptions.loss`) picks its pieces in
`losses/kernels.pxd` with one predictable branch a row.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from linscratch.train.engines.compiled import KernelOptions
from linscratch.train.kernels.epochs import KINDS, sgd_epoch


def epoch_seconds(X, y, order, delta, repeat: int) -> float:
    kind = KINDS["squared" if delta is None else "huber"]
    opts = KernelOptions(0.03, 10, True, False, 16, 0, loss=kind, loss_parameter=delta or 0.0)
    w, b = np.zeros(X.shape[1], X.dtype), np.zeros(1, X.dtype)
    sgd_epoch(X, y, order, w, b, opts, None, None, None, None)  # warm the caches
    best = np.inf
    for _ in range(repeat):
        w[:], b[:] = 0, 0
        start = time.perf_counter()
        sgd_epoch(X, y, order, w, b, opts, None, None, None, None)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.rows
    X = rng.standard_normal((n, 2), dtype=np.float32)
    y = (X.astype(np.float64) @ [2, -3.4] + 4.2 + 0.01 * rng.standard_normal(n)).astype(np.float32)
    order = rng.permutation(n)
    print("| round | squared (M rows/s) | Huber (M rows/s) | Huber / squared |")
    print("| --- | ---: | ---: | ---: |")
    for k in range(1, 4):
        squared = epoch_seconds(X, y, order, None, args.repeat)
        huber = epoch_seconds(X, y, order, 1.0, args.repeat)
        print(f"| {k} | {n / squared / 1e6:.1f} | {n / huber / 1e6:.1f} | {squared / huber:.2f} |")


if __name__ == "__main__":
    main()
