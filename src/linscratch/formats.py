"""linscratch's own files (a saved model, a checkpoint): versioned JSON, read with care."""

from __future__ import annotations

import json
import math
from pathlib import Path

from .errors import UsageError
from .files import check_readable


def finite_number(v) -> bool:
    """Whether a parsed JSON value is a finite number (not a bool, not an integer beyond
    float's range)."""
    if not isinstance(v, int | float) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def read_versioned_json(path, fmt: str, version: int, kind: str, field: str | None = None) -> dict:
    """One of linscratch's own JSON files (a model, a checkpoint), parsed and its "format" and
    "version" checked; every problem is a UsageError naming the file (and `field`, if given)."""

    def refuse(text: str, **values):
        if field is None:
            return UsageError("{path}: " + text, path=path, **values)
        return UsageError("{0}: {path}: " + text, field, path=path, **values)

    path = Path(path)
    try:
        check_readable(path)
    except UsageError as exc:
        raise refuse(str(exc).removeprefix(f"{path}: ")) from None
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise refuse("no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse("corrupt, not valid JSON ({exc})", exc=exc) from None
    except (RecursionError, MemoryError, ValueError):
        raise refuse(
            "corrupt: not JSON that linscratch writes (nested too deep or too large)"
        ) from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise refuse('not a linscratch {kind} (no "format": "{fmt}")', kind=kind, fmt=fmt)
    if data.get("version") != version:
        raise refuse(
            "{kind} format version {found!r}; this linscratch reads version {version}",
            kind=kind,
            found=data.get("version"),
            version=version,
        )
    return data
