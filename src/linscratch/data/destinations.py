"""Where a run writes: one rule for every destination, checked before any work, and writes
that never leave a half-written file.

`check` refuses a destination that cannot or should not be written: one that exists (unless
`force`, or unless it is a figure: a plot is regenerated freely, as plotting tools do), is a
folder, is not a regular file (a symbolic link, a pipe or a device: never
replaced, even with `force`), lies in a missing folder or in one that cannot be written to,
or has the wrong extension. `check_folder` does the same for a checkpoint folder,
`check_events_folder` for a TensorBoard folder. A command
checks all its destinations before it reads any data, so that a run that cannot save never
trains. `atomic_path` and `atomic_write` then write through a temporary file in the same
folder, flushed to disk and renamed into place.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from linscratch.errors import UsageError, WriteError
from linscratch.i18n import Words, tr
from linscratch.interrupts import raise_pending

REGENERATED = frozenset({"plot"})  # fields whose existing file is replaced without `force`
FIGURES = (".png", ".svg")  # the suffixes a figure is written as (matplotlib's formats)


def _writable_folder(folder: Path, field: str) -> None:
    if not folder.is_dir():
        raise UsageError("{0}: {folder} is not a folder", field, folder=folder)
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".linscratch-probe-")
    except OSError as exc:
        raise UsageError(
            "{0}: cannot write in {folder} ({reason})", field, folder=folder, reason=exc.strerror
        ) from None
    try:
        os.close(fd)
    finally:  # a signal here (SIGTERM unwinds) leaves no probe behind
        os.unlink(probe)


def check(path, field: str, force=False, suffixes: tuple[str, ...] = (), probe=True) -> None:
    """Refuse, naming `field`, a file destination that cannot or should not be written;
    `probe` tries writing a scratch file in its folder."""
    p = Path(path)
    if suffixes and p.suffix.lower() not in suffixes:
        shown = tr(" or ").join(suffixes)
        raise UsageError("{0}: {path} must end in {shown}", field, path=path, shown=shown)
    try:
        mode = os.lstat(p).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError("{0}: {path}: {reason}", field, path=path, reason=exc.strerror) from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise UsageError("{0}: {path} is a folder; give a file name", field, path=path)
        if not stat.S_ISREG(mode):
            raise UsageError(
                "{0}: {path} is not a regular file (a link, pipe or device); it is never "
                "replaced: give another name",
                field,
                path=path,
            )
        if not force and field not in REGENERATED:
            raise UsageError("{0}: {path} exists; add {1} to replace it", field, "force", path=path)
    if probe:
        _writable_folder(p.parent, field)
    elif not p.parent.is_dir():
        raise UsageError("{0}: {folder} is not a folder", field, folder=p.parent)


def check_folder(path, field: str, name: str, force: bool = False, resume: bool = False) -> None:
    """Refuse a folder destination (a checkpoint folder keeping the file `name`): not a
    folder; for `resume`, without the file; otherwise holding one already, unless `force`."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError("{0}: {path} is not a folder", field, path=path)
    if resume:
        if not (folder / name).is_file():
            raise UsageError("{0}: no checkpoint in {path}", field, path=path)
    elif (folder / name).exists() and not force:
        raise UsageError(
            "{0}: {path} holds a checkpoint; {1} {path} continues it, {2} starts over",
            field,
            "resume",
            "force",
            path=path,
        )
    if folder.exists():
        check(folder / name, field, force=True)
    else:
        _writable_folder(folder.parent, field)


EVENT_FILES = "events.out.tfevents.*"  # TensorBoard's event files (`show.tensorboard`)


