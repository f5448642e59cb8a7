"""Hostile surroundings for what linscratch writes, and messages true to their cause.

A full disk under every writer (the model, the figure, the checkpoint, the predictions,
make-data's files, sweep's figure): one line, exit 2, kind "write" under --json, the old
destination as it was, no scratch file and no lock left. The disk is filled by fault injection
inside the process (a write that raises ENOSPC part-way, an fsync that does, the blocks of a
memory-mapped file that cannot be claimed), and once for real on a tiny tmpfs where this
machine lets a test mount one.

Then the messages that named the wrong cause: tiny values called constant, a checkpoint's
digest named where a setting differs, an overflow called a failed gradient check, a closed
stderr, a terminal that cannot show Chinese, Chinese column names in an English figure.
"""

# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_hostile import (  # noqa: F401  (lin, here and the imports: fixtures)
    RUN,
    _imports_done_before_timing,
    assert_refused,
    csv_text,
    here,
    lin,
    snapshot,
)

import linscratch.data.destinations as destinations

NO_SPACE = os.strerror(errno.ENOSPC)  # "No space left on device"
OLD = "the old file, kept\n"


# ---------------------------------------------------------------------------------------------
# A full disk, by fault injection
# ---------------------------------------------------------------------------------------------


class _FillsUp:
    """A file object that takes `room` bytes (or characters) and then fails as a full disk
    does: the scratch file holds a part of the output when the error comes."""

    def __init__(self, f, room: int):
        self._f, self._room = f, room

    def write(self, data):
        if len(data) > self._room:
            self._f.write(data[: self._room])
            self._f.flush()
            self._room = 0
            raise OSError(errno.ENOSPC, NO_SPACE)
        self._room -= len(data)
        return self._f.write(data)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def _fill_writes(monkeypatch, room: int = 100):
    """Every file `destinations.atomic_write` opens for writing fills up after `room` bytes."""
    real_open = open

    def fake_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return _FillsUp(f, room) if "w" in mode else f

    monkeypatch.setattr(destinations, "open", fake_open, raising=False)


def _fill_fsync(monkeypatch):
    """Flushing to disk fails with ENOSPC (delayed allocation, NFS: the disk says so late)."""

    def fsync(fd):
        raise OSError(errno.ENOSPC, NO_SPACE)

    monkeypatch.setattr(os, "fsync", fsync)


def _fill_fallocate(monkeypatch):
    """Claiming a memory-mapped file's blocks fails with ENOSPC."""

    def posix_fallocate(fd, offset, length):
        raise OSError(errno.ENOSPC, NO_SPACE)

    monkeypatch.setattr(os, "posix_fallocate", posix_fallocate)


def _fill_parquet(monkeypatch):
    """pyarrow's writer fails as it does on a full disk (an OSError with errno 28)."""
    import pyarrow.parquet as pq

    def write_table(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, f"Error writing bytes to file. Detail: [errno 28] {NO_SPACE}")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_table)


def _model(here: Path) -> None:
    (here / "m.json").write_text(
        json.dumps(
            {
                "format": "linscratch-model",
                "version": 1,
                "w": [2.0, -3.4],
                "b": 4.2,
                "feature_names": ["a", "b"],
                "target_name": "y",
            }
        )
    )


