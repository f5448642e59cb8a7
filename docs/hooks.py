"""MkDocs hook: the notebooks (docs/notebooks/*.ipynb) as pages in both languages.

mkdocs-static-i18n rebuilds the list of files last of all plugins (its `on_files` has priority
-100), after mkdocs-jupyter has marked the notebooks as pages, and so undoes the mark: each
notebook would be copied as it is, JSON under its page's name. This hook runs after it and
marks them again, in place (the files keep the language and the address mkdocs-static-i18n
gave them); mkdocs-jupyter then renders them as for a site in one language.
"""

from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files


def _page() -> bool:
    return True


@event_priority(-200)  # after mkdocs-static-i18n's -100
def on_files(files: Files, config) -> Files:
    for file in files:
        if file.src_uri.endswith(".ipynb"):
            file.is_documentation_page = _page
    return files
