"""The `linscratch` command line: parse (`cli.parsers`), dispatch to a command, and print
errors as one line.

Every user mistake becomes one line on stderr and exit status 2; a diverging run, one line
and exit status 1. The library's errors name fields (`batch_size`); here each becomes the flag
the user typed (`--batch-size`, see `cli.flags`). `--json` prints one JSON object whose
keys are an interface.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from contextlib import contextmanager

from linscratch.cli.flags import flag
from linscratch.cli.parsers import BadArguments, build_parser
from linscratch.distributed import from_env
from linscratch.errors import DivergedError, UsageError
from linscratch.i18n import (
    LANGS,
    argparse_speaks,
    environment_language,
    language,
    set_language,
    tr,
)


def _command(name: str):
    """The module that runs command `name` (imported when it runs: --help stays instant)."""
    if name == "train":
        from linscratch.cli import train as command  # start-up: only the command that runs
    elif name == "sweep":
        from linscratch.cli import sweep as command  # start-up: only the command that runs
    elif name == "grad":
        from linscratch.cli import grad as command  # start-up: only the command that runs
    elif name == "make-data":
        from linscratch.cli import make_data as command  # start-up: only the command that runs
    else:
        from linscratch.cli import predict as command  # start-up: only the command that runs
    return command


def one_line(text: str) -> str:
    """The text on one line: control characters (a newline in a file name, say) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def fail(prefix: str, message: str, kind: str, code: int, as_json: bool, report=None) -> int:
    """Report a failure: one line on stderr and, under --json, one JSON object on stdout,
    {"error": {"kind", "message", "exit_code"}}, so that a script parsing stdout gets an
    answer; `report`, the rest of what the command still reports (strict JSON values), goes
    in the same object. Returns the exit status."""
    message = one_line(message)
    try:
        print(f"{prefix}{message}", file=sys.stderr, flush=True)
    except OSError:  # stderr that cannot be written (/dev/full): the status still tells
        pass
    if as_json:
        import json  # start-up: not every run needs it

        error = {"kind": kind, "message": message, "exit_code": code}
        text = json.dumps({**(report or {}), "error": error}, ensure_ascii=False, allow_nan=False)
        if not encodes(sys.stdout, text):  # \u escapes, where the output cannot show it
            text = json.dumps({**(report or {}), "error": error}, allow_nan=False)
        print(text)
    return code


def encodes(stream, text: str) -> bool:
    """Whether `stream` can write `text` in its encoding (a stream without one: yes)."""
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except UnicodeEncodeError:
        return False
    except LookupError:
        return True
    return True


def _writable(stream) -> bool:
    """Whether `stream` is there and open for writing (`2>&-` leaves None, or, under some
    launchers, descriptor 2 reused for a file opened read-only)."""
    if stream is None:
        return False
    try:
        import fcntl  # platform: fcntl is Unix only

        mode = fcntl.fcntl(stream.fileno(), fcntl.F_GETFL) & os.O_ACCMODE
    except (AttributeError, OSError, ValueError):  # no descriptor (a StringIO): it writes
        return not getattr(stream, "closed", False)
    return mode != os.O_RDONLY