# (id, command line, the destination (kept, old content in it, where `old`), how it fills up,
#  what the file needs first)
TRAIN = (*RUN, "--epochs", "2")
PREDICT = ("predict", "--model", "m.json", "--data", "small.csv", "--output", "out.csv")
MAKE = ("make-data", "--num-examples", "1000", "--seed", "1", "--out")
SWEEP = ("sweep", "--data", "small.csv", "--lr", "0.03,0.1", "--batch-size", "10", "--epochs", "2")
WRITERS = [
    ("train-save", (*TRAIN, "--save", "out.json"), "out.json", _fill_writes),
    ("train-save-fsync", (*TRAIN, "--save", "out.json"), "out.json", _fill_fsync),
    ("train-plot", (*TRAIN, "--plot", "out.png"), "out.png", _fill_writes),
    ("train-plot-svg-fsync", (*TRAIN, "--plot", "out.svg"), "out.svg", _fill_fsync),
    ("train-checkpoint", (*TRAIN, "--checkpoint", "ck"), "ck", _fill_writes),
    ("train-checkpoint-fsync", (*TRAIN, "--checkpoint", "ck"), "ck", _fill_fsync),
    ("predict-output", PREDICT, "out.csv", _fill_writes),
    ("predict-output-fsync", PREDICT, "out.csv", _fill_fsync),
    ("make-data-npy", (*MAKE, "out.npy"), "out.npy", _fill_fallocate),
    ("make-data-npy-fsync", (*MAKE, "out.npy"), "out.npy", _fill_fsync),
    ("make-data-parquet", (*MAKE, "out.parquet"), "out.parquet", _fill_parquet),
    ("make-data-parquet-fsync", (*MAKE, "out.parquet"), "out.parquet", _fill_fsync),
    ("sweep-plot", (*SWEEP, "--seed", "1", "--plot", "out.png"), "out.png", _fill_writes),
    ("sweep-plot-fsync", (*SWEEP, "--seed", "1", "--plot", "out.svg"), "out.svg", _fill_fsync),
]


def _writer_params():
    for name, args, dest, fill in WRITERS:
        for old in (False, True):
            for as_json in (False, True):
                case = name + ("-over-old" if old else "-new") + ("-json" if as_json else "")
                yield pytest.param(args, dest, fill, old, as_json, id=case)


@pytest.mark.parametrize(("args", "dest", "fill", "old", "as_json"), list(_writer_params()))
def test_a_full_disk_under_every_writer_is_one_line_and_leaves_the_old_file(
    lin, here, monkeypatch, args, dest, fill, old, as_json
):
    """Exit 2, one line naming the flag, the file and the reason; nothing changed: the old
    destination (a file, or a checkpoint folder with its checkpoint) as it was, no scratch
    file, no lock, no checkpoint folder made."""
    (here / "small.csv").write_text(csv_text())
    _model(here)
    force = ()
    if old and dest == "ck":
        assert lin(*TRAIN, "--checkpoint", "ck").code == 0
        (here / "ck" / ".lock").unlink(missing_ok=True)
        force = ("--force",)
    elif old:
        (here / dest).write_text(OLD)
        force = () if dest.endswith((".png", ".svg")) else ("--force",)
    before = snapshot(here)
    fill(monkeypatch)
    run = lin(*args, *force, *(["--json"] * as_json))
    flag = {"ck": "--checkpoint", "out.csv": "--output", "out.png": "--plot", "out.svg": "--plot"}
    flag = flag.get(dest, "--out" if args[0] == "make-data" else "--save")
    kept = "as it was" if old else "nothing was written"
    assert_refused(run, here, before, as_json=as_json, words=(flag, dest, NO_SPACE, kept))
    if as_json:
        assert json.loads(run.out)["error"]["kind"] == "write"
    if old and dest != "ck":
        assert (here / dest).read_text() == OLD


def test_a_checkpointed_run_leaves_no_lock(lin, here):
    """The lock file a run made is gone when it ends (and a folder it had made stays, with
    the checkpoint in it)."""
    (here / "small.csv").write_text(csv_text())
    run = lin(*TRAIN, "--checkpoint", "ck")
    assert run.code == 0, run.show()
    assert sorted(p.name for p in (here / "ck").iterdir()) == ["checkpoint.json"]
    run = lin(*RUN, "--epochs", "3", "--resume", "ck")
    assert run.code == 0, run.show()
    assert sorted(p.name for p in (here / "ck").iterdir()) == ["checkpoint.json"]


