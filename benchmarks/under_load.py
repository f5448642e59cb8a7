"""The exact pass and the whole `linscratch train --data FILE` under competing load, beside
the quiet run, with scikit-learn's process under the same loads (issue 28).

    uv run python benchmarks/under_load.py [--quick] [--reps 5] [--dir DIR]
        [--loads quiet,blas,evict,bandwidth] [--before SRC] [-- extra train flags]

Each size's file is made once with `linscratch make-data` (1e6 x 20 float64, 2e6 x 100
float32; `--quick`: 2e5 x 20 and 2e5 x 50). Loads, each a process started before the rounds
and stopped after them:
- quiet: none (the machine's other work goes on: the load average is printed with each row);
- blas: a two-thread matrix-multiply loop (numpy, OPENBLAS_NUM_THREADS=2);
- evict: the file's pages dropped before every run (`posix_fadvise(DONTNEED)`), and a
  sequential read of the file after the same drop (`cat FILE > /dev/null`) timed beside it;
- bandwidth: a process streaming a 256 MiB array (copying it back and forth).
Per load, rounds alternate: linscratch (`train --json --epochs 1`: `timings.exact` and the
process's wall time), `--before`'s linscratch where given (the same command with PYTHONPATH
at an older tree's `src`), scikit-learn's process (`LinearRegression` on the same memory map,
wall time). Medians of `--reps`, the largest run, and each one's ratio to its quiet median.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_model

SIZES = {
    "1e6x20 float64": (1_000_000, 20, "float64"),
    "2e6x100 float32": (2_000_000, 100, "float32"),
}
QUICK = {"2e5x20 float64": (200_000, 20, "float64"), "2e5x50 float32": (200_000, 50, "float32")}

BLAS = """
import numpy as np
a = np.random.default_rng(0).random((1200, 1200))
while True:
    a @ a
"""
BANDWIDTH = """
import numpy as np
a = np.ones(32 << 20)
b = np.empty_like(a)
while True:
    np.copyto(b, a)
    np.copyto(a, b)
"""
SKLEARN = """
import sys, time
import numpy as np
from sklearn.linear_model import LinearRegression
A = np.load(sys.argv[1], mmap_mode="r")
LinearRegression().fit(A[:, :-1], A[:, -1])
"""


def drop(path: str) -> None:
    """The file's pages out of the page cache (no root needed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def load_process(kind: str) -> subprocess.Popen | None:
    """The competing process of a load, or None."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    code = {"blas": BLAS, "bandwidth": BANDWIDTH}.get(kind)
    if code is None:
        return None
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)
    time.sleep(2.0)  # started and at work
    return proc


def timed(cmd: list[str], env: dict) -> tuple[float, dict]:
    """(wall seconds, the JSON it printed or {})."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed: {done.stderr.strip()[-400:]}")
    try:
        return wall, json.loads(done.stdout)
    except json.JSONDecodeError:
        return wall, {}


