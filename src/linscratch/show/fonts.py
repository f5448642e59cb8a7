"""Chinese in matplotlib figures: find a CJK font on this machine, or fall back to English
labels with a one-line notice (matplotlib would otherwise draw empty boxes and warn about
missing glyphs). Chinese in a figure in English (a column named 面积) takes the CJK font too
(`plots.chinese_font`); where there is none, one line says so, not a warning per glyph."""

from __future__ import annotations

import sys
import unicodedata
import warnings
from contextlib import contextmanager
from functools import cache

import matplotlib
from matplotlib import font_manager

from linscratch import i18n

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


FILES = ("notosanscjk", "sourcehansans", "wqy", "simhei", "msyh", "pingfang")


@cache
def cjk_font() -> str | None:
    """The first of CJK_FONTS that matplotlib can find here, or None. A font installed after
    matplotlib cached its list of fonts is found among the system's font files and added."""

    def first():
        installed = {font.name for font in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    if first() is None:
        for path in font_manager.findSystemFonts():
            if any(part in path.lower().replace("-", "") for part in FILES):
                font_manager.fontManager.addfont(path)
    return first()


def family(font: str) -> list[str]:
    """The fallback chain a Chinese figure's text is set in: DejaVu Sans first, for every
    Latin letter, digit and symbol (ŷ, λ, −, ², ½: one drawing whatever CJK font is
    installed; some draw ½ as ⅟ or lack ŷ), then the CJK font `font` for what DejaVu Sans
    lacks (Chinese characters and full-width punctuation). Only `font.family` is a fallback
    chain (not the sans-serif list): matplotlib picks each glyph's font along it."""
    return ["DejaVu Sans", font]


_told = [False]  # whether this figure's missing font was said already


def needs_cjk(text: str) -> bool:
    """Whether `text` holds a wide (Chinese, Japanese, Korean) character."""

    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def no_font_notice() -> None:
    """Say once per figure that its Chinese text is drawn as boxes: no CJK font here."""
    if not _told[0]:
        _told[0] = True
        text = i18n.tr(
            "no Chinese font found (e.g. fonts-noto-cjk): the figure's Chinese text shows as boxes"
        )
        print(text, file=sys.stderr)


@contextmanager
def figure_text():
    """While drawing (and saving) a figure: in Chinese with a CJK font put first, or, where
    there is none, in English after a one-line notice on stderr; matplotlib's warnings of
    missing glyphs (one per character) silenced, the notice said instead."""
    _told[0] = False
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        with _in_language():
            yield


@contextmanager
def _in_language():
    if i18n.language() != "zh":
        yield
        return
    font = cjk_font()
    if font is None:
        print(
            i18n.tr(
                "no Chinese font found (e.g. fonts-noto-cjk): the figure's labels are in English"
            ),
            file=sys.stderr,
        )
        _told[0] = True
        i18n.set_language("en")
        try:
            yield
        finally:
            i18n.set_language("zh")
        return

    with matplotlib.rc_context({"font.family": family(font), "axes.unicode_minus": False}):
        yield
