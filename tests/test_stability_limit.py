# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)
"""SGD's stability limit at the batch size (`exact.stability`), against numpy's own arithmetic
and against runs: the limit a run reports, the advice a diverged run prints (followed, the run
must not diverge) and `lr` auto's rate."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_hostile import assert_refused, here, lin, snapshot  # noqa: F401  (fixtures)

from linscratch import DivergedError, RunSpec
from linscratch.cli.flags import flag
from linscratch.exact.stability import AUTO_MARGIN, limits, row_moments, sampled_lambda, sgd_limit
from linscratch.train.loop import fit
from linscratch.train.runs import execute
from linscratch.train.sources import load

ROWS = {2: 1000, 100: 2000, 1000: 2000, 5000: 1000}


def table(folder, d: int, seed: int = 0):
    """A CSV of ROWS[d] rows: d standard normal features (the first ten times the others'
    scale where d > 2, so that --standardize changes the limit), y = Xw + 4.2 + noise, and a
    weights column s spread over a factor of 25. Returns the path and the arrays."""
    rng = np.random.default_rng(seed)
    n = ROWS[d]
    X = rng.normal(size=(n, d))
    if d > 2:
        X[:, 0] *= 10
    y = X @ rng.uniform(-2, 2, d) + 4.2 + rng.normal(0, 0.5, n)
    s = rng.uniform(0.2, 5, n)
    path = folder / f"t{d}.csv"
    names = ",".join([f"x{j}" for j in range(d)] + ["y", "s"])
    np.savetxt(path, np.c_[X, y, s], delimiter=",", header=names, comments="", fmt="%.9g")
    return path, X, y, s


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stability")
    return {d: table(folder, d) for d in (2, 100, 1000)}


def test_the_limits_are_numpys_arithmetic():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3000, 40)) * rng.uniform(0.5, 3, 40)
    A = np.c_[X, np.ones(len(X))]
    norms = (A * A).sum(axis=1)
    lam = np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    moments = row_moments(X)
    assert moments["beta"] == pytest.approx(norms.max(), rel=1e-12)
    assert moments["mean"] == pytest.approx(norms.mean(), rel=1e-12)
    assert moments["spread"] == pytest.approx((norms**2).mean() / norms.mean(), rel=1e-12)
    for m in (1, 10, 100, 3000):
        rows = min(norms.max(), (norms**2).mean() / norms.mean() + 2 * lam)
        expected = min(2 / lam, 2 * m / (rows + (m - 1) * lam))
        assert limits(lam, moments, m, len(X))["lr_max"] == pytest.approx(expected, rel=1e-12)
    # the worst case of Ma, Bassily and Belkin, twice their step: 2m / (β + (m − 1)λ₁)
    assert sgd_limit(norms.max(), lam, 10) == pytest.approx(20 / (norms.max() + 9 * lam))
    # near gradient descent's as the batch takes every row: 2n/(β̂ + (n − 1)λ₁)
    assert limits(lam, moments, 10**9, len(X))["lr_max"] == pytest.approx(2 / lam, rel=0.01)


def test_the_sampled_curvature_is_near_numpys_and_errs_high_where_the_rows_are_few():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(20_000, 50)) + rng.normal(size=50)  # not centred: a clear top
    A = np.c_[X, np.ones(len(X))]
    lam = np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    assert sampled_lambda(X) == pytest.approx(lam, rel=0.05)
    wide = rng.normal(size=(20_000, 1000)).astype(np.float32)
    A = np.c_[wide.astype(np.float64), np.ones(len(wide))]
    assert sampled_lambda(wide) > 0.95 * np.linalg.eigvalsh(A.T @ A / len(A))[-1]


def _stable(X, y, lr, batch):
    """One epoch from zero that neither diverges nor ends above its start (as the benchmark)."""
    try:
        result = fit(X, y, lr=lr, batch_size=batch, num_epochs=1, seed=0, w0=np.zeros(X.shape[1]))
    except DivergedError:
        return False
    return result.losses[-1] <= 0.5 * np.mean(y.astype(np.float64) ** 2)


@pytest.mark.parametrize("d", [100, 1000])
@pytest.mark.parametrize("batch", [1, 10, 100])
def test_the_limit_is_stable_and_within_a_factor_of_two_of_what_diverges(d, batch):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(ROWS[d] * 5, d)).astype(np.float32)
    y = (X @ rng.uniform(-2, 2, d) + 4.2 + 0.01 * rng.normal(size=len(X))).astype(np.float32)
    A = np.c_[X.astype(np.float64), np.ones(len(X))]
    lam = np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    limit = limits(lam, row_moments(X), batch, len(X))["lr_max"]
    assert _stable(X, y, limit, batch)
    assert not _stable(X, y, 2.2 * limit, batch)


def _advised(spec, dataset) -> float:
    """The rate a run far past the limit advises, from its message as the CLI prints it."""
    with pytest.raises(DivergedError) as caught:
        execute(spec.replace(lr=1e3, num_epochs=5), dataset, warn=lambda w: None)
    text = caught.value.render(flag)
    assert "SGD's stability limit at batch size" in text and "gradient descent's 2/λ_max" in text
    return float(re.search(r"try --lr ([0-9.e+-]+)", text).group(1))


def _follow(path, batch, standardize, weights, folder=None):
    spec = RunSpec.build(
        data=str(path), target="y", features=None, batch_size=batch, standardize=standardize,
        weights="s" if weights else None, seed=0,
    )  # fmt: skip
    if not weights:  # the weights column is then a feature: leave it out
        spec = spec.replace(features=tuple(n for n in _names(path) if n not in ("y", "s")))
    spec = spec.with_seed(0)
    dataset = load(spec.data, 0)
    rate = _advised(spec, dataset)
    run = execute(spec.replace(lr=rate), dataset, warn=lambda w: None)  # must not diverge
    assert rate < run.stability["lr_max"] and np.isfinite(run.result.losses[-1])
    start = 0.5 * np.mean(np.asarray(dataset.y, np.float64) ** 2)  # the loss of w = 0, b = 0
    assert run.result.losses[-1] < start  # 6 steps at batch 1000: it need not fall far


def _names(path) -> list[str]:
    with open(path) as f:
        return f.readline().strip().split(",")


@pytest.mark.parametrize("weights", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardized"])
@pytest.mark.parametrize("batch", [1, 10, 100, 1000])
@pytest.mark.parametrize("d", [2, 100, 1000])
def test_following_the_advice_never_diverges(tables, d, batch, standardize, weights):
    _follow(tables[d][0], batch, standardize, weights)


@pytest.mark.slow
@pytest.mark.parametrize("batch", [1, 10, 100, 1000])
def test_following_the_advice_never_diverges_at_5000_features(tmp_path, batch):
    path = table(tmp_path, 5000)[0]
    _follow(path, batch, standardize=False, weights=True)


def test_lr_auto_is_recorded_as_auto_and_trains_at_the_rate_chosen(tables):
    path = tables[1000][0]
    spec = RunSpec.build(data=str(path), target="y", weights="s", seed=0).with_seed(0)
    assert spec.optim.lr == "auto"  # the default on a file
    run = execute(spec, load(spec.data, 0), warn=lambda w: None)
    bound = run.stability
    assert run.spec.optim.lr == "auto" and run.spec.to_dict()["lr"] == "auto"
    assert bound["lr_auto"] == pytest.approx(AUTO_MARGIN * bound["lr_max"], rel=1e-15)
    assert run.result.last_lr == bound["lr_auto"] and run.result.losses[-1] < run.result.losses[0]


def test_the_books_experiment_keeps_its_rate():
    assert RunSpec.build(seed=0).with_seed(0).optim.lr == 0.03
    assert RunSpec.build(seed=0, lr="auto").with_seed(0).optim.lr == "auto"


def test_fit_takes_auto_and_keeps_the_books_rate_by_default():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 300))
    y = X @ rng.normal(size=300) + 1
    assert fit(X, y, seed=0, num_epochs=1).last_lr == 0.03  # the book's, on arrays
    A = np.c_[X, np.ones(len(X))]
    norms = (A * A).sum(axis=1)
    lam = np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    limit = 20 / (min(norms.max(), (norms**2).mean() / norms.mean() + 2 * lam) + 9 * lam)
    result = fit(X, y, seed=0, lr="auto")
    assert result.last_lr == pytest.approx(AUTO_MARGIN * limit, rel=0.3)  # λ₁ from a sample
    assert result.losses[-1] < result.losses[0]


@pytest.fixture(scope="module")
def diabetes(tmp_path_factory):
    """scikit-learn's diabetes data as CSV files: its scaled features and the raw ones."""
    datasets = pytest.importorskip("sklearn.datasets")
    folder = tmp_path_factory.mktemp("diabetes")
    paths = {}
    for name, scaled in (("scaled", True), ("raw", False)):
        frame = datasets.load_diabetes(as_frame=True, scaled=scaled).frame
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


