"""What a run will need, estimated before it allocates: memory and disk space, refused with the
figure needed and the figure available rather than discovered by the operating system.

The estimates are deliberately simple upper bounds of the big allocations (the data and its
copies, a row order, the exact answer's factors), each stated next to its formula.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import shutil
import sys
import threading

from linscratch.errors import UsageError

PROCESS_BYTES = 400 << 20  # a process that has imported torch, before any data
SOLVER_CHUNK = 1 << 18  # rows per chunk of the exact answer (solve.CHUNK)
STABILITY_ROWS = 1 << 16  # rows the stability limit looks at (solve.stability)
# Threads one process may use for a pass over the data (`kernels.epoch_loss`); None: the
# cores other work leaves idle. `sweep` sets 1: its processes already share the cores.
THREADS: int | None = None


def available_memory() -> int:
    """Bytes of memory available for new allocations (MemAvailable), or a large number where
    the system does not say."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 1 << 62


def size(nbytes: float) -> str:
    """Bytes for a person: 1.5 GiB, 300 MiB."""
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20)):
        if nbytes >= scale:
            return f"{nbytes / scale:,.1f} {unit}"
    return f"{nbytes / 1024:,.1f} KiB"


def run_bytes(n: int, d: int, itemsize: int, book_order: bool = False, exact=True) -> int:
    """Memory a run needs beyond its data: the row order (a Python list of n ints for the
    book's shuffle, 36 bytes a row; else 8), a copy of the data in the run's dtype, the exact
    answer where `exact` (three chunks of [X 1 y] and ten (d+2)² factors, float64: R̃, the QR's
    block as tall as it is wide, the SVD's vectors and LAPACK's work) and the stability limit
    (a float64 sample of the rows and (d+1)² for the curvature, unless it multiplies by the
    rows alone: `resources.matrix_free`)."""

    order = n * (36 if book_order else 8)
    copy = n * (d + 1) * itemsize
    solver = 3 * min(n, SOLVER_CHUNK) * (d + 2) * 8 + 10 * (d + 2) ** 2 * 8 if exact else 0
    m = min(n, STABILITY_ROWS)
    square = 0 if matrix_free(m, d + 1) else (d + 1) ** 2 * 8
    curvature = 2 * m * (d + 1) * 8 + square
    return order + copy + solver + curvature


def require_memory(needed: int, what: str, *fields: str) -> None:
    """Refuse, before allocating, work that needs more memory than is available."""
    available = available_memory()
    if needed > available:
        problem = UsageError(
            "{what}: about {needed} of memory needed, {available} available",
            what=what,
            needed=size(needed),
            available=size(available),
        )
        if len(fields) == 2:
            raise UsageError("{0}, {1}: {problem}", *fields, problem=problem)
        if fields:
            raise UsageError("{0}: {problem}", *fields, problem=problem)
        raise problem


def require_disk(folder, needed: int, what: str, field: str) -> None:
    """Refuse, before writing, a file larger than the free space of its folder."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if needed > free:
        raise UsageError(
            "{0}: {what}: about {needed} of disk needed, {free} free in {folder}",
            field,
            what=what,
            needed=size(needed),
            free=size(free),
            folder=folder,
        )


def idle_cores() -> int:
    """The cores other work leaves to this process (and any workers it starts): the cores
    less the load average over the last minute, this process's own work counted in it (at
    least 1, at most the cores: on a quiet machine, a load under ½ is no other work). On a
    busy machine more threads or processes only share the same cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average here: assume the cores are free
        load = 1.0
    cores = cores or 1
    return max(1, min(cores, round(cores - load) + 1))


def pass_threads() -> int:
    """The threads a pass over the data may use (the exact pass's fused kernel): `THREADS`
    where a run or a caller has set it (`limited_threads`), else the cores other work leaves
    idle (`idle_cores`)."""
    return THREADS or idle_cores()


# The environment variables by which a user sets the threads of a BLAS or OpenMP: where
# one is set and `threads` is auto, the user's choice stands and the run limits nothing.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
)


def run_threads(setting) -> int | None:
    """The threads a run's passes use, chosen once per run: `setting` (the `threads` field)
    where it is a number; with auto, None where the user set one of `THREAD_VARIABLES`
    (theirs stands), else `THREADS` where a caller set it (sweep's workers: 1), else the
    cores other work leaves idle (`idle_cores`). Measured on a busy 2-core machine
    (benchmarks/under_load.py): a BLAS that starts a thread a core while another process
    holds one waits at every block for the thread that has no core."""
    if setting != "auto":
        return int(setting)
    if any(os.environ.get(name, "").strip() for name in THREAD_VARIABLES):
        return None
    return THREADS or idle_cores()


