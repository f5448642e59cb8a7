"""Out-of-core tables: NPY and Parquet files whose features come first and target last, as
views into memory-mapped arrays, so that training reads the rows in place and never holds the
whole file in memory. `files.read_table` uses these for the common case and reads the rest
whole."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np

from .destinations import remove_stale, scratch_prefix
from .errors import UsageError
from .files import Table, _check_finite, _check_names, _numeric


def npy_views(arr, names, target, features, path: Path) -> Table | None:
    """The common case of a memory-mapped NPY file, its features first and its target last,
    as views into the file: nothing is copied or loaded, the rows are read when used. None
    for any other selection of columns (which is then copied in float64)."""
    d = arr.shape[1] - 1
    if arr.dtype.kind != "f" or d < 1 or target not in (None, "-1", str(d)):
        return None
    if features is not None and features != [str(j) for j in range(d)]:
        return None
    largest = _scan(arr, names, path)
    return _views(arr, names, path, largest)


def _scan(arr, names, path: Path) -> float:
    """One sequential pass over the file in blocks of about 1 MiB of rows: the largest
    magnitude in it, for `sources.check_magnitudes`, or a UsageError naming the first cell
    that is not finite (NaN and ±inf show in the blocks' max and min, with no temporaries)."""
    rows = max(1, (1 << 20) // (arr.shape[1] * arr.itemsize))
    largest = 0.0
    for start in range(0, len(arr), rows):
        block = arr[start : start + rows]
        hi, lo = float(block.max()), float(block.min())
        if not (math.isfinite(hi) and math.isfinite(lo)):
            row, j = np.argwhere(~np.isfinite(block))[0]
            raise UsageError(
                "{path}: column {name!r}, row {row}: {shown} is not finite",
                path=path,
                name=names[j],
                row=start + row + 1,
                shown=block[row, j],
            )
        largest = max(largest, hi, -lo)
    return largest


def _views(arr, names, path: Path, largest: float) -> Table:
    """The features and the target of `arr` (n, d + 1) as views; `largest`, its largest
    magnitude."""
    d = arr.shape[1] - 1
    X, y = arr[:, :d], arr[:, d]
    return Table(X, y, names[:d], names[d], str(path), largest=largest)


def parquet_views(path: Path, target, features) -> Table | None:
    """A Parquet file with numeric columns, its target last, streamed a row group at a time
    into an unnamed scratch file in the temporary folder (TMPDIR), checked on the way, and
    memory-mapped from there: the same views as an NPY file's, the memory one row group. None
    for other files and selections (they are read whole, with the usual checks)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError):
        return None
    schema = pf.schema_arrow
    names = [str(n) for n in schema.names]
    _check_names(names, path)
    d = len(names) - 1
    numeric = all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in schema.types)
    if not numeric or d < 1 or pf.metadata.num_rows == 0:
        return None
    if target not in (None, "-1", names[d], str(d)):
        return None
    if features is not None and features not in (names[:d], [str(j) for j in range(d)]):
        return None
    dtype = np.float32 if all(t == pa.float32() for t in schema.types) else np.float64
    folder = Path(tempfile.gettempdir())
    remove_stale(folder, "parquet")
    fd, scratch = tempfile.mkstemp(dir=folder, prefix=scratch_prefix("parquet"), suffix=".npy")
    os.close(fd)
    try:
        out = np.lib.format.open_memmap(scratch, "w+", dtype, (pf.metadata.num_rows, d + 1))
        start, largest = 0, 0.0
        for g in range(pf.num_row_groups):
            try:
                group = pf.read_row_group(g)
            except (pa.ArrowException, OSError) as exc:
                reason = "".join(c if c.isprintable() else "?" for c in str(exc))[:200]
                raise UsageError(
                    "{path}: cannot read it: {reason}", path=path, reason=reason
                ) from None
            for j in range(d + 1):
                values = _numeric(group.column(j), names[j], path, offset=start)
                _check_finite(values, names[j], path, offset=start)
                if len(values):
                    largest = max(largest, float(values.max()), -float(values.min()))
                out[start : start + len(values), j] = values
            start += group.num_rows
        out.flush()
        del out
        arr = np.load(scratch, mmap_mode="r")
    finally:
        os.unlink(scratch)  # the mapping lives on; the name does not
    return _views(arr, names, path, largest)