@pytest.mark.parametrize("which", ["scaled", "raw"])
def test_lr_auto_converges_on_diabetes_standardized(diabetes, which):
    # 10 epochs: within 1% of the optimum's loss (at the default 3, 2.1% measured: no constant
    # rate gets below 1.9% there, the floor minibatch noise leaves)
    spec = RunSpec.build(
        data=str(diabetes[which]), target="target", standardize=True, num_epochs=10, seed=0
    ).with_seed(0)
    run = execute(spec, load(spec.data, 0), warn=lambda w: None)
    assert run.spec.optim.lr == "auto" and run.loss_gap < 0.01


def test_the_estimators_auto_rate_trains_wide_data():
    # 500 features: a twentieth of 2/λ_max (0.058) is past SGD's limit at batch 10 (0.039)
    from linscratch.estimator import SGDLinearRegression

    rng = np.random.default_rng(6)
    X = rng.normal(size=(3000, 500))
    y = X @ rng.uniform(-2, 2, 500) + 4.2 + 0.01 * rng.normal(size=3000)
    A = np.c_[X, np.ones(len(X))]
    norms = (A * A).sum(axis=1)
    lam = np.linalg.eigvalsh(A.T @ A / len(A))[-1]
    limit = 20 / (min(norms.max(), (norms**2).mean() / norms.mean() + 2 * lam) + 9 * lam)
    assert 2 / lam / 20 > limit
    model = SGDLinearRegression(random_state=0, max_iter=5, tol=None)
    with pytest.warns(Warning):  # ConvergenceWarning: 5 epochs
        model.fit(X, y)
    assert model.score(X, y) > 0.99