def test_a_full_disk_at_a_later_epoch_keeps_the_last_checkpoint(lin, here, monkeypatch):
    """The first epoch's checkpoint is written; the second's fails: exit 2, the first one
    stays whole (it resumes), no scratch file, no lock."""
    (here / "small.csv").write_text(csv_text())
    real_write = destinations.atomic_write
    calls = []

    def atomic_write(path, write, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            _fill_writes(monkeypatch)
        return real_write(path, write, *args, **kwargs)

    monkeypatch.setattr(destinations, "atomic_write", atomic_write)
    run = lin(*TRAIN, "--checkpoint", "ck", "--json")
    assert run.code == 2 and json.loads(run.out)["error"]["kind"] == "write", run.show()
    assert sorted(p.name for p in (here / "ck").iterdir()) == ["checkpoint.json"]
    monkeypatch.delattr(destinations, "open")  # room on the disk again
    monkeypatch.setattr(destinations, "atomic_write", real_write)
    state = json.loads((here / "ck" / "checkpoint.json").read_text())
    assert state["epoch"] == 1
    assert lin(*RUN, "--epochs", "2", "--resume", "ck").code == 0


# ---------------------------------------------------------------------------------------------
# A full disk, for real: a tiny tmpfs
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def full_tmpfs(here):
    """A 256 KiB tmpfs at here/disk holding old.json, then filled to the last byte."""
    disk = here / "disk"
    disk.mkdir()
    why = None
    if os.geteuid() != 0:
        why = "mounting a tmpfs needs root (CAP_SYS_ADMIN); this test runs as another user"
    else:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            why = f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}"
    if why is not None:
        disk.rmdir()
        pytest.skip(why)
    try:
        (disk / "old.json").write_text(OLD)
        with open(disk / "filler", "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 512)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
        disk.rmdir()


def test_a_really_full_disk_under_save_and_checkpoint(lin, full_tmpfs, here):
    """On a file system with no space left: `--save` over an old model and `--checkpoint` in
    a new folder each give one line, exit 2, and leave the disk as it was."""
    (here / "small.csv").write_text(csv_text())
    before = snapshot(full_tmpfs)
    run = lin(*TRAIN, "--save", "disk/old.json", "--force", "--json")
    assert_refused(run, full_tmpfs, before, as_json=True, words=("--save", NO_SPACE))
    assert (full_tmpfs / "old.json").read_text() == OLD
    run = lin(*TRAIN, "--checkpoint", "disk/ck", "--json")
    assert_refused(run, full_tmpfs, before, as_json=True, words=("--checkpoint", NO_SPACE))


# ---------------------------------------------------------------------------------------------
# Messages true to their cause
# ---------------------------------------------------------------------------------------------


def _csv(columns: dict) -> str:
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    return ",".join(names) + "\n" + "".join(",".join(map(repr, r)) + "\n" for r in rows)


TINY_COLUMN_SHAPE = (1.0, -2.0, 3.5, 0.5, -1.5, 2.5, -0.5, 1.5, -3.0, 0.25)
TINY_COLUMN = [1e-300 * v for v in TINY_COLUMN_SHAPE]
# A column whose largest value's square underflows float64 is refused before anything squares
# it (`dataset.check_magnitudes`): values near 1e-300 gave "loss 0, it fits every row exactly"
TOO_SMALL = ("'a'", "too small for float64", "underflows", "rescale the column")
Y10 = [float(v) for v in range(10)]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(
    ("column", "extra", "words", "absent"),
    [
        pytest.param(
            [1e-145 + 1e-156 * v for v in TINY_COLUMN_SHAPE],
            (),
            ("--standardize", "'a'", "not constant", "standard deviation", "1.49e-154"),
            ("is constant",),
            id="values-near-1e-145-varying-by-1e-156",
        ),
        pytest.param(
            TINY_COLUMN, (), TOO_SMALL, ("is constant", "not constant"), id="values-near-1e-300"
        ),
        pytest.param(
            TINY_COLUMN,
            ("--no-intercept",),
            TOO_SMALL,
            ("is constant", "not constant"),
            id="values-near-1e-300-through-the-origin",
        ),
        pytest.param(
            [1e-310 * (1 + i % 2) for i in range(10)],
            (),
            TOO_SMALL,
            ("is constant",),
            id="subnormal-values",
        ),
        pytest.param([1e-300] * 10, (), TOO_SMALL, ("not constant",), id="tiny-but-constant"),
        pytest.param(
            [0.0] * 10,
            ("--no-intercept",),
            ("'a'", "is zero"),
            ("not constant",),
            id="zero-through-the-origin",
        ),
    ],
)
def test_standardize_tells_a_tiny_spread_from_none(
    lin, here, column, extra, words, absent, as_json
):
    """A column whose spread's square underflows is not constant, and one whose values' squares
    underflow is too small: the message says which."""
    (here / "t.csv").write_text(_csv({"a": column, "b": Y10[::-1], "y": Y10}))
    before = snapshot(here)
    run = lin("train", "--data", "t.csv", "--standardize", "--dtype", "float64", "--seed", "1",
              *extra, *(["--json"] * as_json))  # fmt: skip
    assert_refused(run, here, before, as_json=as_json, words=words, absent=absent)


def test_standardize_keeps_a_small_spread_that_float64_can_hold(lin, here):
    """1e-100 is far from the bound: trained, and the answer in the data's units."""
    a = [v * 1e200 for v in TINY_COLUMN]  # 1e-100
    y = [3e100 * v + 1.0 for v in a]
    (here / "t.csv").write_text(_csv({"a": a, "y": y}))
    run = lin("train", "--data", "t.csv", "--standardize", "--dtype", "float64", "--seed", "1",
              "--epochs", "3", "--json")  # fmt: skip
    assert run.code == 0, run.show()
    exact = json.loads(run.out)["ols"]
    assert exact["w"][0] == pytest.approx(3e100, rel=1e-9)


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (("--standardize",), ("standardize (False there, True now)",)),
        (("--val-fraction", "0.25"), ("val_fraction (None there, 0.25 now)",)),
    ],
    ids=["standardize-added", "val-fraction-added"],
)
def test_a_resume_with_another_row_setting_names_the_setting(lin, here, flags, words):
    """Not the training rows' digest: the setting that changed them, old and new value."""
    (here / "small.csv").write_text(csv_text())
    assert lin(*TRAIN, "--checkpoint", "ck", "--no-standardize").code == 0
    before = snapshot(here)
    run = lin(*RUN, "--epochs", "3", "--resume", "ck", *flags, "--json")
    assert_refused(run, here, before, as_json=True, words=words, absent=("data (",))


