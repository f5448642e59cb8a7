"""The Chinese notebooks' library calls speak Chinese throughout: the calls that
docs/notebooks/*.zh.ipynb make (fit with its live plot and its Result, check_gradients,
explain, fit_model, a diverged run), made here under `set_language("zh")`, and every text they
show (plain text, HTML, the figure's and the live plot's labels and keys) scanned for English
words outside code, units and names."""

from __future__ import annotations

import re

import pytest
import torch
from matplotlib.text import Text

import linscratch
from linscratch import i18n
from linscratch.book.data import SEED_BATCH_B, SEED_BATCH_W, seed_batch
from linscratch.show import live as live_module
from linscratch.show import svg
from linscratch.show.live import LivePlot

# Names, not English prose: the engines, dtypes, the library's own names and Python's.
NAMES = {"autograd", "analytic", "compiled", "float32", "float64", "SGD", "linscratch", "Result",
         "GradCheck", "ModelResult", "tensor", "torch", "RMSE", "lr", "DivergedError"}  # fmt: skip
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")


def english(text: str) -> list[str]:
    """Latin words of three letters or more in `text`, outside HTML tags, data URIs, formulas'
    mathtext and the names above."""
    text = re.sub(r"<img[^>]*>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    return [w for w in LATIN.findall(text) if w not in NAMES and "_" not in w]  # x_i1: a symbol


@pytest.fixture
def zh():
    i18n.set_language("zh")
    try:
        yield
    finally:
        i18n.set_language("en")


def book_data():
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    g = torch.Generator().manual_seed(0)
    return (*linscratch.synthetic_data(true_w, true_b, 1000, generator=g), true_w, true_b)


def test_a_result_speaks_chinese_as_text_html_and_figure(zh, monkeypatch):
    features, labels, true_w, true_b = book_data()
    monkeypatch.setattr(live_module, "in_notebook", lambda: True)  # as in Jupyter
    live = LivePlot(true_w.numpy(), true_b)
    live.draw = lambda: None  # nothing to display here: the panels are read below
    result = linscratch.fit(
        features, labels, num_epochs=3, seed=0, true_w=true_w, true_b=true_b, subscribers=[live]
    )
    for text in (repr(result), str(result), result._repr_html_()):
        assert re.search("[\u4e00-\u9fff]", text) and not english(text), english(text)
    figure = result.plot()
    texts = [t.get_text() for t in figure.findobj(Text)]
    assert any(re.search("[\u4e00-\u9fff]", t) for t in texts)
    assert not [w for t in texts for w in english(t)]
    drawn = svg.figure(live.panels())
    assert re.search("[\u4e00-\u9fff]", drawn) and not english(re.sub(r"<[^>]+>", " ", drawn))


def test_a_gradient_check_and_its_walk_through_speak_chinese(zh):
    X, y = seed_batch()
    w = torch.tensor(SEED_BATCH_W, dtype=torch.float64).reshape(2, 1)
    b = torch.tensor([SEED_BATCH_B], dtype=torch.float64)
    check = linscratch.check_gradients(X, y, w, b)
    for text in (repr(check), check._repr_html_(), linscratch.explain(check, 0.03)):
        assert not english(text), text
    assert "；" in check._repr_html_() and "; " not in check._repr_html_()


def test_fit_model_and_a_diverged_run_speak_chinese(zh):
    g = torch.Generator().manual_seed(1)
    current = 2 * torch.rand(200, 1, generator=g, dtype=torch.float64)
    voltage = 5.0 * current

    def ohm(current, R):
        return current * R

    start = torch.zeros(1, dtype=torch.float64)
    ohm_fit = linscratch.fit_model(ohm, [start], current, voltage, lr=0.03, num_epochs=3, seed=0)
    assert not english(repr(ohm_fit)), repr(ohm_fit)
    features, labels, *_ = book_data()
    with pytest.raises(linscratch.DivergedError) as error:
        linscratch.fit(features, labels, lr=2.5, num_epochs=3, seed=0)
    assert not english(str(error.value)), str(error.value)


def test_the_scan_finds_english():
    assert english("Result(engine autograd, 3 epochs x 1,000 rows)") == ["engine", "epochs", "rows"]
    assert not english("Result(引擎 autograd，3 个迭代周期，<b>w</b> $10^{-2}$)")