@pytest.mark.parametrize("command", ["grad", "sweep"])
def test_commands_without_a_training_run_refuse_auto(lin, here, command):
    before = snapshot(here)
    run = lin(
        command, "--lr", "auto", *(["--batch-size", "10"] if command == "sweep" else []), "--json"
    )
    assert_refused(run, here, before, as_json=True, words=("--lr auto", command))


def write_table(folder, fmt: str, X, y, s=None):
    """X (n, d), y and the weights s (or None) as a file of format `fmt` (columns x0.., s, y:
    the target last; an NPY file, float32, has no weights column)."""
    import pyarrow as pa  # optional: the columnar formats only
    import pyarrow.csv as pa_csv  # optional: the columnar formats only
    import pyarrow.feather as feather  # optional: the columnar formats only
    import pyarrow.parquet as pq  # optional: the columnar formats only

    path = folder / f"rows.{fmt}"
    if fmt == "npy":
        np.save(path, np.c_[X, y].astype(np.float32))
        return path
    columns = {f"x{j}": X[:, j] for j in range(X.shape[1])} | ({} if s is None else {"s": s})
    columns["y"] = y
    table = pa.table(columns)
    {"csv": pa_csv.write_csv, "parquet": pq.write_table, "arrow": feather.write_feather}[fmt](
        table, path
    )
    return path


def naive_moments(X, intercept=True):
    """β, E‖a‖² and E‖a‖⁴/E‖a‖² of the rows [x 1], plainly in float64."""
    A = np.c_[X, np.ones((len(X), int(intercept)))]
    norms = (A * A).sum(axis=1)
    return norms.max(), norms.mean(), (norms**2).sum() / norms.sum()


HOWS = ["plain", "standardize", "weights", "val_fraction", "all", "exact never", "as it comes"]
WEIGHTED = ("weights", "all", "as it comes")


