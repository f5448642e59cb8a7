"""Chinese everywhere: every English text the library passes to `tr` (and every message
template, and every rule in words) has a Chinese entry in the catalog, and no entry is stale."""

import ast
from pathlib import Path

import pytest

from linscratch import i18n
from linscratch.i18n.zh import ZH
from linscratch.rules import RULES

SRC = Path(i18n.__file__).parent.parent  # the package, i18n a subpackage of it
# their first argument is text
MESSAGES = {
    "tr",
    "translate",
    "UsageError",
    "UsageTypeError",
    "WriteError",
    "StabilityWarning",
    "Words",
}


def texts_to_translate() -> set[str]:
    """The literal first argument of every call to `tr` or a message class in the source,
    and each setting's rule in words."""
    found = {rule for _, rule in RULES.values()}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            text = node.args[0]
            if name in MESSAGES and isinstance(text, ast.Constant) and isinstance(text.value, str):
                found.add(text.value)
    return found


def test_every_text_has_its_chinese():
    missing = sorted(texts_to_translate() - set(ZH))
    assert not missing, f"{len(missing)} texts lack a Chinese entry in zh.ZH:\n" + "\n".join(
        missing
    )


def test_no_entry_is_stale():
    assert not sorted(set(ZH) - texts_to_translate())


def test_placeholders_survive_translation():
    import string

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)

    wrong = [en for en, zh in ZH.items() if fields(en) != fields(zh)]
    assert not wrong


def test_set_language_checks_and_switches():
    with pytest.raises(ValueError, match="lang must be one of en, zh"):
        i18n.set_language("fr")
    try:
        i18n.set_language("zh")
        assert i18n.tr("epoch") == "迭代周期" and i18n.tr("no such text") == "no such text"
    finally:
        i18n.set_language("en")
