"""The Python API's arguments checked at its boundary, as the command line checks its flags and
files: each problem a `UsageError` (a `UsageTypeError` for the wrong kind of object) that names
the argument and says what to pass instead, in the language of `set_language`.

The cells of X and y are checked by the same code that checks a file's (`columns.scan` names
the first cell that is not finite, `columns.numeric` a DataFrame column's first cell that is
not a number, `sources.check_magnitudes` a value whose square would overflow), with X's
columns named x1 … xd and y's "y". `fit` checks here, then trains (`loop.train`); the command
line's runs, whose rows were checked as they were read, train directly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator

import numpy as np

from linscratch.data.columns import numeric, scan
from linscratch.errors import UsageError, UsageTypeError
from linscratch.events import Subscriber
from linscratch.spec import RunSpec


def kind_of(value) -> str:
    """The name of a value's type, as a message shows it."""
    return type(value).__name__


def spec_of(spec):
    """`spec` as `RunSpec.build` takes it: a RunSpec or None."""

    if spec is None or isinstance(spec, RunSpec):
        return spec
    if isinstance(spec, dict):
        raise UsageTypeError(
            "{0} must be a RunSpec, got a dict; pass the settings as keywords, fit(X, y, "
            "**settings), or RunSpec.build(**settings)",
            "spec",
        )
    raise UsageTypeError(
        "{0} must be a RunSpec or None, got {kind}; pass the settings as keywords, "
        "fit(X, y, lr=0.1)",
        "spec",
        kind=kind_of(spec),
    )


def _torch_problem(a, name: str) -> None:
    """Refuse a tensor whose values cannot be read as an array of real numbers."""
    import torch  # start-up: torch only when a run needs it

    if a.layout != torch.strided:
        raise UsageTypeError(
            "{0} is a sparse tensor ({layout}); pass a dense one, {0}.to_dense()",
            name,
            layout=str(a.layout).removeprefix("torch."),
        )
    if a.is_meta:
        raise UsageTypeError(
            "{0} is a tensor on the meta device, which holds shapes but no values; pass one "
            "with values",
            name,
        )
    if a.is_complex():
        raise UsageError(
            "{0} holds complex numbers ({dtype}); linear regression here is over real "
            "numbers: pass {0}.real, or the real and imaginary parts as columns of their own",
            name,
            dtype=str(a.dtype).removeprefix("torch."),
        )


def _frame_cell(a, name: str) -> None:
    """A DataFrame that is not all numbers: the first cell that is not, named as a file's
    column is (`columns.numeric`)."""
    import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

    for column in a.columns:
        try:
            np.asarray(a[column], dtype=np.float64)
        except (TypeError, ValueError):
            values = [None if v is None else str(v) for v in a[column].tolist()]
            numeric(pa.array(values, pa.string()), str(column), name)


def array(a, name: str):
    """`a` (X, y, w0, ...) as a numpy array or torch tensor of real numbers, or a UsageError
    naming `name`: no text, generator, sparse matrix, meta or sparse tensor, complex number
    or DataFrame column of text. A tensor or array of numbers comes back as it is."""
    if hasattr(a, "detach"):  # a torch tensor
        _torch_problem(a, name)
        return a
    if a is None or isinstance(a, str | bytes | dict | set):
        raise UsageTypeError(
            "{0} must be an array of numbers (numpy or torch), got {kind}", name, kind=kind_of(a)
        )
    if isinstance(a, Iterator):
        raise UsageTypeError(
            "{0} is a {kind} (an iterator), read once and without a length; pass an array, "
            "np.array(list({0}))",
            name,
            kind=kind_of(a),
        )
    if hasattr(a, "tocsr") and hasattr(a, "nnz"):  # a scipy.sparse matrix or array
        raise UsageTypeError(
            "{0} is a sparse matrix ({kind}); pass a dense array, {0}.toarray()",
            name,
            kind=kind_of(a),
        )
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:  # ragged lists, say
        problem = str(exc)
        raise UsageError(
            "{0} must be an array of numbers: {problem}", name, problem=problem
        ) from None
    if arr.dtype.kind == "c":
        raise UsageError(
            "{0} holds complex numbers ({dtype}); linear regression here is over real "
            "numbers: pass {0}.real, or the real and imaginary parts as columns of their own",
            name,
            dtype=str(arr.dtype),
        )
    if arr.dtype.kind not in "biuf":
        if hasattr(a, "columns") and hasattr(a, "dtypes"):  # a DataFrame
            _frame_cell(a, name)
        try:
            return np.asarray(arr, dtype=np.float64)
        except (TypeError, ValueError):
            raise UsageError(
                "{0} must be an array of numbers, got {dtype} values", name, dtype=str(arr.dtype)
            ) from None
    return arr


