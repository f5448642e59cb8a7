"""Real data as a learner meets it: weights named by column, the RMSE in the target's units,
predictions beside the file's own columns, and figures (in English and Chinese) whose
parameters are each visible."""

import csv
import io
import math
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linscratch import datasets, i18n
from linscratch.cli.reports import comparison_text
from linscratch.show import fonts

LONGLEY = ["--dataset", "longley", "--standardize", "--batch-size", "16", "--lr", "0.3"]


def longley():
    """Longley's rows read with the csv module: X (16, 6), y (16,), the feature names."""
    with open(datasets.path("longley")) as f:
        rows = list(csv.reader(f))
    data = np.array(rows[1:], dtype=np.float64)
    return data[:, 1:], data[:, 0], rows[0][1:]


def least_squares(X, y):
    """w, b by numpy's lstsq on centred columns (well enough conditioned for 6 digits)."""
    mx, my = X.mean(axis=0), y.mean()
    w = np.linalg.lstsq(X - mx, y - my, rcond=None)[0]
    return w, my - mx @ w


def test_weights_are_listed_by_column_beside_least_squares(cli):
    run = cli("train", *LONGLEY, "--epochs", "50", "--seed", "1")
    assert run.code == 0, run.err
    X, y, names = longley()
    w_ols, b_ols = least_squares(X, y)
    sgd = cli("train", *LONGLEY, "--epochs", "50", "--seed", "1", "--json").json
    lines = run.out.splitlines()
    start = next(
        i
        for i, line in enumerate(lines)
        if line.split()[:4] == ["parameter", "SGD", "least", "squares"]
    )
    rows = [line.split() for line in lines[start + 1 : start + 8]]
    assert [r[0] for r in rows] == [*names, "const"]  # the intercept as statsmodels names it
    for r, value, exact in zip(rows, [*sgd["w"], sgd["b"]], [*w_ols, b_ols], strict=True):
        assert float(r[1]) == pytest.approx(value, rel=1e-5)
        assert float(r[2]) == pytest.approx(exact, rel=1e-4)
    assert not any(line.startswith("learned: w =") for line in lines)


def test_rmse_is_in_the_target_units_for_training_and_held_out_rows(cli):
    run = cli("train", *LONGLEY, "--epochs", "50", "--seed", "1", "--val-fraction", "0.25")
    report = cli(
        "train", *LONGLEY, "--epochs", "50", "--seed", "1", "--val-fraction", "0.25", "--json"
    ).json
    assert run.code == 0, run.err
    X, y, _ = longley()
    val = report["validation"]
    # The held-out rows are the ones whose residual the validation loss is made of: find the
    # training rows by the reported training loss instead of trusting the split's code.
    w, b = np.array(report["w"]), report["b"]
    residuals = X @ w + b - y
    assert report["rmse"] == pytest.approx(math.sqrt(2 * report["loss"]), rel=1e-5)
    assert val["rmse"] == pytest.approx(math.sqrt(2 * val["loss"]), rel=1e-12)
    assert val["ols_rmse"] == pytest.approx(math.sqrt(2 * val["ols_loss"]), rel=1e-12)
    total = 12 * report["rmse"] ** 2 + 4 * val["rmse"] ** 2  # Σ(ŷ − y)² over all 16 rows
    assert total == pytest.approx(float(np.sum(residuals**2)), rel=1e-9)
    line = next(x for x in run.out.splitlines() if x.startswith("RMSE"))
    assert "12 training rows" in line and "TOTEMP" in line
    assert f"{report['rmse']:.6g}" in line and f"{report['ols_rmse']:.6g}" in line
    valid = next(x for x in run.out.splitlines() if x.startswith("validation (4 rows)"))
    assert f"RMSE {val['rmse']:.6g}" in valid and f"RMSE {val['ols_rmse']:.6g}" in valid


def test_ols_rmse_matches_numpy(cli):
    report = cli("train", *LONGLEY, "--epochs", "3", "--seed", "1", "--json").json
    X, y, _ = longley()
    w, b = least_squares(X, y)
    assert report["ols_rmse"] == pytest.approx(math.sqrt(np.mean((X @ w + b - y) ** 2)), rel=1e-6)


