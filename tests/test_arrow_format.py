"""Arrow IPC / Feather files (`.arrow`, `.feather`), a format of `data.formats`: make-data
writes them, train reads them (memory-mapped where uncompressed, a record batch and a group of
columns at a time where compressed) to the same bits as the same table in NPY or CSV, predict
--keep-columns copies their rows, and a file that lies about itself, is cut short or holds a
column that is not numbers is refused in one line (`test_hostile.assert_refused`)."""

# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
from test_hostile import (  # noqa: F401  (lin, here and the imports: fixtures)
    GOOD,
    _imports_done_before_timing,
    assert_refused,
    csv_text,
    good_parquet,
    here,
    lin,
    snapshot,
    write_model,
)

from linscratch.cli import make_data
from linscratch.data.files import column_names, read_table
from linscratch.data.formats import FORMATS, scratch


def arrow_bytes(columns: dict, compression=None, chunk=None) -> bytes:
    """An Arrow IPC file of `columns`, record batches of `chunk` rows, `compression` or none."""
    table = pa.table(columns)
    sink = io.BytesIO()
    options = ipc.IpcWriteOptions(compression=compression)
    with ipc.new_file(sink, table.schema, options=options) as writer:
        for batch in table.to_batches(max_chunksize=chunk):
            writer.write_batch(batch)
    return sink.getvalue()


def good_arrow(**kw) -> bytes:
    return arrow_bytes({name: GOOD[:, j] for j, name in enumerate("aby")}, **kw)


