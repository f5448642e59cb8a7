"""The console examples of the README and of every page of the documentation (docs/**/*.md)
are what the commands print: every `$ uv run linscratch ...` line shown with output is run (in
order, in one folder per block, so that a model saved by one example is there for the next)
and its output compared with the page's.

Seeded runs are compared number by number (`same_number`: whole numbers exactly, the others to
the precision that is reproducible across CPUs), but for timings (seconds, samples/s); a run
with a drawn seed, or one that the test runs smaller than shown (the tens of millions of rows of
the scale-out examples), is compared by shape: the same lines with every number masked. A line
`...` in a page stands for any number of lines; a JSON example is compared key by key. A
command that ends with `# exit status N` must exit with N (0 otherwise).

`LINSCRATCH_UPDATE_EXAMPLES=1 uv run pytest tests/test_readme_console.py` rewrites, instead of
failing, the shown output of every seeded text example that no longer matches with what the
run printed (examples compared by shape, with `...` or in JSON are left as they are, and still
checked), so that a change that alters a number regenerates the pages rather than hand-edits.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest

from linscratch import cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
UPDATE = os.environ.get("LINSCRATCH_UPDATE_EXAMPLES") == "1"
PREFIX = "uv run linscratch "
SMALLER = {"40000000": "400000", "10000000": "100000"}  # rows: the test runs a hundredth
TIMINGS = [
    (r"in \d+\.\d+ s \([\d,.]+ (M )?samples/s\)", "in # s (# samples/s)"),
    (r"用时 \d+\.\d+ 秒（每秒 [\d,.]+ 个样本）", "用时 # 秒（每秒 # 个样本）"),
    # sweep: each run's seconds (the cell before the verdict), the whole sweep's seconds and
    # its processes (as many as this machine's cores and load allow)
    (r"(?<=\s)\d+\.\d\d(?=  [^\s\d])", "#"),
    (r"runs? in \d+\.\d+ s on \d+ process(es)?", "runs in # s on # processes"),
    (r"用时 \d+\.\d+ 秒，\d+ 个进程", "用时 # 秒，# 个进程"),
]
NUMBER = r"[-+]?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?"
VOLATILE_KEYS = {"train_seconds", "compile_seconds", "samples_per_second", "seconds"}


def examples(page: Path) -> list[list[tuple]]:
    """The console blocks of `page`, each a list of steps: ("run", the command after
    `uv run linscratch `, the lines shown after it) or ("write", a file name, its text) for a
    `cat > FILE <<'EOF'` here-document. Other commands (pytest, the benchmarks, a command piped
    into another) are left out."""
    blocks = []
    for block in re.findall(r"```console\n(.*?)```", page.read_text(), flags=re.DOTALL):
        steps, lines = [], iter(block.splitlines())
        for line in lines:
            heredoc = re.fullmatch(r"\$ cat > (\S+) <<'EOF'", line)
            if heredoc:
                text = "".join(f"{body}\n" for body in iter(lines.__next__, "EOF"))
                steps.append(("write", heredoc.group(1), text))
            elif line.startswith("$ " + PREFIX) and "|" not in shlex.split(line, comments=True):
                steps.append(("run", line[2 + len(PREFIX) :], []))
            elif line.startswith("$ "):
                steps.append(("other", line, []))
            elif steps and steps[-1][0] in ("run", "other"):
                steps[-1][2].append(line)
        steps = [(k, a, _trimmed(b) if k == "run" else b) for k, a, b in steps if k != "other"]
        if any(kind == "run" for kind, _, _ in steps):
            blocks.append(steps)
    return blocks


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _normal(line: str, shape: bool) -> str:
    for pattern, mask in TIMINGS:
        line = re.sub(pattern, mask, line)
    if shape:  # numbers masked, and the spaces that pad them, and which coefficient differs
        line = re.sub(r"\((x\d+|b)\)$", "(#)", line)
        return re.sub(r"\s+", "", re.sub(NUMBER, "#", line))
    return " ".join(line.split())


# Why a printed digit may differ between CPUs: float32 sums in PyTorch's and the BLAS's
# vectorised kernels add in an order set by the CPU's vector width (AVX2, AVX-512), and so do
# the BLAS's float64 kernels under the exact answer. On one machine every run is bit-exact
# (tests/test_seed_fidelity.py holds the book's runs to d2l's, both run here); across machines
# the last bits differ, and SGD carries a last-bit difference along without amplifying it (each
# step contracts). So a README number is the printed one if they agree to within 2 units of the
# last digit the README shows (a rounding that fell the other way, or a difference of nearly
# equal parameters) or to a relative 1e-6 (8 float32 epsilons: a float32 loss printed with more
# digits than float32 holds). A whole number (an epoch, a count, a column) must be equal.
RELATIVE = 1e-4
LAST_DIGITS = 2
# NUMBER, no groups; a comma groups thousands only (three digits, then no digit), so that a
# CSV row's cells ("80,3,12,272026.04") are numbers of their own, each compared
_TOKEN = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def same_number(shown: str, printed: str) -> bool:
    """Whether the README's `shown` number is the `printed` one, to reproducible precision."""
    if shown == printed:
        return True
    if not re.search(r"[.eE]", shown) or not re.search(r"[.eE]", printed):
        return False  # whole numbers are exact
    a, b = float(shown.replace(",", "")), float(printed.replace(",", ""))
    mantissa = re.match(r"[-+]?[\d,]*(?:\.(\d+))?", shown).group(1) or ""
    exponent = re.search(r"[eE]([-+]?\d+)", shown)
    unit = 10.0 ** (-len(mantissa) + (int(exponent.group(1)) if exponent else 0))
    return abs(a - b) <= max(LAST_DIGITS * unit, RELATIVE * max(abs(a), abs(b)))


