"""`linscratch train`: the book's experiment by default, or a data file; SGD beside the exact
least-squares answer; optionally a saved model."""

from __future__ import annotations

import sys

from .. import __version__
from ..errors import UsageError
from . import dumps, settings

SYNTHETIC_FLAGS = {
    "num_examples": "--num-examples",
    "num_features": "--num-features",
    "true_w": "--true-w",
    "true_b": "--true-b",
    "noise": "--noise",
}

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


def _check_flags(args) -> None:
    from_file = args.data is not None or args.dataset is not None
    if args.data is not None and args.dataset is not None:
        raise UsageError("--data and --dataset: give one of them")
    if from_file:
        for attr, flag in SYNTHETIC_FLAGS.items():
            if getattr(args, attr) is not None:
                raise UsageError(f"{flag} applies to synthetic data, not to --data/--dataset")
    else:
        for attr, flag in (("target", "--target"), ("features", "--features")):
            if getattr(args, attr) is not None:
                raise UsageError(f"{flag} applies to --data or --dataset")
    if getattr(args, "check_grad", False) and args.engine not in ("auto", "autograd"):
        raise UsageError("--check-grad compares with autograd: use it with --engine autograd")
    if args.device != "cpu":
        import torch

        if not torch.cuda.is_available():
            raise UsageError(f"--device {args.device}: no CUDA device is available here")
        if args.engine not in ("auto", "analytic"):
            raise UsageError(f"--device {args.device} needs --engine analytic (or auto)")
    if getattr(args, "save", None) is not None and not args.force:
        from pathlib import Path

        if Path(args.save).exists():
            raise UsageError(f"--save: {args.save} exists; add --force to replace it")
    if getattr(args, "plot", None) is not None:
        from ..plots import check_path

        check_path(args.plot, args.force)
    _check_checkpoint_flags(args)


def _check_checkpoint_flags(args) -> None:
    from pathlib import Path

    from ..checkpoint import NAME

    checkpoint, resume = getattr(args, "checkpoint", None), getattr(args, "resume", None)
    if checkpoint and resume and Path(checkpoint) != Path(resume):
        raise UsageError("--checkpoint and --resume name different folders; --resume alone will do")
    if resume is not None:
        if not (Path(resume) / NAME).is_file():
            raise UsageError(f"--resume: no checkpoint in {resume}")
        args.checkpoint = resume
    elif checkpoint is not None:
        folder = Path(checkpoint)
        if (folder / NAME).exists() and not args.force:
            raise UsageError(
                f"--checkpoint: {checkpoint} holds a checkpoint; --resume {checkpoint} "
                "continues it, --force starts over"
            )
        if not folder.parent.is_dir():
            raise UsageError(f"--checkpoint: {folder.parent} is not a folder")
        folder.mkdir(exist_ok=True)


def synthetic_problem(args) -> tuple[list[float], float]:
    """Resolve --num-features and --true-w into the truth of the synthetic problem."""
    from ..data import SEED_TRUE_B, default_true_w

    true_b = SEED_TRUE_B if args.true_b is None else args.true_b
    if args.true_w is None:
        args.num_features = args.num_features or 2
        return default_true_w(args.num_features, args.seed), true_b
    if args.num_features is not None and args.num_features != len(args.true_w):
        raise UsageError(
            f"--true-w has {len(args.true_w)} values but --num-features is {args.num_features}; "
            "give one weight per feature"
        )
    args.num_features = len(args.true_w)
    return args.true_w, true_b


def load_data(args) -> dict:
    """The data of the run: X, y, names, and for synthetic data the truth and the book's w0, b0."""
    if args.data is not None or args.dataset is not None:
        from .. import datasets
        from ..files import read_table

        path, target = args.data, args.target
        if args.dataset is not None:
            path, target = datasets.path(args.dataset), target or datasets.target(args.dataset)
        table = read_table(path, target=target, features=args.features)
        return {
            "X": table.X,
            "y": table.y,
            "feature_names": table.feature_names,
            "target_name": table.target_name,
            "source": {"path": str(path), "rows": len(table.y)},
        }

    import torch

    from ..data import synthetic_data
    from ..model import init_params

    true_w, true_b = synthetic_problem(args)
    args.num_examples = args.num_examples or 1000
    args.noise = 0.01 if args.noise is None else args.noise
    args.true_w, args.true_b = true_w, true_b
    # The book's order of draws: features, noise, then the initial w, all from one generator.
    g = torch.Generator().manual_seed(args.seed)
    true_w_t = torch.tensor(true_w, dtype=torch.float32)
    X, y = synthetic_data(true_w_t, true_b, args.num_examples, args.noise, g)
    w0, b0 = init_params(args.num_features, g)
    return {
        "X": X,
        "y": y,
        "feature_names": [f"x{j + 1}" for j in range(args.num_features)],
        "target_name": "y",
        "source": {"synthetic": True, "rows": args.num_examples},
        "true_w": true_w_t,
        "true_b": true_b,
        "w0": w0,
        "b0": b0,
    }


