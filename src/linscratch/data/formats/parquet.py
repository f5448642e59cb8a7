"""Parquet, read by pyarrow: whole, or (features first, target last) copied a row group and a
few columns at a time into a memory-mapped scratch file (`scratch.copied_views`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from linscratch.data.columns import Table, check_names
from linscratch.data.formats.base import (
    Columns,
    Format,
    arrow_columns,
    cell,
    ends_with,
    make_data_names,
    reading,
)
from linscratch.data.formats.scratch import copied_views
from linscratch.errors import UsageError
from linscratch.i18n import Words

MAGIC = b"PAR1"
CHUNK = 1 << 16  # rows turned into text at a time (`rows`)


class Parquet(Format):
    key, name, suffixes, magic = "parquet", "Parquet", (".parquet",), MAGIC
    what = Words("a Parquet table")
    write_rank = 1

    def check_bytes(self, path: Path) -> None:
        if not ends_with(path, MAGIC):
            raise UsageError(
                "{path}: a Parquet file without its end (cut short, or still being written)",
                path=path,
            )

    def _table(self, path: Path):
        from pyarrow import parquet  # start-up: pyarrow only for CSV, Parquet and Arrow files

        with reading(path):
            table = parquet.read_table(path)
            names = [str(n) for n in table.column_names]
        if not names:
            raise UsageError("{path}: the file has no columns", path=path)
        check_names(names, path)
        return table

    def column_names(self, path: Path, header: bool) -> list[str]:
        return [str(n) for n in self._table(path).column_names]

    def columns(self, path: Path, header: bool) -> Columns:
        return arrow_columns(self._table(path), path)

    def table(self, path: Path, header: bool, missing: bool = False):
        return self._table(path)

    def cells(self, path: Path) -> int | None:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
        import pyarrow.parquet as pq  # start-up: pyarrow only for CSV, Parquet and Arrow files

        try:
            metadata = pq.ParquetFile(path).metadata
        except (pa.ArrowInvalid, OSError):
            return None
        return metadata.num_rows * metadata.num_columns

    def views(self, path: Path, target, features, header: bool = True) -> Table | None:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
        import pyarrow.parquet as pq  # start-up: pyarrow only for CSV, Parquet and Arrow files

        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError):
            return None

        def group(g: int):
            def read(names):
                return pf.read_row_group(g, columns=names).columns

            return pf.metadata.row_group(g).num_rows, read

        groups = [group(g) for g in range(pf.num_row_groups)]
        return copied_views(path, self.key, pf.schema_arrow, groups, target, features)

    def rows(self, path: Path, header: bool):
        from pyarrow import parquet  # start-up: pyarrow only for CSV, Parquet and Arrow files

        source = parquet.ParquetFile(path)
        yield [str(name) for name in source.schema_arrow.names]
        for batch in source.iter_batches(batch_size=CHUNK):
            columns = [[cell(v) for v in column.to_pylist()] for column in batch.columns]
            yield from (list(row) for row in zip(*columns, strict=True))

    def write(self, tmp: str, blocks, n: int, d: int, dtype: np.dtype) -> None:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
        import pyarrow.parquet as pq  # start-up: pyarrow only for CSV, Parquet and Arrow files

        schema = pa.schema([(name, pa.from_numpy_dtype(dtype)) for name in make_data_names(d)])
        with pq.ParquetWriter(tmp, schema) as writer:
            for block in blocks:  # a row group each
                table = pa.table([block[:, j] for j in range(d + 1)], schema=schema)
                writer.write_table(table, row_group_size=len(block))


FORMAT = Parquet()
