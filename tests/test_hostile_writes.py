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
from pathlib import Path

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

import linscratch.destinations as destinations

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