def test_a_resume_of_other_data_still_names_the_data(lin, here):
    (here / "small.csv").write_text(csv_text())
    assert lin(*TRAIN, "--checkpoint", "ck").code == 0
    (here / "small.csv").write_text(csv_text().replace("\n0.", "\n0.5", 1))
    before = snapshot(here)
    run = lin(*RUN, "--epochs", "3", "--resume", "ck")
    assert_refused(run, here, before, words=("data (",))


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("args", [("--w", "1e300,1e300"), ("--b", "1e308")], ids=["w", "b"])
def test_grad_says_the_values_overflow_not_that_the_check_failed(lin, here, args, as_json):
    """Exit 1 (the check cannot pass), one line saying the values overflow float64; the
    comparisons with the finite differences say they were not compared, not FAILED."""
    run = lin("grad", *args, *(["--json"] * as_json))
    assert run.code == 1 and not run.crash, run.show()
    lines = run.err.splitlines()
    assert len(lines) == 1 and "overflow float64" in lines[0] and "--w" in lines[0], run.show()
    if as_json:
        report = json.loads(run.out)
        assert report["overflow"] is True and report["passed"] is False
        fd = report["comparisons"]["analytic_vs_finite_difference"]
        assert fd["overflow"] is True and fd["passed"] is False
    else:
        fd = [line for line in run.out.splitlines() if " vs finite diff." in line]
        assert len(fd) == 2 and all(line.endswith("overflow float64") for line in fd), fd
        assert "FAILED" not in run.out


def test_grad_without_overflow_says_nothing_of_it(lin, here):
    run = lin("grad", "--json")
    assert run.code == 0 and run.err == "", run.show()
    assert json.loads(run.out)["overflow"] is False


# A closed or unwritable stderr, an output that cannot show Chinese ---------------------------


def _ascii_stream():
    import io

    return io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")


def _text_of(stream) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("ascii")


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_no_stderr_keeps_exit_2_and_stdout_clean(here, capsys, monkeypatch, as_json):
    """`2>&-` leaves sys.stderr None: the refusal still exits 2, and the error line does not
    land on stdout (print(file=None) writes there)."""
    from linscratch.cli import main

    monkeypatch.setattr(sys, "stderr", None)
    code = main(["train", "--lr", "-1", *(["--json"] * as_json)])
    out = capsys.readouterr().out
    assert code == 2
    if as_json:
        assert json.loads(out)["error"]["exit_code"] == 2
    else:
        assert out == ""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["closed", "read-only", "dev-full"])
