"""Reports: what `train` and `sweep` print, as text in English or Chinese, or as one JSON object
whose keys are an interface. They read a finished `runs.Run` and never change it."""

from __future__ import annotations

import json
import math
import sys

from .. import __version__
from ..events import EpochEnd, RunStart, Subscriber

LABELS = {
    "en": {
        "w_error": "error in estimating w",
        "b_error": "error in estimating b",
        "params": "learned: w = {w}, b = {b}",
        "ols": "exact least squares: loss {loss:.6g}, R² {r2}; {comparison}, "
        "largest coefficient difference {diff:.3g} ({name})",
        "gap": "SGD's loss is {gap} above it",
        "exact": "it fits every row exactly",
        "validation": "validation ({rows} rows): loss {loss:.6g}, R² {r2} "
        "(least squares: {ols:.6g})",
        "summary": "{epochs} epoch(s) x {n:,} examples in {secs:.3f} s ({sps:,.0f} samples/s), "
        "engine {engine}, {dtype}, seed {seed}",
        "drawn": " (drawn; repeat with --seed {seed})",
        "saved": "model saved to {path}",
        "plotted": "plot written to {path}",
    },
    "zh": {
        "w_error": "w的估计误差",
        "b_error": "b的估计误差",
        "params": "学到的参数：w = {w}，b = {b}",
        "ols": "精确最小二乘解：损失 {loss:.6g}，R² {r2}；{comparison}，"
        "系数最大差异 {diff:.3g}（{name}）",
        "gap": "SGD 的损失比它高 {gap}",
        "exact": "它精确拟合每一行",
        "validation": "验证集（{rows} 行）：损失 {loss:.6g}，R² {r2}（最小二乘：{ols:.6g}）",
        "summary": "{epochs} 轮 x {n:,} 个样本，用时 {secs:.3f} 秒（每秒 {sps:,.0f} 个样本），"
        "引擎 {engine}，{dtype}，随机种子 {seed}",
        "drawn": "（随机抽取；用 --seed {seed} 可重现）",
        "saved": "模型已保存到 {path}",
        "plotted": "图已保存到 {path}",
    },
}


def _finite(value):
    """The value with every non-finite float (an infinite condition number, say) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dumps(report: dict) -> str:
    """A command's --json object: strict JSON, non-finite numbers written as null."""
    return json.dumps(_finite(report), allow_nan=False)


def gap_text(gap: float | None) -> str:
    """SGD's loss against OLS's: a percentage, or a multiple once it is large."""
    if gap is None:
        return "n/a"
    return f"{gap:+.2%}" if gap < 10 else f"{1 + gap:.3g}x"


def train_json(run, source: dict, seed_drawn: bool) -> dict:
    """The --json object of `train`: inputs, results at full precision, timings."""
    result, spec = run.result, run.spec
    out = {
        "command": "train",
        "version": __version__,
        "seed": result.seed,
        "seed_drawn": seed_drawn,
        "config": spec.to_dict(),
        "data": {**source, "features": run.feature_names, "target": run.target_name},
        "epochs": [{"epoch": i, "loss": loss} for i, loss in enumerate(result.losses, 1)],
        "loss": result.loss,
        "w": result.w,
        "b": result.b,
        "r2": run.r2,
        "ols": run.ols.to_dict(),
        "loss_gap": run.loss_gap,
        "coef_diff": run.coef_diff,
        "validation": run.validation,
        "stability": run.stability,
        "standardization": None if run.standardizer is None else run.standardizer.to_dict(),
        "engine": result.engine,
        "shuffle": result.shuffle,
        "train_seconds": result.train_seconds,
        "compile_seconds": result.compile_seconds,
        "samples_per_second": result.samples_per_second,
    }
    if result.w_error is not None:
        out.update(
            true_w=list(spec.data.true_w),
            true_b=spec.data.true_b,
            w_error=result.w_error,
            b_error=result.b_error,
        )
    if result.check_grad is not None:
        out["check_grad"] = result.check_grad
    if spec.outputs.save is not None:
        out["model"] = spec.outputs.save
    if spec.outputs.plot is not None:
        out["plot"] = spec.outputs.plot
    return out


def _vec(values) -> str:
    return "[" + ", ".join(f"{v:.6g}" for v in values) + "]"


def _r2(value) -> str:
    return "n/a" if value is None else f"{value:.6f}"


