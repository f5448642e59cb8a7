"""Columns of a table as numbers: a pyarrow column as numpy, checked cell by cell, the first
bad cell named (rows count from 1, the header not included)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from linscratch.errors import UsageError
from linscratch.i18n import Words


@dataclass
class Table:
    """Features X (n, d) and target y (n,), with the columns' names: float64 copies, or for
    an NPY file with its target last, views into the memory-mapped file in its own dtype."""

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target_name: str | None
    path: str
    weights: np.ndarray | None = None  # (n,), the `weights` column, float64
    largest: float | None = None  # the largest magnitude in X and y, where measured in passing
    peaks: np.ndarray | None = None  # each column's largest magnitude, features then target
    dropped: int = 0  # rows dropped for a missing cell (`tables.read_design`, drop_missing)
    encoding: dict | None = None  # how the columns were encoded (`tables.read_design`)
    squares: np.ndarray | None = None  # (n,) the rows' ‖x‖², measured in the checking pass


class MissingCell(UsageError):
    """A cell that is empty, NA or NaN where a number was wanted: a refusal that a run may
    answer by dropping the rows with one (`drop_missing`, `train.sources.load` says so)."""


MISSING_TEXT = ("", "NA", "NaN")  # text cells that are missing, beside empty ones


def _missing(error: UsageError, missing: bool = True) -> UsageError:
    """`error` as a `MissingCell` where the cell it names is `missing`."""
    return MissingCell(error.template, *error.fields, **error.values) if missing else error


def check_names(names: list[str], path: Path) -> None:
    """Refuse columns a model could not tell apart: unnamed or named twice."""
    first_at: dict[str, int] = {}
    for j, name in enumerate(names):
        if name.strip() == "":
            raise UsageError(
                "{path}: column {j} has no name; give every column a name", path=path, j=j + 1
            )
        first = first_at.setdefault(name, j + 1)
        if first != j + 1:
            raise UsageError(
                "{path}: columns {first} and {j} are both named {name!r}; give each column its "
                "own name",
                path=path,
                first=first,
                j=j + 1,
                name=name,
            )


def numeric(column, name: str, path: Path, offset: int = 0, dtype=np.float64) -> np.ndarray:
    """A pyarrow column as `dtype`, or a UsageError naming the first bad cell (rows counted
    from `offset`, for a column read a row group at a time)."""
    import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
    import pyarrow.compute as pc  # start-up: pyarrow only for CSV, Parquet and Arrow files

    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        if column.null_count:
            row = offset + int(pc.index(pc.is_null(column), True).as_py()) + 1
            raise _missing(
                UsageError(
                    "{path}: column {name!r}, row {row}: empty cell", path=path, name=name, row=row
                )
            )
        return _as_numpy(column).astype(dtype, copy=False)
    if pa.types.is_boolean(column.type):
        raise UsageError(
            "{path}: column {name!r} holds true/false values, not numbers", path=path, name=name
        )
    for row, value in enumerate(column.to_pylist(), start=offset + 1):
        try:
            float(value)
        except (TypeError, ValueError):
            shown = Words("an empty cell") if value in (None, "") else repr(value)
            cell = {"path": path, "name": name, "row": row, "shown": shown}
            if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+,\d+\s*", value):
                raise UsageError(
                    "{path}: column {name!r}, row {row}: {shown} is not a number: a decimal "
                    "comma? linscratch reads decimal points ({fixed})",
                    fixed=value.strip().replace(",", "."),
                    **cell,
                ) from None
            missing = value is None or (isinstance(value, str) and value.strip() in MISSING_TEXT)
            raise _missing(
                UsageError("{path}: column {name!r}, row {row}: {shown} is not a number", **cell),
                missing,
            ) from None
    raise UsageError(
        "{path}: column {name!r} is not numeric ({type})", path=path, name=name, type=column.type
    )


def scan(arr: np.ndarray, names, path: Path, offset: int = 0, squares=None) -> np.ndarray:
    """One sequential pass over `arr` (n, k), the columns `names`, in blocks of about 1 MiB
    of rows: each column's largest magnitude (k,) (for `dataset.check_magnitudes`, which then
    needs no pass), or a UsageError naming the first cell that is not finite (NaN and ±inf
    show in the blocks' max and min, with no temporaries); rows are counted from `offset`.
    `squares`, a list if given, gathers in the same pass the rows' squared norms ‖x‖² over
    all columns but the last (the target), a float64 array (m,) a call (in the rows' own
    precision, then float64: as `exact.stability.row_squares` takes them), for the stability
    limit (`exact.stability.moments_of`) with no pass of its own: narrow float rows' by the
    compiled kernel (`checks.row_squares`), straight into that array, others by `einsum`."""
    from linscratch.data.checks import SEQUENTIAL, row_squares  # start-up: checking only

    rows = max(1, (1 << 20) // (arr.shape[1] * arr.itemsize))
    peaks = np.zeros(arr.shape[1])
    features = arr.shape[1] - 1
    narrow = isinstance(arr, np.ndarray) and 0 < features <= SEQUENTIAL.get(arr.dtype, 0)
    gather = np.empty(len(arr)) if squares is not None and narrow else None
    for start in range(0, len(arr), rows):
        block = arr[start : start + rows]
        hi, lo = _column_extremes(block)
        if not (np.isfinite(hi).all() and np.isfinite(lo).all()):
            row, j = np.argwhere(~np.isfinite(block))[0]
            raise _missing(
                UsageError(
                    "{path}: column {name!r}, row {row}: {shown} is not finite",
                    path=path,
                    name=names[j],
                    row=offset + start + row + 1,
                    shown=block[row, j],
                ),
                bool(np.isnan(block[row, j])),
            )
        np.maximum(peaks, np.maximum(hi, -lo), out=peaks)
        if gather is not None:
            row_squares(np.asarray(block), features, gather[start : start + len(block)])
        elif squares is not None and len(block):
            part = block[:, :-1]
            squares.append(np.einsum("ij,ij->i", part, part).astype(np.float64))
    if gather is not None and len(gather):
        squares.append(gather)
    return peaks


SLABS = 32  # a block's rows reduced as this many slabs side by side first (`_column_extremes`)


def _column_extremes(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's max and min of `block` (m, k), as float64 (k,). The rows are first
    reduced as SLABS slabs of m/SLABS rows, element by element (contiguous, vectorised), then
    the (m/SLABS, k) result by column: about half the speed of the block's single max and min,
    where reducing the (m, k) block by column directly took four times as long."""
    m = len(block) // SLABS * SLABS
    if m == 0:
        return block.max(axis=0).astype(np.float64), block.min(axis=0).astype(np.float64)
    slabs = block[:m].reshape(SLABS, -1, block.shape[1])
    hi = np.maximum.reduce(slabs, axis=0).max(axis=0).astype(np.float64)
    lo = np.minimum.reduce(slabs, axis=0).min(axis=0).astype(np.float64)
    if m < len(block):  # the rows past the last whole slab
        hi = np.maximum(hi, block[m:].max(axis=0))
        lo = np.minimum(lo, block[m:].min(axis=0))
    return hi, lo


def _as_numpy(column) -> np.ndarray:
    """A numeric pyarrow column with no empty cell as numpy, from its buffers, zero-copy for a
    single chunk (pyarrow's `to_numpy` imports pandas on first use: 0.35 s)."""
    parts = []
    for chunk in column.chunks:
        dtype = np.dtype(chunk.type.to_pandas_dtype())
        data = chunk.buffers()[1]
        parts.append(np.frombuffer(data, dtype, len(chunk), chunk.offset * dtype.itemsize))
    return parts[0] if len(parts) == 1 else np.concatenate(parts or [np.empty(0)])


def gathered(squares: list) -> np.ndarray | None:
    """The rows' ‖x‖² (n,) from `scan`'s blocks of them, or None where none was gathered; one
    array as it is (narrow rows' are gathered into one: no copy of n float64 values)."""
    if not squares:
        return None
    return squares[0] if len(squares) == 1 else np.concatenate(squares)
