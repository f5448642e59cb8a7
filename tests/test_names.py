"""Names that say what they are: the book's loss shown as ½ MSE beside scikit-learn's MSE and
RMSE, the target named in the report's first line, and the target guessed only where the
guess is safe (`files.guess_target`)."""

import json
import math
import re

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error


def write(path, names, rows):
    path.write_text(",".join(names) + "\n" + "".join(",".join(map(repr, r)) + "\n" for r in rows))
    return str(path)


@pytest.fixture
def table():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(60, 2))
    y = X @ [1.5, -0.5] + 2.0 + rng.normal(0, 0.3, 60)
    return X, y


def rows_of(*columns):
    return [tuple(map(float, r)) for r in np.column_stack(columns)]


def test_a_target_named_elsewhere_makes_target_required(cli, tmp_path, table):
    """The issue's case: a weights column last, the target before it. Taking the last column
    would predict the weights from the target; refused, naming both, before any training."""
    X, y = table
    path = write(tmp_path / "w.csv", ["a", "b", "target", "w"], rows_of(X, y, np.ones(60)))
    run = cli("train", "--data", path)
    assert run.code == 2 and run.out == ""
    lines = run.err.splitlines()
    assert len(lines) == 1 and "--target" in lines[0]
    assert "'w'" in lines[0] and "'target'" in lines[0] and "Traceback" not in run.err
    as_json = cli("train", "--data", path, "--json")
    assert as_json.code == 2 and "--target" in as_json.json["error"]["message"]
    chosen = cli("train", "--data", path, "--target", "target", "--seed", "1", "--json")
    assert chosen.code == 0 and chosen.json["data"]["target"] == "target"
    assert chosen.json["data"]["features"] == ["a", "b", "w"]
    weighted = cli("train", "--data", path, "--weights", "w", "--target", "target", "--json")
    assert weighted.code == 0, weighted.json
    assert weighted.json["data"]["target"] == "target"
    unsaid = cli("train", "--data", path, "--weights", "w")  # the last column, or target?
    assert unsaid.code == 2 and "--target" in unsaid.err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_first_line_names_the_target_and_how_it_was_chosen(cli, tmp_path, table, lang):
    X, y = table
    named = write(tmp_path / "n.csv", ["a", "b", "price"], rows_of(X, y))
    plain = write(tmp_path / "p.csv", ["a", "b", "c"], rows_of(X, y))
    args = ["--seed", "1", "--lang", lang]
    first = cli("train", "--data", named, *args).out.splitlines()[0]
    given = cli("train", "--data", named, "--target", "price", *args).out.splitlines()[0]
    guessed = cli("train", "--data", plain, *args).out.splitlines()[0]
    if lang == "en":
        assert first == f"{named}: target price, 2 features, 60 rows " + (
            "(the last column; --target names another)"
        )
        assert given == f"{named}: target price, 2 features, 60 rows"
        assert "target c" in guessed and "no column is named like a target" in guessed
    else:
        assert "目标 price" in first and "最后一列" in first and "最后一列" not in given
        assert "目标 c" in guessed and "没有名字像目标的列" in guessed
    report = cli("train", "--data", plain, "--seed", "1", "--json").json
    assert report["data"]["target"] == "c" and report["data"]["target_guessed"] is True


def test_the_book_loss_is_named_half_mse_beside_mse_and_rmse(cli, tmp_path, table):
    X, y = table
    path = write(tmp_path / "t.csv", ["a", "b", "y"], rows_of(X, y))
    model = str(tmp_path / "m.json")
    run = cli("train", "--data", path, "--seed", "1", "--save", model)
    assert run.code == 0, run.err
    line = next(x for x in run.out.splitlines() if x.startswith("exact least squares:"))
    A = np.c_[X, np.ones(60)]
    exact = A @ np.linalg.lstsq(A, y, rcond=None)[0]
    mse = mean_squared_error(y, exact)
    shown = re.search(r"loss (\S+) = ½ MSE \(MSE (\S+), RMSE (\S+)\)", line)
    assert shown, line
    loss, shown_mse, shown_rmse = (float(v.rstrip(",)")) for v in shown.groups())
    assert loss == pytest.approx(mse / 2, rel=1e-5)
    assert shown_mse == pytest.approx(mse, rel=1e-5)
    assert shown_rmse == pytest.approx(math.sqrt(mse), rel=1e-5)
    out = tmp_path / "p.csv"
    predicted = cli("predict", "--model", model, "--data", path, "--output", str(out))
    sgd = np.loadtxt(out, skiprows=1)
    mse = mean_squared_error(y, sgd)
    said = re.search(r"loss (\S+) = ½ MSE \(MSE (\S+), RMSE (\S+)\)", predicted.out)
    assert said, predicted.out
    assert float(said.group(2).rstrip(",")) == pytest.approx(mse, rel=1e-5)
    doc = cli("predict", "--model", model, "--data", path, "--json").json
    assert doc["mse"] == pytest.approx(mse, rel=1e-12)
    assert doc["rmse"] == pytest.approx(math.sqrt(mse), rel=1e-12)
    assert doc["loss"] == pytest.approx(mse / 2, rel=1e-12)
    assert json.loads(open(model).read())["target_name"] == "y"
