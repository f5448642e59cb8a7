"""Benchmark: `linscratch sweep` of six runs against the same six `fit` calls in one process.

Three whole processes, alternated round after round so that a slow spell of the machine hits
all alike: `linscratch sweep --lr 0.01,0.03,0.1 --batch-size 10,100 --seed 1 --json` with its
default processes, the same with `--jobs 1`, and one Python process that draws the same
synthetic data and calls `fit` six times, the same pairs in the same order. Prints the
medians of the wall times, the ratios the issue asks for (sweep / six fits), the processes the
default chose and the sweep's own time for its runs, with the CPU and the load average.

    uv run python benchmarks/sweep.py                     # the book's size, 3 rounds
    uv run python benchmarks/sweep.py --num-examples 100000 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import cpu_model

LRS, BATCHES = "0.01,0.03,0.1", "10,100"

SIX_FITS = f"""
import sys
import torch
from linscratch import fit, synthetic_data

n, epochs = int(sys.argv[1]), int(sys.argv[2])
generator = torch.Generator().manual_seed(1)
X, y = synthetic_data(torch.tensor([2, -3.4]), 4.2, n, generator=generator)
for lr in ({LRS}):
    for batch_size in ({BATCHES}):
        fit(X, y, lr=lr, batch_size=batch_size, num_epochs=epochs, seed=1)
"""


def linscratch() -> list[str]:
    """The installed `linscratch` script beside this Python, or `python -m linscratch`."""
    script = Path(sys.executable).with_name("linscratch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "linscratch"]


def run(command: list[str]) -> tuple[float, str]:
    """Wall seconds from start to exit, and stdout; a failure stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of each command")
    parser.add_argument("--num-examples", type=int, default=1000, help="rows of the data")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of each run")
    args = parser.parse_args()
    size = ["--num-examples", str(args.num_examples), "--epochs", str(args.epochs)]
    sweep = [*linscratch(), "sweep", "--lr", LRS, "--batch-size", BATCHES, "--seed", "1"]
    commands = {
        "sweep (default processes)": [*sweep, *size, "--json"],
        "sweep --jobs 1": [*sweep, *size, "--jobs", "1", "--json"],
        "six fit calls, one process": [
            sys.executable,
            "-c",
            SIX_FITS,
            str(args.num_examples),
            str(args.epochs),
        ],
    }
    for command in commands.values():  # warm-up: bytecode, page cache
        run(command)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    inside: dict[str, list[float]] = {name: [] for name in commands}
    jobs: list[int] = []
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name, command in commands.items():
            seconds, out = run(command)
            walls[name].append(seconds)
            if out.startswith("{"):
                report = json.loads(out)
                inside[name].append(report["seconds"])
                if "default" in name:
                    jobs.append(report["jobs"])
    med = {name: statistics.median(v) for name, v in walls.items()}
    fits = med["six fit calls, one process"]
    print(
        f"CPU: {cpu_model()}, {len(os.sched_getaffinity(0))} cores; load average "
        f"{load:.2f} before, {os.getloadavg()[0]:.2f} after; {args.num_examples:,} "
        f"examples, {args.epochs} epochs, medians of {args.rounds} rounds"
    )
    print()
    print("| command | wall (s) | runs alone (s) | / six fit calls |")
    print("| --- | --- | --- | --- |")
    for name in commands:
        alone = f"{statistics.median(inside[name]):.2f}" if inside[name] else "—"
        print(f"| {name} | {med[name]:.2f} | {alone} | {med[name] / fits:.2f}x |")
    print()
    print(
        f"default processes chosen: {jobs}; default / --jobs 1: "
        f"{med['sweep (default processes)'] / med['sweep --jobs 1']:.2f}x"
    )


if __name__ == "__main__":
    main()
