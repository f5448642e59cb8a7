"""`train --json`'s `timings`: the seconds of each phase of a run, inside the command's own
wall time, each around what the run's own timers measure."""

import time


def test_timings_split_the_run_within_its_wall_time(cli, tmp_path):
    path = tmp_path / "d.npy"
    assert cli("make-data", "--num-examples", "2000", "--seed", "1", "--out", str(path)).code == 0
    before, start = time.time(), time.perf_counter()
    report = cli("train", "--data", str(path), "--seed", "1", "--json").json
    wall, after = time.perf_counter() - start, time.time()
    timings = report["timings"]
    phases = ("reading", "stability", "compiling", "training", "exact")
    assert set(timings) == {"started", *phases}
    assert before <= timings["started"] <= after
    assert all(timings[p] >= 0 for p in phases)
    assert sum(timings[p] for p in phases) <= wall
    # the epochs lie inside the phase (which begins with RunStart, just after fit's own timer)
    assert timings["training"] >= report["train_seconds"] - 0.01
    assert timings["compiling"] >= report["compile_seconds"]
