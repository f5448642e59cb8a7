"""The epoch lines of `train`'s text report, as the book prints them, printed as the epochs end
(`EpochLines`), and the lines that say early stopping ended a run, that the parameters are a
mean of iterates, and how a schedule changed the learning rate."""

from __future__ import annotations

import sys

from linscratch.events import EpochEnd, RunStart, Subscriber
from linscratch.exact.verdicts import AUTO_EXCESS
from linscratch.i18n import counted, tr
from linscratch.spec import AUTO_WORK


def shown_epoch(epoch: int, epochs: int) -> bool:
    """Every epoch up to 20, as the book prints them; beyond, the first, the last and ten more."""
    return epochs <= 20 or epoch in (1, epochs) or epoch % -(-epochs // 10) == 0


EPOCHS_FLAG = "--epochs"  # num_epochs' flag, as the averaged line names --average (no cycle)
GAP = "…"  # between two epoch lines that are not consecutive, where that is not the rule's


def epoch_line(epoch: int, loss: float) -> str:
    """An epoch's line, as the book prints it (in the Chinese edition too)."""
    return f"epoch {epoch}, loss {loss:f}"


class EpochLines(Subscriber):
    """Prints the epoch lines of `train_text` as the epochs end, each flushed at once (a pipe
    or a file has it while the run goes on); the report's other lines follow at the end,
    `train_text(..., epochs=False)`. A resumed run's earlier epochs print as it starts, after
    `head` (the report's first line, if any: printed once training starts, so that a run
    refused before it prints nothing on stdout), then a line saying where it resumed; the
    last epoch of a run stopped early, printed at its end, follows a gap marker where epochs
    between were not shown."""

    def __init__(self, file=None, head: str | None = None):
        self.file, self.epochs, self.last, self.printed = file, 0, None, 0
        self.head = head

    def run_start(self, event: RunStart) -> None:
        if self.head is not None:
            print(self.head, file=self.file or sys.stdout, flush=True)
            self.head = None
        self.epochs = event.num_epochs
        for epoch, loss in enumerate(event.losses, 1):
            self._print(epoch, loss)
        if event.first_epoch > 1:
            line = tr("resumed at epoch {epoch}").format(epoch=event.first_epoch)
            print(line, file=self.file or sys.stdout, flush=True)

    def epoch_end(self, event: EpochEnd) -> None:
        self._print(event.epoch, event.loss)

    def run_end(self, event) -> None:
        """The last epoch's line, had it not been shown (a run stopped early)."""
        if self.last is not None and not shown_epoch(self.last[0], self.epochs):
            if self.printed < self.last[0] - 1:
                print(GAP, file=self.file or sys.stdout, flush=True)
            self._print(*self.last, always=True)

    def _print(self, epoch: int, loss: float, always: bool = False) -> None:
        self.last = (epoch, loss)
        if always or shown_epoch(epoch, self.epochs):
            self.printed = epoch
            print(epoch_line(epoch, loss), file=self.file or sys.stdout, flush=True)


def stopped_early(run) -> dict | None:
    """How a rule ended the run before its last epoch, else None: {"epoch", "rule"} and the
    rule's settings, "tol" and "n_iter_no_change" (the loss stopped falling: early stopping,
    or `num_epochs` auto without the exact answer), "within" (auto: the loss within that
    fraction of the exact optimum's) or "work" (auto: its budget of row-feature visits spent
    short of it)."""
    result = run.result
    if result.stopped_at is None:
        return None
    if result.stopped_by == "optimum":
        return {"epoch": result.stopped_at, "rule": "optimum", "within": AUTO_EXCESS}
    if result.stopped_by == "budget":
        return {"epoch": result.stopped_at, "rule": "budget", "work": AUTO_WORK}
    optim = run.spec.optim
    return {
        "epoch": result.stopped_at,
        "rule": "no_improvement",
        "tol": optim.tol,
        "n_iter_no_change": optim.n_iter_no_change,
    }


def stopped_line(run) -> list[str]:
    """The line saying that a rule ended the run, and why (none if none did)."""
    stopped = stopped_early(run)
    if stopped is None:
        return []
    epochs = run.spec.optim.epoch_limit
    if stopped["rule"] == "optimum":
        text = tr(
            "stopped at epoch {epoch} ({flag} auto, at most {epochs}): the loss is within "
            "{within:.0%} of the exact optimum's"
        )
        within = stopped["within"]
        return [text.format(epoch=stopped["epoch"], flag=EPOCHS_FLAG, epochs=epochs, within=within)]
    if stopped["rule"] == "budget":
        text = tr(
            "stopped at epoch {epoch} ({flag} auto): its budget of {work:.0e} row-feature "
            "visits is spent, the loss not within {within:.0%} of the exact optimum's"
        )
        flagged = EPOCHS_FLAG
        return [
            text.format(epoch=stopped["epoch"], flag=flagged, work=AUTO_WORK, within=AUTO_EXCESS)
        ]
    text = tr(
        "stopped early at epoch {epoch} of {epochs}: the mean loss of the last {n} epochs "
        "fell by less than {tol:g} of the mean of the {n} before"
    )
    n, tol = stopped["n_iter_no_change"], stopped["tol"]
    return [text.format(epoch=stopped["epoch"], epochs=epochs, n=n, tol=tol)]


def averaged_line(run) -> list[str]:
    """The line saying that the parameters reported are a mean of iterates (none without
    averaging), so that a loss far below the last iterate's is not read as that iterate's."""
    k = run.spec.optim.average
    if not k:
        return []
    text = tr(
        "the parameters reported are the mean of the iterates after every step from epoch {k} "
        "on (--average); the epoch losses above are theirs"
    )
    return [text.format(k=k)]


def schedule_line(run) -> list[str]:
    """The line saying how the learning rate changed and the rate of the last step (none for
    a constant rate, whose report is as it always was)."""
    optim = run.spec.optim
    if optim.lr_schedule == "constant":
        return []
    if optim.lr_schedule == "invscaling":
        text = tr(
            "learning rate: invscaling, {lr:g} / t^{power:g} at step t of the run; the last "
            "step's rate {last:.4g}"
        )
    else:
        text = tr(
            "learning rate: step, {lr:g} times {factor:g} every {k}; the last "
            "epoch's rate {last:.4g}"
        )
    return [
        text.format(
            lr=run.stability["lr_auto"] if optim.lr == "auto" else optim.lr,
            power=optim.power_t,
            factor=optim.lr_step_factor,
            k=counted(optim.lr_step_epochs, "{n} epoch", "{n} epochs"),
            last=run.result.last_lr,
        )
    ]
