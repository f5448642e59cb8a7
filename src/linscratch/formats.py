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
    "version" checked; every problem is a UsageError naming the file (and `field`, if given).
    `kind` says what the file is, in `Words` ("model")."""

    def refuse(problem: UsageError) -> UsageError:
        """The problem (a message that starts with the file's name), naming `field` too."""
        return problem if field is None else UsageError("{0}: {problem}", field, problem=problem)

    path = Path(path)
    try:
        check_readable(path)
    except UsageError as exc:
        raise refuse(exc) from None
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise refuse(UsageError("{path}: no such file", path=path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse(
            UsageError("{path}: corrupt, not valid JSON ({exc})", path=path, exc=exc)
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise refuse(
            UsageError(
                "{path}: corrupt: not JSON that linscratch writes (nested too deep or too large)",
                path=path,
            )
        ) from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise refuse(
            UsageError(
                '{path}: not a linscratch {kind} (no "format": "{fmt}")',
                path=path,
                kind=kind,
                fmt=fmt,
            )
        )
    if data.get("version") != version:
        raise refuse(
            UsageError(
                "{path}: {kind} format version {found!r}; this linscratch reads version {version}",
                path=path,
                kind=kind,
                found=data.get("version"),
                version=version,
            )
        )
    return data