def prepare(args) -> tuple[dict, dict]:
    """Check the flags, draw a seed if none, load the data; return it and `train_run`'s
    arguments (all but lr and batch size), shared by `train` and `sweep`."""
    import numpy as np

    from ..train import draw_seed, torch_dtype

    _check_flags(args)
    args.seed_drawn = getattr(args, "seed_drawn", False) or args.seed is None
    if args.seed is None:
        args.seed = draw_seed()
    data = load_data(args)
    X, y = data["X"], data["y"]
    if hasattr(X, "to"):  # torch: into the run's dtype as the book's tensors would be
        X, y = X.to(torch_dtype(args.dtype)), y.to(torch_dtype(args.dtype))
    w0, b0 = data.get("w0"), data.get("b0")
    if args.init == "zero":
        w0, b0 = np.zeros((X.shape[1], 1), np.float32), np.zeros(1, np.float32)
    options = {
        "feature_names": data["feature_names"],
        "target_name": data["target_name"],
        "standardize": args.standardize,
        "val_fraction": args.val_fraction,
        "seed": args.seed,
        "true_w": data.get("true_w"),
        "true_b": data.get("true_b"),
        "w0": w0,
        "b0": b0,
        "num_epochs": args.epochs,
        "engine": args.engine,
        "dtype": args.dtype,
        "shuffle": args.shuffle,
        "short_batch": args.short_batch,
        "device": args.device,
    }
    if getattr(args, "checkpoint", None) is not None:
        options.update(checkpoint=args.checkpoint, resume=args.resume is not None)
    return {**data, "X": X, "y": y}, options


def run(args) -> int:
    """`linscratch train`, in one process or, under torchrun, as one rank of many."""
    from .. import distributed

    group = distributed.from_env()
    if group is None:
        return _run(args, main=True)
    if args.check_grad:
        raise UsageError("--check-grad runs in one process; drop it under torchrun")
    if args.engine not in ("auto", "analytic"):
        raise UsageError(f"--engine {args.engine} runs in one process; use analytic under torchrun")
    if args.device == "cuda":
        args.device = f"cuda:{group.local_rank}"
    distributed.start(group, args.device)
    try:
        return _run(args, main=group.is_main)
    finally:
        distributed.stop()


def _run(args, main: bool) -> int:
    from contextlib import nullcontext

    from .. import progress
    from ..runs import train_run

    data, options = prepare(args)
    drawn = args.seed_drawn
    bar = (
        progress.EpochProgress(args.epochs, len(data["X"]), args.batch_size)
        if main and progress.wanted(args)
        else None
    )
    with bar or nullcontext():
        result_run = train_run(
            data["X"],
            data["y"],
            **options,
            lr=args.lr,
            batch_size=args.batch_size,
            check_grad=args.check_grad,
            trace=args.plot is not None,
            callback=bar,
            warn=_warn if main else None,
        )
    if not main:  # only rank 0 prints and writes files
        return 0
    result = result_run.result
    if args.plot is not None:
        from ..plots import save, training_figure

        X, y = data["X"], data["y"]
        if result_run.train_rows is not None:  # the rows it trained on
            X, y = X[result_run.train_rows], y[result_run.train_rows]
        figure = training_figure(result_run, X, y, data.get("true_w"), data.get("true_b"))
        save(figure, args.plot, args.force)
    if args.save is not None:
        save_model(args, result_run)
    check = result.extra.get("check_grad")
    status = 0 if check is None or check["passed"] else 1
    if args.json:
        print(dumps(report(args, data, result_run, drawn)))
    else:
        print_human(args, data, result_run, drawn)
    return status


def _gap(gap: float) -> str:
    """SGD's loss against OLS's: a percentage, or a multiple once it is large."""
    return f"{gap:+.2%}" if gap < 10 else f"{1 + gap:.3g}x"


def _warn(message: str) -> None:
    print(f"linscratch train: warning: {message}", file=sys.stderr)


def save_model(args, result_run) -> None:
    from ..model import LinearModel

    scaler = result_run.standardizer
    outputs = ("lang", "save", "force", "plot", "quiet", "resume", "checkpoint")
    training = {k: v for k, v in settings(args).items() if k not in outputs}
    LinearModel(
        w=list(result_run.result.w),
        b=result_run.result.b,
        feature_names=result_run.feature_names,
        target_name=result_run.target_name,
        standardization=None if scaler is None else scaler.to_dict(),
        training=training,
        seed=result_run.result.seed,
        library_version=__version__,
    ).save(args.save, force=args.force)


