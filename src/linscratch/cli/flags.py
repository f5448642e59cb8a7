"""Flags and settings: the one table between command-line flags and the library's fields.

A flag's value is parsed here (its syntax: a number, a list) and checked against the rule of
its field in `spec.RULES`, so a bad value is refused while parsing, naming the flag. A
command's arguments become a `RunSpec` through `run_spec`; a library error names fields, and
`flag` turns each back into the flag the user typed.
"""

from __future__ import annotations

import argparse
import re

from linscratch.errors import UsageError
from linscratch.i18n import tr
from linscratch.rules import LIMITS, RULES, check
from linscratch.spec import SECTION_OF

# The flags whose names are not the field's name with dashes: everything else is `--a-b`.
FLAG_OF = {
    "num_epochs": "--epochs",
    "fit_intercept": "--no-intercept",
    "sample_weight": "--weights",  # fit's argument, a column of the file on the command line
}


def flag(field: str) -> str:
    """The flag that sets `field`."""
    return FLAG_OF.get(field, "--" + field.replace("_", "-"))


def whole(text: str) -> int:
    """A whole number in plain decimal digits (no `1_000`, no `0x10`)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise ValueError(text)
    return int(text)


def number(text: str) -> float:
    """A number in decimal or scientific notation (`0.03`, `1e-3`; no `1_000`)."""
    if "_" in text:
        raise ValueError(text)
    return float(text)


def _parse(text: str, rule: str, parse):
    try:
        value = parse(text)
    except ValueError:
        value = None
    if value is not None:
        try:
            return check(rule, value)
        except UsageError:
            if rule in LIMITS and RULES[rule][0](value):  # past its limit, not its rule
                limit, why = LIMITS[rule]
                words = tr("must be at most {limit:,} ({why}), got {value:,}")
                text = words.format(limit=limit, why=why.said(), value=value)
                raise argparse.ArgumentTypeError(text) from None
    words = tr("must be {rule}, got {value!r}")
    raise argparse.ArgumentTypeError(words.format(rule=tr(RULES[rule][1]), value=text))


def setting(rule: str, parse=str):
    """An argparse `type` for one value of field `rule`: parsed by `parse`, then checked."""

    def convert(text: str):
        return _parse(text, rule, parse)

    return convert


def setting_list(rule: str, parse):
    """An argparse `type` for comma-separated values: a list field (true_w, features) checked
    whole, otherwise each value checked by the rule of `rule` (a sweep's lr and batch_size)."""

    def convert(text: str):
        if rule in ("true_w", "w", "features"):
            return list(_parse(text, rule, lambda t: [parse(part) for part in t.split(",")]))
        return [_parse(part, rule, parse) for part in text.split(",")]

    return convert


def run_spec(args, **overrides):
    """The `RunSpec` of a command line: every field whose flag was given, the rest defaults."""
    from linscratch.spec import RunSpec

    settings = {k: v for k, v in vars(args).items() if k in SECTION_OF or k == "seed"}
    return RunSpec.build(**{**settings, **overrides})
