"""Tables as they come: rows with a missing cell dropped (`drop_missing`), columns of
categories one-hot encoded (`categorical`), the model written as a formula (`formula`).

The encoding is formulaic's (the formula library statsmodels reads its formulas with), so that
`--categorical city` is the formula `y ~ 1 + x + C(city)` and gives statsmodels' design matrix
and names (`C(city)[T.Paris]`: treatment contrasts, the first level in sorted order left out
where there is an intercept, every level where there is none). The table is read whole, its
size checked against the machine's memory first (from its metadata or its file's size, before
it is read). The design matrix X (n, d) is float64, with its columns' names; beside it an
`encoding` (JSON: the formula, each category's levels, each stateful transform's values, the
columns) that a saved model keeps, so that `predict` encodes new rows the same way
(`design_for_model`) and refuses a level it has not seen rather than encoding it as zeros.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import warnings
from pathlib import Path

import numpy as np

from linscratch.data.columns import MISSING_TEXT, Table
from linscratch.data.files import check_path, column_indices, resolve
from linscratch.errors import UsageError
from linscratch.i18n import Words
from linscratch.resources import require_memory
from linscratch.spec import formula_sides

# The memory a table read whole takes, as a multiple of its cells' 8 bytes (CSV: of its text):
# the pyarrow table, the frame formulaic reads, and the design matrix, each about its size.
READ_FACTOR = 4
INTERCEPT = "Intercept"  # formulaic's name for the column of ones (the run's own b instead)


def quoted(name: str) -> str:
    """A column's name as a formula writes it: as it is where it is a Python name, else in
    backticks (formulaic's quoting: `a b`)."""
    if name.isidentifier() and not keyword.iskeyword(name):
        return name
    return "`" + name.replace("`", "\\`") + "`"


def _check_memory(path: Path, fmt, field: str) -> None:
    """Refuse, before reading it, a table too large to read whole into this machine's memory."""
    cells = fmt.cells(path)
    needed = READ_FACTOR * (path.stat().st_size if cells is None else 8 * cells)
    require_memory(needed, Words("{path}, read whole", path=path), field)


def _built_formula(names, path, target, features, weights, categorical, fit_intercept):
    """The formula of `target` on `features` (by name or index; every other column but the
    `weights`' by default), the `categorical` ones as C(column): as shown, and as formulaic
    reads it, each column whose name is not a Python name (an NPY file's 0, 1, ...: formulaic
    reads `1` as the intercept) under an alias, with the aliases ({alias: name})."""
    t, _, chosen = column_indices(names, path, target, features, weights)
    categories = set()
    for name in categorical or ():
        j = resolve(name, names, "categorical", path)
        if j not in chosen:
            raise UsageError(
                "{0}: {name!r} is not one of the features", "categorical", name=names[j]
            )
        categories.add(j)
    aliases = {}
    for j in (t, *chosen):
        if quoted(names[j]) != names[j]:
            alias = f"_{j}"
            while alias in names:
                alias += "_"
            aliases[alias] = names[j]
    alias_of = {name: alias for alias, name in aliases.items()}

    def written(j: int, as_name) -> str:
        name = as_name(names[j])
        return f"C({name})" if j in categories else name

    intercept = "1" if fit_intercept else "0"
    shown, text = (
        f"{written(t, as_name)} ~ {intercept} + " + " + ".join(written(j, as_name) for j in chosen)
        for as_name in (quoted, lambda name: alias_of.get(name, name))
    )
    return shown, text, aliases


def _named(column: str, aliases: dict) -> str:
    """A design column's name with the columns' own names for their aliases: _3 is 3,
    C(_3)[T.a] is C(3)[T.a]."""
    if column in aliases:
        return aliases[column]
    match = re.fullmatch(r"C\((\w+)\)(\[.*\])", column)
    if match and match.group(1) in aliases:
        return f"C({aliases[match.group(1)]}){match.group(2)}"
    return column


def _missing(column) -> np.ndarray:
    """Which cells of a pyarrow column (n,) are missing: empty (null), NaN, or the text NA or
    NaN (bool (n,))."""
    import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
    import pyarrow.compute as pc  # start-up: pyarrow only for CSV, Parquet and Arrow files

    mask = pc.is_null(column)
    if pa.types.is_floating(column.type):
        mask = pc.or_(mask, pc.fill_null(pc.is_nan(column), False))
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        text = pc.is_in(column, value_set=pa.array(sorted(MISSING_TEXT)))
        mask = pc.or_(mask, pc.fill_null(text, True))
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _kept_rows(table, used, path: Path, drop: bool, hint: bool) -> np.ndarray:
    """The rows (indices) without a missing cell in the `used` columns. Without `drop`, the
    first missing cell is refused (naming the flag that drops such rows where `hint`)."""
    names = [str(n) for n in table.column_names]
    bad = np.zeros(table.num_rows, dtype=bool)
    first = None
    for name in used:
        mask = _missing(table.column(names.index(name)))
        if mask.any():
            row = int(np.argmax(mask))
            if first is None or row < first[0]:
                first = (row, name)
            bad |= mask
    if first is not None and not drop:
        row, name = first
        cell = {"path": path, "name": name, "row": row + 1}
        if hint:
            raise UsageError(
                "{path}: column {name!r}, row {row}: a missing value (empty, NA or NaN); give "
                "{0} to drop the rows with one",
                "drop_missing",
                **cell,
            )
        raise UsageError(
            "{path}: column {name!r}, row {row}: a missing value (empty, NA or NaN); a "
            "prediction needs every column the model uses",
            **cell,
        )
    kept = np.flatnonzero(~bad)
    if len(kept) == 0:
        raise UsageError(
            "{path}: every one of its {n:,} rows has a missing cell in a column the run uses; "
            "no row is left",
            path=path,
            n=table.num_rows,
        )
    return kept


def _values(column, name: str, path: Path, rows: np.ndarray, numbers: bool) -> np.ndarray:
    """A pyarrow column's kept cells as numpy: numbers as int64 or float64 (integers kept
    whole, so that a column of categories coded 4, 6, 8 names its levels so), text as
    objects; with `numbers`, text is refused at its first cell (`rows` give the file's row
    numbers)."""
    import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

    if pa.types.is_integer(column.type):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)
    if pa.types.is_floating(column.type):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
    values = column.to_pylist()
    if numbers:
        for i, value in enumerate(values):
            try:
                float(value)
            except (TypeError, ValueError):
                raise UsageError(
                    "{path}: column {name!r}, row {row}: {shown} is not a number",
                    path=path,
                    name=name,
                    row=int(rows[i]) + 1,
                    shown=repr(value),
                ) from None
        return np.asarray(values, dtype=np.float64)
    return np.asarray(values, dtype=object)


