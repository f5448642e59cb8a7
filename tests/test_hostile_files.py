"""Hostile files that lie about themselves: a data file or a model whose bytes are not what its
name says (an NPZ archive, gzip data, UTF-16 text, a pickle, random bytes, another format), an
NPY header that is impossible, a symbolic link loop, an array without columns, a CSV without a
header or with semicolons and decimal commas, `predict --output` with a suffix it would not
write, and a model file whose fields no saved model has.

Each refusal is held to `test_hostile.assert_refused`'s whole promise (one line, exit 2, the
JSON error object, nothing written). The lies are a generated family: every kind of content
under every data suffix it is not, through train, predict and sweep. The pickles here would
create a file named PWNED if anything unpickled them: the snapshot of the folder shows it.
"""

# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)
from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from test_hostile import (  # noqa: F401  (lin, here and the imports: fixtures)
    GOOD,
    _imports_done_before_timing,
    _no_permission_prefix,
    assert_refused,
    assert_works,
    csv_text,
    data_command,
    good_parquet,
    here,
    lin,
    npy_bytes,
    run_process,
    snapshot,
    write_model,
)

NEVER = ("allow_pickle", "Traceback")  # no invitation to unpickle, no library's traceback


class Opens:
    """An object whose unpickling creates the file PWNED: what a hostile pickle could do."""

    def __reduce__(self):
        return (open, ("PWNED", "w"))


def _pickle() -> bytes:
    import pickle

    return pickle.dumps([Opens(), GOOD], protocol=4)


def _npz() -> bytes:
    sink = io.BytesIO()
    np.savez(sink, GOOD)
    return sink.getvalue()


def _xlsx() -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return sink.getvalue()


def _random() -> bytes:
    return np.random.default_rng(7).bytes(600)


def _utf16() -> bytes:
    return csv_text().encode("utf-16")  # with its byte-order mark


def _utf16_no_bom() -> bytes:
    return csv_text().encode("utf-16-le")


# The contents a file can have, and what the one line must call it: (id, bytes, words).
CONTENTS = {
    "csv": (lambda: csv_text().encode(), (("text", "csv"),)),
    "parquet": (good_parquet, ("parquet",)),
    "npy": (lambda: npy_bytes(GOOD), ("npy",)),
    "npz": (_npz, ("npz",)),
    "gzip": (lambda: gzip.compress(csv_text().encode()), ("gzip",)),
    "bzip2": (lambda: bz2.compress(csv_text().encode()), ("bzip2",)),
    "utf16": (_utf16, ("utf-16",)),
    "utf16-no-bom": (_utf16_no_bom, ("utf-16",)),
    "pickle": (_pickle, ("pickle",)),
    "xlsx": (_xlsx, ("excel",)),
    "random-bytes": (_random, ("binary",)),
}
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".npy": "npy"}
EXPECTED = {".csv": "CSV", ".parquet": "Parquet", ".npy": "NPY"}


def _lies():
    for suffix, own in SUFFIXES.items():
        for kind in CONTENTS:
            if kind == own:
                continue
            for command in ("train", "predict", "sweep"):
                for as_json in (False, True):
                    tail = "-json" if as_json else ""
                    yield pytest.param(suffix, kind, command, as_json, id=f"{kind}-as{suffix}-"
                                       f"{command}{tail}")  # fmt: skip


@pytest.mark.parametrize(("suffix", "kind", "command", "as_json"), list(_lies()))
def test_a_file_whose_bytes_are_not_its_suffix_is_told_for_what_it_is(
    lin, here, suffix, kind, command, as_json
):
    make, words = CONTENTS[kind]
    name = "lies" + suffix
    (here / name).write_bytes(make())
    write_model(here / "model.json")
    before = snapshot(here)
    args = data_command(command, name) + ["--json"] * as_json
    run = lin(*args, limit=10)
    assert_refused(
        run,
        here,
        before,
        as_json=as_json,
        words=(name, *words, EXPECTED[suffix]),
        absent=NEVER,
        seconds=5,
    )


