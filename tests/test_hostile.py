"""Hostile input: every bad file, model, checkpoint, flag or environment a user can feed
linscratch gets exactly one clear line on stderr and exit status 2 (a diverging run: 1), never
a traceback, never a silently wrong answer, never a file created, changed or left behind (the
temporary folder included), and is refused quickly. With --json a failure also prints one
JSON object on stdout: {"error": {"kind", "message", "exit_code"}}.

The cases are tables, one row per case, each case's id naming the defect it probes; one helper,
`assert_refused`, holds every refusal to the whole promise. Runs are in-process (the `cli`
fixture) under a deadline, with Python's warnings printed to stderr as the command line prints
them; only cases that need another environment (torchrun's variables, no permission to read)
start a process.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

DIST_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
GiB = 1 << 30


# ---------------------------------------------------------------------------------------------
# Running the command line, and the one promise every refusal is held to
# ---------------------------------------------------------------------------------------------


class Hung(BaseException):
    """Raised by the deadline's alarm: a BaseException, so no `except Exception` swallows it."""


@dataclass
class Outcome:
    code: int | None
    out: str
    err: str
    seconds: float
    crash: str | None = None  # an uncaught exception or a hang, in-process

    def show(self) -> str:
        text = f"exit {self.code}, {self.seconds:.2f} s, stderr {self.err[:300]!r}"
        return text + (f"; {self.crash}" if self.crash else "")


