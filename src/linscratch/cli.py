"""The `linscratch` command line: parse (`commands.parsers`), dispatch to a command, and print
errors as one line.

Every user mistake becomes one line on stderr and exit status 2; a diverging run, one line
and exit status 1. The library's errors name fields (`batch_size`); here each becomes the flag
the user typed (`--batch-size`, see `commands.flags`). `--json` prints one JSON object whose
keys are an interface.
"""

from __future__ import annotations

import sys

from .commands.flags import flag
from .commands.parsers import build_parser
from .errors import DivergedError, UsageError


def _command(name: str):
    """The module that runs command `name` (imported when it runs: --help stays instant)."""
    if name == "train":
        from .commands import train as command
    elif name == "sweep":
        from .commands import sweep as command
    elif name == "grad":
        from .commands import grad as command
    elif name == "make-data":
        from .commands import make_data as command
    else:
        from .commands import predict as command
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv[1:]) and return the exit status."""
    args = build_parser().parse_args(argv)
    name = args.command
    try:
        return _command(name).run(args)
    except UsageError as exc:
        print(f"linscratch {name}: error: {exc.render(flag)}", file=sys.stderr)
        return 2
    except DivergedError as exc:
        print(f"linscratch {name}: error: {exc.render(flag)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("linscratch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`linscratch train | head`): stop quietly
        sys.stdout = None
        return 141