def same_line(shown: str, printed: str) -> bool:
    """The same words, and the same numbers to reproducible precision (`same_number`)."""
    if shown == printed:
        return True
    words = _TOKEN.split(shown), _TOKEN.split(printed)
    numbers = (
        [m.group(0) for m in _TOKEN.finditer(shown)],
        [m.group(0) for m in _TOKEN.finditer(printed)],
    )
    return (
        len(numbers[0]) == len(numbers[1])
        and words[0] == words[1]
        and all(map(same_number, *numbers))
    )


def matches(shown: list[str], printed: list[str], shape: bool) -> str | None:
    """None if the printed lines are the shown ones (`...` skipping any lines), else the first
    shown line that was not found."""
    printed = [_normal(line, shape) for line in printed]
    at, skipping = 0, False
    for line in shown:
        if line.strip() == "...":
            skipping = True
            continue
        want = _normal(line, shape)
        if skipping:
            while at < len(printed) and not same_line(want, printed[at]):
                at += 1
        if at >= len(printed) or not same_line(want, printed[at]):
            return line
        at, skipping = at + 1, False
    return None if skipping or at == len(printed) else f"(more lines printed: {printed[at]!r})"


def json_matches(shown: str, printed: str, shape: bool) -> str | None:
    """Each `"key": value` of the shown JSON (a scalar or a list of numbers) is in the printed
    object with that value (any value, by shape)."""
    document = json.loads(printed)
    shown = re.sub(r"\[\{.*?\]", "[]", shown, flags=re.DOTALL)  # lists of objects: not here
    for key, value in re.findall(r'"(\w+)": (\[[-\d.e, ]+\]|"[^"]*"|[-\w.+]+)', shown):
        if key not in document:
            return f"no key {key!r}"
        if "..." in value or shape or key in VOLATILE_KEYS:  # elided, or any value will do
            continue
        if not _same_value(json.loads(value), document[key]):
            return f"{key}: README {value}, printed {document[key]!r}"
    return None


def _same_value(shown, printed) -> bool:
    """A JSON value of the README and the printed one: numbers by `same_number`, lists item by
    item, anything else equal."""
    if isinstance(shown, list) and isinstance(printed, list):
        return len(shown) == len(printed) and all(map(_same_value, shown, printed))
    numbers = (int, float)
    if isinstance(shown, numbers) and isinstance(printed, numbers):
        return same_number(json.dumps(shown), json.dumps(printed))
    return shown == printed


BLOCKS = [(page, steps) for page in PAGES for steps in examples(page)]


def _update(page: Path, command: str, shown: list[str], printed: list[str]) -> None:
    """Rewrite in `page` the lines shown after `$ uv run linscratch command` as `printed`;
    where as many lines were printed as are shown, a shown line that still matches its printed
    one is kept as it is (its timing, its last digit), so that only what changed changes."""
    if "..." in shown:  # the lines around the skip, found again in what was printed
        printed = _around_skips(shown, printed)
    if len(shown) == len(printed):
        printed = [
            old if same_line(_normal(old, False), _normal(new, False)) else new
            for old, new in zip(shown, printed, strict=True)
        ]
    head = f"$ {PREFIX}{command}\n"
    old = head + "".join(f"{line}\n" for line in shown)
    text = page.read_text()
    assert old in text, f"{page.name}: the example of `{command}` is not where it was read"
    page.write_text(text.replace(old, head + "".join(f"{line}\n" for line in printed), 1))


