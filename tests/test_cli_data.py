"""Training from files, the OLS report, saved models and predictions, and every bad input."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linscratch import datasets

COLUMNS = ["a", "b", "c", "target"]


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * [1.0, 10.0, 0.1] + [0, 5, -1]
    y = X @ [1.5, -0.3, 20.0] + 7 + 0.05 * rng.normal(size=200)
    return X, y


def write(path, X, y):
    data = np.c_[X, y]
    if path.suffix == ".npy":
        np.save(path, data)
    elif path.suffix == ".parquet":
        pq.write_table(pa.table({n: data[:, j] for j, n in enumerate(COLUMNS)}), path)
    else:
        lines = [",".join(COLUMNS)] + [",".join(repr(float(v)) for v in row) for row in data]
        path.write_text("\n".join(lines) + "\n")
    return path


def train(cli, *args):
    run = cli("train", "--seed", "1", "--json", *args)
    assert run.code == 0, run.err
    return run.json


@pytest.mark.parametrize("ext", [".csv", ".parquet", ".npy"])
def test_every_format_gives_the_same_fit(cli, tmp_path, table, ext):
    path = write(tmp_path / f"data{ext}", *table)
    report = train(cli, "--data", str(path), "--epochs", "30", "--standardize")
    reference = train(
        cli, "--data", str(write(tmp_path / "ref.csv", *table)), "--epochs", "30", "--standardize"
    )
    assert report["w"] == pytest.approx(reference["w"], rel=1e-12)
    assert report["data"]["rows"] == 200
    expected = ["0", "1", "2"] if ext == ".npy" else ["a", "b", "c"]
    assert report["data"]["features"] == expected


def test_ols_beside_sgd_matches_numpy(cli, tmp_path, table):
    X, y = table
    report = train(
        cli, "--data", str(write(tmp_path / "d.csv", X, y)), "--standardize", "--epochs", "50"
    )
    theta = np.linalg.lstsq(np.c_[X, np.ones(200)], y, rcond=None)[0]
    np.testing.assert_allclose(report["ols"]["w"], theta[:3], rtol=1e-9)
    assert report["ols"]["b"] == pytest.approx(theta[3], rel=1e-9)
    for key in ("se", "ci95", "loss", "r2", "condition_number"):
        assert report["ols"][key] is not None
    assert report["loss_gap"] == pytest.approx(
        (0.5 * np.mean((X @ report["w"] + report["b"] - y) ** 2) - report["ols"]["loss"])
        / report["ols"]["loss"],
        rel=1e-6,
    )
    assert abs(report["loss_gap"]) < 0.05
    # reported in original units: w close to the truth, not to its standardized version
    np.testing.assert_allclose(report["w"], [1.5, -0.3, 20.0], rtol=0.02)
    assert report["coef_diff"]["w"] == pytest.approx(
        list(np.subtract(report["w"], report["ols"]["w"])), abs=1e-12
    )


def test_target_and_features_by_name_and_index(cli, tmp_path, table):
    path = str(write(tmp_path / "d.csv", *table))
    by_name = train(cli, "--data", path, "--target", "target", "--features", "a,c")
    by_index = train(cli, "--data", path, "--target", "3", "--features", "0,2")
    assert by_name["config"]["features"] == ["a", "c"]
    assert by_name["data"]["features"] == ["a", "c"] == by_index["data"]["features"]
    assert by_name["w"] == by_index["w"]
    other = train(cli, "--data", path, "--target", "a", "--standardize")
    assert other["data"]["target"] == "a" and other["data"]["features"] == ["b", "c", "target"]


def test_validation_split_reports_loss_and_r2(cli, tmp_path, table):
    path = str(write(tmp_path / "d.csv", *table))
    args = ("--data", path, "--val-fraction", "0.25", "--standardize", "--epochs", "30")
    report = train(cli, *args)
    v = report["validation"]
    assert v["rows"] == 50 and report["data"]["rows"] == 200
    assert v["r2"] > 0.99 and v["loss"] > 0
    assert train(cli, *args)["w"] == report["w"]  # the split is seeded


def test_synthetic_runs_report_ols_too(cli):
    report = train(cli)
    assert report["ols"]["w"] == pytest.approx([2, -3.4], abs=0.01)
    assert abs(report["loss_gap"]) < 0.1


def test_longley_within_one_percent_of_ols(cli):
    """Longley's data (condition number 5e9), standardized, full-batch steps near the stability
    limit: within 1% of the exact least-squares loss after 20,000 epochs of 16 rows."""
    report = train(
        cli,
        "--dataset",
        "longley",
        "--standardize",
        "--batch-size",
        "16",
        "--lr",
        "0.3",
        "--epochs",
        "20000",
        "--dtype",
        "float64",
    )
    assert 0 <= report["loss_gap"] < 0.01
    assert report["engine"] == "compiled"


def test_save_and_predict_round_trip(cli, tmp_path, table):
    X, y = table
    data = str(write(tmp_path / "d.csv", X, y))
    model_path = tmp_path / "model.json"
    report = train(
        cli, "--data", data, "--standardize", "--epochs", "30", "--save", str(model_path)
    )
    model = json.loads(model_path.read_text())
    assert model["format"] == "linscratch-model" and model["version"] == 1
    assert model["w"] == report["w"] and model["feature_names"] == ["a", "b", "c"]
    assert model["target_name"] == "target" and model["standardization"] is not None
    assert model["seed"] == 1 and model["training"]["lr"] == "auto"  # the default on a file

    run = cli("predict", "--model", str(model_path), "--data", data, "--json")
    assert run.code == 0, run.err
    predictions = run.json["predictions"]
    np.testing.assert_allclose(predictions, X @ report["w"] + report["b"], rtol=1e-12)
    assert run.json["r2"] > 0.99

    out = tmp_path / "preds.csv"
    run = cli("predict", "--model", str(model_path), "--data", data, "--output", str(out))
    assert run.code == 0 and out.read_text().splitlines()[0] == "prediction"
    assert len(out.read_text().splitlines()) == 201


def test_predict_without_the_target_column(cli, tmp_path, table):
    X, y = table
    model_path = tmp_path / "m.json"
    data = str(write(tmp_path / "d.csv", X, y))
    train(cli, "--data", data, "--save", str(model_path), "--lr", "0.005")  # below 2/λ_max
    features_only = tmp_path / "new.csv"
    features_only.write_text("c,b,a\n1,2,3\n")  # another column order
    run = cli("predict", "--model", str(model_path), "--data", str(features_only), "--json")
    assert run.code == 0, run.err
    w = json.loads(model_path.read_text())["w"]
    b = json.loads(model_path.read_text())["b"]
    assert run.json["predictions"] == pytest.approx([3 * w[0] + 2 * w[1] + 1 * w[2] + b])
    assert "r2" not in run.json


def bad_files(tmp_path):
    files = {
        "empty.csv": "",
        "header_only.csv": "a,b,target\n",
        "text.csv": "a,b,target\n1,2,3\n4,oops,6\n",
        "nan.csv": "a,b,target\n1,2,3\n4,nan,6\n",
        "inf.csv": "a,b,target\n1,2,3\n4,5,inf\n",
        "blank.csv": "a,b,target\n1,2,3\n4,,6\n",
        "data.txt": "a,b\n1,2\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "args", "words"),
    [
        ("missing.csv", [], ["no such file"]),
        ("data.txt", [], ["unknown extension"]),
        ("empty.csv", [], ["empty"]),
        ("header_only.csv", [], ["no rows"]),
        ("text.csv", [], ["'b'", "row 2", "'oops'"]),
        ("nan.csv", [], ["'b'", "row 2", "nan"]),
        ("inf.csv", [], ["'target'", "row 2", "inf"]),
        ("blank.csv", [], ["'b'", "row 2", "empty"]),
        ("good.csv", ["--target", "nope"], ["--target", "'nope'"]),
        ("good.csv", ["--features", "a,zz"], ["--features", "'zz'"]),
        ("constant.csv", ["--standardize"], ["--standardize", "'a'", "constant"]),
        ("good.csv", ["--val-fraction", "0.9"], ["--val-fraction"]),
        ("good.csv", ["--val-fraction", "1.5"], ["--val-fraction"]),
        ("good.csv", ["--num-examples", "5"], ["--num-examples"]),
    ],
)
def test_bad_data_is_one_line_and_exit_2(cli, tmp_path, name, args, words):
    bad_files(tmp_path)
    (tmp_path / "good.csv").write_text("a,b,target\n1,2,3\n4,5,6\n7,8,10\n")
    (tmp_path / "constant.csv").write_text("a,b,target\n1,2,3\n1,5,6\n1,8,10\n")
    run = cli("train", "--data", str(tmp_path / name), *args)
    assert run.code == 2, run.err
    assert run.out == "" and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1
    for word in words:
        assert word in run.err


@pytest.fixture
def model_file(cli, tmp_path, table):
    path = tmp_path / "model.json"
    # a rate below this table's stability limit (2/λ_max = 0.015): the book's 0.03 diverges
    train(
        cli, "--data", str(write(tmp_path / "d.csv", *table)), "--save", str(path), "--lr", "0.005"
    )
    return path


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", ["not valid JSON"]),
        ('{"format": "linscratch-model", "version": 99, "w": [1], "b": 0}', ["version 99"]),
        ('{"format": "something-else"}', ["not a linscratch model"]),
        ('{"format": "linscratch-model", "version": 1, "w": ["x"], "b": 0}', ['"w"']),
    ],
)
def test_bad_model_files_are_refused(cli, tmp_path, table, content, words):
    data = write(tmp_path / "d.csv", *table)
    model = tmp_path / "bad.json"
    model.write_text(content)
    run = cli(
        "predict", "--model", str(model), "--data", str(data), "--output", str(tmp_path / "out.csv")
    )
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1
    assert all(word in run.err for word in words), run.err
    assert not (tmp_path / "out.csv").exists()


def test_data_with_other_columns_is_refused(cli, tmp_path, model_file):
    other = tmp_path / "other.csv"
    other.write_text("a,x,c\n1,2,3\n")
    out = tmp_path / "out.csv"
    run = cli("predict", "--model", str(model_file), "--data", str(other), "--output", str(out))
    assert run.code == 2 and "'b'" in run.err and len(run.err.strip().splitlines()) == 1
    assert not out.exists()


def test_nothing_is_overwritten_without_force(cli, tmp_path, table, model_file):
    data = str(write(tmp_path / "d.csv", *table))
    before = model_file.read_text()
    run = cli("train", "--data", data, "--save", str(model_file), "--epochs", "1")
    assert run.code == 2 and "--force" in run.err
    assert model_file.read_text() == before
    out = tmp_path / "out.csv"
    out.write_text("keep me\n")
    run = cli("predict", "--model", str(model_file), "--data", data, "--output", str(out))
    assert run.code == 2 and out.read_text() == "keep me\n"
    run = cli(
        "predict", "--model", str(model_file), "--data", data, "--output", str(out), "--force"
    )
    assert run.code == 0 and out.read_text().startswith("prediction\n")


def test_a_diverged_run_writes_no_model(cli, tmp_path, table):
    model = tmp_path / "m.json"
    data = str(write(tmp_path / "d.csv", *table))
    run = cli("train", "--data", data, "--lr", "5", "--save", str(model))
    assert run.code == 1 and "diverged" in run.err
    assert not model.exists() and list(tmp_path.iterdir()) == [tmp_path / "d.csv"]


def test_dataset_longley_is_shipped():
    assert datasets.path("longley").is_file()
    assert datasets.target("longley") == "TOTEMP"


def test_a_perfect_least_squares_fit_gives_no_ratio(cli):
    """Two rows, three parameters: OLS fits every row, so SGD's loss over it means nothing."""
    report = cli("train", "--seed", "1", "--num-examples", "2", "--json").json
    assert report["loss_gap"] is None and report["ols"]["se"] is None
    run = cli("train", "--seed", "1", "--num-examples", "2")
    assert "it fits every row exactly" in run.out
