"""Benchmark: what a `linscratch` command costs beyond importing torch and numpy.

Runs, alternating, `python -c "import torch, numpy"` (the floor every command pays),
`linscratch --help`, the default `linscratch train` (the book's run: 1,000 examples, 3
epochs) and `linscratch train --quiet`, each several times, and prints the median wall time
of each, its overhead over the floor and their ratio as a markdown table, with the median
CPU time (user + system), steadier than wall time on a busy machine. The bytecode is
compiled by a warm-up round first, so the figures are those of every run but the very first.

    uv run python benchmarks/startup.py            # 7 rounds
    uv run python benchmarks/startup.py --rounds 15
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def linscratch() -> list[str]:
    """The installed `linscratch` script beside this Python, or `python -m linscratch`."""
    script = Path(sys.executable).with_name("linscratch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "linscratch"]


COMMANDS = {
    'python -c "import torch, numpy"': [sys.executable, "-c", "import torch, numpy"],
    "linscratch --help": [*linscratch(), "--help"],
    "linscratch train": [*linscratch(), "train"],
    "linscratch train --quiet": [*linscratch(), "train", "--quiet"],
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds from start to exit, output discarded; a failure
    stops the benchmark."""
    start, cpu = time.perf_counter(), _cpu()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="repetitions of each command")
    rounds = parser.parse_args().rounds
    for command in COMMANDS.values():  # warm-up: bytecode compiled, files in the page cache
        wall(command)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):  # alternating, so that a slow spell of the machine hits all alike
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    walls = {name: statistics.median(w for w, _ in t) for name, t in times.items()}
    cpus = {name: statistics.median(c for _, c in t) for name, t in times.items()}
    base = 'python -c "import torch, numpy"'
    print(f"Median of {rounds} alternating runs each (Python {sys.version.split()[0]}).")
    print()
    print("| command | wall s | wall over import | wall ratio | CPU s | CPU over import |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in COMMANDS:
        w, c = walls[name], cpus[name]
        print(
            f"| `{name}` | {w:.3f} | {w - walls[base]:+.3f} s | {w / walls[base]:.2f}x "
            f"| {c:.3f} | {c - cpus[base]:+.3f} s |"
        )


if __name__ == "__main__":
    main()
