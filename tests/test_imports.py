"""Imports inside functions: only where start-up time (or another stated need) asks for one,
each with its reason in a trailing comment, worded the same way each time:

    import torch  # start-up: torch only when a run needs it

Every other import is at the top of its module."""

import ast
import io
import re
import tokenize
from pathlib import Path

import linscratch

PACKAGE = Path(linscratch.__file__).parent
REASONS = ("start-up", "optional", "platform", "cycle", "per call")
REASON = re.compile(rf"#\s*({'|'.join(REASONS)}): \S")


def imports_inside_functions(source: str):
    """The imports in `source` that a function holds (at any depth), as ast nodes."""
    found = []

    def walk(node, inside):
        for child in ast.iter_child_nodes(node):
            if inside and isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            walk(child, inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    walk(ast.parse(source), False)
    return found


def comments(source: str) -> dict[int, str]:
    """Each line's comment, by line number."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0]: t.string for t in tokens if t.type == tokenize.COMMENT}


def unexplained(source: str) -> list[int]:
    """The lines of the imports inside functions with no reason on their first line."""
    said = comments(source)
    return [
        node.lineno
        for node in imports_inside_functions(source)
        if not REASON.match(said.get(node.lineno, ""))
    ]


def test_every_import_inside_a_function_says_why():
    missing = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in unexplained(path.read_text())
    ]
    assert not missing, "imports inside functions without a reason comment: " + ", ".join(missing)


def test_the_check_sees_what_it_should():
    source = (
        "import os\n"
        "def f():\n"
        "    import json\n"
        "    import torch  # start-up: torch only when a run needs it\n"
        "    from a import (  # optional: IPython, in a notebook\n"
        "        b,\n"
        "    )\n"
        "    def g():\n"
        "        import sys  # sys is small\n"
        "    return json\n"
        "class C:\n"
        "    def m(self):\n"
        "        import re\n"
    )
    assert len(imports_inside_functions(source)) == 5
    assert unexplained(source) == [3, 9, 13]
