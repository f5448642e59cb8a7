"""Flags and settings: the one table between command-line flags and the library's fields.

Every flag is described here: a run setting's from its field's metadata in the spec
(`spec.setting`: its group, its value's name, what it does), its syntax from its type and
its rule (a switch, a choice, a number, a list); a command's own flags in `OWN`, with the
same keys. A flag's value is parsed here and checked against the rule of its field in
`rules.RULES`, so a bad value is refused while parsing, naming the flag. A command's
arguments become a `RunSpec` through `run_spec`; a library error names fields, and `flag`
turns each back into the flag the user typed.
"""

from __future__ import annotations

import argparse
import re

from linscratch.cli.make_data import CORRUPT_SHIFT
from linscratch.data.formats import Listed, suffixes, written_suffixes
from linscratch.errors import UsageError
from linscratch.exact.stability import AUTO_MARGIN
from linscratch.exact.verdicts import AUTO_EXCESS
from linscratch.i18n import LANGS, Words, tr
from linscratch.rules import CHOICES, LIMITS, RULES, check
from linscratch.spec import (
    AUTO_EPOCHS,
    AUTO_WORK,
    DEFAULTS,
    FIELDS,
    HOW_IT_RUNS,
    OUTPUT,
    SECTION_OF,
    SYNTHETIC_DEFAULTS,
    RunSpec,
)
from linscratch.train.plan import AUTO_COMPILED_MIN_VISITS, FULL_SHUFFLE_MAX_BYTES


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


def rate(text: str) -> float | str:
    """A learning rate: a number (`number`) or `auto` (`exact.stability.auto_rate`)."""
    return "auto" if text.strip() == "auto" else number(text)


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


def setting(rule: str, parse=str, listed: bool = False):
    """An argparse `type` for field `rule`: its value parsed by `parse`, then checked; `listed`,
    comma-separated values: a list field's (true_w, features) checked whole, otherwise each
    checked by the rule of `rule` (a sweep's lr and batch_size)."""

    def convert(text: str):
        if not listed:
            return _parse(text, rule, parse)
        if rule in ("true_w", "w", "features", "categorical"):
            return list(_parse(text, rule, lambda t: [parse(part) for part in t.split(",")]))
        return [_parse(part, rule, parse) for part in text.split(",")]

    return convert


def _example(text: str) -> str:
    """`grad --example`'s value: `seed`, its first name, is kept as another name for `book`."""
    return "book" if text == "seed" else text


def own(about: Words, metavar: str | None = None, **options) -> dict:
    """A command's own flag, described as a run setting's metadata describes its flag (see
    `spec.setting`), with argparse's options."""
    return {"about": about, "metavar": metavar, **options}


