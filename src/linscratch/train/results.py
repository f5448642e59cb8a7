"""What a training run produced (`Result`), and how it shows itself: a short repr, a small
table with its figure in a notebook, the figure itself, and the book's tensors."""

from __future__ import annotations

import base64
import io
from dataclasses import asdict, dataclass, replace

import numpy as np

from linscratch.i18n import counted, tr


def torch_dtype(name: str):
    """The torch dtype called `name` ("float32" or "float64")."""
    import torch  # start-up: torch only when a run needs it

    return {"float32": torch.float32, "float64": torch.float64}[name]


@dataclass(frozen=True, repr=False)
class Result:
    """What a training run produced: the learned parameters, per-epoch loss and timings.

    `w_error` and `b_error` are true minus learned, computed in the run's dtype as the book
    prints them; None when the truth is unknown. `train_seconds` covers every epoch, shuffling
    and the per-epoch loss included; `compile_seconds` is the engine's preparation (compiling
    or loading kernels), kept apart. `check_grad` holds the gradient check's summary when one
    ran (see `gradcheck.GradientMonitor`). `stopped_at` is the epoch at which early stopping
    (the `early_stopping` setting) or `num_epochs` auto's rule ended the run before its last
    epoch, else None; `stopped_by` names that rule (`stopping`: "no_improvement", "optimum"). With
    iterate averaging (`average`), `w`, `b` and `losses` are the mean iterate's and
    `raw_losses` the last iterate's (None without averaging). `last_lr` is the learning rate
    of the run's last step (`lr` itself unless a schedule changed it, see `schedules`).

    Attributes
    ----------
    w : list of float, length d
        The learned weights.
    b : float
        The learned bias.
    losses : list of float
        The mean loss over all rows after each epoch.
    seed : int
        The seed of the run.
    engine, shuffle, dtype : str
        What ran (`auto` resolved).
    num_examples : int
        The rows trained on.
    train_seconds, compile_seconds, samples_per_second : float
        The timings.
    w_error : list of float, optional
        True minus learned w.
    b_error : float, optional
        True minus learned b.
    check_grad : dict, optional
        The gradient check's summary.
    path : numpy.ndarray, shape (epochs + 1, d + 1), optional
        [w₁ … w_d, b] at the start and after each epoch.
    feature_names : list of str, optional
        The features' names (a file's columns).
    stopped_at : int, optional
        The epoch at which early stopping ended the run.
    stopped_by : str, optional
        The rule that stopped it: "no_improvement" or "optimum" (`num_epochs` auto).
    raw_losses : list of float, optional
        With averaging, the last iterate's loss each epoch.
    last_lr : float, optional
        The learning rate of the last step.
    """

    w: list[float]
    b: float
    losses: list[float]
    seed: int
    engine: str
    shuffle: str
    dtype: str
    num_examples: int
    train_seconds: float
    compile_seconds: float
    samples_per_second: float
    w_error: list[float] | None = None
    b_error: float | None = None
    check_grad: dict | None = None
    path: np.ndarray | None = None  # (epochs + 1, d + 1): [w₁ … w_d, b] at the start, each epoch
    feature_names: list[str] | None = None
    stopped_at: int | None = None
    stopped_by: str | None = None
    raw_losses: list[float] | None = None  # with averaging: the last iterate's, each epoch
    last_lr: float | None = None  # the rate of the last step (the schedule's, `schedules`)

    @property
    def loss(self) -> float:
        """The mean training loss after the last epoch."""
        return self.losses[-1]

    def tensors(self):
        """The learned parameters as the book holds them: torch tensors w (d, 1) and b (1,) in
        the run's dtype, so that the book's `true_w - w.reshape(true_w.shape)` works."""
        import torch  # start-up: torch only when a run needs it

        dtype = torch_dtype(self.dtype)
        return torch.tensor(self.w, dtype=dtype).reshape(-1, 1), torch.tensor([self.b], dtype=dtype)

    def to_dict(self) -> dict:
        return asdict(self)

    def plot(self, X=None, y=None):
        """The matplotlib figure of how the run learned: the loss after each epoch, the
        parameters' path (against the truth when known), and, given the data X (n, d) and
        y (n,), the rows with the learned line as the book plots the last feature."""
        from linscratch.show.fonts import figure_text  # start-up: matplotlib only for --plot
        from linscratch.show.result_plot import (  # start-up: matplotlib only for --plot
            result_figure,
        )

        with figure_text():
            return result_figure(self, X, y)

    def __repr__(self) -> str:
        w = ", ".join(f"{v:.6g}" for v in self.w[:6]) + (", ..." if len(self.w) > 6 else "")
        return tr(
            "Result(engine {engine}, {epochs} x {rows}, loss {loss:.6g}, w = [{w}], b = {b:.6g})"
        ).format(
            engine=self.engine,
            epochs=counted(len(self.losses), "{n} epoch", "{n} epochs"),
            rows=counted(self.num_examples, "{n:,} row", "{n:,} rows"),
            loss=self.loss,
            w=w,
            b=self.b,
        )

    def _repr_html_(self) -> str:
        """A notebook's view: the parameters (with the truth and the error when known) and
        the loss after each epoch."""
        rows = []
        for j, value in enumerate([*self.w, self.b]):
            name = f"w<sub>{j + 1}</sub>" if j < len(self.w) else "b"
            cells = f"<td>{name}</td><td>{value:.6g}</td>"
            if self.w_error is not None:
                error = [*self.w_error, self.b_error][j]
                cells += f"<td>{value + error:.6g}</td><td>{error:.3g}</td>"
            rows.append(f"<tr>{cells}</tr>")
        head = f"<th></th><th>{tr('learned')}</th>"
        if self.w_error is not None:
            head += f"<th>{tr('true')}</th><th>{tr('true − learned')}</th>"
        shown = list(enumerate(self.losses, 1))
        if len(shown) > 8:
            shown = [*shown[:4], None, *shown[-3:]]
        losses = ", ".join("…" if e is None else f"{e[0]}: {e[1]:.6g}" for e in shown)
        about = tr("{epochs} of minibatch SGD on {rows}, {engine}, {dtype}, seed {seed}").format(
            epochs=counted(len(self.losses), "{n} epoch", "{n} epochs"),
            rows=counted(self.num_examples, "{n:,} row", "{n:,} rows"),
            engine=self.engine,
            dtype=self.dtype,
            seed=self.seed,
        )
        return (
            f"<p>{about}</p><table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p>{tr('loss by epoch: {losses}').format(losses=losses)}</p>" + self._figure_html()
        )

    def _figure_html(self) -> str:
        """The figure of `plot` as an inline PNG (nothing where there is no path to draw)."""
        if self.path is None:
            return ""

        from linscratch.show.fonts import figure_text  # start-up: matplotlib only for --plot

        buffer = io.BytesIO()
        with figure_text():
            self.plot().savefig(buffer, format="png", dpi=72)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        return f'<img src="data:image/png;base64,{data}"/>'


