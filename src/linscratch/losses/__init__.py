"""A loss is an object: each loss SGD can minimise is one module here, and `LOSSES` names them.

A loss gives, in one place, everything the rest of the package asks of it (the `Loss`
protocol): its ρ and ψ = ρ' of the residual e = ŷ − y in torch (`rho`, `psi`; each row's
term as the book writes it, `rows`; the weighted sum Σsᵢρ(eᵢ), `summed`; the hand-derived
gradient, `gradients`; the engines take ψ for e in their steps; the derivation
in its module's docstring), where ψ' jumps (`kinks`: finite differences keep their step on
one side, `derivation.fdiff.kink_limit`), whether the compiled kernels train it (`compiled`;
the planner refuses the compiled engine without; its pieces there are `kernels.pxd` beside
these modules, found by the loss's name) and its parameter as they take it
(`kernel_parameter`: a float in the data's dtype), its exact minimiser (`minimiser`, with
weight decay too) and mean (`mean`, in float64, in the data's units), what that minimiser costs
against least squares' one pass (`exact_passes`, `resources.exact_cost` for `exact` auto),
whether R² and RMSE apply (`squares`), its labels (`label`, the exact answer's name in
reports, JSON and figures; `title`, the parameters figure's; `walk`, the lines of `grad`'s
walk-through), and its parameter: the `spec.ModelSpec` field that holds it (`parameter`, None
without one; its rule is in `rules.RULES`, and `spec.REQUIRES` ties it to its loss), read by
`value`. A parameter is in the target's units:
standardized, SGD takes it divided by σ_y (`scaled`), and the loss's values scale by σ_y to the
power `unit_power` (2 for a loss of squares, 1 for one that grows linearly: `unit_of`).

The names are `rules.LOSSES` (the setting's rule), in the same order.
"""

from __future__ import annotations

from typing import Protocol

from linscratch.i18n import Words
from linscratch.losses.epsilon_insensitive import EPSILON_INSENSITIVE
from linscratch.losses.huber import HUBER
from linscratch.losses.squared import SQUARED
from linscratch.losses.squared_epsilon_insensitive import SQUARED_EPSILON_INSENSITIVE


class Loss(Protocol):
    """What a loss gives (see the module docstring); p is its parameter's value (None without)."""

    name: str
    parameter: str | None
    exact_passes: int
    compiled: bool
    squares: bool
    unit_power: int
    label: str
    title: str

    def value(self, model) -> float | None: ...

    def walk(self) -> dict: ...

    def rows(self, y_hat, y, p): ...

    def rho(self, e, p): ...

    def psi(self, e, p): ...

    def summed(self, e, s, p): ...

    def kinks(self, p) -> tuple[float, ...]: ...

    def gradients(self, X, y, w, b, weights=None, l2: float = 0.0, p=None): ...

    def kernel_parameter(self, p, dtype) -> float: ...

    def minimiser(self, X, y, p, intercept=True, weights=None, l2: float = 0.0): ...

    def mean(self, X, y, w, b, p, weights=None) -> float: ...


LOSSES: dict[str, Loss] = {
    "squared": SQUARED,
    "huber": HUBER,
    "epsilon_insensitive": EPSILON_INSENSITIVE,
    "squared_epsilon_insensitive": SQUARED_EPSILON_INSENSITIVE,
}


# What the reports say of a loss that does not minimise squares, by its `label` ({what}), where
# the loss says nothing of its own (`Loss.said`: Huber's names δ and its clipped rows): the
# table's head of its exact answer, its line beside SGD's, the held-out rows' line, sweep's
# gap column, and the first line when SGD diverged.
SAID = {
    "head": None,  # its label
    "exact": Words(
        "{what}: loss {loss:.6g}; {comparison}, largest coefficient difference {diff:.3g} ({name})"
    ),
    "validation": Words("validation ({rows} rows): loss {loss:.6g} (exact minimiser: {ols:.6g})"),
    "versus": Words("vs exact minimiser"),
    "diverged": Words(
        "SGD diverged (the error follows); the {what} on the {rows:,} training rows does not "
        "depend on it:"
    ),
}


def said(loss: Loss, key: str) -> Words:
    """What the reports say of `loss` for `key` (see `SAID`), in English: its own words where
    it has them, else the words every such loss shares (the head: its label)."""
    own = getattr(loss, "said", {})
    return own.get(key) or SAID[key] or loss.label


def said_values(loss: Loss, model, answer) -> dict:
    """The values its own words name beyond every loss's (Huber's δ and clipped rows), from
    the run's `spec.ModelSpec` and its exact answer."""
    values = getattr(loss, "said_values", None)
    return {} if values is None else values(model, answer)


def of(spec) -> tuple[Loss, float | None]:
    """A run's loss and its parameter's value, from a `spec.RunSpec` or its `ModelSpec`."""
    model = getattr(spec, "model", spec)
    loss = LOSSES[model.loss]
    return loss, loss.value(model)


def scaled(spec, y_std: float):
    """`spec` with its loss's parameter divided by σ_y: the same objective on a standardized
    target (the spec itself where the loss has none)."""
    loss = LOSSES[spec.model.loss]
    if loss.parameter is None:
        return spec
    return spec.replace(**{loss.parameter: loss.value(spec.model) / y_std})


def unit_of(spec, scaler) -> float:
    """The factor from a run's losses on the standardized target to the data's units:
    σ_y^k, k the loss's `unit_power` (ρ(σe) with its parameter times σ is σ^k times ρ(e));
    1.0 where the target is not standardized (`scaler` None)."""
    if scaler is None:
        return 1.0
    return float(scaler.y_std) ** LOSSES[spec.model.loss].unit_power


def given(delta) -> Loss:
    """The loss of the functions that take Huber's δ as `delta` (`book.model.gradients`,
    `check_gradients`): the squared loss where it is None."""
    return SQUARED if delta is None else HUBER