def cause(path: str, reps: int, loads: list[str]) -> None:
    """The exact pass alone, in this process (no start-up), on one BLAS thread against two and
    read ahead against not, alternating, under each load: which change matters where."""
    import numpy as np  # benchmark: numpy only in this mode
    from threadpoolctl import threadpool_limits

    from linscratch import resources
    from linscratch.exact import reduction

    class Plain(resources.ReadAhead):
        def ahead(self, start, stop):  # no advice: the pass before the change
            pass

    A = np.load(path, mmap_mode="r")
    X, y = A[:, :-1], A[:, -1]
    ways = {
        "1 thread, read ahead": (1, resources.ReadAhead),
        "2 threads, read ahead": (2, resources.ReadAhead),
        "1 thread, no read-ahead": (1, Plain),
        "2 threads, no read-ahead": (2, Plain),
    }
    print(f"\n## the exact pass alone (gram_pass), {path}")
    print("load | way | median s | max s | load avg")
    for load in loads:
        proc = load_process(load)
        times = {way: [] for way in ways}
        avgs = []
        try:
            for _ in range(reps):
                for way, (threads, reader) in ways.items():
                    if load == "evict":
                        drop(path)
                    reduction.ReadAhead = reader
                    avgs.append(os.getloadavg()[0])
                    with threadpool_limits(limits=threads):
                        start = time.perf_counter()
                        reduction.gram_pass(X, y)
                        times[way].append(time.perf_counter() - start)
        finally:
            reduction.ReadAhead = resources.ReadAhead
            if proc is not None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
        for way, xs in times.items():
            avg = statistics.mean(avgs)
            print(f"{load} | {way} | {statistics.median(xs):.3f} | {max(xs):.3f} | {avg:.1f}")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--dir", default="/tmp/linscratch-under-load")
    parser.add_argument("--loads", default="quiet,blas,evict,bandwidth")
    parser.add_argument("--sizes", default=None, help="names of the sizes to run, comma-separated")
    parser.add_argument("--before", default=None, help="an older tree's src, run beside")
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--cause", default=None, help="an NPY file: the exact pass alone")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    if args.cause:
        cause(args.cause, args.reps, args.loads.split(","))
        return
    sizes = QUICK if args.quick else SIZES
    if args.sizes:
        sizes = {k: v for k, v in {**SIZES, **QUICK}.items() if k in args.sizes.split(",")}
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    exe = str(Path(sys.executable).with_name("linscratch"))
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; reps {args.reps}", flush=True)
    for name, (n, d, dtype) in sizes.items():
        path = folder / f"{n}x{d}-{dtype}.npy"
        if not path.exists():
            made = ["--dtype", dtype, "--out", str(path), "--seed", "1"]
            subprocess.run(
                [exe, "make-data", "--num-examples", str(n), "--num-features", str(d), *made],
                check=True,
                capture_output=True,
            )
        cmd = [exe, "train", "--data", str(path), "--epochs", "1", "--seed", "1", "--json"]
        cmd += extra
        who = {"ours": (cmd, dict(os.environ))}
        if args.before:
            env = {**os.environ, "PYTHONPATH": args.before}
            who["before"] = ([sys.executable, "-m", "linscratch", *cmd[1:]], env)
        if not args.no_sklearn:
            who["sklearn"] = ([sys.executable, "-c", SKLEARN, str(path)], dict(os.environ))
        quiet: dict[tuple[str, str], float] = {}
        print(f"\n## {name} ({path.stat().st_size >> 20} MiB)", flush=True)
        print("load | who | exact s (median, max) | whole s (median, max) | x quiet | load avg")
        for load in args.loads.split(","):
            proc = load_process(load)
            times = {(w, m): [] for w in who for m in ("exact", "whole")}
            reads, loads = [], []
            try:
                for _ in range(args.reps):
                    if load == "evict":
                        drop(str(path))
                        start = time.perf_counter()
                        subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
                        reads.append(time.perf_counter() - start)
                    for w, (c, env) in who.items():
                        if load == "evict":
                            drop(str(path))
                        loads.append(os.getloadavg()[0])
                        wall, out = timed(c, env)
                        times[(w, "whole")].append(wall)
                        if "timings" in out:
                            times[(w, "exact")].append(out["timings"]["exact"])
            finally:
                if proc is not None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait()
            for w in who:
                cells = []
                ratios = []
                for m in ("exact", "whole"):
                    xs = times[(w, m)]
                    if not xs:
                        cells.append("-")
                        continue
                    med = statistics.median(xs)
                    if load == "quiet":
                        quiet[(w, m)] = med
                    cells.append(f"{med:.2f} ({max(xs):.2f})")
                    if (w, m) in quiet:
                        q = quiet[(w, m)]
                        ratios.append(f"{m} {med / q:.2f}x (max {max(xs) / q:.2f}x)")
                avg = statistics.mean(loads)
                print(f"{load} | {w} | {' | '.join(cells)} | {'; '.join(ratios)} | {avg:.1f}")
            if reads:
                print(f"{load} | cat FILE after the drop | {statistics.median(reads):.2f} s")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
