"""A data file's rows written back as CSV with one more column beside them (`predict
--keep-columns`): a CSV's cells exactly as the file has them, a Parquet or NPY file's values
as Python writes them (floats round-trip: `repr`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from linscratch.errors import UsageError

CHUNK = 1 << 16  # rows of a Parquet or NPY file turned into text at a time


def _cell(value) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _csv_rows(path: Path, header: bool = True) -> Iterator[list[str]]:
    """The header, then each row, as the file's own text (blank lines skipped, as the reader
    that trained on it skips them); without a `header`, the names x1, x2, ... first."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = (row for row in csv.reader(f) if row)
        if not header:
            first = next(rows, [])
            yield [f"x{j + 1}" for j in range(len(first))]
            yield first
        yield from rows


def _parquet_rows(path: Path) -> Iterator[list[str]]:
    from pyarrow import parquet

    source = parquet.ParquetFile(path)
    yield [str(name) for name in source.schema_arrow.names]
    for batch in source.iter_batches(batch_size=CHUNK):
        columns = [[_cell(v) for v in column.to_pylist()] for column in batch.columns]
        yield from (list(row) for row in zip(*columns, strict=True))


def _npy_rows(path: Path) -> Iterator[list[str]]:
    arr = np.load(path, mmap_mode="r", allow_pickle=False)  # (n, columns)
    yield [str(j) for j in range(arr.shape[1])]
    for start in range(0, len(arr), CHUNK):
        yield from ([_cell(v) for v in row] for row in arr[start : start + CHUNK].tolist())


def rows(path, header: bool = True) -> Iterator[list[str]]:
    """The header and the rows of a CSV, Parquet or NPY file, as text cells (a CSV file
    without a `header`: x1, x2, ... then every line)."""
    path = Path(path)
    suffix = path.suffix.lower()
    return (
        _csv_rows(path, header)
        if suffix == ".csv"
        else (_parquet_rows(path) if suffix == ".parquet" else _npy_rows(path))
    )


def write_beside(f, path, header: bool, values: list[float], name: str = "prediction") -> None:
    """Write to the text file `f` every row of the data file `path` (a CSV file with a
    `header` line, or without) as CSV with `values` (one per row, floats) in a last column
    `name`."""
    writer = csv.writer(f, lineterminator="\n")
    source = rows(path, header)
    writer.writerow([*next(source), name])
    count = 0
    for row in source:
        if count == len(values):
            break
        writer.writerow([*row, repr(values[count])])
        count += 1
    else:
        if count == len(values):
            return
    raise UsageError("{path}: its rows could not be matched with the predictions", path=path)
