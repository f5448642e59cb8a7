"""Out-of-core tables: a file's features (first) and target (last) as views into a
memory-mapped array, so that training reads the rows in place and never holds the whole file
in memory. An NPY file is that array; a columnar file (Parquet, Arrow) is copied into an
unnamed scratch NPY file in the temporary folder (TMPDIR), a group of rows and a few columns
at a time, checked on the way, and memory-mapped from there; a CSV file's blocks of rows, as
its parser gives them, are appended to an unnamed scratch file of float64 rows
(`batched_views`)."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from linscratch.data.columns import Table, check_names, gathered, numeric, scan
from linscratch.data.destinations import remove_stale, reserve, scratch_prefix
from linscratch.errors import UsageError

GROUP_BYTES = 32 << 20  # a columnar file's columns read at a time: Arrow holds about 3x this
BLOCK_BYTES = 1 << 20  # the row-major block its columns go through into the scratch file


class ReadWhole(Exception):
    """Raised by the blocks given to `batched_views` where the parser met what the copy does
    not take (a cell that is not a number, an empty cell, a ragged row): the file is read
    whole instead, whose checks name the cell. Never shown: no message."""


def views(arr, names, path: Path, peaks: np.ndarray, squares=None) -> Table:
    """The features and the target of `arr` (n, d + 1) as views; `peaks` (d + 1,), each
    column's largest magnitude; `squares` (n,), the rows' squared norms ‖x‖² (the features',
    measured while the file was checked: `columns.scan`), or None."""
    d = arr.shape[1] - 1
    X, y = arr[:, :d], arr[:, d]
    largest = float(peaks.max(initial=0.0))
    return Table(
        X, y, names[:d], names[d], str(path), largest=largest, peaks=peaks, squares=squares
    )


def selects_all(names, target, features) -> bool:
    """Whether `target` and `features` (as `files.read_table` takes them) are the last column
    and every other one, in order (by name or index)."""
    d = len(names) - 1
    if target not in (None, "-1", names[d], str(d)):
        return False
    return features is None or features in (names[:d], [str(j) for j in range(d)])


def copied_views(path: Path, key: str, schema, groups, target, features) -> Table | None:
    """A columnar file with numeric columns, its target last, as views into its scratch copy;
    None for other files and selections (they are read whole, with the usual checks).
    `schema`: the file's pyarrow schema; `groups`: a list of (rows, read) for each group of
    rows in order, `read(names)` the group's columns `names` as pyarrow columns. The memory
    stays near 3 x GROUP_BYTES at any width and group size."""
    import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

    names = [str(n) for n in schema.names]
    check_names(names, path)
    numbers = all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in schema.types)
    n = sum(m for m, _ in groups)
    if not numbers or len(names) < 2 or n == 0 or not selects_all(names, target, features):
        return None
    d = len(names) - 1
    dtype = np.float32 if all(t == pa.float32() for t in schema.types) else np.float64
    folder = Path(tempfile.gettempdir())
    remove_stale(folder, key)
    fd, scratch = tempfile.mkstemp(dir=folder, prefix=scratch_prefix(key), suffix=".npy")
    os.close(fd)
    try:
        out = np.lib.format.open_memmap(scratch, "w+", dtype, (n, d + 1))
        _reserve(scratch, path)
        try:
            peaks, squares = _copy_columns(groups, names, path, out)
            pa.default_memory_pool().release_unused()  # what Arrow's allocator kept, back
        except (pa.ArrowException, OSError) as exc:
            reason = "".join(c if c.isprintable() else "?" for c in str(exc))[:200]
            raise UsageError("{path}: cannot read it: {reason}", path=path, reason=reason) from None
        del out  # no flush: the mapping below reads the same pages, never the disk
        arr = np.load(scratch, mmap_mode="r")
    finally:
        os.unlink(scratch)  # the mapping lives on; the name does not
    return views(arr, names, path, peaks, squares)


def batched_views(path: Path, key: str, names: list[str], blocks) -> Table | None:
    """The file's rows, given as `blocks` (float64 arrays (m, k) of rows, C-contiguous, the k
    columns `names`, the target last), as views into a scratch file of float64 rows (n, k)
    written a block at a time: the memory holds a few blocks, never the table. Each block is
    checked as a whole read checks its columns (`scan`: every cell finite), so that the copy
    holds the float64 values that reading the file whole gives, bit for bit. None where the
    blocks end with `ReadWhole` (a cell the parser could not read as a number, an empty cell,
    a ragged row) or hold a cell that is not finite: the file is then read whole, whose
    checks name that cell as they always have; the scratch file is removed either way."""
    folder = Path(tempfile.gettempdir())
    remove_stale(folder, key)
    try:
        fd, scratch = tempfile.mkstemp(dir=folder, prefix=scratch_prefix(key), suffix=".bin")
    except OSError:
        return None  # no scratch file can be made there: read whole, as it always could be
    try:
        try:
            with open(fd, "wb") as f:
                n, peaks, squares = _append_blocks(blocks, names, path, f)
        except (ReadWhole, UsageError):
            return None  # read whole: its checks name the cell or the fault
        except OSError as exc:  # the scratch file's write or flush: a full folder, say
            raise _scratch_error(path, folder, exc.strerror) from None
        if n == 0:
            return None
        arr = np.memmap(scratch, np.float64, "r", shape=(n, len(names)))
    finally:
        os.unlink(scratch)  # the mapping lives on; the name does not
    return views(arr, names, path, peaks, squares)


def _append_blocks(blocks, names, path: Path, f) -> tuple[int, np.ndarray, np.ndarray]:
    """Each block (m, k) of float64 rows, checked (`scan`, rows counted from the block's
    first), appended to the open file `f` on a thread of its own (the write releases the GIL:
    it overlaps the parse of the next block); the number of rows, each column's largest magnitude
    (k,) and the rows' squared norms ‖x‖² (n,) over the features (all but the last column),
    gathered by the same scan."""
    n, peaks, squares = 0, np.zeros(len(names)), []
    with ThreadPoolExecutor(1) as writer:  # a block written while the next is parsed
        written = None
        for block in blocks:
            if len(block) == 0:
                continue
            np.maximum(peaks, scan(block, names, path, n, squares), out=peaks)
            if written is not None:
                written.result()  # in order, one block at a time; its error raised here
            written = writer.submit(f.write, block.data)
            n += len(block)
        if written is not None:
            written.result()
    return n, peaks, gathered(squares)


def _scratch_error(path: Path, folder: Path, reason) -> UsageError:
    """A scratch copy that cannot be written."""
    return UsageError(
        "{path}: cannot write its scratch copy in {folder} ({reason})",
        path=path,
        folder=folder,
        reason=reason,
    )


def _reserve(scratch: str, path: Path) -> None:
    """Claim the scratch file's blocks before writing through its mapping
    (`destinations.reserve`): a full temporary folder is one clear line, not SIGBUS."""
    with open(scratch, "r+b") as f:
        try:
            reserve(f.fileno())
        except OSError as exc:
            raise _scratch_error(path, Path(scratch).parent, exc.strerror) from None


def _copy_columns(groups, names, path: Path, out) -> tuple[np.ndarray, np.ndarray]:
    """Every column of the file into its place in `out` (n, k), a group of rows and a group
    of columns (GROUP_BYTES) at a time, each checked (`numeric`: no empty cell; `scan`:
    finite) and set into its rows of `out` (`_set_rows`, two halves of the rows on two
    threads: numpy's copies release the GIL); each column's largest magnitude (k,), and the
    rows' squared norms ‖x‖² (n,) over the features (all but the last column): where a group
    holds every column, from each row-major block `_set_rows` makes (in the file's precision,
    as `exact.stability.row_squares` takes them from the rows, bit for bit); where the columns
    come in several groups (wide rows), added column by column in float64 as each is checked
    (a row's sum in another order: equal to about 1e-16 relative)."""
    start, peaks, size = 0, np.zeros(len(names)), out.dtype.itemsize
    squares, d = np.zeros(len(out)), len(names) - 1
    with ThreadPoolExecutor(2) as pool:
        for m, read in groups:
            width = max(1, GROUP_BYTES // (size * max(1, m)))
            for c0 in range(0, len(names), width):
                columns = []
                for j, column in enumerate(read(names[c0 : c0 + width]), start=c0):
                    values = numeric(column, names[j], path, start, out.dtype)
                    peak = scan(values[:, None], names[j : j + 1], path, start)[0]
                    peaks[j] = max(peaks[j], peak)
                    if j < d and width < len(names):
                        _add_square(squares[start : start + m], values)
                    columns.append(values)
                halves = ((0, (m + 1) // 2), ((m + 1) // 2, m))
                whole = squares[start : start + m] if width >= len(names) else None
                args = (out[start : start + m, c0 : c0 + len(columns)], columns)
                for done in [pool.submit(_set_rows, *args, lo, hi, whole) for lo, hi in halves]:
                    done.result()  # an error in either half is raised here
            start += m
    return peaks, squares


def _add_square(total: np.ndarray, values: np.ndarray) -> None:
    """total += values² (m,), in float64, through a cache-sized block (no (m,) temporary)."""
    for r in range(0, len(values), BLOCK_BYTES // 8):
        part = np.asarray(values[r : r + BLOCK_BYTES // 8], np.float64)
        total[r : r + len(part)] += part * part


def _set_rows(out, columns, lo: int, hi: int, squares=None) -> None:
    """out[lo:hi] = the columns' rows lo:hi side by side, through a row-major block of
    BLOCK_BYTES (cache-resident), so that `out` is written a row's run of columns at a time
    rather than a column at a time (a cache line per value). `squares` (the rows' (m,)),
    where the columns are every column of the file, the target last: squares[lo:hi] = each
    row's ‖x‖² over the features, from the block while it is in cache."""
    rows = max(1, BLOCK_BYTES // (out.dtype.itemsize * len(columns)))
    block = np.empty((rows, len(columns)), out.dtype)
    for r in range(lo, hi, rows):
        part = block[: min(rows, hi - r)]
        for i, values in enumerate(columns):
            part[:, i] = values[r : r + len(part)]
        out[r : r + len(part)] = part
        if squares is not None:
            features = part[:, :-1]
            squares[r : r + len(part)] = np.einsum("ij,ij->i", features, features)
