"""The two ways a run can fail: a user's mistake (exit 2) and a diverging run (exit 1)."""

from __future__ import annotations


class UsageError(ValueError):
    """Bad input from the user: a flag, value or file. The CLI prints it as one line, exit 2."""


class DivergedError(ArithmeticError):
    """The training loss became non-finite. The CLI prints where and exits with status 1."""

    def __init__(self, epoch, step, lr, lr_max=None, losses=(), standardized=False):
        self.epoch, self.step, self.lr, self.lr_max = epoch, step, lr, lr_max
        self.losses = list(losses)  # the epochs' losses before it diverged
        self.standardized = standardized
        super().__init__()

    def __str__(self) -> str:
        text = (
            f"training diverged: the loss became non-finite at epoch {self.epoch}, step "
            f"{self.step} with learning rate {self.lr}"
        )
        if self.lr_max is None:
            return text + "; try a smaller --lr"
        relation = "above" if self.lr > self.lr_max else "below"
        return (
            f"{text}, {relation} this data's stability limit 2/λ_max = {self.lr_max:.4g}; "
            f"try --lr {self.lr_max / 4:.2g}"
            + (" or --standardize" if self.lr > self.lr_max and not self.standardized else "")
        )
