"""Arrow IPC files (Feather version 2: `.arrow`, `.feather`), read by pyarrow through a memory
mapping: an uncompressed file's columns are read in place, a compressed one's (LZ4, zstd) are
decompressed a record batch and a group of columns at a time. For training (features first,
target last) its columns go through a memory-mapped scratch file, as a Parquet file's do
(`scratch.copied_views`); `make-data` writes it uncompressed, a record batch a chunk."""

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

MAGIC = b"ARROW1"  # an IPC file starts and ends with it
CHUNK = 1 << 16  # rows turned into text at a time (`rows`)


def _reader(source, fields=None):
    """An IPC file reader of the memory-mapped `source`, reading only the columns at the
    indices `fields` (all where None)."""
    import pyarrow.ipc as ipc  # start-up: pyarrow only for CSV, Parquet and Arrow files

    options = None if fields is None else ipc.IpcReadOptions(included_fields=fields)
    return ipc.open_file(source, options=options)


class Arrow(Format):
    key, suffixes, magic = "arrow", (".arrow", ".feather"), MAGIC
    name = Words("Arrow IPC (Feather)")
    what = Words("an Arrow IPC (Feather) file")
    write_rank = 2

    def check_bytes(self, path: Path) -> None:
        if not ends_with(path, MAGIC):
            raise UsageError(
                "{path}: an Arrow IPC (Feather) file without its end (cut short, or still "
                "being written)",
                path=path,
            )

    def _table(self, path: Path):
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

        with reading(path):
            table = _reader(pa.memory_map(str(path))).read_all()
            names = [str(n) for n in table.column_names]
        if not names:
            raise UsageError("{path}: the file has no columns", path=path)
        check_names(names, path)
        return table

    def column_names(self, path: Path, header: bool) -> list[str]:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

        with reading(path):
            names = [str(n) for n in _reader(pa.memory_map(str(path))).schema.names]
        if not names:
            raise UsageError("{path}: the file has no columns", path=path)
        check_names(names, path)
        return names

    def columns(self, path: Path, header: bool) -> Columns:
        return arrow_columns(self._table(path), path)

    def table(self, path: Path, header: bool, missing: bool = False):
        return self._table(path)

    def cells(self, path: Path) -> int | None:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

        with reading(path):
            reader = _reader(pa.memory_map(str(path)))
            first = _reader(pa.memory_map(str(path)), [0] if reader.schema.names else None)
            rows = sum(first.get_batch(i).num_rows for i in range(first.num_record_batches))
        return rows * len(reader.schema.names)

    def views(self, path: Path, target, features, header: bool = True) -> Table | None:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

        with reading(path):
            source = pa.memory_map(str(path))
            schema = _reader(source).schema
            first = _reader(source, [0] if schema.names else None)  # one column decompressed
            sizes = [first.get_batch(i).num_rows for i in range(first.num_record_batches)]
        index = {name: j for j, name in enumerate(schema.names)}

        def group(i: int, m: int):
            def read(names):
                batch = _reader(source, [index[n] for n in names]).get_batch(i)
                return [pa.chunked_array([column]) for column in batch.columns]

            return m, read

        groups = [group(i, m) for i, m in enumerate(sizes)]
        return copied_views(path, self.key, schema, groups, target, features)

    def rows(self, path: Path, header: bool):
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files

        reader = _reader(pa.memory_map(str(path)))
        yield [str(name) for name in reader.schema.names]
        for i in range(reader.num_record_batches):
            batch = reader.get_batch(i)
            for start in range(0, batch.num_rows, CHUNK):
                part = batch.slice(start, CHUNK)
                columns = [[cell(v) for v in column.to_pylist()] for column in part.columns]
                yield from (list(row) for row in zip(*columns, strict=True))

    def write(self, tmp: str, blocks, n: int, d: int, dtype: np.dtype) -> None:
        import pyarrow as pa  # start-up: pyarrow only for CSV, Parquet and Arrow files
        import pyarrow.ipc as ipc  # start-up: pyarrow only for CSV, Parquet and Arrow files

        schema = pa.schema([(name, pa.from_numpy_dtype(dtype)) for name in make_data_names(d)])
        with ipc.new_file(tmp, schema) as writer:  # uncompressed: read in place
            for block in blocks:  # a record batch each
                writer.write_batch(
                    pa.record_batch([block[:, j] for j in range(d + 1)], schema=schema)
                )


FORMAT = Arrow()