def _names(expr: str) -> set[str]:
    """The names a factor's Python expression reads (`np.log(`a b`)`: np and a b)."""
    quoted = re.findall(r"`((?:[^`\\]|\\.)*)`", expr)
    try:
        tree = ast.parse(re.sub(r"`(?:[^`\\]|\\.)*`", "_", expr), mode="eval")
    except SyntaxError:
        return set(quoted)
    found = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - {"_"}
    return found | {name.replace("\\`", "`") for name in quoted}


def _variables(formula: str) -> tuple[set[str], set[str]]:
    """The names a formula's left and right sides read, but formulaic's own (np, C, center,
    ...): its columns, and any builtin it calls (formulaic's `required_variables` leaves out
    the columns a stateful transform reads, as in center(x))."""
    from formulaic import Formula  # start-up: formulaic only for tables encoded
    from formulaic.transforms import TRANSFORMS  # start-up: formulaic only for tables encoded

    parsed = Formula(formula)
    sides = []
    for side in (parsed.lhs, parsed.rhs):
        names = set(side.required_variables)
        for term in side:
            for factor in term.factors:
                if factor.eval_method.value == "lookup":
                    names.add(factor.expr)
                elif factor.eval_method.value == "python":
                    names |= _names(factor.expr)
        sides.append(names - set(TRANSFORMS))
    return sides[0], sides[1]


