"""The Python examples of the README and of the documentation's pages run as written."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def python_blocks() -> list[str]:
    return [
        block
        for page in PAGES
        for block in re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)
    ]


def test_the_library_example_runs():
    block = next(b for b in python_blocks() if "from linscratch import synthetic_data" in b)
    namespace: dict = {}
    exec(compile(block, "<docs>", "exec"), namespace)
    result = namespace["result"]
    assert len(result.losses) == 3 and result.losses[-1] < 1e-3


def test_the_estimator_example_runs():
    import numpy as np

    block = next(b for b in python_blocks() if "SGDLinearRegression" in b)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    namespace = {"X": X, "y": X @ [1.0, 2.0, -1.0] + 0.5, "X_new": X[:5]}
    exec(compile(block, "<docs>", "exec"), namespace)
    assert namespace["model"].score(X, namespace["y"]) > 0.99


def after_the_library_example(marker: str, capsys) -> tuple[dict, str]:
    """Run the library example (docs/guide/python.md), then the block holding `marker` in the same
    namespace; return the namespace and what the second block printed."""
    library = next(b for b in python_blocks() if "from linscratch import synthetic_data" in b)
    block = next(b for b in python_blocks() if marker in b)
    namespace: dict = {}
    exec(compile(library, "<docs>", "exec"), namespace)
    capsys.readouterr()
    exec(compile(block, "<docs>", "exec"), namespace)
    return namespace, capsys.readouterr().out


def test_the_subscriber_example_runs(capsys):
    _, out = after_the_library_example("class Printer(Subscriber)", capsys)
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2"]
    assert all(float(line.split()[1]) < 1 for line in lines)


def test_the_notebook_example_runs(capsys):
    namespace, out = after_the_library_example("live=True", capsys)
    assert out.startswith("error in estimating w: tensor([") and "Step 6." in out
    assert "analytic vs autograd" in out and "FAILED" not in out
    assert len(namespace["result"].losses) == 5


def test_the_fit_model_example_runs():
    block = next(b for b in python_blocks() if "fit_model" in b)
    namespace: dict = {}
    exec(compile(block, "<docs>", "exec"), namespace)
    assert abs(namespace["result"].params[0].item() - 5.0) < 0.05
