"""The model: the book's `linreg` and `squared_loss`, the initial parameters it draws, the
gradients derived by hand, and the fitted model that is saved, loaded and used to predict."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from linscratch.errors import UsageError, UsageTypeError
from linscratch.i18n import Words

if TYPE_CHECKING:
    import torch


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear model y_hat = Xw + b: X (n, d), w (d, 1), b (1,) -> y_hat (n, 1). Shapes
    that do not multiply are a `UsageError` naming the argument (checked only when torch
    refuses them: a valid call costs nothing more).

    Parameters
    ----------
    X : torch.Tensor, shape (n, d)
        The features.
    w : torch.Tensor, shape (d, 1)
        The weights.
    b : torch.Tensor, shape (1,)
        The bias.

    Returns
    -------
    torch.Tensor, shape (n, 1)
        The predictions Xw + b.
    """
    import torch  # start-up: torch only when a run needs it

    try:
        return torch.matmul(X, w) + b
    except (RuntimeError, TypeError):
        _linreg_problem(X, w, b)
        raise


def _linreg_problem(X, w, b) -> None:
    """Why `linreg` failed, as a UsageError naming the argument."""
    import torch  # start-up: torch only when a run needs it

    for value, name in ((X, "X"), (w, "w"), (b, "b")):
        if not isinstance(value, torch.Tensor):
            raise UsageTypeError(
                "{0} must be a torch tensor, got {kind}; torch.tensor({0})",
                name,
                kind=type(value).__name__,
            )
    if X.ndim != 2 or w.shape[:1] != X.shape[1:]:
        raise UsageError(
            "{0} must be (d, 1) for X of shape (n, d), got {w} for {X}",
            "w",
            w=tuple(w.shape),
            X=tuple(X.shape),
        )
    if b.numel() != 1:
        raise UsageError(
            "{0} must be one number, shape (1,), got {shape}", "b", shape=tuple(b.shape)
        )
    if len({X.dtype, w.dtype, b.dtype}) > 1:
        raise UsageError(
            "{0}, {1} and {2} must share a dtype, got {dtypes}; convert with .to(X.dtype)",
            "X",
            "w",
            "b",
            dtypes=", ".join(str(t.dtype).removeprefix("torch.") for t in (X, w, b)),
        )


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example loss (y_hat - y)^2 / 2, shape (n, 1).

    y is reshaped to y_hat's shape first: a (n,) target against a (n, 1) prediction would
    otherwise broadcast silently to an (n, n) matrix. A y with another number of values is a
    `UsageError` naming it.

    Parameters
    ----------
    y_hat : torch.Tensor, shape (n, 1)
        The predictions.
    y : torch.Tensor, shape (n, 1) or (n,)
        The labels.

    Returns
    -------
    torch.Tensor, shape (n, 1)
        Each example's loss ½(ŷ − y)².
    """
    try:
        target = y.reshape(y_hat.shape)
    except (RuntimeError, ValueError, AttributeError):
        raise UsageError(
            "{0} must hold one value per prediction, shape {k}, got shape {shape}",
            "y",
            k=tuple(getattr(y_hat, "shape", ())),
            shape=tuple(getattr(y, "shape", ())) or type(y).__name__,
        ) from None
    return (y_hat - target) ** 2 / 2


def huber_loss(y_hat: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Per-example Huber loss ρ_δ(ŷ − y), shape (n, 1), in the book's style of `squared_loss`
    (each row's term; the caller sums, then divides): ½e² where |e| ≤ δ, and δ(|e| − ½δ)
    beyond, the straight lines that continue the parabola with its slope ±δ at e = ±δ.

    Near zero it is the squared loss; far out it grows like δ|e|, so a row with a corrupted
    label pulls on the fit with a force of at most δ instead of its whole residual. A NaN
    residual gives NaN (the comparison fails and the linear piece carries it), as the
    divergence guard needs. y is reshaped to y_hat's shape first, as in `squared_loss`.
    """
    import torch  # start-up: torch only when a run needs it

    e = y_hat - y.reshape(y_hat.shape)
    a = e.abs()
    return torch.where(a <= delta, e**2 / 2, delta * (a - delta / 2))