@pytest.mark.parametrize(
    ("fmt", "how"),  # an NPY file has no named weights column
    [
        (f, h)
        for f in ("csv", "parquet", "arrow", "npy")
        for h in HOWS
        if f != "npy" or h not in WEIGHTED
    ],
)
def test_the_row_norms_come_from_a_pass_the_run_makes(tmp_path, monkeypatch, fmt, how):
    # β and the norms' moments come from the pass that checked the file (`columns.scan`) or
    # standardized the rows: a pass of their own (`row_moments`) would fail here. They equal
    # numpy's plain float64 arithmetic on the training rows, and so does SGD's limit.
    import linscratch.train.runs as runs

    monkeypatch.setattr(runs, "row_moments", lambda *a, **k: pytest.fail("a pass of its own"))
    rng = np.random.default_rng(11)
    n, d = 3000, 6
    X = rng.normal(size=(n, d)) * rng.uniform(0.3, 8, d) + rng.uniform(-5, 5, d)
    y = X @ rng.uniform(-2, 2, d) + 1.5 + rng.normal(size=n)
    s = rng.uniform(0.1, 4, n)
    s[::13] = 0.0  # rows of weight zero are dropped, with their norms
    path = write_table(tmp_path, fmt, X, y, s if how in WEIGHTED else None)
    if fmt == "npy":  # the file's float32 values, as the run reads them
        X = X.astype(np.float32).astype(np.float64)
    settings = {
        "plain": {},
        "standardize": {"standardize": True},
        "weights": {"weights": "s"},
        "val_fraction": {"val_fraction": 0.25},
        "all": {"standardize": True, "weights": "s", "val_fraction": 0.25},
        "exact never": {"exact": "never", "val_fraction": 0.25},
        # the table as it comes (`tables.read_design`): its check of the design's cells
        "as it comes": {"drop_missing": True, "weights": "s", "val_fraction": 0.25},
    }[how]
    settings.setdefault("standardize", False)  # the rows as they are, unless standardized
    spec = RunSpec.build(data=str(path), seed=4, num_epochs=1, batch_size=7, **settings)
    spec = spec.with_seed(4)
    run = execute(spec, load(spec.data, 4), warn=lambda w: None)
    rows = X
    if "weights" in settings:
        rows = rows[s > 0]
    if run.train_rows is not None:
        rows = rows[run.train_rows]
    if spec.data.standardize:
        rows = (rows - rows.mean(axis=0)) / rows.std(axis=0)
    beta, _, spread = naive_moments(rows)
    got, lam = run.stability, run.stability["lambda_max"]
    tol = 1e-6 if fmt == "npy" and not spec.data.standardize else 1e-12  # float32's squares
    assert got["beta"] == pytest.approx(beta, rel=tol)
    m = 7
    expected = min(2 / lam, 2 * m / (min(beta, spread + 2 * lam) + (m - 1) * lam))
    assert got["lr_max"] == pytest.approx(expected, rel=tol)
    assert got["lr_auto"] == pytest.approx(AUTO_MARGIN * expected, rel=tol)


@pytest.mark.parametrize(
    "fmt", ["csv", "parquet", "arrow", "npy", "parquet float32", "csv as it comes"]
)
def test_the_norms_a_files_pass_gathers_are_its_rows_bit_for_bit(tmp_path, fmt):
    # the scan's row blocks and the columnar copy's row-major blocks give each row's ‖x‖² as
    # a pass of their own over the rows read gives it (`row_squares`, what a run took before):
    # SGD's limit and lr auto's rate do not move by a bit
    from linscratch.exact.stability import row_squares

    rng = np.random.default_rng(5)
    X = rng.normal(size=(20_000, 9)) * rng.uniform(0.1, 30, 9)
    y = X.sum(axis=1)
    if fmt == "parquet float32":
        X, y, fmt = X.astype(np.float32), y.astype(np.float32), "parquet"
    comes = {"drop_missing": True} if fmt == "csv as it comes" else {}  # `tables.read_design`
    path = write_table(tmp_path, fmt.split()[0], X, y)
    spec = RunSpec.build(data=str(path), seed=0, **comes).with_seed(0)
    dataset = load(spec.data, 0)
    assert dataset.squares.dtype == np.float64
    np.testing.assert_array_equal(dataset.squares, row_squares(dataset.X))
