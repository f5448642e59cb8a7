"""Gradients three ways, compared, and explained step by step with real numbers.

The three methods: (a) the analytic formula `model.gradients`, dL/dw = Xᵀ(ŷ − y) and
dL/db = Σ(ŷ − y); (b) PyTorch autograd of `squared_loss(linreg(X, w, b), y).sum()`; (c) central
finite differences of that same loss in float64.

How differences are measured. A component of the gradient is a sum of terms, ∂L/∂θⱼ = Σᵢ eᵢxᵢⱼ
(xᵢⱼ = 1 for the bias), which can cancel to nearly nothing; a plain relative difference then
divides rounding noise by almost zero. So each component's difference is divided by its scale
    sⱼ = max(|aⱼ|, |bⱼ|, ‖xⱼ‖₂ (‖e‖₂ + √ε ‖m‖₂)),   mᵢ = Σₖ |xᵢₖ wₖ| + |b| + |yᵢ|,
where ‖xⱼ‖₂‖e‖₂ bounds |∂L/∂θⱼ| (Cauchy–Schwarz) and m is the size of the terms that cancel
to form each residual eᵢ = Σₖ xᵢₖwₖ + b − yᵢ: rounding leaves eᵢ uncertain by about ε·mᵢ, so
residuals below √ε·m are noise to any method (ε of the dtype). Away from cancellation, this is
the ordinary relative difference.

The finite-difference step. The loss is exactly quadratic in each parameter, so central
differences have no truncation error at all: only rounding, about ε(|L| + ½Hⱼⱼhⱼ²)/hⱼ with
Hⱼⱼ = ‖xⱼ‖². That is smallest at hⱼ = √(2L/Hⱼⱼ) = ‖e‖/‖xⱼ‖ (the step that moves the predictions
by as much as the residual), where the error is about ε‖xⱼ‖‖e‖, ε times the scale above. The
step is kept at least √ε·|θⱼ|, so that θⱼ ± h differ from θⱼ when the residual is tiny, and is
√ε when both are zero.

Tolerances, on the largest relative difference (see `TOLERANCES`).
- float64: analytic vs autograd ≤ 1e-10 (both sum n products; rounding ≈ nε ≈ 1e-14);
  anything vs finite differences ≤ 1e-6 (the differences' own error is ≈ ε·scale).
- float32: analytic vs autograd ≤ 1e-4 (the summation bound nε₃₂ is 6e-5 at n = 1000; the two
  compute the same residual bit for bit and differ only in summation order); float32 vs the
  float64 finite differences ≤ 2e-3, because the float32 residual itself carries an error of up
  to about (d + 1)ε₃₂·mᵢ, which against the √ε₃₂·m floor of the scale is (d + 1)√ε₃₂, 1e-2 in
  the worst case of 32 features and about √(d + 1)√ε₃₂ ≈ 2e-3 in practice (random rounding
  errors add in quadrature). A float32 gradient is only as good as its residual.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import torch

from .model import gradients, linreg, squared_loss

TOLERANCES = {
    "float64": {"analytic_vs_autograd": 1e-10, "finite_difference": 1e-6},
    "float32": {"analytic_vs_autograd": 1e-4, "finite_difference": 2e-3},
}
PAIRS = (
    ("analytic", "autograd"),
    ("analytic", "finite_difference"),
    ("autograd", "finite_difference"),
)


def tolerance(dtype: torch.dtype, pair: tuple[str, str], n: int = 1) -> float:
    """The largest relative difference allowed between `pair` of methods for a batch of n rows."""
    name = "float64" if dtype == torch.float64 else "float32"
    kind = "finite_difference" if "finite_difference" in pair else "analytic_vs_autograd"
    return max(TOLERANCES[name][kind], 4 * n * torch.finfo(dtype).eps)


def autograd_gradients(X, y, w, b) -> tuple[torch.Tensor, torch.Tensor]:
    """dL/dw (d, 1) and dL/db (1,) by PyTorch autograd of the book's summed loss."""
    w = w.detach().clone().reshape(-1, 1).requires_grad_(True)
    b = b.detach().clone().reshape(1).requires_grad_(True)
    squared_loss(linreg(X, w, b), y).sum().backward()
    return w.grad, b.grad


def _columns(X: torch.Tensor) -> torch.Tensor:
    """X with a column of ones appended: the inputs that multiply w and b. (n, d+1)."""
    return torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)


