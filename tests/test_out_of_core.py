"""Out-of-core: make-data writes in chunks; training from a memory-mapped NPY file reads it in
place (no copy of the data) and equals training on the same data in memory."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from linscratch.cli import make_data
from linscratch.data.files import read_table
from linscratch.spec import RunSpec
from linscratch.train.engines.compiled import CompiledEngine
from linscratch.train.plan import make_plan


def test_make_data_npy_and_parquet_hold_the_same_rows(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(make_data, "CHUNK_ROWS", 1000)  # several chunks in a small file
    run = cli(
        "make-data",
        "--num-examples",
        "2500",
        "--num-features",
        "3",
        "--seed",
        "4",
        "--out",
        str(tmp_path / "d.npy"),
        "--json",
    )
    assert run.code == 0, run.err
    info = run.json
    assert info["rows"] == 2500 and len(info["true_w"]) == 3
    cli(
        "make-data",
        "--num-examples",
        "2500",
        "--num-features",
        "3",
        "--seed",
        "4",
        "--out",
        str(tmp_path / "d.parquet"),
    )
    npy = np.load(tmp_path / "d.npy")
    table = pq.read_table(tmp_path / "d.parquet")
    assert npy.shape == (2500, 4) and npy.dtype == np.float32
    assert table.column_names == ["x1", "x2", "x3", "y"] and table.num_rows == 2500
    np.testing.assert_array_equal(np.c_[[table.column(j).to_numpy() for j in range(4)]].T, npy)
    X, y = npy[:, :3].astype(np.float64), npy[:, 3].astype(np.float64)
    residual = y - X @ info["true_w"] - info["true_b"]
    assert 0.008 < residual.std() < 0.012  # noise 0.01, as the book's


def test_make_data_refuses_to_overwrite_and_bad_names(cli, tmp_path):
    out = tmp_path / "d.npy"
    out.write_bytes(b"mine")
    run = cli("make-data", "--num-examples", "10", "--out", str(out))
    assert run.code == 2 and out.read_bytes() == b"mine"
    run = cli("make-data", "--num-examples", "10", "--out", str(tmp_path / "d.csv"))
    assert run.code == 2 and ".npy or .parquet" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npy"]


def test_a_memory_mapped_file_is_read_in_place(tmp_path):
    data = np.random.default_rng(0).normal(size=(5000, 4)).astype(np.float32)
    np.save(tmp_path / "d.npy", data)
    table = read_table(tmp_path / "d.npy")
    assert not table.X.flags.owndata and not table.y.flags.owndata  # views of the file
    assert isinstance(table.X.base, np.memmap) or isinstance(table.X.base.base, np.memmap)
    import torch

    plan = make_plan(RunSpec.build(engine="compiled"), 5000, 3, 4)
    engine = CompiledEngine(
        table.X, table.y.reshape(-1, 1), torch.zeros(3, 1), torch.zeros(1), plan
    )
    assert not engine.X.flags.owndata and engine.X.shape == (5000, 4)  # the rows, in place
    np.testing.assert_array_equal(engine.X[:, :3], data[:, :3])


@pytest.mark.parametrize("shuffle", ["block", "full"])
def test_training_from_the_file_equals_training_in_memory(cli, tmp_path, shuffle):
    cli(
        "make-data",
        "--num-examples",
        "3000",
        "--num-features",
        "2",
        "--seed",
        "1",
        "--out",
        str(tmp_path / "d.npy"),
    )
    args = ("--epochs", "2", "--seed", "3", "--engine", "compiled", "--shuffle", shuffle, "--json")
    streamed = cli("train", "--data", str(tmp_path / "d.npy"), *args).json
    data = np.load(tmp_path / "d.npy")
    np.save(tmp_path / "copy.npy", np.ascontiguousarray(data[:, [0, 1, 2]]))
    # the same values through the copying path: features chosen explicitly, in another order
    in_memory = cli("train", "--data", str(tmp_path / "copy.npy"), "--features", "1,0", *args)
    assert in_memory.code == 0
    assert streamed["w"] == pytest.approx(in_memory.json["w"][::-1], rel=1e-5)
    assert streamed["ols"]["w"] == pytest.approx(in_memory.json["ols"]["w"][::-1], rel=1e-9)
    assert {"ols", "stability", "loss_gap", "r2"} <= streamed.keys()  # a full report
    assert streamed["data"]["rows"] == 3000 and len(streamed["epochs"]) == 2


def test_nan_in_a_memory_mapped_file_is_named(cli, tmp_path):
    data = np.ones((300_000, 3), dtype=np.float32)
    data[270_001, 1] = np.nan
    np.save(tmp_path / "d.npy", data)
    run = cli("train", "--data", str(tmp_path / "d.npy"))
    assert run.code == 2 and "column '1', row 270002" in run.err


@pytest.mark.slow
def test_training_from_a_file_with_numba_never_imports_torch(tmp_path):
    """What keeps an out-of-core run small: PyTorch alone would take about 300 MiB."""
    import subprocess
    import sys

    np.save(tmp_path / "d.npy", np.random.default_rng(0).normal(size=(500, 3)).astype(np.float32))
    code = (
        "import sys, io, contextlib\n"
        "from linscratch.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['train', '--data', {str(tmp_path / 'd.npy')!r}, '--engine', 'compiled',"
        " '--json']) == 0\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_parquet_is_streamed_by_row_group_and_equals_npy(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(make_data, "CHUNK_ROWS", 700)  # several row groups
    for ext in ("npy", "parquet"):
        cli(
            "make-data",
            "--num-examples",
            "2000",
            "--seed",
            "6",
            "--out",
            str(tmp_path / f"d.{ext}"),
        )
    table = read_table(tmp_path / "d.parquet")
    assert not table.X.flags.owndata  # a memory-mapped scratch copy, not a loaded table
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npy", "d.parquet"]  # no scratch
    args = ("--epochs", "2", "--seed", "1", "--engine", "compiled", "--json")
    from_npy = cli("train", "--data", str(tmp_path / "d.npy"), *args).json
    from_parquet = cli("train", "--data", str(tmp_path / "d.parquet"), *args).json
    assert from_parquet["w"] == from_npy["w"] and from_parquet["epochs"] == from_npy["epochs"]
    assert from_parquet["data"]["features"] == ["x1", "x2"]


def test_a_bad_cell_in_a_later_row_group_is_named_by_its_row_in_the_file(cli, tmp_path):
    import pyarrow as pa

    values = np.ones(3000)
    values[2500] = np.inf
    table = pa.table({"a": np.arange(3000.0), "y": values})
    pq.write_table(table, tmp_path / "d.parquet", row_group_size=1000)
    run = cli("train", "--data", str(tmp_path / "d.parquet"))
    assert run.code == 2 and "column 'y', row 2501: inf is not finite" in run.err


@pytest.mark.parametrize("value", [-1e18, 1e18, -np.inf])
def test_a_bad_value_in_a_later_block_of_a_memory_mapped_file_is_named(cli, tmp_path, value):
    """The file's one pass looks at blocks' max and min; the cell is then found and named."""
    data = np.ones((300_000, 3), dtype=np.float32)
    data[270_001, 0] = value
    np.save(tmp_path / "d.npy", data)
    run = cli("train", "--data", str(tmp_path / "d.npy"), "--no-standardize")  # float32 rows
    assert run.code == 2 and "column '0', row 270002" in run.err
    assert ("not finite" in run.err) == (value == -np.inf)


@pytest.mark.parametrize("ext", ["npy", "parquet"])
def test_reading_a_file_measures_its_magnitudes_in_the_same_pass(cli, tmp_path, monkeypatch, ext):
    """Regression: the magnitude check read a file's rows a second time, after the check that
    they are finite (0.2 s of 2 s at 2,000,000 x 100)."""
    from linscratch.data import dataset as sources

    def second_pass(a):
        raise AssertionError("the rows were read again")

    cli("make-data", "--num-examples", "500", "--seed", "2", "--out", str(tmp_path / f"d.{ext}"))
    monkeypatch.setattr(sources, "_largest", second_pass)
    assert cli("train", "--data", str(tmp_path / f"d.{ext}"), "--epochs", "1").code == 0


def test_parquet_read_a_few_columns_at_a_time_equals_npy(cli, tmp_path, monkeypatch):
    """Row groups, groups of columns and row-major blocks that do not divide them: the
    scratch copy holds every cell where the NPY file has it."""
    from linscratch.data.formats import scratch as views

    monkeypatch.setattr(make_data, "CHUNK_ROWS", 700)  # row groups of 700 rows
    monkeypatch.setattr(views, "GROUP_BYTES", 2 * 700 * 4)  # two columns at a time
    monkeypatch.setattr(views, "BLOCK_BYTES", 2 * 33 * 4)  # 33 rows through the block
    for ext in ("npy", "parquet"):
        out = str(tmp_path / f"d.{ext}")
        cli(
            "make-data",
            "--num-examples",
            "2000",
            "--num-features",
            "4",
            "--seed",
            "7",
            "--out",
            out,
        )
    table, A = read_table(tmp_path / "d.parquet"), np.load(tmp_path / "d.npy")
    assert np.array_equal(table.X, A[:, :4]) and np.array_equal(table.y, A[:, 4])
    assert table.largest == np.abs(A).max()


def test_an_empty_cell_in_a_later_group_of_columns_is_named(cli, tmp_path, monkeypatch):
    import pyarrow as pa

    from linscratch.data.formats import scratch as views

    monkeypatch.setattr(views, "GROUP_BYTES", 1000 * 8)  # one column at a time
    values = pa.array([1.0] * 2500 + [None] + [1.0] * 499)
    table = pa.table({"a": np.arange(3000.0), "b": np.ones(3000), "y": values})
    pq.write_table(table, tmp_path / "d.parquet", row_group_size=1000)
    run = cli("train", "--data", str(tmp_path / "d.parquet"))
    assert run.code == 2 and "column 'y', row 2501: empty cell" in run.err


def test_a_full_temporary_folder_is_one_line_and_leaves_no_scratch(cli, tmp_path, monkeypatch):
    """Regression: the scratch copy was written through its mapping, where a full folder is a
    crash (SIGBUS) at the first page with no room; its space is now claimed first."""
    import errno
    import os

    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    cli("make-data", "--num-examples", "500", "--seed", "2", "--out", str(tmp_path / "d.parquet"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(os, "posix_fallocate", full)
    run = cli("train", "--data", str(tmp_path / "d.parquet"))
    assert run.code == 2 and "scratch copy" in run.err and "No space left" in run.err
    assert list((tmp_path / "tmp").iterdir()) == []


def test_reading_parquet_never_imports_pandas(tmp_path):
    """pyarrow's `to_numpy` imports pandas on first use (0.35 s); the columns are read from
    their buffers instead."""
    import subprocess
    import sys

    import pyarrow as pa

    path = str(tmp_path / "d.parquet")
    chunks = pa.chunked_array([[1.0], [2.0, 5.0]])  # two chunks, the second with an offset
    pq.write_table(pa.table({"a": chunks, "y": pa.array([3, 4, 6], pa.int8())}), path)
    code = (
        "import sys\n"
        "from linscratch.data.files import read_table\n"
        f"t = read_table({path!r})\n"
        "assert t.X.tolist() == [[1.0], [2.0], [5.0]] and t.y.tolist() == [3.0, 4.0, 6.0], t\n"
        "assert 'pandas' not in sys.modules, 'pandas was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_column_is_read_from_its_buffers_with_their_offsets():
    import pyarrow as pa

    from linscratch.data.columns import numeric

    column = pa.chunked_array(
        [pa.array([1, 2, 3], pa.int16()), pa.array([7, 8, 9], pa.int16())[1:]]
    )
    assert numeric(pa.chunked_array([pa.array([1.5, 2.5, 3.5])[1:]]), "a", "f").tolist() == [
        2.5,
        3.5,
    ]
    assert numeric(column.slice(1), "a", "f", dtype=np.float32).tolist() == [2, 3, 8, 9]