def test_an_unusable_stderr_keeps_exit_2(here, how):
    """In a real process: fd 2 closed (`2>&-`), reused for a file open read-only (as some
    launchers leave it), or /dev/full: exit 2, and stdout holds the JSON object alone."""

    def stderr_as_asked():
        os.close(2)
        if how == "read-only":
            os.open(os.devnull, os.O_RDONLY)
        elif how == "dev-full":
            os.open("/dev/full", os.O_WRONLY)

    if how == "dev-full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    done = subprocess.run(
        [sys.executable, "-m", "linscratch", "train", "--lr", "-1", "--json"],
        stdout=subprocess.PIPE,
        preexec_fn=stderr_as_asked,
        timeout=60,
        text=True,
    )
    assert done.returncode == 2, done
    assert json.loads(done.stdout)["error"]["exit_code"] == 2


def test_chinese_on_an_ascii_output_falls_back_to_english_with_one_note(here, monkeypatch):
    """PYTHONIOENCODING=ascii with --lang zh: English, after one note saying why; exit 0."""
    from linscratch.cli import main

    out, err = _ascii_stream(), _ascii_stream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main(["train", "--lang", "zh", "--epochs", "3", "--seed", "1", "--quiet"])
    text, note = _text_of(out), _text_of(err)
    assert code == 0
    assert "epoch 3, loss" in text and "exact least squares" in text
    assert note.count("\n") == 1 and "cannot show Chinese" in note and "(ascii)" in note
    assert out.errors == err.errors == "strict"  # the streams given back as they were


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_chinese_column_names_on_an_ascii_output_are_escaped(here, monkeypatch, as_json):
    """Names the output cannot show are backslash escapes in text, \\u escapes in JSON (still
    JSON), never a UnicodeEncodeError; a refusal naming one too."""
    from linscratch.cli import main

    columns = {
        "面积": [1.0, 2.0, 3.0, 4.0],
        "é": [2.0, 1.0, 4.0, 3.0],
        "价格": [3.0, 5.0, 9.0, 10.0],
    }
    (here / "cn.csv").write_text(_csv(columns), encoding="utf-8")  # fmt: skip
    out, err = _ascii_stream(), _ascii_stream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    run = ["train", "--data", "cn.csv", "--epochs", "1", "--seed", "1", "--quiet"]
    assert main([*run, *(["--json"] * as_json)]) == 0
    if as_json:
        assert json.loads(_text_of(out))["data"]["features"] == ["面积", "é"]
    else:
        assert "\\u9762\\u79ef" in _text_of(out)
    code = main(["train", "--data", "cn.csv", "--target", "价", *(["--json"] * as_json)])
    assert code == 2
    if as_json:
        assert json.loads(_text_of(out).splitlines()[-1])["error"]["exit_code"] == 2