def finite_difference_gradients(X, y, w, b) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of the summed loss in float64: returns the gradient (d+1,), dL/dw then
    dL/db, and the step used for each parameter (see the module docstring for the choice)."""
    X, y = X.to(torch.float64), y.to(torch.float64).reshape(-1, 1)
    theta = torch.cat([w.to(torch.float64).reshape(-1), b.to(torch.float64).reshape(-1)])
    d = X.shape[1]

    def loss(t: torch.Tensor) -> float:
        return float(squared_loss(linreg(X, t[:d].reshape(-1, 1), t[d:]), y).sum())

    e_norm = float(torch.linalg.vector_norm(linreg(X, theta[:d].reshape(-1, 1), theta[d:]) - y))
    col_norms = torch.linalg.vector_norm(_columns(X), dim=0).tolist()
    root_eps = math.sqrt(torch.finfo(torch.float64).eps)
    grad, steps = np.empty(d + 1), np.empty(d + 1)
    for j in range(d + 1):
        h = e_norm / col_norms[j] if col_norms[j] > 0 else 0.0
        h = max(h, root_eps * abs(float(theta[j]))) or root_eps
        plus, minus = theta.clone(), theta.clone()
        plus[j] += h
        minus[j] -= h
        step = float(plus[j] - minus[j])  # the step as represented, not as intended
        grad[j] = (loss(plus) - loss(minus)) / step
        steps[j] = step / 2
    return grad, steps


def gradient_scale(X, y, w, b) -> np.ndarray:
    """sⱼ = ‖xⱼ‖₂ (‖e‖₂ + √ε ‖m‖₂) for each parameter, dL/dw then dL/db: (d+1,)."""
    X64, y64 = X.to(torch.float64), y.to(torch.float64).reshape(-1, 1)
    w64, b64 = w.to(torch.float64).reshape(-1, 1), b.to(torch.float64).reshape(-1)
    e = linreg(X64, w64, b64) - y64  # (n, 1)
    m = X64.abs() @ w64.abs() + b64.abs() + y64.abs()  # (n, 1)
    root_eps = math.sqrt(torch.finfo(X.dtype).eps)
    size = float(torch.linalg.vector_norm(e)) + root_eps * float(torch.linalg.vector_norm(m))
    return torch.linalg.vector_norm(_columns(X64), dim=0).numpy() * size


def compare(a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> tuple[float, float]:
    """The largest absolute and relative difference of two gradients (relative to the scale)."""
    diff = np.abs(a - b)
    denom = np.maximum(np.maximum(np.abs(a), np.abs(b)), scale)
    rel = np.divide(diff, denom, out=np.where(diff > 0, np.inf, 0.0), where=denom > 0)
    return float(diff.max()), float(rel.max())


def _flat(grad_w, grad_b) -> np.ndarray:
    return np.concatenate([np.asarray(grad_w, dtype=np.float64).reshape(-1), np.ravel(grad_b)])


@dataclass
class Comparison:
    max_abs_diff: float
    max_rel_diff: float
    tolerance: float

    @property
    def passed(self) -> bool:
        return self.max_rel_diff <= self.tolerance


@dataclass
class GradCheck:
    """One batch's gradients by the three methods, and how far apart they are.

    Gradients are flat float64 arrays (d+1,): dL/dw₁ … dL/dw_d, then dL/db.
    """

    X: torch.Tensor  # (n, d)
    y: torch.Tensor  # (n, 1)
    w: torch.Tensor  # (d, 1)
    b: torch.Tensor  # (1,)
    y_hat: torch.Tensor  # (n, 1)
    residual: torch.Tensor  # (n, 1)
    loss: float
    grads: dict[str, np.ndarray]
    steps: np.ndarray
    scale: np.ndarray
    comparisons: dict[tuple[str, str], Comparison] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.comparisons.values())

    def update(self, lr: float) -> tuple[np.ndarray, float]:
        """The SGD step that follows: w − lr/|B|·dL/dw and b − lr/|B|·dL/db (analytic)."""
        n, d = self.X.shape
        g = self.grads["analytic"]
        w = self.w.reshape(-1).to(torch.float64).numpy() - lr / n * g[:d]
        return w, float(self.b[0]) - lr / n * g[d]


def check_gradients(X, y, w, b) -> GradCheck:
    """Compute the gradients of the summed loss at (w, b) three ways and compare them.

    X (n, d), y (n, 1), w (d, 1), b (1,), all of one dtype (float32 or float64); the finite
    differences are always taken in float64 from the same values.
    """
    y = y.reshape(-1, 1)
    w, b = w.reshape(-1, 1), b.reshape(1)
    with torch.no_grad():
        y_hat = linreg(X, w, b)
        loss = float(squared_loss(y_hat, y).sum())
    fd, steps = finite_difference_gradients(X, y, w, b)
    grads = {
        "analytic": _flat(*gradients(X, y, w, b)),
        "autograd": _flat(*autograd_gradients(X, y, w, b)),
        "finite_difference": fd,
    }
    scale = gradient_scale(X, y, w, b)
    check = GradCheck(X, y, w, b, y_hat, y_hat - y, loss, grads, steps, scale)
    for pair in PAIRS:
        abs_diff, rel_diff = compare(grads[pair[0]], grads[pair[1]], scale)
        check.comparisons[pair] = Comparison(abs_diff, rel_diff, tolerance(X.dtype, pair, len(X)))
    return check


class GradientMonitor:
    """Compares analytic and autograd gradients on every training batch (`train --check-grad`)."""

    def __init__(self):
        self.batches = 0
        self.max_abs_diff = 0.0
        self.max_rel_diff = 0.0
        self.tolerance = 0.0

    def __call__(self, X, y, w, b, grad_w, grad_b) -> None:
        with torch.no_grad():
            analytic = _flat(*gradients(X, y, w, b))
            scale = gradient_scale(X, y, w, b)
        abs_diff, rel_diff = compare(analytic, _flat(grad_w, grad_b), scale)
        self.batches += 1
        self.max_abs_diff = max(self.max_abs_diff, abs_diff)
        self.max_rel_diff = max(self.max_rel_diff, rel_diff)
        pair = ("analytic", "autograd")
        self.tolerance = max(self.tolerance, tolerance(X.dtype, pair, len(X)))

    @property
    def passed(self) -> bool:
        return self.max_rel_diff <= self.tolerance

    def to_dict(self) -> dict:
        return {
            "batches": self.batches,
            "max_abs_diff": self.max_abs_diff,
            "max_rel_diff": self.max_rel_diff,
            "tolerance": self.tolerance,
            "passed": self.passed,
        }


EXPLAIN_LABELS = {
    "en": {
        "title": "Gradients of L = Σᵢ ½(ŷᵢ − yᵢ)² on a batch of {n} rows, {d} features ({dtype})",
        "at": "at w = {w}, b = {b}",
        "step1": "Step 1. Predictions ŷ = Xw + b and residuals e = ŷ − y",
        "row1": "  row 1: ŷ₁ = {terms} = {y_hat}, e₁ = {y_hat} − ({y}) = {e}",
        "step2": "Step 2. The loss L = ½ Σᵢ eᵢ² = {loss}",
        "step3": "Step 3. dL/dw = Xᵀe: each weight sums its feature times the residual",
        "step4": "Step 4. dL/db = Σᵢ eᵢ: the bias sums the residuals",
        "step5": "Step 5. The same gradients three ways (differences relative to each "
        "component's scale)",
        "method": {
            "analytic": "analytic",
            "autograd": "autograd",
            "finite_difference": "finite diff.",
        },
        "pass": "ok",
        "fail": "FAILED",
        "vs": "vs",
        "max_abs": "max abs diff",
        "max_rel": "max rel diff",
        "step6": "Step 6. The SGD step that follows (lr = {lr}, |B| = {n}, lr/|B| = {ratio})",
    },
    "zh": {
        "title": "损失 L = Σᵢ ½(ŷᵢ − yᵢ)² 的梯度：小批量 {n} 个样本，{d} 个特征（{dtype}）",
        "at": "参数 w = {w}，b = {b}",
        "step1": "步骤 1：前向传播计算预测值 ŷ = Xw + b 与误差 e = ŷ − y",
        "row1": "  第 1 行：ŷ₁ = {terms} = {y_hat}，e₁ = {y_hat} − ({y}) = {e}",
        "step2": "步骤 2：计算损失 L = ½ Σᵢ eᵢ² = {loss}",
        "step3": "步骤 3：权重梯度 dL/dw = Xᵀe：每个特征在所有样本上的贡献之和，由误差缩放",
        "step4": "步骤 4：偏置梯度 dL/db = Σᵢ eᵢ：所有样本预测误差的总和",
        "step5": "步骤 5：三种方法计算同一梯度（差异相对于各分量的尺度）",
        "method": {
            "analytic": "解析推导",
            "autograd": "自动求导",
            "finite_difference": "有限差分",
        },
        "pass": "一致",
        "fail": "不一致",
        "vs": "对比",
        "max_abs": "最大绝对差",
        "max_rel": "最大相对差",
        "step6": "步骤 6：随后的 SGD 更新（lr = {lr}，|B| = {n}，lr/|B| = {ratio}）",
    },
}


def _rjust(text: str, width: int) -> str:
    """Right-justify for a terminal, where CJK characters take two columns."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return " " * max(width - cols, 0) + text


