"""What a file holds, told from its bytes rather than its name: the kinds of file one meets in
place of a table or a saved model (an NPZ archive, gzip data, UTF-16 text, a pickle, random
bytes), and what to do with each. The table formats' own signatures are theirs
(`formats.Format.magic`); `formats.kind_of` tries them first, then these. Nothing here
unpickles, decompresses or loads the file: the first bytes (for a zip archive the names of
its members) are enough.
"""

from __future__ import annotations

import re
from pathlib import Path

from linscratch.errors import UsageError
from linscratch.i18n import Words

HEAD = 4096  # the bytes read to tell a file's kind

# (leading bytes, kind): the signatures of the kinds of file one meets in place of a table.
SIGNATURES = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip archive
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x89HDF\r\n\x1a\n", "hdf5"),
    (b"\xff\xfe", "utf-16"),  # UTF-16's byte-order marks, little- and big-endian
    (b"\xfe\xff", "utf-16"),
)

# What each kind is, in the message "{path} holds {what}, not {expected}".
WHAT = {
    "npz": Words("an NPZ archive of arrays (numpy.savez)"),
    "xlsx": Words("an Excel workbook"),
    "zip": Words("a zip archive"),
    "gzip": Words("gzip-compressed data"),
    "bzip2": Words("bzip2-compressed data"),
    "xz": Words("xz-compressed data"),
    "zstd": Words("zstd-compressed data"),
    "hdf5": Words("an HDF5 file"),
    "pickle": Words("a Python pickle"),
    "utf-16": Words("UTF-16 text"),
    "text": Words("text"),
    "binary": Words("binary data of no kind linscratch reads"),
}
COMPRESSED = ("gzip", "bzip2", "xz", "zstd", "zip")


def head(path: Path, size: int = HEAD) -> bytes:
    """The first `size` bytes of `path` (a regular file: see `files.check_readable`)."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError as exc:
        reason = exc.strerror
        raise UsageError("{path}: cannot read it: {reason}", path=path, reason=reason) from None


def kind_of(path: Path, start: bytes) -> str:
    """The kind of file whose first bytes are `start` (a key of `WHAT`), where it is no table
    format's (`formats.kind_of`)."""
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
    import zipfile  # start-up: not every run needs it

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


def advice(kind: str, path: Path) -> Words | None:
    """What to do with a file of `kind` (a key of `WHAT`) given where a table was wanted;
    None where the kind has no advice of its own."""
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
    return None