@contextlib.contextmanager
def limited_threads(threads: int | None):
    """Every BLAS/LAPACK and OpenMP pool of the process (threadpoolctl), torch's threads
    where torch is loaded, and the loss's own threads (`THREADS`) held to `threads` inside
    the block, and given back after; None limits nothing. A signal (Ctrl-C, SIGTERM) that left
    a library call running on an abandoned worker (`interrupts.answering`) gives the pools
    nothing back: setting them waits for that call to end (minutes inside LAPACK), and the
    process is ending."""
    global THREADS
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits  # start-up: only once a run starts its passes

    torch = sys.modules.get("torch")
    before, torch_before = THREADS, torch.get_num_threads() if torch else None
    THREADS = threads
    limits = threadpool_limits(limits=threads)
    if torch:
        torch.set_num_threads(threads)
    try:
        yield
    except BaseException as exc:
        if isinstance(exc, Exception) or not _abandoned():
            _give_back(limits, torch, torch_before)
        raise
    else:
        _give_back(limits, torch, torch_before)
    finally:
        THREADS = before


@contextlib.contextmanager
def one_blas_thread():
    """The BLAS pools held to one thread inside the block where they have more, and given
    back after (as `limited_threads`, not after a signal that abandoned a call): for a pass
    that shares its blocks among its own threads (`reduction.BlockGram`). Enter and leave it
    on the thread that set the pools, the main thread in a run (`interrupts.on_main`), and
    only around that pass (the QR fallback and Huber's passes after it use the pools' threads:
    on 2 cores the QR of 100,000 x 600 rows takes 2.4 s on two, 3.4 s on one): OpenBLAS
    0.3.31's pools set on a worker after the main thread had set them kept a thread spinning
    (measured on 2 cores: the wide exact pass took 1.0-1.1 s, not 0.5 s)."""
    from threadpoolctl import threadpool_info, threadpool_limits  # start-up: passes only

    pools = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    if all(threads <= 1 for threads in pools):
        yield
        return
    limits = threadpool_limits(limits=1, user_api="blas")
    try:
        yield
    except BaseException as exc:
        if isinstance(exc, Exception) or not _abandoned():
            limits.restore_original_limits()
        raise
    else:
        limits.restore_original_limits()


def _give_back(limits, torch, torch_before) -> None:
    limits.restore_original_limits()
    if torch:
        torch.set_num_threads(torch_before)


def _abandoned() -> bool:
    """Whether a worker of `interrupts.answering` is still in its call (the layer beside this
    one, so looked up by its threads' name)."""
    return any(t.name == "linscratch-work" and t.is_alive() for t in threading.enumerate())


READ_AHEAD = 1  # blocks the kernel is asked to read ahead of a pass (MADV_WILLNEED)
PAGE = mmap.PAGESIZE


def _mapping(array):
    """The `mmap.mmap` an array's memory lies in (a view of numpy's memmap, or an array made
    on a mapping), or None."""
    seen = array
    while seen is not None:
        if isinstance(seen, mmap.mmap):
            return seen
        inner = getattr(seen, "_mmap", None)
        if isinstance(inner, mmap.mmap):
            return inner
        seen = getattr(seen, "base", None)
    return None


def _address(buffer) -> int:
    """Where a mapping's first byte is in memory."""
    import numpy as np  # start-up: resources is imported before numpy is needed

    view = np.frombuffer(buffer, np.uint8)
    try:
        return view.__array_interface__["data"][0]
    finally:
        del view  # the mapping may be closed later: no export of its buffer kept


class ReadAhead:
    """A pass over the rows of memory-mapped arrays read in large sequential blocks: the
    kernel is told the pass is sequential (MADV_SEQUENTIAL, a larger read-ahead) and, as each
    block begins, to read the next one now (MADV_WILLNEED), so that a file whose pages were
    evicted is read back at the disk's sequential speed rather than a small fault at a time.
    Arrays that are not memory-mapped (or a system without madvise) cost nothing.
    `advised` counts the blocks asked for (the tests read it)."""

    def __init__(self, *arrays):
        self.parts = []  # (mapping, its address, the array's address, its row stride)
        self.advised = 0
        for array in arrays:
            found = _mapping(array) if array is not None else None
            if found is None or not hasattr(found, "madvise") or array.ndim == 0:
                continue
            start = array.__array_interface__["data"][0]
            self.parts.append((found, _address(found), start, array.strides[0]))
        for found, *_ in self.parts:
            self._advise(found, getattr(mmap, "MADV_SEQUENTIAL", None), 0, len(found))

    def _advise(self, found, advice, offset: int, length: int) -> None:
        if advice is None or length <= 0:
            return
        try:
            found.madvise(advice, offset, length)
        except (OSError, ValueError):  # closed, or not allowed here: only a hint
            pass

    def ahead(self, start: int, stop: int) -> None:
        """Rows start:stop will be read next: ask for their pages now."""
        willneed = getattr(mmap, "MADV_WILLNEED", None)
        for found, base, first, stride in self.parts:
            lo = first - base + start * stride
            hi = min(first - base + stop * stride, len(found))
            lo = max(0, lo - lo % PAGE)
            self._advise(found, willneed, lo, hi - lo)
            self.advised += 1


MATRIX_FREE = 1024  # columns from which the curvature of fewer rows is never formed


