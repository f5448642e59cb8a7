"""docs/architecture.md is the map of the code: these tests hold it to the code, so that it
stays true as the code moves.

- Its table of layers is the import-linter contract in pyproject.toml, layer for layer, in
  order (`lint-imports`, run by CI, checks that the code keeps the contract).
- Every file or folder it names exists, and every `module.name` it names is defined there.
- Its tables of the spec's fields and the plan's fields are the dataclasses' fields.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAP = (ROOT / "docs" / "architecture.md").read_text()
# every module of the package by its dotted name, without "linscratch.": Python and Cython
SOURCES = ROOT / "src" / "linscratch"
MODULES = {
    ".".join(p.relative_to(SOURCES).with_suffix("").parts).removesuffix(".__init__"): p
    for p in [*SOURCES.rglob("*.py"), *SOURCES.rglob("*.pyx")]
}


def section(title: str) -> str:
    """The text of the map's section `## title`, up to the next one."""
    match = re.search(rf"(?ms)^## {re.escape(title)}\n(.*?)(?=^## |\Z)", MAP)
    assert match, f"docs/architecture.md has no section {title!r}"
    return match.group(1)


def table(text: str) -> list[list[str]]:
    """The rows of the first Markdown table in `text`, each a list of its cells."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_layers_are_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    contracted = [
        sorted(name.strip().removeprefix("linscratch.") for name in layer.split("|"))
        for layer in contract["layers"]
    ]
    shown = [sorted(re.findall(r"`([\w.]+)`", row[0])) for row in table(section("Layers"))]
    assert shown == contracted


def named_places() -> list[str]:
    """Every `path.py` (or .pyx, .pxd), `folder/` and `module.name` in backticks in the map."""
    return sorted(set(re.findall(r"`([\w./]+)`", MAP)))


def _module(name: str) -> list[str]:
    """The modules whose dotted name is `name` or ends with `.name`."""
    return [m for m in MODULES if m == name or m.endswith("." + name)]


FILES = (".py", ".pyx", ".pxd", "/")


@pytest.mark.parametrize("place", [p for p in named_places() if p.endswith(FILES)])
def test_every_file_named_exists(place):
    if place.startswith(("tests/", "benchmarks/", "docs/", "scripts/")) or place == "meson.build":
        assert (ROOT / place).exists(), place
        return
    inside = [SOURCES / place, *(p for p in SOURCES.rglob(Path(place.rstrip("/")).name))]
    assert any(p.exists() and str(p).endswith(place.rstrip("/")) for p in inside), place


def _dotted() -> list[str]:
    """The `module.name` references: a first part that is a module of the package."""
    found = []
    for place in named_places():
        parts = place.split(".")
        if place.endswith(FILES) or len(parts) < 2 or not all(p.isidentifier() for p in parts):
            continue
        if _module(".".join(parts[:-1])):
            found.append(place)
    return found


@pytest.mark.parametrize("place", _dotted())
def test_every_name_named_is_defined(place):
    *module, name = place.split(".")
    homes = _module(".".join(module))
    assert any(hasattr(importlib.import_module(f"linscratch.{home}"), name) for home in homes), (
        f"{place}: no {name} in {homes}"
    )


def test_the_spec_table_lists_every_field():
    from linscratch import spec

    shown = {
        row[0].strip("`"): re.findall(r"`(\w+)`", row[1]) for row in table(section("The spec"))
    }
    for cls in spec.SECTIONS.values():
        assert shown.get(cls.__name__) == [f.name for f in dataclasses.fields(cls)], cls.__name__


def test_the_planner_paragraph_lists_every_plan_field():
    from linscratch.train.plan import Plan

    listed = re.search(r"returns a frozen `Plan`\s*\(([^)]*)\)", section("The planner"))
    assert listed, "the planner's paragraph lists the Plan's fields in parentheses"
    names = [n.strip() for n in listed.group(1).replace("\n", " ").split(",")]
    assert names == [f.name for f in dataclasses.fields(Plan)]
