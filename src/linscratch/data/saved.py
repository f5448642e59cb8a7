"""linscratch's own files (a saved model, a checkpoint): versioned JSON, read with care."""

from __future__ import annotations

import json
import math
from pathlib import Path

from linscratch.data.files import check_readable
from linscratch.data.formats import kind_of, refusal
from linscratch.errors import UsageError
from linscratch.i18n import Words


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
        text = path.read_bytes()
    except FileNotFoundError:
        raise refuse(UsageError("{path}: no such file", path=path)) from None
    except OSError as exc:
        reason = exc.strerror
        problem = UsageError("{path}: cannot read it: {reason}", path=path, reason=reason)
        raise refuse(problem) from None
    try:
        data = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        found = kind_of(path, text[:4096])
        if found != "text":
            raise refuse(refusal(path, found, "json")) from None
        reason = Words("not UTF-8 text")
        problem = UsageError("{path}: corrupt, not valid JSON ({exc})", path=path, exc=reason)
        raise refuse(problem) from None
    except json.JSONDecodeError as exc:
        start = text.lstrip()[:1]
        if start and start not in b"{[":
            raise refuse(
                UsageError(
                    "{path}: not JSON (it starts with {start!r}), so not a linscratch {kind}",
                    path=path,
                    start=text.lstrip()[:12].decode("utf-8", "replace").splitlines()[0],
                    kind=kind,
                )
            ) from None
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
