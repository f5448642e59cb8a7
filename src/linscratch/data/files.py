"""Tables from files: CSV and Parquet (read by pyarrow) and NPY (memory-mapped), checked cell by
cell, and files written atomically.

Every problem with a file is a `UsageError` naming the file, and where it applies the column and
the first bad row (rows count from 1, the header not included).
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import numpy as np

from linscratch.data.columns import Table, check_names, numeric, scan
from linscratch.data.destinations import symlink_loop
from linscratch.errors import UsageError
from linscratch.i18n import Words

EXTENSIONS = (".csv", ".parquet", ".npy")


def _columns_npy(path: Path) -> tuple[list[str], np.ndarray]:
    from linscratch.data.kinds import npy_header

    npy_header(path)  # an impossible or pickled header is refused before numpy maps the file
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
    if arr.shape[1] == 0:
        raise UsageError("{path}: the file has no columns", path=path)
    return [str(j) for j in range(arr.shape[1])], arr


def _read_arrow(path: Path, header: bool = True):
    """A CSV or Parquet file as a pyarrow table, its column names checked. In a CSV only an
    empty cell is missing: NA, nan and the like are read as what they say. A CSV without a
    `header` has its columns named x1, x2, ...; one whose first row is all numbers must say so
    (`header=False`)."""
    import pyarrow as pa

    csv_file = path.suffix.lower() == ".csv"
    try:
        if csv_file:
            from pyarrow import csv

            _check_layout(path)
            read = csv.ReadOptions(autogenerate_column_names=not header)
            convert = csv.ConvertOptions(null_values=[""])
            table = csv.read_csv(path, read_options=read, convert_options=convert)
            if not header:
                table = table.rename_columns([f"x{j + 1}" for j in range(table.num_columns)])
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
    if not names:
        raise UsageError("{path}: the file has no columns", path=path)
    if csv_file and header:
        _check_header(names, path)
    check_names(names, path)
    return table


SEPARATORS = ((";", Words("semicolons")), ("\t", Words("tabs")), ("|", Words("bars")))
DECIMAL_COMMA = re.compile(r"(?:^|;)\s*(-?\d+,\d+)\s*(?=;|$)")


def _check_layout(path: Path) -> None:
    """Refuse, before parsing, a CSV whose first line has no comma but another separator:
    semicolons, tabs or bars (and, with semicolons, numbers with decimal commas, as
    spreadsheets write them in much of Europe), saying how to read it."""
    from linscratch.data.kinds import head

    lines = head(path).decode("utf-8", "replace").removeprefix("\ufeff").splitlines()
    first = lines[0] if lines else ""
    if "," in first:
        return
    for sep, said in SEPARATORS:
        if sep not in first:
            continue
        cells = (m.group(1) for line in lines[1:3] for m in DECIMAL_COMMA.finditer(line))
        comma = next(cells, None)
        if sep == ";" and comma is not None:
            out = path.with_name(path.stem + "-commas" + path.suffix)
            raise UsageError(
                "{path}: separated by semicolons, with decimal commas ({cell!r}); linscratch "
                "reads commas between cells and points in numbers: convert it, e.g. "
                "sed -e 's/,/./g' -e 's/;/,/g' {path} > {out}",
                path=path,
                cell=comma,
                out=out,
            )
        raise UsageError(
            "{path}: the header is one column separated by {said}; linscratch reads "
            "comma-separated files",
            path=path,
            said=said,
        )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_header(names: list[str], path: Path) -> None:
    """Refuse a CSV whose first row, read as its header, is all numbers: a file without a
    header, whose first row would otherwise be taken for the columns' names and lost. The
    names 0, 1, 2, ... (an NPY file's, and pandas' for unnamed columns) are a header."""
    if not all(_number(name) for name in names) or names == [str(j) for j in range(len(names))]:
        return
    shown = ",".join(names[:6]) + (",..." if len(names) > 6 else "")
    raise UsageError(
        "{path}: the first row is all numbers ({shown}), so the file seems to have no header; "
        "give {0} to read every row as data (the columns are then named x1, x2, ...), or add a "
        "header line naming the columns",
        "no_header",
        path=path,
        shown=shown,
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


def _check_path(path: Path, header: bool = True) -> None:
    """Refuse a data file that cannot be read as what its suffix says, before reading it."""
    from linscratch.data.kinds import check

    if path.suffix.lower() not in EXTENSIONS:
        shown = path.suffix or Words("(none)")
        raise UsageError(
            "{path}: unknown extension {shown!r}; expected .csv, .parquet or .npy",
            path=path,
            shown=shown,
        )
    check_readable(path)
    check(path, path.suffix.lower()[1:])
    if not header and path.suffix.lower() != ".csv":
        raise UsageError(
            "{0}: {path} is not a CSV file; only a CSV file can lack a header",
            "no_header",
            path=path,
        )


def check_readable(path: Path) -> None:
    """Refuse, before opening it, a path that is not a regular file one can read: missing, a
    folder, a pipe or a device (opening a pipe would wait forever), or out of reach."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError("{path}: no such file", path=path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise symlink_loop(path) from None
        raise UsageError(
            "{path}: cannot read it: {reason}", path=path, reason=exc.strerror
        ) from None
    if stat.S_ISDIR(mode):
        raise UsageError("{path}: a folder, not a file", path=path)
    if not stat.S_ISREG(mode):
        raise UsageError("{path}: not a regular file (a pipe or a device); give a file", path=path)


def column_names(path: str | os.PathLike, header: bool = True) -> list[str]:
    """The names of a file's columns (an NPY file's are its indices: "0", "1", ...; a CSV's
    without a `header`, x1, x2, ...)."""
    path = Path(path)
    _check_path(path, header)
    if path.suffix.lower() == ".npy":
        return _columns_npy(path)[0]
    return [str(n) for n in _read_arrow(path, header).column_names]


def read_table(
    path, target=None, features=None, require_target=True, weights=None, header=True
) -> Table:
    """Read a CSV, Parquet or NPY file into a `Table`.

    `path` a str or path; `target` a column name or index (default: the last column);
    `features` a list of the feature columns (default: every other column). With
    `require_target=False` (for prediction) a file whose target column is missing, or holds an
    empty or non-numeric cell, is fine: y is then None. `weights`: a column of row weights.
    `header=False`: a CSV file without a header line, its columns named x1, x2, ...
    """
    path = Path(path)
    _check_path(path, header)
    if path.suffix.lower() == ".npy":
        names, arr = _columns_npy(path)
        from linscratch.data.views import npy_views

        whole = require_target and weights is None
        streamed = npy_views(arr, names, target, features, path) if whole else None
        if streamed is not None:
            return streamed

        def column(j: int) -> np.ndarray:
            return np.asarray(arr[:, j], dtype=np.float64)
    else:
        if path.suffix.lower() == ".parquet" and require_target and weights is None:
            from linscratch.data.views import parquet_views

            streamed = parquet_views(path, target, features)
            if streamed is not None:
                return streamed
        table = _read_arrow(path, header)
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