def matrix_free(m: int, p: int) -> bool:
    """Whether the power iteration of m rows of p columns multiplies by the rows, Hv =
    Aᵀ(Av)/m (4·m·p flops and no memory), rather than forming H (m·p² flops, p² floats):
    where there are fewer rows than a quarter of the columns, and over MATRIX_FREE columns
    (three rows of 20,001 columns: 3.2 GB and minutes formed, a millisecond a step not)."""
    return p > MATRIX_FREE and 4 * m < p


# The time a run will take, priced before it is paid: the exact answer, the stability
# limit, the epochs
FLOPS = 1e10  # the normal equations' rate, flop/s, on a small machine (2 cores)
ELEMENTS = 1e9  # SGD's rate, rows x features per second, a fast engine
STARTUP = 1.0  # seconds a run costs before its first row (imports, reading)
FREE = 5.0  # seconds an exact answer may always take
# Flops per k³ of the exact answer's factorizations of the (k, k) R̃, whatever the rows: an SVD
# with its vectors (about 22k³), one of its values (4k³), the curvature's eigenvalues and a
# few QRs (4k³). At k = 2,002 they measured 3 s to 30 s on a 2-core machine, idle to busy:
# what made 3 rows x 20,001 columns take minutes before any epoch.
FACTOR_FLOPS = 30
POWER_STEPS = 1000  # the power iteration's steps priced (each a product with the curvature)
SAMPLE_ROWS = 4096  # rows the stability limit's power iteration looks at without an R factor
SAMPLE_STEPS = 8  # its steps, each a product with those rows


def exact_cost(n: int, d: int, passes: int = 1) -> float:
    """The estimated seconds of the exact answer on n rows x d features: the pass over the
    rows (n·k² flops, k = d + 2) and the factorizations of R̃ (FACTOR_FLOPS·k³: these dominate
    once the columns outnumber the rows), `passes` times that for a loss whose minimiser
    takes more than least squares' one (`Loss.exact_passes`: Huber's Newton passes)."""
    k = d + 2
    return passes * (n * k**2 + FACTOR_FLOPS * k**3) / FLOPS


def rest_cost(n: int, d: int, epochs: int) -> float:
    """The estimated seconds of the run without the exact answer: start-up and SGD's epochs."""
    return STARTUP + epochs * n * d / ELEMENTS


def decide(mode: str, n: int, d: int, epochs: int, passes: int = 1) -> str:
    """ "computed", "skipped" (auto: the exact answer would cost more than FREE seconds and
    more than the rest of the run) or "never" (`mode` "never")."""
    if mode == "never":
        return "never"
    if mode == "auto" and exact_cost(n, d, passes) > max(FREE, rest_cost(n, d, epochs)):
        return "skipped"
    return "computed"


def stability_cost(n: int, d: int) -> float:
    """The estimated seconds of the stability limits where the exact answer is not computed
    (`exact.stability`): SAMPLE_STEPS power-iteration steps on m = min(n, SAMPLE_ROWS) rows of
    p = d + 1 columns (4·m·p flops each, no (p, p) matrix) and the rows' squared norms (2·n·p
    flops, at the rate of a pass over them, ELEMENTS)."""
    m, p = min(n, SAMPLE_ROWS), d + 1
    return SAMPLE_STEPS * 4 * m * p / FLOPS + n * p / ELEMENTS


def decide_stability(n: int, d: int, epochs: int) -> bool:
    """Whether to estimate the stability limit from a sample of rows: not where it would cost
    more than FREE seconds and more than the rest of the run (a warning about the learning
    rate is not worth more than the run it warns about)."""
    return stability_cost(n, d) <= max(FREE, rest_cost(n, d, epochs))


WORK_LIMIT = 1e14  # row-feature visits a run may make: about a day at ELEMENTS a second


def require_work(n: int, d: int, epochs: int, runs: int = 1) -> None:
    """Refuse, before any epoch, training that would visit more than WORK_LIMIT row-features
    (epochs x rows x features, times the `runs` of a sweep): a day of the fastest engine."""
    work = float(epochs) * n * d * runs
    if work <= WORK_LIMIT:
        return
    if runs > 1:
        raise UsageError(
            "{0}: {runs:,} runs x {epochs:,} epochs x {n:,} rows x {d:,} features is {work:.2g} "
            "row-feature visits, more than the {limit:.0e} a run may make (about a day at 1e9 "
            "a second); use fewer epochs or pairs",
            "num_epochs",
            runs=runs,
            epochs=epochs,
            n=n,
            d=d,
            work=work,
            limit=WORK_LIMIT,
        )
    raise UsageError(
        "{0}: {epochs:,} epochs x {n:,} rows x {d:,} features is {work:.2g} row-feature visits, "
        "more than the {limit:.0e} a run may make (about a day at 1e9 a second); use fewer epochs",
        "num_epochs",
        epochs=epochs,
        n=n,
        d=d,
        work=work,
        limit=WORK_LIMIT,
    )