def check_events_folder(path, field: str, force: bool = False) -> None:
    """Refuse a TensorBoard folder: not a folder; holding TensorBoard files already (below it
    too: a sweep's runs), unless `force` (the run then replaces them, `clear_events`); in a
    folder that cannot be written to (the nearest one that exists: the missing ones are made)."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError("{0}: {path} is not a folder", field, path=path)
    if folder.is_dir() and not force and next(folder.rglob(EVENT_FILES), None) is not None:
        raise UsageError(
            "{0}: {path} holds TensorBoard files already; give another folder, or add {1} "
            "to replace them",
            field,
            "force",
            path=path,
        )
    nearest = folder
    while not nearest.exists() and nearest != nearest.parent:
        nearest = nearest.parent
    _writable_folder(nearest if nearest.exists() else Path("."), field)


def clear_events(path) -> None:
    """Remove the TensorBoard files a run with `force` replaces (`check_events_folder`)."""
    folder = Path(path)
    if folder.is_dir():
        for old in folder.rglob(EVENT_FILES):
            old.unlink(missing_ok=True)


def check_distinct(outputs: dict, inputs: dict) -> None:
    """Refuse two destinations that name one file, or a destination that is one of the run's
    own inputs (its data, its model): `outputs` and `inputs` map fields to paths."""
    seen: dict[Path, str] = {}
    for field, path in [*inputs.items(), *outputs.items()]:
        if path is None:
            continue
        try:
            key = Path(path).resolve()
        except (RuntimeError, OSError):  # a loop of symbolic links (RuntimeError before 3.13)
            raise UsageError("{0}: {problem}", field, problem=symlink_loop(path)) from None
        if key in seen:
            other = seen[key]
            role = Words("the input") if other in inputs else Words("the destination")
            raise UsageError(
                "{0}: {path} is also {role} of {1}; give another name",
                field,
                other,
                path=path,
                role=role,
            )
        seen[key] = field


def check_outputs(outputs, inputs: dict | None = None) -> None:
    """Check every destination of a run (`spec.OutputSpec`) before it starts; `inputs` maps
    the fields of the files it reads to their paths."""
    saved = {"save": outputs.save, "save_exact": outputs.save_exact}
    check_distinct({**saved, "plot": outputs.plot}, inputs or {})
    for field, path in saved.items():
        if path is not None:
            check(path, field, outputs.force)
    if outputs.plot is not None:
        check(outputs.plot, "plot", outputs.force, FIGURES)
    if outputs.resume is not None:
        check_folder(outputs.resume, "resume", "checkpoint.json", resume=True)
    elif outputs.checkpoint is not None:
        check_folder(outputs.checkpoint, "checkpoint", "checkpoint.json", outputs.force)
    if outputs.tensorboard is not None:
        check_events_folder(outputs.tensorboard, "tensorboard", outputs.force)


def scratch_prefix(name: str) -> str:
    """The prefix of this process's scratch files for `name`: `.NAME.linscratch-PID-`."""
    return f"{name}.linscratch-{os.getpid()}-"


def remove_stale(folder: Path, name: str) -> None:
    """Remove scratch files for `name` left in `folder` by linscratch processes that no longer
    run (a run killed while writing: SIGKILL cannot be caught)."""
    for path in folder.glob(f"{name}.linscratch-*-*"):
        pid = path.name[len(name) + len(".linscratch-") :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # alive, or another user's


@contextmanager
def atomic_path(path, force: bool = False, field: str = "output"):
    """A temporary path in the same folder as `path`, flushed and renamed to it when the block
    completes, so that a failure never leaves a half-written file (see `check`). It is removed
    on any error or interruption (the CLI turns SIGTERM into one); one left by a killed run is
    removed by the next write to the same destination. A write that fails when the time comes
    (a full disk: ENOSPC, a quota, an I/O error) is a `WriteError` naming `field`, the old file
    left as it was."""
    path = Path(path)
    check(path, field, force, probe=False)
    remove_stale(path.parent, f".{path.name}")
    try:
        prefix = scratch_prefix(f".{path.name}")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=path.suffix)
    except OSError as exc:
        raise UsageError(
            "{0}: cannot write in {folder} ({reason})",
            field,
            folder=path.parent,
            reason=exc.strerror,
        ) from None
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        raise_pending()  # a signal a library swallowed: no output, as for any other
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise write_error(exc, path, field) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # the rename made durable; it has happened whatever this says
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError:
        pass


def write_error(exc: OSError, path, field: str) -> WriteError:
    """The one line for a write to `path` that failed with `exc` (a full disk, say): what
    failed, why, and that the destination is as it was."""
    reason = exc.strerror or "".join(c if c.isprintable() else "?" for c in str(exc))[:200]
    kept = Words("it is as it was") if os.path.lexists(path) else Words("nothing was written")
    return WriteError(
        "{0}: cannot write {path} ({reason}); {kept}", field, path=path, reason=reason, kept=kept
    )


def reserve(fileno: int) -> None:
    """Claim the blocks of the open file `fileno` up to its size before writing through a
    memory mapping, so that a full disk is an `OSError` (ENOSPC) here and not SIGBUS at the
    first page with no room; a file system that cannot say (EINVAL, EOPNOTSUPP) is written
    as before."""
    try:
        os.posix_fallocate(fileno, 0, os.fstat(fileno).st_size)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
            raise


def atomic_write(path, write, force: bool = False, field: str = "output", binary=False) -> None:
    """`atomic_path` for a file written through a file object: `write(f)` gets a text file (a
    binary one with `binary`)."""
    with atomic_path(path, force, field) as tmp:
        with open(tmp, "wb") if binary else open(tmp, "w", newline="") as f:
            write(f)


def symlink_loop(path) -> UsageError:
    """The one line for a path whose symbolic links lead back to themselves."""
    return UsageError("{path}: a loop of symbolic links, leading to no file", path=path)