def test_many_columns_are_capped_and_counted(cli, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 25))
    y = X @ rng.normal(size=25) + 3
    names = [f"x{j}" for j in range(25)]
    path = tmp_path / "wide.csv"
    np.savetxt(path, np.c_[X, y], delimiter=",", header=",".join([*names, "y"]), comments="")
    run = cli("train", "--data", str(path), "--epochs", "2", "--seed", "1")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    named = [line.split()[0] for line in lines if line.startswith("  x")]
    assert named == names[:20]
    assert "  ... 5 more weights not shown (--json lists them all)" in lines


def test_chinese_report_wording(cli):
    run = cli("train", *LONGLEY, "--epochs", "20", "--seed", "1", "--val-fraction", "0.25")
    zh = cli(
        *["train", *LONGLEY, "--epochs", "20", "--seed", "1", "--val-fraction", "0.25"],
        "--lang",
        "zh",
    )
    assert run.code == zh.code == 0
    assert "20 个迭代周期 × 12 个样本" in zh.out and " 轮 " not in zh.out
    assert "验证集（4 个样本）" in zh.out and "行）" not in zh.out
    assert "高 +" not in zh.out and "均方根误差" in zh.out
    assert "  参数" in zh.out


@pytest.mark.parametrize(
    ("gap", "en", "zh"),
    [
        (0.0033, "SGD's loss is +0.33% above it", "SGD 的损失比它高 0.33%"),
        (-0.0001, "SGD's loss is -0.01% above it", "SGD 的损失比它低 0.01%"),
        (11.2, "SGD's loss is 12.2x above it", "SGD 的损失是它的 12.2 倍"),
        (None, "it fits every row exactly", "它精确拟合每个样本"),
    ],
)
def test_the_gap_reads_naturally(gap, en, zh):
    with i18n.speaking("en"):
        assert comparison_text(gap) == en
    with i18n.speaking("zh"):
        assert comparison_text(gap) == zh


def test_synthetic_report_keeps_its_lines(cli):
    run = cli("train", "--seed", "1")
    lines = run.out.splitlines()
    assert [line.split(",")[0] for line in lines[:3]] == ["epoch 1", "epoch 2", "epoch 3"]
    assert lines[3].startswith("error in estimating w: tensor([")
    assert lines[4].startswith("error in estimating b: tensor([")
    assert lines[5].startswith("exact least squares: loss ")
    assert lines[6].startswith("3 epochs x 1,000 examples in ") and len(lines) == 7
    assert "rmse" in cli("train", "--seed", "1", "--json").json  # a new key beside the others


