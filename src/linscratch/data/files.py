"""Tables from files, in any of the formats of `formats.FORMATS` (read whole, or as
memory-mapped views), their columns chosen by name or index and checked cell by cell.

Every problem with a file is a `UsageError` naming the file, and where it applies the column and
the first bad row (rows count from 1, the header not included).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import numpy as np

from linscratch.data import formats
from linscratch.data.columns import Table, scan
from linscratch.data.destinations import symlink_loop
from linscratch.data.formats import Format
from linscratch.errors import UsageError


def resolve(spec: str, names: list[str], field: str, path: Path) -> int:
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


def check_path(path: Path, header: bool = True) -> Format:
    """The format of a data file, refused before it is read if it cannot be read as what its
    suffix says."""
    fmt = formats.of(path)
    check_readable(path)
    formats.check(path, fmt)
    if not header and not fmt.headerless:
        raise UsageError(
            "{0}: {path} is not a CSV file; only a CSV file can lack a header",
            "no_header",
            path=path,
        )
    return fmt


def check_readable(path: Path) -> None:
    """Refuse, before opening it, a path that is not a regular file one can read: missing, a
    folder, a pipe or a device (opening a pipe would wait forever), or out of reach."""

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


# Names a target column goes by (compared without case or surrounding space): a file without
# `--target` has its last column taken, unless a column named so is elsewhere (`guess_target`).
TARGET_NAMES = ("target", "y", "label", "price")


def named_like_a_target(name: str) -> bool:
    """Whether a column's name is one of `TARGET_NAMES`."""
    return name.strip().lower() in TARGET_NAMES


def guess_target(names: list[str], path, features=None) -> str:
    """The target of a file whose target was not named: its last column, unless another
    column (not a named feature) is named like a target (`TARGET_NAMES`), where the guess
    would be wrong: then `--target` is required, and the refusal names both columns. `names`
    are the file's columns (a last column that is the `weights` one is refused as ever, by
    `read_table`: it cannot be both)."""
    last = names[-1]
    features = set(features or ())
    others = [n for n in names[:-1] if named_like_a_target(n) and n not in features]
    if others:
        raise UsageError(
            "{0} is needed for {path}: its last column {last!r} would be the target, but "
            "{other!r} is named like one ({names}); say which",
            "target",
            path=path,
            last=last,
            other=others[0],
            names=", ".join(map(repr, TARGET_NAMES)),
        )
    return last


def column_names(path: str | os.PathLike, header: bool = True) -> list[str]:
    """The names of a file's columns (an NPY file's are its indices: "0", "1", ...; a CSV's
    without a `header`, x1, x2, ...)."""
    path = Path(path)
    return check_path(path, header).column_names(path, header)


def column_indices(
    names, path, target=None, features=None, weights=None, require_target=True
) -> tuple[int | None, int | None, list[int]]:
    """The indices in `names` of the target (the last column by default; None where it is
    missing and not `require_target`), of the `weights` (None without) and of the `features`
    (by name or index; every other column by default): refused where they overlap or leave
    no feature."""
    if target is None and not require_target:
        t_index = None
    else:
        try:
            t_index = resolve("-1" if target is None else str(target), names, "target", path)
        except UsageError:
            if require_target:
                raise
            t_index = None
    w_index = None if weights is None else resolve(str(weights), names, "weights", path)
    if features is None:
        f_index = [j for j in range(len(names)) if j not in (t_index, w_index)]
    else:
        f_index = [resolve(f, names, "features", path) for f in features]
        if t_index in f_index:
            raise UsageError("{0}: {name!r} is the target column", "features", name=names[t_index])
    if w_index is not None and (w_index == t_index or w_index in f_index):
        raise UsageError("{0}: {name!r} is the target or a feature", "weights", name=weights)
    if not f_index:
        raise UsageError("{path}: no feature columns besides the target", path=path)
    return t_index, w_index, f_index


def read_table(
    path, target=None, features=None, require_target=True, weights=None, header=True, guess=False
) -> Table:
    """Read a data file (CSV, Parquet, NPY, ...: `formats.FORMATS`) into a `Table`.

    `path` a str or path; `target` a column name or index (default: the last column);
    `features` a list of the feature columns (default: every other column). With
    `require_target=False` (for prediction) a file whose target column is missing, or holds an
    empty or non-numeric cell, is fine: y is then None. `weights`: a column of row weights.
    `header=False`: a CSV file without a header line, its columns named x1, x2, ...
    `guess`: a `target` of None is guessed by `guess_target` (refused where the last column
    would be a wrong guess), from the names the file is read with (no pass of its own).
    """
    path = Path(path)
    fmt = check_path(path, header)
    guess = guess and target is None and require_target
    if require_target and weights is None:
        streamed = fmt.views(path, target, features, header)
        if streamed is not None:
            if guess:  # the view took the last column: refused where that is a wrong guess
                names = [*streamed.feature_names, streamed.target_name]
                guess_target(names if features is None else [names[-1]], path)
            return streamed
    names, column = fmt.columns(path, header)
    if guess:
        target = guess_target(names, path, features)

    t_index, w_index, f_index = column_indices(
        names, path, target, features, weights, require_target
    )
    X, peaks, squares = np.empty((0, 0)), [], None
    for k, j in enumerate(f_index):
        values = column(j)
        peaks.append(scan(values[:, None], [names[j]], path)[0])
        if k == 0:
            X = np.empty((len(values), len(f_index)), dtype=np.float64)  # (n, d)
            squares = np.zeros(len(values))  # the rows' ‖x‖², a column at a time
        X[:, k] = values
        with np.errstate(over="ignore"):  # a norm past float64 is inf: the magnitudes' check
            squares += values * values  # float64: a row's sum in column order (about 1e-16)
    y = None
    if t_index is not None:
        try:
            y = column(t_index)
            peaks.append(scan(y[:, None], [names[t_index]], path)[0])
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
        largest=max(peaks, default=0.0),
        peaks=np.array(peaks) if y is not None else None,
        squares=squares if y is not None else None,
    )
