"""Benchmark: when the epoch lines reach a pipe. Runs `linscratch train --engine autograd
--num-examples 300000 --epochs 3 --seed 1` with stdout a pipe, reads it line by line, and
prints each line with the seconds since start, then how long before the process ended the
first epoch line arrived (the target: more than a second).

    uv run python benchmarks/streaming.py
"""

from __future__ import annotations

import subprocess
import sys
import time

COMMAND = [sys.executable, "-m", "linscratch", "train", "--engine", "autograd"]
COMMAND += ["--num-examples", "300000", "--epochs", "3", "--seed", "1"]


def main() -> None:
    start = time.perf_counter()
    first = None
    with subprocess.Popen(COMMAND, stdout=subprocess.PIPE, text=True) as child:
        for line in child.stdout:
            now = time.perf_counter() - start
            first = now if first is None and line.startswith("epoch 1,") else first
            print(f"{now:7.2f} s  {line}", end="")
    end = time.perf_counter() - start
    print(f"{end:7.2f} s  exit {child.returncode}")
    print(f"the first epoch line came {end - first:.2f} s before the run ended")


if __name__ == "__main__":
    main()