def _categories(formula: str) -> set[str]:
    """The names read inside C(...) in a formula (the columns it encodes as categories,
    beside its text columns)."""
    from formulaic import Formula  # start-up: formulaic only for tables encoded

    return {
        name
        for term in Formula(formula).rhs
        for factor in term.factors
        if factor.expr.startswith("C(")
        for name in _names(factor.expr)
    }


def _check_design(frame, categories: set[str], field: str) -> None:
    """Refuse, before formulaic allocates it, a design matrix too large for this machine's
    memory: a column a category of many levels (an identifier, say) is as many columns."""
    width = sum(
        int(frame[name].nunique()) if name in categories or frame[name].dtype == object else 1
        for name in frame.columns
    )
    require_memory(
        READ_FACTOR * 8 * len(frame) * width,
        Words("a design of {n:,} rows x {d:,} columns", n=len(frame), d=width),
        field,
    )


def _unknown(names: set[str], columns: list[str]) -> list[str]:
    """The `names` a formula reads that are neither columns nor Python's builtins."""
    return sorted(names - set(columns) - set(dir(builtins)))


def _frame(table, used, rows, path: Path, numeric: set[str]):
    """The `used` columns' kept `rows` as a pandas frame (the `numeric` ones refused where they
    hold text)."""
    import pandas as pd  # start-up: pandas only for tables encoded

    names = [str(n) for n in table.column_names]
    taken = table.take(rows)
    return pd.DataFrame(
        {
            name: _values(taken.column(names.index(name)), name, path, rows, name in numeric)
            for name in used
        }
    )


def _matrix(spec_or_formula, frame, field: str, text: str):
    """formulaic's model matrices of `frame`, a failure one line naming `field`."""
    from formulaic import model_matrix  # start-up: formulaic only for tables encoded

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # log(0), say: refused below anyway
            return model_matrix(spec_or_formula, frame, na_action="ignore")
    except MemoryError:
        raise
    except Exception as exc:  # the formula's own Python expressions may raise anything
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise UsageError(
            "{0}: formulaic cannot encode {text!r}: {reason}", field, text=text, reason=reason
        ) from None


def _finite(values: np.ndarray, names: list[str], rows: np.ndarray, path: Path, squares=None):
    """Refuse a cell of the design (n, k) that is not finite (log of 0, say), naming its
    column and the file's row; a block of about 1 MiB of rows at a time, each row's squared
    norm ‖x‖² set into `squares` (n,) where given, from the block while it is in cache (the
    stability limit's, `exact.stability.moments_of`, with no pass of its own)."""
    step = max(1, (1 << 20) // (values.shape[1] * values.itemsize))
    for start in range(0, len(values), step):
        block = values[start : start + step]
        bad = ~np.isfinite(block)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise UsageError(
                "{path}: column {name!r}, row {row}: {shown} is not finite",
                path=path,
                name=names[j],
                row=int(rows[start + i]) + 1,
                shown=block[i, j],
            )
        if squares is not None:
            np.einsum("ij,ij->i", block, block, out=squares[start : start + len(block)])


def _plain(value):
    """formulaic's state as JSON: numpy values as numbers and lists, a dict with keys that are
    not text as its pairs (restored by `_restored`)."""
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _plain(v) for k, v in value.items()}
        return {"__pairs__": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"__array__": _plain(value.tolist())}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _restored(value):
    """`_plain`'s inverse."""
    if isinstance(value, dict):
        if set(value) == {"__pairs__"}:
            return {_restored(k): _restored(v) for k, v in value["__pairs__"]}
        if set(value) == {"__array__"}:
            return np.asarray(value["__array__"])
        return {k: _restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v) for v in value]
    return value


