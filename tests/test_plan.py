"""The planner: one test per rule in `linscratch.train.plan`'s docstring."""

import pytest

from linscratch.errors import UsageError
from linscratch.spec import RunSpec
from linscratch.train.plan import (
    AUTO_COMPILED_MIN_VISITS,
    BLOCK_BYTES,
    FULL_SHUFFLE_MAX_BYTES,
    Machine,
    check,
    make_plan,
)

NO_GPU, GPU = Machine(cuda=False), Machine(cuda=True)
TWO = Machine(world_size=2, local_rank=1, cuda=True)


def plan(n=1000, d=2, itemsize=4, machine=NO_GPU, resumed=None, **settings):
    return make_plan(RunSpec.build(**settings), n, d, itemsize, machine, resumed)


def refused(words, **settings):
    machine = settings.pop("machine", NO_GPU)
    with pytest.raises(UsageError) as info:
        plan(machine=machine, **settings)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_rule_1_a_gradient_check_needs_autograd():
    refused(["check_grad", "engine autograd"], check_grad=True, engine="compiled")
    refused(["check_grad"], check_grad=True, engine="analytic")
    assert plan(check_grad=True, engine="autograd").engine == "autograd"


def test_rule_2_a_gradient_check_runs_in_one_process():
    refused(["check_grad", "one process"], check_grad=True, machine=TWO)


def test_rule_3_processes_need_the_analytic_engine():
    refused(["engine compiled", "one process"], engine="compiled", machine=TWO)
    refused(["engine autograd"], engine="autograd", machine=TWO)
    assert plan(machine=TWO).engine == "analytic"


def test_rule_4_a_gpu_needs_cuda_and_the_analytic_engine():
    refused(["device cuda", "no CUDA"], device="cuda")
    refused(["device cuda:1", "engine analytic"], device="cuda:1", engine="compiled", machine=GPU)
    p = plan(device="cuda", machine=GPU)
    assert (p.engine, p.device) == ("analytic", "cuda")


def test_rule_5_cuda_under_torchrun_is_each_process_s_own_gpu():
    assert plan(device="cuda", machine=TWO).device == "cuda:1"
    assert plan(device="cpu", machine=TWO).device == "cpu"


def test_rule_6_auto_engine():
    n = 1000
    assert plan(n=n).engine == "autograd"  # the book's run: 3,000 row visits
    epochs_below = (AUTO_COMPILED_MIN_VISITS - 1) // n
    assert plan(n=n, num_epochs=epochs_below).engine == "autograd"
    assert plan(n=n, num_epochs=AUTO_COMPILED_MIN_VISITS // n).engine == "compiled"
    assert plan(n=10**6, num_epochs=1000, check_grad=True).engine == "autograd"
    assert plan(n=10**6, device="cuda", machine=GPU).engine == "analytic"
    assert plan(n=10, engine="analytic").engine == "analytic"


def test_rule_7_auto_shuffle():
    row = 3 * 4  # two float32 features and the target
    assert plan(n=10**8, engine="autograd").shuffle == "book"
    assert plan(n=FULL_SHUFFLE_MAX_BYTES // row, engine="compiled").shuffle == "full"
    assert plan(n=FULL_SHUFFLE_MAX_BYTES // row + 1, engine="compiled").shuffle == "block"
    assert plan(n=10**7, engine="compiled", shuffle="none").shuffle == "none"


def test_rule_8_blocks_hold_64_kib_and_at_least_a_batch():
    assert plan(d=2, itemsize=4).block_rows == BLOCK_BYTES // 12
    assert plan(d=2, itemsize=4, batch_size=10**5).block_rows == 10**5
    assert plan(d=10**5, itemsize=8).block_rows == 10  # wider rows than a block: one batch


def test_rule_9_a_resumed_run_keeps_its_plan():
    saved = {"engine": "autograd", "shuffle": "book"}
    p = plan(n=10**6, num_epochs=10, resumed=saved)  # auto would pick numba and full here
    assert (p.engine, p.shuffle) == ("autograd", "book")
    assert plan(n=10**6, engine="compiled", resumed=saved).engine == "compiled"  # explicit wins
    with pytest.raises(UsageError, match="check_grad"):
        plan(check_grad=True, resumed={"engine": "compiled", "shuffle": "full"})


def test_check_refuses_before_any_data():
    with pytest.raises(UsageError, match="check_grad"):
        check(RunSpec.build(check_grad=True, engine="compiled"), NO_GPU)
    check(RunSpec.build(), NO_GPU)  # the book's run is fine


def test_rule_10_weighted_rows_take_the_weighted_mean_not_the_books_short_batch():
    with pytest.raises(UsageError, match=r"sample_weight.*short_batch mean"):
        make_plan(RunSpec.build(short_batch="book"), 100, 2, 4, NO_GPU, weighted=True)
    spec = RunSpec.build(data="f.csv", weights="s", short_batch="book")
    with pytest.raises(UsageError, match="short_batch"):
        check(spec, NO_GPU)  # a file's weights column, refused before the file is read
    assert make_plan(RunSpec.build(), 100, 2, 4, NO_GPU, weighted=True).weighted


def test_rule_11_a_gradient_check_is_refused_with_weighted_rows():
    spec = RunSpec.build(check_grad=True, engine="autograd")
    with pytest.raises(UsageError, match="check_grad compares unweighted"):
        make_plan(spec, 100, 2, 4, NO_GPU, weighted=True)
    assert not make_plan(spec, 100, 2, 4, NO_GPU).weighted


@pytest.mark.parametrize("engine", ["autograd", "analytic", "compiled"])
def test_every_engine_trains_weighted_rows_on_every_device(engine):
    """No rule refuses weights for an engine, a GPU or torchrun."""
    assert make_plan(RunSpec.build(engine=engine), 100, 2, 4, NO_GPU, weighted=True).weighted
    gpu = make_plan(RunSpec.build(device="cuda"), 100, 2, 4, GPU, weighted=True)
    assert gpu.engine == "analytic" and gpu.weighted
    assert make_plan(RunSpec.build(), 100, 2, 4, TWO, weighted=True).engine == "analytic"


def test_rule_12_averaging_writes_and_resumes_no_checkpoint():
    refused(["average", "checkpoint", "resume"], average=2, checkpoint="ck")
    refused(["average", "checkpoint", "resume"], average=1, resume="ck")
    assert plan(average=2, engine="compiled").average == 2
    assert plan(checkpoint="ck").average == 0
