"""Benchmark: one epoch of minibatch SGD linear regression, linscratch against the usual tools.

Compares, in one run on one core: the book's loop (its own `data_iter`/`sgd`), PyTorch's
concise idiom (nn.Linear + DataLoader + optim.SGD), scikit-learn's SGDRegressor (per-sample
SGD, one epoch, constant rate), numpy's lstsq (the exact optimum), and linscratch's analytic
and compiled engines; batch 10, float32. Reports samples/s (shuffling included), the ratio to
SGDRegressor, the final mean loss ½(ŷ − y)² over all rows, and the data read per second
against this machine's measured sequential read rate. Then measures the block shuffle's
effect on convergence against a full shuffle.

    uv run python benchmarks/bench.py            # the full run; writes benchmarks/RESULTS.md
    uv run python benchmarks/bench.py --smoke    # small sizes, prints only (CI)
    uv run python benchmarks/bench.py --options  # only the options' tables, printed

Every time is the median of at least three repetitions; under each table, the CPU model and
the load average before and after it (the machine may be shared: a load near or above the
core count means the figures are slowed). benchmarks/user_wait.py times whole processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from machine import cpu_model
from threadpoolctl import threadpool_limits

from linscratch import data_iter, linreg, sgd, squared_loss
from linscratch.spec import RunSpec
from linscratch.train.engines import make_engine
from linscratch.train.orders import Orders
from linscratch.train.plan import make_plan

LR, BATCH = 0.03, 10
SLOW_ROWS = 200_000  # the Python-per-batch loops run on at most this many rows


def problem(n: int, d: int, seed: int = 0):
    """y = Xw + 4.2 + N(0, 0.01²) with the book's w for d = 2, float32, and the book's init."""
    g = torch.Generator().manual_seed(seed)
    true_w = torch.tensor([2.0, -3.4]) if d == 2 else torch.empty(d).uniform_(-5, 5, generator=g)
    X = torch.normal(0, 1, (n, d), generator=g)
    y = X @ true_w + 4.2 + torch.normal(0, 0.01, (n,), generator=g)
    w0 = torch.normal(0, 0.01, (d, 1), generator=g)
    return X.numpy(), y.numpy(), w0, torch.zeros(1)


def mean_loss(X, y, w, b) -> float:
    e = X.astype(np.float64) @ np.asarray(w, np.float64).reshape(-1) + float(b) - y
    return float(0.5 * np.mean(e * e))


def median_of(fn, reps: int = 3):
    """Run fn() `reps` times (at least three); return the median time and the first run's
    result. A median, not the fastest: a figure that a second run reproduces."""
    times, first = [], None
    for _ in range(max(reps, 3)):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
        first = out if first is None else first
    return statistics.median(times), first


best_of = median_of  # the former name


def conditions(load_before: tuple) -> str:
    """The line under a table: the CPU and the 1-minute load average before and after it."""
    after = os.getloadavg()[0]
    return (
        f"\n_{cpu_model()}, {os.cpu_count()} cores; load average {load_before[0]:.2f} before, "
        f"{after:.2f} after (1 min); medians of at least 3 repetitions._"
    )


def seed_loop(X, y, w0, b0):
    """The book's loop, with the book's own functions."""
    features, labels = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    for Xb, yb in data_iter(BATCH, features, labels):
        squared_loss(linreg(Xb, w, b), yb).sum().backward()
        sgd([w, b], LR, len(Xb))
    return w.detach().numpy(), float(b.detach())


def concise(X, y, w0, b0):
    """Dive into Deep Learning 3.3: nn.Linear, DataLoader, MSELoss, optim.SGD."""
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    net = nn.Linear(X.shape[1], 1)
    with torch.no_grad():
        net.weight.copy_(w0.T)
        net.bias.copy_(b0)
    loader = DataLoader(
        TensorDataset(torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)),
        batch_size=BATCH,
        shuffle=True,
    )
    loss, trainer = nn.MSELoss(), torch.optim.SGD(net.parameters(), lr=LR)
    for Xb, yb in loader:
        trainer.zero_grad()
        loss(net(Xb), yb).backward()
        trainer.step()
    return net.weight.detach().numpy().reshape(-1), float(net.bias)


def sgd_regressor(X, y, w0, b0):
    """scikit-learn's per-sample SGD, one epoch; eta0 = lr/batch gives the same step per row."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDRegressor

    model = SGDRegressor(
        penalty=None,
        learning_rate="constant",
        eta0=LR / BATCH,
        max_iter=1,
        tol=None,
        shuffle=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, coef_init=w0.numpy().reshape(-1).astype(np.float64), intercept_init=0.0)
    return model.coef_, float(model.intercept_[0])