def read_design(
    path,
    target=None,
    features=None,
    weights=None,
    header=True,
    *,
    categorical=None,
    formula=None,
    drop_missing=False,
    fit_intercept=True,
) -> Table:
    """A table file as its design: X (n, d) float64 as formulaic encodes the `formula` (or
    `target` on `features`, the `categorical` ones one-hot), y (n,), the rows' `weights`, the
    rows with a missing cell in a used column dropped (`drop_missing`: counted in
    `Table.dropped`) or refused, and the `encoding` a saved model keeps (where a formula or
    categories were given). The arguments are `files.read_table`'s and the spec's settings."""
    path = Path(path)
    fmt = check_path(path, header)
    field = "formula" if formula else "categorical" if categorical else "drop_missing"
    _check_memory(path, fmt, field)
    table = fmt.table(path, header, missing=True)
    names = [str(n) for n in table.column_names]
    if table.num_rows == 0:
        raise UsageError("{path}: the file has a header but no rows", path=path)
    if formula is None:
        shown, text, aliases = _built_formula(
            names, path, target, features, weights, categorical, fit_intercept
        )
    else:
        shown, text, aliases = formula, formula, {}
    left, right = (
        {aliases.get(name, name) for name in side} for side in _variables(text)
    )  # the columns' own names
    for name in _unknown(left | right, names):
        resolve(name, names, "formula" if formula else "features", path)
    w_name = None if weights is None else names[resolve(str(weights), names, "weights", path)]
    if w_name in left | right:
        raise UsageError("{0}: {name!r} is the target or a feature", "weights", name=w_name)
    used = [n for n in names if n in left | right or n == w_name]
    rows = _kept_rows(table, used, path, drop_missing, hint=True)
    categories = {n for n in names if formula is None and n in (categorical or ())}
    numeric = set(used) - categories if formula is None else left | {w_name}
    frame = _frame(table, used, rows, path, numeric)
    frame = frame.rename(columns={name: alias for alias, name in aliases.items()})
    _check_design(frame, _categories(text), field)
    matrices = _matrix(text, frame, field, shown)
    lhs, rhs = matrices.lhs, matrices.rhs
    if lhs.shape[1] != 1:
        raise UsageError(
            "{0}: the target {name} is not one column of numbers",
            field,
            name=formula_sides(shown)[0],
        )
    design = [c for c in rhs.columns if c != INTERCEPT]
    columns = [_named(str(c), aliases) for c in design]
    if not columns:
        raise UsageError("{path}: no feature columns besides the target", path=path)
    X = np.ascontiguousarray(rhs[design].to_numpy(dtype=np.float64))  # (n, d)
    y = np.ascontiguousarray(lhs.to_numpy(dtype=np.float64)[:, 0])  # (n,)
    target_name = _named(str(lhs.columns[0]), aliases)
    squares = np.empty(len(X))  # (n,) the rows' ‖x‖², in the pass that checks them
    _finite(X, columns, rows, path, squares)
    _finite(y[:, None], [target_name], rows, path)
    w = None
    if w_name is not None:
        w = _values(table.column(names.index(w_name)).take(rows), w_name, path, rows, True)
        w = w.astype(np.float64)
    peaks = np.append(np.abs(X).max(axis=0), np.abs(y).max())
    encoding = None
    if formula is not None or categorical:
        state = rhs.model_spec
        encoding = {
            "formula": shown,
            "encoded": text,
            "aliases": aliases,
            "columns": columns,
            "levels": {
                factor: _plain(list(about.get("categories", [])))
                for factor, (kind, about) in state.encoder_state.items()
                if kind.value == "categorical"
            },
            "transforms": _plain(dict(state.transform_state)),
        }
    return Table(
        X=X,
        y=y,
        feature_names=columns,
        target_name=target_name,
        path=str(path),
        weights=w,
        largest=float(peaks.max()),
        peaks=peaks,
        dropped=table.num_rows - len(rows),
        encoding=encoding,
        squares=squares,
    )