def _around_skips(shown: list[str], printed: list[str]) -> list[str]:
    """`printed` with each stretch a `...` of `shown` stands for kept as `...`: a skip spans
    the printed lines after the one that matches the line before it, up to the one that
    matches the line after it (the same lines, or the first and last printed ones)."""
    out, at = [], 0
    for k, line in enumerate(shown):
        if line.strip() != "...":
            continue
        before = [i for i in range(at, len(printed)) if k and _same(shown[k - 1], printed[i])]
        start = before[0] + 1 if before else at
        after = shown[k + 1] if k + 1 < len(shown) else None
        ends = [i for i in range(start, len(printed)) if after and _same(after, printed[i])]
        end = ends[0] if ends else len(printed)
        out += [*printed[at:start], line]
        at = end
    return out + printed[at:]


def _same(shown: str, printed: str) -> bool:
    """The same line, or the same but for its decimals (an epoch's line whose loss moved)."""
    shown, printed = _normal(shown, False), _normal(printed, False)
    decimals = r"[-+]?\d[\d,]*\.\d+([eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+"
    return same_line(shown, printed) or re.sub(decimals, "#", shown) == re.sub(
        decimals, "#", printed
    )


def run_example(
    command: str, shown: list[str], capsys, page: Path = PAGES[0], seeded: bool = False
) -> None:
    """Run one example and compare; its numbers by shape only where they are drawn afresh
    (no `--seed`, unless `seeded`: a command such as predict that reads what a seeded run of
    its block wrote) or the run is made smaller for the tests."""
    argv = shlex.split(command, comments=True)
    smaller = any(a in SMALLER for a in argv)
    argv = [SMALLER.get(a, a) for a in argv]
    shape = smaller or not ("--seed" in argv or (seeded and argv[0] == "predict"))
    expected = re.search(r"# exit status (\d+)", command)  # a run shown failing says so
    status = cli.main(argv)
    out = capsys.readouterr().out
    assert status == (int(expected.group(1)) if expected else 0), out
    if not shown:
        return
    if shown[0].startswith("{"):
        problem = json_matches("\n".join(shown), out, shape)
    else:
        problem = matches(shown, out.splitlines(), shape)
        if problem is not None and UPDATE and not shape:
            _update(page, command, shown, out.splitlines())
            return
    where = page.relative_to(ROOT)
    assert problem is None, f"{where} shows {problem!r} after `{command}`; printed:\n{out}"


@pytest.mark.parametrize(
    "page, steps", BLOCKS, ids=[f"{p.relative_to(ROOT)}:{s[0][1][:50]}" for p, s in BLOCKS]
)
def test_console_block(page, steps, tmp_path, monkeypatch, capsys):
    """Each block in its own folder, its steps in order (a model saved is there to predict)."""
    monkeypatch.chdir(tmp_path)
    runs = [shlex.split(what, comments=True) for kind, what, _ in steps if kind == "run"]
    seeded = all("--seed" in argv for argv in runs if argv[0] != "predict")
    for kind, what, shown in steps:
        if kind == "write":
            (tmp_path / what).write_text(shown)
        else:
            run_example(what, shown, capsys, page, seeded)


def test_the_examples_are_found():
    commands = [what for _, steps in BLOCKS for kind, what, _ in steps if kind == "run"]
    assert "train" in commands and any(c.startswith("grad") for c in commands)
    assert any("--keep-columns" in c for c in commands)
    assert any(kind == "write" for _, steps in BLOCKS for kind, _, _ in steps)
    pages = {page.relative_to(ROOT).as_posix() for page, _ in BLOCKS}
    assert {"README.md", "docs/guide/train.md", "docs/exercises.md"} <= pages


def test_update_rewrites_only_the_example(tmp_path):
    """The update mode replaces the lines after the command and nothing else on the page."""
    page = tmp_path / "page.md"
    text = "```console\n$ uv run linscratch train --seed 1\nold 1\nold 2\n\n$ other\n```\n"
    page.write_text(text)
    _update(page, "train --seed 1", ["old 1", "old 2"], ["new"])
    assert page.read_text() == text.replace("old 1\nold 2\n", "new\n")
    # line for line: a line that still matches stays as shown, timings and all
    page.write_text(text)
    _update(page, "train --seed 1", ["old 1", "old 2"], ["old 1", "new 2"])
    assert page.read_text() == text.replace("old 2\n", "new 2\n")
    shown = ["loss 0.000052", "3 epochs x 1,000 examples in 0.063 s (47,390 samples/s)"]
    page.write_text(f"$ uv run linscratch train\n{shown[0]}\n{shown[1]}\n")
    _update(page, "train", shown, ["loss 0.000099", shown[1].replace("0.063", "0.007")])
    assert page.read_text() == f"$ uv run linscratch train\nloss 0.000099\n{shown[1]}\n"
