"""The README's Python examples run as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_library_example_runs():
    block = next(b for b in python_blocks() if "from linscratch import synthetic_data" in b)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert len(result.losses) == 3 and result.losses[-1] < 1e-3


def test_the_estimator_example_runs():
    import numpy as np

    block = next(b for b in python_blocks() if "SGDLinearRegression" in b)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    namespace = {"X": X, "y": X @ [1.0, 2.0, -1.0] + 0.5, "X_new": X[:5]}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["model"].score(X, namespace["y"]) > 0.99


def test_the_subscriber_example_runs(capsys):
    library = next(b for b in python_blocks() if "from linscratch import synthetic_data" in b)
    printer = next(b for b in python_blocks() if "class Printer(Subscriber)" in b)
    namespace: dict = {}
    exec(compile(library, "README.md", "exec"), namespace)
    capsys.readouterr()
    exec(compile(printer, "README.md", "exec"), namespace)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2"]
    assert all(float(line.split()[1]) < 1 for line in lines)


def test_the_notebook_example_runs(capsys):
    library = next(b for b in python_blocks() if "from linscratch import synthetic_data" in b)
    notebook = next(b for b in python_blocks() if "live=True" in b)
    namespace: dict = {}
    exec(compile(library, "README.md", "exec"), namespace)
    capsys.readouterr()
    exec(compile(notebook, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert out.startswith("error in estimating w: tensor([") and "Step 6." in out
    assert "analytic vs autograd" in out and "FAILED" not in out
    assert len(namespace["result"].losses) == 5


def test_the_fit_model_example_runs():
    block = next(b for b in python_blocks() if "fit_model" in b)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert abs(namespace["result"].params[0].item() - 5.0) < 0.05
