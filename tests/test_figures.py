"""Figures a reader can read: a file's coefficients drawn in the units the report prints (an
independent least-squares fit as the reference), many features with the smallest counted in
the key and none hidden silently, the sweep's colours told apart (also by a reader with
deuteranopia), its markers and end labels not on top of each other, "½" drawn the same in
every CJK font installed, and the Chinese figures' texts in Chinese."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from linscratch import i18n
from linscratch.show import fonts
from linscratch.show.fonts import figure_text
from linscratch.show.plots import training_figure
from linscratch.show.sweep_plot import MARKERS, PALETTE, sweep_figure
from linscratch.spec import RunSpec
from linscratch.train import sources
from linscratch.train.runs import execute

NAMES = ["age", "income", "height", "weight", "score", "rooms", "area", "floors", "garage",
         "distance", "views", "noise"]  # fmt: skip


def file_run(tmp_path, d=12, lang="en"):
    """A standardized run on a file of d features of very different scales; (run, X, y)."""
    rng = np.random.default_rng(0)
    scale = np.array([10, 1000, 0.1, 5, 1, 2, 50, 1, 0.5, 3, 7, 2])[:d]
    X = rng.normal(size=(400, d)) * scale + 5
    w = np.array([0.5, 0.002, 30, -0.8, 5, -4, 0.1, 12, -0.001, -2, 0.3, 0.0])[:d]
    y = X @ w + 7 + rng.normal(0, 1, 400)
    path = tmp_path / "d.csv"
    header = ",".join([*NAMES[:d], "y"])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="")
    spec = RunSpec.build(data=str(path), target="y", standardize=True, num_epochs=4, seed=1)
    dataset = sources.load(spec.data, spec.seed)
    run = execute(spec, dataset, trace=True)
    with i18n.speaking(lang), figure_text():
        fig = training_figure(run, dataset.X, dataset.y)
        FigureCanvasAgg(fig).draw()
    return run, X, y, fig


def test_the_coefficients_panel_is_in_the_reports_units(tmp_path):
    run, X, y, fig = file_run(tmp_path)
    ax = fig.axes[2]
    reference = np.linalg.lstsq(np.c_[X, np.ones(len(y))], y, rcond=None)[0]  # (d + 1,)
    rings, dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    names = [*NAMES, "b"]
    shown = [names.index(label) for label in labels if label in names]
    np.testing.assert_allclose(rings.get_offsets()[:, 0], reference[shown], rtol=1e-9)
    sgd = np.r_[run.result.w, run.result.b]
    np.testing.assert_allclose(dots.get_offsets()[:, 0], sgd[shown], rtol=1e-12)
    # the largest |w| first, b last; the two smallest counted, by name, in the last row
    order = np.argsort(-np.abs(reference[:-1]))
    assert shown == [*order[:11].tolist(), 12]
    assert labels[-1] == "+1 more (smallest |w|): " + NAMES[order[-1]]


def test_many_features_name_the_hidden_in_the_key(tmp_path):
    _, X, y, fig = file_run(tmp_path)
    ax = fig.axes[1]
    keys = [t.get_text() for t in ax.get_legend().get_texts()]
    sd_y = y.std()
    exact = np.linalg.lstsq(np.c_[X, np.ones(len(y))], y, rcond=None)[0][:-1]
    standard = np.abs(exact * X.std(axis=0) / sd_y)  # each weight standardized
    hidden = [NAMES[j] for j in np.argsort(-standard)[9:]]
    assert keys[-1] == f"+{len(hidden)} more (smallest |w|): " + ", ".join(
        h for h in NAMES if h in hidden
    )
    assert set(keys[:-1]) | set(hidden) == {*NAMES, "b"}  # every parameter is in the key


def lab(hexes, deuteranopia=False) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB colours, (k, 3); with Machado et al.'s (2009) deuteranopia
    matrix applied in linear RGB first."""
    rgb = np.array([to_rgb(h) for h in hexes])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if deuteranopia:
        m = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
             [-0.011820, 0.042940, 0.968881]]  # fmt: skip
        linear = np.clip(linear @ np.array(m).T, 0, 1)
    xyz = (
        linear
        @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    )
    t = xyz / [0.95047, 1.0, 1.08883]
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.c_[116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]