@contextmanager
def _output_that_cannot_fail(lang: str):
    """While a command runs: a closed or unwritable stderr replaced by os.devnull (the exit
    status still tells what happened; print(file=None) would write to stdout), characters the
    output's encoding cannot show written as backslash escapes (a column named in Chinese on an
    ASCII terminal); returns the language to speak: English, after a one-line note, where
    Chinese was asked for and the output cannot show it."""

    saved, devnull = sys.stderr, None
    if not _writable(sys.stderr):
        sys.stderr = devnull = open(os.devnull, "w")
    changed = []
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            if not encodes(stream, "中文 ŷ λ² √ ×"):
                stream.reconfigure(errors="backslashreplace")
                changed.append(stream)
    if lang == "zh" and not all(encodes(s, "中文") for s in (sys.stdout, sys.stderr)):
        encoding = next(s.encoding for s in (sys.stdout, sys.stderr) if not encodes(s, "中文"))
        note = tr(
            "linscratch: note: the output's encoding ({encoding}) cannot show Chinese; "
            "printing in English (PYTHONIOENCODING=utf-8 shows Chinese)"
        )
        try:
            print(note.format(encoding=encoding), file=sys.stderr)
        except OSError:
            pass
        lang = "en"
    try:
        yield lang
    finally:
        for stream in changed:
            stream.reconfigure(errors="strict")
        if devnull is not None:
            sys.stderr = saved
            devnull.close()


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every `finally` runs (no scratch file is
    left behind) before the process exits with status 143."""


def _terminate(signum, frame):
    from linscratch.interrupts import signalled  # start-up: only when a signal comes

    raise signalled(Terminated())


def _interrupt(signum, frame):
    from linscratch.interrupts import signalled  # start-up: only when a signal comes

    raise signalled(KeyboardInterrupt())


@contextmanager
def _signals_unwind():
    """While a command runs, SIGTERM unwinds it like Ctrl-C does (main thread only), and the
    exception of either is kept (`interrupts.PENDING`): one a library swallowed is raised
    again as the command ends, which then ends 143 or 130. Ctrl-C's handler is replaced
    only where it is Python's own (a process that ignores it keeps ignoring it)."""
    from linscratch.interrupts import PENDING, raise_pending  # start-up: a light module

    handlers = {signal.SIGTERM: _terminate}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        handlers[signal.SIGINT] = _interrupt
    try:
        previous = {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}
    except ValueError:  # not the main thread
        yield
        return
    PENDING.clear()  # an earlier command's, in this process
    try:
        yield
        raise_pending()  # a signal some library swallowed: the command still ends
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _signal_behind(exc: BaseException) -> BaseException | None:
    """The KeyboardInterrupt or `Terminated` a SystemError stands for, if any: a signal whose
    handler raised while a compiled call returned becomes "returned a result
    with an exception set", the signal's exception as its context."""
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, (KeyboardInterrupt, Terminated)):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def asked_language(argv: list[str]) -> str:
    """The language `--lang zh` or `--lang=zh` asks for (the last one wins); else
    `LINSCRATCH_LANG`'s; else the one in use where a program chose Chinese
    (`set_language("zh")`); else the locale's (`LC_ALL`, `LC_MESSAGES`, `LANG`:
    `i18n.environment_language`); else English. Read before parsing, so that the help and
    argparse's own messages speak it too."""
    lang = (
        environment_language(names=("LINSCRATCH_LANG",))
        or (language() if language() != "en" else None)
        or environment_language()
        or "en"
    )
    for i, word in enumerate(argv):
        if word == "--":
            break
        value = argv[i + 1] if word == "--lang" and i + 1 < len(argv) else word[7:]
        if (word == "--lang" or word.startswith("--lang=")) and value in LANGS:
            lang = value
    return lang


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv[1:]) and return the exit status.

    Exit statuses: 0 done (bare `linscratch` prints the commands); 1 the run diverged (or a
    gradient check failed); 2 a usage error (a flag, a value, a file, a destination); 130
    interrupted; 143 terminated (SIGTERM), within a second of the signal (the process's own
    command line then ends at once, `_exit_now`). The language in use before is restored on
    return (English, unless a program set another)."""
    program = argv is None  # the process's own command line, not a call from Python
    argv = sys.argv[1:] if argv is None else list(argv)
    before = language()
    try:
        with _output_that_cannot_fail(asked_language(argv)) as lang:
            set_language(lang)
            code = _main(argv, lang)
    finally:
        set_language(before)
    from linscratch.interrupts import ABANDONED  # start-up: not every run needs it

    if program and (ABANDONED or code in (130, 143)):
        _exit_now(code)  # interrupted: every `finally` has run; end without the teardown
    return code


def _exit_now(code: int) -> None:
    """End the process at once with `code`, its output flushed: a normal exit would wait for
    a call the signal abandoned (`interrupts`), and unloading torch alone takes
    0.7-0.9 s on a busy 2-core machine, where Ctrl-C and SIGTERM are answered within 1 s."""

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _main(argv: list[str], lang: str) -> int:
    as_json = "--json" in argv
    with argparse_speaks():
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except BadArguments as exc:
            return fail(
                tr("{prog}: error: ").format(prog=exc.prog), exc.message, "usage", 2, as_json
            )
        name = getattr(args, "command", None)
        if name is None:  # bare `linscratch`: what it can do
            parser.print_help()
            return 0
    if "lang" not in args:  # absent: the environment's, or the one in use (`asked_language`)
        args.lang = lang
    if args.lang == "zh" and lang == "en":
        args.lang = "en"  # where the output cannot show Chinese (`_output_that_cannot_fail`)
    set_language(args.lang)
    prefix = tr("{prog}: error: ").format(prog=f"linscratch {name}")
    try:
        if name != "train" and from_env() is not None:
            raise UsageError("{name} runs in one process; run it without torchrun", name=name)
        with _signals_unwind():
            return _command(name).run(args)
    except UsageError as exc:
        return fail(prefix, exc.render(flag), exc.kind, 2, as_json)
    except DivergedError as exc:
        return fail(prefix, exc.render(flag), "diverged", 1, as_json, exc.report)
    except KeyboardInterrupt:
        return fail("linscratch: ", tr("interrupted"), "interrupted", 130, as_json)
    except Terminated:
        return fail("linscratch: ", tr("terminated"), "terminated", 143, as_json)
    except SystemError as exc:  # a signal's exception raised inside a compiled call
        signalled = _signal_behind(exc)
        if isinstance(signalled, KeyboardInterrupt):
            return fail("linscratch: ", tr("interrupted"), "interrupted", 130, as_json)
        if isinstance(signalled, Terminated):
            return fail("linscratch: ", tr("terminated"), "terminated", 143, as_json)
        raise
    except BrokenPipeError:  # the reader went away (`linscratch train | head`): stop quietly
        sys.stdout = None
        return 141
