"""Checkpoints: a run's state after each epoch, written atomically, so that a long run survives
interruption and a resumed run finishes exactly as if it had never stopped, or goes on to more
epochs exactly as a longer run would have.

The state is small: the parameters (float64 holds float32 values exactly), each epoch's loss,
the epoch reached, the plan's engine and shuffle, and the book shuffle's random state (the
compiled shuffles depend only on the seed and the epoch). A fingerprint of everything that
shapes the run but its length (the spec's model, optimisation and precision settings, the
plan, the seed, the starting parameters and a BLAKE2 digest of the data) must match on resume.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
from pathlib import Path

import numpy as np

from linscratch.data import destinations
from linscratch.data.saved import finite_number, read_versioned_json
from linscratch.errors import UsageError
from linscratch.events import EpochEnd, Subscriber
from linscratch.i18n import Words
from linscratch.losses import SQUARED
from linscratch.train.schedules import describe

FORMAT, VERSION, NAME = "linscratch-checkpoint", 2, "checkpoint.json"


def data_digest(X, y) -> str:
    """A digest of the training data's values, in chunks (a view of torch or numpy memory)."""
    h = hashlib.blake2b(digest_size=16)
    for a in (X, y):
        a = np.ascontiguousarray(a.detach().cpu().numpy() if hasattr(a, "detach") else a)
        flat = a.reshape(-1).view(np.uint8)
        for start in range(0, len(flat), 1 << 26):
            h.update(flat[start : start + (1 << 26)])
    return h.hexdigest()


def fingerprint(spec, plan, seed: int, X, y, w0, b0, weights=None) -> dict:
    """What must match for a checkpoint to be continued: everything that shapes the run but
    the number of epochs (a resumed run may go on to more); the rows' weights where given; a
    learning-rate schedule and its settings, weight decay, a loss other than the book's and
    its parameter (Huber's δ) where set."""
    n, d = X.shape
    mark = {} if weights is None else {"weights": data_digest(weights, weights[:0])}
    if spec.optim.lr_schedule != "constant":  # a constant rate's checkpoints stay as they were
        mark["lr_schedule"] = describe(spec.optim)
    if spec.model.l2:  # weight decay changes every step (absent at 0: older checkpoints match)
        mark["l2"] = spec.model.l2
    loss = plan.loss
    if loss is not SQUARED:  # the loss and its parameter, Huber's δ (absent for the book's)
        mark["loss"] = {"loss": loss.name}
        if loss.parameter is not None:
            mark["loss"][loss.parameter] = loss.value(spec.model)
    return mark | {
        "data": data_digest(X, y),
        "num_examples": n,
        "num_features": d,
        "init": spec.model.init,
        "fit_intercept": spec.model.fit_intercept,
        "lr": spec.optim.lr,
        "batch_size": spec.optim.batch_size,
        "short_batch": spec.optim.short_batch,
        "dtype": spec.execution.dtype,
        "device": spec.execution.device,
        "engine": plan.engine,
        "shuffle": plan.shuffle,
        "seed": seed,
        "w0": np.ravel(np.asarray(w0, np.float64)).tolist(),
        "b0": float(np.ravel(np.asarray(b0, np.float64))[0]),
        "world_size": plan.world_size,
    }


def row_settings(spec) -> dict:
    """The settings that change which rows train, and their values, without being in the
    fingerprint (the data's digest covers them): saved beside it, so that a resume refused
    for another digest names the setting that differs rather than the digest."""
    return {"standardize": spec.data.standardize, "val_fraction": spec.data.val_fraction}


def _numbers(values, count=None) -> bool:
    return (
        isinstance(values, list)
        and (count is None or len(values) == count)
        and all(map(finite_number, values))
    )


def _valid_rng_state(shuffle: str, rng_state) -> bool:
    """The book shuffle's saved `random.Random` state is one it can take; other orders need
    none."""
    if shuffle != "book":
        return rng_state is None
    try:
        version, internal, gauss = rng_state
        random.Random().setstate((version, tuple(internal), gauss))
    except (TypeError, ValueError, OverflowError):
        return False
    return True