# The commands' own flags, which set no field of a run.
OWN = {
    "json": own(Words("print one JSON object instead of text"), group=OUTPUT, action="store_true"),
    "lang": own(
        Words(
            "the language of everything printed: en (English) or zh (Chinese, the terms "
            "of the book's Chinese edition)"
        ),
        group=OUTPUT,
        choices=LANGS,
        shown="en",
    ),
    "quiet": own(
        Words("no progress bar or phase labels (shown on a terminal)"),
        group=OUTPUT,
        action="store_true",
    ),
    "jobs": own(
        Words(
            "runs at a time, each in its own process (forked: the data is shared, not loaded "
            "again); by default the first run is timed, and the others go to up to one "
            "process an idle core only when that saves time"
        ),
        "J",
        group=HOW_IT_RUNS,
        type=setting("jobs", whole),
        shown=Words("as many as pay"),
    ),
    "example": own(
        Words(
            "book: the worked 10x2 batch whose gradients the book prints (seed is another "
            "name for it); random: a batch drawn from --seed"
        ),
        type=_example,
        choices=("book", "random"),
    ),
    "w": own(
        Words("the weights at which the gradients are taken"),
        "W1,W2,...",
        type=setting("w", number, listed=True),
        shown=Words("the book's starting w, drawn from --seed if given"),
    ),
    "b": own(
        Words("the bias at which the gradients are taken"), "B", type=setting("b", number), shown=0
    ),
    "sample_weight": own(
        Words("the rows' weights, one per example of the batch (non-negative)"),
        "S1,S2,...",
        type=setting("sample_weight", number, listed=True),
        shown=Words("none: every row counts once"),
        flag="--weights",
    ),
    "corrupt": own(
        Words(
            "corrupt the labels of a fraction F of the examples, drawn from --seed: each moves "
            "up by {shift:g} (outliers, for --loss huber)",
            shift=CORRUPT_SHIFT,
        ),
        "F",
        type=setting("corrupt", number),
        shown=0,
    ),
    "out": own(
        Words("a {formats} file", formats=Listed(written_suffixes())),
        "FILE",
        group=OUTPUT,
        required=True,
    ),
    "model": own(Words("a model saved by train --save"), "MODEL.json", required=True),
    "output": own(
        Words("write the predictions to this CSV file (.csv or .txt)"),
        "PREDS.csv",
        group=OUTPUT,
        shown=Words("none: printed"),
    ),
    "keep_columns": own(
        Words("write every column of the data file, then the prediction"),
        group=OUTPUT,
        action="store_true",
    ),
}

# The flags whose names are not the field's name with dashes: everything else is `--a-b`.
FLAG_OF = {
    name: about["flag"]
    for name, about in {**{n: f.metadata for n, f in FIELDS.items()}, **OWN}.items()
    if "flag" in about
}
# A run setting's value parsed by its type; a list's, each element by its own.
PARSE = {"int": whole, "float": number, "str": str, "float | str": rate}
PARSE |= {"tuple[float, ...]": number, "tuple[str, ...]": str.strip}
PARSE["int | str"] = lambda text: text if text == "auto" else whole(text)  # threads
# The settings of text checked while parsing (names of files and columns are checked by the
# spec once the flags are parsed, with the same words).
PARSED_TEXT = ("device", "weights")
# The numbers a setting's help names, from the layers that decide them.
HELP_VALUES = {
    "lr": {"margin": AUTO_MARGIN},
    "num_epochs": {"within": AUTO_EXCESS, "most": AUTO_EPOCHS, "work": AUTO_WORK},
    "data": {"formats": Listed(suffixes())},
    "engine": {"visits": AUTO_COMPILED_MIN_VISITS},
    "shuffle": {"mib": FULL_SHUFFLE_MAX_BYTES >> 20},
}


def about(name: str, listed: bool = False) -> dict:
    """The description of flag `name`: one of `OWN`, or a run setting's metadata with its
    syntax and its default (`listed`: a comma-separated list of its values, as sweep's)."""
    if name in OWN:
        return dict(OWN[name])
    field = FIELDS[name]
    meta, kind = dict(field.metadata), field.type.removesuffix(" | None")
    meta["about"] = Words(meta["about"], **HELP_VALUES.get(name, {}))
    meta.setdefault("shown", (DEFAULTS | SYNTHETIC_DEFAULTS).get(name))
    if "bare" in meta:
        meta.update(nargs="?", const=meta.pop("bare"))
    if kind == "bool":
        on = {None: argparse.BooleanOptionalAction, True: "store_false", False: "store_true"}
        meta["action"] = on[field.default]  # None: the data decides, either way given
    elif name in CHOICES:
        meta["choices"] = CHOICES[name]
    elif kind != "str" or name in PARSED_TEXT:
        each = listed or kind.startswith("tuple")
        meta["type"] = setting(name, PARSE[kind], listed=each)
    return meta


def run_spec(args, **overrides):
    """The `RunSpec` of a command line: every field whose flag was given, the rest defaults."""

    settings = {k: v for k, v in vars(args).items() if k in SECTION_OF or k == "seed"}
    return RunSpec.build(**{**settings, **overrides})