@pytest.fixture
def model(cli, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text('size,note,rooms,price\n50,"a, b",2,100\n\n70,x,3,150\n90,,4,190.50\n')
    run = cli(
        "train",
        "--data",
        str(path),
        "--target",
        "price",
        "--features",
        "size,rooms",
        "--seed",
        "1",
        "--epochs",
        "2",
        "--lr",
        "0.0001",
        "--save",
        str(tmp_path / "m.json"),
    )
    assert run.code == 0, run.err
    return tmp_path / "m.json", path


def test_keep_columns_writes_the_rows_as_they_were_beside_the_prediction(cli, tmp_path, model):
    model_file, data = model
    plain = cli("predict", "--model", str(model_file), "--data", str(data)).out.split()
    out = tmp_path / "p.csv"
    run = cli(
        "predict",
        "--model",
        str(model_file),
        "--data",
        str(data),
        "--output",
        str(out),
        "--keep-columns",
    )
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows == [
        ["size", "note", "rooms", "price", "prediction"],
        ["50", "a, b", "2", "100", plain[0]],
        ["70", "x", "3", "150", plain[1]],
        ["90", "", "4", "190.50", plain[2]],
    ]
    shown = cli("predict", "--model", str(model_file), "--data", str(data), "--keep-columns")
    assert shown.out == out.read_text()  # without --output, the same CSV on stdout
    default = tmp_path / "d.csv"
    cli("predict", "--model", str(model_file), "--data", str(data), "--output", str(default))
    assert default.read_text() == "prediction\n" + "".join(p + "\n" for p in plain)


@pytest.mark.parametrize("ext", [".parquet", ".npy"])
def test_keep_columns_for_parquet_and_npy(cli, tmp_path, ext):
    rng = np.random.default_rng(0)
    data = np.c_[rng.normal(size=(30, 2)), rng.normal(size=30)]
    path = tmp_path / f"t{ext}"
    if ext == ".npy":
        np.save(path, data)
        names = ["0", "1", "2"]
    else:
        names = ["a", "b", "y"]
        pq.write_table(pa.table({n: data[:, j] for j, n in enumerate(names)}), path)
    cli(
        "train",
        "--data",
        str(path),
        "--seed",
        "1",
        "--epochs",
        "2",
        "--save",
        str(tmp_path / "m.json"),
    )
    out = tmp_path / "p.csv"
    run = cli(
        "predict",
        "--model",
        str(tmp_path / "m.json"),
        "--data",
        str(path),
        "--output",
        str(out),
        "--keep-columns",
        "--json",
    )
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == [*names, "prediction"]
    kept = np.array([[float(c) for c in row] for row in rows[1:]])
    assert np.array_equal(kept[:, :3], data)  # every value round-trips exactly
    assert np.array_equal(kept[:, 3], run.json["predictions"])


def test_keep_columns_refuses_a_file_with_a_prediction_column(cli, tmp_path, model):
    model_file, _ = model
    again = tmp_path / "again.csv"
    again.write_text("size,rooms,prediction\n1,2,3\n")
    run = cli(
        "predict",
        "--model",
        str(model_file),
        "--data",
        str(again),
        "--keep-columns",
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert run.code == 2 and "--keep-columns" in run.err and "'prediction'" in run.err
    assert not (tmp_path / "o.csv").exists()


def test_file_parameters_are_drawn_standardized_and_named():
    from linscratch import RunSpec
    from linscratch.show.plots import training_figure
    from linscratch.train.runs import execute
    from linscratch.train.sources import load

    spec = RunSpec.build(
        dataset="longley", standardize=True, batch_size=16, lr=0.3, num_epochs=50, seed=1
    )
    dataset = load(spec.data, 1)
    run = execute(spec, dataset, trace=True)
    ax = training_figure(run, dataset.X, dataset.y).axes[1]
    X, y, names = longley()
    w, _ = least_squares(X, y)
    expected = np.r_[w * X.std(axis=0) / y.std(), 0.0]  # standardized; b at the mean row: 0
    paths = {line.get_label(): line for line in ax.get_lines() if line.get_linestyle() == "-"}
    assert sorted(paths) == sorted([*names, "b"])
    dashed = sorted(line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == "--")
    assert np.allclose(dashed, sorted(expected), atol=1e-6)
    last = np.array([paths[n].get_ydata()[-1] for n in [*names, "b"]])
    sgd = np.r_[
        np.array(run.result.w) * X.std(axis=0) / y.std(),
        (run.result.b + run.result.w @ X.mean(axis=0) - y.mean()) / y.std(),
    ]
    assert np.allclose(last, sgd, atol=1e-6)
    lo, hi = ax.get_ylim()
    assert hi - lo < 20  # every parameter on one readable scale, not b's millions


def glyph_warnings(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_missing_glyphs_are_detected_without_a_chinese_font():
    """The check below can fail: a Chinese label in matplotlib's default font warns."""
    from matplotlib.figure import Figure

    fig = Figure()
    fig.suptitle("训练损失")
    assert glyph_warnings(lambda: fig.savefig(io.BytesIO(), format="png"))


@pytest.mark.skipif(fonts.cjk_font() is None, reason="no CJK font installed")
def test_chinese_figures_render_without_missing_glyphs(cli, tmp_path):
    i18n.set_language("zh")
    try:
        for args in (
            ["--seed", "1"],
            [*LONGLEY, "--epochs", "5", "--seed", "1", "--val-fraction", "0.25"],
        ):
            path = tmp_path / "zh.png"
            missing = glyph_warnings(
                lambda a=args, p=path: cli("train", *a, "--lang", "zh", "--plot", str(p))
            )
            assert not missing and path.stat().st_size > 0
        from linscratch import fit

        result = fit(np.arange(20.0).reshape(10, 2), np.arange(10.0), lr=0.01, num_epochs=3, seed=1)
        figure = result.plot()
        assert "迭代周期" in figure.axes[0].get_xlabel()
        assert not glyph_warnings(lambda: figure.savefig(io.BytesIO(), format="png"))
        assert not glyph_warnings(result._repr_html_)
    finally:
        i18n.set_language("en")