# ---------------------------------------------------------------------------------------------
# NPY headers that no array can have
# ---------------------------------------------------------------------------------------------


def _npy_with_shape(shape: str) -> bytes:
    """The good NPY file (format 1.0) with its header's shape replaced by `shape`, the header
    padded to its old length: only the shape lies."""
    data = npy_bytes(GOOD)
    length = int.from_bytes(data[8:10], "little")
    header = data[10 : 10 + length].decode("latin-1").rstrip()
    header = header.replace(repr(GOOD.shape), shape)
    assert len(header) < length
    return data[:10] + (header.ljust(length - 1) + "\n").encode("latin-1") + data[10 + length :]


def _object_npy() -> bytes:
    sink = io.BytesIO()
    arr = np.empty((2, 3), dtype=object)
    arr[:] = Opens()
    np.save(sink, arr, allow_pickle=True)
    return sink.getvalue()


def _header_text(text: bytes) -> bytes:
    body = text.ljust(118) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(body).to_bytes(2, "little") + body


BAD_NPY = [
    ("negative-rows", lambda: _npy_with_shape("(-2, 3)"), ("shape", "(-2, 3)")),
    ("negative-both", lambda: _npy_with_shape("(-1, -1)"), ("shape",)),
    ("rows-beyond-int64", lambda: _npy_with_shape("(99999999999999999999, 3)"), ("bytes",)),
    ("rows-1e14", lambda: _npy_with_shape("(99999999999999, 3)"), ("bytes",)),
    ("rows-2-to-62", lambda: _npy_with_shape("(4611686018427387904, 4)"), ("bytes",)),
    ("header-not-a-dict", lambda: _header_text(b"[1, 2, 3]"), ("header",)),
    ("header-shape-text", lambda: _header_text(
        b"{'descr': '<f8', 'fortran_order': False, 'shape': ('a', 3), }"), ("header",)),
    ("header-length-beyond-the-file", lambda: b"\x93NUMPY\x02\x00\xff\xff\xff\x00{", ("header",)),
    ("version-9", lambda: b"\x93NUMPY\x09\x00" + npy_bytes(GOOD)[8:], ("header",)),
    ("object-array-pickled", _object_npy, (("pickle", "objects"),)),
]  # fmt: skip


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("command", ["train", "predict", "sweep"])
@pytest.mark.parametrize(("make", "words"), [pytest.param(*c[1:], id=c[0]) for c in BAD_NPY])
def test_an_impossible_npy_header_is_one_line(lin, here, make, words, command, as_json):
    (here / "h.npy").write_bytes(make())
    write_model(here / "model.json", feature_names=["0", "1"], target_name="2")
    before = snapshot(here)
    run = lin(*data_command(command, "h.npy"), *["--json"] * as_json, limit=10)
    assert_refused(
        run, here, before, as_json=as_json, words=("h.npy", *words), absent=NEVER, seconds=5
    )


def test_the_npy_shape_rewriter_keeps_a_valid_file(here):
    """The helper above changes the shape and nothing else: the same shape reads back."""
    (here / "same.npy").write_bytes(_npy_with_shape("(20, 3)"))
    assert np.array_equal(np.load(here / "same.npy"), GOOD)
    (here / "fewer.npy").write_bytes(_npy_with_shape("(19, 3)"))
    assert np.load(here / "fewer.npy", mmap_mode="r").shape == (19, 3)


