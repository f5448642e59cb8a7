"""What a learner meets in a notebook: short reprs, a rich view, the book's tensors, the
walk-through, and a live plot that draws in Jupyter and stays silent elsewhere."""

import xml.etree.ElementTree as ET

import numpy as np
import torch

import linscratch
from linscratch.book.data import SEED_BATCH_B, SEED_BATCH_W, seed_batch
from linscratch.show import live


def book_run(**settings):
    g = torch.Generator().manual_seed(0)
    true_w = torch.tensor([2.0, -3.4])
    X, y = linscratch.synthetic_data(true_w, 4.2, 1000, 0.01, g)
    result = linscratch.fit(X, y, seed=0, true_w=true_w, true_b=4.2, **settings)
    return result, true_w


def test_result_repr_is_one_short_line_whatever_the_run():
    result, _ = book_run(num_epochs=40)
    text = repr(result)
    assert "\n" not in text and len(text) < 160
    assert "40 epochs" in text and f"{result.loss:.6g}" in text and "autograd" in text


def test_result_html_shows_parameters_truth_and_errors():
    result, _ = book_run()
    html = result._repr_html_()
    assert "<table>" in html and "true − learned" in html
    assert f"{result.w_error[0]:.3g}" in html and f"{result.b:.6g}" in html


def test_the_books_lines_work_on_the_learned_tensors():
    result, true_w = book_run()
    w, b = result.tensors()
    assert w.shape == (2, 1) and b.shape == (1,) and w.dtype == torch.float32
    error = true_w - w.reshape(true_w.shape)  # the book's line
    assert error.tolist() == result.w_error
    assert float(4.2 - b[0]) == result.b_error


def test_grad_check_repr_and_the_walk_through():
    X, y = seed_batch()
    w = torch.tensor(SEED_BATCH_W, dtype=torch.float64).reshape(-1, 1)
    b = torch.tensor([SEED_BATCH_B], dtype=torch.float64)
    check = linscratch.check_gradients(X, y, w, b)
    text = repr(check)
    assert "\n" not in text and "[-9, 65.4477]" in text and "-40.9567" in text and "agree" in text
    assert "<table>" in check._repr_html_() and "finite difference" in check._repr_html_()
    walk = linscratch.explain(check, 0.03)
    assert walk.startswith("Gradients of L") and "Step 6." in walk


class Handle:
    """A stand-in for IPython's display handle: it keeps the drawings it was asked to show."""

    def __init__(self, drawing):
        self.drawings, self.updates = [drawing], 0

    def update(self, drawing):
        self.drawings.append(drawing)
        self.updates += 1


def test_live_plot_draws_in_a_notebook(monkeypatch):
    handles = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "show", lambda svg: handles.append(Handle(svg)) or handles[-1])
    plot = live.LivePlot(true_w=[2.0, -3.4], true_b=4.2, interval=0.0, share=1.0)
    result, _ = book_run(num_epochs=4, subscribers=[plot])
    (handle,) = handles
    assert (
        handle.updates == 4
    )  # shown after the first epoch, then updated after each, and at the end
    losses, params = plot.panels()
    steps, epochs = losses.lines
    np.testing.assert_array_equal(epochs.y[1:], result.losses)
    assert len(steps.x) == 4 * 100  # every step of 4 epochs
    assert [line.label for line in params.lines[::2]] == ["w1", "w2", "b"]
    np.testing.assert_array_equal([line.y[0] for line in params.lines[1::2]], [2.0, -3.4, 4.2])
    drawing = ET.fromstring(handle.drawings[-1])  # well-formed SVG
    polylines = drawing.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(polylines) == 2 + 6  # two losses; three parameters and their truths
    assert len(polylines[0].get("points").split()) == 400


def test_live_plot_speaks_chinese(monkeypatch):
    handles = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "show", lambda svg: handles.append(Handle(svg)) or handles[-1])
    linscratch.set_language("zh")
    try:
        book_run(live=True)
    finally:
        linscratch.set_language("en")
    assert "迭代周期" in handles[0].drawings[-1] and "小批量" in handles[0].drawings[-1]


def test_live_plot_redraws_at_most_once_per_interval(monkeypatch):
    handles = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "show", lambda svg: handles.append(Handle(svg)) or handles[-1])
    book_run(num_epochs=20, subscribers=[live.LivePlot(interval=3600.0)])
    (handle,) = handles
    assert handle.updates == 0  # a run shorter than the interval is drawn once, at its end


def test_live_is_one_argument_and_silent_outside_a_notebook(monkeypatch):
    shown = []
    monkeypatch.setattr(live, "show", shown.append)
    plain, _ = book_run()
    live_run, _ = book_run(live=True)
    assert shown == [] and live_run.losses == plain.losses and live_run.w == plain.w


def test_result_plot_draws_from_the_result_alone():
    result, true_w = book_run(num_epochs=4)
    assert result.path.shape == (5, 3)
    np.testing.assert_array_equal(result.path[-1], [*result.w, result.b])
    two = result.plot()
    assert len(two.axes) == 2
    np.testing.assert_array_equal(two.axes[0].lines[0].get_ydata(), result.losses)
    truth = [line.get_ydata()[0] for line in two.axes[1].lines[1::2]]  # the dashed lines
    np.testing.assert_allclose(truth, [2.0, -3.4, 4.2], rtol=1e-6)
    g = torch.Generator().manual_seed(0)
    X, y = linscratch.synthetic_data(true_w, 4.2, 1000, 0.01, g)
    assert len(result.plot(X, y).axes) == 3
    assert '<img src="data:image/png;base64,' in result._repr_html_()


def test_a_file_run_s_result_carries_its_names_and_its_path_in_original_units():
    from linscratch import datasets
    from linscratch.spec import RunSpec
    from linscratch.train import runs, sources

    spec = RunSpec.build(dataset="longley", standardize=True, lr=0.3, batch_size=16, seed=1)
    spec = spec.with_seed(1)
    run = runs.execute(spec, sources.load(spec.data, 1))
    assert run.result.feature_names == run.feature_names and "GNP" in run.feature_names
    np.testing.assert_allclose(run.result.path[-1], [*run.result.w, run.result.b], rtol=1e-9)
    assert datasets.target("longley") == run.target_name


def test_live_plot_spends_at_most_its_share_of_a_run_drawing(monkeypatch):
    """With redraws that cost 50 ms and a share of a fifth, redraws start 0.25 s apart."""
    clock = [0.0]
    drawn = []

    class SlowHandle(Handle):
        def update(self, drawing):
            drawn.append(clock[0])
            clock[0] += 0.05  # the redraw's cost

    def show(drawing):
        handle = SlowHandle(drawing)
        handle.update(drawing)
        return handle

    monkeypatch.setattr(live.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "show", show)
    plot = live.LivePlot(interval=0.0, share=0.2)
    plot.run_start(live.RunStart(None, 10, 1, 1, 1, 100, np.zeros(1), 0.0))
    for epoch in range(1, 101):
        clock[0] += 0.01  # an epoch of training
        plot.epoch_end(live.EpochEnd(epoch, 1.0 / epoch, np.zeros(1), 0.0))
    gaps = np.diff(drawn)
    assert len(drawn) > 3 and (gaps >= 0.25 - 1e-9).all()
    assert sum(0.05 for _ in drawn) <= 0.2 * clock[0] + 0.05  # a fifth of the time, or one draw
