"""A gettext catalogue read from its `.po` file, as `msgfmt` would compile it: each translated
entry's msgid (with its msgctxt, joined by gettext's "\\x04") to its msgstr. The header, fuzzy
entries, untranslated ones (empty msgstr) and obsolete ones (`#~`) are left out, so that their
English shows. Reading the text file at first use needs no compiled `.mo` and no build step: a
translator's edit shows on the next run."""

from __future__ import annotations

import re
from pathlib import Path

CONTEXT = "\x04"  # between msgctxt and msgid, as in a compiled .mo

_ESCAPE = re.compile(r"\\(.)")
_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_UNESCAPE |= {"f": "\f", "v": "\v"}
_LINE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*"(.*)"\s*$')


def _unquote(text: str, path: Path, number: int) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match) -> str:
        if match.group(1) not in _UNESCAPE:
            raise ValueError(f"{path}, line {number}: unknown escape \\{match.group(1)}")
        return _UNESCAPE[match.group(1)]

    return _ESCAPE.sub(one, text)


def read(path: Path) -> dict[str, str]:
    """The translations in the .po file at `path`; a line that is not .po syntax is a
    ValueError naming its line."""
    catalogue: dict[str, str] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    keyword = None

    def close() -> None:
        nonlocal entry, fuzzy, keyword
        if "msgid_plural" in entry:
            raise ValueError(f"{path}: plural forms are not used by linscratch")
        msgid, msgstr = entry.get("msgid"), entry.get("msgstr", "")
        if msgid and msgstr and not fuzzy:
            key = msgid if "msgctxt" not in entry else entry["msgctxt"] + CONTEXT + msgid
            catalogue[key] = msgstr
        entry, fuzzy, keyword = {}, False, None

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgid" in entry:  # a comment begins the next entry
                close()
            if line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                fuzzy = True
            continue
        if line[0] == '"' and line[-1] == '"' and len(line) > 1:  # most lines: no regex
            word, text = None, line[1:-1]
        else:
            match = _LINE.match(line)
            if match is None:
                raise ValueError(f"{path}, line {number}: not .po syntax: {line[:60]}")
            word, text = match.groups()
        text = _unquote(text, path, number)
        if word is None:  # a continuation of the string before
            if keyword is None:
                raise ValueError(f"{path}, line {number}: a string with no keyword before it")
            entry[keyword] += text
            continue
        if word in ("msgctxt", "msgid") and "msgid" in entry:  # a new entry, no blank line
            close()
        keyword = word.split("[")[0] if word.startswith("msgstr") else word
        entry[keyword] = text
    close()
    return catalogue
