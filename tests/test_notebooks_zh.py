"""The Chinese notebooks (docs/notebooks/*.zh.ipynb) show Chinese throughout: every committed
output (printed text, a value's plain text and HTML, the text drawn in an SVG figure) is scanned
for English words outside code, units and names, and each offending line is reported. The
figures drawn as PNG cannot be read back, so the labels, titles and legends their cells draw
are scanned in the cells' source instead. The outputs read are the committed ones, as a learner
browsing the repository or the website sees them (`scripts/run_notebooks.py` writes them;
tests/test_notebooks.py checks they are not stale).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from test_zh_everywhere import NAMES

NOTEBOOKS = Path(__file__).resolve().parent.parent / "docs" / "notebooks"
ZH = ["chapter.zh.ipynb", "exercises.zh.ipynb"]

# Names the notebooks print as they are, beyond the commands' NAMES: the library's and Python's
# classes, exceptions and values, and torch's `reshape`, the name exercise 5 asks about.
NOTEBOOK_NAMES = {"Result", "GradCheck", "DivergedError", "RuntimeError", "True", "False",
                  "reshape"}  # fmt: skip
# What a notebook shows verbatim from another library, in its words, with a Chinese gloss
# beside it: PyTorch's error when a gradient has no graph (exercise 4).
FOREIGN = ["element 0 of tensors does not require grad and does not have a grad_fn"]
# The book's own training-loop line, which d2l-zh prints in English as the seed does.
BOOK_LINE = re.compile(r"(?m)^epoch \d+, loss [\d.]+$")
# A figure's plain-text stand-in, matplotlib's, shown only where the image cannot be.
FIGURE_REPR = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
# Half-width punctuation beside a Chinese character (`DivergedError: 训练发散`): Chinese text
# takes the full-width forms. d2l-zh's own lines, `w的估计误差: ` and `b的估计误差: `, print
# the book's half-width colon.
HALF_WIDTH = re.compile(r"[\u3400-\u9fff]\s*[:;,!?]|[:;,!?]\s*[\u3400-\u9fff]")
BOOK_ZH_LINE = re.compile(r"^[wb]的估计误差: ")
# Cells that print the library's source, code shown as code (a Chinese summary stands beside).
SHOWS_SOURCE = "inspect.getsource("


def english(line: str) -> list[str]:
    """The Latin words of three letters or more in `line` that are neither a name (NAMES,
    NOTEBOOK_NAMES, an upper-case symbol such as NIST or a metavar) nor an identifier (with an
    underscore: `short_batch`, `x_i1`), outside a tensor's `grad_fn=<...>` and a dotted name
    (`solve.stability`, `torch.float64`)."""
    line = re.sub(r"grad_fn=<\w+>", " ", line)
    line = re.sub(r"\b[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", " ", line)
    return [
        word
        for word in LATIN.findall(line)
        if word not in NAMES
        and word not in NOTEBOOK_NAMES
        and not word.isupper()
        and "_" not in word
    ]


def half_width(line: str) -> bool:
    """Whether `line` puts half-width punctuation beside a Chinese character, outside the
    book's own lines."""
    return bool(HALF_WIDTH.search(BOOK_ZH_LINE.sub("", line)))


def svg_text(svg: str) -> str:
    """The text an SVG figure draws: its <text> elements (our live plot) and the comments
    matplotlib writes beside text drawn as paths, one per line."""
    found = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    found += re.findall(r"<!--(.*?)-->", svg, flags=re.DOTALL)
    return "\n".join(re.sub(r"<[^>]+>", " ", text) for text in found)


def html_text(html: str) -> str:
    """`html` without its images (a figure as a data URI) and tags, a line per block."""
    html = re.sub(r"<img\b[^>]*>", " ", html)
    html = re.sub(r"</(p|tr|div|li|h\d)>|<br\s*/?>", "\n", html)
    return re.sub(r"<[^>]+>", " ", html)


def shown_texts(nb: nbformat.NotebookNode):
    """(cell number, kind, text) for every text that `nb`'s code cells show."""
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or SHOWS_SOURCE in cell.source:
            continue
        for out in cell.outputs:
            if "text" in out:
                yield number, f"stream {out.name}", out.text
            data = out.get("data", {})
            if "text/plain" in data:
                yield number, "text/plain", FIGURE_REPR.sub(" ", data["text/plain"])
            if "text/html" in data:
                yield number, "text/html", html_text(data["text/html"])
            if "image/svg+xml" in data:
                yield number, "image/svg+xml", svg_text(data["image/svg+xml"])


