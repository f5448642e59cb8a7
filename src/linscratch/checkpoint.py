"""Checkpoints: a run's state after each epoch, written atomically, so that a long run survives
interruption and `--resume` finishes it exactly as if it had never stopped.

The state is small: the parameters (float64 holds float32 values exactly), each epoch's loss,
the epoch reached and the book shuffle's random state (the compiled shuffles depend only on
the seed and the epoch). A fingerprint of everything that shapes the run, the data included
(a BLAKE2 digest of its bytes), must match on resume; anything else is refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .errors import UsageError
from .files import atomic_write, read_versioned_json

FORMAT, VERSION, NAME = "linscratch-checkpoint", 1, "checkpoint.json"


def data_digest(X, y) -> str:
    """A digest of the training data's values, in chunks (a view of torch or numpy memory)."""
    h = hashlib.blake2b(digest_size=16)
    for a in (X, y):
        a = np.ascontiguousarray(a.detach().cpu().numpy() if hasattr(a, "detach") else a)
        flat = a.reshape(-1).view(np.uint8)
        for start in range(0, len(flat), 1 << 26):
            h.update(flat[start : start + (1 << 26)])
    return h.hexdigest()


class Checkpoints:
    """Where one run keeps its checkpoint: DIR/checkpoint.json."""

    def __init__(self, directory, fingerprint: dict):
        self.path = Path(directory) / NAME
        self.fingerprint = fingerprint
        if not self.path.parent.parent.is_dir():
            raise UsageError(f"--checkpoint: {self.path.parent.parent} is not a folder")
        self.path.parent.mkdir(exist_ok=True)

    def save(self, epoch: int, w, b: float, losses: list[float], rng_state) -> None:
        state = {
            "format": FORMAT,
            "version": VERSION,
            "fingerprint": self.fingerprint,
            "epoch": epoch,
            "w": [float(v) for v in w],
            "b": float(b),
            "losses": list(losses),
            "rng_state": rng_state,
        }
        text = json.dumps(state, allow_nan=False)
        atomic_write(self.path, lambda f: f.write(text), force=True, flag="--checkpoint")

    def load(self) -> dict:
        """The saved state, refused with a clear error if missing, corrupt or of another run."""
        state = read_versioned_json(self.path, FORMAT, VERSION, "checkpoint", "--resume")
        saved = state.get("fingerprint", {})
        differ = sorted(
            k
            for k in self.fingerprint.keys() | saved.keys()
            if saved.get(k) != self.fingerprint.get(k)
        )
        if differ:
            shown = ", ".join(
                f"{k} ({saved.get(k)!r} there, {self.fingerprint.get(k)!r} now)" for k in differ
            )
            raise UsageError(f"--resume: {self.path} is from another run: {shown}")
        try:
            epoch, losses = int(state["epoch"]), [float(v) for v in state["losses"]]
            w, b = [float(v) for v in state["w"]], float(state["b"])
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"--resume: {self.path} is corrupt ({exc!r})") from None
        if len(losses) != epoch or len(w) != self.fingerprint.get("num_features"):
            raise UsageError(f"--resume: {self.path} is corrupt (inconsistent sizes)")
        return {"epoch": epoch, "losses": losses, "w": w, "b": b, "rng_state": state["rng_state"]}
