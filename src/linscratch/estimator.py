"""`SGDLinearRegression`: linscratch as a scikit-learn regressor.

Needs the optional extra: `pip install 'linscratch[sklearn]'`. Names follow scikit-learn's
(`learning_rate_init`, `batch_size`, `max_iter`, `tol`, `n_iter_no_change` as in MLPRegressor;
`shuffle`, `random_state`, `fit_intercept`; `average=True`, `learning_rate`, `power_t`,
`alpha`, `loss="squared_error"|"huber"|"epsilon_insensitive"|"squared_epsilon_insensitive"`
(the names in `linscratch.losses.LOSSES`) and its `epsilon` as in SGDRegressor), plus
`engine` (see `linscratch.train.engines`).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from linscratch.errors import UsageError
from linscratch.exact.solve import stability
from linscratch.exact.stability import auto_rate, limits, row_moments
from linscratch.exact.statistics import gap
from linscratch.exact.verdicts import converged
from linscratch.i18n import tr
from linscratch.losses import LOSSES
from linscratch.rules import check
from linscratch.spec import DEFAULTS, check_owners
from linscratch.train.engines import ENGINES
from linscratch.train.loop import fit
from linscratch.train.stopping import NoImprovement

EXACT_WORK = 2e9  # the most multiply-adds spent on the exact optimum for that judgement
_LOSS = {loss.estimator_name: name for name, loss in LOSSES.items()}  # the library's names
# The estimator's name of each library setting that its messages name, where it differs: a
# loss's parameter is `epsilon`, whichever loss it is.
_PARAM_OF = {"lr_schedule": "learning_rate"}
_PARAM_OF |= {loss.parameter: "epsilon" for loss in LOSSES.values() if loss.parameter}


class SGDLinearRegression(RegressorMixin, BaseEstimator):
    """Linear regression y = Xw + b by minibatch SGD on the summed squared loss.

    Each epoch shuffles the rows (unless `shuffle=False`) and steps along each batch's mean
    gradient with a constant learning rate: `learning_rate_init`, or with "auto" (the default)
    a twentieth of the stability limit 2/λ_max of the data (`linscratch.exact.solve.stability`),
    or `lr` auto's rate where that is smaller (a twentieth of SGD's stability limit at the batch
    size, `exact.stability`: with many features a row's curvature ‖x‖² sets the limit, not
    λ_max): data on any scale and width then train without diverging, and with little
    minibatch noise left (at half the limit a batch of 10 rattles around the optimum). The
    book's rate is 0.03.
    Training stops after `max_iter` epochs, or earlier when the training loss, averaged over
    windows of `n_iter_no_change` epochs, falls by less than the fraction `tol` of itself from
    one window to the next (`stopping.NoImprovement`: a rule that neither the loss's units nor
    minibatch noise fool); `tol=None` turns it off. A `ConvergenceWarning` says when `max_iter`
    came first (with `tol=None`, when the loss was still falling by 1e-4 per window).

    `sample_weight` (n,), non-negative, weights the rows as scikit-learn defines it: a weight
    of k counts a row k times, 0 leaves it out. Each step follows its batch's weighted mean
    gradient; the loss, the rate's stability limit and the exact optimum are weighted too.

    `learning_rate="invscaling"` makes step t of the run (t = 1, 2, … counting minibatch
    steps, on across epochs) take learning_rate_init / t^power_t, SGDRegressor's schedule
    (its t counts samples: its batch is one row); "constant" (the default) keeps the rate.
    `partial_fit` refuses invscaling: each call would count t from 1 again.

    `average=True` reports the mean of the iterates after every step from the second epoch on
    (Polyak–Ruppert; the first epoch too when max_iter is 1). scikit-learn's SGDRegressor
    averages from the first step, whose way in from the start biases the mean for many epochs;
    its integer form is not offered. `partial_fit` refuses it, as its mean would not carry
    from one call to the next.

    `alpha` λ ≥ 0 is weight decay (D2L 3.7), named as scikit-learn's SGDRegressor names it:
    the objective is mean ½(ŷ − y)² + (alpha/2)‖w‖², b not penalised, which is SGDRegressor's
    `penalty="l2"` objective on the same scale (its alpha means our λ), and whose exact
    minimiser is `Ridge(alpha=n·alpha)` (Σ sample_weight for n). Each step's gradient gains
    alpha·w. The default is 0.0, not SGDRegressor's 1e-4, so that the estimator stays plain
    least squares (the book's model, and the exact answer `linscratch.exact.solve.ols`) unless a
    penalty is asked for; `loss_curve_` then includes the penalty.

    `loss="huber"` minimises Huber's loss (`linscratch.book.model.huber_loss`) with δ = `epsilon`,
    SGDRegressor's names for it; "epsilon_insensitive" max(0, |ŷ − y| − ε) and
    "squared_epsilon_insensitive" max(0, |ŷ − y| − ε)² with ε = `epsilon`, as SGDRegressor
    defines them (`linscratch.losses`). `epsilon=None` (the default) takes the loss's own
    default: 0.1, SGDRegressor's, for the two epsilon-insensitive losses, and 1.0 for Huber's
    (linscratch's `huber_delta`, PyTorch's HuberLoss), where SGDRegressor's is 0.1; with the
    squared loss `epsilon` is refused. The exact optimum the convergence warning compares with
    is then the loss's own minimiser.

    Fitted attributes: `coef_` (d,), `intercept_`, `n_iter_` (epochs run), `loss_curve_`
    (mean ½(ŷ − y)², or Huber's loss, after each epoch, weighted with `sample_weight`),
    `n_features_in_` and `feature_names_in_`.

    Parameters
    ----------
    learning_rate_init : float or "auto"
        The learning rate; "auto" is a twentieth of the data's stability limit.
    batch_size : int
        Examples per minibatch.
    max_iter : int
        The most epochs.
    tol : float or None
        Early stopping's smallest relative fall of the windowed loss; None runs `max_iter`.
    n_iter_no_change : int
        The epochs in each window of early stopping.
    shuffle : bool
        Shuffle the rows each epoch.
    random_state : int, optional
        Seeds the run.
    fit_intercept : bool
        Fit b (else y = Xw).
    engine : {"auto", "autograd", "analytic", "compiled"}
        How each step is computed.
    average : bool
        Report the mean of the iterates from the second epoch on.
    learning_rate : {"constant", "invscaling"}
        The schedule of the rate.
    power_t : float
        The power of t with "invscaling".
    alpha : float
        Weight decay λ ≥ 0.
    loss : {"squared_error", "huber"}
        The loss minimised.
    epsilon : float
        Huber's δ with `loss="huber"`.

    Attributes
    ----------
    coef_ : numpy.ndarray, shape (d,)
        The learned weights.
    intercept_ : float
        The learned bias.
    n_iter_ : int
        The epochs run.
    loss_curve_ : list of float
        The loss after each epoch.
    """

    def __init__(
        self,
        learning_rate_init="auto",
        batch_size=10,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=5,
        shuffle=True,
        random_state=None,
        fit_intercept=True,
        engine="auto",
        average=False,
        learning_rate="constant",
        power_t=0.25,
        alpha=0.0,
        loss="squared_error",
        epsilon=None,
    ):
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state
        self.fit_intercept = fit_intercept
        self.engine = engine
        self.average = average
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.alpha = alpha
        self.loss = loss
        self.epsilon = epsilon

    def _check_params(self) -> None:
        def positive(name, kind):
            value = getattr(self, name)
            if not isinstance(value, kind) or isinstance(value, bool) or not value > 0:
                text = tr("{name} must be a positive number, got {value!r}")
                raise ValueError(text.format(name=name, value=value))

        if self.learning_rate_init != "auto":
            positive("learning_rate_init", numbers.Real)
        for name in ("batch_size", "max_iter", "n_iter_no_change"):
            positive(name, numbers.Integral)
        if self.tol is not None and (not isinstance(self.tol, numbers.Real) or not self.tol >= 0):
            text = tr("tol must be a non-negative number or None, got {value!r}")
            raise ValueError(text.format(value=self.tol))
        if not isinstance(self.average, bool | np.bool_):
            text = tr("average must be True or False, got {value!r}")
            raise ValueError(text.format(value=self.average))
        if self.learning_rate not in ("constant", "invscaling"):
            text = tr("learning_rate must be constant or invscaling, got {value!r}")
            raise ValueError(text.format(value=self.learning_rate))
        p = self.power_t
        if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0 <= p <= 10:
            text = tr("power_t must be a number from 0 to 10, got {value!r}")
            raise ValueError(text.format(value=self.power_t))
        alpha = self.alpha
        real = isinstance(alpha, numbers.Real) and not isinstance(alpha, bool)
        if not (real and math.isfinite(alpha) and alpha >= 0):
            text = tr("alpha must be a finite number >= 0, got {value!r}")
            raise ValueError(text.format(value=alpha))
        if self.loss not in _LOSS:
            text = tr("loss must be one of {names}, got {value!r}")
            raise ValueError(text.format(names=", ".join(_LOSS), value=self.loss))
        if self.engine not in ("auto", *ENGINES):
            text = tr("engine must be one of auto, {engines}")
            raise ValueError(text.format(engines=", ".join(ENGINES)))
        self._check_together()

    def _check_together(self) -> None:
        """The library's rules between settings (`spec.REQUIRES`: `power_t` with
        `learning_rate="invscaling"`), each named here as the estimator names it; `epsilon`,
        the parameter of whichever loss takes one, is refused with a loss that takes none."""
        parameter = LOSSES[_LOSS[self.loss]].parameter
        if self.epsilon is not None and parameter is not None:
            try:  # the library's rule of the loss's parameter: Huber's δ > 0, ε ≥ 0
                check(parameter, self.epsilon)
            except UsageError as error:
                raise UsageError(error.template, "epsilon", **error.values) from None
        if self.epsilon is not None and parameter is None:
            takes = [loss.estimator_name for loss in LOSSES.values() if loss.parameter]
            raise UsageError(
                "{0} applies with {1} {value}", "epsilon", "loss", value="|".join(takes)
            )
        settings = {"lr_schedule": self.learning_rate, "power_t": self.power_t}
        settings |= {"loss": _LOSS[self.loss], **self._parameter()}
        try:
            check_owners(settings)
        except UsageError as error:
            names = [_PARAM_OF.get(field, field) for field in error.fields]
            raise UsageError(error.template, *names, **error.values) from None

    def fit(self, X, y, sample_weight=None):
        """Fit from the book's initialisation (w ~ N(0, 0.01²), b = 0) for up to max_iter
        epochs, the rows weighted by `sample_weight` (n,) where given. Returns self."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=True)
        self._run(X, y, self.max_iter, warm=False, sample_weight=sample_weight)
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """One more epoch over (X, y), from the current parameters, the rows weighted by
        `sample_weight` (n,) where given. Returns self."""
        self._check_params()
        if self.average:
            raise ValueError(
                tr("partial_fit cannot average: the mean does not carry between calls")
            )
        if self.learning_rate != "constant":
            raise ValueError(
                tr("partial_fit takes a constant learning rate: t would restart at each call")
            )
        first = not hasattr(self, "coef_")
        X, y = validate_data(
            self, X, y, dtype=[np.float64, np.float32], y_numeric=True, reset=first
        )
        self._run(X, y, 1, warm=not first, sample_weight=sample_weight)
        return self

    def _run(self, X, y, epochs: int, warm: bool, sample_weight=None) -> None:

        sw = None
        if sample_weight is not None:  # checked as `fit` checks it; rows of weight 0 dropped
            from linscratch.data.weights import (  # start-up: not every run needs it
                checked,
                drop_zero,
                rescaled,
            )

            dtype = "float32" if X.dtype == np.float32 else "float64"
            sw, _ = rescaled(checked(sample_weight, len(X), dtype=dtype))
            X, y, sw = drop_zero(X, y, sw)

        dtype = "float32" if X.dtype == np.float32 else "float64"
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        w0 = b0 = None
        if warm:
            w0 = torch.tensor(self.coef_, dtype=torch.float64).reshape(-1, 1)
            b0 = torch.tensor([self.intercept_], dtype=torch.float64)
        elif not self.fit_intercept:
            w0 = torch.normal(
                0, 0.01, (X.shape[1], 1), generator=torch.Generator().manual_seed(seed)
            )
            b0 = torch.zeros(1)
        lr = self.learning_rate_init
        if lr == "auto":
            bound = stability(
                X, seed=seed, intercept=self.fit_intercept, weights=sw, l2=float(self.alpha)
            )
            moments = row_moments(X, self.fit_intercept)
            sgd = limits(bound["lambda_max"], moments, self.batch_size, len(X), float(self.alpha))
            lr = min(1.0, bound["lr_max"] / 20, auto_rate(sgd))
        # With tol=None the rule only watches, at 1e-4, to tell whether the loss still fell.
        rule = NoImprovement(
            1e-4 if self.tol is None else self.tol,
            self.n_iter_no_change,
            stop=self.tol is not None and epochs > 1,
        )
        result = fit(
            np.array(X, copy=not X.flags.writeable),  # torch wants writable memory
            np.array(y, dtype=X.dtype),
            lr=float(lr),
            batch_size=int(self.batch_size),
            num_epochs=epochs,
            engine=self.engine,
            shuffle="auto" if self.shuffle else "none",
            dtype=dtype,
            seed=seed,
            w0=w0,
            b0=b0,
            fit_intercept=self.fit_intercept,
            subscribers=[rule],
            sample_weight=sw,
            average=min(2, epochs) if self.average else 0,
            lr_schedule=self.learning_rate,
            l2=float(self.alpha),
            loss=_LOSS[self.loss],
            # each setting only with the option it belongs to (`spec.REQUIRES`)
            **({"power_t": float(self.power_t)} if self.learning_rate == "invscaling" else {}),
            **self._parameter(),
        )
        self.coef_ = np.asarray(result.w, dtype=X.dtype)
        self.intercept_ = float(result.b)
        previous = list(getattr(self, "loss_curve_", [])) if warm else []
        self.loss_curve_ = previous + list(result.losses)
        self.n_iter_ = len(result.losses) + (getattr(self, "n_iter_", 0) if warm else 0)
        if epochs > 1:
            self._judge(X, y, rule, epochs, result.losses[-1], sw)

    def _parameter(self) -> dict:
        """The loss's parameter as the library's setting (Huber's δ `huber_delta`, or
        `epsilon`): `epsilon`, or with None the setting's own default; none for a loss without
        one (`spec.REQUIRES`)."""
        loss = LOSSES[_LOSS[self.loss]]
        if loss.parameter is None:
            return {}
        value = DEFAULTS[loss.parameter] if self.epsilon is None else self.epsilon
        return {loss.parameter: float(value)}

    def _judge(self, X, y, rule: NoImprovement, epochs: int, loss: float, sw=None) -> None:
        """A `ConvergenceWarning` when training ended at max_iter before the rule stopped it
        (with `tol=None`, where the exact answer is out of reach, when the loss still fell),
        or, where the exact answer costs at most EXACT_WORK multiply-adds (about a second),
        with the loss more than `verdicts.EXCESS` above the exact optimum, whichever way it
        stopped: the plateau of a slow, ill-conditioned run is not convergence."""
        n, d = X.shape
        alpha = float(self.alpha)
        affordable = n * (d + 2) ** 2 <= EXACT_WORK
        reason = None
        ended = rule.stopped_at is None and (
            self.tol is not None or (not affordable and rule.still_falling())
        )
        if ended:
            reason = tr("at max_iter={epochs} epochs with the loss still falling")
            reason = reason.format(epochs=epochs)
        if affordable:
            y64 = np.asarray(y, np.float64)
            # the loss's optimum, penalised with alpha where it is (least squares: ridge's)
            objective = LOSSES[_LOSS[self.loss]]
            p = self._parameter().get(objective.parameter)
            best = objective.minimiser(X, y64, p, self.fit_intercept, sw, alpha).loss

            squares = float(np.sum((y64 * y64) if sw is None else sw * y64 * y64))
            excess = gap(loss, best, squares, y64, sw)  # None: the optimum fits every row
            total = len(y64) if sw is None else float(np.sum(sw))
            if converged(excess, loss, squares, total):  # the rule `train` judges by too
                pass
            elif excess is None:  # measured against the loss of predicting zero
                reason = tr(
                    "at epoch {epoch} with the training loss {loss:.3g}, where the exact "
                    "optimum fits every row (loss 0; ½ mean y² is {zero:.3g})"
                ).format(epoch=rule.stopped_at or epochs, loss=loss, zero=squares / (2 * total))
            else:
                at = rule.stopped_at or epochs
                reason = tr(objective.above).format(epoch=at, excess=excess)
        if reason is not None:
            warnings.warn(
                tr(
                    "SGDLinearRegression stopped {reason}; scaling the features (StandardScaler), "
                    "a smaller learning_rate_init, a larger max_iter or a smaller tol (tol={tol}) "
                    "may help"
                ).format(reason=reason, tol=self.tol),
                ConvergenceWarning,
                stacklevel=4,
            )

    def predict(self, X):
        """ŷ = X coef_ + intercept_, shape (n,)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return X @ self.coef_.astype(X.dtype) + self.intercept_