@contextmanager
def deadline(seconds: float):
    """Interrupt the block with `Hung` after `seconds` (a refusal must never hang)."""

    def alarm(signum, frame):
        raise Hung(f"HUNG: still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 8 * GiB


@contextmanager
def memory_cap(extra: int | None):
    """With `extra`, cap this process's address space at its present size plus `extra` bytes:
    a run that tries to allocate a huge array fails at once instead of eating the machine."""
    if extra is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _vm_size() + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def cli_warnings():
    """Python's warnings printed to stderr with the interpreter's default filters, as the
    `linscratch` command shows them (pytest would otherwise collect them silently)."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", category)
        warnings.simplefilter("ignore", ResourceWarning)

        def show(message, category, filename, lineno, file=None, line=None):
            sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

        warnings.showwarning = show
        yield


@pytest.fixture(scope="module", autouse=True)
def _imports_done_before_timing():
    """Import the heavy libraries once, so that no case's time includes them."""
    import pyarrow.csv
    import pyarrow.parquet  # noqa: F401
    import torch  # noqa: F401

    import linscratch.cli.grad
    import linscratch.cli.make_data
    import linscratch.cli.predict
    import linscratch.cli.sweep
    import linscratch.cli.train  # noqa: F401


@pytest.fixture
def here(tmp_path, monkeypatch):
    """tmp_path as the working folder, and as TMPDIR (its `scratch` folder), so that scratch
    files a run leaves behind show up in the snapshot; no torchrun variables."""
    monkeypatch.chdir(tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for var in DIST_VARS:
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def lin(cli, capsys, here):
    """`lin("train", ...)` runs `linscratch train ...` in-process and returns an `Outcome`; an
    uncaught exception or a run past `limit` seconds becomes a crash, not a test error.
    `memory` caps the address space growth (bytes) during the run."""

    def call(*args, limit: float = 60.0, memory: int | None = None) -> Outcome:
        crash = None
        start = time.perf_counter()
        try:
            with deadline(limit), memory_cap(memory), cli_warnings():
                run = cli(*map(str, args))
        except Hung as exc:
            crash = str(exc)
        except Exception as exc:
            lines = traceback.format_exception(exc)
            crash = "Traceback (uncaught): " + "".join(lines)[-600:].replace("\n", " | ")
        seconds = time.perf_counter() - start
        if crash is not None:
            captured = capsys.readouterr()
            return Outcome(None, captured.out, captured.err + crash, seconds, crash)
        return Outcome(run.code, run.out, run.err, seconds)

    return call


def snapshot(root: Path) -> dict[str, tuple]:
    """Everything under `root`, hidden files included: each entry's kind and mode, and for a
    file its size and content digest (size and mtime for a large or unreadable one)."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder, name)
            st = os.lstat(p)
            rel = str(p.relative_to(root))
            if stat.S_ISREG(st.st_mode):
                digest = (st.st_size, st.st_mtime_ns)
                if st.st_size <= 16 << 20 and os.access(p, os.R_OK):
                    digest = (st.st_size, hashlib.blake2b(p.read_bytes()).hexdigest())
                seen[rel] = ("file", st.st_mode, digest)
            elif stat.S_ISLNK(st.st_mode):
                seen[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                seen[rel] = ("dir", st.st_mode)
            else:
                seen[rel] = ("other", st.st_mode)
    return seen


def changes(before: dict, after: dict, allowed=()) -> list[str]:
    out = []
    for key in sorted(before.keys() | after.keys()):
        if key in allowed or before.get(key) == after.get(key):
            continue
        what = "created" if key not in before else "removed" if key not in after else "changed"
        out.append(f"{key} {what}")
    return out


def _says(line: str, want) -> bool:
    options = (want,) if isinstance(want, str) else want
    return any(o.lower() in line.lower() for o in options)


def assert_refused(
    run: Outcome,
    root: Path,
    before: dict,
    *,
    code: int = 2,
    as_json: bool = False,
    words=(),
    absent=(),
    allowed=(),
    seconds: float | None = 10.0,
) -> None:
    """The whole promise for one refusal: exit `code`; exactly one error line on stderr (after
    any warning given before the work), naming the
    error and saying each of `words` (a word, or a tuple of alternatives) and none of
    `absent`; no traceback; nothing under `root` created, changed or left behind but the
    paths in `allowed`; done within `seconds`; with --json, exactly one JSON object on stdout,
    {"error": {"kind", "message", "exit_code"}}."""
    problems = []
    if run.crash:
        problems.append(run.crash)
    if run.code != code:
        problems.append(f"exit status {run.code}, expected {code}")
    if "Traceback" in run.err:
        problems.append("a traceback on stderr")
    # A warning announced before the work (a rate past the stability limit) may precede it.
    lines = [line for line in run.err.splitlines() if ": warning: " not in line]
    if len(lines) != 1 or not lines[0].strip():
        problems.append(f"{len(lines)} error lines on stderr, expected exactly one")
    line = lines[-1] if lines else ""
    if lines and "error" not in line.lower():
        problems.append("the line does not say it is an error")
    problems += [f"the message should say {w!r}" for w in words if not _says(line, w)]
    problems += [f"the message should not say {w!r}" for w in absent if _says(line, w)]
    changed = changes(before, snapshot(root), allowed)
    if changed:
        problems.append("files created, changed or left behind: " + ", ".join(changed))
    if seconds is not None and run.seconds > seconds:
        problems.append(f"took {run.seconds:.2f} s, more than {seconds:g} s")
    if as_json:
        try:
            error = json.loads(run.out)["error"]
            ok = (
                isinstance(error["kind"], str)
                and isinstance(error["message"], str)
                and error["message"]
                and error["exit_code"] == code
            )
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            problems.append(f"--json: stdout is not one error object: {run.out[:200]!r}")
    assert not problems, "; ".join(problems) + " -- " + run.show()


def assert_works(run: Outcome, as_json: bool = True):
    """Exit 0, nothing on stderr (no warning, no traceback) but the warning that SGD has not
    converged in the few epochs these runs take, or that a model saved so did not (a
    judgement of the run, not of the file); returns the JSON report."""
    problems = []
    if run.crash:
        problems.append(run.crash)
    if run.code != 0:
        problems.append(f"exit status {run.code}, expected 0")
    unconverged = (
        "linscratch train: warning: SGD has not converged",
        "linscratch predict: warning: the model in",
    )
    if [line for line in run.err.splitlines() if not line.startswith(unconverged)]:
        problems.append("stderr should be empty")
    assert not problems, "; ".join(problems) + " -- " + run.show()
    return json.loads(run.out) if as_json else None


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

_rng = np.random.default_rng(0)
GOOD_X = np.round(_rng.uniform(-1, 1, (20, 2)), 3)
GOOD_Y = np.round(GOOD_X @ np.array([2.0, -3.4]) + 4.2 + _rng.normal(0, 0.01, 20), 4)
GOOD = np.column_stack([GOOD_X, GOOD_Y])  # (20, 3): a, b, y


def csv_text(header=("a", "b", "y"), rows=GOOD, sep=",", newline="\n") -> str:
    lines = [sep.join(header)] + [sep.join(repr(float(v)) for v in row) for row in rows]
    return newline.join(lines) + newline


def with_cell(row: int, col: int, text: str, base: str | None = None) -> str:
    """The good CSV (or `base`) with one cell (row counted from 1, below the header) replaced
    by `text`."""
    lines = (csv_text() if base is None else base).splitlines()
    cells = lines[row].split(",")
    cells[col] = text
    lines[row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def parquet_bytes(columns: dict) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


def good_parquet(**types) -> bytes:
    import pyarrow as pa

    cols = {}
    for j, name in enumerate("aby"):
        cols[name] = pa.array(GOOD[:, j], type=types.get(name, pa.float64()))
    return parquet_bytes(cols)


def npy_bytes(arr) -> bytes:
    sink = io.BytesIO()
    np.save(sink, arr, allow_pickle=False)
    return sink.getvalue()


def content(data):
    """A maker writing `data` (text or bytes) at a path."""

    def make(p: Path):
        p.write_bytes(data.encode() if isinstance(data, str) else data)

    return make


def _lazy(build):
    """A maker writing what `build()` returns, built when the case runs (pyarrow is heavy)."""
    return lambda p: content(build())(p)


def _folder(p: Path):
    p.mkdir()


def _fifo(p: Path):
    os.mkfifo(p)


def _link_to(target: str):
    return lambda p: p.symlink_to(target)


def _nothing(p: Path):
    pass


def write_model(path: Path, **changes) -> None:
    model = {
        "format": "linscratch-model",
        "version": 1,
        "w": [2.0, -3.4],
        "b": 4.2,
        "feature_names": ["a", "b"],
        "target_name": "y",
    }
    model.update(changes)
    path.write_text(json.dumps(model))


# ---------------------------------------------------------------------------------------------
# Table 1: hostile data files for `train --data`, `predict --data` and `sweep --data`
# ---------------------------------------------------------------------------------------------

FLOAT32_ADVICE = ("--dtype float64", "--standardize")


@dataclass
class BadFile:
    id: str
    name: str
    make: object
    commands: tuple = ("train", "predict")
    words: tuple = ()
    absent: tuple = ()
    features: tuple = ("a", "b")  # the model's, for predict
    target: str = "y"
    extra: tuple = ()  # more train flags


NPY = {"features": ("0", "1"), "target": "2"}

BAD_FILES = [
    BadFile("empty-csv", "empty.csv", content(b""), ("train", "predict", "sweep"), ("empty.csv",)),
    BadFile("empty-parquet", "empty.parquet", content(b""), words=("empty.parquet",)),
    BadFile("empty-npy", "empty.npy", content(b""), words=("empty.npy",), **NPY),
    BadFile("header-only-csv", "head.csv", content("a,b,y\n"), words=("row",)),
    BadFile(
        "header-only-parquet",
        "head.parquet",
        _lazy(lambda: parquet_bytes({k: np.empty(0) for k in "aby"})),
        words=("row",),
    ),
    BadFile("zero-row-npy", "none.npy", _lazy(lambda: npy_bytes(np.empty((0, 3)))), **NPY),
    BadFile(
        "parquet-first-100-bytes-cut",
        "headcut.parquet",
        _lazy(lambda: good_parquet()[100:]),
        words=("headcut.parquet",),
    ),
    BadFile(
        "parquet-last-bytes-cut",
        "tailcut.parquet",
        _lazy(lambda: good_parquet()[:-20]),
        words=("tailcut.parquet",),
    ),
    BadFile(
        "parquet-cut-in-half",
        "half.parquet",
        _lazy(lambda: (lambda b: b[: len(b) // 2])(good_parquet())),
        words=("half.parquet",),
    ),
    BadFile(
        "npy-truncated", "cut.npy", _lazy(lambda: npy_bytes(GOOD)[:-40]), words=("cut.npy",), **NPY
    ),
    BadFile(
        "npy-header-only",
        "hdr.npy",
        _lazy(lambda: npy_bytes(GOOD)[:128]),
        words=("hdr.npy",),
        **NPY,
    ),
    BadFile("npy-1d-array", "flat.npy", _lazy(lambda: npy_bytes(GOOD[:, 0])), **NPY),
    BadFile("npy-complex-array", "cplx.npy", _lazy(lambda: npy_bytes(GOOD + 1j)), **NPY),
    BadFile(
        "npy-text-array", "text.npy", _lazy(lambda: npy_bytes(np.array([["1", "2", "3"]]))), **NPY
    ),
    BadFile(
        "npy-nan-cell",
        "nan.npy",
        _lazy(lambda: npy_bytes(np.where(np.arange(3) == 0, np.nan, GOOD))),
        words=("row 1",),
        **NPY,
    ),
    BadFile(
        "semicolon-delimited-csv",
        "semi.csv",
        content(csv_text(sep=";")),
        ("train", "predict", "sweep"),
        words=(("delimit", "comma", "separat", "';'", '";"'),),
        absent=("no feature columns",),
    ),
    BadFile(
        "duplicate-column-names",
        "dup.csv",
        content(csv_text(header=("a", "a", "y"))),
        ("train",),
        words=(("'a'", '"a"'), ("duplicate", "twice", "more than once", "repeated", "both")),
    ),
    BadFile(
        "empty-column-name",
        "blank.csv",
        content(csv_text(header=("a", "", "y"))),
        ("train",),
        words=(("empty", "blank", "unnamed", "no name", "without a name", "missing name"),),
    ),
    BadFile("nan-cell", "nan.csv", content(with_cell(2, 0, "nan")), words=("'a'", "row 2")),
    BadFile("NA-cell", "na.csv", content(with_cell(2, 0, "NA")), words=("'a'", "row 2")),
    BadFile("empty-cell", "hole.csv", content(with_cell(2, 0, "")), words=("'a'", "row 2")),
    BadFile("inf-cell", "inf.csv", content(with_cell(2, 0, "inf")), words=("'a'", "row 2")),
    BadFile("minus-inf-cell", "ninf.csv", content(with_cell(2, 0, "-inf")), words=("'a'", "row 2")),
    BadFile(
        "text-cell",
        "word.csv",
        content(with_cell(2, 0, "abc")),
        ("train", "predict", "sweep"),
        words=("'a'", "row 2", "abc"),
    ),
    BadFile(
        "cell-1e39-does-not-fit-float32",
        "e39.csv",
        content(with_cell(2, 0, "1e39")),
        ("train", "sweep"),
        words=("'a'", "row 2", FLOAT32_ADVICE),
        extra=("--no-standardize",),  # standardized, the rows are float64's
    ),
    BadFile(
        "cell-1e308-does-not-fit-float32",
        "e308.csv",
        content(with_cell(2, 0, "1e308")),
        ("train",),
        words=("'a'", "row 2", FLOAT32_ADVICE),
        extra=("--no-standardize",),  # standardized, the rows are float64's
    ),
    BadFile(
        "target-1e39-does-not-fit-float32",
        "ye39.csv",
        content(with_cell(3, 2, "1e39")),
        ("train",),
        words=("'y'", "row 3", FLOAT32_ADVICE),
        extra=("--no-standardize",),  # standardized, the rows are float64's
    ),
    BadFile(
        "npy-float64-1e39-does-not-fit-float32",
        "e39.npy",
        _lazy(lambda: npy_bytes(np.where(np.arange(3) == 0, 1e39, GOOD))),
        ("train",),
        words=("'0'", "row", FLOAT32_ADVICE),
        extra=("--no-standardize",),  # standardized, the rows are float64's
        **NPY,
    ),
    BadFile(
        "parquet-float64-1e39-does-not-fit-float32",
        "e39.parquet",
        _lazy(lambda: parquet_bytes({"a": [1.0, 1e39, 2.0], "b": [1.0, 2.0, 4.0], "y": [1.0] * 3})),
        ("train",),
        words=("'a'", "row 2", FLOAT32_ADVICE),
        extra=("--no-standardize",),  # standardized, the rows are float64's
    ),
    BadFile(
        "cell-1e308-squares-overflow-float64",
        "e308d.csv",
        content(with_cell(2, 0, "1e308")),
        ("train",),
        words=("'a'",),
        extra=("--dtype", "float64"),
    ),
    BadFile(
        "non-utf8-cell",
        "latin.csv",
        content(with_cell(2, 0, "X").encode().replace(b"X", b"\xff\xfe")),
        words=("latin.csv",),
    ),
    BadFile(
        "non-utf8-header",
        "latinhead.csv",
        content(b"\xe9a,b,y\n" + csv_text().split("\n", 1)[1].encode()),
        ("train",),
        words=("latinhead.csv",),
    ),
    BadFile(
        "file-name-with-a-newline",
        "bad\nname.csv",
        content(b""),
        ("train", "predict", "sweep"),
        words=("name.csv",),
    ),
    BadFile(
        "folder-given-as-data",
        "dir.csv",
        _folder,
        ("train", "predict", "sweep"),
        words=(("folder", "directory"),),
        absent=("no such file",),
    ),
    BadFile(
        "fifo-given-as-data",
        "pipe.csv",
        _fifo,
        ("train", "predict", "sweep"),
        absent=("no such file",),
    ),
    BadFile("dev-null-given-as-data", "/dev/null", _nothing, absent=("no such file",)),
    BadFile(
        "symlink-to-dev-null-named-csv",
        "null.csv",
        _link_to("/dev/null"),
        absent=("no such file",),
    ),
    BadFile("unknown-extension", "data.txt", content(csv_text()), words=("extension", "data.txt")),
    BadFile("missing-file", "missing.csv", _nothing, words=("no such file", "missing.csv")),
    BadFile(
        "ragged-csv-row",
        "ragged.csv",
        content(csv_text() + "1.0,2.0\n"),
        words=("ragged.csv", f"line {len(GOOD) + 2} has 2 cells", "1.0,2.0"),
    ),
    BadFile("true-false-column", "bool.csv", content("a,b,y\ntrue,1,2\nfalse,3,4\n")),
    BadFile(
        "parquet-text-column",
        "text.parquet",
        _lazy(lambda: parquet_bytes({"a": ["1", "x"], "b": [1.0, 2.0], "y": [1.0, 2.0]})),
        words=("'a'",),
    ),
    BadFile(
        "parquet-null-cell",
        "null.parquet",
        _lazy(lambda: parquet_bytes({"a": [1.0, None], "b": [1.0, 2.0], "y": [1.0, 2.0]})),
        words=("'a'", "row 2"),
    ),
]


def _file_params():
    for case in BAD_FILES:
        for command in case.commands:
            for as_json in (False, True):
                suffix = "-json" if as_json else ""
                yield pytest.param(case, command, as_json, id=f"{case.id}-{command}{suffix}")


def data_command(command: str, path: str, extra=()) -> list[str]:
    if command == "train":
        return ["train", "--data", path, "--seed", "1", *extra]
    if command == "sweep":
        sweep = ["sweep", "--lr", "0.03", "--batch-size", "10", "--jobs", "1", "--data", path]
        return sweep + [a for a in extra if a == "--no-standardize"]  # train's row setting
    return ["predict", "--model", "model.json", "--data", path, "--output", "preds.csv"]


@pytest.mark.parametrize(("case", "command", "as_json"), list(_file_params()))
def test_a_hostile_data_file_is_refused_in_one_line(lin, here, case, command, as_json):
    path = here / case.name
    case.make(path)
    write_model(here / "model.json", feature_names=list(case.features), target_name=case.target)
    before = snapshot(here)
    args = data_command(command, str(path), case.extra) + (["--json"] if as_json else [])
    run = lin(*args, limit=10)
    assert_refused(
        run, here, before, as_json=as_json, words=case.words, absent=case.absent, seconds=5
    )


# Files that must work: (id, name, maker, feature names, target, train flags)
GOOD_FILES = [
    ("utf8-bom-header", "bom.csv", content(b"\xef\xbb\xbf" + csv_text().encode()), "ab", "y"),
    ("crlf-line-endings", "crlf.csv", content(csv_text(newline="\r\n")), "ab", "y"),
    (
        "unicode-column-names",
        "uni.csv",
        content(csv_text(header=("温度", "größe", "收益"))),
        ("温度", "größe"),
        "收益",
    ),
    ("subnormal-cell-1e-310", "sub.csv", content(with_cell(2, 0, "1e-310")), "ab", "y"),
    # a file's default: standardized in float64, its float32 rows hold 1e39 rescaled
    ("cell-1e39-standardized-by-default", "e39ok.csv", content(with_cell(2, 0, "1e39")), "ab", "y"),
    ("uppercase-extension-CSV", "UP.CSV", content(csv_text()), "ab", "y"),
    ("uppercase-extension-PARQUET", "UP.PARQUET", _lazy(good_parquet), "ab", "y"),
    ("uppercase-extension-NPY", "UP.NPY", _lazy(lambda: npy_bytes(GOOD)), "01", "2"),
    ("npy-big-endian", "be.npy", _lazy(lambda: npy_bytes(GOOD.astype(">f8"))), "01", "2"),
    ("npy-fortran-order", "f.npy", _lazy(lambda: npy_bytes(np.asfortranarray(GOOD))), "01", "2"),
    ("npy-float16", "h.npy", _lazy(lambda: npy_bytes(GOOD.astype(np.float16))), "01", "2"),
    ("npy-int32", "i.npy", _lazy(lambda: npy_bytes(np.round(GOOD).astype(np.int32))), "01", "2"),
    ("parquet-float32", "f32.parquet", _lazy(lambda: good_parquet(**_f32())), "ab", "y"),
    ("quoted-header", "q.csv", content('"a","b","y"\n' + csv_text().split("\n", 1)[1]), "ab", "y"),
]


def _f32():
    import pyarrow as pa

    return {k: pa.float32() for k in "aby"}


@pytest.mark.parametrize(
    ("name", "make", "features", "target"),
    [pytest.param(*case[1:], id=case[0]) for case in GOOD_FILES],
)
def test_an_odd_but_valid_file_trains_and_predicts(lin, here, name, make, features, target):
    path = here / name
    make(path)
    report = assert_works(lin("train", "--data", path, "--seed", "1", "--json", limit=60))
    assert report["data"]["features"] == list(features)
    assert report["data"]["target"] == target
    assert all(np.isfinite(report["w"])) and np.isfinite(report["b"])
    write_model(here / "model.json", feature_names=list(features), target_name=target)
    report = assert_works(lin("predict", "--model", "model.json", "--data", path, "--json"))
    assert report["rows"] == len(GOOD) and all(np.isfinite(report["predictions"]))


# Flags that ask a file for what it cannot give: (id, CSV text, train flags, words)
CONSTANT_A = csv_text(rows=np.column_stack([np.ones(20), GOOD[:, 1:]]))
BAD_FILE_FLAGS = [
    ("features-named-twice", csv_text(), ["--features", "a,a"], (("'a'", '"a"'),)),
    ("target-index-out-of-range", csv_text(), ["--target", "7"], ("--target",)),
    ("target-also-a-feature", csv_text(), ["--target", "a", "--features", "a,b"], ("'a'",)),
    ("val-fraction-leaves-no-training-rows", csv_text(rows=GOOD[:3]), ["--val-fraction", "0.9"],
     ("--val-fraction",)),
    ("standardize-a-constant-column", CONSTANT_A, ["--standardize"], ("'a'",)),
    ("synthetic-flag-with-a-file", csv_text(), ["--noise", "0.1"], ("--noise",)),
]  # fmt: skip


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(
    ("text", "flags", "words"), [pytest.param(*c[1:], id=c[0]) for c in BAD_FILE_FLAGS]
)
def test_a_flag_the_file_cannot_satisfy_is_refused(lin, here, text, flags, words, as_json):
    (here / "d.csv").write_text(text)
    before = snapshot(here)
    run = lin("train", "--data", "d.csv", "--seed", "1", *flags, *(["--json"] * as_json))
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=5)


@pytest.mark.slow
def test_a_3_row_csv_with_100000_columns_is_refused_or_done_in_seconds(lin, here):
    d = 100_000
    header = ",".join(f"c{j}" for j in range(d))
    rows = "\n".join(",".join(["1"] * d) for _ in range(3))
    (here / "wide.csv").write_text(header + "\n" + rows + "\n")
    before = snapshot(here)
    run = lin("train", "--data", "wide.csv", "--seed", "1", "--json", limit=15)
    if run.code == 0:
        assert run.seconds <= 10 and not run.err, run.show()
    else:  # refused, or trained and diverged (rows of 100,001 ones: 2/λ_max = 2e-05), in one line
        code = 1 if '"kind": "diverged"' in run.out else 2
        assert_refused(run, here, before, code=code, as_json=True, seconds=10)


# ---------------------------------------------------------------------------------------------
# Table 2: hostile models for `predict --model`
# ---------------------------------------------------------------------------------------------

BASE_MODEL = (
    '{"format": "linscratch-model", "version": 1, "w": %s, "b": %s, '
    '"feature_names": %s, "target_name": "y"}'
)


def model_text(w="[2.0, -3.4]", b="4.2", names='["a", "b"]') -> str:
    return BASE_MODEL % (w, b, names)


POSITIVE = csv_text(rows=np.column_stack([np.abs(GOOD_X) + 1, GOOD_Y]))

# (id, model maker, data text, words, absent)
BAD_MODELS = [
    ("model-not-json", content("hello"), None, ("model.json",), ()),
    ("model-nested-100000-deep-list", content("[" * 100_000), None, ("model.json",), ()),
    ("model-nested-100000-deep-object", content('{"a":' * 100_000), None, ("model.json",), ()),
    ("model-integer-with-5000-digits", content(model_text(b="1" + "0" * 5000)), None, (), ()),
    (
        "model-w-integer-beyond-float",
        content(model_text(w="[1" + "0" * 400 + ", 1]")),
        None,
        ('"w"',),
        (),
    ),
    ("model-w-nan", content(model_text(w="[NaN, 1]")), None, ('"w"',), ()),
    ("model-w-length-mismatch", content(model_text(w="[1, 2, 3]")), None, (), ()),
    (
        "model-feature-names-numbers",
        content(model_text(names="[1, 2]")),
        None,
        ("feature_names",),
        (),
    ),
    (
        "model-feature-names-null",
        content(model_text(names='[null, "b"]')),
        None,
        ("feature_names",),
        (),
    ),
    (
        "model-feature-names-duplicated",
        content(model_text(names='["a", "a"]')),
        None,
        ("feature_names",),
        (),
    ),
    ("model-top-level-list", content("[1, 2]"), None, ("model.json",), ()),
    ("model-is-a-folder", _folder, None, ("model.json",), ("no such file",)),
    ("model-is-a-fifo", _fifo, None, (), ("no such file",)),
    (
        "model-w-1e308-predictions-overflow",
        content(model_text(w="[1e308, 1e308]")),
        POSITIVE,
        (("finite", "overflow", "inf"),),
        (),
    ),
    (
        "data-1e308-predictions-overflow",
        content(model_text(w="[1.0, 2.0]")),
        with_cell(1, 1, "1e308", with_cell(1, 0, "1e308")),
        (("finite", "overflow", "inf"),),
        (),
    ),
]


def _model_params():
    for case in BAD_MODELS:
        for as_json in (False, True):
            yield pytest.param(*case[1:], as_json, id=case[0] + ("-json" if as_json else ""))


@pytest.mark.parametrize(("make", "data", "words", "absent", "as_json"), list(_model_params()))
def test_a_hostile_model_is_refused_and_writes_no_predictions(
    lin, here, make, data, words, absent, as_json
):
    make(here / "model.json")
    (here / "d.csv").write_text(csv_text() if data is None else data)
    before = snapshot(here)
    args = ["predict", "--model", "model.json", "--data", "d.csv", "--output", "preds.csv"]
    run = lin(*args, *(["--json"] if as_json else []), limit=8)
    assert_refused(run, here, before, as_json=as_json, words=words, absent=absent, seconds=5)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_predict_with_the_target_column_present_but_empty_works(lin, here, as_json):
    write_model(here / "model.json")
    rows = "".join(f"{a!r},{b!r},\n" for a, b in GOOD_X.tolist())
    (here / "new.csv").write_text("a,b,y\n" + rows)
    run = lin("predict", "--model", "model.json", "--data", "new.csv", *(["--json"] * as_json))
    report = assert_works(run, as_json)
    if as_json:
        assert report["rows"] == len(GOOD_X)
        expected = GOOD_X @ np.array([2.0, -3.4]) + 4.2
        assert np.allclose(report["predictions"], expected)
    else:
        assert len(run.out.splitlines()) == len(GOOD_X)


def test_predict_model_from_dev_zero_is_refused_without_reading_forever(lin, here):
    (here / "d.csv").write_text(csv_text())
    before = snapshot(here)
    run = lin("predict", "--model", "/dev/zero", "--data", "d.csv", limit=10, memory=2 * GiB)
    assert_refused(run, here, before, absent=("no such file",), seconds=5)


# ---------------------------------------------------------------------------------------------
# Table 3: hostile checkpoints for `train --resume DIR`
# ---------------------------------------------------------------------------------------------

RUN = ("train", "--data", "small.csv", "--seed", "1", "--quiet")  # engine auto: the book's loop


def _state(change):
    """A maker that edits the parsed checkpoint with `change(state)`."""

    def make(path: Path):
        state = json.loads(path.read_text())
        change(state)
        path.write_text(json.dumps(state))

    return make


def _raw(edit):
    """A maker that edits the checkpoint's text with `edit(text)`."""
    return lambda path: path.write_text(edit(path.read_text()))


def _set(**values):
    return _state(lambda s: s.update(values))


def _rng(edit):
    def change(state):
        state["rng_state"] = edit(state["rng_state"])

    return _state(change)


def _replace_file(make):
    def replace(path: Path):
        path.unlink()
        make(path)

    return replace


def _first_word_negative(rng):
    rng[1][0] = -1
    return rng


def _w_beyond_float(text):
    state = json.loads(text)
    return text.replace(json.dumps(state["w"]), "[1" + "0" * 400 + ", 1.0]")


def _epoch_digits(text):
    return text.replace('"epoch": 2', '"epoch": 1' + "0" * 5000)


# (id, maker editing DIR/checkpoint.json, words)
BAD_CHECKPOINTS = [
    ("rng-state-a-string", _set(rng_state="garbage"), ("--resume",)),
    ("rng-state-wrong-length", _set(rng_state=[3, [1, 2, 3], None]), ("--resume",)),
    ("rng-state-null", _set(rng_state=None), ("--resume",)),
    ("rng-state-unknown-version", _rng(lambda r: [99, *r[1:]]), ("--resume",)),
    ("rng-state-negative-word", _rng(_first_word_negative), ("--resume",)),
    ("fingerprint-a-list", _set(fingerprint=[]), ("--resume",)),
    ("w-not-finite", _set(w=[float("nan"), 1.0]), ("--resume",)),
    ("w-integer-beyond-float", _raw(_w_beyond_float), ("--resume",)),
    ("w-wrong-length", _set(w=[1.0, 2.0, 3.0]), ("--resume",)),
    ("b-a-string", _set(b="x"), ("--resume",)),
    ("epoch-zero", _set(epoch=0, losses=[]), ("--resume",)),
    ("epoch-negative", _set(epoch=-1, losses=[]), ("--resume",)),
    ("epoch-a-float", _set(epoch=2.0), ("--resume",)),
    ("epoch-beyond-the-epochs-asked", _set(epoch=5, losses=[1.0] * 5), ("--epochs",)),
    ("epoch-with-5000-digits", _raw(_epoch_digits), ("--resume",)),
    ("losses-not-finite", _set(losses=[1.0, float("inf")]), ("--resume",)),
    ("plan-unknown-engine", _state(lambda s: s["plan"].update(engine="warp")), ("--resume",)),
    ("plan-unknown-shuffle", _state(lambda s: s["plan"].update(shuffle="zig")), ("--resume",)),
    ("checkpoint-not-json", _raw(lambda t: "garbage"), ("--resume",)),
    ("checkpoint-nested-100000-deep", _raw(lambda t: "[" * 100_000), ("--resume",)),
    ("checkpoint-json-is-a-folder", _replace_file(_folder), ("--resume",)),
    ("checkpoint-json-is-a-fifo", _replace_file(_fifo), ("--resume",)),
]


@pytest.fixture
def checkpointed(lin, here):
    """small.csv and a finished 2-epoch checkpoint of a book-shuffle run in ck/."""
    (here / "small.csv").write_text(csv_text())
    run = lin(*RUN, "--epochs", "2", "--checkpoint", "ck")
    assert run.code == 0, run.show()
    return here / "ck" / "checkpoint.json"


def test_an_untouched_checkpoint_resumes(lin, here, checkpointed):
    assert_works(lin(*RUN, "--epochs", "3", "--resume", "ck", "--json"))


def _checkpoint_params():
    for case in BAD_CHECKPOINTS:
        for as_json in (False, True):
            yield pytest.param(*case[1:], as_json, id=case[0] + ("-json" if as_json else ""))


@pytest.mark.parametrize(("make", "words", "as_json"), list(_checkpoint_params()))
def test_a_hostile_checkpoint_is_refused_and_left_as_it_is(
    lin, here, checkpointed, make, words, as_json
):
    make(checkpointed)
    before = snapshot(here)
    run = lin(*RUN, "--epochs", "3", "--resume", "ck", *(["--json"] * as_json), limit=8)
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=5)


@pytest.mark.parametrize("flag", ["--checkpoint", "--resume"])
def test_a_checkpoint_folder_that_is_a_regular_file_is_refused(lin, here, flag):
    (here / "small.csv").write_text(csv_text())
    (here / "f.txt").write_text("mine")
    before = snapshot(here)
    run = lin(*RUN, flag, "f.txt", "--json")
    assert_refused(run, here, before, as_json=True, words=(flag, "f.txt"))


# ---------------------------------------------------------------------------------------------
# Table 4: hostile flags
# ---------------------------------------------------------------------------------------------

MEMORY = ("memory", ("available", "free"))
DISK = (("disk", "space"), ("available", "free"))
TOO_BIG_A_BATCH = (("--num-examples", "--num-features"),)  # grad: its memory, or its work

# Runs too big for this machine: refused within about 2 s, before allocating anything big
# (the address space is capped 3 GiB above its size: an attempt fails at once).
OVERSIZED = [
    ("train-1e12-examples", ["train", "--num-examples", "1000000000000"], MEMORY),
    ("train-50M-examples-by-100-features", ["train", "--num-examples", "50000000",
                                            "--num-features", "100"], MEMORY),
    ("train-1e9-features", ["train", "--num-features", "1000000000"], MEMORY),
    ("sweep-1e12-examples", ["sweep", "--lr", "0.03", "--batch-size", "10", "--jobs", "1",
                             "--num-examples", "1000000000000"], MEMORY),
    ("grad-random-1e12-examples", ["grad", "--example", "random",
                                   "--num-examples", "1000000000000"], TOO_BIG_A_BATCH),
    ("grad-random-1e9-features", ["grad", "--example", "random",
                                  "--num-features", "1000000000"], TOO_BIG_A_BATCH),
    ("make-data-1e12-rows-npy", ["make-data", "--num-examples", "1000000000000",
                                 "--out", "big.npy"], DISK),
    ("make-data-1e12-rows-parquet", ["make-data", "--num-examples", "1000000000000",
                                     "--out", "big.parquet"], DISK),
    ("make-data-1e9-features", ["make-data", "--num-examples", "10",
                                "--num-features", "1000000000", "--out", "wide.npy"],
     (("memory", "disk", "space"),)),
]  # fmt: skip


def _oversized_params():
    for case_id, args, words in OVERSIZED:
        for as_json in (False, True):
            yield pytest.param(args, words, as_json, id=case_id + ("-json" if as_json else ""))


@pytest.mark.parametrize(("args", "words", "as_json"), list(_oversized_params()))
def test_an_oversized_run_is_refused_fast_before_allocating(lin, here, args, words, as_json):
    before = snapshot(here)
    try:
        run = lin(*args, "--seed", "1", *(["--json"] * as_json), limit=6, memory=3 * GiB)
        assert_refused(run, here, before, as_json=as_json, words=words, seconds=2)
    finally:
        for name in ("big.npy", "big.parquet", "wide.npy"):  # never keep a huge file
            Path(here, name).unlink(missing_ok=True)
        for leftover in here.glob(".big.*"):
            leftover.unlink()


# Values that cannot be trained on as asked: (id, args, words)
BAD_VALUES = [
    ("lr-1e-320-is-zero-in-float32", ["train", "--lr", "1e-320"], ("--lr",)),
    ("noise-1e308-overflows-the-data", ["train", "--noise", "1e308"], ("--noise",)),
    ("true-b-1e39-overflows-float32", ["train", "--true-b", "1e39"], ("--true-b",)),
    ("true-w-1e39-overflows-float32", ["train", "--true-w", "1e39,1"], ("--true-w",)),
    (
        "make-data-noise-1e308-overflows",
        ["make-data", "--num-examples", "10", "--noise", "1e308", "--out", "d.npy"],
        ("--noise",),
    ),
    (
        "make-data-noise-1e39-overflows-float32-parquet",
        ["make-data", "--num-examples", "10", "--noise", "1e39", "--out", "d.parquet"],
        ("--noise",),
    ),
    (
        "sweep-noise-1e308-overflows-the-data",
        ["sweep", "--lr", "0.03", "--batch-size", "10", "--jobs", "1", "--noise", "1e308"],
        ("--noise",),
    ),
]


# Huber's loss: a bad δ, a bad loss name, δ without Huber's loss, on every command that takes them
BAD_HUBER = [
    ("huber-delta-zero", ["train", "--loss", "huber", "--huber-delta", "0"], ("--huber-delta",)),
    (
        "huber-delta-negative",
        ["train", "--loss", "huber", "--huber-delta", "-1"],
        ("--huber-delta",),
    ),
    ("huber-delta-inf", ["train", "--loss", "huber", "--huber-delta", "inf"], ("--huber-delta",)),
    # regression: a δ past float32's range made autograd's gradient NaN (a false divergence)
    (
        "huber-delta-huge",
        ["train", "--loss", "huber", "--huber-delta", "1e300"],
        ("--huber-delta",),
    ),
    ("huber-delta-nan", ["train", "--loss", "huber", "--huber-delta", "nan"], ("--huber-delta",)),
    ("huber-delta-text", ["train", "--loss", "huber", "--huber-delta", "big"], ("--huber-delta",)),
    ("huber-delta-without-huber", ["train", "--huber-delta", "2"], ("--huber-delta", "--loss")),
    ("huber-delta-with-squared", ["train", "--loss", "squared", "--huber-delta", "2"], ("--loss",)),
    ("loss-unknown", ["train", "--loss", "absolute"], ("--loss",)),
    ("loss-empty", ["train", "--loss", ""], ("--loss",)),
    (
        "sweep-huber-delta-without-huber",
        ["sweep", "--lr", "0.03", "--batch-size", "10", "--huber-delta", "2"],
        ("--huber-delta",),
    ),
    ("grad-huber-delta-without-huber", ["grad", "--huber-delta", "2"], ("--huber-delta",)),
    (
        "grad-huber-delta-zero",
        ["grad", "--loss", "huber", "--huber-delta", "0"],
        ("--huber-delta",),
    ),
    ("grad-loss-unknown", ["grad", "--loss", "l1"], ("--loss",)),
    (
        "make-data-corrupt-above-one",
        ["make-data", "--num-examples", "10", "--corrupt", "1.5", "--out", "d.npy"],
        ("--corrupt",),
    ),
    (
        "make-data-corrupt-negative",
        ["make-data", "--num-examples", "10", "--corrupt", "-0.1", "--out", "d.npy"],
        ("--corrupt",),
    ),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(("args", "words"), [pytest.param(*c[1:], id=c[0]) for c in BAD_HUBER])
def test_a_bad_huber_setting_is_refused(lin, here, args, words, as_json):
    before = snapshot(here)
    run = lin(*args, "--seed", "1", *(["--json"] * as_json), limit=30)
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=10)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(("args", "words"), [pytest.param(*c[1:], id=c[0]) for c in BAD_VALUES])
def test_a_value_that_overflows_or_underflows_is_refused(lin, here, args, words, as_json):
    before = snapshot(here)
    run = lin(*args, "--seed", "1", *(["--json"] * as_json), limit=30)
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=10)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--w", "1e308,1e308"], id="grad-w-1e308-check-must-fail"),
        pytest.param(["--w", "1e200,1e200"], id="grad-w-1e200-loss-overflows-check-must-fail"),
        pytest.param(["--b", "1e308"], id="grad-b-1e308-check-must-fail"),
    ],
)
def test_a_gradient_check_with_non_finite_numbers_fails(lin, here, args, as_json):
    """Non-finite gradients or differences are not "ok": the check fails, exit 1."""
    run = lin("grad", *args, *(["--json"] * as_json), limit=30)
    problems = []
    if run.crash or run.code != 1:
        problems.append(f"exit status {run.code}, expected 1")
    if "Traceback" in run.err or len(run.err.splitlines()) > 1:
        problems.append("stderr should hold at most one line and no traceback")
    if as_json and run.code is not None:
        try:
            passed = json.loads(run.out).get("passed")
        except ValueError:
            passed = "not JSON"
        if passed is not False:
            problems.append(f'"passed" is {passed!r}')
    else:
        comparisons = [line for line in run.out.splitlines() if " vs " in line]
        for line in comparisons:
            if line.rstrip().endswith(": ok") and ("inf" in line or "nan" in line):
                problems.append(f"a comparison of non-finite numbers printed ok: {line.strip()}")
    assert not problems, "; ".join(problems) + " -- " + run.show()


