"""Out-of-core tables: NPY and Parquet files whose features come first and target last, as
views into memory-mapped arrays, so that training reads the rows in place and never holds the
whole file in memory. `files.read_table` uses these for the common case and reads the rest
whole."""

from __future__ import annotations

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
    for start in range(0, len(arr), 1 << 18):  # row blocks: one sequential pass over the file
        bad = ~np.isfinite(arr[start : start + (1 << 18)])
        if bad.any():
            row, j = np.argwhere(bad)[0]
            raise UsageError(
                "{path}: column {name!r}, row {row}: {shown} is not finite",
                path=path,
                name=names[j],
                row=start + row + 1,
                shown=arr[start + row, j],
            )
    return Table(
        X=arr[:, :d], y=arr[:, d], feature_names=names[:d], target_name=names[d], path=str(path)
    )


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
        start = 0
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
                out[start : start + len(values), j] = values
            start += group.num_rows
        out.flush()
        del out
        arr = np.load(scratch, mmap_mode="r")
    finally:
        os.unlink(scratch)  # the mapping lives on; the name does not
    return Table(
        X=arr[:, :d], y=arr[:, d], feature_names=names[:d], target_name=names[d], path=str(path)
    )
