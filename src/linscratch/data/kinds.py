"""What a file holds, told from its bytes rather than its name: a data file (CSV, Parquet, NPY)
or a saved model whose content is something else (an NPZ archive, gzip data, UTF-16 text, a
pickle, random bytes) is refused with one line that says what it is and how to turn it into
what linscratch reads. Nothing here unpickles, decompresses or loads the file: the first bytes
(and for Parquet its last four, for a zip archive the names of its members) are enough.

An NPY file's header is read here too (`npy_header`), before numpy maps the file: a negative
or absurd shape, a shape that needs more bytes than the file holds, or an array of Python
objects (pickled) is one line, not numpy's error (which invites unpickling).
"""

from __future__ import annotations

import ast
import os
import re
import struct
from pathlib import Path

from linscratch.errors import UsageError
from linscratch.i18n import Words

HEAD = 4096  # the bytes read to tell a file's kind
NPY_MAGIC = b"\x93NUMPY"
NPY_HEADER_LIMIT = 10_000  # numpy's own limit on a header's length (max_header_size)

# (leading bytes, kind): the signatures of the kinds of file one meets in place of a table.
SIGNATURES = (
    (NPY_MAGIC, "npy"),
    (b"PAR1", "parquet"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip archive
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x89HDF\r\n\x1a\n", "hdf5"),
    (b"ARROW1", "arrow"),
    (b"\xff\xfe", "utf-16"),  # UTF-16's byte-order marks, little- and big-endian
    (b"\xfe\xff", "utf-16"),
)

# What each kind is, in the message "{path} holds {what}, not {expected}".
WHAT = {
    "npy": Words("an NPY array"),
    "parquet": Words("a Parquet table"),
    "npz": Words("an NPZ archive of arrays (numpy.savez)"),
    "xlsx": Words("an Excel workbook"),
    "zip": Words("a zip archive"),
    "gzip": Words("gzip-compressed data"),
    "bzip2": Words("bzip2-compressed data"),
    "xz": Words("xz-compressed data"),
    "zstd": Words("zstd-compressed data"),
    "hdf5": Words("an HDF5 file"),
    "arrow": Words("an Arrow IPC (Feather) file"),
    "pickle": Words("a Python pickle"),
    "utf-16": Words("UTF-16 text"),
    "text": Words("text"),
    "binary": Words("binary data of no kind linscratch reads"),
}
COMPRESSED = ("gzip", "bzip2", "xz", "zstd", "zip")
SUFFIX_OF = {"csv": ".csv", "parquet": ".parquet", "npy": ".npy"}
NAME_OF = {"csv": "CSV", "parquet": "Parquet", "npy": "NPY", "json": "JSON"}


def head(path: Path, size: int = HEAD) -> bytes:
    """The first `size` bytes of `path` (a regular file: see `files.check_readable`)."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError as exc:
        reason = exc.strerror
        raise UsageError("{path}: cannot read it: {reason}", path=path, reason=reason) from None


def kind_of(path: Path, start: bytes) -> str:
    """The kind of file whose first bytes are `start` (a key of `WHAT`)."""
    for magic, kind in SIGNATURES:
        if start.startswith(magic):
            return _zip_kind(path) if kind == "zip" else kind
    if re.match(rb"\x80[\x02-\x05]", start):  # a pickle of protocol 2 or later
        return "pickle"
    if b"\x00" in start:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is zero
        if start[1::2].count(0) > len(start) // 3 or start[0::2].count(0) > len(start) // 3:
            return "utf-16"
        return "binary"
    control = sum(1 for b in start if (b < 0x20 and b not in b"\t\n\r\f") or b == 0x7F)
    undecodable = start.decode("utf-8", "replace").count("\ufffd")
    if control > len(start) // 20 or undecodable > len(start) // 4:
        return "binary"
    return "text"


def _zip_kind(path: Path) -> str:
    """A zip archive's kind from the names of its members: numpy's NPZ, an Excel workbook."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()[:1000]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "zip"
    if names and all(name.endswith(".npy") for name in names):
        return "npz"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return "zip"


def _advice(kind: str, expected: str, path: Path) -> Words:
    """What to do with a file of `kind` given where `expected` was wanted."""
    if expected == "json" and kind in (*SUFFIX_OF, "text", "binary"):
        return Words("give a model saved by train --save")
    if kind in SUFFIX_OF:
        return Words("rename it to end in {suffix}", suffix=SUFFIX_OF[kind])
    if kind == "text":
        return Words("rename it to end in .csv if it is comma-separated text")
    if kind == "npz":
        return Words("save the one array to train on with numpy.save as a .npy file")
    if kind == "xlsx":
        return Words("save the sheet as CSV from the spreadsheet")
    if kind in COMPRESSED:
        return Words("decompress it first")
    if kind == "pickle":
        return Words(
            "linscratch never unpickles a file (a pickle can run code): save the array with "
            "numpy.save"
        )
    if kind == "utf-16":
        out = path.with_name(path.stem + "-utf8" + path.suffix)
        return Words(
            "convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8 {path} > {out}", path=path, out=out
        )
    return Words("give a CSV, Parquet or NPY file")


def refusal(path: Path, kind: str, expected: str) -> UsageError:
    """The one line for a file of `kind` where a file of kind `expected` was wanted."""
    return UsageError(
        "{path} holds {what}, not {expected}; {advice}",
        path=path,
        what=WHAT[kind],
        expected=NAME_OF[expected],
        advice=_advice(kind, expected, path),
    )


def check(path: Path, expected: str) -> None:
    """Refuse a data file whose bytes are not what its suffix says (`expected`: "csv",
    "parquet" or "npy"), or an empty one; for Parquet, also one whose end is missing."""
    start = head(path)
    if not start:
        raise UsageError("{path}: the file is empty", path=path)
    kind = kind_of(path, start)
    if expected == "csv" and kind == "text":
        return
    if kind != expected:
        raise refusal(path, kind, expected)
    if kind == "parquet":
        with open(path, "rb") as f:
            f.seek(max(0, os.fstat(f.fileno()).st_size - 4))
            if f.read(4) != b"PAR1":
                raise UsageError(
                    "{path}: a Parquet file without its end (cut short, or still being written)",
                    path=path,
                )


def npy_header(path: Path) -> tuple[tuple, object]:
    """An NPY file's shape and dtype, read from its header and checked against the file: a
    header numpy could not map, or would map only by unpickling, is a UsageError. The header
    is a Python literal read by `ast.literal_eval`, as numpy reads it (no code runs)."""
    import numpy as np

    with open(path, "rb") as f:
        start = f.read(len(NPY_MAGIC) + 2)
        major = start[len(NPY_MAGIC)] if len(start) == len(NPY_MAGIC) + 2 else None
        if major not in (1, 2, 3):
            raise UsageError("{path}: the NPY header is damaged", path=path)
        length_format = "<H" if major == 1 else "<I"
        raw = f.read(struct.calcsize(length_format))
        if len(raw) != struct.calcsize(length_format):
            raise UsageError("{path}: the NPY header is damaged", path=path)
        length = struct.unpack(length_format, raw)[0]
        if length > NPY_HEADER_LIMIT:
            raise UsageError("{path}: the NPY header is damaged", path=path)
        text = f.read(length)
        offset = f.tell()
        size = os.fstat(f.fileno()).st_size
    try:
        header = ast.literal_eval(text.decode("utf-8" if major == 3 else "latin-1"))
        shape, descr = header["shape"], header["descr"]
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