def sweep_runs(lrs, batch_sizes, diverge_at=()):
    runs = []
    for i, lr in enumerate(lrs):
        for j, bs in enumerate(batch_sizes):
            losses = [10.0 * 0.5 ** (k * (i + 1)) + 1e-4 * (1 + 0.01 * j) for k in range(5)]
            diverged = lr in diverge_at
            runs.append({
                "lr": lr, "batch_size": bs, "verdict": "diverged" if diverged else "converged",
                "epochs": [{"epoch": k + 1, "loss": v} for k, v in enumerate(losses[:2])]
                if diverged else [{"epoch": k + 1, "loss": v} for k, v in enumerate(losses)],
                "diverged_at": {"epoch": 3, "loss": None} if diverged else None,
                "ols_loss": 1e-4, "final_loss": None if diverged else losses[-1],
                "lr_max": 1.0, "unstable": False,
            })  # fmt: skip
    return runs


def test_the_sweep_palette_tells_neighbours_apart_also_with_deuteranopia():
    lrs = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3]
    fig = sweep_figure(sweep_runs(lrs, [10]), lrs, [10])
    colours = []
    for line in fig.axes[0].get_lines():
        colour = line.get_color()
        if line.get_marker() in MARKERS and colour not in colours:  # the runs' curves
            colours.append(colour)
    assert colours == PALETTE[: len(lrs)]
    for blind in (False, True):
        points = lab(colours, blind)
        neighbours = np.linalg.norm(np.diff(points, axis=0), axis=1)
        assert neighbours.min() > 20, (blind, neighbours)


def test_sweep_markers_differ_and_crosses_and_labels_do_not_overlap():
    lrs, sizes = [0.01, 0.03, 1, 3], [10, 100]
    runs = sweep_runs(lrs, sizes, diverge_at=(1, 3))
    fig = sweep_figure(runs, lrs, sizes)
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    curves = [line for line in ax.get_lines() if line.get_marker() in MARKERS]
    by_size = {}
    for line, run in zip(curves, runs, strict=True):
        by_size.setdefault(run["batch_size"], set()).add(line.get_marker())
    assert all(len(m) == 1 for m in by_size.values()) and len(set.union(*by_size.values())) == 2
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(crosses) == 4  # each diverged run marked once
    where = [tuple(np.round(c.get_transform().transform(c.get_xydata())[0])) for c in crosses]
    assert len(set(where)) == len(where)  # side by side, not on top of each other
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text()]
    assert sorted(t.get_text() for t in labels) == sorted(
        f"lr {r['lr']:g}, batch {r['batch_size']}" for r in runs if r["verdict"] != "diverged"
    )
    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # the words, not the stroke
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert not boxes[a].overlaps(boxes[b]), (labels[a].get_text(), labels[b].get_text())


def rendered(text: str, family) -> np.ndarray:
    fig = Figure(figsize=(1, 0.5), dpi=100)
    fig.text(0.1, 0.2, text, fontsize=20, family=family)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def installed_cjk_fonts() -> list[str]:
    fonts.cjk_font()  # adds the system's CJK files matplotlib had not listed
    have = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in fonts.CJK_FONTS if name in have]


def test_half_is_drawn_the_same_in_every_cjk_font():
    found = installed_cjk_fonts()
    if not found:
        pytest.skip("no CJK font installed (fonts-noto-cjk): nothing to compare")
    plain = rendered("½(ŷ − y)²", ["DejaVu Sans"])
    for font in found:
        assert (rendered("½(ŷ − y)²", fonts.family(font)) == plain).all(), font
        chinese = rendered("平均损失", [font])
        assert (rendered("平均损失", fonts.family(font)) == chinese).all(), font


LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
KEPT = {"SGD", "linscratch", "autograd", "compiled", "analytic", "RMSE", *NAMES, "price"}


def chinese_texts(fig) -> list[str]:
    """The words of the figure's texts that are English: Latin words of three letters or more
    outside names (columns, engines, SGD), numbers and formulas."""
    words = []
    for text in fig.findobj(Text):
        shown = re.sub(r"\$[^$]*\$", "", text.get_text())  # a tick's mathtext: a number
        words += [w for w in LATIN_WORD.findall(shown) if w not in KEPT]
    return words


def test_the_figures_speak_chinese(tmp_path):
    if not installed_cjk_fonts():
        pytest.skip("no CJK font installed: the figures fall back to English, by design")
    *_, fig = file_run(tmp_path, lang="zh")
    assert not chinese_texts(fig)
    lrs, sizes = [0.01, 0.03, 3], [10, 100]
    with i18n.speaking("zh"), figure_text():
        sweep = sweep_figure(sweep_runs(lrs, sizes, diverge_at=(3,)), lrs, sizes)
        FigureCanvasAgg(sweep).draw()
    assert not chinese_texts(sweep)
