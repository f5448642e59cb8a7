"""`linscratch sweep`: each run judged converged, converging or diverged; its training time
alone; the figure's keys, its one-dimensional panels and its Chinese."""

import time
import warnings

import numpy as np
import pytest

from linscratch import i18n
from linscratch.exact.verdicts import judge, spread, still_falling


def sweep_runs(cli, *args):
    run = cli("sweep", *args, "--seed", "1", "--jobs", "1", "--json")
    assert run.code == 0, run.err
    return {(r["lr"], r["batch_size"]): r for r in run.json["runs"]}


def test_known_cases_are_judged_right(cli):
    """A tiny rate after one epoch has not converged; the book's settings have; a rate above
    2/λ_max (≈ 1.78 here) diverges, stopped or not."""
    tiny = sweep_runs(cli, "--lr", "0.001", "--batch-size", "10", "--epochs", "1")
    (r,) = tiny.values()
    assert r["verdict"] == "converging" and r["final_loss"] > 1000 * r["ols_loss"]
    runs = sweep_runs(cli, "--lr", "0.03,3", "--batch-size", "10,1000")
    book, stopped, growing = runs[0.03, 10], runs[3, 10], runs[3, 1000]
    assert book["verdict"] == "converged" and book["loss_gap"] < 0.1
    assert stopped["verdict"] == "diverged" and stopped["diverged"]
    # full-batch steps past the limit: the loss grows (×~5 an epoch) but is not yet stopped
    assert growing["verdict"] == "diverged" and not growing["diverged"]
    assert growing["epochs"][-1]["loss"] > growing["epochs"][0]["loss"] > 0
    assert runs[0.03, 1000]["verdict"] == "converging"  # 3 full-batch steps of 0.03: far off
    # the exact answer does not depend on SGD: a diverged pair has it too (it was null)
    assert stopped["ols_loss"] == book["ols_loss"] > 0
    for r in runs.values():  # the keys kept, the new ones added
        assert set(r) >= {
            "lr",
            "batch_size",
            "epochs",
            "final_loss",
            "diverged",
            "diverged_at",
            "unstable",
            "loss_gap",
            "lr_max",
            "seconds",
            "verdict",
            "ols_loss",
        }


def test_the_rule_against_hand_computed_cases():
    exact = 5e-5
    assert judge([1.0, 1.09 * exact], exact, 0.03, 1.78, False) == "converged"
    assert judge([1.0, 1.11 * exact], exact, 0.03, 1.78, False) == "converging"
    assert judge([1.0, exact], exact, 1.79, 1.78, False) == "diverged"  # above the limit
    assert judge([], None, 0.5, 1.78, True) == "diverged"
    # data without noise: L* at rounding level, SGD's float32 floor a thousand times higher
    assert judge([2.2e-11], 1.8e-14, 0.03, 1.78, False, spread=17.0) == "converged"
    assert judge([2e-7], 1.8e-14, 0.03, 1.78, False, spread=17.0) == "converging"
    assert still_falling([3.0, 2.0]) is True and still_falling([2.0, 3.0]) is False
    assert still_falling([1.0]) is None


def test_spread_is_half_the_variance():
    y = np.random.default_rng(0).normal(3, 2, 1000)
    assert spread(y, chunk=7) == pytest.approx(np.var(y) / 2, rel=1e-12)


def test_seconds_are_the_training_alone(cli, monkeypatch):
    """Start-up before training (here a 2 s pause before each run) is not counted."""
    import linscratch.train.runs

    real = linscratch.train.runs.execute

    def slow(*args, **kwargs):
        time.sleep(2)
        return real(*args, **kwargs)

    monkeypatch.setattr(linscratch.train.runs, "execute", slow)
    runs = sweep_runs(cli, "--lr", "0.03,3", "--batch-size", "10")
    assert all(0 < r["seconds"] < 1.5 for r in runs.values()), runs


def fake_runs(lrs, batch_sizes, lr_max=1.78, exact=5e-5):
    """Run entries as `sweep` makes them: losses halve each epoch toward `exact`; a rate past
    `lr_max` diverges in epoch 2 with a loss that grew."""
    runs = []
    for lr in lrs:
        for b in batch_sizes:
            over = lr > lr_max
            losses = [1.0] if over else [exact * (1 + 10 / (lr * k)) for k in (1, 4, 16)]
            runs.append(
                {
                    "lr": lr,
                    "batch_size": b,
                    "diverged": over,
                    "lr_max": lr_max,
                    "diverged_at": {"epoch": 2, "step": 5, "loss": 1e12} if over else None,
                    "epochs": [{"epoch": i, "loss": x} for i, x in enumerate(losses, 1)],
                    "final_loss": None if over else losses[-1],
                    "ols_loss": None if over else exact,
                    "verdict": "diverged" if over else "converging",
                    "unstable": over,
                }
            )
    return runs


def lines_at(ax, x):
    return [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [x, x]]


def test_a_learning_rate_sweep_draws_final_loss_against_the_rate_with_the_limit():
    from linscratch.show.sweep_plot import sweep_figure

    lrs = [0.01, 0.1, 1, 3]
    fig = sweep_figure(fake_runs(lrs, [10]), lrs, [10])
    curves, final = fig.axes[:2]
    assert final.get_xscale() == "log" and final.get_yscale() == "log"
    assert final.get_xlabel().startswith("learning rate") and not final.images
    assert lines_at(final, 1.78), "the stability limit 2/λ_max as a vertical line"
    # the diverged run on the curves: up to its last finite loss, marked there with an ×
    marks = [ln for ln in curves.get_lines() if ln.get_marker() == "x"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [2]
    from matplotlib.legend import Legend

    titles = [legend.get_title().get_text() for legend in curves.findobj(Legend)]
    assert "learning rate" in titles and "batch size" in titles


def test_a_batch_size_sweep_draws_final_loss_against_the_batch_size():
    from linscratch.show.sweep_plot import sweep_figure

    fig = sweep_figure(fake_runs([0.3], [1, 10, 100]), [0.3], [1, 10, 100])
    final = fig.axes[1]
    assert final.get_xlabel().startswith("batch size") and final.get_xscale() == "log"
    assert not lines_at(final, 1.78) and not final.images
    two_d = sweep_figure(fake_runs([0.1, 3], [1, 10]), [0.1, 3], [1, 10])
    assert two_d.axes[1].images  # several rates and batch sizes: the heatmap


def test_the_table_and_figure_speak_chinese(cli, tmp_path):
    from linscratch.cli.sweep_report import sweep_text
    from linscratch.show.fonts import cjk_font, figure_text
    from linscratch.show.sweep_plot import sweep_figure

    runs = fake_runs([0.01, 3], [10])
    runs[0]["verdict"], runs[0]["loss_gap"], runs[0]["seconds"] = "converged", 0.01, 0.1
    runs[1]["loss_gap"], runs[1]["seconds"] = None, 0.1
    i18n.set_language("zh")
    try:
        text = sweep_text(runs, 1, 1.0, 1, False)
        assert "已收敛" in text and "发散" in text and "converged" not in text
        if cjk_font() is None:
            pytest.skip("no CJK font on this machine")
        with warnings.catch_warnings(record=True) as caught, figure_text():
            warnings.simplefilter("always")
            fig = sweep_figure(runs, [0.01, 3], [10])
            fig.savefig(tmp_path / "zh.png")
        assert not [w for w in caught if "missing from" in str(w.message)]
        assert fig.axes[0].get_xlabel() == "迭代周期"
    finally:
        i18n.set_language("en")