@pytest.mark.slow
def test_grad_with_100000_random_features_is_quick(lin, here):
    before = snapshot(here)
    run = lin("grad", "--example", "random", "--num-features", "100000", "--seed", "1",
             "--json", limit=30)  # fmt: skip
    if run.code in (0, 1):
        assert run.seconds <= 10 and "Traceback" not in run.err, run.show()
    else:
        assert_refused(run, here, before, as_json=True, words=("--num-features",), seconds=10)


# Integer flags: `0x10` and `1_000` follow one rule (both plain numbers or both refused).
INT_FLAGS = {
    "train-num-examples": (["train", "--epochs", "1", "--seed", "1"], "--num-examples"),
    "train-epochs": (["train", "--num-examples", "10", "--seed", "1"], "--epochs"),
    "train-batch-size": (["train", "--epochs", "1", "--seed", "1"], "--batch-size"),
    "train-seed": (["train", "--epochs", "1"], "--seed"),
    "grad-num-examples": (["grad", "--example", "random", "--seed", "1"], "--num-examples"),
    "make-data-num-examples": (["make-data", "--out", "d.npy", "--seed", "1"], "--num-examples"),
}


@pytest.mark.parametrize("name", INT_FLAGS)
def test_hex_and_underscore_integers_follow_one_rule(lin, here, name):
    base, flag = INT_FLAGS[name]
    codes = {}
    for text in ("0x10", "1_000"):
        Path(here, "d.npy").unlink(missing_ok=True)
        run = lin(*base, flag, text, "--json")
        assert run.crash is None and run.code in (0, 2), run.show()
        if run.code == 2:
            assert len(run.err.splitlines()) == 1 and flag in run.err, run.show()
        codes[text] = run.code
    assert codes["0x10"] == codes["1_000"], (
        f"{flag}: 0x10 gives exit {codes['0x10']} but 1_000 gives exit {codes['1_000']}"
    )


