"""What a run will need, estimated before it allocates: memory and disk space, refused with the
figure needed and the figure available rather than discovered by the operating system.

The estimates are deliberately simple upper bounds of the big allocations (the data and its
copies, a row order, the exact answer's factors), each stated next to its formula.
"""

from __future__ import annotations

import os
import shutil

from linscratch.errors import UsageError

PROCESS_BYTES = 400 << 20  # a process that has imported torch and numba, before any data
SOLVER_CHUNK = 1 << 18  # rows per chunk of the exact answer (solve.CHUNK)
STABILITY_ROWS = 1 << 16  # rows the stability limit looks at (solve.stability)
# Threads one process may use for a pass over the data (`_epoch_loss`); None: numba's
# NUMBA_NUM_THREADS, the cores. `sweep` sets 1: its processes already share the cores.
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
    rows alone: `solve.matrix_free`)."""
    from linscratch.exact.solve import matrix_free

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
    least 1). On a busy machine more threads or processes only share the same cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average here: assume the cores are free
        load = 1.0
    return max(1, round((cores or 1) - load) + 1)
