"""Chinese everywhere, from a gettext catalogue: every English text the library passes to `tr`
(and every message template, and every rule in words) has a Chinese entry in
`i18n/locale/zh/LC_MESSAGES/linscratch.po`, no entry is stale, the placeholders match, the file
is what gettext's own tools read, and a translator's edit to it changes what linscratch says
with no Python touched."""

import argparse
import ast
import gettext
import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest

from linscratch import i18n
from linscratch.i18n import po
from linscratch.rules import RULES

SRC = Path(i18n.__file__).parent.parent  # the package, i18n a subpackage of it
PO = Path(i18n.__file__).parent / "locale" / "zh" / "LC_MESSAGES" / "linscratch.po"
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
    """The literal first argument of every call to `tr` or a message class in the source (with
    its literal `context`, joined as gettext joins msgctxt and msgid), and each setting's rule
    in words."""
    found = {rule for _, rule in RULES.values()}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            text = node.args[0]
            if name == "counted":  # counted(n, one, many): both forms are texts
                found.update(a.value for a in node.args[1:] if isinstance(a, ast.Constant))
                continue
            if name in MESSAGES and isinstance(text, ast.Constant) and isinstance(text.value, str):
                context = [k.value for k in node.keywords if k.arg == "context"]
                if context:
                    assert isinstance(context[0], ast.Name), f"{path}: a context is a constant"
                    context = [_constant(path, context[0].id)]
                found.add(text.value if not context else context[0] + po.CONTEXT + text.value)
    return found


def _constant(path: Path, name: str) -> str:
    """The string a module-level `NAME = "..."` of `path` gives."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == [name]:
            return node.value.value
    raise AssertionError(f"{path}: no constant {name}")


ZH = po.read(PO)


def argparse_texts() -> set[str]:
    """argparse's own texts, the msgids of its `_()` and `ngettext()` calls: the catalogue
    translates those a user meets (usage, options, its parse errors)."""
    found = set()
    for node in ast.walk(ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
            found |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    return found


# The argparse texts a user of the command line can meet: each must be in Chinese.
MET_IN_ARGPARSE = {
    *("usage: ", "options", "positional arguments", "show this help message and exit"),
    *("argument %(argument_name)s: %(message)s", "the following arguments are required: %s"),
    *("unrecognized arguments: %s", "invalid choice: %(value)r (choose from %(choices)s)"),
    *("invalid %(type)s value: %(value)r", "expected one argument"),
    *("expected at most one argument", "expected at least one argument"),
    *("one of the arguments %s is required", "not allowed with argument %s"),
    *("ambiguous option: %(option)s could match %(matches)s", "ignored explicit argument %r"),
}


def test_every_text_has_its_chinese():
    assert MET_IN_ARGPARSE <= argparse_texts()  # argparse still says them
    missing = sorted((texts_to_translate() | MET_IN_ARGPARSE) - set(ZH))
    assert not missing, f"{len(missing)} texts lack a Chinese entry in {PO.name}:\n" + "\n".join(
        missing
    )


def test_no_entry_is_stale():
    assert not sorted(set(ZH) - texts_to_translate() - argparse_texts())


def placeholders(text: str) -> list[tuple]:
    """The `{name!conversion:spec}` fields of `text` and its printf-style `%(name)s`, `%s`."""
    fields = [(f, c, s) for _, f, s, c in string.Formatter().parse(text) if f is not None]
    return sorted(fields) + sorted(re.findall(r"%(?:\(\w+\))?[srd]", text))


def test_placeholders_survive_translation():
    wrong = [
        en for en, zh in ZH.items() if placeholders(en.split(po.CONTEXT)[-1]) != placeholders(zh)
    ]
    assert not wrong


def test_the_placeholder_check_sees_a_changed_spec():
    assert placeholders("{rows:,} rows") != placeholders("{rows} 个样本")
    assert placeholders("%(prog)s: %s") != placeholders("%(prog)s：%r")


def test_one_english_text_two_chinese_by_context():
    """grad's walk-through says "ok" as 一致 (the methods agree); elsewhere it is 通过."""
    with i18n.speaking("zh"):
        assert i18n.tr("ok") == "通过" and i18n.tr("ok", context="walk-through") == "一致"
        assert i18n.tr("ok", context="no such context") == "ok"
    assert i18n.tr("ok", context="walk-through") == "ok"


msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed (.ci/run does)"
)


