"""Training from a CSV file reads it a block at a time into a scratch copy (`Csv.views`,
`scratch.batched_views`): the copy holds what Python's own float parsing of each cell gives
(an integer column's cells as integers), and what a whole read gives, byte for byte, across
block boundaries of every kind; a bad cell in the last block is named as before and leaves no
scratch file; memory holds a few blocks, not the table."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import numpy as np
import pytest
from test_hostile import (  # noqa: F401  (lin, here and the imports: fixtures)
    _imports_done_before_timing,
    assert_refused,
    here,
    lin,
    snapshot,
)

from linscratch.data.files import read_table
from linscratch.data.formats import FORMATS

CSV = FORMATS["csv"]
SMALL = 1 << 12  # 4 KiB blocks: a file of a few hundred rows is many batches


@pytest.fixture
def small_blocks(monkeypatch):
    from linscratch.data.formats import csv as csv_format

    monkeypatch.setattr(csv_format, "BLOCK_BYTES", SMALL)  # the first block's types
    monkeypatch.setattr(csv_format, "BLOCK_ROWS", 37)  # the parse's blocks


def python_floats(text: str, header: bool = True) -> np.ndarray:
    """The reference: each cell by Python's csv module and `float` (correctly rounded), a
    column whose every cell is an integer as integers (-0 is 0, as an integer column's)."""
    rows = [row for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) if row]
    columns = list(zip(*rows[1:] if header else rows, strict=True))

    def integral(cell: str) -> bool:
        try:
            int(cell)
        except ValueError:
            return False
        return True

    out = [
        [float(int(c)) for c in col] if all(map(integral, col)) else [float(c) for c in col]
        for col in columns
    ]
    return np.array(out).T


def whole_read(path, header: bool = True) -> np.ndarray:
    """The file read whole (`Format.columns`), as training read a CSV file before."""
    names, column = CSV.columns(path, header)
    return np.column_stack([column(j) for j in range(len(names))])


def copied(path, header: bool = True) -> np.ndarray:
    """The scratch copy training reads, [X y]; it must be a copy, not a whole read."""
    table = read_table(path, header=header)
    assert isinstance(table.X.base, np.memmap), "read whole, not through the scratch copy"
    return np.column_stack([table.X, table.y])


def decimal_text(n: int, seed: int) -> str:
    """Random decimals of every magnitude in three spellings, with the awkward ones (0.1,
    1e-300, -0.0, 123456789.123456789, subnormals, the largest double) sprinkled in, and an
    integer column."""
    rng = np.random.default_rng(seed)
    special = ["0.1", "1e-300", "-0.0", "123456789.123456789", "5e-324", "2.5e-310"]
    special += ["1.7976931348623157e308", "0.30000000000000004", "1E5", "+3.5", ".5", "7."]
    values = rng.standard_normal((n, 4)) * 10.0 ** rng.integers(-300, 300, (n, 4))
    lines = ["a,b,c,k,y"]
    for i, row in enumerate(values):
        cells = [(repr, "{:.17g}".format, "{:.6f}".format)[i % 3](float(v)) for v in row]
        if i % 7 == 0:
            cells[i % 4] = special[i % len(special)]
        cells.insert(3, str(int(rng.integers(-(10**18), 10**18))) if i % 5 else "-0")
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def test_the_copy_holds_every_decimal_as_python_parses_it(here, small_blocks):  # noqa: F811
    text = decimal_text(2000, seed=3)
    path = here / "d.csv"
    path.write_text(text)
    got = copied(path)
    assert got.shape == (2000, 5)
    assert got.tobytes() == python_floats(text).tobytes()
    assert got.tobytes() == whole_read(path).tobytes()
    assert list((here / "scratch").iterdir()) == []  # the scratch file has no name left


@pytest.mark.parametrize(
    ("bom", "newline", "last_newline"),
    [(False, "\r\n", True), (True, "\n", True), (False, "\n", False), (True, "\r\n", False)],
    ids=["crlf", "bom", "no-final-newline", "bom-crlf-no-final-newline"],
)
def test_rows_split_across_blocks(here, small_blocks, bom, newline, last_newline):  # noqa: F811
    """Rows of ~60 bytes in 4 KiB blocks: most blocks end inside a row; quoted numbers too;
    the copy equals a whole read."""
    rng = np.random.default_rng(5)
    rows = [[repr(float(v)) for v in rng.standard_normal(3)] for _ in range(700)]
    for row in rows[::13]:
        row[1] = f'"{row[1]}"'  # quoted numbers are numbers
    text = newline.join(["x,z,y", *(",".join(r) for r in rows)])
    text = ("\ufeff" if bom else "") + text + (newline if last_newline else "")
    path = here / "d.csv"
    path.write_bytes(text.encode())
    assert path.stat().st_size > 8 * SMALL  # several batches
    got = copied(path)
    expected = python_floats(text.replace('"', "").replace("\r\n", "\n"))
    assert got.shape == (700, 3) and got.tobytes() == expected.tobytes()
    assert got.tobytes() == whole_read(path).tobytes()


def test_a_file_without_a_header_is_copied_in_batches(here, small_blocks):  # noqa: F811
    text = decimal_text(600, seed=8).split("\n", 1)[1]
    path = here / "d.csv"
    path.write_text(text)
    table = read_table(path, header=False)
    assert table.feature_names == ["x1", "x2", "x3", "x4"] and table.target_name == "x5"
    got = copied(path, header=False)
    assert got.tobytes() == python_floats(text, header=False).tobytes()


