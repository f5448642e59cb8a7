"""The two ways a run can fail: a user's mistake (exit 2) and a diverging run (exit 1)."""

from __future__ import annotations


class UsageError(ValueError):
    """Bad input from the user: a flag, value or file. The CLI prints it as one line, exit 2."""


class DivergedError(ArithmeticError):
    """The training loss became non-finite. The CLI prints where and exits with status 1."""

    def __init__(self, epoch: int, step: int, lr: float):
        self.epoch, self.step, self.lr = epoch, step, lr
        super().__init__(
            f"training diverged: the loss became non-finite at epoch {epoch}, step {step} "
            f"with learning rate {lr}; try a smaller --lr"
        )