def estimation_errors(true_w, true_b, w: np.ndarray, b: float, dtype: str):
    """True minus learned, in `dtype` arithmetic, as the book computes and prints them;
    (None, None) without a truth (`true_w` None)."""
    if true_w is None:
        return None, None
    import torch  # start-up: torch only when a run needs it

    dtype = torch_dtype(dtype)
    true_w_t = torch.as_tensor(true_w, dtype=dtype).reshape(-1)
    w_err = true_w_t - torch.as_tensor(w, dtype=dtype)
    b_err = true_b - torch.as_tensor([b], dtype=dtype)
    return w_err.tolist(), float(b_err[0])


def in_original_units(result: Result, scaler, dataset, unit: float | None = None) -> Result:
    """`fit`'s result in the data's own units, with the estimation errors where the truth is
    known (a new `Result`; the one `fit` returned is left as it is): the losses times `unit`,
    the loss's factor from the standardized target's units (`losses.unit_of`; σ_y² by default,
    a loss of squares)."""
    w, b, losses, path = np.asarray(result.w), result.b, result.losses, result.path
    raw = result.raw_losses
    if scaler is not None:
        unit = scaler.y_std**2 if unit is None else unit
        w, b = scaler.to_original(w, b)
        losses = [loss * unit for loss in losses]
        raw = None if raw is None else [loss * unit for loss in raw]
        path = scaler.params_to_original(path)
    w_error = b_error = None
    if dataset.synthetic:
        w_error, b_error = estimation_errors(dataset.true_w, dataset.true_b, w, b, result.dtype)
    return replace(
        result,
        w=w.tolist(),
        b=b,
        losses=losses,
        raw_losses=raw,
        w_error=w_error,
        b_error=b_error,
        path=path,
        feature_names=dataset.feature_names,
    )
