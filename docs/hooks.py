"""MkDocs hooks: the notebooks (docs/notebooks/*.ipynb) as pages in both languages.

mkdocs-static-i18n rebuilds the list of files last of all plugins (its `on_files` has priority
-100), after mkdocs-jupyter has marked the notebooks as pages, and so undoes the mark: each
notebook would be copied as it is, JSON under its page's name. `on_files` runs after it and
marks them again, in place (the files keep the language and the address mkdocs-static-i18n
gave them); mkdocs-jupyter then renders them as for a site in one language.

In Chinese a line break inside a paragraph is no space, as it is in English: `on_page_content`
removes the breaks between two Chinese characters (outside `<pre>`), which the browser would
otherwise show as spaces in the middle of a sentence.

A notebook's Markdown links name files (`exercises.en.ipynb`, `../exercises.md`), which is
what Jupyter and a repository browser follow; nbconvert leaves them so, and `on_page_content`
turns them into the site's addresses of those pages.
"""

import posixpath
import re

from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"  # CJK punctuation, ideographs, full width
_BREAK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", flags=re.DOTALL)
_LINK = re.compile(r'href="([^":#?]+?)(?:\.(?:en|zh))?\.(?:md|ipynb)(#[^"]*)?"')


def _page() -> bool:
    return True


@event_priority(-200)  # after mkdocs-static-i18n's -100
def on_files(files: Files, config) -> Files:
    for file in files:
        if file.src_uri.endswith(".ipynb"):
            file.is_documentation_page = _page
    return files


def on_page_content(html: str, page, config, files) -> str:
    if re.search(r"\.zh\.(md|ipynb)$", page.file.src_uri):
        html = "".join(
            part if part.startswith("<pre") else _BREAK.sub("", part) for part in _PRE.split(html)
        )
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    folder = posixpath.dirname(page.file.src_uri)
    here = posixpath.dirname(page.file.dest_uri)  # zh/notebooks/chapter: the page's folder
    stem = re.sub(r"(\.(en|zh))?\.ipynb$", "", page.file.src_uri)  # notebooks/chapter
    language = here[: len(here) - len(stem)]  # "zh/", or "" for the default language

    def address(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(1)))
        url = language + ("" if target == "index" else target)
        return f'href="{posixpath.relpath(url or ".", here)}/{match.group(2) or ""}"'

    return _LINK.sub(address, html)