def lstsq(X, y, w0, b0):
    A = np.hstack([X, np.ones((len(X), 1), X.dtype)])
    theta = np.linalg.lstsq(A.astype(np.float64), y.astype(np.float64), rcond=None)[0]
    return theta[:-1], theta[-1]


def plan_for(engine: str, shuffle: str, n: int, d: int, itemsize: int = 4):
    """linscratch's plan for one of its engines at the benchmark's batch size."""
    spec = RunSpec.build(engine=engine, shuffle=shuffle, batch_size=BATCH)
    return make_plan(spec, n, d, itemsize)


def linscratch_engine(name: str, shuffle: str, prefetch: bool = True):
    def fit_one_epoch(X, y, w0, b0):
        n, d = X.shape
        plan = plan_for(name, shuffle, n, d, X.dtype.itemsize)
        eng = make_engine(plan, X, y.reshape(-1, 1), w0, b0)
        if not prefetch:
            eng.ahead = 0  # prefetch only the row at hand: no lookahead
        eng.compile()
        orders = Orders(shuffle, n, 0, plan.block_rows)
        start = time.perf_counter()
        eng.run_epoch(orders.epoch(1), LR, BATCH)
        fit_one_epoch.epoch_seconds.append(time.perf_counter() - start)  # shuffling included
        w, b = eng.params()
        return w, b

    return fit_one_epoch


def sequential_read_rate() -> float:
    """Bytes per second of a plain sequential read (numpy sum of 512 MiB of float32)."""
    a = np.ones(128 * 2**20, np.float32)
    seconds, _ = median_of(a.sum, 5)
    return a.nbytes / seconds


def machine() -> str:
    cpu = cpu_model()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import sklearn

    return (
        f"{cpu}, {os.cpu_count()} cores (one used), {mem:.0f} GiB, {platform.system()}; "
        f"Python {platform.python_version()}, torch {torch.__version__}, "
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}"
    )


