"""Long calls that still answer Ctrl-C and SIGTERM within a fraction of a second.

Python runs a signal's handler (Ctrl-C's KeyboardInterrupt, the command line's SIGTERM) in the
main thread, between two of its bytecodes: while that thread sits in one long call of a
numerical library (LAPACK's SVD of a wide problem's R factor, a torch draw of a hundred million
numbers, Arrow reading a large CSV) the handler waits for the call to return, minutes at
worst. `answering` runs such a call on a worker thread while the main thread waits for it in
short sleeps, so the handler runs at once; numpy, torch and Arrow release the GIL inside their
calls, so the worker runs at full speed meanwhile. Interrupted, the exception unwinds the main
thread as ever (every `finally` runs); the worker, a daemon thread, is abandoned and its result
dropped (in a notebook it finishes in the background). A process that abandoned one must end by
`os._exit` (the command line does, `cli.main`): a normal exit waits at the BLAS library's
shutdown for the abandoned call, a wait measured without end. The call computes exactly
what it computes on the main thread: the same numbers, bit for bit. A setting that belongs
to the main thread (the BLAS pools' threads) the worker asks the main thread to make
(`on_main`), which makes it between two looks at the worker.
"""

from __future__ import annotations

import queue
import threading

WAIT = 0.05  # seconds between two looks at the worker: the longest a signal waits
ABANDONED: list[threading.Thread] = []  # workers left running by an interrupt
# A signal's exception, kept as it is raised: a library that catches everything (a bare
# `except:` around an optional import, say) can swallow it, and the command would then run to
# its end. Measured: SIGTERM a quarter of a second into `make-data` of 5e7 rows was lost 2
# times in 25, the file written and the exit status 0.
PENDING: list[BaseException] = []


def signalled(exc: BaseException) -> BaseException:
    """`exc`, a signal handler's exception, kept for `raise_pending` too."""
    PENDING.append(exc)
    return exc


def raise_pending() -> None:
    """Raise again the signal's exception that was raised and swallowed (`PENDING`), if any:
    before a result is made final (an output renamed into place) and as a command ends."""
    if PENDING:
        raise PENDING[-1]


def answering(fn, /, *args, **kwargs):
    """fn(*args, **kwargs), run on a worker thread where this is the main thread (elsewhere,
    as in a worker, it runs here: only the main thread hears signals), the worker's `on_main`
    calls made here meanwhile. Its exception is raised here as its own."""
    if threading.current_thread() is not threading.main_thread():
        return fn(*args, **kwargs)
    box: dict = {}
    calls: queue.SimpleQueue = queue.SimpleQueue()  # the worker's `on_main` calls; None: done

    def work():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller, whatever it is
            box["error"] = exc
        finally:
            calls.put(None)

    worker = threading.Thread(target=work, name="linscratch-work", daemon=True)
    worker.calls = calls
    worker.start()
    try:
        while (call := _next(calls)) is not None:
            call()
        worker.join()
    except BaseException:  # a signal's exception: leave the worker to itself
        ABANDONED.append(worker)
        raise
    if "error" in box:
        error = box.pop("error")
        try:
            raise error
        finally:
            del error
    return box["value"]


def _next(calls: queue.SimpleQueue):
    """The worker's next `on_main` call, or None once it is done; a look every WAIT seconds,
    so that a signal's handler runs at once."""
    while True:
        try:
            return calls.get(timeout=WAIT)
        except queue.Empty:
            continue


def on_main(fn, /, *args):
    """fn(*args) on the main thread, where this is the worker of `answering` (its caller makes
    the call between two looks at the worker), else here: for a setting that belongs to the
    main thread (OpenBLAS 0.3.31's pools set on a worker after the main thread had set them
    kept one of its threads spinning: `resources.one_blas_thread`). Its exception is raised
    here; None where the main thread has left the worker to itself (a signal: the process is
    ending)."""
    worker = threading.current_thread()
    calls = getattr(worker, "calls", None)
    if calls is None:
        return fn(*args)
    box: dict = {}
    done = threading.Event()

    def call():
        try:
            box["value"] = fn(*args)
        except Exception as exc:  # handed to the worker; a signal's stays on the main thread
            box["error"] = exc
        finally:
            done.set()

    calls.put(call)
    while not done.wait(WAIT):
        if worker in ABANDONED:
            return None
    if "error" in box:
        raise box.pop("error")
    return box.get("value")
