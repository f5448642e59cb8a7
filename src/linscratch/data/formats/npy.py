"""NPY: one 2-D numeric array (numpy.save), memory-mapped: training reads its rows in place.
Its columns are named by their indices, "0", "1", ...

Its header is read here (`header`) before numpy maps the file: a negative or absurd shape, a
shape that needs more bytes than the file holds, or an array of Python objects (pickled) is
one line, not numpy's error (which invites unpickling).
"""

from __future__ import annotations

import ast
import os
import struct
from pathlib import Path

import numpy as np

from linscratch.data.columns import Table, gathered, scan
from linscratch.data.destinations import reserve
from linscratch.data.formats.base import Columns, Format, cell
from linscratch.data.formats.scratch import views
from linscratch.errors import UsageError
from linscratch.i18n import Words

MAGIC = b"\x93NUMPY"
HEADER_LIMIT = 10_000  # numpy's own limit on a header's length (max_header_size)
CHUNK = 1 << 16  # rows turned into text at a time (`rows`)


def header(path: Path) -> tuple[tuple, object]:
    """An NPY file's shape and dtype, read from its header and checked against the file: a
    header numpy could not map, or would map only by unpickling, is a UsageError. The header
    is a Python literal read by `ast.literal_eval`, as numpy reads it (no code runs)."""
    with open(path, "rb") as f:
        start = f.read(len(MAGIC) + 2)
        major = start[len(MAGIC)] if len(start) == len(MAGIC) + 2 else None
        if major not in (1, 2, 3):
            raise UsageError("{path}: the NPY header is damaged", path=path)
        length_format = "<H" if major == 1 else "<I"
        raw = f.read(struct.calcsize(length_format))
        if len(raw) != struct.calcsize(length_format):
            raise UsageError("{path}: the NPY header is damaged", path=path)
        length = struct.unpack(length_format, raw)[0]
        if length > HEADER_LIMIT:
            raise UsageError("{path}: the NPY header is damaged", path=path)
        text = f.read(length)
        offset = f.tell()
        size = os.fstat(f.fileno()).st_size
    try:
        literal = ast.literal_eval(text.decode("utf-8" if major == 3 else "latin-1"))
        shape, descr = literal["shape"], literal["descr"]
        dtype = np.lib.format.descr_to_dtype(descr)
        if not isinstance(shape, tuple) or not all(type(n) is int for n in shape):
            raise ValueError(shape)
    except (ValueError, SyntaxError, TypeError, KeyError, MemoryError, RecursionError):
        raise UsageError("{path}: the NPY header is damaged", path=path) from None
    if dtype.hasobject:
        raise UsageError(
            "{path}: an NPY array of Python objects (stored as a pickle), not of numbers; "
            "linscratch never unpickles a file: save a numeric array",
            path=path,
        )
    if any(n < 0 for n in shape):
        raise UsageError(
            "{path}: the NPY header gives an impossible shape {shape} (a negative size)",
            path=path,
            shape=shape,
        )
    need = dtype.itemsize
    for n in shape:
        need *= n  # Python's integers: no overflow, however absurd the shape
    if need > size - offset:
        raise UsageError(
            "{path}: the NPY header promises a {shape} array of {dtype} ({need:,} bytes) but "
            "the file holds {have:,} bytes after it: cut short, or the header is wrong",
            path=path,
            shape=shape,
            dtype=dtype,
            need=need,
            have=size - offset,
        )
    return shape, dtype


def mapped(path: Path) -> tuple[list[str], np.ndarray]:
    """The file's column names ("0", "1", ...) and its array, memory-mapped and checked."""
    header(path)  # an impossible or pickled header is refused before numpy maps the file
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


class Npy(Format):
    key, name, suffixes, magic = "npy", "NPY", (".npy",), MAGIC
    what = Words("an NPY array")
    write_rank = 0

    def columns(self, path: Path, header: bool) -> Columns:
        names, arr = mapped(path)

        def column(j: int) -> np.ndarray:
            return np.asarray(arr[:, j], dtype=np.float64)

        return names, column

    def table(self, path: Path, header: bool, missing: bool = False):
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

        names, arr = mapped(path)
        return pa.table({name: np.asarray(arr[:, j]) for j, name in enumerate(names)})

    def cells(self, path: Path) -> int | None:
        shape, _ = header(path)
        return int(np.prod(shape)) if len(shape) == 2 else None

    def views(self, path: Path, target, features, header: bool = True) -> Table | None:
        """The file itself, its features first and its target last, as views: nothing is
        copied or loaded, the rows are read when used. None for any other selection of
        columns, or an integer array (then copied in float64)."""
        names, arr = mapped(path)
        d = arr.shape[1] - 1
        if arr.dtype.kind != "f" or d < 1 or target not in (None, "-1", str(d)):
            return None
        if features is not None and features != [str(j) for j in range(d)]:
            return None
        squares = []  # the rows' ‖x‖², in the scan's pass (`columns.scan`)
        peaks = scan(arr, names, path, squares=squares)
        return views(arr, names, path, peaks, gathered(squares))

    def rows(self, path: Path, header: bool):
        arr = np.load(path, mmap_mode="r", allow_pickle=False)  # (n, columns)
        yield [str(j) for j in range(arr.shape[1])]
        for start in range(0, len(arr), CHUNK):
            yield from ([cell(v) for v in row] for row in arr[start : start + CHUNK].tolist())

    def write(self, tmp: str, blocks, n: int, d: int, dtype: np.dtype) -> None:
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=(n, d + 1))
        with open(tmp, "r+b") as f:  # the blocks claimed: a full disk is one line, not SIGBUS
            reserve(f.fileno())
        start = 0
        for block in blocks:
            out[start : start + len(block)] = block
            start += len(block)
        out.flush()
        del out


FORMAT = Npy()
