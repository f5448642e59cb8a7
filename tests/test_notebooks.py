"""The learner's notebooks (docs/notebooks) run in a real Jupyter kernel and say the right things.

Each notebook is committed with its outputs, as `scripts/run_notebooks.py` wrote them (so that
a learner browsing the repository or the website sees the numbers and the figures), and is
executed here afresh with nbclient, in a temporary folder; any error in any cell fails the test.
Then the numbers a learner reads are checked: a notebook that runs but prints the wrong
gradient, a loss that has not converged or a wrong resistance fails too. The outputs are found
by the text the notebooks print. Last, the committed outputs are compared with the fresh ones
line by line, numbers to the precision that is reproducible across CPUs (the README's rule,
`same_line`): a change that alters what a notebook prints asks for the script to be run again.
"""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_readme_console import same_line

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "docs" / "notebooks"
_spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts/run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_notebooks)


def execute(name: str, folder: Path) -> nbformat.NotebookNode:
    """Run every cell of the notebook `name` in a fresh python3 kernel with `folder` as its
    working directory; raises (failing the test) on the first cell that raises."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return nb


def code_cells(nb: nbformat.NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def printed(cell) -> str:
    """What the cell printed on stdout."""
    return "".join(
        out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout"
    )


def stdout(nb: nbformat.NotebookNode) -> str:
    return "".join(printed(cell) for cell in code_cells(nb))


def cell_with(nb: nbformat.NotebookNode, source: str):
    """The one code cell whose source contains `source`."""
    found = [cell for cell in code_cells(nb) if source in cell.source]
    assert len(found) == 1, f"{len(found)} code cells contain {source!r}"
    return found[0]


def number(pattern: str, text: str) -> float:
    """The number captured by `pattern` (one group), which must occur exactly once."""
    found = re.findall(pattern, text, flags=re.MULTILINE)
    assert len(found) == 1, f"{pattern!r} matched {found} in:\n{text}"
    return float(found[0])


def test_the_committed_notebooks_carry_their_outputs():
    names = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
    assert names == [
        "chapter.en.ipynb",
        "chapter.zh.ipynb",
        "exercises.en.ipynb",
        "exercises.zh.ipynb",
    ]
    for name in names:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        cells = code_cells(nb)
        # run top to bottom once, as the script runs them, with no error and no timing left
        assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), name
        assert all("execution" not in cell.metadata for cell in cells), name
        assert sum(bool(cell.outputs) for cell in cells) > len(cells) // 2, name
        for cell in cells:
            assert all(out.output_type != "error" for out in cell.outputs), (name, cell.source)
            for out in cell.outputs:
                text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
                assert run_notebooks.normalised(text) == text, (name, text)  # nothing volatile
    figures = [
        out
        for cell in code_cells(nbformat.read(NOTEBOOKS / "chapter.en.ipynb", as_version=4))
        for out in cell.outputs
        if {"image/png", "image/svg+xml"} & set(out.get("data", {}))
    ]
    assert figures, "the chapter notebook shows no figure"


def test_normalised_masks_what_differs_between_runs():
    text = "<object at 0x7f3a2b1c9d80> 3 epoch(s) in 0.050 s (59,593 samples/s)"
    assert run_notebooks.normalised(text) == "<object at 0x...> 3 epoch(s) in … s (… samples/s)"


def assert_not_stale(name: str, fresh: nbformat.NotebookNode) -> None:
    """The committed outputs of `name` are `fresh`'s, line by line (`same_line`)."""
    committed = run_notebooks.comparable(nbformat.read(NOTEBOOKS / name, as_version=4))
    now = run_notebooks.comparable(run_notebooks.normalise(fresh))
    assert len(committed) == len(now), f"{name}: outputs changed; run scripts/run_notebooks.py"
    for old, new in zip(committed, now, strict=True):
        old_lines, new_lines = old.splitlines(), new.splitlines()
        same = len(old_lines) == len(new_lines) and all(map(same_line, old_lines, new_lines))
        assert same, f"{name}: stale output; run scripts/run_notebooks.py\n{old}\n!=\n{new}"


@pytest.mark.slow  # a Jupyter kernel each
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chapter(lang, tmp_path):
    nb = execute(f"chapter.{lang}.ipynb", tmp_path)
    text = stdout(nb)
    assert_not_stale(f"chapter.{lang}.ipynb", nb)

    # The book's training loop: three epochs, each loss printed as the book prints it.
    loop = printed(cell_with(nb, "for epoch in range(num_epochs):"))
    epochs = re.findall(r"^epoch (\d+), loss (\S+)$", loop, flags=re.MULTILINE)
    assert [int(e) for e, _ in epochs] == [1, 2, 3], loop
    assert float(epochs[-1][1]) < 1e-4, loop
    errors = "error in estimating w: tensor(" if lang == "en" else "w的估计误差: tensor("
    assert text.count(errors) == 2  # after the loop, and after fit

    # fit(live=True) drew its plot in the notebook and showed its Result.
    fit_cell = cell_with(nb, "live=True")
    assert any("image/svg+xml" in out.get("data", {}) for out in fit_cell.outputs)
    assert any(out.output_type == "execute_result" for out in fit_cell.outputs)

    # The study note's worked batch: its printed gradients, by autograd and by the formula.
    assert "w.grad = [-9.0000, 65.4477], b.grad = -40.9567" in text
    assert "Xᵀ(ŷ − y) = [-9.0000, 65.4477], Σ(ŷ − y) = -40.9567" in text
    check = cell_with(nb, "check_gradients(")
    shown = check.outputs[-1]["data"]
    assert "text/html" in shown and ("agree" if lang == "en" else "一致") in shown["text/plain"]
    walk = printed(cell_with(nb, "linscratch.explain("))
    assert ("Step 6." if lang == "en" else "步骤 6") in walk and "65.4477" in walk


