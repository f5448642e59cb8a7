"""A data file's rows written back as CSV with one more column beside them (`predict
--keep-columns`): the rows as each format gives them (`Format.rows`: a CSV's cells exactly as
the file has them, a binary file's values as Python writes them, floats round-trip)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from linscratch.data import formats
from linscratch.errors import UsageError


def rows(path, header: bool = True) -> Iterator[list[str]]:
    """The header and the rows of a data file, as text cells (a CSV file without a `header`:
    x1, x2, ... then every line): its format's `rows`."""
    path = Path(path)
    return formats.of(path).rows(path, header)


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