def _g(x: float) -> str:
    return f"{x:.6g}"


def _vec(values) -> str:
    return "[" + ", ".join(_g(float(v)) for v in values) + "]"


def _sum_terms(pairs: list[tuple[float, float]] | list[float], keep: int = 3) -> str:
    """'a + b + c + … + z' for a sum's terms, shortened to the first `keep` and the last."""
    text = [f"({_g(p[0])})({_g(p[1])})" if isinstance(p, tuple) else f"({_g(p)})" for p in pairs]
    if len(text) > keep + 2:
        text = [*text[:keep], "…", text[-1]]
    return " + ".join(text)


def explain(check: GradCheck, lr: float, lang: str = "en") -> str:
    """The derivation of the seed document, walked through with this batch's numbers."""
    t = EXPLAIN_LABELS[lang]
    n, d = check.X.shape
    X = check.X.to(torch.float64).numpy()
    y = check.y.reshape(-1).to(torch.float64).numpy()
    y_hat = check.y_hat.reshape(-1).to(torch.float64).numpy()
    e = check.residual.reshape(-1).to(torch.float64).numpy()
    w = check.w.reshape(-1).to(torch.float64).numpy()
    b = float(check.b[0])
    dtype = str(check.X.dtype).removeprefix("torch.")
    lines = [t["title"].format(n=n, d=d, dtype=dtype), t["at"].format(w=_vec(w), b=_g(b)), ""]

    # Step 1: a table of the rows (at most 12 shown, at most 4 features).
    lines.append(t["step1"])
    shown_cols = min(d, 4)
    head = ["i", *(f"x_i{j + 1}" for j in range(shown_cols))]
    head += ["…"] if d > shown_cols else []
    head += ["y_i", "ŷ_i", "e_i"]
    lines.append("  " + "".join(f"{h:>12}" for h in head))
    rows = list(range(n)) if n <= 12 else [*range(9), None, *range(n - 2, n)]
    for i in rows:
        if i is None:
            lines.append("  " + f"{'…':>12}")
            continue
        cells = [str(i + 1), *(_g(X[i, j]) for j in range(shown_cols))]
        cells += ["…"] if d > shown_cols else []
        cells += [_g(y[i]), _g(y_hat[i]), _g(e[i])]
        lines.append("  " + "".join(f"{c:>12}" for c in cells))
    terms = " + ".join(f"({_g(X[0, j])})({_g(w[j])})" for j in range(min(d, 4)))
    terms += " + …" if d > 4 else ""
    terms += f" + ({_g(b)})"
    lines.append(t["row1"].format(terms=terms, y_hat=_g(y_hat[0]), y=_g(y[0]), e=_g(e[0])))
    lines += ["", t["step2"].format(loss=_g(check.loss)), ""]

    # Steps 3 and 4: each component written out as its sum.
    g = check.grads["analytic"]
    lines.append(t["step3"])
    for j in range(d):
        expanded = _sum_terms([(e[i], X[i, j]) for i in range(n)])
        lines.append(f"  dL/dw_{j + 1} = Σᵢ eᵢ·xᵢ{j + 1} = {expanded} = {_g(g[j])}")
    lines += ["", t["step4"], f"  dL/db = {_sum_terms(list(e))} = {_g(g[d])}", ""]

    # Step 5: the three methods side by side, then each pair's differences.
    lines.append(t["step5"])
    names = ("analytic", "autograd", "finite_difference")
    lines.append("  " + f"{'':>9}" + "".join(_rjust(t["method"][m], 22) for m in names))
    for j in range(d + 1):
        label = f"dL/dw_{j + 1}" if j < d else "dL/db"
        lines.append("  " + f"{label:>9}" + "".join(f"{check.grads[m][j]:>22.15g}" for m in names))
    for (a, c), comp in check.comparisons.items():
        verdict = t["pass"] if comp.passed else t["fail"]
        lines.append(
            f"  {t['method'][a]} {t['vs']} {t['method'][c]}: "
            f"{t['max_abs']} {comp.max_abs_diff:.3g}, {t['max_rel']} {comp.max_rel_diff:.3g} "
            f"≤ {comp.tolerance:.0e}: {verdict}"
        )

    # Step 6: the update.
    new_w, new_b = check.update(lr)
    ratio = lr / n
    lines += ["", t["step6"].format(lr=_g(lr), n=n, ratio=_g(ratio))]
    lines.append(f"  w ← w − lr/|B|·dL/dw = {_vec(w)} − {_g(ratio)}·{_vec(g[:d])} = {_vec(new_w)}")
    lines.append(f"  b ← b − lr/|B|·dL/db = {_g(b)} − {_g(ratio)}·({_g(g[d])}) = {_g(new_b)}")
    return "\n".join(lines)