def rows(X, y):
    """X and y checked (`array`), X (n, d) and y (n,) or (n, 1) with n, d >= 1."""
    X, y = array(X, "X"), array(y, "y")
    shape_X, shape_y = tuple(X.shape), tuple(y.shape)
    fits = len(shape_X) == 2 and shape_X[0] >= 1 and shape_X[1] >= 1
    if not fits or shape_y not in ((shape_X[0],), (shape_X[0], 1)):
        raise UsageError(
            "X must be (n, d) and y (n,) with n, d >= 1, got {X} and {y}", X=shape_X, y=shape_y
        )
    return X, y


def finite(X, y, dtype: str) -> None:
    """Refuse a cell of X or y that is not finite, or whose square overflows `dtype`'s
    arithmetic, naming it (`columns.scan`, `sources.check_magnitudes`)."""
    from linscratch.data.dataset import (  # start-up: not every run needs it
        Dataset,
        check_magnitudes,
    )

    names = [f"x{j + 1}" for j in range(X.shape[1])]
    for a, columns, label in ((X, names, "X"), (y, ["y"], "y")):
        if hasattr(a, "detach"):
            import torch  # start-up: torch only when a run needs it

            a = a.detach()
            ok = bool(torch.isfinite(a).all())
            peaks = a.abs().reshape(len(a), -1).amax(dim=0).double().cpu().numpy() if ok else None
            a = a if ok else a.cpu().numpy()
        else:
            ok, peaks = False, None
        if not ok:
            try:
                peaks = scan(np.asarray(a).reshape(len(a), -1), columns, label)
            except UsageError as problem:
                raise UsageError(
                    "{problem}; drop that row or fill in the value", problem=problem
                ) from None
        empty, largest = np.zeros((0, len(columns))), float(peaks.max(initial=0.0))
        if label == "X":  # (peaks: the columns', then an empty target's)
            data = Dataset(
                a, empty[:, :1], names, None, {"path": "X"}, largest=largest, peaks=np.r_[peaks, 0]
            )
        else:
            data = Dataset(empty[:, :0], a, [], "y", {"path": "y"}, largest=largest, peaks=peaks)
        check_magnitudes(data, dtype)


def params(w0, b0, d: int):
    """w0 as (d, 1) and b0 as (1,) (numpy or torch as they came), from any of their documented
    shapes: w0 (d,) or (d, 1) (or (1, d)), b0 a number, (), (1,) or (1, 1); either may be None."""
    if w0 is not None:
        w0 = array(w0, "w0")
        if tuple(w0.shape) not in ((d,), (d, 1), (1, d)):
            raise UsageError(
                "{0} must have one weight per feature, shape ({d},) or ({d}, 1), got {shape}",
                "w0",
                d=d,
                shape=tuple(w0.shape),
            )
        w0 = w0.reshape(d, 1)
    if b0 is not None:
        b0 = array(b0, "b0")
        if math.prod(b0.shape) != 1:
            raise UsageError(
                "{0} must be one number (a float or shape (1,)), got shape {shape}",
                "b0",
                shape=tuple(b0.shape),
            )
        b0 = b0.reshape(1)
    for value, name in ((w0, "w0"), (b0, "b0")):
        if value is not None and not np.all(np.isfinite(np.asarray(_cpu(value), np.float64))):
            raise UsageError("{0} must be finite, got {value}", name, value=_cpu(value).tolist())
    return w0, b0


def _cpu(a):
    return a.detach().cpu() if hasattr(a, "detach") else a


def truth(true_w, true_b, d: int):
    """`true_w` (d,) and `true_b` checked before training, or a UsageError naming them."""
    if true_w is not None:
        w = array(true_w, "true_w")
        if math.prod(w.shape) != d:
            raise UsageError(
                "{0} must hold one weight per feature ({d}), got shape {shape}",
                "true_w",
                d=d,
                shape=tuple(w.shape),
            )
    if true_b is not None and (
        not isinstance(true_b, numbers.Real) and math.prod(np.shape(true_b)) != 1
    ):
        raise UsageTypeError("{0} must be a number, got {kind}", "true_b", kind=kind_of(true_b))


def callable_or_none(value, name: str, usage: str) -> None:
    """Refuse a callback that cannot be called (None is no callback); `usage` shows how it
    is called."""
    if value is not None and not callable(value):
        raise UsageTypeError(
            "{0} must be a function, {usage}, got {kind}", name, usage=usage, kind=kind_of(value)
        )


def subscribers_of(subscribers) -> None:
    """Refuse subscribers that are not `events.Subscriber`s."""

    for k, s in enumerate(subscribers):
        if not isinstance(s, Subscriber):
            raise UsageTypeError(
                "{0}[{k}] must be a linscratch.Subscriber, got {kind}",
                "subscribers",
                k=k,
                kind=kind_of(s),
            )


def whole(value, name: str, least: int):
    """A whole number >= `least` (bool refused), or a UsageError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise UsageError(
            "{0} must be a whole number >= {least}, got {value!r}", name, least=least, value=value
        )
    return value


def positive(value, name: str):
    """A finite number > 0, or a UsageError naming `name`."""
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and math.isfinite(value) and value > 0):
        raise UsageError("{0} must be a finite number > 0, got {value!r}", name, value=value)
    return value
