"""`linscratch grad` and `linscratch train --check-grad`."""

import pytest

from linscratch.book.data import SEED_BATCH_W


def test_grad_default_walks_the_documents_batch(cli):
    run = cli("grad")
    assert run.code == 0
    for text in ("Step 1", "ŷ = Xw + b", "dL/dw = Xᵀe", "dL/db = Σᵢ eᵢ", "autograd", "w ← w"):
        assert text in run.out
    assert "-9.00000" in run.out and "65.4477" in run.out and "-40.9567" in run.out


def test_grad_zh_uses_the_documents_words(cli):
    run = cli("grad", "--lang", "zh")
    assert run.code == 0
    assert "前向传播" in run.out and "自动微分" in run.out


def test_grad_json_interface(cli):
    report = cli("grad", "--json").json
    for key in (
        "analytic",
        "autograd",
        "finite_difference",
        "max_abs_diff",
        "max_rel_diff",
        "y_hat",
        "residual",
        "update",
    ):
        assert key in report
    assert report["w"] == list(SEED_BATCH_W) and report["b"] == 0.0
    assert report["analytic"]["w"] == pytest.approx([-9.0, 65.4477], abs=5e-5)
    assert report["autograd"]["b"] == pytest.approx(-40.9567, abs=5e-5)
    assert report["passed"] is True
    assert report["max_rel_diff"] <= 1e-6
    assert len(report["y_hat"]) == len(report["residual"]) == 10
    # The update is the SGD step: w - lr/|B| * dL/dw.
    lr = report["update"]["lr"]
    expected = [w - lr / 10 * g for w, g in zip(report["w"], report["analytic"]["w"], strict=True)]
    assert report["update"]["w"] == pytest.approx(expected, rel=1e-12)
    assert report["update"]["b"] == pytest.approx(-lr / 10 * report["analytic"]["b"], rel=1e-12)


def test_grad_seed_draws_the_books_initialisation(cli):
    a = cli("grad", "--json", "--seed", "5").json
    assert a["w"] != list(SEED_BATCH_W) and max(abs(v) for v in a["w"]) < 0.05
    assert cli("grad", "--json", "--seed", "5").json["w"] == a["w"]


def test_grad_random_example_and_parameters(cli):
    args = ("--example", "random", "--num-examples", "17", "--num-features", "4", "--seed", "2")
    report = cli("grad", *args, "--w", "1,-2,0.5,3", "--b", "-1", "--dtype", "float32", "--json")
    assert report.code == 0, report.err
    data = report.json
    assert len(data["X"]) == 17 and len(data["X"][0]) == 4
    assert data["w"] == [1.0, -2.0, 0.5, 3.0] and data["b"] == -1.0
    assert data["dtype"] == "float32" and data["passed"] is True


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--w", "1,2,3"], "--w"),
        (["--w", "1,two"], "--w"),
        (["--b", "x"], "--b"),
        (["--example", "random", "--num-examples", "0"], "--num-examples"),
        (["--example", "mnist"], "--example"),
        (["--num-examples", "5"], "--num-examples"),
        (["--lr", "-1"], "--lr"),
    ],
)
def test_grad_bad_input_is_one_line_and_exit_2(cli, args, flag):
    run = cli("grad", *args)
    assert run.code == 2
    assert run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and flag in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_train_check_grad_reports_the_largest_difference(cli, dtype):
    report = cli("train", "--seed", "3", "--check-grad", "--json", "--dtype", dtype).json
    check = report["check_grad"]
    assert check["batches"] == 300  # 3 epochs of 100 batches
    assert check["passed"] is True
    assert check["max_rel_diff"] <= check["tolerance"]


def test_train_check_grad_keeps_the_book_run_unchanged(cli):
    plain = cli("train", "--seed", "3", "--json").json
    checked = cli("train", "--seed", "3", "--json", "--check-grad").json
    assert checked["epochs"] == plain["epochs"] and checked["w"] == plain["w"]


def test_train_check_grad_human_line(cli):
    run = cli("train", "--seed", "3", "--check-grad", "--num-examples", "105")
    assert run.code == 0
    assert "gradient check, analytic vs autograd on 33 batches" in run.out
    assert run.out.rstrip().endswith("ok")


def test_check_grad_with_a_compiled_engine_is_a_usage_error(cli):
    run = cli("train", "--check-grad", "--engine", "compiled")
    assert run.code == 2 and "--check-grad" in run.err and "Traceback" not in run.err