FIGURE_CALLS = {"set_xlabel", "set_ylabel", "set_title", "suptitle", "xlabel", "ylabel", "title"}


def figure_labels(source: str) -> list[str]:
    """The strings a cell passes as a figure's axis label, title or legend entry (`label=`),
    the constant parts of an f-string included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        args = list(node.args) if getattr(node.func, "attr", None) in FIGURE_CALLS else []
        args += [k.value for k in node.keywords if k.arg == "label"]
        for arg in args:
            for part in ast.walk(arg):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append(part.value)
    return found


def offences(name: str) -> list[str]:
    """Every line of the committed notebook `name` that shows English, with where it is."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    found = []
    for number, kind, text in shown_texts(nb):
        text = BOOK_LINE.sub(" ", text)
        for foreign in FOREIGN:
            text = text.replace(foreign, " ")
        for line in text.splitlines():
            if words := english(line):
                found.append(f"{name} cell {number} {kind}: {line.strip()!r} {words}")
            if half_width(line):
                found.append(f"{name} cell {number} {kind}: {line.strip()!r} half-width")
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and not cell.source.lstrip().startswith("%"):
            source = "\n".join(
                line for line in cell.source.splitlines() if not line.startswith("%")
            )
            for label in figure_labels(source):
                if words := english(label):
                    found.append(f"{name} cell {number} figure label: {label!r} {words}")
                if half_width(label):
                    found.append(f"{name} cell {number} figure label: {label!r} half-width")
    return found


@pytest.mark.parametrize("name", ZH)
def test_a_chinese_notebook_shows_no_english(name):
    found = offences(name)
    assert not found, "English in a Chinese notebook's outputs:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ZH)
def test_the_source_a_chinese_notebook_prints_has_a_chinese_summary_beside_it(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and SHOWS_SOURCE in cell.source:
            beside = [nb.cells[i] for i in (number - 1, number + 1) if 0 <= i < len(nb.cells)]
            summaries = [c for c in beside if c.cell_type == "markdown" and "摘要" in c.source]
            assert summaries, f"{name} cell {number} prints source with no Chinese summary"


def test_the_scan_finds_english_where_it_is():
    # what each output kind hides it in, and what it leaves alone
    ohm = "R = 5.0020 Ω (true 5.0 Ω; least squares 4.9984 Ω)"
    assert english(ohm) == ["least", "squares"]  # true: a name (the CLI's value)
    assert english("Result(引擎 autograd，3 个迭代周期，w = [1.9997]，short_batch='mean')") == []
    assert english("tensor([0.0008], grad_fn=<RsubBackward1>)") == []
    assert english("最大特征值 1.1；solve.stability: λ_max = 1.1") == []
    assert english("不做 reshape：形状 (5, 5)，summed loss 683.3513") == ["summed", "loss"]
    assert svg_text('<svg><text x="1">迭代周期</text><text>loss</text></svg>').split() == [
        "迭代周期",
        "loss",
    ]
    assert svg_text("<g><!-- epoch --><path d='M0 0'/></g>").strip() == "epoch"
    html = '<p>各迭代周期的损失</p><img src="data:image/png;base64,iVBORw0KGgo"/><td>rows</td>'
    assert english(html_text(html)) == ["rows"]
    source = 'ax.set_xlabel("epoch")\nax.plot(x, y, label=f"lr {lr}")\nax.set_title("学习率")'
    assert figure_labels(source) == ["epoch", "lr ", "学习率"]


def test_the_scan_finds_half_width_punctuation_beside_chinese():
    assert half_width("从   20000 K 开始：DivergedError: 训练发散：第 1 个迭代周期")
    assert half_width("学习率 0.3, 各迭代周期的损失 0.1") and half_width("损失; 0.1")
    assert not half_width("从   20000 K 开始：抛出 DivergedError，训练发散：第 1 个迭代周期")
    assert not half_width("学习率  0.03：各迭代周期的损失 0.0392, 0.000145, 4.65e-05")
    assert not half_width("t = -0.001: d|t|/dt = -1, d²|t|/dt² = 0")
    assert not half_width("w的估计误差: tensor([ 0.0003, -0.0004])")  # d2l-zh's own line
    assert half_width("损失的估计误差: 0.1")  # only the book's two lines