def speed_table(sizes, read_rate: float, out) -> dict:
    """Print one table per (N, d); return {(N, d): {method: samples per second}}."""
    methods = [
        ("the book's loop (autograd, Python shuffle)", seed_loop, True),
        ("PyTorch concise (nn.Linear, DataLoader, optim.SGD)", concise, True),
        ("scikit-learn SGDRegressor (per sample)", sgd_regressor, False),
        ("numpy lstsq (exact optimum, not SGD)", lstsq, False),
        ("linscratch analytic (torch, no autograd)", linscratch_engine("analytic", "full"), True),
        ("linscratch compiled, full shuffle", linscratch_engine("compiled", "full"), False),
        ("linscratch compiled, block shuffle", linscratch_engine("compiled", "block"), False),
        (
            "linscratch compiled, block shuffle, no lookahead",
            linscratch_engine("compiled", "block", prefetch=False),
            False,
        ),
        (
            "linscratch compiled, no shuffle (reference)",
            linscratch_engine("compiled", "none"),
            False,
        ),
    ]
    rates = {}
    for n, d in sizes:
        X, y, w0, b0 = problem(n, d)
        load = os.getloadavg()
        bytes_per_row = (d + 1) * 4
        print(
            f"\n### N = {n:,}, d = {d} ({n * bytes_per_row / 2**20:,.0f} MiB of float32)\n",
            file=out,
        )
        print(
            "| method | rows | samples/s | vs SGDRegressor | final loss | GB/s | of read rate |",
            file=out,
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |", file=out)
        rows = []
        for name, fn, slow in methods:
            m = min(n, SLOW_ROWS) if slow else n
            Xs, ys = X[:m], y[:m]
            fn.epoch_seconds = []  # the engines time their epoch alone, without set-up
            seconds, (w, b) = median_of(lambda f=fn, a=(Xs, ys, w0, b0): f(*a))
            seconds = statistics.median(fn.epoch_seconds or [seconds])
            rows.append((name, m, m / seconds, mean_loss(X, y, w, b)))
            print(f"  {name}: {m / seconds / 1e6:.2f} M/s", file=sys.stderr)
        sk_rate = next(r[2] for r in rows if "SGDRegressor" in r[0])
        rates[n, d] = {name: rate for name, _, rate, _ in rows}
        rates[n, d, "loss"] = {name: loss for name, _, _, loss in rows}
        for name, m, rate, loss in rows:
            ratio = "—" if "lstsq" in name else f"{rate / sk_rate:.2f}x"
            gbs = rate * bytes_per_row / 1e9
            read = "—" if "lstsq" in name else f"{rate * bytes_per_row / read_rate:.0%}"
            note = "" if m == n else "†"
            print(
                f"| {name} | {m:,}{note} | {rate / 1e6:,.3g} M | {ratio} | {loss:.6g} | "
                f"{'—' if 'lstsq' in name else f'{gbs:.2f}'} | {read} |",
                file=out,
            )
        print(conditions(load), file=out)
    return rates


def convergence_table(n: int, d: int, epochs: int, out) -> None:
    """Final loss after each epoch, full shuffle against block shuffle, on i.i.d. rows and on
    rows sorted by the target (the case block shuffles are known to handle worst)."""
    X, y, w0, b0 = problem(n, d, seed=1)
    order = np.argsort(y)
    cases = [("i.i.d. rows", X, y), ("rows sorted by y", X[order].copy(), y[order].copy())]
    w_ols, b_ols = lstsq(X, y, w0, b0)
    ols = mean_loss(X, y, w_ols, b_ols)
    print(
        f"\nN = {n:,}, d = {d}, batch {BATCH}, lr {LR}, float32. Each cell: the mean loss after "
        f"that epoch, as its excess over the exact least-squares optimum ({ols:.4g}), or as a "
        "multiple of it.\n",
        file=out,
    )
    print(
        "| data | shuffle | " + " | ".join(f"epoch {e}" for e in range(1, epochs + 1)) + " |",
        file=out,
    )
    print("| --- | --- |" + " ---: |" * epochs, file=out)
    for label, Xc, yc in cases:
        for shuffle in ("full", "block", "none"):
            plan = plan_for("compiled", shuffle, n, d)
            eng = make_engine(plan, Xc, yc.reshape(-1, 1), w0, b0)
            orders = Orders(shuffle, n, 7, plan.block_rows)
            losses = []
            for e in range(1, epochs + 1):
                eng.run_epoch(orders.epoch(e), LR, BATCH)
                losses.append(eng.loss())
            cells = " | ".join(
                f"{(v - ols) / ols:+.2%}" if v < 2 * ols else f"{v / ols:.3g}x" for v in losses
            )
            print(f"| {label} | {shuffle} | {cells} |", file=out)


# What each option costs the compiled engine: one dict of `fit` settings a row, against the plain
# squared loss with a constant rate (a new option's row is one more line here).
OPTIONS = [
    {"average": 1},
    {"lr_schedule": "invscaling"},
    {"lr_schedule": "step", "lr_step_epochs": 1, "lr_step_factor": 0.5},
    {"l2": 0.01},
    {"loss": "huber"},
]


def _compiled_epochs(X, y, w0, b0, settings: dict, epochs: int, seed: int = 7) -> float:
    """Seconds of `epochs` epochs of the compiled engine (full shuffle, batch 10, lr 0.03) with
    the run settings `settings`, each epoch's rate and decay from the schedule as `fit` gives
    them; the kernel's work alone (compiled first; no loss pass)."""
    from linscratch.train.schedules import decay, epoch_rate

    n, d = X.shape
    spec = RunSpec.build(engine="compiled", shuffle="full", batch_size=BATCH, lr=LR, **settings)
    spec = spec.replace(num_epochs=max(epochs, spec.optim.epoch_limit))
    plan = make_plan(spec, n, d, X.dtype.itemsize)
    eng = make_engine(plan, X, y.reshape(-1, 1), w0, b0)
    eng.compile()
    orders = Orders("full", n, seed, plan.block_rows)
    steps = -(-n // BATCH)
    seconds = 0.0
    for e in range(1, epochs + 1):
        if e == plan.average:
            eng.start_average()
        order = orders.epoch(e)
        start = time.perf_counter()
        eng.run_epoch(order, epoch_rate(spec.optim, e), BATCH, None, decay(spec.optim, e, steps))
        seconds += time.perf_counter() - start
    return seconds


def _label(settings: dict) -> str:
    return (
        ", ".join(f"{k}={v}" for k, v in settings.items()) or "plain (squared loss, constant rate)"
    )


def option_cost_table(n: int, d: int, epochs: int, reps: int, out) -> dict:
    """Samples/s of the compiled engine's epochs for the plain run and each of OPTIONS, measured
    in turn within each of `reps` repetitions; each option's ratio to the plain run of the
    same repetition, and the medians. Returns {label: median ratio}."""
    X, y, w0, b0 = problem(n, d)
    configs = [{}, *OPTIONS]
    rates = {_label(c): [] for c in configs}
    for _ in range(reps):
        for c in configs:
            rates[_label(c)].append(n * epochs / _compiled_epochs(X, y, w0, b0, c, epochs))
    plain = rates[_label({})]
    print(
        f"\nN = {n:,}, d = {d}, batch {BATCH}, lr {LR}, float32, full shuffle, {epochs} epochs "
        f"a measurement (the kernel alone: no loss pass), {reps} repetitions, each option "
        "measured right after the plain run of its repetition; medians.\n",
        file=out,
    )
    print("| option | samples/s (median) | vs plain (median of ratios) | ratios |", file=out)
    print("| --- | ---: | ---: | --- |", file=out)
    medians = {}
    for label, values in rates.items():
        ratios = [v / p for v, p in zip(values, plain, strict=True)]
        medians[label] = float(np.median(ratios))
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"| {label} | {np.median(values) / 1e6:,.3g} M | {medians[label]:.2f}x | {shown} |",
            file=out,
        )
    return medians


def averaging_table(n: int, d: int, epochs: int, seeds, out) -> None:
    """The excess loss over the exact least-squares optimum after `epochs` epochs of
    `linscratch.fit` (compiled, float32, batch 10, lr 0.03), without and with iterate averaging
    and with the schedules, one column per data seed."""
    from linscratch.train.loop import fit

    rows = [
        ("constant rate, last iterate", {}),
        ("constant rate, `average` 2", {"average": 2}),
        ("constant rate, `average` 1", {"average": 1}),
        ("invscaling (power_t 0.25), last iterate", {"lr_schedule": "invscaling"}),
        ("invscaling (power_t 0.25), `average` 2", {"lr_schedule": "invscaling", "average": 2}),
        (
            "step (x0.1 every epoch), last iterate",
            {"lr_schedule": "step", "lr_step_epochs": 1, "lr_step_factor": 0.1},
        ),
    ]
    gaps = {label: [] for label, _ in rows}
    for seed in seeds:
        X, y, _, _ = problem(n, d, seed=seed)
        w_ols, b_ols = lstsq(X, y, None, None)
        ols = mean_loss(X, y, w_ols, b_ols)
        for label, settings in rows:
            r = fit(X, y, engine="compiled", lr=LR, batch_size=BATCH, num_epochs=epochs,
                    seed=seed, **settings)  # fmt: skip
            gaps[label].append(mean_loss(X, y, r.w, r.b) / ols - 1)
    print(
        f"\nN = {n:,}, d = {d}, batch {BATCH}, lr {LR}, {epochs} epochs, float32, compiled, full "
        "shuffle: the loss of the parameters reported, as its excess over the exact "
        "least-squares optimum (float64 lstsq on the same rows), one column per data seed.\n",
        file=out,
    )
    print("| run | " + " | ".join(f"seed {s}" for s in seeds) + " |", file=out)
    print("| --- |" + " ---: |" * len(seeds), file=out)
    for label, values in gaps.items():
        print(f"| {label} | " + " | ".join(f"{100 * v:.2g}%" for v in values) + " |", file=out)


def distance(rates: dict, read_rate: float) -> str:
    """Where the remaining distance to the memory-bandwidth limit goes, from the numbers."""
    sk, full, block, block_plain, none = (
        "scikit-learn SGDRegressor (per sample)",
        "linscratch compiled, full shuffle",
        "linscratch compiled, block shuffle",
        "linscratch compiled, block shuffle, no lookahead",
        "linscratch compiled, no shuffle (reference)",
    )
    wide, narrow, losses = rates[10**6, 100], rates[10**7, 2], rates[10**7, 2, "loss"]

    def share(rate, d):
        return rate * (d + 1) * 4 / read_rate

    return f"""
## Where the distance to the memory-bandwidth limit goes

**Targets.** N = 1e7, d = 2: the compiled engine with its automatic (block) shuffle runs at
{narrow[block] / narrow[sk]:.1f}x SGDRegressor's samples/s, shuffling included (target 15x), at
the same final loss: {losses[block]:.5g} against SGDRegressor's {losses[sk]:.5g}
({losses[block] / losses[sk] - 1:+.2%}; target within 1%).
N = 1e6, d = 100: {wide[block] / wide[sk]:.1f}x SGDRegressor (target 8x) and
{share(wide[block], 100):.0%} of the sequential read rate (target 50%).

**Wide rows (d = 100).** The same kernel over the rows in stored order reads at
{share(wide[none], 100):.0%} of the read rate: with 404-byte rows, one epoch is a stream and the
arithmetic (two passes of 100 multiply-adds over a row already in L1) hides behind it. The block
shuffle costs the rest, {1 - wide[block] / wide[none]:.0%} of that speed: one random number and
one swap per row to shuffle each 1 MiB buffer, and rows gathered in shuffled order, which the
hardware prefetcher cannot follow; the kernel's own prefetch of the row 20 places ahead (an
explicit `llvm.prefetch`) recovers most of it: without that lookahead the same epoch reads at
{share(wide[block_plain], 100):.0%}.
A full shuffle pays for writing and reading a 4-byte index per row and for gathering rows from
anywhere in memory: {share(wide[full], 100):.0%}.

**Narrow rows (d = 2).** Twelve bytes a row are too little to be limited by memory: even in
stored order the kernel reads at only {share(narrow[none], 2):.0%} of the read rate,
{narrow[none] / 1e6:.0f} M rows/s, about 4 ns (10 cycles) a row. The limit is the chain of
dependent arithmetic that SGD is: each batch's residuals need the w of the previous step, its
ten contributions are summed one after another, and the update has to finish before the next
batch can start: roughly 80-100 cycles of latency per batch of 10 rows, which no amount of
bandwidth shortens. The block shuffle adds its per-row random number and swap
({narrow[block] / 1e6:.0f} M rows/s). A full shuffle's order costs more than the epoch at this
size (random writes over 40 MB): {narrow[full] / 1e6:.0f} M rows/s, which is why `--shuffle
auto` takes the block shuffle beyond 32 MiB of data.

**The read rate** is a numpy sum over 512 MiB on one core, a good but not a perfect bound: a
plain loop that streams X and y together can exceed it slightly (the no-shuffle row at d = 100).
"""


def csv_table(rows: int, out) -> None:
    """Loading a CSV file: linscratch's reader (pyarrow, then checked cell by cell for numbers
    and finiteness, into float64) against pandas' C parser, in MB of file per second."""
    import tempfile

    import pandas as pd
    from pyarrow import csv

    from linscratch.data.files import read_table

    rng = np.random.default_rng(0)
    data = rng.normal(size=(rows, 6))
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        csv.write_csv(pa_table(data), path)
        size = path.stat().st_size
        ours, _ = median_of(lambda: read_table(path), 3)
        theirs, _ = median_of(lambda: pd.read_csv(path), 3)
    print(f"\n{rows:,} rows x 6 columns of float64, {size / 1e6:.0f} MB:\n", file=out)
    print("| reader | seconds | MB/s |", file=out)
    print("| --- | ---: | ---: |", file=out)
    for name, seconds in (("linscratch (`train --data`)", ours), ("pandas.read_csv", theirs)):
        print(f"| {name} | {seconds:.3f} | {size / 1e6 / seconds:,.0f} |", file=out)
    print(conditions(load), file=out)


def _scaling_worker(rank, world, init_file, n, d, batch, out_file):
    """One rank of the data-parallel measurement: a warm-up epoch, then the median of three
    timed epochs."""
    import torch.distributed as dist

    from linscratch import distributed

    torch.set_num_threads(1)
    if world > 1:
        distributed.start(distributed.Group(rank, world, rank), init_method=f"file://{init_file}")
    X, y, w0, b0 = problem(n, d)
    eng = make_engine(plan_for("analytic", "full", n, d), X, y.reshape(-1, 1), w0, b0)
    orders = Orders("full", n, 0)
    eng.run_epoch(orders.epoch(1), 0.01, batch)
    times = []
    for epoch in (2, 3, 4):
        if world > 1:
            dist.barrier()
        start = time.perf_counter()
        eng.run_epoch(orders.epoch(epoch), 0.01, batch)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    loss = eng.loss()  # a collective: every rank takes part
    if rank == 0:
        Path(out_file).write_text(f"{seconds} {loss}")
    if world > 1:
        distributed.stop()


def scaling_table(n: int, d: int, batches: list[int], out) -> dict:
    """Samples/s of the analytic engine in one process and in two gloo processes (each
    computing half of every batch, one all-reduce per step), one thread per process.
    Returns {batch: speed-up}."""
    import tempfile

    import torch.multiprocessing as mp

    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    print(
        f"\nN = {n:,}, d = {d}, float32, analytic engine, one thread per process; the median "
        "of three epochs after a warm-up epoch.\n",
        file=out,
    )
    print("| batch | steps | 1 process | 2 processes | speed-up | loss (1 / 2) |", file=out)
    print("| ---: | ---: | ---: | ---: | ---: | ---: |", file=out)
    speedups, load = {}, os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        for batch in batches:
            rows = []
            for world in (1, 2):
                out_file = os.path.join(folder, f"out{world}-{batch}")
                init = os.path.join(folder, f"init{world}-{batch}")
                args = (world, init, n, d, batch, out_file)
                if world == 1:
                    _scaling_worker(0, *args)
                else:
                    mp.spawn(_scaling_worker, args=args, nprocs=world, join=True)
                seconds, loss = map(float, Path(out_file).read_text().split())
                rows.append((n / seconds, loss))
            (one, loss1), (two, loss2) = rows
            speedups[batch] = two / one
            print(
                f"| {batch:,} | {-(-n // batch)} | {one / 1e6:.3g} M/s | {two / 1e6:.3g} M/s | "
                f"{two / one:.2f}x | {loss1:.6g} / {loss2:.6g} |",
                file=out,
            )
            print(f"  batch {batch}: {two / one:.2f}x", file=sys.stderr)
    print(conditions(load), file=out)
    return speedups


def _peak_anonymous_memory(cmd: list[str]) -> tuple[int, dict]:
    """Run a command, sampling its anonymous memory (RssAnon) every 10 ms; return the peak in
    MiB and its JSON output."""
    import json
    import re
    import subprocess

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(re.search(r"RssAnon:\s+(\d+)", status).group(1)) // 1024)
        except (OSError, AttributeError):
            pass
        time.sleep(0.01)
    out, _ = proc.communicate()
    return peak, json.loads(out)


def out_of_core_table(rows: int, out, reps: int = 3) -> None:
    """One epoch from files written by make-data, read in place (NPY, memory-mapped) or a row
    group at a time (Parquet): peak anonymous memory of the whole process, and the result
    (medians of `reps` runs)."""
    import tempfile

    exe = [sys.executable, "-m", "linscratch"]
    runs, load = [], os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        for n, ext in ((1000, "npy"), (rows, "npy"), (rows, "parquet")):
            path = os.path.join(folder, f"d{n}.{ext}")
            subprocess_run(
                [*exe, "make-data", "--num-examples", str(n), "--seed", "1", "--out", path]
            )
            cmd = [*exe, "train", "--data", path, "--epochs", "1", "--seed", "1", "--json"]
            trials = [_peak_anonymous_memory([*cmd, "--engine", "compiled"]) for _ in range(reps)]
            peak = round(statistics.median(p for p, _ in trials))
            report = sorted((r for _, r in trials), key=lambda r: r["train_seconds"])[reps // 2]
            runs.append((n, ext, os.path.getsize(path), peak, report))
    print(
        "\n`linscratch make-data --num-examples N --out FILE` then `linscratch train --data FILE "
        "--epochs 1 --engine compiled`. An NPY file is memory-mapped and read in place; a Parquet "
        "file is copied a row group and a few columns at a time into a memory-mapped scratch "
        "file. The exact answer and the losses go through the rows in chunks.\n",
        file=out,
    )
    print("| rows | file | peak anonymous memory | train seconds | loss gap to OLS |", file=out)
    print("| ---: | ---: | ---: | ---: | ---: |", file=out)
    for n, ext, size, peak, r in runs:
        print(
            f"| {n:,} | {size / 2**20:,.0f} MiB .{ext} | {peak} MiB | {r['train_seconds']:.3f} | "
            f"{r['loss_gap']:+.3%} |",
            file=out,
        )
    print(conditions(load), file=out)
    small, big_npy, big_parquet = runs
    print(
        f"\nFor {rows:,} rows the whole process peaks at {big_npy[3]} MiB of anonymous memory "
        f"from NPY and {big_parquet[3]} MiB from Parquet (target: under 250 MiB), against "
        f"{small[3]} MiB for 1,000 rows: the file's pages belong to the page cache, not the "
        "process, and this path never imports PyTorch (PyTorch alone would take about "
        f"300 MiB). One epoch ran at {big_npy[4]['samples_per_second'] / 1e6:.0f} M rows/s.",
        file=out,
    )


USER_WAIT = "\n## What a user waits for"  # the section benchmarks/user_wait.py writes


def user_wait_section(path: Path) -> str:
    """The section of RESULTS.md that user_wait.py wrote, kept as it is ("" if none)."""
    text = path.read_text() if path.exists() else ""
    return text[text.index(USER_WAIT) :] if USER_WAIT in text else ""


def subprocess_run(cmd: list[str]) -> None:
    import subprocess

    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def scaling_note(speedups: dict) -> str:
    over = [b for b in (16384, 65536) if speedups[b] > 2]
    beyond = (
        f" Above 2x at {', '.join(f'{b:,}' for b in over)} rows: one process gathers the whole "
        "batch (64 MB of rows at 16,384, twice the last-level cache) where each of two gathers "
        "half."
        if over
        else ""
    )
    return f"""
Each step of a data-parallel run is this rank's half of the batch's gradient, then one
all-reduce of d + 3 numbers. On this machine that all-reduce, over gloo's TCP on loopback,
takes milliseconds, about as long as computing half of a 4,096-row batch of 1,000 features,
so at batch 4,096 two processes reach {speedups[4096]:.2f}x one. The larger the batch, the more
computation each all-reduce carries: {speedups[16384]:.2f}x at 16,384 rows and
{speedups[65536]:.2f}x at 65,536.{beyond} The exchange cannot overlap the computation: each
step's gradient needs the parameters the previous step produced. Repeated runs on this shared
machine vary by about a fifth.
"""


def pa_table(data: np.ndarray):
    import pyarrow as pa

    return pa.table({f"x{j}": data[:, j] for j in range(data.shape[1])})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, print only")
    parser.add_argument(
        "--options", action="store_true", help="only the options' tables (averaging, schedules)"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        if args.smoke:
            speed_table(
                [(10**3, 2), (2 * 10**4, 2), (5000, 20)], sequential_read_rate(), sys.stdout
            )
            convergence_table(20_000, 2, 2, sys.stdout)
            csv_table(20_000, sys.stdout)
            scaling_table(8192, 100, [1024], sys.stdout)
            out_of_core_table(100_000, sys.stdout, reps=1)  # (three processes, not nine)
            averaging_table(20_000, 2, 2, [0], sys.stdout)
            option_cost_table(20_000, 2, 2, 3, sys.stdout)
            return
        if args.options:
            print("\n## Iterate averaging and schedules: the excess loss", file=sys.stdout)
            averaging_table(10**6, 2, 3, [0, 1, 2], sys.stdout)
            print("\n## What each option costs the compiled engine", file=sys.stdout)
            option_cost_table(10**6, 2, 3, 9, sys.stdout)
            return
        path = Path(__file__).with_name("RESULTS.md")
        tmp = path.with_suffix(".md.tmp")
        read_rate = sequential_read_rate()
        with tmp.open("w") as out:
            print("# Benchmark results\n", file=out)
            print(
                "Made by `uv run python benchmarks/bench.py` (rerun it to check); what a user "
                "waits for, whole processes against other tools, by `uv run --group bench "
                "python benchmarks/user_wait.py --results` (its section, at the end, is kept "
                "when bench.py rewrites this file).\n",
                file=out,
            )
            print(f"Machine: {machine()}.\n", file=out)
            print(
                f"Sequential read rate (numpy sum, one core): {read_rate / 1e9:.1f} GB/s.\n",
                file=out,
            )
            print(
                "One epoch, batch 10, float32, one core; samples/s include shuffling. † Python-"
                f"per-batch loops run on the first {SLOW_ROWS:,} rows only (their rate is flat "
                "in N; their final loss is after those rows). GB/s counts the data each row "
                "reads once (X and y, (d + 1) x 4 bytes).",
                file=out,
            )
            out.flush()
            rates = speed_table([(10**3, 2), (10**6, 2), (10**7, 2), (10**6, 100)], read_rate, out)
            print(distance(rates, read_rate), file=out)
            print("\n## Block shuffle against full shuffle", file=out)
            convergence_table(10**6, 2, 3, out)
            convergence_table(10**6, 20, 3, out)
            print("\n## Loading a CSV file", file=out)
            csv_table(2 * 10**6, out)
            print("\n## Two processes (torch.distributed, gloo)", file=out)
            speedups = scaling_table(131_072, 1000, [4096, 16384, 65536], out)
            print(scaling_note(speedups), file=out)
            print("\n## Out of core: a 40-million-row file", file=out)
            out_of_core_table(40_000_000, out)
            print("\n## Iterate averaging and schedules: the excess loss", file=out)
            averaging_table(10**6, 2, 3, [0, 1, 2], out)
            print("\n## What each option costs the compiled engine", file=out)
            option_cost_table(10**6, 2, 3, 9, out)
            print(user_wait_section(path), end="", file=out)
        tmp.replace(path)
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