# What the exercises notebook prints in each language: its own lines, Chinese in the Chinese one.
SAID = {
    "en": {
        "zero": r"^\s+w = 0: loss by epoch .*, (\S+); w = ",
        "T": r"^T = ([\d.]+) K \(true 5000 K\)",
        "diverged": "DivergedError: training diverged",
        "lambda": r"solve\.stability: λ_max = (\S+)$",
        "hvp": r"Hessian-vector products: (\S+)$",
        "abs": "Hessian of the mean absolute loss: [[0.0, 0.0, 0.0],",
        "without": "without reshape: shape (5, 5)",
        "with": "with reshape:    shape (5, 1)",
        "wide": "without reshape on 1000 examples: shape (1000, 1000)",
        "limit": r"stability limit 2/λ_max = (\S+)$",
        "lr": r"^lr\s+{lr}: ",
        "critical": r"^d = {d:>3}: m\* = β̂/λ₁ = (\d+),",
        "at one": r"^d = {d:>3}: .* the largest stable rate is (\S+), ",
        "limit at one": r"^d = {d:>3}: .* SGD's limit (\S+)$",
        "short": "101 minibatches; the last three have [10, 10, 5] examples",
        "n examples": r"^\s+15 examples, short_batch='{how}': loss by epoch .*, (\S+)$",
    },
    "zh": {
        "zero": r"^\s+w = 0：各迭代周期的损失 .*, (\S+)；w = ",
        "T": r"^T = ([\d.]+) K（真实值 5000 K）",
        "diverged": "抛出 DivergedError，训练发散",
        "lambda": r"solve\.stability: λ_max = (\S+)$",
        "hvp": r"黑塞矩阵与向量的乘积求出 λ_max = (\S+)$",
        "abs": "平均绝对损失的黑塞矩阵：[[0.0, 0.0, 0.0],",
        "without": "不做 reshape：形状 (5, 5)",
        "with": "做了 reshape：形状 (5, 1)",
        "wide": "在 1000 个样本上不做 reshape：形状 (1000, 1000)",
        "limit": r"稳定上限 2/λ_max = (\S+)$",
        "lr": r"^学习率\s+{lr}：",
        "critical": r"^d = {d:>3}：m\* = β̂/λ₁ = (\d+)，",
        "at one": r"^d = {d:>3}：.*时最大稳定学习率为 (\S+)，",
        "limit at one": r"^d = {d:>3}：.*SGD 的稳定上限为 (\S+)$",
        "short": "101 个小批量；最后三个小批量的样本数为 [10, 10, 5]",
        "n examples": r"^\s+15 个样本，short_batch='{how}'：各迭代周期的损失 .*, (\S+)$",
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exercises(lang, tmp_path):
    nb = execute(f"exercises.{lang}.ipynb", tmp_path)
    text = stdout(nb)
    assert_not_stale(f"exercises.{lang}.ipynb", nb)
    said = SAID[lang]
    losses = "loss by epoch" if lang == "en" else "各迭代周期的损失"

    # 1. Zero initialisation still converges; equal hidden units stay equal.
    assert number(said["zero"], text) < 1e-4
    symmetric = printed(cell_with(nb, "def two_units("))
    rows = re.findall(r"\[(-?[\d.]+), (-?[\d.]+)\]", symmetric.splitlines()[0])
    assert rows and all(a == b for a, b in rows), symmetric

    # 2. Ohm's law: R within 1% of 5 Ω.
    R = number(r"^R = ([\d.]+) Ω", text)
    assert abs(R - 5) / 5 < 0.01, R

    # 3. Planck's law: raw SI units diverge; rescaled, T within 1% of 5000 K.
    raw = printed(cell_with(nb, "def planck_si("))
    diverged = said["diverged"]  # the library's message, in the notebook's language
    assert diverged in raw
    T = number(said["T"], text)
    assert abs(T - 5000) / 5000 < 0.01, T

    # 4. The Hessian by autograd is AᵀA/n; λ_max by power iteration matches solve.stability.
    assert number(r"^max \|H − AᵀA/n\| = (\S+)$", text) < 1e-12
    lam_max = number(said["lambda"], text)
    assert abs(number(said["hvp"], text) - lam_max) < 1e-4
    assert "RuntimeError: element 0 of tensors does not require grad" in text  # torch's words
    assert said["abs"] in text

    # 5. Without the reshape, (n, 1) minus (n,) broadcasts to (n, n).
    assert said["without"] in text and said["with"] in text
    assert said["wide"] in text

    # 6. A rate beyond the stability limit diverges; the book's rate converges.
    assert 2.5 > number(said["limit"], text)
    lr = said["lr"]
    assert re.search(lr.format(lr=r"2\.5") + diverged, text, flags=re.M)
    assert number(lr.format(lr=r"0\.03") + losses + r" .*, (\S+)$", text) < 1e-4
    # Below m* = β̂/λ₁ the batch size sets the limit: the book's data's m* is small, 100
    # features' large; at batch size 1 the rate measured is at least SGD's limit, within 2x.
    critical = {d: number(said["critical"].format(d=d), text) for d in (2, 100)}
    assert critical[2] < 10 < critical[100]
    for d in (2, 100):
        found = number(said["at one"].format(d=d), text)
        limit = number(said["limit at one"].format(d=d), text)
        assert limit <= found < 2.5 * limit, d

    # 7. A short last minibatch: the book's step and the mean differ.
    assert said["short"] in text
    mean = number(said["n examples"].format(how="mean"), text)
    book = number(said["n examples"].format(how="book"), text)
    assert mean != book
