"""The two ways a run can fail: a user's mistake (exit 2) and a diverging run (exit 1).

Both speak the library's vocabulary: a setting is named by its field (`batch_size`), never by a
command-line flag. A message refers to settings through `{0}`, `{1}`, ... placeholders filled
with the field names, so that the command line can render the same error with its flags
(`render(flag_of)`) while Python users read the field names (`str(error)`).

A message is rendered in the language in use: `translate` turns its template into that
language. It is English as written until `linscratch.i18n` is imported, which installs its
`tr` here (the only way to choose another language is through it), so that errors, at the
bottom of the package, need nothing above them.
"""

from __future__ import annotations


def _identity(text: str) -> str:
    return text


translate = _identity  # the template in the language in use (`i18n.tr`, once imported)


class Message:
    """A message about settings: `Cls("plain text")` is a message as it is;
    `Cls(template, *fields, **values)` formats `template` with the fields' names as {0}, {1},
    ... and `values` by keyword, for example `UsageError("{0} must be a whole number >= 1, got
    {value!r}", "batch_size", value=0)`."""

    def __init__(self, template: str, *fields: str, **values):
        super().__init__(template)
        self.template, self.fields, self.values = template, fields, values

    def render(self, name=_identity) -> str:
        """The message with each field named by `name(field)` (a flag, on the command line)."""
        template = translate(self.template)
        if not self.fields and not self.values:
            return template
        values = {k: _said(v, name) for k, v in self.values.items()}
        return template.format(*map(name, self.fields), **values)

    def __str__(self) -> str:
        return self.render()


def _said(value, name):
    """A message's value as shown: a phrase (`i18n.Words`, which says itself) translated, a
    message within the message (a reason, say) rendered with the same names, anything else as
    it is."""
    if isinstance(value, Message):
        return value.render(name)
    if hasattr(value, "said"):
        return value.said()
    return value


class UsageError(Message, ValueError):
    """Bad input from the user: a setting, a value or a file. The CLI prints it as one line
    and exits with status 2; `kind` is the JSON error's kind."""

    kind = "usage"


class WriteError(UsageError):
    """A destination that could not be written when the time came (a full disk, a quota, an
    I/O error): exit status 2 like any refusal, kind "write" under --json. The old file, if
    any, is as it was, and no scratch file is left (`destinations.atomic_path`)."""

    kind = "write"


class UsageTypeError(UsageError, TypeError):
    """An argument of the wrong type (a dict for a `RunSpec`, a generator for an array, a
    callback that is not callable): a `UsageError`, and a `TypeError` too, as Python's own
    checks would raise."""


class StabilityWarning(Message, UserWarning):
    """The learning rate exceeds the data's stability limit: gradient descent diverges."""


class DivergedError(ArithmeticError):
    """The training loss became non-finite at `epoch`, `step` with learning rate `lr`.

    `lr_max` is the data's stability limit when known (SGD's at the batch size `batch_size`,
    beside gradient descent's 2/λ_max `gd_lr_max`, once `with_limit` told it), `losses` the
    epochs' losses before it diverged, `standardized` whether the features were standardized.
    The message names the learning rate, the limit and the step, and suggests a rate; the CLI
    exits with status 1. `run` is what the run still knows, where `runs.execute` raised it (a
    `diverged.DivergedRun`: the exact least-squares answer on the same rows), else None;
    `report`, set by a command, is the rest of its JSON document, printed with the error.
    """

    def __init__(self, epoch, step, lr, lr_max=None, losses=(), standardized=False, grew=None):
        self.epoch, self.step, self.lr, self.lr_max = epoch, step, lr, lr_max
        self.losses = list(losses)  # the epochs' losses before it diverged
        self.standardized = standardized
        self.grew = grew  # the finite loss that grew without bound, if it had not overflowed yet
        self.run = self.report = None
        self.batch_size = self.gd_lr_max = None  # SGD's limit's batch size; 2/λ_max
        super().__init__()

    def with_limit(self, bound: dict | None, standardized: bool) -> DivergedError:
        """The same divergence, told with the data's stability limits (`bound`: the run's
        `stability` dict, SGD's "lr_max" at its "batch_size" and gradient descent's
        "gd_lr_max"), or None where they were not estimated."""
        error = DivergedError(
            self.epoch,
            self.step,
            self.lr,
            bound and bound["lr_max"],
            self.losses,
            standardized,
            self.grew,
        )
        if bound:
            error.batch_size, error.gd_lr_max = bound["batch_size"], bound["gd_lr_max"]
        return error

    def render(self, name=_identity) -> str:
        """The message; `name(field)` names a setting (`lr`, `standardize`) as the CLI does."""
        if self.grew is None:
            what = translate("the loss became non-finite")
        else:
            what = translate("the loss grew without bound (to {grew:.3g})").format(grew=self.grew)
        text = translate(
            "training diverged: {what} at epoch {epoch}, step {step} with learning rate {lr}"
        ).format(what=what, epoch=self.epoch, step=self.step, lr=self.lr)
        if self.lr_max is None:
            return translate("{text}; try a smaller {lr}").format(text=text, lr=name("lr"))
        above = self.lr > self.lr_max
        relation = translate("above") if above else translate("below")
        if above and not self.standardized:
            advice = translate("try {lr} {rate:.2g} or {standardize}")
        else:
            advice = translate("try {lr} {rate:.2g}")
        rate = min(self.lr, self.lr_max) / 4  # below the limit, and below a rate that diverged
        advice = advice.format(lr=name("lr"), rate=rate, standardize=name("standardize"))
        if self.batch_size is None:
            return translate(
                "{text}, {relation} this data's stability limit 2/λ_max = {lr_max:.4g}; {advice}"
            ).format(text=text, relation=relation, lr_max=self.lr_max, advice=advice)
        return translate(
            "{text}, {relation} SGD's stability limit at batch size {m} = {lr_max:.4g} "
            "(gradient descent's 2/λ_max = {gd:.4g}); {advice}"
        ).format(
            text=text,
            relation=relation,
            m=self.batch_size,
            lr_max=self.lr_max,
            gd=self.gd_lr_max,
            advice=advice,
        )

    def __str__(self) -> str:
        return self.render()