def make(cli, path: Path, n: int, d: int, dtype: str, seed: int = 3) -> dict:
    args = ["--num-examples", n, "--num-features", d, "--seed", seed, "--dtype", dtype]
    run = cli("make-data", *map(str, args), "--out", str(path), "--json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def train(cli, path: Path, *extra: str) -> dict:
    run = cli("train", "--data", str(path), "--seed", "1", "--epochs", "2", "--json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_make_data_writes_the_rows_of_its_npy_file_uncompressed(cli, tmp_path, monkeypatch, dtype):
    monkeypatch.setattr(make_data, "CHUNK_ROWS", 700)  # several record batches
    make(cli, tmp_path / "d.npy", 2000, 3, dtype)
    for name in ("d.feather", "d.arrow"):
        make(cli, tmp_path / name, 2000, 3, dtype)
        before = pa.total_allocated_bytes()
        reader = ipc.open_file(pa.memory_map(str(tmp_path / name)))
        table = reader.read_all()
        assert reader.num_record_batches == 3 and table.column_names == ["x1", "x2", "x3", "y"]
        assert all(t == pa.from_numpy_dtype(np.dtype(dtype)) for t in table.schema.types)
        stored = np.column_stack([table.column(j).to_numpy() for j in range(4)])
        np.testing.assert_array_equal(stored, np.load(tmp_path / "d.npy"))
        # uncompressed: read from the mapping in place, nothing allocated for the columns
        assert pa.total_allocated_bytes() - before < 4096
        del table, reader


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_training_on_arrow_is_bit_identical_to_npy(cli, tmp_path, dtype):
    make(cli, tmp_path / "d.npy", 3000, 4, dtype)
    make(cli, tmp_path / "d.feather", 3000, 4, dtype)
    npy, arrow = train(cli, tmp_path / "d.npy"), train(cli, tmp_path / "d.feather")
    for key in ("w", "b", "epochs", "loss", "ols", "r2", "rmse"):
        assert arrow[key] == npy[key], key
    assert arrow["config"]["dtype"] == npy["config"]["dtype"]


def test_training_on_arrow_is_bit_identical_to_csv(cli, tmp_path):
    """float64 cells written as their shortest repr: the CSV holds the same numbers."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 3))
    y = X @ [1.5, -2.0, 0.5] + 1.0 + rng.normal(0, 0.1, 400)
    columns = {"p": X[:, 0], "q": X[:, 1], "r": X[:, 2], "y": y}
    (tmp_path / "d.arrow").write_bytes(arrow_bytes(columns, chunk=128))
    lines = ["p,q,r,y"] + [",".join(map(repr, row)) for row in np.column_stack([X, y]).tolist()]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    for extra in ((), ("--standardize",), ("--target", "p", "--features", "r,q")):
        from_csv, from_arrow = (
            train(cli, tmp_path / "d.csv", *extra),
            train(cli, tmp_path / "d.arrow", *extra),
        )
        for key in ("w", "b", "epochs", "loss", "ols", "r2", "rmse"):
            assert from_arrow[key] == from_csv[key], (key, extra)


@pytest.mark.parametrize("compression", ["zstd", "lz4"])
def test_a_compressed_file_is_read_a_batch_and_a_group_of_columns_at_a_time(
    tmp_path, monkeypatch, compression
):
    rng = np.random.default_rng(1)
    A = rng.normal(size=(1000, 6))
    columns = {f"c{j}": A[:, j] for j in range(6)}
    (tmp_path / "plain.arrow").write_bytes(arrow_bytes(columns, chunk=300))
    (tmp_path / "packed.arrow").write_bytes(arrow_bytes(columns, compression, chunk=300))
    opened = []
    real = ipc.open_file

    def spy(source, options=None, **kw):
        opened.append(None if options is None else list(options.included_fields))
        return real(source, options=options, **kw)

    monkeypatch.setattr(ipc, "open_file", spy)
    monkeypatch.setattr(scratch, "GROUP_BYTES", 2 * 300 * 8)  # two columns at a time
    monkeypatch.setattr(scratch, "BLOCK_BYTES", 2 * 33 * 8)
    packed = read_table(tmp_path / "packed.arrow")
    # four record batches: three of 300 rows, each read as three groups of two columns, and
    # one of 100 rows, whose six columns fit in one group
    groups = [fields for fields in opened if fields and len(fields) > 1]
    assert groups == [[0, 1], [2, 3], [4, 5]] * 3 + [[0, 1, 2, 3, 4, 5]]
    plain = read_table(tmp_path / "plain.arrow")
    for table in (packed, plain):
        assert np.array_equal(table.X, A[:, :5]) and np.array_equal(table.y, A[:, 5])
        assert table.largest == np.abs(A).max() and table.feature_names == list(columns)[:5]


def test_a_whole_uncompressed_file_is_read_in_place(tmp_path):
    """The format's whole read of an uncompressed file allocates nothing for its columns; a
    compressed one's are decompressed into memory."""
    A = np.arange(40_000.0).reshape(10_000, 4)
    columns = {f"c{j}": A[:, j] for j in range(4)}
    (tmp_path / "plain.arrow").write_bytes(arrow_bytes(columns))
    (tmp_path / "packed.arrow").write_bytes(arrow_bytes(columns, "zstd"))
    fmt = FORMATS["arrow"]
    before = pa.total_allocated_bytes()
    names, column = fmt.columns(tmp_path / "plain.arrow", True)
    assert pa.total_allocated_bytes() - before < 4096
    names, column = fmt.columns(tmp_path / "packed.arrow", True)
    assert pa.total_allocated_bytes() - before >= A.nbytes
    assert names == ["c0", "c1", "c2", "c3"] and np.array_equal(column(2), A[:, 2])


def test_weights_and_chosen_columns_read_the_file_whole(tmp_path):
    w = np.linspace(0.5, 2.0, len(GOOD))
    columns = {"a": GOOD[:, 0], "wt": w, "b": GOOD[:, 1], "y": GOOD[:, 2]}
    (tmp_path / "d.feather").write_bytes(arrow_bytes(columns, "lz4", chunk=7))
    table = read_table(tmp_path / "d.feather", target="y", features=["b", "a"], weights="wt")
    assert np.array_equal(table.X, GOOD[:, [1, 0]]) and np.array_equal(table.weights, w)
    assert column_names(tmp_path / "d.feather") == ["a", "wt", "b", "y"]


def test_predict_keeps_an_arrow_files_columns(cli, tmp_path):
    (tmp_path / "d.arrow").write_bytes(good_arrow(chunk=6))
    write_model(tmp_path / "m.json")
    run = cli(
        "predict", "--model", str(tmp_path / "m.json"), "--data", str(tmp_path / "d.arrow"),
        "--keep-columns", "--output", str(tmp_path / "p.csv"),
    )  # fmt: skip
    assert run.code == 0, run.err
    rows = list(csv.reader((tmp_path / "p.csv").open()))
    assert rows[0] == ["a", "b", "y", "prediction"] and len(rows) == len(GOOD) + 1
    expected = GOOD[:, :2] @ [2.0, -3.4] + 4.2
    for row, values, p in zip(rows[1:], GOOD.tolist(), expected.tolist(), strict=True):
        assert row == [*map(repr, values), repr(p)]
    # the same predictions as from the same table in CSV, whose cells are kept as written
    (tmp_path / "d.csv").write_text(csv_text())
    run = cli(
        "predict", "--model", str(tmp_path / "m.json"), "--data", str(tmp_path / "d.csv"),
        "--keep-columns",
    )  # fmt: skip
    assert run.out.splitlines() == [",".join(row) for row in rows]


def test_make_data_and_help_list_the_new_suffixes(cli, tmp_path):
    run = cli("make-data", "--num-examples", "5", "--out", str(tmp_path / "d.csv"))
    assert run.code == 2 and ".npy or .parquet or .arrow or .feather" in run.err
    run = cli("train", "--data", str(tmp_path / "d.txt"))
    assert run.code == 2 and "expected .csv, .parquet, .npy, .arrow or .feather" in run.err
    run = cli("train", "--help")
    assert "a .csv, .parquet, .npy, .arrow or .feather table" in " ".join(run.out.split())
    run = cli("train", "--data", str(tmp_path / "d.txt"), "--lang", "zh")
    assert "应为 .csv、.parquet、.npy、.arrow 或 .feather" in run.err


# ---------------------------------------------------------------------------------------------
# Hostile Arrow files: one line, exit 2, nothing left behind
# ---------------------------------------------------------------------------------------------


def cut_short(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def twice() -> bytes:
    """Two columns named alike (pyarrow writes them)."""
    table = pa.table([GOOD[:, 0], GOOD[:, 1], GOOD[:, 2]], names=["a", "a", "y"])
    sink = io.BytesIO()
    with ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def damaged(data: bytes) -> bytes:
    """Both ends whole, the footer in between overwritten."""
    return data[:8] + b"\x00" * (len(data) - 16) + data[-8:]


CASES = [
    ("lies.csv", good_arrow(), ["holds an Arrow IPC (Feather) file, not CSV", ".arrow"]),
    ("lies.feather", csv_text().encode(), ["holds text, not Arrow IPC (Feather)", ".csv"]),
    ("lies.arrow", good_parquet(), ["holds a Parquet table, not Arrow IPC", ".parquet"]),
    ("short.feather", cut_short(good_arrow()), ["without its end", "cut short"]),
    ("short.arrow", cut_short(good_arrow(compression="zstd", chunk=5)), ["without its end"]),
    ("damaged.arrow", damaged(good_arrow()), ["cannot read it"]),
    (
        "text.feather",
        arrow_bytes({"a": GOOD[:, 0], "b": ["1.5"] * 19 + ["abc"], "y": GOOD[:, 2]}),
        ["column 'b', row 20", "'abc' is not a number"],
    ),
    (
        "empty.arrow",
        arrow_bytes({"a": pa.array([], pa.float64()), "y": pa.array([], pa.float64())}),
        ["has a header but no rows"],
    ),
    (
        "hole.feather",
        arrow_bytes({"a": GOOD[:, 0], "b": [1.0] * 12 + [None] * 8, "y": GOOD[:, 2]}, chunk=6),
        ["column 'b', row 13: empty cell"],
    ),
    ("twice.arrow", twice(), ["columns 1 and 2 are both named 'a'"]),
    (
        "nan.arrow",
        arrow_bytes({"a": [1.0, np.nan, 3.0], "b": [1.0] * 3, "y": [1.0, 2.0, 3.0]}),
        ["column 'a', row 2: nan is not finite"],
    ),
]


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize(("name", "data", "words"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["train", "predict"])
def test_a_hostile_arrow_file_is_refused_in_one_line(
    lin, here, name, data, words, command, as_json
):
    (here / name).write_bytes(data)
    write_model(here / "model.json")
    before = snapshot(here)
    if command == "train":
        args = ["train", "--data", name, "--seed", "1"]
    else:
        args = ["predict", "--model", "model.json", "--data", name, "--keep-columns"]
        args += ["--output", "preds.csv"]
        if name == "empty.arrow":
            words = ["lacks the model's columns"]  # its columns are read before its rows
    run = lin(*args, *(["--json"] if as_json else []), limit=10)
    assert_refused(run, here, before, as_json=as_json, words=words)


def test_a_headerless_arrow_file_is_refused(lin, here):
    (here / "d.arrow").write_bytes(good_arrow())
    before = snapshot(here)
    run = lin("train", "--data", "d.arrow", "--no-header")
    assert_refused(run, here, before, words=["is not a CSV file"])


def test_the_refusals_speak_chinese(lin, here):
    (here / "short.feather").write_bytes(cut_short(good_arrow()))
    (here / "lies.csv").write_bytes(good_arrow())
    run = lin("train", "--data", "short.feather", "--lang", "zh")
    assert run.code == 2 and run.err == (
        "linscratch train: 错误：short.feather：Arrow IPC（Feather）文件缺少结尾"
        "（被截断，或仍在写入）\n"
    )
    run = lin("train", "--data", "lies.csv", "--lang", "zh")
    assert run.code == 2 and run.err == (
        "linscratch train: 错误：lies.csv 存的是Arrow IPC（Feather）文件，不是 CSV；"
        "请把它改名为以 .arrow 结尾\n"
    )