@pytest.mark.parametrize("engine", ["autograd", pytest.param("compiled", marks=pytest.mark.slow)])
def test_a_batch_size_beyond_int64_trains_or_is_refused(lin, here, engine):
    before = snapshot(here)
    args = ["train", "--num-examples", "100", "--seed", "1", "--engine", engine, "--json"]
    run = lin(*args, "--batch-size", "100000000000000000000", limit=60)
    if run.code != 0:
        assert_refused(run, here, before, as_json=True, words=("--batch-size",), seconds=None)
    else:
        assert_works(run)


def test_the_largest_seed_works(lin, here):
    assert_works(lin("train", "--num-examples", "100", "--seed", str(2**63 - 1), "--json"))


@pytest.mark.slow
def test_sweep_with_more_jobs_than_cores_caps_or_refuses(lin, here):
    before = snapshot(here)
    args = ["sweep", "--lr", "0.01,0.02,0.03", "--batch-size", "10", "--num-examples", "100"]
    run = lin(*args, "--epochs", "1", "--seed", "1", "--jobs", "32", "--json", limit=120)
    if run.code == 2:
        assert_refused(run, here, before, as_json=True, words=("--jobs",), seconds=None)
    else:
        report = assert_works(run)
        assert 1 <= report["jobs"] <= (os.cpu_count() or 1), f"{report['jobs']} processes"


