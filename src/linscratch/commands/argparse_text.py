"""argparse's own error messages in the language in use. argparse writes them in English
("unrecognized arguments: --foo"); each of its templates is recognized here and said again
through `tr`, its values (flags, the user's words) kept as they are."""

from __future__ import annotations

import re

from ..i18n import Words, language

# (argparse's English, as a pattern; the same message as a template to translate)
TEMPLATES = [
    (r"argument (?P<name>[^:]+): (?P<message>.*)", Words("argument {name}: {message}")),
    (
        r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)",
        Words("invalid choice: {value} (choose from {choices})"),
    ),
    (r"expected one argument", Words("expected one argument")),
    (r"expected at least one argument", Words("expected at least one argument")),
    (r"expected at most one argument", Words("expected at most one argument")),
    (r"ignored explicit argument (?P<value>.*)", Words("ignored explicit argument {value}")),
    (r"invalid (?P<type>\S+) value: (?P<value>.*)", Words("invalid {type} value: {value}")),
    (r"not allowed with argument (?P<other>.*)", Words("not allowed with argument {other}")),
    (
        r"one of the arguments (?P<names>.*) is required",
        Words("one of the arguments {names} is required"),
    ),
    (
        r"the following arguments are required: (?P<names>.*)",
        Words("the following arguments are required: {names}"),
    ),
    (r"unrecognized arguments: (?P<args>.*)", Words("unrecognized arguments: {args}")),
    (
        r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)",
        Words("ambiguous option: {option} could match {matches}"),
    ),
    (r"unexpected option string: (?P<option>.*)", Words("unexpected option string: {option}")),
]
# The positional arguments' names, which argparse shows as they are named in the parser.
POSITIONALS = {"command": Words("command")}
PATTERNS = [(re.compile(pattern, re.DOTALL), words) for pattern, words in TEMPLATES]


def said_again(message: str) -> str:
    """argparse's `message` in the language in use (as it is in English, or where it matches
    none of argparse's templates: a message of linscratch's own is translated already)."""
    if language() == "en":
        return message
    for pattern, words in PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = said_again(values["message"])
            if values.get("name") in POSITIONALS:
                values["name"] = POSITIONALS[values["name"]].said()
            return Words(words, **values).said()
    return message