def shown_epoch(epoch: int, epochs: int) -> bool:
    """Every epoch up to 20, as the book prints them; beyond, the first, the last and ten more."""
    return epochs <= 20 or epoch in (1, epochs) or epoch % -(-epochs // 10) == 0


def epoch_line(epoch: int, loss: float) -> str:
    """An epoch's line, as the book prints it (in the Chinese edition too)."""
    return f"epoch {epoch}, loss {loss:f}"


class EpochLines(Subscriber):
    """Prints the epoch lines of `train_text` as the epochs end, each flushed at once (a pipe
    or a file has it while the run goes on); the report's other lines follow at the end,
    `train_text(..., epochs=False)`. A resumed run's earlier epochs print as it starts."""

    def __init__(self, file=None):
        self.file, self.epochs = file, 0

    def run_start(self, event: RunStart) -> None:
        self.epochs = event.num_epochs
        for epoch, loss in enumerate(event.losses, 1):
            self._print(epoch, loss)

    def epoch_end(self, event: EpochEnd) -> None:
        self._print(event.epoch, event.loss)

    def _print(self, epoch: int, loss: float) -> None:
        if shown_epoch(epoch, self.epochs):
            print(epoch_line(epoch, loss), file=self.file or sys.stdout, flush=True)


def train_text(run, seed_drawn: bool, lang: str = "en", epochs: bool = True) -> str:
    """The text of `train`: the epoch lines as the book prints them (left out without
    `epochs`: `EpochLines` printed them as they ended), then the estimation errors
    (synthetic data) or the learned parameters, the exact answer, the summary."""
    import numpy as np

    t, result, outputs = LABELS[lang], run.result, run.spec.outputs
    losses = result.losses if epochs else []
    lines = [epoch_line(i, loss) for i, loss in enumerate(losses, 1) if shown_epoch(i, len(losses))]
    if result.w_error is not None:  # as the book prints them: torch tensors in the run's dtype
        import torch

        from ..results import torch_dtype

        tdtype = torch_dtype(result.dtype)
        lines.append(f"{t['w_error']}: {torch.tensor(result.w_error, dtype=tdtype)}")
        lines.append(f"{t['b_error']}: {torch.tensor([result.b_error], dtype=tdtype)}")
    else:
        lines.append(t["params"].format(w=_vec(result.w), b=f"{result.b:.6g}"))
    diffs = np.abs(np.r_[run.coef_diff["w"], run.coef_diff["b"]])
    names = [*run.feature_names, "b"]
    comparison = t["exact"] if run.loss_gap is None else t["gap"].format(gap=gap_text(run.loss_gap))
    lines.append(
        t["ols"].format(
            loss=run.ols.loss,
            r2=_r2(run.ols.r2),
            comparison=comparison,
            diff=float(diffs.max()),
            name=names[int(diffs.argmax())],
        )
    )
    if run.validation is not None:
        v = run.validation
        lines.append(
            t["validation"].format(
                rows=v["rows"], loss=v["loss"], r2=_r2(v["r2"]), ols=v["ols_loss"]
            )
        )
    summary = t["summary"].format(
        epochs=run.spec.optim.num_epochs,
        n=result.num_examples,
        secs=result.train_seconds,
        sps=result.samples_per_second,
        engine=result.engine,
        dtype=result.dtype,
        seed=result.seed,
    )
    lines.append(summary + (t["drawn"].format(seed=result.seed) if seed_drawn else ""))
    check = result.check_grad
    if check is not None:
        lines.append(
            f"gradient check, analytic vs autograd on {check['batches']} batches: "
            f"max abs diff {check['max_abs_diff']:.3g}, max rel diff {check['max_rel_diff']:.3g} "
            f"(tolerance {check['tolerance']:.0e}): {'ok' if check['passed'] else 'FAILED'}"
        )
    if outputs.plot is not None:
        lines.append(t["plotted"].format(path=outputs.plot))
    if outputs.save is not None:
        lines.append(t["saved"].format(path=outputs.save))
    return "\n".join(lines)


def sweep_json(spec, lrs, batch_sizes, jobs: int, seconds: float, runs: list[dict]) -> dict:
    """The --json object of `sweep`: the settings and one entry per (lr, batch size)."""
    config = {**spec.to_dict(), "lr": lrs, "batch_size": batch_sizes, "jobs": jobs}
    return {
        "command": "sweep",
        "version": __version__,
        "seed": spec.seed,
        "config": config,
        "jobs": jobs,
        "seconds": seconds,
        "runs": runs,
    }


def sweep_text(runs: list[dict], jobs: int, seconds: float, seed: int, seed_drawn: bool) -> str:
    """The table of `sweep`: each pair's final loss, its gap to OLS, its time and verdict."""
    lines = [f"{'lr':>10} {'batch':>6} {'final loss':>12} {'vs OLS':>9} {'seconds':>8}  result"]
    for r in runs:
        limit = f"2/λ_max = {r['lr_max']:.3g}" if r["lr_max"] is not None else ""
        if r["diverged"]:
            at = r["diverged_at"]
            loss, gap = "—", "—"
            verdict = f"diverged at epoch {at['epoch']}, step {at['step']} ({limit})"
        else:
            loss, gap = f"{r['final_loss']:.6g}", gap_text(r["loss_gap"])
            verdict = f"growing: lr above {limit}" if r["unstable"] else "ok"
        lines.append(
            f"{r['lr']:>10g} {r['batch_size']:>6} {loss:>12} {gap:>9} {r['seconds']:>8.2f}  "
            f"{verdict}"
        )
    drawn = f" (drawn; repeat with --seed {seed})" if seed_drawn else ""
    lines.append(f"{len(runs)} runs in {seconds:.2f} s on {jobs} process(es), seed {seed}{drawn}")
    return "\n".join(lines)