@pytest.mark.slow
def test_pythonioencoding_ascii_with_lang_zh_in_a_real_process(here):
    done = subprocess.run(
        [sys.executable, "-m", "linscratch", "train", "--lang", "zh", "--seed", "1"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert b"Traceback" not in done.stderr and done.stderr.count(b"\n") == 1
    assert b"exact least squares" in done.stdout


# Chinese column names in a figure in English ---------------------------------------------------


def test_chinese_column_names_in_an_english_figure(lin, here):
    """No matplotlib warning per glyph: with a CJK font nothing is said; without one, one line
    says the Chinese shows as boxes."""
    from linscratch.show.fonts import cjk_font

    columns = {
        "面积": [1.0, 2.0, 3.0, 4.0],
        "房龄": [2.0, 1.0, 4.0, 3.0],
        "价格": [3.0, 5.0, 9.0, 10.0],
    }
    (here / "cn.csv").write_text(_csv(columns), encoding="utf-8")  # fmt: skip
    run = lin("train", "--data", "cn.csv", "--epochs", "2", "--seed", "1", "--quiet",
              "--plot", "cn.png")  # fmt: skip
    assert run.code == 0 and (here / "cn.png").stat().st_size > 0, run.show()
    assert "Glyph" not in run.err and "Traceback" not in run.err
    # two epochs on four rows do not converge: that warning aside
    err = "".join(line for line in run.err.splitlines(True) if "not converged" not in line)
    if cjk_font() is None:
        assert err.count("\n") == 1 and "font" in err and "boxes" in err, run.err
    else:
        assert err == "", run.err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cjk_font_goes_to_the_texts_that_need_it(monkeypatch, lang):
    """In English only the texts holding Chinese take the CJK font; in Chinese all do."""
    import matplotlib.figure

    from linscratch import i18n
    from linscratch.show import fonts, plots

    monkeypatch.setattr(fonts, "cjk_font", lambda: "Some CJK Font")
    fig = matplotlib.figure.Figure()
    ax = fig.add_subplot()
    ax.set_xlabel("面积")
    ax.set_ylabel("loss")
    i18n.set_language(lang)
    try:
        plots.chinese_font(fig)
    finally:
        i18n.set_language("en")
    # Latin letters and symbols from DejaVu Sans first, then the CJK font (`fonts.family`)
    assert ax.xaxis.label.get_fontfamily() == ["DejaVu Sans", "Some CJK Font"]
    assert ("Some CJK Font" in ax.yaxis.label.get_fontfamily()) == (lang == "zh")


@pytest.mark.parametrize(
    ("scale_x", "scale_y", "flags", "words"),
    [
        (1e-300, 1e-300, (), ("'0'", "3.11e-300", "float64", "rescale the column")),
        (1e-300, 1.0, ("--dtype", "float64"), ("'0'", "float64", "rescale the column")),
        (1.0, 1e-300, (), ("'2'", "float64", "rescale the column")),
        (
            1e-20,
            1e-20,
            ("--no-standardize",),
            ("'0'", "float32", "--dtype float64 or --standardize"),
        ),
    ],
    ids=["all-near-1e-300", "features-near-1e-300", "target-near-1e-300", "float32-near-1e-20"],
)
def test_values_whose_squares_underflow_are_refused_not_answered(
    lin, here, scale_x, scale_y, flags, words
):
    """Values so small that their squares underflow gave a wrong exact answer ("loss 0, it
    fits every row exactly", or R² 0 with the features treated as zeros): one line naming the
    column, measured in the pass that reads the file."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = X @ [2.0, -3.4] + 4.2 + 0.01 * rng.normal(size=200)
    np.save(here / "t.npy", np.c_[X * scale_x, y * scale_y])
    before = snapshot(here)
    run = lin("train", "--data", "t.npy", "--seed", "1", *flags)
    assert_refused(run, here, before, words=words)


def test_values_near_1e_20_train_in_float64_with_the_right_answer(lin, here):
    """The float32 bound is float32's: the same file trains in float64, its exact answer the
    float64 least squares of the rows."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = X @ [2.0, -3.4] + 4.2 + 0.01 * rng.normal(size=200)
    np.save(here / "t.npy", np.c_[X * 1e-20, y * 1e-20])
    run = lin("train", "--data", "t.npy", "--seed", "1", "--dtype", "float64", "--json")
    assert run.code == 0, run.show()
    A = np.c_[X * 1e-20, np.ones(200)]
    norms = np.linalg.norm(A, axis=0)  # columns scaled first: numpy's cut-off would drop them
    expected = np.linalg.lstsq(A / norms, y * 1e-20, rcond=None)[0] / norms
    exact = json.loads(run.out)["ols"]
    np.testing.assert_allclose([*exact["w"], exact["b"]], expected, rtol=1e-9)


def test_fit_refuses_features_whose_squares_underflow():
    from linscratch import UsageError, fit

    X = np.random.default_rng(0).normal(size=(50, 2)) * 1e-300
    with pytest.raises(UsageError, match=r"x1.*too small for float64"):
        fit(X, np.ones(50))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("n", [1, 31, 32, 33, 5000, 70_001])
def test_scan_measures_each_columns_largest_magnitude(n, dtype):
    """The pass that checks a file's cells measures each column's largest magnitude (the
    bound on values whose squares underflow needs it by column), equal to numpy's own."""
    from pathlib import Path

    from linscratch.data.columns import scan

    a = (np.random.default_rng(n).normal(size=(n, 7)) * [1e-3, 1, 1e3, 1, -1, 5, 0]).astype(dtype)
    np.testing.assert_array_equal(
        scan(a, [f"c{j}" for j in range(7)], Path("t")), np.abs(a).max(axis=0).astype(np.float64)
    )
