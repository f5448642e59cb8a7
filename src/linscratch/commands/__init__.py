"""The commands of the command line, one module each; `cli` parses and dispatches."""

import json
import math


def settings(args) -> dict:
    """Every setting of a command line, for its --json report."""
    return {k: v for k, v in vars(args).items() if k not in ("module", "json", "command")}


def _finite(value):
    """The value with every non-finite float (an infinite condition number, say) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dumps(report: dict) -> str:
    """A command's --json object: strict JSON, non-finite numbers written as null."""
    return json.dumps(_finite(report), allow_nan=False)
