"""What every table format gives (`Format`), and the pieces formats share: a list of formats
in words, the errors of a pyarrow reader as one line, a pyarrow table's columns as numbers, a
value as the text `predict --keep-columns` writes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from linscratch.data.columns import Table, numeric
from linscratch.errors import UsageError
from linscratch.i18n import Words, tr

Columns = tuple[list[str], Callable[[int], np.ndarray]]  # the names, and column j as float64


class Format:
    """A table format: how a file of it is told from its bytes, read (whole, or as views for
    out-of-core training), copied row by row beside the predictions, and written. A format is
    a module of `linscratch.data.formats` with one instance, listed in `FORMATS`."""

    key = ""  # the format's name in code: "csv"
    name: str | Words = ""  # its name in messages: "CSV" (Words where it is translated)
    suffixes: tuple[str, ...] = ()  # the file names that hold it, lower case: (".csv",)
    magic: bytes | None = None  # the leading bytes of a file of it; None for text
    what: Words | None = None  # what a file of it holds: "{path} holds {what}, not {expected}"
    headerless = False  # whether a file of it may lack a header (its columns named x1, x2, ...)
    write_rank: int | None = None  # its place among make-data's outputs; None: not written

    def holds(self, start: bytes) -> bool:
        """Whether a file whose first bytes are `start` is of this format."""
        return self.magic is not None and start.startswith(self.magic)

    def check_bytes(self, path: Path) -> None:
        """Refuse a file of this format that is whole at its start but not at its end."""

    def column_names(self, path: Path, header: bool) -> list[str]:
        """The names of the file's columns, checked (`columns.check_names`)."""
        return self.columns(path, header)[0]

    def columns(self, path: Path, header: bool) -> Columns:
        """The whole file: its columns' names and column j as float64, checked cell by cell."""
        raise NotImplementedError

    def table(self, path: Path, header: bool, missing: bool = False):
        """The whole file as a pyarrow table of its cells as they are, text columns too
        (`tables.read_design`); with `missing`, a CSV's cells NA and NaN are read as empty."""
        raise NotImplementedError

    def cells(self, path: Path) -> int | None:
        """How many cells (rows x columns) the file holds, where its header or metadata say
        so without reading it; None where only reading it tells (CSV)."""
        return None

    def views(self, path: Path, target, features, header: bool = True) -> Table | None:
        """The file as views for out-of-core training, where its features come first and its
        target last (`target` and `features` as `files.read_table` takes them, `header` as
        `columns` does); None where it is read whole instead."""
        return None

    def rows(self, path: Path, header: bool) -> Iterator[list[str]]:
        """The header, then each row, as text cells (`predict --keep-columns`)."""
        raise NotImplementedError

    def write(self, tmp: str, blocks, n: int, d: int, dtype: np.dtype) -> None:
        """Write `blocks` of rows [X y] ((m, d + 1) each, n rows in all) to `tmp` (make-data)."""
        raise NotImplementedError


def listing(items) -> str:
    """`items` as "a, b or c" in the language in use (an item that says itself, `i18n.Words`,
    in it too)."""
    *first, last = (item.said() if hasattr(item, "said") else item for item in items)
    return tr(", ").join(first) + tr(" or ") + last if first else last


class Listed(str):
    """A list of names as a message's value, said in the language in use when it is shown."""

    def __new__(cls, items):
        listed = super().__new__(cls, listing(items))
        listed.items = tuple(items)
        return listed

    def said(self) -> str:
        return listing(self.items)


def cell(value) -> str:
    """A value as `predict --keep-columns` writes it: floats round-trip (`repr`), an empty
    cell empty."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def make_data_names(d: int) -> list[str]:
    """The columns make-data names: x1, ..., xd, then y."""
    return [f"x{j + 1}" for j in range(d)] + ["y"]


@contextmanager
def reading(path: Path):
    """A pyarrow reader's failures as one line naming the file."""
    import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

    try:
        yield
    except UnicodeDecodeError:
        raise UsageError("{path}: the header is not UTF-8 text", path=path) from None
    except (pa.ArrowException, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = "".join(c if c.isprintable() else "?" for c in reason.splitlines()[0])[:200]
        raise UsageError("{path}: cannot read it: {reason}", path=path, reason=message) from None
    except MemoryError:
        raise UsageError(
            "{path}: too large to read into this machine's memory", path=path
        ) from None


def arrow_columns(table, path: Path) -> Columns:
    """A pyarrow table's columns (names checked where it was read) as numbers, a table with no
    rows refused."""
    names = [str(n) for n in table.column_names]
    if table.num_rows == 0:
        raise UsageError("{path}: the file has a header but no rows", path=path)

    def column(j: int) -> np.ndarray:
        return numeric(table.column(j), names[j], path)

    return names, column


def ends_with(path: Path, magic: bytes) -> bool:
    """Whether the file's last bytes are `magic` (a format that ends as it starts: a file cut
    short lacks them)."""
    with open(path, "rb") as f:
        f.seek(max(0, os.fstat(f.fileno()).st_size - len(magic)))
        return f.read(len(magic)) == magic
