"""How `--help` reads: flag help that ends with the default, examples kept as written, lines
wrapped by their width on the screen (a Chinese character takes two columns), argparse's own
words ("usage:", "options", its parse errors) in the language in use, and each command's flags
as a Markdown table (the user guide's tables, docs/guide/COMMAND.md, are this table, checked by
tests/test_cli_help.py)."""

from __future__ import annotations

import argparse
import re
from contextlib import contextmanager

from linscratch.i18n import tr, width
from linscratch.i18n.glossary import GLOSSARY

_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_OPEN, _CLOSE = "（《“", "，。；：）》、！？”"  # never at a line's end; never at its start
# Chinese words a line never splits: the glossary's terms and the help's own common words.
_WORDS = sorted(
    {t.chinese for t in GLOSSARY}
    | {"默认", "关闭", "开启", "文件夹", "文件", "样本", "数据", "迭代", "随机"},
    key=len,
    reverse=True,
)
_TOKENS = re.compile(f"[{_OPEN}]*(?:{'|'.join(_WORDS)}|[^\\s{_WIDE}]+|[{_WIDE}])[{_CLOSE}]*|\\s+")
_OPERATORS = set("−+=≤≥×·<>≈→←∘")  # a formula's spaces around these never break


def _units(text: str) -> list[str]:
    """`text` cut where a line may break: at spaces, and between Chinese characters (not
    inside a word of `_WORDS`); never inside a Latin word, nor inside a formula (a space
    beside an operator, or inside parentheses, stays: `δ(|ŷ − y| − δ/2)` is one unit)."""
    tokens = _TOKENS.findall(" ".join(text.split()))
    units: list[str] = []
    depth = 0  # open ( and [ of the Latin text so far
    for i, token in enumerate(tokens):
        wide = re.search(f"[{_WIDE}]", token) is not None
        if wide:
            depth = 0  # a formula ends where the Chinese text resumes
        else:
            depth = max(
                0, depth + token.count("(") + token.count("[") - token.count(")") - token.count("]")
            )
        if token == " ":
            before, after = tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""
            joined = depth > 0 or before[-1:] in _OPERATORS or after[:1] in _OPERATORS
            if joined and units:
                units[-1] += " "
                continue
            units.append(" ")
            continue
        if units and units[-1].endswith(" ") and units[-1] != " ":
            units[-1] += token  # the formula goes on
        else:
            units.append(token)
    return units


def wrap(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` columns, broken at spaces or between Chinese
    characters, never inside a word or a formula (`_units`; a unit longer than a line stays
    whole)."""
    lines, line = [], ""
    for token in _units(text):
        if token == " ":
            line += " " if line else ""
            continue
        if line.strip() and width(line + token) > columns:
            lines.append(line.rstrip())
            line = ""
        line += token
    return [*lines, line.rstrip()] if line.strip() else lines


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


def with_default(text: str, default: str) -> str:
    """A flag's help followed by its default, in the language in use."""
    return tr("{help} (default: {default})").format(help=text, default=default)


def examples(*pairs: tuple[str, str]) -> str:
    """An epilog of examples: each command line, and under it what it does."""
    lines = [tr("examples:")]
    for command, what in pairs:
        lines += [f"  {command}", *(f"      {line}" for line in wrap(what, 70))]
    return "\n".join(lines)


def _translated_ngettext(singular: str, plural: str, n: int) -> str:
    return tr(singular if n == 1 else plural)


@contextmanager
def argparse_speaks():
    """While inside, argparse looks its own texts up through `tr` (argparse calls the module's
    `_` and `ngettext` each time it needs a text); restored on the way out. The catalogue's
    entries for them are argparse's own msgids, as its `_()` calls spell them."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = tr, _translated_ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


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