def init_params(
    num_features: int,
    generator: torch.Generator | None = None,
    dtype: torch.dtype | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The book's initialisation: w ~ N(0, 0.01^2) of shape (d, 1), b = 0 of shape (1,);
    float32 unless `dtype` says otherwise."""
    import torch  # start-up: torch only when a run needs it

    dtype = torch.float32 if dtype is None else dtype
    w = torch.normal(0, 0.01, size=(num_features, 1), generator=generator, dtype=dtype)
    b = torch.zeros(1, dtype=dtype)
    return w, b


def initial_params(init: str, num_features: int, seed: int, book_draw=None):
    """The starting parameters w (d, 1) and b (1,): zeros for `init="zero"`; for "book", the
    book's w ~ N(0, 0.01²) and b = 0, which is `book_draw` when the data source drew it in the
    book's order (the synthetic data), else a draw from numpy's generator seeded with `seed`."""
    if init == "zero":
        return np.zeros((num_features, 1)), np.zeros(1)
    if book_draw is not None:
        return book_draw
    return np.random.default_rng(seed).normal(0, 0.01, (num_features, 1)), np.zeros(1)


def l2_penalty(w):
    """The book's penalty ½‖w‖² (D2L 3.7: `torch.sum(w.pow(2)) / 2`), a scalar; torch or numpy."""
    return (w**2).sum() / 2


def gradients(X, y, w, b, weights=None, l2: float = 0.0, delta=None, psi=None):
    """The gradients of the summed loss L = Σᵢ ½(ŷᵢ − yᵢ)² of ŷ = Xw + b, by hand, no autograd;
    with `delta` δ, of Huber's L = Σᵢ ρ_δ(ŷᵢ − yᵢ); with `l2` λ, plus weight decay (derived below).

    X (n, d), y (n, 1) or (n,), w (d, 1) or (d,), b (1,) or a number; returns
    (dL/dw shaped like w, dL/db shaped like b). Works on torch tensors and numpy arrays alike.

    The derivation, as in the book's worked example. Write eᵢ = ŷᵢ − yᵢ, the residual.
      ∂L/∂ŷᵢ = ∂/∂ŷᵢ ½(ŷᵢ − yᵢ)² = ŷᵢ − yᵢ = eᵢ
      ∂ŷᵢ/∂wⱼ = ∂/∂wⱼ (Σₖ xᵢₖ wₖ + b) = xᵢⱼ,   ∂ŷᵢ/∂b = 1
    and by the chain rule, summing over the rows that L adds up,
      ∂L/∂wⱼ = Σᵢ (∂L/∂ŷᵢ)(∂ŷᵢ/∂wⱼ) = Σᵢ eᵢ xᵢⱼ,   that is  dL/dw = Xᵀe = Xᵀ(ŷ − y)
      ∂L/∂b  = Σᵢ (∂L/∂ŷᵢ)(∂ŷᵢ/∂b)  = Σᵢ eᵢ,       that is  dL/db = Σ(ŷ − y)
    Each feature's gradient is that feature summed over the rows, weighted by how wrong each
    row's prediction is; the bias's is the total error. SGD divides both by the batch size.

    With row weights sᵢ ≥ 0, `weights` (n,) or (n, 1), the loss is L = Σᵢ sᵢ ½(ŷᵢ − yᵢ)², each
    row counted sᵢ times. Only ∂L/∂ŷᵢ changes: ∂/∂ŷᵢ sᵢ ½(ŷᵢ − yᵢ)² = sᵢeᵢ, so
      dL/dw = Σᵢ sᵢ eᵢ xᵢ = Xᵀ(s ∘ e),   dL/db = Σᵢ sᵢ eᵢ,
    and SGD follows the batch's weighted mean gradient, both divided by Σᵢ sᵢ over the batch
    (not by its size): with every sᵢ = 1 that is the unweighted step, and with whole-number
    sᵢ the step of the batch with row i repeated sᵢ times. Rows of weight zero are dropped
    before training (`weights`), so every batch's Σᵢ sᵢ is positive.

    Weight decay λ = `l2` (D2L 3.7): each row's loss gains the book's penalty (λ/2)‖w‖², as
    the book writes it, `l = loss(net(X), y) + lambd * l2_penalty(w)`, summed over the batch:
      L = Σᵢ [½eᵢ² + (λ/2)‖w‖²] = Σᵢ ½eᵢ² + |B|·(λ/2)‖w‖²   (weighted: Σsᵢ for |B|).
    The penalty does not involve b, and ∂/∂wⱼ (λ/2)Σₖ wₖ² = λwⱼ, so
      dL/dw = Xᵀe + |B|·λw,   dL/db = Σᵢ eᵢ   (unchanged),
    and the step divides by |B| (Σsᵢ): the mean gradient plus exactly λw, that is
    w ← (1 − lr·λ)·w − lr·mean(eᵢxᵢ), the weights "decay" towards zero. The objective it
    descends is mean ½eᵢ² + (λ/2)‖w‖², the weighted mean plus the same penalty with weights.

    Huber's loss (`huber_loss`), L = Σᵢ ρ(eᵢ) with ρ(e) = ½e² for |e| ≤ δ and δ(|e| − ½δ)
    beyond. Again only ∂L/∂ŷᵢ = ρ'(eᵢ) changes; call it ψ(eᵢ). Piece by piece:
      |e| ≤ δ:  ρ'(e) = d/de ½e² = e
      e > δ:    ρ'(e) = d/de δ(e − ½δ) = δ
      e < −δ:   ρ'(e) = d/de δ(−e − ½δ) = −δ
    so ψ(e) = clip(e, −δ, δ): the residual, capped at ±δ. At the joins e = ±δ both pieces give
    ±δ, so ψ is continuous and ρ is C¹; ψ' is 1 inside and 0 outside and jumps at |e| = δ (ρ''
    does not exist there). By the chain rule as above,
      dL/dw = Xᵀψ(ŷ − y),   dL/db = Σᵢ ψ(eᵢ),
    and SGD divides both by the batch size B: dL/dw = Xᵀψ/B, dL/db = Σψ/B; with row weights,
    Σᵢ sᵢψᵢxᵢ / Σᵢ sᵢ and Σᵢ sᵢψᵢ / Σᵢ sᵢ. A row whose residual is past δ pushes with the
    same force δ however wrong its label is. Finite differences confirm this gradient wherever
    no residual lies within the step h of ±δ; within h of the kink their error is O(h), not
    O(h²) (see `gradcheck`). A NaN residual stays NaN through the clip (torch's `clamp` and
    numpy's `clip` both keep it), so the divergence guard still sees it.

    The arguments are checked first: X (n, d), y with n values, w with d, b one, `weights` n
    non-negative ones, `l2` >= 0, `delta` > 0; any other is a `UsageError` naming it.

    `psi`, another loss's ψ of the residuals (`Loss.psi` with its parameter), takes e's place
    as Huber's clip does: Σᵢ ρ(eᵢ) has dL/dw = Xᵀψ(e) and dL/db = Σψ(eᵢ) by the chain rule.

    Parameters
    ----------
    X : tensor or array, shape (n, d)
        The batch's features.
    y : tensor or array, shape (n, 1) or (n,)
        Its labels.
    w : tensor or array, shape (d, 1) or (d,)
        The weights at which the gradients are taken.
    b : tensor, array or float, shape (1,)
        The bias.
    weights : tensor or array, shape (n,) or (n, 1), optional
        Non-negative row weights sᵢ.
    l2 : float
        Weight decay λ ≥ 0.
    delta : float, optional
        Huber's δ > 0: the gradient of Huber's loss.
    psi : callable, optional
        Another loss's ψ of the residuals, in e's place.

    Returns
    -------
    dL_dw : tensor or array, shaped like w
        The gradient of the summed loss with respect to w.
    dL_db : tensor or array, shaped like b
        The gradient with respect to b.
    """
    _check_gradient_args(X, y, w, b, weights, l2, delta)
    return batch_gradients(X, y, w, b, weights, l2, delta, psi)


def _size(a) -> int:
    return int(np.prod(np.shape(a)))


def _check_gradient_args(X, y, w, b, weights, l2, delta) -> None:
    from linscratch.arguments import array, positive  # start-up: not every run needs it

    X = array(X, "X")
    for value, name in ((y, "y"), (w, "w"), (b, "b")):
        array(value, name)
    if X.ndim != 2 or X.shape[0] < 1:
        raise UsageError(
            "{0} must be (n, d) with n >= 1, got shape {shape}", "X", shape=tuple(X.shape)
        )
    n, d = X.shape
    for value, name, size in ((y, "y", n), (w, "w", d), (b, "b", 1), (weights, "weights", n)):
        if value is not None and _size(value) != size:
            raise UsageError(
                "{0} must hold {size} values for X of shape {X}, got shape {shape}",
                name,
                size=size,
                X=(n, d),
                shape=tuple(np.shape(value)),
            )
    if weights is not None:
        from linscratch.data.weights import checked  # start-up: torch only when a run needs it

        checked(weights.detach().cpu() if hasattr(weights, "detach") else weights, n, "weights")
    if l2 != 0:
        positive(l2, "l2")
    if delta is not None:
        positive(delta, "delta")


def batch_gradients(X, y, w, b, weights=None, l2: float = 0.0, delta=None, psi=None):
    """`gradients` without its checks, for the engines' inner loops; `psi`, a loss's ψ of the
    residuals (`Loss.psi` with its parameter), takes e's place for any loss."""
    y_hat = X @ w.reshape(-1, 1) + b  # (n, 1)
    e = y_hat - y.reshape(-1, 1)  # (n, 1): the residual
    if delta is not None:
        e = e.clip(-delta, delta)  # (n, 1): ψ(e), Huber's clipped residual
    if psi is not None:
        e = psi(e)  # (n, 1): ψ(e), the loss's share of the gradient
    if weights is not None:
        e = weights.reshape(-1, 1) * e  # (n, 1): sᵢeᵢ, the weighted residual
    grad_w = (X.T @ e).reshape(w.shape)  # (d, 1) or (d,)
    if l2:  # + |B|·λw (Σsᵢ·λw weighted): the penalty's gradient, summed over the rows
        total = len(X) if weights is None else weights.sum()
        grad_w = grad_w + (l2 * total) * w
    grad_b = e.sum()
    return grad_w, grad_b.reshape(b.shape) if hasattr(b, "shape") else grad_b


MODEL_FORMAT = "linscratch-model"
MODEL_VERSION = 1


@dataclass
class LinearModel:
    """A fitted model y = x·w + b in the data's own units, with what it was trained on.

    Saved as versioned JSON: {"format": "linscratch-model", "version": 1, "w", "b",
    "feature_names", "target_name", "standardization", "training", "seed", "library_version",
    "encoding", "convergence", "exact", "se"}. `encoding`, where the columns came from a formula
    or categories (`data.tables.read_design`): the formula, the design's columns (the feature
    names), each category's levels and each stateful transform's values, with which `predict`
    encodes new rows the same way; null otherwise. `convergence` is {"converged", "loss_gap"}
    for SGD judged against the exact optimum (`verdicts.converged`), None where it was not
    (older files lack it); `exact` names the exact answer a model is (`train --save-exact`:
    "least squares", "weighted least squares", "ridge", or a loss's name), None for SGD's, and
    `se` its standard errors of (w₁ … w_d, b), or (w₁ … w_d) without the intercept, where they
    exist.
    """

    w: list[float]
    b: float
    feature_names: list[str]
    target_name: str | None = None
    standardization: dict | None = None
    training: dict = field(default_factory=dict)
    seed: int | None = None
    library_version: str = ""
    encoding: dict | None = None
    convergence: dict | None = None
    exact: str | None = None
    se: list[float] | None = None

    def predict(self, X) -> np.ndarray:
        """Predictions (n,) for X (n, d), in float64."""
        with np.errstate(over="ignore", invalid="ignore"):  # the caller judges non-finite ones
            return np.asarray(X, dtype=np.float64) @ np.asarray(self.w, dtype=np.float64) + self.b

    def to_dict(self) -> dict:
        return {"format": MODEL_FORMAT, "version": MODEL_VERSION, **asdict(self)}

    def save(self, path, force: bool = False) -> None:
        """Write the model as JSON, atomically; refuses to replace a file unless `force`."""
        from linscratch.data.destinations import atomic_write  # start-up: not every run needs it

        text = json.dumps(self.to_dict(), indent=2, allow_nan=False)
        atomic_write(path, lambda f: f.write(text + "\n"), force=force, field="save")

    @classmethod
    def load(cls, path) -> LinearModel:
        """Read and validate a model file; any problem is a `UsageError` naming the file."""
        from linscratch.data.saved import (  # start-up: not every run needs it
            finite_number,
            read_versioned_json,
        )

        data = read_versioned_json(path, MODEL_FORMAT, MODEL_VERSION, Words("model"))
        w, b, names = data.get("w"), data.get("b"), data.get("feature_names")

        if not isinstance(w, list) or not w or not all(map(finite_number, [*w, b])):
            raise UsageError(
                '{path}: "w" must be a list of finite numbers and "b" a number', path=path
            )
        if not isinstance(names, list) or len(names) != len(w):
            raise UsageError(
                '{path}: "feature_names" must name each of the {d} weights', path=path, d=len(w)
            )
        if not all(isinstance(name, str) and name for name in names) or len(set(names)) < len(
            names
        ):
            raise UsageError('{path}: "feature_names" must be distinct, non-empty names', path=path)
        target = data.get("target_name")
        if target is not None and (not isinstance(target, str) or target in names):
            raise UsageError(
                '{path}: "target_name" must be a name that is not a feature\'s', path=path
            )
        for key, (test, rule) in MODEL_FIELDS.items():
            if key in data and not test(data[key]):
                raise UsageError(
                    '{path}: "{key}" must be {rule}, got {shown}; not a model linscratch saved',
                    path=path,
                    key=key,
                    rule=rule,
                    shown=_shown(data[key]),
                )
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)


