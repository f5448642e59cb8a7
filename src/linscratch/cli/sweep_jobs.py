"""How `sweep` runs its pairs: one after another in this process, or in worker processes
forked from it, which share the data this process has loaded (copy-on-write pages: nothing
is sent, nothing imported or drawn again) and take the pairs one at a time from a shared
counter, this process working through them too.

Without `jobs`, the number of processes is chosen from the measured cost of a run: the first
pair runs here, timed (with the one-time costs of a first run: imports, compiling, so an
upper bound), and the rest go to workers only when the time the workers save is more than
their start costs (`choose`), and to no more workers than the cores other work leaves idle
(`idle_cores`, from the load average: on a busy machine more processes only share the same
cores); otherwise every pair runs here, so that the default is never much slower than
`jobs=1`. An explicit `jobs` is the number of processes, as given (capped by
the pairs, the cores and the memory, `most_jobs`). Each pair's result is the same bit for bit
whichever process runs it: a run depends only on the spec, its seed and the data.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import pickle
import queue
import signal
import time

from linscratch.i18n import tr
from linscratch.resources import PROCESS_BYTES, available_memory, idle_cores, run_bytes

FORK_SECONDS = 0.05  # a forked worker's start, exit and its results' way back (about 0.02–0.05 s)
SHARING = 1.25  # runs side by side are slower than alone (memory bandwidth, a shared machine)


def most_jobs(pairs: int, n: int, d: int) -> int:
    """The most processes worth having: no more than the pairs, the cores, or the workers
    whose own allocations (a process's share, a run's arrays; the data is shared) fit in the
    available memory."""

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    per_worker = PROCESS_BYTES + run_bytes(n, d, 8)
    fit = 1 + max(0, available_memory() // per_worker)
    return max(1, min(pairs, cores or 1, fit))


def choose(seconds: float, rest: int, cap: int) -> int:
    """Processes for `rest` more runs of about `seconds` each: the number (1 to `cap`) with
    the least expected time, FORK_SECONDS for each worker plus the runs shared out, each
    SHARING times slower than alone; 1 (this process alone) unless the workers pay."""
    best, best_time = 1, seconds * rest
    for jobs in range(2, min(cap, rest) + 1):
        expected = FORK_SECONDS * (jobs - 1) + math.ceil(rest / jobs) * seconds * SHARING
        if expected < best_time:
            best, best_time = jobs, expected
    return best


def run_pairs(one, pairs: list, asked: int | None, cap: int) -> tuple[list, int]:
    """`one(pair)` for every pair, in the pairs' order, and the number of processes used:
    `asked` (at most `cap`), or chosen from the first run's time when None."""
    if asked is not None or len(pairs) < 2:
        jobs = min(asked or 1, cap)
        return (parallel(one, pairs, jobs) if jobs > 1 else [one(p) for p in pairs]), jobs
    start = time.perf_counter()
    first = one(pairs[0])
    jobs = choose(time.perf_counter() - start, len(pairs) - 1, min(cap, idle_cores()))
    rest = parallel(one, pairs[1:], jobs) if jobs > 1 else [one(p) for p in pairs[1:]]
    return [first, *rest], jobs


def _take(one, pairs, counter):
    """Yield (index, outcome) for the pairs this process takes from the shared counter; the
    outcome is ("ok", result) or ("error", the exception), so that a worker's error reaches
    the parent."""
    while True:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        if i >= len(pairs):
            return
        try:
            yield i, ("ok", one(pairs[i]))
        except Exception as error:  # raised again in the parent, as in a serial sweep
            yield i, ("error", _picklable(error))


def _picklable(error: Exception) -> Exception:

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def _worker(one, pairs, counter, results, parent: int) -> None:
    """A forked worker: Ctrl-C is the parent's to handle (it ends the workers), SIGTERM ends
    it at once, and so does the parent's death (Linux), so that no worker outlives the sweep."""

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        return
    for item in _take(one, pairs, counter):
        results.put(item)
        if os.getppid() != parent:
            return


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG)."""

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))
    except (OSError, AttributeError):  # not Linux: the parent's checks still stop it
        pass


def parallel(one, pairs: list, jobs: int) -> list:
    """`one(pair)` for every pair, over this process and jobs − 1 forked workers, in order."""

    context = multiprocessing.get_context("fork")  # the data and the imports are shared
    counter, results = context.Value("q", 0), context.Queue()
    args = (one, pairs, counter, results, os.getpid())
    workers = [context.Process(target=_worker, args=args, daemon=True) for _ in range(jobs - 1)]
    outcomes: dict[int, tuple] = {}
    try:
        for worker in workers:
            worker.start()
        outcomes.update(_take(one, pairs, counter))
        while len(outcomes) < len(pairs):
            outcomes.update(_collect(results, workers))
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        results.close()
    return [_result(outcomes[i]) for i in range(len(pairs))]


def _collect(results, workers) -> list:
    """The outcomes the workers have sent, waiting a little for one; raises if a worker ended
    without sending all it took (killed, out of memory: it sends each as it finishes)."""

    try:
        return [results.get(timeout=0.2)]
    except queue.Empty:
        pass
    for worker in workers:
        if worker.exitcode not in (None, 0):
            text = tr("a sweep worker process ended with exit code {code}")
            raise RuntimeError(text.format(code=worker.exitcode))
    if any(worker.exitcode is None for worker in workers):
        return []
    try:  # every worker ended cleanly, so all they sent is in the queue
        return [results.get(timeout=1)]
    except queue.Empty:
        raise RuntimeError(tr("a sweep worker process ended without its results")) from None


def _result(outcome: tuple):
    kind, value = outcome
    if kind == "error":
        raise value
    return value
