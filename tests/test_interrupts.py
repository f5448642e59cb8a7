"""`interrupts.on_main`: a call a worker of `interrupts.answering` hands to the main thread
(where the BLAS pools are set), made there while the main thread waits for the worker."""

import threading

import pytest

from linscratch.interrupts import answering, on_main


def where() -> str:
    return threading.current_thread().name


def test_outside_a_worker_the_call_runs_here():
    assert on_main(where) == threading.main_thread().name
    seen = []
    other = threading.Thread(target=lambda: seen.append(on_main(where)), name="someone")
    other.start()
    other.join()
    assert seen == ["someone"]  # not answering's worker: no main thread waits for it


def test_a_workers_calls_run_on_the_main_thread_in_order():
    def work():
        assert where() == "linscratch-work"
        return [on_main(lambda i=i: (i, where())) for i in range(5)], where()

    calls, worker = answering(work)
    assert calls == [(i, threading.main_thread().name) for i in range(5)]
    assert worker == "linscratch-work"


def test_the_calls_error_is_raised_in_the_worker_and_then_here():
    def fails():
        raise ValueError("on the main thread")

    def work():
        with pytest.raises(ValueError, match="on the main thread"):
            on_main(fails)
        on_main(fails)

    with pytest.raises(ValueError, match="on the main thread"):
        answering(work)
