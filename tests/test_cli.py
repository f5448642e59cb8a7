"""The `linscratch train` command: output, JSON interface, bad input and divergence."""

import math
import subprocess
import sys

import pytest
from test_seed_fidelity import book_script


def test_human_output_is_the_books(cli):
    run = cli("train", "--seed", "3")
    assert run.code == 0
    lines = run.out.splitlines()
    assert [line.split(",")[0] for line in lines[:3]] == ["epoch 1", "epoch 2", "epoch 3"]
    assert lines[0].startswith("epoch 1, loss ")
    assert lines[3].startswith("error in estimating w: tensor([")
    assert lines[4].startswith("error in estimating b: tensor([")
    assert lines[5].startswith("exact least squares: loss ")
    assert "samples/s" in lines[6] and "seed 3" in lines[6]


def test_lang_zh_prints_the_seed_documents_labels(cli):
    run = cli("train", "--seed", "3", "--lang", "zh")
    assert run.code == 0
    assert "w的估计误差: tensor([" in run.out
    assert "b的估计误差: tensor([" in run.out


def test_json_has_the_interface_keys(cli):
    report = cli("train", "--seed", "3", "--json", "--epochs", "2").json
    for key in ("seed", "config", "epochs", "w", "b", "w_error", "b_error", "train_seconds"):
        assert key in report
    assert report["samples_per_second"] > 0
    assert report["config"]["num_epochs"] == 2
    assert report["config"]["batch_size"] == 10
    assert report["config"]["lr"] == 0.03
    assert report["config"]["true_w"] == [2.0, -3.4]
    assert [e["epoch"] for e in report["epochs"]] == [1, 2]


def test_training_recovers_the_truth(cli):
    report = cli("train", "--seed", "3", "--json").json
    assert report["loss"] < 1e-4  # about noise^2 / 2 = 5e-5
    assert max(abs(e) for e in report["w_error"]) < 0.01
    assert abs(report["b_error"]) < 0.01


def test_float64_run_agrees_with_float32(cli):
    r32 = cli("train", "--seed", "4", "--json").json
    r64 = cli("train", "--seed", "4", "--json", "--dtype", "float64").json
    assert r64["config"]["dtype"] == "float64"
    assert r64["w"] == pytest.approx(r32["w"], abs=1e-5)
    assert r64["b"] == pytest.approx(r32["b"], abs=1e-5)
    assert r64["w"] != r32["w"]  # really computed in another precision


def test_other_feature_counts_draw_a_documented_truth(cli):
    report = cli("train", "--seed", "8", "--num-features", "5", "--json", "--epochs", "5").json
    true_w = report["true_w"]
    assert len(true_w) == 5 and len(report["w"]) == 5
    assert all(-5 <= v <= 5 and round(v, 1) == v for v in true_w)
    assert cli("train", "--seed", "8", "--num-features", "5", "--json").json["true_w"] == true_w
    assert max(abs(e) for e in report["w_error"]) < 0.01


def test_true_w_sets_the_feature_count_and_accepts_negatives(cli):
    report = cli("train", "--seed", "1", "--true-w", "-1.5,0.5,3", "--true-b", "-2", "--json").json
    assert report["config"]["num_features"] == 3
    assert report["true_w"] == [-1.5, 0.5, 3.0]
    assert report["w"] == pytest.approx([-1.5, 0.5, 3.0], abs=0.01)
    assert report["b"] == pytest.approx(-2, abs=0.01)


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--batch-size", "0"], "--batch-size"),
        (["--batch-size", "ten"], "--batch-size"),
        (["--lr", "-0.1"], "--lr"),
        (["--lr", "nan"], "--lr"),
        (["--lr", "inf"], "--lr"),
        (["--epochs", "-1"], "--epochs"),
        (["--num-examples", "0"], "--num-examples"),
        (["--num-features", "0"], "--num-features"),
        (["--true-w", "1,2,3", "--num-features", "2"], "--true-w"),
        (["--true-w", "1,x"], "--true-w"),
        (["--true-w", ""], "--true-w"),
        (["--true-b", "inf"], "--true-b"),
        (["--noise", "-1"], "--noise"),
        (["--seed", "-3"], "--seed"),
        (["--engine", "warp"], "--engine"),
        (["--dtype", "float16"], "--dtype"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args, flag):
    run = cli("train", *args)
    assert run.code == 2
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert flag in lines[0]
    assert "Traceback" not in run.err


def test_divergence_stops_at_once_with_epoch_and_step(cli):
    run = cli("train", "--seed", "1", "--lr", "100")
    assert run.code == 1
    assert run.out.startswith("SGD diverged")  # no epoch ended; the exact answer stands
    warning, error = run.err.strip().splitlines()  # the warning comes before training
    assert "warning: --lr 100.0 exceeds SGD's stability limit at batch size 10" in warning
    assert "epoch 1, step" in error and "--lr" in error and "stability limit" in error
    step = int(error.split("step ")[1].split()[0])
    assert 1 < step < 100  # stopped inside the first epoch, not at its end


@pytest.mark.slow
def test_console_script_and_module_run(tmp_path):
    """The installed `linscratch` entry point and `python -m linscratch` both work."""
    for cmd in (["linscratch"], [sys.executable, "-m", "linscratch"]):
        proc = subprocess.run(
            [*cmd, "train", "--seed", "2", "--epochs", "1", "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert '"epochs": [{"epoch": 1' in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "linscratch", "train", "--batch-size", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_loss_values_are_full_precision(cli):
    """JSON carries each loss exactly as computed (the text rounds it to six decimals)."""
    report = cli("train", "--seed", "3", "--json", "--epochs", "1").json
    loss = report["epochs"][0]["loss"]
    losses, *_ = book_script(3, num_epochs=1)
    assert math.isfinite(loss) and loss == losses[0] and loss != round(loss, 6)


@pytest.mark.slow
def test_help_does_not_import_torch():
    """`linscratch --help` stays instant: heavy imports wait for the command that needs them."""
    code = (
        "import sys, contextlib, io\n"
        "from linscratch.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['train', '--help'])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
