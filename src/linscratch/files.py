"""Tables from files: CSV and Parquet (read by pyarrow) and NPY (memory-mapped), checked cell by
cell, and files written atomically.

Every problem with a file is a `UsageError` naming the file, and where it applies the column and
the first bad row (rows count from 1, the header not included).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .columns import numeric, scan
from .errors import UsageError
from .i18n import Words

EXTENSIONS = (".csv", ".parquet", ".npy")


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


def _columns_npy(path: Path) -> tuple[list[str], np.ndarray]:
    try:
        arr = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise UsageError("{path}: not a readable .npy file ({exc})", path=path, exc=exc) from None
    if arr.ndim != 2:
        raise UsageError(
            "{path}: expected a 2-D array (rows x columns), got {ndim}-D", path=path, ndim=arr.ndim
        )
    if arr.dtype.kind not in "iuf":
        raise UsageError(
            "{path}: expected a numeric array, got dtype {dtype}", path=path, dtype=arr.dtype
        )
    if arr.shape[0] == 0:
        raise UsageError("{path}: the array has no rows", path=path)
    return [str(j) for j in range(arr.shape[1])], arr


def _read_arrow(path: Path):
    """A CSV or Parquet file as a pyarrow table, its column names checked. In a CSV only an
    empty cell is missing: NA, nan and the like are read as what they say."""
    import pyarrow as pa

    try:
        if path.suffix.lower() == ".csv":
            from pyarrow import csv

            if path.stat().st_size == 0:
                raise UsageError("{path}: the file is empty", path=path)
            table = csv.read_csv(path, convert_options=csv.ConvertOptions(null_values=[""]))
        else:
            from pyarrow import parquet

            table = parquet.read_table(path)
        names = [str(n) for n in table.column_names]
    except UnicodeDecodeError:
        raise UsageError("{path}: the header is not UTF-8 text", path=path) from None
    except (pa.ArrowException, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = "".join(c if c.isprintable() else "?" for c in reason.splitlines()[0])[:200]
        if "Empty CSV file" in message:
            raise UsageError("{path}: the file is empty", path=path) from None
        raise UsageError("{path}: cannot read it: {reason}", path=path, reason=message) from None
    except MemoryError:
        raise UsageError(
            "{path}: too large to read into this machine's memory", path=path
        ) from None
    _check_names(names, path)
    return table


def _check_names(names: list[str], path: Path) -> None:
    """Refuse columns a model could not tell apart: unnamed or named twice; and say so when a
    whole CSV header is one column with another separator in it."""
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
    if len(names) == 1 and path.suffix.lower() == ".csv":
        for sep, said in ((";", Words("semicolons")), ("\t", Words("tabs")), ("|", Words("bars"))):
            if sep in names[0]:
                raise UsageError(
                    "{path}: the header is one column separated by {said}; linscratch reads "
                    "comma-separated files",
                    path=path,
                    said=said,
                )


def _resolve(spec: str, names: list[str], field: str, path: Path) -> int:
    """A column given by name, or by index (negative counts from the end)."""
    if spec in names:
        return names.index(spec)
    try:
        index = int(spec)
    except ValueError:
        index = None
    if index is None or not -len(names) <= index < len(names):
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise UsageError(
            "{0}: no column {spec!r} in {path} (columns: {shown})",
            field,
            spec=spec,
            path=path,
            shown=shown,
        )
    return index % len(names)


def _check_path(path: Path) -> None:
    if path.suffix.lower() not in EXTENSIONS:
        shown = path.suffix or Words("(none)")
        raise UsageError(
            "{path}: unknown extension {shown!r}; expected .csv, .parquet or .npy",
            path=path,
            shown=shown,
        )
    check_readable(path)


def check_readable(path: Path) -> None:
    """Refuse, before opening it, a path that is not a regular file one can read: missing, a
    folder, a pipe or a device (opening a pipe would wait forever), or out of reach."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError("{path}: no such file", path=path) from None
    except OSError as exc:
        raise UsageError(
            "{path}: cannot read it: {reason}", path=path, reason=exc.strerror
        ) from None
    if stat.S_ISDIR(mode):
        raise UsageError("{path}: a folder, not a file", path=path)
    if not stat.S_ISREG(mode):
        raise UsageError("{path}: not a regular file (a pipe or a device); give a file", path=path)


def column_names(path: str | os.PathLike) -> list[str]:
    """The names of a file's columns (an NPY file's are its indices: "0", "1", ...)."""
    path = Path(path)
    _check_path(path)
    if path.suffix.lower() == ".npy":
        return _columns_npy(path)[0]
    return [str(n) for n in _read_arrow(path).column_names]


def read_table(path, target=None, features=None, require_target=True, weights=None) -> Table:
    """Read a CSV, Parquet or NPY file into a `Table`.

    `path` a str or path; `target` a column name or index (default: the last column);
    `features` a list of the feature columns (default: every other column). With
    `require_target=False` (for prediction) a file whose target column is missing, or holds an
    empty or non-numeric cell, is fine: y is then None. `weights`: a column of row weights.
    """
    path = Path(path)
    _check_path(path)
    if path.suffix.lower() == ".npy":
        names, arr = _columns_npy(path)
        from .views import npy_views

        whole = require_target and weights is None
        streamed = npy_views(arr, names, target, features, path) if whole else None
        if streamed is not None:
            return streamed

        def column(j: int) -> np.ndarray:
            return np.asarray(arr[:, j], dtype=np.float64)
    else:
        if path.suffix.lower() == ".parquet" and require_target and weights is None:
            from .views import parquet_views

            streamed = parquet_views(path, target, features)
            if streamed is not None:
                return streamed
        table = _read_arrow(path)
        names = [str(n) for n in table.column_names]
        if table.num_rows == 0:
            raise UsageError("{path}: the file has a header but no rows", path=path)

        def column(j: int) -> np.ndarray:
            return numeric(table.column(j), names[j], path)

    if target is None and not require_target:
        t_index = None
    else:
        try:
            t_index = _resolve("-1" if target is None else str(target), names, "target", path)
        except UsageError:
            if require_target:
                raise
            t_index = None
    w_index = None if weights is None else _resolve(str(weights), names, "weights", path)
    if features is None:
        f_index = [j for j in range(len(names)) if j not in (t_index, w_index)]
    else:
        f_index = [_resolve(f, names, "features", path) for f in features]
        if t_index in f_index:
            raise UsageError("{0}: {name!r} is the target column", "features", name=names[t_index])
    if w_index is not None and (w_index == t_index or w_index in f_index):
        raise UsageError("{0}: {name!r} is the target or a feature", "weights", name=weights)
    if not f_index:
        raise UsageError("{path}: no feature columns besides the target", path=path)

    X, largest = np.empty((0, 0)), 0.0
    for k, j in enumerate(f_index):
        values = column(j)
        largest = max(largest, scan(values[:, None], [names[j]], path))
        if k == 0:
            X = np.empty((len(values), len(f_index)), dtype=np.float64)  # (n, d)
        X[:, k] = values
    y = None
    if t_index is not None:
        try:
            y = column(t_index)
            largest = max(largest, scan(y[:, None], [names[t_index]], path))
        except UsageError:
            if require_target:
                raise
            y = None  # rows to predict: their target may be empty or anything else
    return Table(
        X=X,
        y=y,
        feature_names=[names[j] for j in f_index],
        target_name=None if t_index is None else names[t_index],
        path=str(path),
        weights=None if w_index is None else column(w_index),
        largest=largest,
    )