# ---------------------------------------------------------------------------------------------
# Arrays without columns, symbolic link loops
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("command", ["train", "predict", "sweep"])
def test_an_array_without_columns_says_so(lin, here, command, as_json):
    (here / "flat.npy").write_bytes(npy_bytes(np.empty((5, 0))))
    write_model(here / "model.json", feature_names=["0", "1"], target_name="2")
    before = snapshot(here)
    run = lin(*data_command(command, "flat.npy"), *["--json"] * as_json)
    words = ("flat.npy", "no columns")
    assert_refused(run, here, before, as_json=as_json, words=words, absent=("'-1'",), seconds=5)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(
    "args",
    [
        ["train", "--data", "loop.csv", "--seed", "1"],
        ["train", "--data", "loop.csv", "--seed", "1", "--save", "m2.json"],
        ["sweep", "--lr", "0.03", "--batch-size", "10", "--jobs", "1", "--data", "loop.csv"],
        ["predict", "--model", "model.json", "--data", "loop.csv"],
        ["predict", "--model", "model.json", "--data", "loop.csv", "--output", "p.csv"],
        ["predict", "--model", "loop.csv", "--data", "d.csv"],
    ],
    ids=["train", "train-save", "sweep", "predict", "predict-output", "model-is-a-loop"],
)
def test_a_symbolic_link_loop_is_one_line(lin, here, args, as_json):
    (here / "loop.csv").symlink_to("other.csv")
    (here / "other.csv").symlink_to("loop.csv")
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    before = snapshot(here)
    run = lin(*args, *["--json"] * as_json)
    words = ("loop.csv", "loop")
    assert_refused(run, here, before, as_json=as_json, words=words, absent=NEVER, seconds=5)


# ---------------------------------------------------------------------------------------------
# A CSV without a header; --no-header
# ---------------------------------------------------------------------------------------------

HEADERLESS = csv_text().split("\n", 1)[1]  # the good rows, no header line


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("command", ["train", "predict", "sweep"])
def test_a_csv_without_a_header_is_refused_with_the_fix(lin, here, command, as_json):
    (here / "raw.csv").write_text(HEADERLESS)
    write_model(here / "model.json")
    before = snapshot(here)
    run = lin(*data_command(command, "raw.csv"), *["--json"] * as_json)
    words = ("raw.csv", "--no-header", "header")
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=5)


def _least_squares(X, y):
    A = np.column_stack([X, np.ones(len(X))])
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    return theta[:-1], theta[-1]


def test_no_header_trains_on_every_row_with_columns_x1_to_xk(lin, here):
    (here / "raw.csv").write_text(HEADERLESS)
    report = assert_works(lin("train", "--data", "raw.csv", "--no-header", "--seed", "1", "--json"))
    assert report["data"]["features"] == ["x1", "x2"] and report["data"]["target"] == "x3"
    assert report["data"]["rows"] == len(GOOD)  # the first row is data, not names
    assert report["config"]["no_header"] is True
    w, b = _least_squares(GOOD[:, :2], GOOD[:, 2])  # numpy's, on all 20 rows
    assert np.allclose(report["ols"]["w"], w, rtol=1e-9, atol=1e-12)
    assert np.isclose(report["ols"]["b"], b, rtol=1e-9, atol=1e-12)


def test_no_header_takes_the_target_by_index(lin, here):
    (here / "raw.csv").write_text(HEADERLESS)
    args = ("train", "--data", "raw.csv", "--no-header", "--target", "0", "--seed", "1", "--json")
    report = assert_works(lin(*args))
    assert report["data"]["features"] == ["x2", "x3"] and report["data"]["target"] == "x1"
    w, b = _least_squares(GOOD[:, 1:], GOOD[:, 0])
    assert np.allclose(report["ols"]["w"], w, rtol=1e-9, atol=1e-12)
    assert np.isclose(report["ols"]["b"], b, rtol=1e-9, atol=1e-12)


