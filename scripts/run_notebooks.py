"""Re-execute the learner's notebooks (docs/notebooks/*.ipynb) and commit them with outputs.

    uv run python scripts/run_notebooks.py            # every notebook, rewritten in place
    uv run python scripts/run_notebooks.py chapter.zh # one, by its name without .ipynb
    uv run python scripts/run_notebooks.py --check    # exit 1 if a committed output is stale

Each notebook runs in a fresh python3 kernel (nbclient) in a temporary folder, as
tests/test_notebooks.py runs it, so that a figure or a file a cell writes lands nowhere in the
repository. The outputs are then made reproducible (`normalised`): execution counts 1, 2, ...
in order, no timing metadata, memory addresses and the seconds a run took masked, so that
running the script twice on one machine writes the same bytes and a diff shows only what the
code changed. The website (mkdocs-jupyter) shows the notebooks with these outputs.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "docs" / "notebooks"

# What differs between two runs of the same notebook on the same machine, and its mask.
VOLATILE = [
    (re.compile(r"0x[0-9a-f]{6,16}"), "0x..."),  # memory addresses in object reprs
    # the wall-clock time of a run, in every form linscratch prints it (text, zh text, HTML)
    (re.compile(r"in \d+\.\d+ s \([\d,.]+ (M )?samples/s\)"), "in … s (… samples/s)"),
    (re.compile(r"用时 \d+\.\d+ 秒（每秒 [\d,.]+ 个样本）"), "用时 … 秒（每秒 … 个样本）"),
    (re.compile(r"\d+\.\d+ s, [\d,.]+ samples/s"), "… s, … samples/s"),
    (re.compile(r"\d+\.\d+ 秒，每秒 [\d,.]+ 个样本"), "… 秒，每秒 … 个样本"),
    (re.compile(r"(<dc:date>)[^<]*(</dc:date>)"), r"\1\2"),  # matplotlib's SVG metadata
]


def normalised(text: str) -> str:
    """`text` with every `VOLATILE` part masked."""
    for pattern, mask in VOLATILE:
        text = pattern.sub(mask, text)
    return text


def _merged(outputs: list) -> list:
    """`outputs` with each run of stream outputs to one stream joined into one: how a
    cell's printing is split into chunks depends on timing, not on what it printed."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and out.output_type == last.output_type == "stream"
            and out.name == last.name
        ):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Mask the volatile parts of `nb`'s outputs in place, join the chunks of each stream,
    number its code cells 1, 2, ... and drop per-cell timing metadata; returns `nb`."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.metadata.pop("execution", None)
        cell.outputs = _merged(cell.outputs)
        for out in cell.outputs:
            if out.get("execution_count") is not None:
                out.execution_count = count
            if "text" in out:
                out.text = normalised(out.text)
            for kind, value in out.get("data", {}).items():
                if isinstance(value, str) and (kind.startswith("text/") or "svg" in kind):
                    out.data[kind] = normalised(value)
    return nb


def execute(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """The notebook at `path`, run top to bottom in a fresh kernel and normalised."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": folder}},
        )
        client.execute()
    return normalise(nb)


def comparable(nb: nbformat.NotebookNode) -> list:
    """The text outputs of `nb`'s code cells, normalised, for a staleness check: figures are
    left out (their bytes differ with the fonts and the matplotlib version)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            text = out.get("text") or out.get("data", {}).get("text/plain")
            if text is not None:
                found.append(normalised(text if isinstance(text, str) else "".join(text)))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks by name (chapter.en); default all")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    paths = [NOTEBOOKS / f"{n}.ipynb" for n in args.names] or sorted(NOTEBOOKS.glob("*.ipynb"))
    stale = []
    for path in paths:
        fresh = execute(path)
        if args.check:
            if comparable(fresh) != comparable(nbformat.read(path, as_version=4)):
                stale.append(path.name)
        else:
            nbformat.write(fresh, path)
        print(f"{path.name}: {'checked' if args.check else 'written'}", file=sys.stderr)
    if stale:
        print(f"stale outputs: {', '.join(stale)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
