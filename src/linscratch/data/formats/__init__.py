"""The table formats linscratch reads and writes, each a module with one `Format`: its
suffixes, its signature, how it is read (whole, or as memory-mapped views), copied beside the
predictions and written. `FORMATS` is the registry; everything that depends on the format
(which suffixes `--data` takes, what `make-data` writes, the text that lists them, telling a
file by its bytes) is derived from it. A new format is a module here and a line in `FORMATS`.
"""

from __future__ import annotations

from pathlib import Path

from linscratch.data import kinds
from linscratch.data.formats import arrow, csv, npy, parquet
from linscratch.data.formats.base import Format, Listed, listing
from linscratch.errors import UsageError
from linscratch.i18n import Words

FORMATS: dict[str, Format] = {
    f.key: f for f in (csv.FORMAT, parquet.FORMAT, npy.FORMAT, arrow.FORMAT)
}

__all__ = [
    "FORMATS",
    "Format",
    "Listed",
    "check",
    "kind_of",
    "listing",
    "of",
    "refusal",
    "suffixes",
    "written",
    "written_suffixes",
]


def suffixes() -> list[str]:
    """Every suffix a data file may have, in the registry's order."""
    return [suffix for f in FORMATS.values() for suffix in f.suffixes]


def written() -> list[Format]:
    """The formats make-data writes, in its order."""
    return sorted(
        (f for f in FORMATS.values() if f.write_rank is not None), key=lambda f: f.write_rank
    )


def written_suffixes() -> list[str]:
    """The suffixes make-data writes."""
    return [suffix for f in written() for suffix in f.suffixes]


def of(path: Path) -> Format:
    """The format a data file's suffix names, or a UsageError listing the suffixes."""
    suffix = path.suffix.lower()
    for f in FORMATS.values():
        if suffix in f.suffixes:
            return f
    shown = path.suffix or Words("(none)")
    raise UsageError(
        "{path}: unknown extension {shown!r}; expected {suffixes}",
        path=path,
        shown=shown,
        suffixes=Listed(suffixes()),
    )


def kind_of(path: Path, start: bytes) -> str:
    """The kind of file whose first bytes are `start`: a format's key, or one of
    `kinds.WHAT`'s."""
    for f in FORMATS.values():
        if f.holds(start):
            return f.key
    return kinds.kind_of(path, start)


def _advice(kind: str, expected: str, path: Path) -> Words:
    """What to do with a file of `kind` given where `expected` was wanted."""
    if expected == "json" and kind in (*FORMATS, "text", "binary"):
        return Words("give a model saved by train --save")
    if kind in FORMATS:
        return Words("rename it to end in {suffix}", suffix=FORMATS[kind].suffixes[0])
    said = kinds.advice(kind, path)
    names = Listed([f.name for f in FORMATS.values()])
    return Words("give a {names} file", names=names) if said is None else said


def refusal(path: Path, kind: str, expected: str) -> UsageError:
    """The one line for a file of `kind` where a file of kind `expected` (a format's key, or
    "json") was wanted."""
    what = FORMATS[kind].what if kind in FORMATS else kinds.WHAT[kind]
    return UsageError(
        "{path} holds {what}, not {expected}; {advice}",
        path=path,
        what=what,
        expected="JSON" if expected == "json" else FORMATS[expected].name,
        advice=_advice(kind, expected, path),
    )


def check(path: Path, expected: Format) -> None:
    """Refuse a data file whose bytes are not what its suffix says, or an empty one, or one
    whose format finds it cut short."""
    start = kinds.head(path)
    if not start:
        raise UsageError("{path}: the file is empty", path=path)
    kind = kind_of(path, start)
    if expected.magic is None and kind == "text":
        return
    if kind != expected.key:
        raise refusal(path, kind, expected.key)
    expected.check_bytes(path)