def test_no_header_model_predicts_a_headerless_file(lin, here):
    (here / "raw.csv").write_text(HEADERLESS)
    args = ("train", "--data", "raw.csv", "--no-header", "--seed", "1", "--save", "m.json")
    assert_works(lin(*args, "--quiet"), as_json=False)
    model = json.loads((here / "m.json").read_text())
    assert model["feature_names"] == ["x1", "x2"] and model["target_name"] == "x3"
    expected = GOOD[:, :2] @ np.array(model["w"]) + model["b"]
    features_only = "".join(f"{a!r},{b!r}\n" for a, b in GOOD[:, :2].tolist())
    (here / "new.csv").write_text(features_only)
    run = lin("predict", "--model", "m.json", "--data", "new.csv", "--no-header", "--json")
    report = assert_works(run)
    assert np.allclose(report["predictions"], expected, rtol=1e-12) and "loss" not in report
    run = lin("predict", "--model", "m.json", "--data", "raw.csv", "--no-header", "--json")
    assert "loss" in assert_works(run)  # the target column x3 is there: scored
    args = ("predict", "--model", "m.json", "--data", "raw.csv", "--no-header", "--keep-columns")
    assert_works(lin(*args, "--output", "kept.csv"), as_json=False)
    lines = (here / "kept.csv").read_text().splitlines()
    assert lines[0] == "x1,x2,x3,prediction" and len(lines) == len(GOOD) + 1
    assert lines[1].rsplit(",", 1)[0] == HEADERLESS.splitlines()[0]  # the first row kept


def test_no_header_works_in_sweep(lin, here):
    (here / "raw.csv").write_text(HEADERLESS)
    args = ("sweep", "--lr", "0.03", "--batch-size", "10", "--jobs", "1", "--data", "raw.csv")
    report = assert_works(lin(*args, "--no-header", "--seed", "1", "--json"))
    w, b = _least_squares(GOOD[:, :2], GOOD[:, 2])  # on all 20 rows: the first is data
    best = np.mean((GOOD[:, :2] @ w + b - GOOD[:, 2]) ** 2) / 2
    assert report["config"]["no_header"] is True
    assert np.isclose(report["runs"][0]["ols_loss"], best, rtol=1e-9)


def test_a_header_of_indices_is_a_header(lin, here):
    """0, 1, 2 are the names pandas writes for unnamed columns (and an NPY file's): a header."""
    (here / "idx.csv").write_text(csv_text(header=("0", "1", "2")))
    report = assert_works(lin("train", "--data", "idx.csv", "--seed", "1", "--json"))
    assert report["data"]["features"] == ["0", "1"] and report["data"]["rows"] == len(GOOD)


def test_a_bom_headerless_csv_reads_with_no_header(lin, here):
    (here / "bom.csv").write_bytes(b"\xef\xbb\xbf" + HEADERLESS.encode())
    args = ("train", "--data", "bom.csv", "--no-header", "--seed", "1", "--json")
    assert assert_works(lin(*args))["data"]["rows"] == len(GOOD)


NO_HEADER_ELSEWHERE = [
    ("npy", ["train", "--data", "d.npy", "--no-header", "--seed", "1"], ("d.npy", "CSV")),
    ("parquet", ["train", "--data", "d.parquet", "--no-header"], ("d.parquet", "CSV")),
    ("dataset", ["train", "--dataset", "longley", "--no-header"], ("--data",)),
    ("synthetic", ["train", "--no-header", "--seed", "1"], ("--data",)),
    ("sweep-synthetic", ["sweep", "--lr", "0.1", "--batch-size", "10", "--no-header"], ("--data",)),
    ("predict-npy", ["predict", "--model", "model.json", "--data", "d.npy", "--no-header"],
     ("d.npy", "CSV")),
]  # fmt: skip


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(
    ("args", "words"), [pytest.param(*c[1:], id=c[0]) for c in NO_HEADER_ELSEWHERE]
)
def test_no_header_without_a_csv_is_refused(lin, here, args, words, as_json):
    (here / "d.npy").write_bytes(npy_bytes(GOOD))
    (here / "d.parquet").write_bytes(good_parquet())
    write_model(here / "model.json", feature_names=["0", "1"], target_name="2")
    before = snapshot(here)
    run = lin(*args, *["--json"] * as_json)
    assert_refused(run, here, before, as_json=as_json, words=("--no-header", *words), seconds=5)