def report(args, data, result_run, drawn: bool) -> dict:
    """The --json object: inputs, results at full precision, timings."""
    result = result_run.result
    config = settings(args)
    out = {
        "command": "train",
        "version": __version__,
        "seed": result.seed,
        "seed_drawn": drawn,
        "config": config,
        "data": {
            **data["source"],
            "features": result_run.feature_names,
            "target": result_run.target_name,
        },
        "epochs": [{"epoch": i, "loss": loss} for i, loss in enumerate(result.losses, 1)],
        "loss": result.loss,
        "w": result.w,
        "b": result.b,
        "r2": result_run.r2,
        "ols": result_run.ols.to_dict(),
        "loss_gap": result_run.loss_gap,
        "coef_diff": result_run.coef_diff,
        "validation": result_run.validation,
        "stability": result_run.stability,
        "standardization": None
        if result_run.standardizer is None
        else result_run.standardizer.to_dict(),
        "engine": result.engine,
        "shuffle": result.shuffle,
        "train_seconds": result.train_seconds,
        "compile_seconds": result.compile_seconds,
        "samples_per_second": result.samples_per_second,
    }
    if "true_w" in data:
        out.update(
            true_w=args.true_w,
            true_b=args.true_b,
            w_error=result.w_error,
            b_error=result.b_error,
        )
    if "check_grad" in result.extra:
        out["check_grad"] = result.extra["check_grad"]
    if args.save is not None:
        out["model"] = str(args.save)
    if args.plot is not None:
        out["plot"] = str(args.plot)
    return out


def _vec(values) -> str:
    return "[" + ", ".join(f"{v:.6g}" for v in values) + "]"


def _r2(value) -> str:
    return "n/a" if value is None else f"{value:.6f}"


def shown_epoch(epoch: int, epochs: int) -> bool:
    """Every epoch up to 20, as the book prints them; beyond, the first, the last and ten more."""
    return epochs <= 20 or epoch in (1, epochs) or epoch % -(-epochs // 10) == 0


def print_human(args, data, result_run, drawn: bool) -> None:
    import numpy as np

    t = LABELS[args.lang]
    result = result_run.result
    for i, loss in enumerate(result.losses, 1):
        if shown_epoch(i, len(result.losses)):
            print(f"epoch {i}, loss {loss:f}")
    if "true_w" in data:  # as the book prints them: torch tensors in the run's dtype
        import torch

        from ..train import torch_dtype

        tdtype = torch_dtype(args.dtype)
        print(f"{t['w_error']}: {torch.tensor(result.w_error, dtype=tdtype)}")
        print(f"{t['b_error']}: {torch.tensor([result.b_error], dtype=tdtype)}")
    else:
        print(t["params"].format(w=_vec(result.w), b=f"{result.b:.6g}"))
    exact = result_run.ols
    diffs = np.abs(np.r_[result_run.coef_diff["w"], result_run.coef_diff["b"]])
    names = [*result_run.feature_names, "b"]
    if result_run.loss_gap is None:
        comparison = t["exact"]
    else:
        comparison = t["gap"].format(gap=_gap(result_run.loss_gap))
    print(
        t["ols"].format(
            loss=exact.loss,
            r2=_r2(exact.r2),
            comparison=comparison,
            diff=float(diffs.max()),
            name=names[int(diffs.argmax())],
        )
    )
    if result_run.validation is not None:
        v = result_run.validation
        print(
            t["validation"].format(
                rows=v["rows"], loss=v["loss"], r2=_r2(v["r2"]), ols=v["ols_loss"]
            )
        )
    summary = t["summary"].format(
        epochs=args.epochs,
        n=result.num_examples,
        secs=result.train_seconds,
        sps=result.samples_per_second,
        engine=result.engine,
        dtype=result.dtype,
        seed=result.seed,
    )
    print(summary + (t["drawn"].format(seed=result.seed) if drawn else ""))
    check = result.extra.get("check_grad")
    if check is not None:
        print(
            f"gradient check, analytic vs autograd on {check['batches']} batches: "
            f"max abs diff {check['max_abs_diff']:.3g}, max rel diff {check['max_rel_diff']:.3g} "
            f"(tolerance {check['tolerance']:.0e}): {'ok' if check['passed'] else 'FAILED'}"
        )
    if args.plot is not None:
        print(t["plotted"].format(path=args.plot))
    if args.save is not None:
        print(t["saved"].format(path=args.save))
