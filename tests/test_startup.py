"""Start-up: what the default `train` imports. Each module left out here costs from a tenth of
a second (rich) to most of a second (scipy.stats) of every run; `benchmarks/startup.py`
measures the time, this test only checks that none is imported."""

import subprocess
import sys

import pytest

# Imported by no default run: each is deferred to the one place that needs it.
NOT_AT_START = (
    "scipy",  # the OLS intervals' t quantile, only when they are asked for (--json)
    "matplotlib",  # --plot
    "pandas",
    "pyarrow",  # reading CSV and Parquet files
    "polars",  # parsing CSV files for training
    "numba",  # no run: the tests' reference kernels only (the engine's are compiled)
    "sklearn",
    "rich",  # the progress bar, on a terminal only
)

SCRIPT = """
import sys
from linscratch.cli import main
status = main({argv!r})
print("MODULES", *sorted(sys.modules), file=sys.stderr)
sys.exit(status)
"""


def modules_after(argv: list[str], top: bool = True) -> set[str]:
    """The modules imported by `linscratch ARGV` in a fresh process (their top-level names
    with `top`). The list goes to stderr, which the command leaves alone off a terminal."""
    script = SCRIPT.format(argv=argv)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    names = done.stderr.split("MODULES ")[1].split()
    return {name.split(".")[0] for name in names} if top else set(names)


def test_default_train_imports_nothing_it_does_not_use():
    modules = modules_after(["train"], top=False)
    loaded = {name.split(".")[0] for name in modules}
    assert "torch" in loaded  # (the check sees what it should)
    assert not loaded & set(NOT_AT_START)
    # English reads no catalogue: the .po reader is loaded where another language is spoken
    assert "linscratch.i18n" in modules and "linscratch.i18n.po" not in modules


@pytest.mark.slow
def test_json_train_imports_scipy_special_not_scipy_stats():
    """--json reports the OLS intervals: their t quantile comes from scipy.special."""
    loaded = modules_after(["train", "--json"], top=False)
    assert "scipy.special" in loaded and "scipy.stats" not in loaded


def test_a_run_from_a_file_imports_no_torch_or_numba(tmp_path):
    """A plain run on a NumPy file trains with the compiled kernels and answers exactly by
    numpy: it imports neither torch (the book's engines) nor numba nor matplotlib, and of scipy
    only `scipy.special`, for the statistician's table's t and F tails; without the exact
    answer (no table), no scipy at all."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50_000, 4))
    np.save(tmp_path / "d.npy", np.c_[X, X @ [1.0, -2.0, 0.5, 3.0] + 1.0])
    run = ["train", "--data", str(tmp_path / "d.npy"), "--seed", "1"]
    loaded = modules_after(run, top=False)
    assert "linscratch.train.kernels.epochs" in loaded  # (the check sees what it should)
    assert not {name.split(".")[0] for name in loaded} & {"torch", "matplotlib", "numba"}
    assert "scipy.special" in loaded and "scipy.stats" not in loaded
    assert not modules_after([*run, "--exact", "never"]) & {"torch", "scipy", "numba"}
