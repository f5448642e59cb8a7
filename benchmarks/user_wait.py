"""Benchmark: what a user waits for. Whole processes, from a data file to the answer.

For each size, the data are written once by `linscratch make-data` (float32 NPY: the features,
then the label; a Parquet copy from the same seed), then, in rounds that alternate the
tools so that a slow spell of a shared machine hits all alike, each of these runs as its
own process, timed from outside (wall time from launch to exit, and its peak resident memory):

- linscratch: `linscratch train --data FILE --epochs 1`, the text report a user reads (the
  time the other tools are compared with), and the default run `train --data FILE` (3
  epochs). The same with `--json`, from NPY and from Parquet, gives the split of the time, from
  the command's own `timings` (see `train --json`): start-up (launch to the
  command's start: the interpreter and its imports), reading, the stability limit, compiling
  (building the engine: the kernels are compiled with the package, and the first pass for the
  loss before training), training (the epoch and its loss), the exact answer (with the
  passes that compare SGD with it), and reporting (what is left: the report and the exit).
- scikit-learn: one Python process that loads the NPY file (`numpy.load`), fits
  `SGDRegressor` for one epoch (constant rate lr / batch per row, the same step per row as
  linscratch's default batch 10 at lr 0.03) and then `LinearRegression` (the exact answer).
- statsmodels: one process that loads the file and fits `OLS(y, add_constant(X))`.
- Vowpal Wabbit (PyPI `vowpalwabbit`, driven through its Python binding, whose import is
  part of its start-up): one pass over its binary cache with its default learner. The data
  are converted to VW's text format and cached before the rounds, untimed; the text is
  deleted once the cache is made.

Beside linscratch's split, the limits of the machine it ran on (its CPU named in each size's
heading): one plain read of the NPY file from the page cache (numpy's sum of its columns over
the memory map, `machine.plain_read`), and the DGEMM rate (`machine.dgemm_rate`, on one
thread and on every core, measured once); the exact pass's share of them: its time over the
plain read's, and its n·k² flops a second against the DGEMM rate on the run's threads.

The CSV case (`--only csv`, or after the NPY sizes): the same rows written as CSV text (by
pyarrow, from the NPY file, untimed), then in the same alternating rounds:

- linscratch: `train --data FILE.csv --epochs 1`, and with `--json` for its split (reading is
  the parse into the scratch copy);
- polars + lstsq: `polars.read_csv`, then `numpy.linalg.lstsq` on [X 1] (the exact answer
  only: the three-line script a user would write);
- pandas + scikit-learn: `pandas.read_csv` (its C engine), then the scikit-learn fit above;
- the limit: `cat FILE > /dev/null`, one plain read of the file from the page cache.

A tool that is not installed is skipped with a note. Every file is deleted at the end. All
processes read files that are in the page cache (a warm-up round runs first, untimed: the
bytecode and the files are warm, as for a user's second run; the order turns by one each
round: `timed_rounds`). linscratch's own modules are
compiled to bytecode first, as an installed package's are (where PYTHONDONTWRITEBYTECODE is
set, an editable checkout's would otherwise be compiled again by every process: 0.07 s of
each run, measured on an AMD EPYC). Each tool uses the threads it uses by default.

    uv run --group bench python benchmarks/user_wait.py --quick    # small sizes, a few minutes
    uv run --group bench python benchmarks/user_wait.py            # 2,000,000 x 100; 10,000,000 x 2
    uv run --group bench python benchmarks/user_wait.py --out tables.md --rounds 5
    uv run --group bench python benchmarks/user_wait.py --only csv    # 1e6 x 50; 4e6 x 10

The `bench` dependency group holds scikit-learn's companions statsmodels and vowpalwabbit;
with polars; CI's plain `uv sync` does not install it. Prints Markdown tables (ratios against the
issue's targets at the full sizes: linscratch at least 8x faster than scikit-learn's
SGDRegressor + LinearRegression and 20x faster than VW's cached pass at 1e7 x 2, within 0.5 s
of importing numpy; 10x and 3x at 2e6 x 100, and 8x VW without the exact pass); progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_model, dgemm_rate, plain_read

FULL = [(2_000_000, 100), (10_000_000, 2)]
QUICK = [(200_000, 100), (1_000_000, 2)]
CSV_FULL = [(1_000_000, 50), (4_000_000, 10)]
CSV_QUICK = [(100_000, 50), (400_000, 10)]
CSV_TARGETS = {"polars + lstsq": 1 / 0.8}  # linscratch's whole run at most 0.8x its time
PHASES = ("reading", "stability", "compiling", "training", "exact")
# linscratch (NPY) faster by at least this, by size (the targets; other sizes: none);
# "Vowpal Wabbit, against --exact never" compares VW with linscratch's run without the exact pass
TARGETS = {
    (10_000_000, 2): {"scikit-learn": 8.0, "Vowpal Wabbit": 20.0},
    (2_000_000, 100): {
        "scikit-learn": 10.0,
        "Vowpal Wabbit": 3.0,
        "Vowpal Wabbit, against --exact never": 8.0,
    },
}
BEYOND_NUMPY = 0.5  # at 1e7 x 2, the whole run at most this many seconds beyond importing numpy

SKLEARN = """
import json, sys, time, warnings
t0 = time.time()
import numpy as np
from sklearn.linear_model import LinearRegression, SGDRegressor
t1 = time.time()
A = np.load(sys.argv[1])
X, y = A[:, :-1], A[:, -1]
t2 = time.time()
sgd = SGDRegressor(penalty=None, learning_rate="constant", eta0=0.003, max_iter=1, tol=None,
                   shuffle=True, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    sgd.fit(X, y)
t3 = time.time()
ols = LinearRegression().fit(X, y)
t4 = time.time()
print(json.dumps({"started": t0, "importing": t1 - t0, "reading": t2 - t1, "sgd": t3 - t2,
                  "exact": t4 - t3}))
"""

POLARS = """
import json, sys, time
t0 = time.time()
import numpy as np
import polars as pl
t1 = time.time()
A = pl.read_csv(sys.argv[1]).to_numpy()
t2 = time.time()
X = np.column_stack([A[:, :-1], np.ones(len(A))])
w = np.linalg.lstsq(X, A[:, -1])[0]
t3 = time.time()
print(json.dumps({"started": t0, "importing": t1 - t0, "reading": t2 - t1, "exact": t3 - t2}))
"""

PANDAS = SKLEARN.replace("import numpy as np", "import numpy as np, pandas as pd").replace(
    "A = np.load(sys.argv[1])", "A = pd.read_csv(sys.argv[1]).to_numpy()"
)

STATSMODELS = """
import json, sys, time
t0 = time.time()
import numpy as np
import statsmodels.api as sm
t1 = time.time()
A = np.load(sys.argv[1])
X, y = A[:, :-1], A[:, -1]
t2 = time.time()
fit = sm.OLS(y, sm.add_constant(X)).fit()
t3 = time.time()
print(json.dumps({"started": t0, "importing": t1 - t0, "reading": t2 - t1, "exact": t3 - t2}))
"""

VW = """
import json, sys, time
t0 = time.time()
from vowpalwabbit import pyvw
t1 = time.time()
vw = pyvw.Workspace(f"--cache_file {sys.argv[1]} --passes 1 --quiet")
vw.run_parser()
loss = vw.get_sum_loss() / vw.get_weighted_examples()
vw.finish()
t2 = time.time()
print(json.dumps({"started": t0, "importing": t1 - t0, "pass": t2 - t1, "loss": loss}))
"""


def linscratch() -> list[str]:
    """The installed `linscratch` script beside this Python, or `python -m linscratch`."""
    script = Path(sys.executable).with_name("linscratch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "linscratch"]


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def launch(cmd: list[str], folder: str) -> dict:
    """Run `cmd` to its exit: its wall seconds, peak resident MiB (VmHWM, sampled every 20 ms:
    the mapped file's pages count) and JSON output, with the Unix times just before it
    started (`launched`) and just after it ended (`ended`)."""
    out_path = os.path.join(folder, "stdout.json")
    peak = 0
    with open(out_path, "w") as out, tempfile.TemporaryFile("w+") as err:
        launched, start = time.time(), time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        while proc.poll() is None:
            peak = max(peak, _high_water(proc.pid))
            time.sleep(0.02)
        wall, ended = time.perf_counter() - start, time.time()
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.read()[-500:]}")
    text = Path(out_path).read_text()
    report = json.loads(text) if text.startswith("{") else None  # --json's, or the text report
    return {"wall": wall, "launched": launched, "ended": ended, "rss": peak, "report": report}


def _high_water(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), MiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def make_data(n: int, d: int, folder: str, keep: bool) -> dict[str, str]:
    """The NPY and Parquet files of the problem, from the same seed (those in a kept folder
    reused)."""
    files = {}
    for ext in ("npy", "parquet"):
        path = files[ext] = os.path.join(folder, f"n{n}_d{d}.{ext}")
        if keep and os.path.exists(path):
            continue
        subprocess.run(
            [*linscratch(), "make-data", "--num-examples", str(n), "--num-features", str(d),
             "--seed", "1", "--out", path],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return files


def vw_cache(npy: str, folder: str) -> str:
    """VW's binary cache of the NPY file's rows (label | 0:x0 1:x1 ...), made through its text
    format, a chunk of rows at a time (C++ all the way: pyarrow formats the numbers); the
    text is deleted once the cache is made."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv
    from vowpalwabbit import pyvw

    A = np.load(npy, mmap_mode="r")
    d = A.shape[1] - 1
    text, cache = npy + ".vw", npy + ".vw.cache"
    options = csv.WriteOptions(include_header=False, delimiter=" ", quoting_style="none")
    writer = None
    for i in range(0, len(A), 250_000):
        chunk = np.ascontiguousarray(A[i : i + 250_000])
        columns = {"y": pc.cast(pa.array(chunk[:, -1]), pa.string())}
        columns["bar"] = pa.array(["|"] * len(chunk))
        for j in range(d):
            value = pc.cast(pa.array(chunk[:, j]), pa.string())
            columns[f"x{j}"] = pc.binary_join_element_wise(pa.scalar(str(j)), value, ":")
        table = pa.table(columns)
        writer = writer or csv.CSVWriter(text, table.schema, write_options=options)
        writer.write_table(table)
    writer.close()
    vw = pyvw.Workspace(f"-d {text} --cache_file {cache} --quiet")
    vw.run_parser()
    vw.finish()
    os.remove(text)
    return cache


def commands(files: dict[str, str], cache: str | None) -> dict[str, list[str]]:
    """The processes to time, by name; the tools that are not installed are left out."""
    py = sys.executable
    train = [*linscratch(), "train", "--data"]
    runs = {  # the text runs are what a user waits for; --json's give the split of the time
        "linscratch (NPY)": [*train, files["npy"], "--epochs", "1"],
        "linscratch (NPY, the defaults)": [*train, files["npy"]],
        "linscratch (NPY, --json)": [*train, files["npy"], "--epochs", "1", "--json"],
        "linscratch (Parquet, --json)": [*train, files["parquet"], "--epochs", "1", "--json"],
        "linscratch (NPY, --exact never)": [
            *train,
            files["npy"],
            "--epochs",
            "1",
            "--exact",
            "never",
        ],
        "python -c 'import numpy'": [py, "-c", "import numpy"],
    }
    if installed("sklearn"):
        runs["scikit-learn"] = [py, "-c", SKLEARN, files["npy"]]
    if installed("statsmodels"):
        runs["statsmodels"] = [py, "-c", STATSMODELS, files["npy"]]
    if cache is not None:
        runs["Vowpal Wabbit"] = [py, "-c", VW, cache]
    return runs


def split(run: dict) -> dict[str, float]:
    """A linscratch run's wall time in its parts, from its `timings` and the launch/exit
    clock: start-up, the phases, and reporting (the rest)."""
    t = run["report"]["timings"]
    phases = {p: t.get(p, 0.0) for p in PHASES}
    startup = t["started"] - run["launched"]
    reporting = run["ended"] - t["started"] - sum(phases.values())
    return {"start-up": startup, **phases, "reporting": reporting}


def timed_rounds(runs: dict[str, list[str]], folder: str, args, label: str) -> dict:
    """`args.rounds` rounds of the processes `runs` ({name: argv}), each round running every
    one in turn (a slow spell hits all alike), the order turned by one each round, after an
    untimed warm-up round unless `args.warmup` is off: {name: [run, ...]}; progress on stderr
    under `label`. The turn spreads what the first process of a round meets: on an AMD EPYC
    virtual machine, 1e7 x 2 run first in each round (after Vowpal Wabbit's pass) took a
    median of 0.88-1.03 s, the same run later in the round 0.60-0.76 s, and 0.70-0.90 s
    started after 12 s of no run, against 0.57-0.63 s right after another (not the file's
    pages: they stayed in the page cache, and reading them first did not change it)."""
    times: dict[str, list[dict]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(0 if args.warmup else 1, args.rounds + 1):  # round 0: the warm-up
        for name in names[r % len(names) :] + names[: r % len(names)]:
            run = launch(runs[name], folder)
            print(f"  {label} round {r}: {name} {run['wall']:.2f} s", file=sys.stderr)
            if r > 0:
                times[name].append(run)
    return times


def measure(n: int, d: int, folder: str, args) -> tuple[dict, list[str], dict]:
    """`args.rounds` rounds of every process for one size: {name: [run, ...]}, notes and the
    limits ({"read": one plain read of the NPY file from the page cache, s}). The files are
    deleted after, unless the folder is kept (`args.keep`: its files are reused)."""
    notes = []
    files = make_data(n, d, folder, bool(args.keep))
    cache = None
    if installed("vowpalwabbit"):
        start, cache = time.perf_counter(), files["npy"] + ".vw.cache"
        if not (args.keep and os.path.exists(cache)):
            cache = vw_cache(files["npy"], folder)
            made = f" in {time.perf_counter() - start:.0f} s"
        else:
            made = ""
        notes.append(
            f"VW's text and cache made beforehand{made} (untimed); its cache is "
            f"{os.path.getsize(cache) / 2**20:,.0f} MiB."
        )
    else:
        notes.append("Vowpal Wabbit skipped: `vowpalwabbit` is not installed (`--group bench`).")
    for module, name in (("sklearn", "scikit-learn"), ("statsmodels", "statsmodels")):
        if not installed(module):
            notes.append(f"{name} skipped: `{module}` is not installed (`--group bench`).")
    runs = {k: v for k, v in commands(files, cache).items() if k not in (args.skip or ())}
    notes += [f"{name} not run (`--skip`)." for name in args.skip or ()]
    times = timed_rounds(runs, folder, args, f"N={n:,} d={d}")
    limits = {"read": plain_read(files["npy"])}  # after the rounds: the file is in the cache
    for path in [] if args.keep else [*files.values(), *([cache] if cache else [])]:
        os.remove(path)
    return times, notes, limits


def csv_copy(npy: str) -> str:
    """The NPY file's rows as CSV text (x1, ..., xd, y), written by pyarrow a chunk at a
    time (its shortest round-trip text of each float32)."""
    import numpy as np
    import pyarrow as pa
    from pyarrow import csv

    A = np.load(npy, mmap_mode="r")
    d = A.shape[1] - 1
    names = [f"x{j + 1}" for j in range(d)] + ["y"]
    path = npy[: -len(".npy")] + ".csv"
    with csv.CSVWriter(path, pa.schema([(k, pa.float32()) for k in names])) as writer:
        for i in range(0, len(A), 250_000):
            chunk = A[i : i + 250_000]
            writer.write_table(pa.table({k: chunk[:, j] for j, k in enumerate(names)}))
    return path


def csv_commands(path: str) -> dict[str, list[str]]:
    """The processes of the CSV case, by name; the tools that are not installed left out."""
    py = sys.executable
    train = [*linscratch(), "train", "--data", path, "--epochs", "1"]
    runs = {"linscratch (CSV)": train, "linscratch (CSV, --json)": [*train, "--json"]}
    if installed("polars"):
        runs["polars + lstsq"] = [py, "-c", POLARS, path]
    if installed("pandas") and installed("sklearn"):
        runs["pandas + scikit-learn"] = [py, "-c", PANDAS, path]
    runs["cat FILE > /dev/null"] = ["sh", "-c", 'cat "$1" > /dev/null', "sh", path]
    return runs


def measure_csv(n: int, d: int, folder: str, args) -> tuple[dict, list[str], dict]:
    """`args.rounds` rounds of the CSV case's processes for one size, as `measure`."""
    files = make_data(n, d, folder, bool(args.keep))
    path = files["npy"][: -len(".npy")] + ".csv"
    if not (args.keep and os.path.exists(path)):
        csv_copy(files["npy"])
    notes = [f"The CSV file is {os.path.getsize(path) / 2**20:,.0f} MiB (written by pyarrow)."]
    for module, name in (("polars", "polars"), ("pandas", "pandas"), ("sklearn", "scikit-learn")):
        if not installed(module):
            notes.append(f"{name} skipped: `{module}` is not installed (`--group bench`).")
    runs = {k: v for k, v in csv_commands(path).items() if k not in (args.skip or ())}
    times = timed_rounds(runs, folder, args, f"CSV N={n:,} d={d}")
    for leftover in [] if args.keep else [*files.values(), path]:
        os.remove(leftover)
    return times, notes, {}  # the plain read is a process of its own here (`cat`)


def csv_tables(n, d, times: dict, notes: list[str], limits, load, rounds: int, warmup: bool):
    """The Markdown of one CSV size: every process against linscratch's, and its reading
    against polars' and against one plain read of the file."""
    lines = [f"### CSV: N = {n:,}, d = {d}", ""]
    ours = statistics.median(r["wall"] for r in times["linscratch (CSV)"])
    lines += [
        "| process | wall s (median) | min–max | reading s | its own split, s | peak RSS MiB | "
        "linscratch (CSV) faster by | target |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    reading = {}
    for name, runs in times.items():
        walls = [r["wall"] for r in runs]
        wall, run = statistics.median(walls), median_run(runs)
        own = run["report"]
        if name == "linscratch (CSV, --json)":
            parts = split(run)
            inside = ", ".join(f"{k} {v:.2f}" for k, v in parts.items())
            reading[name] = statistics.median(r["report"]["timings"]["reading"] for r in runs)
        elif own is None:
            inside = "the text report" if name.startswith("linscratch") else "—"
        else:
            inside = own_split(run)
            reading[name] = statistics.median(r["report"]["reading"] for r in runs)
        if name.startswith("cat"):
            reading[name] = wall
        target = CSV_TARGETS.get(name)
        verdict = (
            "—"
            if target is None
            else f"≥ {target:.2f}x: {'met' if wall / ours >= target else 'not met'}"
        )
        shown = f"{reading[name]:.2f}" if name in reading else "—"
        lines.append(
            f"| {name} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {shown} | {inside} | "
            f"{run['rss']:,.0f} | {wall / ours:.2f}x | {verdict} |"
        )
    mine = reading.get("linscratch (CSV, --json)")
    if mine is not None:
        lines.append("")
        for other, target in (("polars + lstsq", "≤ 1.0x: "), ("cat FILE > /dev/null", "")):
            if other in reading:
                ratio = mine / reading[other]
                verdict = f"{target}{'met' if ratio <= 1.0 else 'not met'}" if target else ""
                what = "polars.read_csv's" if other.startswith("polars") else "the plain read's"
                lines.append(
                    f"- linscratch's reading takes {ratio:.2f}x {what} time"
                    f"{f' (target {verdict})' if verdict else ''}."
                )
        if "polars + lstsq" in times:
            rss = {k: median_run(times[k])["rss"] for k in ("linscratch (CSV)", "polars + lstsq")}
            lines.append(
                f"- Peak RSS: linscratch {rss['linscratch (CSV)']:,} MiB, polars + lstsq "
                f"{rss['polars + lstsq']:,} MiB (target ≤ polars': "
                f"{'met' if rss['linscratch (CSV)'] <= rss['polars + lstsq'] else 'not met'})."
            )
    return "\n".join([*lines, "", *notes, footer(load, rounds, warmup)])


def own_split(run: dict) -> str:
    """Another tool's split of its time, from its own report: its start-up (launch to its
    script's start), then each of its phases."""
    own = run["report"]
    parts = ", ".join(f"{k} {v:.2f}" for k, v in own.items() if k not in ("started", "loss"))
    return f"start-up {own['started'] - run['launched']:.2f}, {parts}"


def footer(load: tuple, rounds: int, warmup: bool) -> str:
    """The line under a size's tables: the machine, its load before and after, the rounds."""
    return (
        f"\n_{cpu_model()}, {os.cpu_count()} cores; load average {load[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after (1 min); medians of {rounds} rounds"
        f"{' after a warm-up round' if warmup else ''}._\n"
    )


def dgemm_rates() -> dict[int, float]:
    """The machine's DGEMM rate (`machine.dgemm_rate`), GFLOP/s, on one thread and on every
    core: {threads: rate}."""
    cores = os.cpu_count() or 1
    return {t: dgemm_rate(threads=t) for t in sorted({1, cores})}


def exact_share(n: int, d: int, exact: float, threads, limits: dict) -> str:
    """The exact pass's cells: its time over one plain read of the file, and its rate, n·k²
    flops (k = d + 2: the normal equations' syrk) a second, with its share of the DGEMM rate
    on the run's threads (`threads` from its report; all cores where it does not say)."""
    read, rates = limits.get("read"), limits.get("dgemm", {})
    if not exact or not read or not rates:
        return "— | —"
    gflops = n * (d + 2) ** 2 / exact / 1e9
    rate = rates.get(threads or max(rates), rates[max(rates)])
    return f"{exact / read:.2f}x | {gflops:.1f} ({gflops / rate:.0%})"


def limits_line(n: int, d: int, limits: dict) -> str:
    """The line under the split: the limits the exact pass is measured against."""
    read, rates = limits.get("read"), limits.get("dgemm", {})
    dgemm = ", ".join(f"{r:.1f} GFLOP/s on {t} thread{'s' * (t > 1)}" for t, r in rates.items())
    size = n * (d + 1) * 4 / 2**20
    return (
        f"Limits: one plain read of the NPY file from the page cache (numpy's sum of its columns "
        f"over the memory map, one thread) takes {read:.3f} s ({size / read:,.0f} MiB/s); "
        f"the machine's DGEMM (numpy float64 2048 x 2048 product): {dgemm}. The exact pass "
        f"does n·k² = {n * (d + 2) ** 2 / 1e9:.2f} GFLOP (k = d + 2). "
        "`benchmarks/exact_pass.py --limit` times the pass alone."
    )


def median_run(runs: list[dict]) -> dict:
    """The run of median wall time (its split is a real run's, not a mix)."""
    return sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]


def tables(n, d, times: dict, notes: list[str], limits, load, rounds: int, warmup: bool) -> str:
    """The Markdown of one size: linscratch's split with the exact pass against the limits
    (one plain read of the file, the DGEMM rate), then every tool against it."""
    size = n * (d + 1) * 4 / 2**20
    lines = [f"### N = {n:,}, d = {d} (float32 NPY, {size:,.0f} MiB; {cpu_model()})", ""]
    lines += [
        "| linscratch `train --data FILE --epochs 1 --json` | wall s | start-up | reading | "
        "stability | compiling | training | exact | reporting | peak RSS MiB | "
        "exact ÷ plain read | exact GFLOP/s (of DGEMM) |",
        "| --- |" + " ---: |" * 11,
    ]
    for name in [k for k in times if k.startswith("linscratch") and "--json" in k]:
        run = median_run(times[name])
        parts = split(run)
        cells = " | ".join(f"{parts[k]:.2f}" for k in ("start-up", *PHASES, "reporting"))
        kind = name.split("(")[1].rstrip(")")
        share = exact_share(n, d, parts["exact"], run["report"].get("threads"), limits)
        lines.append(f"| {kind} | {run['wall']:.2f} | {cells} | {run['rss']:,.0f} | {share} |")
    lines += ["", limits_line(n, d, limits)]
    ours = statistics.median(r["wall"] for r in times["linscratch (NPY)"])
    lines += [
        "",
        "| process | wall s (median) | min–max | its own split, s | peak RSS MiB | "
        "linscratch (NPY) faster by | target |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for name, runs in times.items():
        walls = [r["wall"] for r in runs]
        wall, run = statistics.median(walls), median_run(runs)
        if name.startswith("linscratch"):
            inside = "see above" if "--json" in name else "the text report"
        else:
            inside = own_split(run) if run["report"] else "—"
        target = TARGETS.get((n, d), {}).get(name)
        verdict = (
            "—"
            if target is None
            else f"≥ {target:g}x: {'met' if wall / ours >= target else 'not met'}"
        )
        lines.append(
            f"| {name} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {inside} | "
            f"{run['rss']:,.0f} | {wall / ours:.2f}x | {verdict} |"
        )
    lines += _beside(n, d, times, ours)
    if {"linscratch (NPY, the defaults)", "linscratch (NPY, --json)"} <= set(times):
        default = statistics.median(r["wall"] for r in times["linscratch (NPY, the defaults)"])
        startup = split(median_run(times["linscratch (NPY, --json)"]))["start-up"]
        lines += [
            "",
            f"The default run, `train --data FILE` (--epochs auto), takes {default:.2f} s: "
            f"{default - startup:.2f} s beyond the start-up of {startup:.2f} s.",
        ]
    return "\n".join([*lines, "", *notes, footer(load, rounds, warmup)])


def _beside(n: int, d: int, times: dict, ours: float) -> list[str]:
    """The issue's other yardsticks: the whole run beyond importing numpy, and VW against
    linscratch's run without the exact pass."""
    lines, median = [], {k: statistics.median(r["wall"] for r in v) for k, v in times.items()}
    numpy_only = median.get("python -c 'import numpy'")
    if numpy_only is not None:
        beyond = ours - numpy_only
        goal = f" (target ≤ {BEYOND_NUMPY} s: {'met' if beyond <= BEYOND_NUMPY else 'not met'})"
        lines += [
            "",
            f"linscratch (NPY) takes {beyond:.2f} s beyond `python -c 'import numpy'` "
            f"({numpy_only:.2f} s){goal if (n, d) == (10_000_000, 2) else ''}.",
        ]
    never, vw = median.get("linscratch (NPY, --exact never)"), median.get("Vowpal Wabbit")
    if never is not None and vw is not None:
        name = "Vowpal Wabbit, against --exact never"
        target = TARGETS.get((n, d), {}).get(name)
        verdict = (
            ""
            if target is None
            else (f" (target ≥ {target:g}x: {'met' if vw / never >= target else 'not met'})")
        )
        lines += [
            "",
            f"Without the exact pass (`--exact never`) linscratch takes {never:.2f} s: "
            f"{vw / never:.2f}x faster than Vowpal Wabbit{verdict}.",
        ]
    return lines


SECTION = "## What a user waits for"


def write_results(tables_md: str) -> None:
    """RESULTS.md with its section SECTION (bench.py keeps it and what follows it) made of
    these tables, in place of the one there was; the sections after it (under_load.py's)
    kept."""
    path = Path(__file__).with_name("RESULTS.md")
    text = path.read_text()
    head, tail = text, ""
    if "\n" + SECTION in text:
        start = text.index("\n" + SECTION)
        head, rest = text[:start], text[start + 1 + len(SECTION) :]
        tail = rest[rest.find("\n## ") :] if "\n## " in rest else ""
    head = head.rstrip("\n")
    body = tables_md.rstrip("\n") + "\n" if tail else tables_md
    path.write_text(f"{head}\n\n{SECTION}\n\n{body}{tail}")


def compile_linscratch() -> None:
    """linscratch's modules compiled to bytecode (`__pycache__`, which git ignores), as an
    installed package's are: the runs then time what a user's do."""
    import compileall

    folder = Path(importlib.util.find_spec("linscratch").origin).parent
    if not compileall.compile_dir(folder, quiet=1):
        sys.exit(f"could not compile {folder} to bytecode")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: " + str(QUICK))
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (at least 3)")
    parser.add_argument("--dir", help="where the data files go (default: a temporary folder)")
    parser.add_argument("--out", help="also write the tables to this Markdown file")
    parser.add_argument(
        "--results",
        action="store_true",
        help="also put the tables in benchmarks/RESULTS.md, replacing its section " + SECTION,
    )
    parser.add_argument(
        "--size", action="append", metavar="N,D", help="only this size (repeatable), say 10000000,2"
    )
    parser.add_argument(
        "--warmup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="an untimed round first (default: on)",
    )
    parser.add_argument(
        "--skip", action="append", metavar="NAME", help='leave a process out: "statsmodels", say'
    )
    parser.add_argument("--keep", metavar="DIR", help="data files in DIR, reused and left there")
    parser.add_argument(
        "--csv-size",
        action="append",
        metavar="N,D",
        help="only this size of the CSV case (repeatable), say 1000000,50",
    )
    parser.add_argument(
        "--only", choices=("npy", "csv"), help="only the NPY sizes, or only the CSV case"
    )
    args = parser.parse_args()
    rounds = args.rounds = max(args.rounds, 3)
    sizes = QUICK if args.quick else FULL
    if args.size:
        sizes = [tuple(int(v) for v in size.split(",")) for size in args.size]
    shown = [
        a for a, b in zip(sys.argv[1:], ["", *sys.argv[1:]], strict=False) if "--out" not in (a, b)
    ]
    command = " ".join(["uv run --group bench python benchmarks/user_wait.py", *shown])
    parts = [
        f"Made by `{command}`. Whole processes, wall time from launch to exit; the median "
        "of the rounds (each round runs every process once, in turn, the order turned by one "
        "each round).\n"
    ]
    csv_sizes = CSV_QUICK if args.quick else CSV_FULL
    if args.csv_size:
        csv_sizes = [tuple(int(v) for v in size.split(",")) for size in args.csv_size]
    cases = [] if args.only == "csv" else [(measure, tables, n, d) for n, d in sizes]
    cases += [] if args.only == "npy" else [(measure_csv, csv_tables, n, d) for n, d in csv_sizes]
    rates = dgemm_rates() if cases and args.only != "csv" else {}
    compile_linscratch()
    for timed, tabled, n, d in cases:
        load = os.getloadavg()
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            times, notes, limits = timed(n, d, args.keep, args)
        else:
            with tempfile.TemporaryDirectory(dir=args.dir) as folder:
                times, notes, limits = timed(n, d, folder, args)
        limits["dgemm"] = rates
        parts.append(tabled(n, d, times, notes, limits, load, rounds, args.warmup))
        print(parts[-1], flush=True)
        if args.out:  # after each size: a run cut short keeps what it measured
            Path(args.out).write_text("\n".join(parts))
    if args.results:
        write_results("\n".join(parts))


if __name__ == "__main__":
    main()
