"""`sweep`'s processes (`cli.sweep_jobs`): forked workers give the serial sweep's results
bit for bit, in order; the default chooses its workers from a run's measured cost; a worker's
error reaches the command; Ctrl-C leaves no worker behind."""

import os
import signal
import time

import pytest

from linscratch.cli import sweep_jobs
from linscratch.cli.sweep_jobs import choose, parallel, run_pairs
from linscratch.errors import UsageError

SWEEP = ("sweep", "--lr", "0.01,0.03,0.1", "--batch-size", "10,100", "--num-examples", "300")


def _runs(run) -> list[dict]:
    """A sweep's runs without their timings (the only numbers that may differ)."""
    assert run.code == 0, run.err
    return [{k: v for k, v in r.items() if k != "seconds"} for r in run.json["runs"]]


@pytest.mark.parametrize("engine", ["autograd", "compiled"])
def test_workers_give_the_serial_results_bit_for_bit(cli, engine):
    args = (*SWEEP, "--engine", engine, "--seed", "3", "--json")
    serial = cli(*args, "--jobs", "1")
    forked = cli(*args, "--jobs", "2")
    default = cli(*args)
    assert serial.json["jobs"] == 1
    assert forked.json["jobs"] == min(2, len(os.sched_getaffinity(0)))
    assert 1 <= default.json["jobs"] <= len(os.sched_getaffinity(0))
    assert _runs(forked) == _runs(serial) == _runs(default)  # floats compared exactly
    losses = [e["loss"] for e in _runs(serial)[2]["epochs"]]
    assert losses == [e["loss"] for e in _runs(forked)[2]["epochs"]] and len(losses) == 3


def test_parallel_keeps_the_order_and_runs_in_several_processes():
    pids = parallel(lambda i: (i * i, os.getpid()), list(range(12)), 2)
    assert [value for value, _ in pids] == [i * i for i in range(12)]
    assert os.getpid() in {pid for _, pid in pids}  # the parent works too


def test_the_choice_follows_the_measured_cost():
    fork, sharing = sweep_jobs.FORK_SECONDS, sweep_jobs.SHARING
    assert choose(0.001, 5, 2) == 1  # 5 ms of work left: a worker's start costs more
    assert choose(1.0, 5, 2) == 2  # 5 s left: 0.05 + 3 × 1.25 s beats 5 s
    assert choose(1.0, 5, 1) == 1  # one core
    # the break-even point by hand: fork + ⌈5/2⌉·t·sharing = 5t
    t = fork / (5 - 3 * sharing)
    assert choose(0.9 * t, 5, 2) == 1 and choose(1.1 * t, 5, 2) == 2
    assert choose(1.0, 7, 8) == 7  # never more processes than runs left


def test_the_default_times_the_first_run_and_stays_serial_when_runs_are_cheap():
    calls = []
    runs, jobs = run_pairs(lambda p: calls.append(os.getpid()) or p, [1, 2, 3], None, 2)
    assert runs == [1, 2, 3] and jobs == 1 and set(calls) == {os.getpid()}


def test_the_default_goes_parallel_when_runs_are_dear(monkeypatch):
    monkeypatch.setattr(sweep_jobs, "FORK_SECONDS", 0.0)
    monkeypatch.setattr(sweep_jobs, "idle_cores", lambda: 2)
    runs, jobs = run_pairs(lambda p: time.sleep(0.05) or (p, os.getpid()), [1, 2, 3, 4, 5], None, 2)
    assert jobs == 2 and [p for p, _ in runs] == [1, 2, 3, 4, 5]
    assert len({pid for _, pid in runs}) == 2


def _refuse_in_worker(parent):
    def one(i):
        if os.getpid() != parent:
            raise UsageError("{0} must be positive", "batch_size", value=0)
        time.sleep(0.3)  # the worker takes a pair meanwhile
        return i

    return one


def test_an_error_in_a_worker_is_raised_in_the_command():
    with pytest.raises(UsageError, match="batch_size must be positive"):
        parallel(_refuse_in_worker(os.getpid()), [0, 1, 2], 2)


def test_ctrl_c_leaves_no_worker(tmp_path):
    parent = os.getpid()

    def one(i):
        if os.getpid() != parent:
            (tmp_path / f"{os.getpid()}.pid").touch()
            time.sleep(60)
        for _ in range(200):  # the parent: interrupted once a worker is at work
            if list(tmp_path.glob("*.pid")):
                raise KeyboardInterrupt
            time.sleep(0.05)
        raise AssertionError("no worker started")

    with pytest.raises(KeyboardInterrupt):
        parallel(one, [0, 1, 2, 3], 2)
    (pid_file,) = tmp_path.glob("*.pid")
    with pytest.raises(ProcessLookupError):  # ended and reaped
        os.kill(int(pid_file.stem), 0)


def test_sigterm_of_the_sweep_ends_its_workers(tmp_path):
    """The CLI turns SIGTERM into an exception in the parent; the workers are ended with it."""
    from linscratch.cli import Terminated, _signals_unwind

    parent = os.getpid()

    def one(i):
        if os.getpid() != parent:
            (tmp_path / f"{os.getpid()}.pid").touch()
            time.sleep(60)
        while not list(tmp_path.glob("*.pid")):
            time.sleep(0.05)
        os.kill(parent, signal.SIGTERM)
        time.sleep(5)

    with pytest.raises(Terminated), _signals_unwind():
        parallel(one, [0, 1, 2, 3], 2)
    (pid_file,) = tmp_path.glob("*.pid")
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.stem), 0)


def test_the_default_stays_serial_on_a_busy_machine(monkeypatch):
    monkeypatch.setattr(sweep_jobs, "FORK_SECONDS", 0.0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (6.0, 6.0, 6.0))  # 2 cores, 6 busy
    assert sweep_jobs.idle_cores() == 1
    runs, jobs = run_pairs(lambda p: time.sleep(0.05) or os.getpid(), [1, 2, 3, 4, 5], None, 2)
    assert jobs == 1 and set(runs) == {os.getpid()}
    monkeypatch.setattr(os, "getloadavg", lambda: (1.0, 1.0, 1.0))  # this process alone
    assert sweep_jobs.idle_cores() == 2
    runs, jobs = run_pairs(lambda p: time.sleep(0.05) or os.getpid(), [1, 2, 3], None, 2)
    assert jobs == 2  # an explicit --jobs is not capped by the load: see the CLI test
