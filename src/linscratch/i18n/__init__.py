"""The language of what linscratch says: English, or Chinese with Dive into Deep Learning's
Chinese edition's terms (小批量, 学习率, 迭代周期, 损失).

Text is written in English and passed through `tr`, which returns its translation from the
language's gettext catalogue, `locale/LANG/LC_MESSAGES/linscratch.po` beside this file (read at
the first translation, `po.read`; English needs none). A translator edits the .po file with
ordinary tools (Poedit, msgfmt --check) and touches no Python. The command line sets the
language from `--lang`, or where it is absent from the environment (`LINSCRATCH_LANG`, then
the locale: `LC_ALL`, `LC_MESSAGES`, `LANG`; `environment_language`); in Python,
`linscratch.set_language("zh")` turns on Chinese for messages, reports, figures and the live
plot. Templates are translated before they are formatted, so the catalogue holds
`"{epochs} x {examples}"`, not each number; a count says its noun in English's singular or
plural (`counted`: "1 feature", "3 epochs"), one form in Chinese.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from linscratch import errors

LANGS = ("en", "zh")
DOMAIN = "linscratch"  # the catalogues' name: locale/LANG/LC_MESSAGES/linscratch.po
_current = ["en"]
_locale_dir = [Path(__file__).parent / "locale"]
_catalogues: dict[str, dict[str, str]] = {}  # each language's, read at its first use


def set_language(lang: str) -> None:
    """Speak `lang` ("en" or "zh") from now on."""
    if lang not in LANGS:
        raise errors.UsageError("{0} must be one of en, zh, got {value!r}", "lang", value=lang)
    _current[0] = lang


LOCALE_VARIABLES = ("LINSCRATCH_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def environment_language(environ=None, names=LOCALE_VARIABLES) -> str | None:
    """The language the environment asks for: the first of `names` (`LINSCRATCH_LANG`,
    `LC_ALL`, `LC_MESSAGES`, `LANG`) that is set and not empty decides, as gettext reads the
    locale: zh, zh_CN.UTF-8, zh_TW, zh-Hans... speak Chinese; any other (C, en_US.UTF-8,
    fr_FR) English. None where none is set."""
    environ = os.environ if environ is None else environ
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return None


def language() -> str:
    """The language in use: "en" or "zh"."""
    return _current[0]


@contextmanager
def speaking(lang: str):
    """Speak `lang` within the block, and the language before it after."""
    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def set_locale_dir(path: str | Path | None) -> None:
    """Read the catalogues from `path`/LANG/LC_MESSAGES/linscratch.po from now on (None: the
    ones shipped with linscratch), as gettext's `bindtextdomain` does."""
    _locale_dir[0] = Path(__file__).parent / "locale" if path is None else Path(path)
    _catalogues.clear()


def catalogue_path(lang: str) -> Path:
    """The .po file of `lang`."""
    return _locale_dir[0] / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue(lang: str) -> dict[str, str]:
    """`lang`'s translations, by msgid (msgctxt and msgid joined by "\\x04" where it has a
    context), read once."""
    if lang not in _catalogues:
        from linscratch.i18n import po  # start-up: only where English is not spoken

        _catalogues[lang] = po.read(catalogue_path(lang))
    return _catalogues[lang]


def tr(text: str, context: str | None = None) -> str:
    """`text` in the language in use (as it is, where the catalogue has no translation); a
    `context` tells apart two uses of the same English that another language says otherwise
    (gettext's msgctxt, `pgettext`)."""
    if _current[0] == "en":
        return text
    key = text if context is None else f"{context}\x04{text}"
    return catalogue(_current[0]).get(key, text)


def ngettext(one: str, many: str, n: int) -> str:
    """gettext's `ngettext`: English's singular `one` for n = 1 and plural `many` otherwise,
    in the language in use (each translated on its own: Chinese has one form for both)."""
    return tr(one if n == 1 else many)


def counted(n: int, one: str, many: str) -> str:
    """A count with its noun in the language in use ("1 feature", "1,000 rows", "{n:,} 个特征"):
    `ngettext`'s template of `n`, formatted."""
    return ngettext(one, many, n).format(n=n)


@contextmanager
def argparse_speaks():
    """While inside, argparse looks its own texts up through `tr` (argparse calls the module's
    `_` and `ngettext` each time it needs a text); restored on the way out. The catalogue's
    entries for them are argparse's own msgids, as its `_()` calls spell them."""
    import argparse  # start-up: only the command line parses arguments

    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = tr, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def width(text: str) -> int:
    """Columns `text` takes on a terminal: two for a wide (Chinese) character, one otherwise."""
    import unicodedata  # start-up: not every run needs it

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
