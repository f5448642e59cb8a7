"""`--tensorboard DIR` of `train` and `sweep`: the run's `show.tensorboard.TensorBoard`, given
the run's learning rate by epoch (its schedule's, `schedules.last_rate`), the gradient of its
mean loss over the training rows in the data's units, and the features' names."""

from __future__ import annotations

import numpy as np

from linscratch.data import destinations
from linscratch.data.rows import split_rows
from linscratch.losses import of
from linscratch.show.tensorboard import TensorBoard, require
from linscratch.train.schedules import last_rate

CHUNK_ROWS = 65_536  # rows converted to float64 at a time for the gradient (8 MB a column)


def check(spec) -> None:
    """Refuse `--tensorboard` before any data is read where its package is missing."""
    if spec.outputs.tensorboard is not None:
        require("tensorboard")


def board(spec, dataset, logdir, hparams: dict | None = None) -> TensorBoard:
    """The TensorBoard subscriber of a run of `spec` on `dataset`, writing to `logdir` (its
    old event files removed first where `force` allowed it: `destinations.clear_events`)."""
    if spec.outputs.force:
        destinations.clear_events(logdir)
    return TensorBoard(
        logdir,
        lr=lambda epoch, steps: last_rate(spec.optim, epoch, steps),
        gradient=mean_gradient(spec, dataset),
        names=list(dataset.feature_names),
        hparams=hparams,
    )


def mean_gradient(spec, dataset):
    """`gradient(w, b)`: the gradient [dL/dw, dL/db] of the run's mean loss (weighted where
    the rows are; with weight decay, plus λw where the run did not standardize: the penalty is
    on the weights SGD trained) over the training rows (the held-out ones left out), in
    float64, a chunk of rows at a time; (d + 1,)."""
    import torch  # start-up: only a run with --tensorboard needs it

    loss, p = of(spec)
    l2 = 0.0 if spec.data.standardize else spec.model.l2
    X, y, s = dataset.X, dataset.y, dataset.weights
    rows = None
    if spec.data.val_fraction:
        rows = split_rows(np.shape(X)[0], spec.data.val_fraction, spec.seed)[0]

    def gradient(w, b) -> np.ndarray:
        w64 = torch.as_tensor(np.asarray(w, np.float64)).reshape(-1, 1)
        b64 = torch.tensor([float(b)], dtype=torch.float64)
        total, count = np.zeros(len(w64) + 1), 0.0
        n = np.shape(X)[0] if rows is None else len(rows)
        for start in range(0, n, CHUNK_ROWS):
            take = slice(start, start + CHUNK_ROWS) if rows is None else rows[start:][:CHUNK_ROWS]
            Xc = torch.as_tensor(np.asarray(X[take], np.float64))
            yc = torch.as_tensor(np.asarray(y[take], np.float64)).reshape(-1, 1)
            sc = None if s is None else torch.as_tensor(np.asarray(s[take], np.float64))
            gw, gb = loss.gradients(Xc, yc, w64, b64, sc, l2, p)
            total += np.r_[gw.reshape(-1).numpy(), gb.reshape(-1).numpy()]
            count += len(Xc) if sc is None else float(sc.sum())
        return total / count

    return gradient
