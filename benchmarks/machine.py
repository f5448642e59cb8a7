"""What the benchmarks print beside their tables: the CPU's model name, and the machine's
limits a pass over the data is measured against: one plain read of a file from the page
cache, and the float64 matrix-multiply (DGEMM) rate."""

from __future__ import annotations

import platform
import statistics
import time
from pathlib import Path

import numpy as np


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def plain_read(path: str, reps: int = 3) -> float:
    """Seconds of one plain read of an NPY file: its columns summed by numpy over its memory
    map (`A.sum(axis=0)`, one thread), the median of `reps` after an untimed read that brings
    the file into the page cache. The floor of any pass over the file's rows."""
    A = np.load(path, mmap_mode="r")
    A.sum(axis=0)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        A.sum(axis=0)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def dgemm_rate(n: int = 2048, threads: int | None = None, reps: int = 3) -> float:
    """The machine's DGEMM rate, GFLOP/s: the best of `reps` products of two (n, n) float64
    matrices by numpy's BLAS (2n³ flops each), on `threads` threads (None: the BLAS's own
    choice). n = 2048 is past the size where the rate levels off (52-53 GFLOP/s on one
    thread of an AMD EPYC at n = 1024, 2048 and 4096)."""
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).normal(size=(n, n))
    b = a.T.copy()
    best = float("inf")
    with threadpool_limits(threads):
        a @ b  # the BLAS's threads started, its code paged in
        for _ in range(reps):
            start = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9