def test_an_integer_column_with_a_decimal_in_a_later_block_is_read_whole(here, small_blocks):  # noqa: F811
    """The first block says integers; the whole file says decimals: the whole read's types."""
    lines = ["a,y", *(f"{i},{-i}" for i in range(1000)), "2.5,-0"]
    path = here / "d.csv"
    path.write_text("\n".join(lines))
    table = read_table(path)
    expected = python_floats("\n".join(lines))
    assert np.column_stack([table.X, table.y]).tobytes() == expected.tobytes()


def test_a_quoted_newline_across_a_block_boundary_is_named_as_before(lin, here, small_blocks):  # noqa: F811
    rows = [f"{i}.5,{i}" for i in range(600)]
    ends = np.cumsum([len("a,y\n")] + [len(r) + 1 for r in rows])  # where each row ends
    i = int(np.searchsorted(ends, SMALL)) - 1  # the row across the first block's end
    rows[i] = '"4' + "0" * (SMALL - ends[i]) + '\n5",1'  # its newline in the next block
    text = "\n".join(["a,y", *rows]) + "\n"
    assert text.index('\n5"') > SMALL > text.index('"4')
    (here / "d.csv").write_text(text)
    before = snapshot(here)
    run = lin("train", "--data", "d.csv", "--epochs", "1")
    words = ("d.csv", f"column 'a', row {i + 1}", "is not a number")
    assert_refused(run, here, before, words=words)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("abc", ("column 'b', row 900", "'abc' is not a number")),
        ("inf", ("column 'b', row 900", "inf is not finite")),
        ("", ("column 'b', row 900", "empty cell")),
        ("1,5", ("line 901 has 4 cells where the header has 3", "1.0,1,5,2.0")),  # 1 too many
    ],
    ids=["text", "inf", "empty", "comma"],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_bad_cell_in_the_last_block(lin, here, small_blocks, cell, words, as_json):  # noqa: F811
    """Named as a whole read names it, and nothing is left: no scratch file."""
    rows = [f"{i}.25,{i % 7}.5,{i}" for i in range(900)]
    rows[-1] = f"1.0,{cell},2.0"
    (here / "d.csv").write_text("\n".join(["a,b,y", *rows]) + "\n")
    before = snapshot(here)
    run = lin("train", "--data", "d.csv", "--epochs", "1", *["--json"] * as_json)
    assert_refused(run, here, before, as_json=as_json, words=("d.csv", *words))
    assert list((here / "scratch").iterdir()) == []


def test_a_full_temporary_folder(lin, here, small_blocks, monkeypatch):  # noqa: F811
    """While copying: each batch is appended with write(), where a full folder is ENOSPC,
    one clear line."""
    import errno
    import os

    from linscratch.data.formats import scratch

    real = scratch._append_blocks

    class FullFile:
        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full(blocks, names, path, f):
        return real(blocks, names, path, FullFile())

    monkeypatch.setattr(scratch, "_append_blocks", full)
    (here / "d.csv").write_text("a,y\n" + "".join(f"{i},{i}.5\n" for i in range(900)))
    before = snapshot(here)
    run = lin("train", "--data", "d.csv", "--epochs", "1")
    assert_refused(run, here, before, words=("d.csv", "scratch copy", "No space left"))


def test_no_scratch_file_reads_the_file_whole(here, monkeypatch):  # noqa: F811
    """A temporary folder where no file can be made: the file is read whole, as before."""
    import tempfile

    def refused(**kwargs):
        raise PermissionError(13, "Permission denied")

    text = decimal_text(300, seed=4)
    (here / "d.csv").write_text(text)
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    table = read_table(here / "d.csv")
    assert not isinstance(table.X.base, np.memmap)
    got = np.column_stack([table.X, table.y])
    assert got.tobytes() == python_floats(text).tobytes()


@pytest.mark.slow
def test_copying_holds_a_few_blocks_not_the_table(tmp_path):
    """A 24 MB table (150,000 x 20 float64, 36 MB of text) in 64 KiB blocks: numpy's
    allocations (tracemalloc) and Arrow's pool (its blocks read ahead, up to 32) each peak
    well under a quarter of the table; reading it whole held the text's table and the
    float64 columns."""
    rng = np.random.default_rng(2)
    path = tmp_path / "d.csv"
    with open(path, "w") as f:
        f.write(",".join(f"c{j}" for j in range(20)) + "\n")
        np.savetxt(f, rng.standard_normal((150_000, 20)), fmt="%.9g", delimiter=",")
    code = (
        "import tracemalloc, numpy as np, pyarrow as pa, polars\n"  # (imports not counted)
        "from linscratch.data.files import read_table\n"
        "from linscratch.data.formats import csv\n"
        "csv.BLOCK_BYTES, csv.BLOCK_ROWS = 1 << 16, 3000\n"
        "tracemalloc.start()\n"
        f"t = read_table({str(path)!r})\n"
        "assert isinstance(t.X.base, np.memmap) and t.X.shape == (150000, 19)\n"
        "print(tracemalloc.get_traced_memory()[1], pa.default_memory_pool().max_memory())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    numpy_peak, arrow_peak = map(int, out.stdout.split())
    table = 150_000 * 20 * 8
    assert numpy_peak < table / 4, (numpy_peak, table)
    assert arrow_peak < table / 4, (arrow_peak, table)
