"""The compiled engine: one compiled loop per epoch over numpy arrays, no Python per batch.

Same mathematics as the book's loop (see `kernels.epochs.sgd_epoch`), float32 or float64, any
number of features, rows weighted or not, the plan's loss (its number in the kernels,
`kernels.epochs.KINDS`, and its parameter in the data's dtype, `Loss.kernel_parameter`). The
kernels are Cython compiled with the package (`meson.build`): nothing compiles at run time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.array_utils import byte_bounds

from linscratch.train.kernels import epoch_loss, epochs, shuffles
from linscratch.train.orders import BlockShuffle


class KernelOptions(NamedTuple):
    """The settings of an SGD kernel call, by name (`kernels.epochs` reads them by position)."""

    lr: float
    batch_size: int
    fit_b: bool  # train b too
    nominal: bool  # divide a short batch by batch_size, as the book's sgd does
    ahead: int  # rows to prefetch ahead
    every: int  # record the parameters every this many steps (0: record nothing)
    power: float = 0.0  # invscaling: step t of the run takes lr / t^power (0: lr, constant)
    t0: int = 0  # the run's steps before this epoch: step k of the epoch is t = t0 + k
    l2: float = 0.0  # weight decay λ: the summed gradient of w gains (rows or Σsᵢ)·λw
    loss: int = 0  # the loss's number in the kernels (`kernels.epochs.KINDS`; 0 squared)
    loss_parameter: float = 0.0  # its parameter in the data's dtype (`Loss.kernel_parameter`)


def lookahead_rows(row_bytes: int) -> int:
    """How many rows ahead the kernels prefetch: about 8 KiB of data, between 16 and 64 rows.
    A gather from a shuffled order waits on memory at every row; asking for a row some places
    ahead lets the loads overlap the arithmetic."""
    return min(max(8192 // max(row_bytes, 1), 16), 64)


def _numpy(a, dtype) -> np.ndarray:
    """The array in `dtype` without a copy where possible (torch tensors share their memory)."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.asarray(a, dtype=dtype)


