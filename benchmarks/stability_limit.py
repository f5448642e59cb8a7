"""The largest stable learning rate of minibatch SGD, measured, against its estimates.

"Stable" is plain: one epoch (`fit`, seed 0, from w = 0, b = 0) that does not diverge and
whose final loss is not above the starting loss, ½ mean y². The largest stable rate is found
by bisection on a log scale (`train.stable_rate.largest_stable_rate`: BISECTIONS halvings of
a bracket a factor 1,000 either side of SGD's limit, so that its first try is the limit
itself; each try one epoch). Beside it: gradient
descent's limit 2/λ₁ (λ₁ = λ_max(AᵀA/n), A = [X 1]), the worst case 2m/(β + (m − 1)λ₁)
(β = maxᵢ‖aᵢ‖²), and SGD's limit for the batch size m as a run computes it
(`exact.stability.limits`), with the measured's ratio to it.

The data: d = 2, the book's (1,000 rows, seed 0); d = 100 and d = 1000, `make-data`'s rows
(10,000 and 20,000 rows, seed 0). A few minutes on two cores:

    uv run python benchmarks/stability_limit.py           # the table of docs/stability.md
    uv run python benchmarks/stability_limit.py --cost    # its cost at N = 200,000, d = 1000
    uv run python benchmarks/stability_limit.py --figure docs/stability.png [--lang zh]

The figure (`train.stable_rate.rate_curve`, drawn by `show.stability_plot`): the largest
stable rate against the batch size, 1 to 1,000, on the book's data and on `make-data`'s
4,000 x 100 rows (seed 0), against SGD's limit and 2/λ₁.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from linscratch.cli.make_data import chunks
from linscratch.exact.stability import limits, row_moments, sampled_lambda, sgd_limit
from linscratch.spec import RunSpec, default_true_w
from linscratch.train.sources import load
from linscratch.train.stable_rate import largest_stable_rate, rate_curve

BISECTIONS = 12  # the bracket's width, a factor 10⁶, falls to 10^(6/4096): 0.34%


def book_data(seed: int = 0):
    """The book's synthetic data (1,000 rows, 2 features), as `train` draws it with `seed`."""
    spec = RunSpec.build(seed=seed).with_seed(seed)
    data = load(spec.data, seed)
    return np.asarray(data.X, np.float32), np.asarray(data.y, np.float32).reshape(-1)


def made_data(n: int, d: int, seed: int = 0):
    """`make-data --num-examples n --num-features d --seed seed`'s rows, in memory."""
    block = np.concatenate(list(chunks(n, d, default_true_w(d, seed), 4.2, 0.01, seed, "float32")))
    return np.ascontiguousarray(block[:, :d]), np.ascontiguousarray(block[:, d])


def table() -> None:
    """measured, 2/λ₁, the worst-case 2m/(β + (m − 1)λ₁), SGD's limit as the run computes it
    (λ₁ exact; and from a sample, `sampled_lambda`, where there is no R factor)."""
    print(
        "| d | rows | m | measured | 2/λ₁ | 2m/(β+(m−1)λ₁) | SGD's limit | measured/SGD's "
        "| SGD's, λ₁ sampled | β | E‖a‖⁴/E‖a‖² | λ₁ | λ₁ sampled |"
    )
    print("| ---: " * 13 + "|")
    cases = [(2, book_data()), (100, made_data(10_000, 100)), (1000, made_data(20_000, 1000))]
    for d, (X, y) in cases:
        moments = row_moments(X)
        A = np.c_[X.astype(np.float64), np.ones(len(X))]
        lam = float(np.linalg.eigvalsh(A.T @ A / len(A))[-1])
        sampled = sampled_lambda(X)
        for m in (1, 10, 100):
            worst = sgd_limit(moments["beta"], lam, m)
            limit = limits(lam, moments, m, len(X))["lr_max"]
            quick = limits(sampled, moments, m, len(X))["lr_max"]
            found = largest_stable_rate(X, y, m, limit, BISECTIONS)
            print(
                f"| {d} | {len(X):,} | {m} | {found:.4g} | {2 / lam:.4g} | {worst:.4g} "
                f"| {limit:.4g} | {found / limit:.3f} | {quick:.4g} | {moments['beta']:.4g} "
                f"| {moments['spread']:.4g} | {lam:.4g} | {sampled:.4g} |",
                flush=True,
            )


def cost() -> None:
    """`train --json` on N = 200,000, d = 1000 rows: the stability phase against the run."""
    import json
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "w.npy")
        subprocess.run(
            ["linscratch", "make-data", "--num-examples", "200000", "--num-features", "1000",
             "--seed", "0", "--out", path],
            check=True, capture_output=True,
        )  # fmt: skip
        for exact in ("never", "auto"):
            start = time.perf_counter()
            out = subprocess.run(
                ["linscratch", "train", "--data", path, "--seed", "0", "--json",
                 "--exact", exact],
                capture_output=True, text=True,
            )  # fmt: skip
            wall = time.perf_counter() - start
            report = json.loads(out.stdout)
            timings = report.get("timings") or report.get("run", {}).get("timings", {})
            print(f"--exact {exact}: wall {wall:.2f} s, timings {json.dumps(timings)}")
            print(f"  stability {json.dumps(report.get('stability'))}")


def figure(path: str, lang: str) -> None:
    """The largest stable rate against the batch size, measured on the book's data and on
    `make-data`'s 4,000 x 100 rows, drawn to `path` in `lang`."""
    from linscratch.i18n import set_language  # start-up: only for --figure
    from linscratch.show.fonts import figure_text  # start-up: matplotlib only for --figure
    from linscratch.show.stability_plot import (  # start-up: matplotlib only for --figure
        stability_figure,
    )

    curves = [rate_curve(*book_data()), rate_curve(*made_data(4000, 100))]
    for curve in curves:
        pairs = zip(curve["batch_sizes"], curve["measured"], strict=True)
        rates = ", ".join(f"{m}: {r:.4g}" for m, r in pairs)
        print(f"d = {curve['d']}: m* = {curve['critical']:.1f}, 2/λ₁ = {curve['gd']:.4g}; {rates}")
    set_language(lang)
    with figure_text():
        stability_figure(curves).savefig(path, dpi=100)
    print(f"figure written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cost", action="store_true", help="the estimate's cost at d = 1000")
    parser.add_argument("--figure", metavar="PNG", help="draw the largest stable rate by batch")
    parser.add_argument("--lang", default="en", choices=["en", "zh"], help="the figure's language")
    args = parser.parse_args()
    if args.figure:
        figure(args.figure, args.lang)
    else:
        cost() if args.cost else table()


if __name__ == "__main__":
    main()