@msgfmt
def test_gettext_compiles_it_and_reads_what_linscratch_reads(tmp_path):
    """`msgfmt --check` (syntax, header, and the placeholders of every entry flagged
    python-format or python-brace-format) accepts the catalogue, and the compiled .mo, read by
    Python's own gettext, holds exactly the translations `po.read` finds."""
    mo = tmp_path / "linscratch.mo"
    done = subprocess.run(
        ["msgfmt", "--check", "-o", str(mo), str(PO)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    assert {k: v for k, v in compiled.items() if k} == ZH


@msgfmt
def test_msgfmt_refuses_a_lost_placeholder(tmp_path):
    """The check above can fail: a translation that drops {path} is refused."""
    text = PO.read_text(encoding="utf-8")
    bad = text.replace('msgstr "模型已保存到 {path}"', 'msgstr "模型已保存到 {where}"')
    assert bad != text
    (tmp_path / "bad.po").write_text(bad, encoding="utf-8")
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(tmp_path / "bad.po")],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "argument 'path'" in done.stderr


@pytest.fixture
def translated(tmp_path):
    """A copy of the catalogue in a locale folder of its own, which linscratch reads while the
    test runs: `translated(edit)` writes `edit(text)` as the .po."""

    def write(edit) -> None:
        folder = tmp_path / "zh" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "linscratch.po").write_text(edit(PO.read_text("utf-8")), encoding="utf-8")
        i18n.set_locale_dir(tmp_path)

    yield write
    i18n.set_locale_dir(None)


def test_a_translators_edit_changes_the_output(cli, translated):
    """A translator changes two msgstrs with an editor, one of them a context's; the next run
    says them, and nothing else changes."""
    before = cli("grad", "--lang", "zh")
    assert before.out.count("步骤 1：") == 1 and "一致" in before.out

    def edit(text: str) -> str:
        edited = text.replace('msgstr "步骤 1：', 'msgstr "第一步：')
        edited = edited.replace('msgid "ok"\nmsgstr "一致"', 'msgid "ok"\nmsgstr "吻合"')
        assert edited.count("第一步") == 1 and edited.count("吻合") == 1
        return edited

    translated(edit)
    after = cli("grad", "--lang", "zh")
    assert after.code == before.code == 0
    expected = before.out.replace("步骤 1：", "第一步：").replace("一致", "吻合")
    assert after.out == expected != before.out
    assert cli("grad").out == cli("grad", "--lang", "en").out  # English needs no catalogue
    i18n.set_locale_dir(None)
    assert cli("grad", "--lang", "zh").out == before.out


def test_fuzzy_untranslated_and_obsolete_entries_show_the_english(tmp_path):
    """As msgfmt compiles a catalogue: a fuzzy entry, an empty msgstr and an obsolete (#~)
    entry are not translations; escapes and strings continued over lines are read."""
    text = r"""# a comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#, fuzzy, python-brace-format
msgid "guessed {n}"
msgstr "猜的 {n}"

msgid "not yet"
msgstr ""

#~ msgid "gone"
#~ msgstr "没了"

#. a translator's note
#, python-brace-format
msgctxt "here"
msgid ""
"two\n"
"lines with \"quotes\", a \\ and\ta tab {n}"
msgstr "两行\n带“引号”、\\ 和\t制表符 {n}"
msgid "no blank line before"
msgstr "前面没有空行"
"""
    (tmp_path / "t.po").write_text(text, encoding="utf-8")
    assert po.read(tmp_path / "t.po") == {
        'here\x04two\nlines with "quotes", a \\ and\ta tab {n}': (
            "两行\n带“引号”、\\ 和\t制表符 {n}"
        ),
        "no blank line before": "前面没有空行",
    }


def test_a_broken_catalogue_names_its_line(tmp_path):
    (tmp_path / "t.po").write_text('msgid "a"\nmsgstr "b"\nmsgstr oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"t.po, line 3: not .po syntax"):
        po.read(tmp_path / "t.po")


def test_set_language_checks_and_switches():
    with pytest.raises(ValueError, match="lang must be one of en, zh"):
        i18n.set_language("fr")
    try:
        i18n.set_language("zh")
        assert i18n.tr("epoch") == "迭代周期" and i18n.tr("no such text") == "no such text"
    finally:
        i18n.set_language("en")


def test_speaking_restores_the_language():
    with pytest.raises(RuntimeError), i18n.speaking("zh"):
        assert i18n.language() == "zh"
        raise RuntimeError
    assert i18n.language() == "en"
