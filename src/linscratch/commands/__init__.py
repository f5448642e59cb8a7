"""The commands of the command line, one module each; `cli` parses and dispatches."""


def settings(args) -> dict:
    """Every setting of a command line, for its --json report."""
    return {k: v for k, v in vars(args).items() if k not in ("module", "json", "command")}
