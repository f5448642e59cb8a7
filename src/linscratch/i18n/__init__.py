"""The language of what linscratch says: English, or Chinese with Dive into Deep Learning's
Chinese edition's terms (小批量, 学习率, 迭代周期, 损失).

Text is written in English and passed through `tr`, which returns the catalog's Chinese
(`zh.ZH`) when the language is "zh". The command line sets the language from `--lang`;
in Python, `linscratch.set_language("zh")` turns on Chinese for messages, reports, figures and
the live plot. Templates are translated before they are formatted, so the catalog holds
`"{epochs} epoch(s)"`, not each number.
"""

from __future__ import annotations

from linscratch import errors

LANGS = ("en", "zh")
_current = ["en"]


def set_language(lang: str) -> None:
    """Speak `lang` ("en" or "zh") from now on."""
    if lang not in LANGS:
        raise errors.UsageError("{0} must be one of en, zh, got {value!r}", "lang", value=lang)
    _current[0] = lang


def language() -> str:
    """The language in use: "en" or "zh"."""
    return _current[0]


def tr(text: str) -> str:
    """`text` in the language in use (as it is, where the catalog has no translation)."""
    if _current[0] == "en":
        return text
    from linscratch.i18n.zh import ZH

    return ZH.get(text, text)


def width(text: str) -> int:
    """Columns `text` takes on a terminal: two for a wide (Chinese) character, one otherwise."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def rjust(text: str, columns: int) -> str:
    """`text` right-justified in `columns` terminal columns (Chinese characters take two)."""
    return " " * max(columns - width(text), 0) + text


class Words(str):
    """A value of a message that is itself text to translate (a rule in words, a phrase the
    code chose), rather than a name or a number to show as it is. `Words(template, **values)`
    is a phrase with values of its own, formatted after translation."""

    def __new__(cls, text: str, **values):
        words = super().__new__(cls, text)
        words.values = values
        return words

    def said(self) -> str:
        """The words in the language in use, their values filled in (a value that says
        itself, in the language in use too)."""
        text = tr(self)
        if not self.values:
            return text
        return text.format(
            **{k: v.said() if hasattr(v, "said") else v for k, v in self.values.items()}
        )


errors.translate = tr  # every message is rendered in the language in use