class Checkpoints:
    """Where one run keeps its checkpoint: DIR/checkpoint.json."""

    def __init__(self, directory):
        self.path = Path(directory) / NAME

    def load(self, num_epochs: int) -> dict:
        """The saved state, checked; refused with a clear error if missing or corrupt, or
        if it has already run more than `num_epochs` epochs."""
        state = read_versioned_json(self.path, FORMAT, VERSION, Words("checkpoint"), "resume")
        epoch, plan = state.get("epoch"), state.get("plan")
        valid = (
            isinstance(epoch, int)
            and epoch >= 1
            and _numbers(state.get("losses"), epoch)
            and _numbers(state.get("w"))
            and _numbers([state.get("b")])
            and isinstance(plan, dict)
            and all(isinstance(plan.get(k), str) for k in ("engine", "shuffle"))
            and isinstance(state.get("fingerprint"), dict)
        )
        if not valid or not _valid_rng_state(plan["shuffle"], state.get("rng_state")):
            raise UsageError("{0}: {path} is corrupt", "resume", path=self.path)
        for part in (plan, state["fingerprint"]):  # the compiled engine's earlier name
            if part.get("engine") == "numba":
                part["engine"] = "compiled"
        if num_epochs < epoch:
            raise UsageError(
                "{0} is {value}, but the run in {path} has already trained {epoch} epochs",
                "num_epochs",
                value=num_epochs,
                path=self.path.parent,
                epoch=epoch,
            )
        return state

    def verify(self, state: dict, mark: dict, rows: dict | None = None) -> None:
        """Refuse a checkpoint of another run, naming what differs: a setting of `rows`
        (`row_settings`) in place of the data's digest, where one differs from the saved."""
        saved = dict(state["fingerprint"])
        mark = dict(mark)
        differ = sorted(k for k in mark.keys() | saved.keys() if saved.get(k) != mark.get(k))
        saved_rows = state.get("rows")
        if "data" in differ and isinstance(saved_rows, dict) and rows:
            changed = [k for k in rows if k in saved_rows and saved_rows[k] != rows[k]]
            if changed:  # the digest differs because these do: name them
                saved |= {k: saved_rows[k] for k in changed}
                mark |= {k: rows[k] for k in changed}
                differ = sorted([k for k in differ if k != "data"] + changed)
        if differ:
            shown = ", ".join(
                Words(
                    "{key} ({there!r} there, {now!r} now)",
                    key=k,
                    there=saved.get(k),
                    now=mark.get(k),
                ).said()
                for k in differ
            )
            raise UsageError(
                "{0}: {path} is from another run: {shown}", "resume", path=self.path, shown=shown
            )
        if len(state["w"]) != mark["num_features"]:
            raise UsageError(
                "{0}: {path} is corrupt (inconsistent sizes)", "resume", path=self.path
            )

    def writer(self, mark: dict, plan, losses=(), rows=None) -> CheckpointWriter:
        """A subscriber that saves the state after each epoch; `losses`, the epochs' losses
        before this run's first (a resumed run's); `rows`, `row_settings`."""
        return CheckpointWriter(self.path, mark, plan, losses, rows)


class CheckpointWriter(Subscriber):
    """Saves the run's state after every epoch. While the run lasts it holds an advisory lock
    on DIR/.lock, so that a second run on the same folder is refused instead of overwriting
    the first one's checkpoint; the lock file it made is removed when the run ends, however it
    ends, and a run that saved nothing (its first write failed: a full disk) leaves no folder
    it made."""

    def __init__(self, path: Path, mark: dict, plan, losses=(), rows=None):
        self.path, self.mark, self.plan, self.rows = path, mark, plan, rows
        self.losses = list(losses)
        self.lock = None
        self.made = self.lock_made = self.saved = False

    def run_start(self, event) -> None:
        folder = self.path.parent
        self.made = not folder.exists()
        try:
            folder.mkdir(exist_ok=True)
            self.lock_made = not (folder / ".lock").exists()
            self.lock = os.open(folder / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:
            if self.made:
                folder.rmdir()
            raise UsageError(
                "{0}: cannot use {path} ({reason})", "checkpoint", path=folder, reason=exc.strerror
            ) from None
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.lock)
            self.lock = None
            raise UsageError(
                "{0}: {path} is in use by another run", "checkpoint", path=folder
            ) from None

    def release(self) -> None:
        """Let go of the lock, removing the lock file if this run made it (while still holding
        it, so that no other run can take the file being removed); remove the folder if this
        run made it and saved nothing."""
        if self.lock is not None:
            if self.lock_made:
                (self.path.parent / ".lock").unlink(missing_ok=True)
            os.close(self.lock)
            self.lock = None
            if self.made and not self.saved:
                self.path.parent.rmdir()

    def epoch_end(self, event: EpochEnd) -> None:

        self.losses.append(event.loss)
        state = {
            "format": FORMAT,
            "version": VERSION,
            "fingerprint": self.mark,
            "plan": {"engine": self.plan.engine, "shuffle": self.plan.shuffle},
            "epoch": event.epoch,
            "w": [float(v) for v in event.w],
            "b": float(event.b),
            "losses": self.losses,
            "rng_state": event.order_state,
        }
        if self.rows is not None:
            state["rows"] = self.rows
        text = json.dumps(state, allow_nan=False)
        destinations.atomic_write(
            self.path, lambda f: f.write(text), force=True, field="checkpoint"
        )
        self.saved = True
