"""The whole `linscratch train --data FILE` process against one pass of the streamed float64
normal equations over the same NPY file (issue 16's yardstick), alternating; medians; the
process's peak anonymous memory (RssAnon, sampled every 20 ms).

    uv run python benchmarks/exact_pass.py FILE.npy [--reps 3] [-- extra train flags]

With `--limit`, the exact pass alone (`reduction.reduce_rows` on the file's memory-mapped
columns, in this process) against the machine's limit, one plain read of the same file
(`machine.plain_read`: numpy's sum of its columns over the memory map), and against the same
pass through BLAS alone (`reduction.FUSED_WIDTH` set below d: float64 blocks and syrk, the
path wide rows take), alternating, on `--threads` threads (default 1: BLAS's and the
kernel's, `resources.limited_threads`); medians:

    uv run python benchmarks/exact_pass.py FILE.npy --limit [--reps 5]

Make FILE with `linscratch make-data --num-examples 2000000 --num-features 100 --out FILE.npy`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
from machine import cpu_model, plain_read


def normal_equations_pass(path: str) -> float:
    """Seconds of one pass: 16 MiB float64 chunks of [X y 1], their Gram matrix added up."""
    A = np.load(path, mmap_mode="r")
    n, k = A.shape
    rows = max(1, (16 << 20) // (8 * (k + 1)))
    buf = np.empty((rows, k + 1))
    G = np.zeros((k + 1, k + 1))
    start = time.perf_counter()
    for s in range(0, n, rows):
        m = min(rows, n - s)
        buf[:m, :k] = A[s : s + m]
        buf[:m, k] = 1.0
        G += buf[:m].T @ buf[:m]
    return time.perf_counter() - start


def whole_process(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RssAnon MiB) of a process."""
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)

    def watch() -> None:
        while proc.poll() is None:
            try:
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("RssAnon"):
                        peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    proc.wait()
    watcher.join()
    return time.perf_counter() - start, peak[0] / 1024


def limit(path: str, reps: int, threads: int) -> None:
    """Print the exact pass alone, by the fused kernel and by BLAS, against one plain read of
    the file, alternating; medians of `reps`."""
    from linscratch.exact import reduction
    from linscratch.resources import limited_threads

    A = np.load(path, mmap_mode="r")
    n, d = A.shape[0], A.shape[1] - 1
    X, y = A[:, :d], A[:, d]
    fused_width = reduction.FUSED_WIDTH

    def exact(width: int) -> float:
        reduction.FUSED_WIDTH = width
        start = time.perf_counter()
        reduction.reduce_rows(X, y, True)
        reduction.FUSED_WIDTH = fused_width
        return time.perf_counter() - start

    reduction.reduce_rows(X[:1000], y[:1000], True, method="normal")  # the kernel compiled
    times: dict[str, list[float]] = {"read": [], "exact": [], "blas": []}
    with limited_threads(threads):  # BLAS's and the fused kernel's
        for _ in range(reps):
            times["read"].append(plain_read(path, reps=1))
            times["exact"].append(exact(fused_width))
            times["blas"].append(exact(-1))
    read, ours, blas = (statistics.median(times[k]) for k in ("read", "exact", "blas"))
    size = A.nbytes / 2**20
    print(
        f"| {n:,} x {d} {A.dtype} ({size:,.0f} MiB) | {read:.3f} | {ours:.3f} | {ours / read:.2f}x "
        f"| {blas:.3f} | {blas / read:.2f}x | {blas / ours:.2f}x |"
    )
    print(
        f"_{cpu_model()}, {threads} thread(s), medians of {reps}; {size / read:,.0f} "
        f"MiB/s read; FUSED_WIDTH {fused_width}._"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--limit", action="store_true", help="the pass alone against a read")
    parser.add_argument("--threads", type=int, default=1, help="threads with --limit")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    if args.limit:
        limit(args.file, max(3, args.reps), args.threads)
        return
    exe = str(Path(sys.executable).with_name("linscratch"))
    cmd = [exe, "train", "--data", args.file, "--seed", "1", *extra]
    passes, walls, peaks = [], [], []
    for _ in range(max(3, args.reps)):
        passes.append(normal_equations_pass(args.file))
        wall, peak = whole_process(cmd)
        walls.append(wall)
        peaks.append(peak)
    ne, wh = statistics.median(passes), statistics.median(walls)
    print(f"normal-equations pass: {ne:.2f} s (median of {[round(x, 2) for x in passes]})")
    shown = " ".join(cmd[1:])
    print(f"whole `{shown}`: {wh:.2f} s ({[round(x, 2) for x in walls]}), {wh / ne:.2f}x")
    print(f"peak anonymous memory: {max(peaks):.0f} MiB")


if __name__ == "__main__":
    main()