# ---------------------------------------------------------------------------------------------
# Table 5: outputs that would overwrite the run's own inputs, or each other
# ---------------------------------------------------------------------------------------------

SAME_FILE = [
    (
        "predict-output-overwrites-its-data",
        ["predict", "--model", "model.json", "--data", "d.csv", "--output", "d.csv", "--force"],
        ("--output",),
    ),
    (
        "predict-output-overwrites-its-model",
        ["predict", "--model", "model.json", "--data", "d.csv", "--output", "model.json",
         "--force"],
        ("--output",),
    ),
    (
        "train-save-overwrites-its-data",
        ["train", "--data", "d.csv", "--seed", "1", "--save", "d.csv", "--force"],
        ("--save",),
    ),
    (
        "train-save-and-plot-name-one-file",
        ["train", "--data", "d.csv", "--seed", "1", "--save", "p.svg", "--plot", "p.svg"],
        ("--save", "--plot"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("args", "words"), [pytest.param(*c[1:], id=c[0]) for c in SAME_FILE])
def test_an_output_naming_an_input_or_another_output_is_refused(lin, here, args, words):
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    before = snapshot(here)
    run = lin(*args, "--json", limit=60)
    assert_refused(run, here, before, as_json=True, words=words, seconds=None)


# ---------------------------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_run_past_the_stability_limit_diverges_and_saves_nothing(lin, here, as_json):
    """lr 100 on standardized data: the loss grows without bound (finite for a few steps, but
    past the stability limit): exit 1, no model."""
    (here / "small.csv").write_text(csv_text())
    before = snapshot(here)
    args = ["train", "--data", "small.csv", "--lr", "100", "--standardize", "--seed", "1"]
    run = lin(*args, "--save", "m.json", *(["--json"] * as_json), limit=60)
    assert_refused(run, here, before, code=1, as_json=as_json, words=("diverg",), seconds=None)
    if as_json:
        assert json.loads(run.out)["error"]["kind"] == "diverged"


def test_a_sweep_pair_past_the_stability_limit_is_marked_diverged(lin, here):
    (here / "small.csv").write_text(csv_text())
    args = ["sweep", "--data", "small.csv", "--standardize", "--lr", "0.03,100"]
    run = lin(*args, "--batch-size", "10", "--jobs", "1", "--seed", "1", "--json")
    runs = {r["lr"]: r for r in assert_works(run)["runs"]}
    assert not runs[0.03]["diverged"] and runs[100.0]["diverged"], runs[100.0]


def test_the_estimator_past_the_stability_limit_raises_or_warns():
    pytest.importorskip("sklearn")
    from sklearn.exceptions import ConvergenceWarning

    from linscratch.estimator import SGDLinearRegression

    X = (GOOD_X - GOOD_X.mean(0)) / GOOD_X.std(0)
    y = GOOD_Y
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = SGDLinearRegression(learning_rate_init=100, random_state=0).fit(X, y)
        except (ArithmeticError, ValueError):
            return  # refused: fine
    told = [
        w
        for w in caught
        if not issubclass(w.category, ConvergenceWarning)
        or any(k in str(w.message).lower() for k in ("diverg", "stabil", "learning"))
    ]
    assert told, (
        f"fit returned coef_ {model.coef_}, intercept_ {model.intercept_} without an error or a "
        f"warning about the learning rate (warnings: {[str(w.message) for w in caught]})"
    )


# ---------------------------------------------------------------------------------------------
# Table 6: torchrun's environment (a process of its own each: the variables are read at start)
# ---------------------------------------------------------------------------------------------


def run_process(args, cwd: Path, env=None, prefix=(), timeout=60) -> Outcome:
    environ = {k: v for k, v in os.environ.items() if k not in DIST_VARS}
    environ.update(env or {})
    environ["TMPDIR"] = str(cwd / "scratch")
    (cwd / "scratch").mkdir(exist_ok=True)
    start = time.perf_counter()
    command = [*prefix, sys.executable, "-m", "linscratch", *map(str, args)]
    try:
        p = subprocess.run(
            command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        err = exc.stderr or b""
        out = out.decode() if isinstance(out, bytes) else out
        err = err.decode() if isinstance(err, bytes) else err
        crash = f"HUNG: still running after {timeout} s"
        return Outcome(None, out, err + crash, time.perf_counter() - start, crash)
    return Outcome(p.returncode, p.stdout, p.stderr, time.perf_counter() - start)


SMALL_TRAIN = ["train", "--num-examples", "100", "--epochs", "1", "--seed", "1"]
SMALL_SWEEP = ["sweep", "--lr", "0.03", "--batch-size", "10", "--jobs", "1", "--num-examples",
               "100", "--epochs", "1", "--seed", "1"]  # fmt: skip

# (id, variables, command, may it work (exit 0) instead of refusing?, words)
ENVIRONMENTS = [
    ("rank-not-a-number", {"RANK": "x", "WORLD_SIZE": "2"}, SMALL_TRAIN, False, ("RANK",)),
    ("world-size-not-a-number", {"RANK": "0", "WORLD_SIZE": "two"}, SMALL_TRAIN, False,
     ("WORLD_SIZE",)),
    ("local-rank-not-a-number", {"RANK": "0", "WORLD_SIZE": "2", "LOCAL_RANK": "x"},
     SMALL_TRAIN, False, ("LOCAL_RANK",)),
    ("rank-beyond-world-size", {"RANK": "5", "WORLD_SIZE": "2"}, SMALL_TRAIN, False,
     ("RANK",)),
    ("rank-negative", {"RANK": "-1", "WORLD_SIZE": "2"}, SMALL_TRAIN, False, ("RANK",)),
    ("predict-under-torchrun-variables", {"RANK": "0", "WORLD_SIZE": "2"},
     ["predict", "--model", "model.json", "--data", "d.csv"], True, ()),
    ("predict-with-rank-not-a-number", {"RANK": "x", "WORLD_SIZE": "2"},
     ["predict", "--model", "model.json", "--data", "d.csv"], True, ()),
    ("make-data-with-rank-not-a-number", {"RANK": "x", "WORLD_SIZE": "2"},
     ["make-data", "--num-examples", "10", "--seed", "1", "--out", "d.npy"], True, ()),
]  # fmt: skip
SLOW_ENVIRONMENTS = [  # these may import torch before they refuse
    (
        "rank-without-master-addr",
        {"RANK": "0", "WORLD_SIZE": "2"},
        SMALL_TRAIN,
        False,
        ("MASTER_ADDR",),
    ),
    ("sweep-under-torchrun-variables", {"RANK": "0", "WORLD_SIZE": "2"}, SMALL_SWEEP, True, ()),
    ("sweep-with-rank-not-a-number", {"RANK": "x", "WORLD_SIZE": "2"}, SMALL_SWEEP, True, ()),
]


def _env_params():
    for case in ENVIRONMENTS:
        yield pytest.param(*case[1:], id=case[0])
    for case in SLOW_ENVIRONMENTS:
        yield pytest.param(*case[1:], id=case[0], marks=pytest.mark.slow)


@pytest.mark.parametrize(("env", "args", "may_work", "words"), list(_env_params()))
def test_torchrun_variables_are_checked_in_one_line(here, env, args, may_work, words):
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    before = snapshot(here)
    run = run_process([*args, "--json"], here, env, timeout=60)
    if may_work and run.code == 0:
        assert "Traceback" not in run.err and not run.err, run.show()
        return
    assert_refused(run, here, before, as_json=True, words=words, seconds=None)


# ---------------------------------------------------------------------------------------------
# Table 7: files it has no permission to read (a process without root's powers)
# ---------------------------------------------------------------------------------------------


def _no_permission_prefix():
    """How to run without the power to read any file: root drops every capability (it then
    obeys permission bits like anyone); another user needs nothing."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is missing: cannot drop the power to read")
    return ("setpriv", "--inh-caps=-all", "--bounding-set=-all", "--")


def _lock(path: Path):
    os.chmod(path, 0)


# (id, setup(here) -> None, command)
NO_PERMISSION = [
    ("unreadable-csv", "d.csv", ["train", "--data", "d.csv", "--seed", "1"]),
    ("unreadable-parquet", "d.parquet", ["train", "--data", "d.parquet", "--seed", "1"]),
    ("unreadable-npy", "d.npy", ["train", "--data", "d.npy", "--seed", "1"]),
    ("unreadable-data-for-predict", "d.csv", ["predict", "--model", "model.json", "--data",
                                              "d.csv"]),
    ("unreadable-model", "model.json", ["predict", "--model", "model.json", "--data", "d.csv"]),
    ("data-in-an-unsearchable-folder", "locked", ["train", "--data", "locked/d.csv",
                                                  "--seed", "1"]),
    ("unreadable-checkpoint", "ck/checkpoint.json", [*RUN, "--epochs", "3", "--resume", "ck"]),
]  # fmt: skip


@pytest.mark.parametrize(("locked", "args"), [pytest.param(*c[1:], id=c[0]) for c in NO_PERMISSION])
def test_a_file_it_may_not_read_is_refused_in_one_line(lin, here, locked, args):
    prefix = _no_permission_prefix()
    (here / "d.csv").write_text(csv_text())
    (here / "small.csv").write_text(csv_text())
    (here / "d.parquet").write_bytes(good_parquet())
    (here / "d.npy").write_bytes(npy_bytes(GOOD))
    (here / "locked").mkdir()
    (here / "locked" / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    if locked.startswith("ck/"):
        assert lin(*RUN, "--epochs", "2", "--checkpoint", "ck").code == 0
    _lock(here / locked)
    try:
        before = snapshot(here)
        run = run_process([*args, "--json"], here, prefix=prefix, timeout=60) if prefix else None
        if run is None:
            run = lin(*args, "--json")
        assert_refused(
            run,
            here,
            before,
            as_json=True,
            words=(("permission", "denied", "not readable", "cannot read", "can't read"),),
            absent=("no such file",),
            seconds=None,
        )
    finally:
        os.chmod(here / locked, 0o755)


# ---------------------------------------------------------------------------------------------
# Learning-rate schedules: bad values, and a schedule's setting without its schedule
# ---------------------------------------------------------------------------------------------

BAD_SCHEDULES = [
    ("schedule-unknown", ["--lr-schedule", "optimal"], ("--lr-schedule",)),
    ("power-t-negative", ["--lr-schedule", "invscaling", "--power-t", "-1"], ("--power-t",)),
    ("power-t-nan", ["--lr-schedule", "invscaling", "--power-t", "nan"], ("--power-t",)),
    ("power-t-huge", ["--lr-schedule", "invscaling", "--power-t", "1e9"], ("--power-t",)),
    ("step-epochs-zero", ["--lr-schedule", "step", "--lr-step-epochs", "0"], ("--lr-step-epochs",)),
    (
        "step-epochs-half",
        ["--lr-schedule", "step", "--lr-step-epochs", "0.5"],
        ("--lr-step-epochs",),
    ),
    ("step-factor-zero", ["--lr-schedule", "step", "--lr-step-factor", "0"], ("--lr-step-factor",)),
    (
        "step-factor-above-1",
        ["--lr-schedule", "step", "--lr-step-factor", "2"],
        ("--lr-step-factor",),
    ),
    ("power-t-without-invscaling", ["--power-t", "0.5"], ("--power-t", "invscaling")),
    ("power-t-with-step", ["--lr-schedule", "step", "--power-t", "0.5"], ("--power-t",)),
    ("step-factor-without-step", ["--lr-step-factor", "0.5"], ("--lr-step-factor", "step")),
    (
        "step-epochs-with-invscaling",
        ["--lr-schedule", "invscaling", "--lr-step-epochs", "2"],
        ("--lr-step-epochs", "step"),
    ),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(("args", "words"), [pytest.param(*c[1:], id=c[0]) for c in BAD_SCHEDULES])
def test_a_bad_schedule_is_refused(lin, here, args, words, as_json):
    before = snapshot(here)
    run = lin(
        "train", "--num-examples", "100", "--seed", "1", *args, *(["--json"] * as_json), limit=30
    )
    assert_refused(run, here, before, as_json=as_json, words=words, seconds=10)


def test_sweep_refuses_a_schedule_setting_without_its_schedule(lin, here):
    before = snapshot(here)
    run = lin(*SMALL_SWEEP, "--lr-step-factor", "0.5", "--json", limit=30)
    assert_refused(run, here, before, as_json=True, words=("--lr-step-factor",), seconds=10)


# ---------------------------------------------------------------------------------------------
# --exact
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("value", ["sometimes", "", "ALWAYS"])
def test_an_unknown_exact_choice_is_refused(lin, here, value, as_json):
    before = snapshot(here)
    run = lin("train", "--exact", value, "--seed", "1", *(["--json"] * as_json), limit=30)
    assert_refused(run, here, before, as_json=as_json, words=("--exact",))


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_diverging_run_without_the_exact_answer_still_fails_in_one_line(lin, here, as_json):
    """--exact never: the divergence is reported alone (no exact answer beside it), exit 1."""
    (here / "small.csv").write_text(csv_text())
    before = snapshot(here)
    args = ["train", "--data", "small.csv", "--lr", "100", "--standardize", "--seed", "1"]
    run = lin(*args, "--exact", "never", *(["--json"] * as_json), limit=60)
    assert_refused(run, here, before, code=1, as_json=as_json, words=("diverg",), seconds=None)
    assert "least squares" not in run.out
