"""What weight decay costs the compiled kernel: one epoch of `sgd_epoch` (full shuffle, batch 10,
float32, 1,000,000 rows) with l2 = 0 and with l2 > 0, interleaved round by round so that a
busy machine slows both alike; prints the medians and the median ratio per feature count.

    uv run python benchmarks/weight_decay.py            # 15 rounds
    uv run python benchmarks/weight_decay.py --smoke    # small, 3 rounds
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from linscratch.train.engines.compiled import KernelOptions
from linscratch.train.kernels.epochs import sgd_epoch


def epoch_seconds(X, y, order, opts) -> float:
    w, b = np.zeros(X.shape[1], X.dtype), np.zeros(1, X.dtype)
    start = time.perf_counter()
    sgd_epoch(X, y, order, w, b, opts, None, None, None, None)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="small sizes, 3 rounds")
    args = parser.parse_args()
    n, rounds = (20_000, 3) if args.smoke else (1_000_000, 15)
    print("| d | l2 = 0 | l2 = 0.01 | ratio |\n| ---: | ---: | ---: | ---: |")
    for d in (2, 16):
        rng = np.random.default_rng(0)
        X = rng.normal(size=(n, d)).astype(np.float32)
        y = (X @ rng.uniform(-2, 2, d) + 4.2).astype(np.float32)
        order = rng.permutation(n).astype(np.int64)
        plain = KernelOptions(0.01, 10, True, False, 16, 0)
        decay = plain._replace(l2=0.01)
        for opts in (plain, decay):  # warm the caches
            epoch_seconds(X[:100], y[:100], order[order < 100], opts)
        times = {plain: [], decay: []}
        for _ in range(rounds):
            for opts in (plain, decay):
                times[opts].append(epoch_seconds(X, y, order, opts))
        ratio = statistics.median(a / b for a, b in zip(times[decay], times[plain], strict=True))
        a, b = (statistics.median(times[o]) * 1e3 for o in (plain, decay))
        print(f"| {d} | {a:.1f} ms | {b:.1f} ms | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
