"""CSV: comma-separated text with a header line, read by pyarrow (only an empty cell is
missing: NA, nan and the like are read as what they say). A file without a header has its
columns named x1, x2, ...; one whose first row is all numbers must say so (`header=False`).
For training (numbers only, the target last) its first block's types are read by pyarrow,
then the whole is parsed by polars' streaming engine a block of rows at a time, each block
appended to a scratch copy (`scratch.batched_views`); anything that copy refuses is read
whole, whose checks name it. `predict --keep-columns` copies its cells
exactly as the file has them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from linscratch.data.columns import Table, check_names
from linscratch.data.formats.base import Columns, Format, arrow_columns, reading
from linscratch.data.formats.scratch import ReadWhole, batched_views, selects_all
from linscratch.data.kinds import head
from linscratch.errors import UsageError
from linscratch.i18n import Words

SEPARATORS = ((";", Words("semicolons")), ("\t", Words("tabs")), ("|", Words("bars")))
MISSING = ("", "NA", "NaN")  # the cells read as missing where rows with one may be dropped
# The text whose types the copy keeps (`Csv.views`): pyarrow's first block (its default size).
BLOCK_BYTES = 1 << 20
DECIMAL_COMMA = re.compile(r"(?:^|;)\s*(-?\d+,\d+)\s*(?=;|$)")
# pyarrow's words for a row whose cells are not the first row's in number (it names neither
# the file nor the line): said again in the project's words, with the line (`ragged_row`).
RAGGED = re.compile(r"Expected (\d+) columns, got (\d+)")
SHOWN = 80  # the characters of a ragged line shown


def check_layout(path: Path) -> None:
    """Refuse, before parsing, a CSV whose first line has no comma but another separator:
    semicolons, tabs or bars (and, with semicolons, numbers with decimal commas, as
    spreadsheets write them in much of Europe), saying how to read it."""
    lines = head(path).decode("utf-8", "replace").removeprefix("\ufeff").splitlines()
    first = lines[0] if lines else ""
    if "," in first:
        return
    for sep, said in SEPARATORS:
        if sep not in first:
            continue
        cells = (m.group(1) for line in lines[1:3] for m in DECIMAL_COMMA.finditer(line))
        comma = next(cells, None)
        if sep == ";" and comma is not None:
            out = path.with_name(path.stem + "-commas" + path.suffix)
            raise UsageError(
                "{path}: separated by semicolons, with decimal commas ({cell!r}); linscratch "
                "reads commas between cells and points in numbers: convert it, e.g. "
                "sed -e 's/,/./g' -e 's/;/,/g' {path} > {out}",
                path=path,
                cell=comma,
                out=out,
            )
        raise UsageError(
            "{path}: the header is one column separated by {said}; linscratch reads "
            "comma-separated files",
            path=path,
            said=said,
        )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_header(names: list[str], path: Path) -> None:
    """Refuse a CSV whose first row, read as its header, is all numbers: a file without a
    header, whose first row would otherwise be taken for the columns' names and lost. The
    names 0, 1, 2, ... (an NPY file's, and pandas' for unnamed columns) are a header."""
    if not all(_number(name) for name in names) or names == [str(j) for j in range(len(names))]:
        return
    shown = ",".join(names[:6]) + (",..." if len(names) > 6 else "")
    raise UsageError(
        "{path}: the first row is all numbers ({shown}), so the file seems to have no header; "
        "give {0} to read every row as data (the columns are then named x1, x2, ...), or add a "
        "header line naming the columns",
        "no_header",
        path=path,
        shown=shown,
    )


def _cells(n: int) -> Words:
    """`n` cells, in the language the message is shown in (English's singular for 1)."""
    return Words("{n} cell", n=n) if n == 1 else Words("{n} cells", n=n)


def ragged_row(path: Path, header: bool, expected: int, got: int) -> UsageError:
    """The refusal of a CSV with a row whose cells are not `expected` in number (the first
    row's: the header's, or the first data row's without one), naming its line in the file
    (counted from 1, the header included; a quoted cell may span lines: the row's first) and
    showing its text. The file is read again with Python's csv reader, a line at a time, to
    find it: pyarrow's error names no line. `got`: pyarrow's count, said where the reader
    finds no such row (its quoting read otherwise)."""
    first = Words("the header") if header else Words("the first row")
    try:
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as f:
            reader = csv.reader(f)
            start = 1
            for row in reader:
                if row and len(row) != expected:
                    text = ",".join(row)
                    text = "".join(c if c.isprintable() else "?" for c in text)
                    shown = text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."
                    return UsageError(
                        "{path}: line {line} has {cells} where {first} has {expected}: {shown}",
                        path=path,
                        line=start,
                        cells=_cells(len(row)),
                        first=first,
                        expected=expected,
                        shown=shown,
                    )
                start = reader.line_num + 1
    except (OSError, csv.Error):
        pass  # said without its line
    return UsageError(
        "{path}: a row has {cells} where {first} has {expected}",
        path=path,
        cells=_cells(got),
        first=first,
        expected=expected,
    )


# Rows a block of the parse into the scratch copy (`_parsed`): about 20 MB of float64 at d = 50.
BLOCK_ROWS = 50_000


def _parsed(path: Path, names: list[str], integers: list[bool], header: bool):
    """The file's rows as float64 blocks (m, k) in row order, C-contiguous, the columns
    `names` (those of `integers` read as integers, as the first block's types say: -0 is 0
    there), parsed by polars' streaming engine on its threads (each number correctly rounded,
    as pyarrow's parser gives it: the same float64 values), BLOCK_ROWS at a time: what
    `scratch.batched_views` appends to its copy. A cell polars cannot read as a number, an
    empty cell or a ragged row ends the blocks with `scratch.ReadWhole` (the file is then
    read whole, whose checks name the cell). Measured on a 556 MB CSV (1e6 x 50) on 2 cores: the
    parse into blocks took 1.3 s, pyarrow's streaming reader 3.8 s (benchmarks/RESULTS.md)."""
    import polars as pl  # start-up: polars only for CSV files

    # every column a number, by our names: an integer column with a decimal further on ends
    # the blocks (read whole, as a whole read's types are the whole file's)
    schema = {name: pl.Int64 if j else pl.Float64 for name, j in zip(names, integers, strict=True)}
    frame = pl.scan_csv(path, has_header=header, schema=schema, raise_if_empty=True)
    batches = frame.collect_batches(chunk_size=BLOCK_ROWS)
    try:
        for batch in batches:
            if batch.null_count().sum_horizontal()[0]:
                raise ReadWhole  # an empty cell
            yield np.ascontiguousarray(batch.to_numpy(), np.float64)
    except pl.exceptions.PolarsError:
        raise ReadWhole from None
    # (a parse abandoned, at a bad cell, stops when `batches` is let go: measured, 0.16 s of
    # CPU after, where the whole parse takes 2.5 s)


class Csv(Format):
    key, name, suffixes, magic = "csv", "CSV", (".csv",), None  # text: kinds.kind_of's "text"
    headerless = True

    def _table(self, path: Path, header: bool, nulls: tuple[str, ...] = ("",)):
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
        from pyarrow import (  # start-up: pyarrow only for CSV, Parquet and Arrow files
            csv as arrow_csv,
        )

        with reading(path):
            check_layout(path)
            read = arrow_csv.ReadOptions(autogenerate_column_names=not header)
            convert = arrow_csv.ConvertOptions(
                null_values=list(nulls), strings_can_be_null=nulls != ("",)
            )
            try:
                table = arrow_csv.read_csv(path, read_options=read, convert_options=convert)
            except pa.ArrowInvalid as exc:
                said = str(exc).splitlines()[0]
                if "Empty CSV file" in said:
                    raise UsageError("{path}: the file is empty", path=path) from None
                if counts := RAGGED.search(said):
                    expected, got = int(counts[1]), int(counts[2])
                    raise ragged_row(path, header, expected, got) from None
                raise
            if not header:
                table = table.rename_columns([f"x{j + 1}" for j in range(table.num_columns)])
            names = [str(n) for n in table.column_names]
        if not names:
            raise UsageError("{path}: the file has no columns", path=path)
        if header:
            check_header(names, path)
        check_names(names, path)
        return table

    def column_names(self, path: Path, header: bool) -> list[str]:
        return [str(n) for n in self._table(path, header).column_names]

    def views(self, path: Path, target, features, header: bool = True) -> Table | None:
        """The file's rows as views into a scratch copy, parsed by polars a block of rows at a
        time (`_parsed`), each block appended as it comes (a few blocks in memory, never the
        table); None (read whole) where the file has a text column in its first block
        (BLOCK_BYTES, read by pyarrow), a selection other than every column with the target
        last, or anything the copy refuses (`scratch.batched_views`). The columns keep the
        types of the first block: an integer column with a decimal further on is read whole,
        whose types are the whole file's, so that the copy's values are always those of a
        whole read."""
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
        from pyarrow import (  # start-up: pyarrow only for CSV, Parquet and Arrow files
            csv as arrow_csv,
        )

        try:
            check_layout(path)
            read = arrow_csv.ReadOptions(
                autogenerate_column_names=not header, block_size=BLOCK_BYTES, use_threads=True
            )
            convert = arrow_csv.ConvertOptions(null_values=[""], strings_can_be_null=False)
            reader = arrow_csv.open_csv(path, read_options=read, convert_options=convert)
            schema = reader.schema
            names = [str(n) for n in schema.names]
            if not header:
                names = [f"x{j + 1}" for j in range(len(names))]
            else:
                check_header(names, path)
            check_names(names, path)
        except (UsageError, pa.ArrowException, OSError, UnicodeDecodeError):
            return None  # read whole: its checks say what is wrong
        numbers = all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in schema.types)
        if not numbers or len(names) < 2 or not selects_all(names, target, features):
            return None
        reader.close()
        integers = [pa.types.is_integer(t) for t in schema.types]
        return batched_views(path, self.key, names, _parsed(path, names, integers, header))

    def columns(self, path: Path, header: bool) -> Columns:
        return arrow_columns(self._table(path, header), path)

    def table(self, path: Path, header: bool, missing: bool = False):
        return self._table(path, header, MISSING if missing else ("",))

    def rows(self, path: Path, header: bool):
        """The header, then each row, as the file's own text (blank lines skipped, as the
        reader that trained on it skips them); without a `header`, the names x1, x2, ...
        first."""
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = (row for row in csv.reader(f) if row)
            if not header:
                first = next(rows, [])
                yield [f"x{j + 1}" for j in range(len(first))]
                yield first
            yield from rows


FORMAT = Csv()
