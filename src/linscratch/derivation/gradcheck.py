"""Gradients three ways, compared, and explained step by step with real numbers.

The three methods: (a) the analytic formula `model.gradients`, dL/dw = Xᵀ(ŷ − y) and
dL/db = Σ(ŷ − y); (b) PyTorch autograd of `squared_loss(linreg(X, w, b), y).sum()`; (c) central
finite differences of that same loss in float64. With row weights sᵢ the loss is
Σᵢ sᵢ·½(ŷᵢ − yᵢ)², the gradients Xᵀ(s∘e) and Σᵢ sᵢeᵢ (`model.gradients`), and every norm
below is taken of the rows scaled by √sᵢ (the weighted loss is the unweighted one of those).
With weight decay λ every row's term gains the book's penalty (λ/2)‖w‖² (D2L 3.7), so the
summed loss gains |B|·(λ/2)‖w‖² (Σsᵢ for |B|) and dL/dw gains |B|·λw (`model.gradients`): the
analytic formula adds it by hand, autograd differentiates the book's
`squared_loss(...) + lambd * l2_penalty(w)`, the finite differences take the same loss; the
penalty is still quadratic, so the differences stay free of truncation error.

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

Huber's loss (`delta` δ): the same three methods, of Σᵢ ρ_δ(eᵢ) (`model.huber_loss`; its
gradient Xᵀψ(e), Σψ(e) with ψ = clip(e, −δ, δ), derived at `model.gradients`). ρ is C¹ but ρ''
jumps at |e| = δ, so a central difference whose step carries a residual across ±δ is off by
O(h), not exact. Each step is therefore capped at half the distance, in that parameter, from
the nearest residual to its kink (`fdiff.kink_limit`): along the step every row's term stays
one parabola or one line, and the difference is again exact but for rounding, checked to the
same tolerances. The check thus holds at points away from the kink, which is every point but
a set of measure zero; at a residual within about √ε·|e| of ±δ the capped step is so small
that rounding (≈ ε·L/h) exceeds the tolerance, and the finite differences say so rather than
hide it: the tests draw their points and keep those whose residuals lie at least 1e-3 from ±δ.
PyTorch's `torch.nn.functional.huber_loss` (sum) is a fourth, independent value of the loss
itself (tests/test_huber.py).

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
from dataclasses import dataclass, field

import numpy as np
import torch

from linscratch.book.model import batch_gradients, l2_penalty, linreg
from linscratch.derivation.fdiff import finite_difference_gradients, gradient_scale
from linscratch.events import Batch, Subscriber
from linscratch.i18n import counted, tr
from linscratch.losses import Loss, given

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


def row_losses(y_hat, y, delta=None, l2: float = 0.0, w=None, loss: Loss | None = None):
    """Each row's term of the summed loss (n, 1): the `loss`'s ρ with its parameter `delta`
    (`Loss.rows`; without `loss`, ½e², or Huber's ρ_δ(e) with `delta`: `losses.given`); with
    weight decay λ = `l2`, plus the book's λ·`l2_penalty(w)` on each row (D2L 3.7)."""
    half = (loss or given(delta)).rows(y_hat, y, delta)
    if l2:
        half = half + l2 * l2_penalty(w)  # the book's `loss(net(X), y) + lambd * l2_penalty(w)`
    return half


def autograd_gradients(X, y, w, b, weights=None, l2: float = 0.0, delta=None, loss=None):
    """dL/dw (d, 1) and dL/db (1,) by PyTorch autograd of the book's summed loss (each row's
    term times its weight, with `weights` (n, 1); the `loss`'s ρ with its parameter `delta`,
    `row_losses`; plus `l2` times the book's `l2_penalty(w)` on each row)."""
    w = w.detach().clone().reshape(-1, 1).requires_grad_(True)
    b = b.detach().clone().reshape(1).requires_grad_(True)
    half = row_losses(linreg(X, w, b), y, delta, l2, w, loss)  # (n, 1): ρ(e) (+ penalty)
    (half if weights is None else weights * half).sum().backward()
    return w.grad, b.grad


def compare(a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> tuple[float, float]:
    """The largest absolute and relative difference of two gradients (relative to the scale);
    a gradient that is not finite differs infinitely (no check passes on NaN)."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return math.inf, math.inf
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
    overflow: bool = False  # a gradient compared is not finite: nothing was compared

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
    weights: torch.Tensor | None = None  # (n, 1), the rows' weights sᵢ, or None
    l2: float = 0.0  # weight decay λ: each row's loss gains (λ/2)‖w‖²
    delta: float | None = None  # the loss's parameter (Huber's δ), None without one
    objective: Loss | None = None  # the loss checked (`losses.LOSSES`; None: the squared)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.comparisons.values())

    @property
    def overflow(self) -> bool:
        """Whether the values overflow float64: a gradient or the loss is not finite, so that
        a comparison that fails says nothing about the derivation."""
        finite = math.isfinite(self.loss) and all(np.isfinite(g).all() for g in self.grads.values())
        return not finite

    def __repr__(self) -> str:
        n, d = self.X.shape
        g = self.grads["analytic"]
        worst = max((c.max_rel_diff for c in self.comparisons.values()), default=0.0)
        verdict = tr("agree") if self.passed else tr("DISAGREE")
        return tr(
            "GradCheck({rows} x {features}, {dtype}: dL/dw = [{dw}], dL/db = {db}; analytic, "
            "autograd and finite differences {verdict}, max rel diff {worst:.2g})"
        ).format(
            rows=counted(n, "{n:,} row", "{n:,} rows"),
            features=counted(d, "{n:,} feature", "{n:,} features"),
            dtype=str(self.X.dtype).removeprefix("torch."),
            dw=", ".join(f"{v:.6g}" for v in g[:d]),
            db=f"{g[d]:.6g}",
            verdict=verdict,
            worst=worst,
        )

    def _repr_html_(self) -> str:
        """A notebook's view: each component by the three methods, and the verdicts."""
        n, d = self.X.shape
        names = [f"dL/dw<sub>{j + 1}</sub>" for j in range(d)] + ["dL/db"]
        said = {
            "analytic": tr("analytic"),
            "autograd": tr("autograd"),
            "finite_difference": tr("finite difference"),
        }
        methods = tuple(said)
        head = "".join(f"<th>{said[m]}</th>" for m in methods)
        rows = "".join(
            f"<tr><td>{name}</td>"
            + "".join(f"<td>{self.grads[m][j]:.15g}</td>" for m in methods)
            + "</tr>"
            for j, name in enumerate(names)
        )
        verdict = tr("{a} vs {c}: max rel diff {diff:.2g} (tolerance {tol:.0e}) {verdict}")
        verdicts = tr("; ").join(
            verdict.format(
                a=said[a],
                c=said[c],
                diff=comp.max_rel_diff,
                tol=comp.tolerance,
                verdict=tr("ok") if comp.passed else tr("FAILED"),
            )
            for (a, c), comp in self.comparisons.items()
        )
        shape = tr("{rows} x {features}").format(
            rows=counted(n, "{n:,} row", "{n:,} rows"),
            features=counted(d, "{n:,} feature", "{n:,} features"),
        )
        return f"<table><tr><th>{shape}</th>{head}</tr>{rows}</table><p>{verdicts}</p>"

    @property
    def total(self) -> float:
        """What the SGD step divides by: the batch's size |B|, or Σsᵢ with weights."""
        return len(self.X) if self.weights is None else float(self.weights.sum())

    def update(self, lr: float) -> tuple[np.ndarray, float]:
        """The SGD step that follows: w − lr/|B|·dL/dw and b − lr/|B|·dL/db (analytic; Σsᵢ
        for |B| with weights)."""
        n, d = self.total, self.X.shape[1]
        g = self.grads["analytic"]
        w = self.w.reshape(-1).to(torch.float64).numpy() - lr / n * g[:d]
        return w, float(self.b[0]) - lr / n * g[d]


def check_gradients(
    X, y, w, b, weights=None, l2: float = 0.0, delta=None, loss: Loss | None = None
) -> GradCheck:
    """Compute the gradients of the summed loss at (w, b) three ways and compare them (of
    Huber's loss with `delta`: see "Huber's loss" in the module docstring; of any registered
    `loss`, `losses.LOSSES`, with its parameter as `delta`).

    X (n, d), y (n, 1), w (d, 1), b (1,), all of one dtype (float32 or float64), and the
    rows' `weights` (n,) or None, and weight decay λ = `l2` (each row's loss plus (λ/2)‖w‖²);
    the finite differences are always taken in float64 from the same values.
    """
    loss = loss or given(delta)
    y = y.reshape(-1, 1)
    w, b = w.reshape(-1, 1), b.reshape(1)
    s = None if weights is None else torch.as_tensor(weights, dtype=X.dtype).reshape(-1, 1)
    with torch.no_grad():
        y_hat = linreg(X, w, b)
        half = row_losses(y_hat, y, delta, l2, w, loss)
        total = float((half if s is None else s * half).sum())
    fd, steps = finite_difference_gradients(X, y, w, b, s, l2, delta, loss)
    grads = {
        "analytic": _flat(*loss.gradients(X, y, w, b, s, l2, delta)),
        "autograd": _flat(*autograd_gradients(X, y, w, b, s, l2, delta, loss)),
        "finite_difference": fd,
    }
    scale = gradient_scale(X, y, w, b, s, l2)
    residual = y_hat - y
    args = (X, y, w, b, y_hat, residual, total, grads, steps, scale)
    check = GradCheck(*args, weights=s, l2=l2, delta=delta, objective=loss)
    for pair in PAIRS:
        abs_diff, rel_diff = compare(grads[pair[0]], grads[pair[1]], scale)
        overflow = not (np.isfinite(grads[pair[0]]).all() and np.isfinite(grads[pair[1]]).all())
        check.comparisons[pair] = Comparison(
            abs_diff, rel_diff, tolerance(X.dtype, pair, len(X)), overflow
        )
    return check


class GradientMonitor(Subscriber):
    """Compares analytic and autograd gradients on every training batch (`check_grad`), with
    weight decay `l2` where the run has it, of the run's `loss` with its parameter `delta`."""

    wants_batches = True

    def __init__(self, l2: float = 0.0, delta=None, loss: Loss | None = None):
        self.l2 = l2
        self.delta = delta  # the loss's parameter (Huber's δ), None without one
        self.loss = loss or given(delta)  # without `loss`: the squared loss, Huber's with δ
        self.batches = 0
        self.max_abs_diff = 0.0
        self.max_rel_diff = 0.0
        self.tolerance = 0.0

    def _psi(self, e):
        """ψ(e), the loss's share of the gradient (`Loss.psi`)."""
        return self.loss.psi(e, self.delta)

    def batch(self, event: Batch) -> None:
        X, y, w, b = event.X, event.y, event.w, event.b
        grad_w, grad_b = event.grad_w, event.grad_b
        with torch.no_grad():
            analytic = _flat(*batch_gradients(X, y, w, b, l2=self.l2, psi=self._psi))
            scale = gradient_scale(X, y, w, b, l2=self.l2)
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
