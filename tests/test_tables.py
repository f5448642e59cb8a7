"""Tables as they come: `--drop-missing`, `--categorical` and `--formula` against statsmodels'
`ols(formula, data)` (its own formula machinery: patsy or formulaic), the rows dropped against
pandas' `dropna`, `predict`'s encoding of new rows against statsmodels' `predict`, in every
format of the registry; and the refusals (an unseen level, a formula that does not parse, a
column it names that is missing, a missing cell with and without --drop-missing, every row
dropped) held to the whole promise (`test_hostile.assert_refused`).

The data are Guerry-like (a region of five levels, literacy, wealth, a population for a log,
a category coded as numbers), drawn from a seeded generator: no network.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.regression.linear_model import OLSResults, RegressionResultsWrapper
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401 (fixtures)

from linscratch.errors import UsageError
from linscratch.spec import RunSpec

REGIONS = ["C", "E", "N", "S", "W"]
FORMULA = "Lottery ~ Literacy + np.log(Pop1831) + C(Region)"


def guerry(n: int = 86, seed: int = 0) -> pd.DataFrame:
    """A Guerry-like table: Lottery on literacy, wealth, log population, region and a
    numerically coded category (4, 6, 8)."""
    rng = np.random.default_rng(seed)
    region = rng.choice(REGIONS, n)
    cyl = rng.choice([4, 6, 8], n)
    literacy = rng.uniform(10, 80, n).round(1)
    wealth = rng.uniform(1, 90, n).round(1)
    pop = rng.uniform(100, 1000, n).round(2)
    effect = dict(zip(REGIONS, [0.0, 5.0, -7.0, 3.0, 11.0], strict=True))
    lottery = (
        20
        + 0.4 * literacy
        - 0.2 * wealth
        + 6 * np.log(pop)
        + np.array([effect[r] for r in region])
        + 1.5 * (cyl == 6)
        - 2.5 * (cyl == 8)
        + rng.normal(0, 4, n)
    ).round(3)
    return pd.DataFrame(
        {
            "Region": region,
            "Literacy": literacy,
            "Wealth": wealth,
            "Pop1831": pop,
            "cyl": cyl,
            "Lottery": lottery,
        }
    )


def write(frame: pd.DataFrame, path) -> str:
    """`frame` as a file of its suffix's format, missing cells written as the format does
    (empty CSV cells, Parquet and Arrow nulls)."""
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    path = str(path)
    if path.endswith(".csv"):
        frame.to_csv(path, index=False)
    elif path.endswith(".parquet"):
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    elif path.endswith(".arrow"):
        feather.write_feather(frame, path, compression="uncompressed")
    else:
        np.save(path, frame.to_numpy(dtype=np.float64))
    return path


def exact(report: dict) -> dict:
    """The exact answer of a `train --json` report by the design's column names, the
    intercept as statsmodels names it."""
    ols = report["ols"]
    out = dict(zip(report["data"]["features"], ols["w"], strict=True))
    if ols["fit_intercept"]:
        out["Intercept"] = ols["b"]
    return out


def assert_params(ours: dict, theirs: pd.Series, rel: float = 1e-10) -> None:
    assert sorted(ours) == sorted(theirs.index)
    for name, value in theirs.items():
        assert ours[name] == pytest.approx(value, rel=rel, abs=rel * abs(theirs).max()), name


def train_json(call, *args) -> dict:
    run = call("train", *args, "--standardize", "--exact", "always", "--seed", "3", "--json")
    assert run.code == 0, run.show()
    return json.loads(run.out)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".arrow"])
def test_formula_gives_statsmodels_ols(lin, here, suffix):  # noqa: F811
    frame = guerry()
    path = write(frame, here / f"g{suffix}")
    report = train_json(lin, "--data", path, "--formula", FORMULA)
    theirs = smf.ols(FORMULA, frame).fit().params
    assert_params(exact(report), theirs)
    assert report["data"]["target"] == "Lottery" and report["data"]["formula"] == FORMULA


def test_weighted_formula_and_a_transformed_target_give_statsmodels_wls(lin, here):  # noqa: F811
    frame = guerry()
    frame["w"] = np.random.default_rng(2).uniform(0.5, 3, len(frame)).round(2)
    path = write(frame, here / "g.csv")
    formula = "np.log(Lottery) ~ Literacy + I(Literacy**2) + C(Region):Wealth"
    report = train_json(lin, "--data", path, "--formula", formula, "--weights", "w")
    theirs = smf.wls(formula, frame, weights=frame["w"]).fit().params
    assert_params(exact(report), theirs)
    assert report["data"]["target"] == "np.log(Lottery)"


@pytest.mark.parametrize("intercept", [True, False])
def test_categorical_gives_statsmodels_ols(lin, here, intercept):  # noqa: F811
    """--categorical is `C(col)` in statsmodels' formula: the first level left out with an
    intercept, every level of the first category without one (statsmodels' full rank)."""
    frame = guerry()
    path = write(frame, here / "g.csv")
    flags = ["--target", "Lottery", "--features", "Region,Literacy,Wealth,cyl"]
    flags += ["--categorical", "Region,cyl"] + ([] if intercept else ["--no-intercept"])
    report = train_json(lin, "--data", path, *flags)
    rhs = "C(Region) + Literacy + Wealth + C(cyl)"
    theirs = smf.ols(f"Lottery ~ {rhs}" if intercept else f"Lottery ~ 0 + {rhs}", frame).fit()
    assert_params(exact(report), theirs.params)  # the names too: C(Region)[T.E], C(cyl)[T.6]


def test_sgd_converges_toward_the_exact_answer(lin, here):  # noqa: F811
    frame = guerry()
    path = write(frame, here / "g.csv")
    base = ("--data", path, "--formula", FORMULA, "--lr", "0.1")
    gaps = [train_json(lin, *base, "--epochs", str(e))["loss_gap"] for e in (2, 20, 200)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 2e-3, gaps


def test_predict_reproduces_the_encoding(lin, here):  # noqa: F811
    """The saved model's predictions on new rows (levels in another order, a stateful
    transform whose mean is the training rows') equal statsmodels' predict with the same
    coefficients: the design of the new rows is statsmodels' design."""
    frame, new = guerry(), guerry(12, seed=5)
    formula = "Lottery ~ center(Wealth) + np.log(Pop1831) + C(Region) + C(cyl)"
    path, new_path = write(frame, here / "g.csv"), write(new, here / "new.csv")
    report = train_json(lin, "--data", path, "--formula", formula, "--save", "m.json")
    model = json.loads((here / "m.json").read_text())
    assert model["encoding"]["levels"]["C(Region)"] == REGIONS
    run = lin("predict", "--model", "m.json", "--data", new_path, "--json")
    assert run.code == 0, run.show()
    predicted = np.array(json.loads(run.out)["predictions"])
    fitted = smf.ols(formula, frame).fit()
    ours = dict(zip(report["data"]["features"], model["w"], strict=True))
    ours["Intercept"] = model["b"]
    params = np.array([ours[k] for k in fitted.params.index])
    theirs = RegressionResultsWrapper(OLSResults(fitted.model, params)).predict(new)
    np.testing.assert_allclose(predicted, theirs.to_numpy(), rtol=1e-10)


MISSING = {0: ("Literacy", ""), 3: ("Wealth", "NA"), 7: ("Lottery", "NaN"), 9: ("Region", "")}


def with_missing(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """`frame` with missing cells in used columns (empty, NA, NaN in a CSV; nulls and NaN in
    the other formats), and one in a column no run uses (not a reason to drop a row)."""
    out = frame.astype({"Literacy": object, "Wealth": object, "Lottery": object}).copy()
    for row, (column, text) in MISSING.items():
        out.loc[row, column] = text if suffix == ".csv" else (np.nan if text == "NaN" else None)
    out["unused"] = 1.0
    out.loc[11, "unused"] = np.nan
    if suffix != ".csv":
        out = out.astype({"Literacy": float, "Wealth": float, "Lottery": float})
    return out


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".arrow"])
def test_drop_missing_drops_the_rows_pandas_drops(lin, here, suffix):  # noqa: F811
    frame = guerry()
    path = write(with_missing(frame, suffix), here / f"g{suffix}")
    formula = "Lottery ~ Literacy + Wealth + C(Region)"
    report = train_json(lin, "--data", path, "--formula", formula, "--drop-missing")
    read = pd.read_csv(path) if suffix == ".csv" else with_missing(frame, suffix)
    kept = read.dropna(subset=["Lottery", "Literacy", "Wealth", "Region"])
    kept = kept.astype({"Literacy": float, "Wealth": float, "Lottery": float})
    assert report["data"]["dropped_rows"] == len(frame) - len(kept) == len(MISSING)
    assert report["data"]["rows"] == len(kept)
    assert_params(exact(report), smf.ols(formula, kept).fit().params)
    text = lin("train", "--data", path, "--formula", formula, "--drop-missing", "--seed", "3")
    assert text.out.splitlines()[1].startswith(
        f"dropped 4 of {len(frame)} rows with a missing cell"
    )


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_drop_missing_alone_keeps_the_numbers_of_the_rows_kept(lin, here, suffix):  # noqa: F811
    """Without categories or a formula, --drop-missing trains on the other rows as they are:
    the answer of the same file without those rows (bit for bit from a CSV file; an NPY
    file without them is read in place, as views, and its exact answer reduced in another
    order: to 1e-12), an NPY file's NaN cells too."""
    frame = guerry().drop(columns=["Region"])
    holed = frame.copy()
    holed.loc[[2, 5], "Wealth"] = np.nan
    full = write(holed, here / f"holed{suffix}")
    clean = write(holed.dropna(), here / f"clean{suffix}")
    ours = train_json(lin, "--data", full, "--drop-missing")
    theirs = train_json(lin, "--data", clean)
    assert ours["data"]["dropped_rows"] == 2 and ours["data"]["rows"] == len(frame) - 2
    if suffix == ".csv":
        assert ours["ols"]["w"] == theirs["ols"]["w"] and ours["w"] == theirs["w"]
    else:
        np.testing.assert_allclose(ours["ols"]["w"], theirs["ols"]["w"], rtol=1e-12)


def test_the_python_api_takes_the_same_settings(here):  # noqa: F811
    from linscratch.train import sources
    from linscratch.train.runs import execute

    frame = guerry()
    path = write(frame, here / "g.csv")
    spec = RunSpec.build(data=path, formula=FORMULA, exact="always", standardize=True)
    spec = spec.with_seed(1)
    dataset = sources.load(spec.data, spec.seed)
    run = execute(spec, dataset, [])
    ours = dict(zip(run.feature_names, run.ols.w, strict=True)) | {"Intercept": run.ols.b}
    assert_params(ours, smf.ols(FORMULA, frame).fit().params)
    with pytest.raises(UsageError, match="formula and target: give one of them"):
        RunSpec.build(data=path, formula=FORMULA, target="Lottery")
    with pytest.raises(UsageError, match="formula has no intercept"):
        RunSpec.build(data=path, formula="Lottery ~ 0 + Literacy")
    assert RunSpec.build(data=path, formula="Lottery ~ 0 + Literacy", fit_intercept=False)
    with pytest.raises(UsageError, match="categorical applies to data or dataset"):
        RunSpec.build(categorical=["Region"])


def test_a_table_too_large_for_memory_is_refused_before_it_is_read(lin, here, monkeypatch):  # noqa: F811
    from linscratch import resources

    path = write(guerry(), here / "g.parquet")
    monkeypatch.setattr(resources, "available_memory", lambda: 1000)
    before = snapshot(here)
    run = lin("train", "--data", path, "--formula", FORMULA, "--json")
    assert_refused(run, here, before, as_json=True, words=("--formula", "memory", "available"))


def test_a_design_too_large_for_memory_is_refused_before_it_is_made(lin, here, monkeypatch):  # noqa: F811
    """A category of as many levels as rows (an identifier) is as many columns: refused from
    the count of its levels, before formulaic allocates the design."""
    from linscratch import resources

    frame = guerry(2000)
    frame["id"] = [f"d{i}" for i in range(len(frame))]
    path = write(frame, here / "g.csv")
    monkeypatch.setattr(resources, "available_memory", lambda: 20 << 20)
    before = snapshot(here)
    run = lin("train", "--data", path, "--formula", "Lottery ~ Literacy + C(id)")
    assert_refused(run, here, before, words=("--formula", "2,000 rows x 2,002 columns", "memory"))


def refusals(here):  # noqa: F811
    """The hostile cases: (argv of train or predict, words the one line says)."""
    frame = guerry()
    write(frame, here / "g.csv")
    write(with_missing(frame, ".csv"), here / "holes.csv")
    empty = frame.copy().astype({"Literacy": object})
    empty["Literacy"] = ""
    write(empty, here / "empty.csv")
    data = ("train", "--data")
    return {
        "formula-syntax": ([*data, "g.csv", "--formula", "Lottery ~ Literacy +"], ("--formula",)),
        "formula-column-missing": (
            [*data, "g.csv", "--formula", "Lottery ~ Literacy + Nope"],
            ("--formula", "'Nope'"),
        ),
        "formula-no-target": ([*data, "g.csv", "--formula", "Literacy + Wealth"], ("--formula",)),
        "formula-dunder": (
            [*data, "g.csv", "--formula", "Lottery ~ np.__name__"],
            ("--formula", "__"),
        ),
        "formula-and-target": (
            [*data, "g.csv", "--formula", FORMULA, "--target", "Lottery"],
            ("--formula and --target",),
        ),
        "categorical-not-a-feature": (
            [*data, "g.csv", "--features", "Literacy", "--categorical", "Region"],
            ("--categorical", "'Region'"),
        ),
        "text-column-not-categorical": (
            [*data, "g.csv", "--categorical", "cyl", "--target", "Lottery"],
            ("'Region'", "not a number"),
        ),
        "missing-without-drop": (
            [*data, "holes.csv", "--formula", "Lottery ~ Literacy + C(Region)"],
            ("'Literacy'", "row 1", "--drop-missing"),
        ),
        "plain-missing-points-to-the-flag": (
            [*data, "holes.csv", "--target", "Lottery", "--features", "Literacy,Wealth"],
            ("'Literacy'", "row 1", "--drop-missing"),
        ),
        "every-row-dropped": (
            [*data, "empty.csv", "--formula", "Lottery ~ Literacy", "--drop-missing"],
            ("no row is left",),
        ),
        # the weights a feature: the same check read whole or not (`files.column_indices`)
        **{
            f"weights-a-feature-{how}": (
                [*data, "g.csv", "--features", "Literacy,Region", "--weights", "Literacy", *extra],
                ("--weights", "'Literacy'", "the target or a feature"),
            )
            for how, extra in (("categorical", ["--categorical", "Region"]), ("plain", []))
        },
        "weights-the-target-formula": (
            [*data, "g.csv", "--formula", "Lottery ~ Literacy", "--weights", "Lottery"],
            ("--weights", "'Lottery'", "the target or a feature"),
        ),
    }


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize(
    "case",
    [
        "formula-syntax",
        "formula-column-missing",
        "formula-no-target",
        "formula-dunder",
        "formula-and-target",
        "categorical-not-a-feature",
        "text-column-not-categorical",
        "missing-without-drop",
        "plain-missing-points-to-the-flag",
        "every-row-dropped",
        "weights-a-feature-categorical",
        "weights-a-feature-plain",
        "weights-the-target-formula",
    ],
)
def test_refusals(lin, here, case, as_json):  # noqa: F811
    argv, words = refusals(here)[case]
    before = snapshot(here)
    run = lin(*argv, *(["--json"] if as_json else []))
    assert_refused(run, here, before, as_json=as_json, words=words)


@pytest.mark.parametrize(
    "case",
    [
        "missing-without-drop",
        "plain-missing-points-to-the-flag",
        "every-row-dropped",
        "formula-and-target",
        "formula-dunder",
    ],
)
def test_refusals_in_chinese(lin, here, case):  # noqa: F811
    argv, _ = refusals(here)[case]
    run = lin(*argv, "--lang", "zh")
    assert run.code == 2 and len(run.err.splitlines()) == 1, run.show()
    line = re.sub(r"'[^']*'|--[a-z-]+|\S+\.csv|Python", "", run.err.split(": ", 1)[1])
    assert re.search(r"[\u4e00-\u9fff]", line) and not re.search(r"[A-Za-z]{4,}", line), line


@pytest.mark.parametrize("as_json", [False, True])
def test_predict_refuses_what_it_cannot_encode(lin, here, as_json):  # noqa: F811
    frame = guerry()
    write(frame, here / "g.csv")
    formula = "Lottery ~ Literacy + C(Region)"
    run = lin("train", "--data", "g.csv", "--formula", formula, "--standardize", "--save", "m.json")
    assert run.code == 0, run.show()
    unseen = frame.copy()
    unseen.loc[4, "Region"] = "Corse"
    write(unseen, here / "unseen.csv")
    write(frame.drop(columns=["Region"]), here / "lacking.csv")
    write(with_missing(frame, ".csv"), here / "holes.csv")
    cases = {
        "unseen.csv": ("'Region'", "row 5", "'Corse'"),
        "lacking.csv": ("'Region'",),
        "holes.csv": ("'Literacy'", "row 1", "missing"),
    }
    json_flag = ["--json"] if as_json else []
    for name, words in cases.items():
        before = snapshot(here)
        run = lin("predict", "--model", "m.json", "--data", name, "--output", "p.csv", *json_flag)
        assert_refused(run, here, before, as_json=as_json, words=words)