# ---------------------------------------------------------------------------------------------
# Semicolons, decimal commas
# ---------------------------------------------------------------------------------------------


def _european() -> str:
    rows = [";".join(f"{v:.4f}".replace(".", ",") for v in row) for row in GOOD]
    return "a;b;y\n" + "\n".join(rows) + "\n"


DECIMAL_COMMAS = [
    ("semicolons-and-decimal-commas", _european(), ("semicolon", "decimal comma", "sed")),
    ("quoted-decimal-comma", 'a,b,y\n"1,5",2.0,3.0\n2.0,1.0,0.5\n', ("'a'", "row 1", "1.5")),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("command", ["train", "predict", "sweep"])
@pytest.mark.parametrize(("text", "words"), [pytest.param(*c[1:], id=c[0]) for c in DECIMAL_COMMAS])
def test_decimal_commas_say_how_to_convert(lin, here, text, words, command, as_json):
    (here / "eu.csv").write_text(text)
    write_model(here / "model.json")
    before = snapshot(here)
    run = lin(*data_command(command, "eu.csv"), *["--json"] * as_json)
    assert_refused(run, here, before, as_json=as_json, words=("eu.csv", *words), seconds=5)


def test_the_suggested_conversion_reads_and_trains(lin, here):
    """The sed command the message suggests, done here in Python, gives a file that trains."""
    fixed = _european().replace(",", ".").replace(";", ",")
    (here / "fixed.csv").write_text(fixed)
    report = assert_works(lin("train", "--data", "fixed.csv", "--seed", "1", "--json"))
    assert report["data"]["rows"] == len(GOOD)


# ---------------------------------------------------------------------------------------------
# A CSV row with more or fewer cells than the header
# ---------------------------------------------------------------------------------------------


def _ragged(change: int, header: bool = True) -> tuple[str, int, str]:
    """The good CSV whose fourth row of data has `change` cells more (or fewer): its text,
    the line of that row in the file (counted from 1) and the row's text."""
    lines = csv_text().splitlines()[0 if header else 1 :]
    line = 4 + header
    cells = lines[line - 1].split(",")
    cells = cells + ["9.0"] * change if change > 0 else cells[:change]
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines) + "\n", line, lines[line - 1]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("command", ["train", "predict", "sweep"])
@pytest.mark.parametrize(
    "change", [1, 2, -1, -2], ids=["one-more", "two-more", "one-fewer", "two-fewer"]
)
def test_a_row_of_the_wrong_length_names_its_line(lin, here, change, command, as_json):
    text, line, row = _ragged(change)
    (here / "d.csv").write_text(text)
    write_model(here / "model.json")
    before = snapshot(here)
    run = lin(*data_command(command, "d.csv"), *["--json"] * as_json)
    cells = "1 cell" if change == -2 else f"{3 + change} cells"
    said = f"d.csv: line {line} has {cells} where the header has 3: {row}"
    assert_refused(run, here, before, as_json=as_json, words=(said,), absent=("Expected",))


def test_a_row_of_the_wrong_length_in_chinese_and_without_a_header(lin, here):
    text, line, row = _ragged(1)
    (here / "d.csv").write_text(text)
    run = lin("train", "--data", "d.csv", "--lang", "zh")
    said = f"d.csv：文件第 {line} 行有 4 个单元格，而表头有 3 个：{row}"
    assert (run.code, run.err) == (2, f"linscratch train: 错误：{said}\n"), run.show()
    text, line, row = _ragged(-1, header=False)
    (here / "raw.csv").write_text(text)
    before = snapshot(here)
    run = lin("train", "--data", "raw.csv", "--no-header")
    said = f"raw.csv: line {line} has 2 cells where the first row has 3: {row}"
    assert_refused(run, here, before, words=(said,))