def _shown(value) -> str:
    """A JSON value as a message shows it: its text, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


# The rest of a model file's fields and their rules, checked at load (w, b and the names are
# checked one by one above): a file that breaks them was not written by `LinearModel.save`.
MODEL_FIELDS = {
    "standardization": (lambda v: v is None or isinstance(v, dict), Words("an object or null")),
    "training": (lambda v: isinstance(v, dict), Words("an object")),
    "seed": (
        lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0),
        Words("a whole number >= 0 or null"),
    ),
    "library_version": (lambda v: isinstance(v, str), Words("text")),
    "encoding": (
        lambda v: (
            v is None
            or (
                isinstance(v, dict)
                and isinstance(v.get("formula"), str)
                and isinstance(v.get("columns"), list)
                and isinstance(v.get("levels", {}), dict)
                and all(isinstance(levels, list) for levels in v.get("levels", {}).values())
                and isinstance(v.get("transforms", {}), dict)
            )
        ),
        Words("null or an object with the formula and its columns"),
    ),
    "exact": (lambda v: v is None or isinstance(v, str), Words("text or null")),
    "se": (
        lambda v: (
            v is None
            or (isinstance(v, list) and all(isinstance(x, int | float) and x >= 0 for x in v))
        ),
        Words("a list of numbers >= 0 or null"),
    ),
    "convergence": (
        lambda v: v is None or (isinstance(v, dict) and isinstance(v.get("converged"), bool)),
        Words('an object with "converged" true or false, or null'),
    ),
}
