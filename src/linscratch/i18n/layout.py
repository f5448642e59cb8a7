"""Text laid out by language: where a line may break, and lines wrapped by their width on the
screen (a Chinese character takes two columns, `i18n.width`). English breaks at spaces;
Chinese between characters, but never inside one of its words (the glossary's terms and the
help's common words), never before a closing mark nor after an opening one (，。） at a
line's start, （ at its end); and neither breaks a formula (`δ(|ŷ − y| − δ/2)` is one unit).
`--help` wraps its flags' help with it (`cli.helpformat`), and any Chinese text can."""

from __future__ import annotations

import re

from linscratch.i18n import width
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