def _unseen(frame, levels: dict, rows: np.ndarray, path: Path, aliases: dict) -> None:
    """Refuse a level of a category that training did not see, naming its column (by its
    own name, not its alias), its row and the level (formulaic would encode it as zeros,
    with a warning)."""
    from formulaic import Formula  # start-up: formulaic only for tables encoded

    for factor, known in levels.items():
        columns = Formula(factor).required_variables
        if len(columns) != 1:
            continue  # a category of several columns: formulaic's warning, turned into a refusal
        (name,) = columns
        values = frame[name].tolist()
        seen = set(_restored(known))
        for i, value in enumerate(values):
            if value not in seen:
                raise UsageError(
                    "{path}: column {name!r}, row {row}: the level {level!r} was not in the "
                    "training data (its levels: {levels}); the model cannot encode it",
                    path=path,
                    name=aliases.get(name, name),
                    row=int(rows[i]) + 1,
                    level=value,
                    levels=", ".join(map(str, known)),
                )


def design_for_model(path, encoding: dict, target_name: str | None, header=True):
    """New rows encoded as a saved model's `encoding` says (`read_design` made it): X (n, d)
    float64 with the model's columns, and y (n,) where the file has the target column whole
    and numeric (else None). A missing cell, an unseen level or a column the formula reads
    that the file lacks is refused."""
    from formulaic import ModelSpec  # start-up: formulaic only for tables encoded
    from formulaic.errors import DataMismatchWarning  # start-up: formulaic only for tables
    from formulaic.parser.types import Factor  # start-up: formulaic only for tables encoded

    path = Path(path)
    fmt = check_path(path, header)
    _check_memory(path, fmt, "data")
    table = fmt.table(path, header, missing=True)
    names = [str(n) for n in table.column_names]
    text, aliases = encoding.get("encoded", encoding["formula"]), encoding.get("aliases", {})
    right = {aliases.get(name, name) for name in _variables(text)[1]}  # the columns' own names
    absent = _unknown(right, names)
    if absent:
        raise UsageError(
            "{path}: lacks the model's columns {missing} (the model was trained on {names})",
            path=path,
            missing=", ".join(map(repr, absent)),
            names=", ".join(sorted(right)),
        )
    used = [n for n in names if n in right]
    rows = _kept_rows(table, used, path, drop=False, hint=False)
    frame = _frame(table, used, rows, path, numeric=set())
    frame = frame.rename(columns={name: alias for alias, name in aliases.items()})
    levels = encoding.get("levels", {})
    _unseen(frame, levels, rows, path, aliases)
    kinds = {
        factor: (Factor.Kind.CATEGORICAL, {"categories": _restored(known)})
        for factor, known in levels.items()
    }
    spec = ModelSpec(
        formula=formula_sides(text)[1],
        materializer="pandas",
        ensure_full_rank=True,
        na_action="ignore",
        transform_state=_restored(encoding.get("transforms", {})),
        encoder_state=kinds,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataMismatchWarning)
        rhs = _matrix(spec, frame, "model", encoding["formula"])
    design = [c for c in rhs.columns if c != INTERCEPT]
    columns = [_named(str(c), aliases) for c in design]
    if columns != list(encoding["columns"]):
        raise UsageError(
            "{path}: the model's formula gives the columns {found} here, not the {expected} "
            "it was trained on",
            path=path,
            found=", ".join(columns),
            expected=", ".join(encoding["columns"]),
        )
    X = np.ascontiguousarray(rhs[design].to_numpy(dtype=np.float64))  # (n, d)
    _finite(X, columns, rows, path)
    y = None
    if target_name in names and target_name not in right:
        column = table.column(names.index(target_name))
        if not _missing(column).any():
            try:
                y = _values(column, target_name, path, np.arange(table.num_rows), True)
                y = np.asarray(y, dtype=np.float64)
            except UsageError:
                y = None
    return X, y