def _rows(X: np.ndarray) -> np.ndarray:
    """X as a C-contiguous array of whole rows, without copying when X is the first columns
    of one (the features of a memory-mapped (n, d + 1) file, its target last): the kernels
    read only the first d columns, and a contiguous layout lets them vectorise."""
    if X.flags.c_contiguous:
        return X
    row, item = X.strides
    owner = X
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    if owner is not X and item == X.itemsize and row % item == 0:
        wide = np.lib.stride_tricks.as_strided(X, (X.shape[0], row // item), (row, item))
        end = owner.__array_interface__["data"][0] + owner.nbytes
        if wide.flags.c_contiguous and byte_bounds(wide)[1] <= end:
            return wide
    return np.ascontiguousarray(X)


class CompiledEngine:
    name = "compiled"
    chunk_rows = 1 << 20  # 0.01 s (d = 2) to 0.2 s (d = 100) of the kernel, one call each

    def __init__(self, X, y, w, b, plan, weights=None):
        self.dtype = np.dtype(str(w.dtype).removeprefix("torch."))
        self.X = _rows(_numpy(X, self.dtype))  # (n, d), or (n, d + 1) with the target last
        self.y = _numpy(y, self.dtype).reshape(-1)  # (n,)
        self.w = np.array(_numpy(w, self.dtype).reshape(-1))  # (d,), our own copy
        self.b = np.array(_numpy(b, self.dtype).reshape(1))  # (1,)
        self.sw = None if weights is None else _numpy(weights, self.dtype).reshape(-1)  # (n,)
        self.fit_intercept, self.nominal = plan.fit_intercept, plan.nominal
        self.shuffle = plan.shuffle  # "block": the kernels walk the blocks themselves
        self.l2 = plan.l2  # weight decay λ (`KernelOptions.l2`)
        # the loss's number in the kernels, and its parameter in the data's dtype (a float32
        # kernel compares float32)
        self.kind = epochs.KINDS[plan.loss.name]
        self.loss_parameter = plan.loss.kernel_parameter(plan.loss_parameter, self.dtype)
        self.ahead = lookahead_rows(self.X.shape[1] * self.dtype.itemsize)
        self.averaged = plan.average > 0  # the kernels with averaging sums are compiled too
        self.avg = None  # the sums [Σw₁ … Σw_d, Σb, steps] once averaging has started

    def start_average(self) -> None:
        """From the next step on, every iterate goes into the mean that `mean()` gives."""
        self.avg = np.zeros(len(self.w) + 2)

    def mean(self) -> tuple[np.ndarray, float] | None:
        """The mean (w, b) of the iterates since `start_average`, None before any."""
        if self.avg is None or self.avg[-1] == 0:
            return None
        d, k = len(self.w), self.avg[-1]
        return self.avg[:d] / k, float(self.avg[d] / k)

    def compile(self, trace=None) -> None:
        """Nothing: the kernels are compiled with the package and loaded with this module."""

    def _sums(self) -> tuple:
        """The open batch's sums: grad_w (d,), [dL/db, loss, Σsᵢ], [rows, steps]."""
        return np.zeros_like(self.w), np.zeros(3), np.zeros(2, np.int64)

    def _options(self, lr, batch_size, trace, decay) -> KernelOptions:
        power, t0 = (0.0, 0) if decay is None else decay
        return KernelOptions(
            lr=float(lr),
            batch_size=int(batch_size),
            fit_b=bool(self.fit_intercept),
            nominal=bool(self.nominal),
            ahead=int(self.ahead),
            every=0 if trace is None else int(trace.every),
            power=float(power),
            t0=int(t0),
            l2=float(self.l2),
            loss=self.kind,
            loss_parameter=self.loss_parameter,
        )

    def _arrays(self, trace) -> tuple:
        return (None, None) if trace is None else (trace.step_loss, trace.params)

    def run_epoch(self, order, lr: float, batch_size: int, trace=None, decay=None) -> int | None:
        opts = self._options(lr, batch_size, trace, decay)
        args = (self.w, self.b, opts, *self._arrays(trace))
        blocks = isinstance(order, BlockShuffle)  # walked inside the kernel, never written out
        if not blocks:
            order = np.asarray(order)
            if order.dtype not in (np.int32, np.int64):
                order = order.astype(np.int64)
        if trace is not None and trace.chunk:  # the same kernels, a chunk of steps a call
            sums = self._sums()
            chunks = self._block_chunks if blocks else self._order_chunks
            bad = chunks(order, args, batch_size * trace.chunk, sums, trace)
            return (
                bad or epochs.finish_epoch(*args[:3], *sums, *args[3:], self.sw, self.avg) or None
            )
        weights = (self.sw, self.avg)
        if blocks:
            walk = (order.block_rows, order.buffer_blocks, order.seed)
            bad = epochs.sgd_epoch_blocks(self.X, self.y, *args, *walk, *weights)
        else:
            bad = epochs.sgd_epoch(self.X, self.y, order, *args, *weights)
        return bad or None

    def _order_chunks(self, order, args, rows, sums, trace) -> int:
        """`sgd_epoch` but for its last short batch, `rows` rows a call, reporting each."""
        w, b, opts, step_loss, snaps = args
        for start in range(0, len(order), rows):
            part = order[start : start + rows]
            arrays = (step_loss, snaps, self.sw, self.avg)
            bad = epochs.sgd_rows(self.X, self.y, part, w, b, opts, *sums, *arrays)
            if bad or start + rows >= len(order):
                return bad
            trace.report(int(sums[2][1]))
        return 0

    def _block_chunks(self, order, args, rows, sums, trace) -> int:
        """`sgd_epoch_blocks` but for its last short batch, about `rows` rows (whole runs of
        blocks) a call, reporting each run that ends on a chunk of steps."""
        walk = shuffles.block_walk(len(self.X), order.block_rows, order.buffer_blocks, order.seed)
        run = order.block_rows * order.buffer_blocks
        step = max(1, rows // run) * order.buffer_blocks  # blocks a call
        for g in range(0, len(walk[0]), step):
            end = g + step
            more = (walk, g, end, order.block_rows, sums, self.sw, self.avg)
            bad = epochs.sgd_blocks(self.X, self.y, *args, *more)
            if bad:
                return bad
            done = int(sums[2][1])
            trace.report(done - done % trace.chunk)
        return 0

    def loss(self) -> float:
        return float(
            epoch_loss.mean_loss(
                self.X, self.y, self.w, self.b, self.sw, self.kind, self.loss_parameter
            )
        )

    def params(self) -> tuple[np.ndarray, float]:
        return self.w.astype(np.float64), float(self.b[0])

    def set_params(self, w, b: float) -> None:
        self.w[:] = np.asarray(w, dtype=np.float64)
        self.b[0] = b
