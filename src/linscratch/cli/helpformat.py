"""How `--help` reads: descriptions and examples kept as written, flag help wrapped by its
width on the screen (`i18n.layout.wrap`: a Chinese character takes two columns), a usage line
that fits the screen in either language, and each command's flags as a Markdown table (the
user guide's tables, docs/guide/COMMAND.md, are this table, checked by tests/test_cli_help.py).
A flag's help ends with its default (`parsers.add`); argparse's own words are translated by
`i18n.argparse_speaks`."""

from __future__ import annotations

import argparse

from linscratch.i18n import tr, width
from linscratch.i18n.layout import wrap


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples as written; flag help wrapped by screen width."""

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _format_usage(self, usage, actions, groups, prefix):
        """argparse wraps the usage by its length in characters: narrowed by the columns a
        wide prefix (用法：) takes beyond its length, so that its lines fit the screen too. A
        flag whose choices, {a,b,…}, would not fit a usage line beside the indent is shown
        there by its name (`--loss LOSS`); its own line in the list below still spells them."""
        shown = argparse._("usage: ") if prefix is None else prefix
        extra = width(shown) - len(shown)
        self._width -= extra
        room = self._width - len(shown) - len(self._prog) - 1  # a wrapped line's indent
        named = [
            a
            for a in actions
            if a.choices is not None
            and a.metavar is None
            and a.option_strings
            and len(a.option_strings[0]) + len(",".join(map(str, a.choices))) + 4 > room
        ]
        for action in named:
            action.metavar = action.dest.upper()
        try:
            return super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra
            for action in named:
                action.metavar = None


def examples(*pairs: tuple[str, str]) -> str:
    """An epilog of examples: each command line, and under it what it does."""
    lines = [tr("examples:")]
    for command, what in pairs:
        lines += [f"  {command}", *(f"      {line}" for line in wrap(what, 70))]
    return "\n".join(lines)


def _flag_cell(action: argparse.Action) -> str:
    if action.choices is not None and action.metavar is None:
        value = "|".join(map(str, action.choices))
    else:
        value = action.metavar or ""
    return f"`{action.option_strings[-1]} {value}`".replace(" `", "`").replace("|", "\\|")


def flag_table(parser: argparse.ArgumentParser) -> str:
    """The parser's flags as a Markdown table, group by group: flag, default, what it does."""
    rows = ["| flag | default | what it does |", "| --- | --- | --- |"]
    for group in parser._action_groups:
        actions = [a for a in group._group_actions if hasattr(a, "about")]
        if actions:
            rows.append(f"| **{group.title}** | | |")
        for action in actions:
            about = action.about.replace("|", "\\|")
            rows.append(f"| {_flag_cell(action)} | {action.shown_default} | {about} |")
    return "\n".join(rows)