def test_a_quoted_cell_across_lines_names_the_line_its_row_starts_on(lin, here):
    text = 'a,b,y\n1.0,2.0,3.0\n\n"4.0\n",5.0,6.0,7.0\n8.0,9.0,1.0\n'  # a blank line, then
    (here / "d.csv").write_text(text)
    before = snapshot(here)
    run = lin("train", "--data", "d.csv")
    assert_refused(run, here, before, words=("d.csv: line 4 has 4 cells",))


# ---------------------------------------------------------------------------------------------
# predict --output: CSV text only
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("out", ["p.npy", "p.parquet", "p.json", "p", "p.CSV.gz"])
def test_predict_output_refuses_a_suffix_it_would_not_write(lin, here, out, as_json):
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    before = snapshot(here)
    args = ("predict", "--model", "model.json", "--data", "d.csv", "--output", out)
    run = lin(*args, *["--json"] * as_json)
    words = ("--output", ".csv")
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=5)


@pytest.mark.parametrize("out", ["p.txt", "P.CSV"])
def test_predict_output_writes_csv_text(lin, here, out):
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    args = ("predict", "--model", "model.json", "--data", "d.csv", "--output", out)
    assert_works(lin(*args), as_json=False)
    lines = (here / out).read_text().splitlines()
    expected = GOOD[:, :2] @ np.array([2.0, -3.4]) + 4.2
    assert lines[0] == "prediction" and np.allclose([float(x) for x in lines[1:]], expected)


# ---------------------------------------------------------------------------------------------
# Model files that are not models
# ---------------------------------------------------------------------------------------------


def _model_with(**fields):
    def make(p: Path):
        write_model(p, **fields)

    return make


def _bytes(data: bytes):
    return lambda p: p.write_bytes(data)


BAD_MODEL_FILES = [
    ("training-is-text", _model_with(training="garbage"), ('"training"',)),
    ("training-is-a-list", _model_with(training=[1, 2]), ('"training"',)),
    ("standardization-is-a-number", _model_with(standardization=5), ('"standardization"',)),
    ("seed-is-text", _model_with(seed="one"), ('"seed"',)),
    ("seed-is-negative", _model_with(seed=-1), ('"seed"',)),
    ("library-version-is-a-number", _model_with(library_version=3), ('"library_version"',)),
    ("model-is-gzip", _bytes(gzip.compress(b'{"format": "linscratch-model"}')), ("gzip",)),
    ("model-is-npy", _bytes(npy_bytes(GOOD)), ("npy", "json")),
    ("model-is-a-pickle", _bytes(_pickle()), ("pickle",)),
    ("model-is-csv-text", _bytes(csv_text().encode()), ("not json",)),
    ("model-is-random-bytes", _bytes(_random()), ("json",)),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(
    ("make", "words"), [pytest.param(*c[1:], id=c[0]) for c in BAD_MODEL_FILES]
)
def test_a_model_file_that_is_not_a_model_says_what_is_wrong(lin, here, make, words, as_json):
    make(here / "model.json")
    (here / "d.csv").write_text(csv_text())
    before = snapshot(here)
    args = ("predict", "--model", "model.json", "--data", "d.csv", "--output", "p.csv")
    run = lin(*args, *["--json"] * as_json)
    words = ("model.json", *words)
    assert_refused(
        run, here, before, as_json=as_json, words=words, absent=(*NEVER, "corrupt"), seconds=5
    )


@pytest.mark.slow
def test_an_unreadable_model_says_it_cannot_be_read_not_corrupt(lin, here):
    prefix = _no_permission_prefix()
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    os.chmod(here / "model.json", 0)
    try:
        before = snapshot(here)
        args = ["predict", "--model", "model.json", "--data", "d.csv", "--json"]
        run = run_process(args, here, prefix=prefix) if prefix else lin(*args)
        assert_refused(
            run,
            here,
            before,
            as_json=True,
            words=("model.json", "cannot read", "permission"),
            absent=("corrupt",),
            seconds=None,
        )
    finally:
        os.chmod(here / "model.json", 0o644)
