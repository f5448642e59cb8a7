"""Live feedback: epoch lines printed as the epochs end (the same lines as the whole report
printed at the end), progress within epochs that changes no number, and labels for the
phases of a run on a terminal, nothing elsewhere."""

import io
import subprocess
import sys

import numpy as np
import pytest

from linscratch.cli import reports, train
from linscratch.events import Subscriber, Trace
from linscratch.show import progress
from linscratch.train.engines.analytic import AnalyticEngine
from linscratch.train.engines.autograd import AutogradLoop
from linscratch.train.engines.compiled import CompiledEngine
from linscratch.train.loop import fit


class Spy(Subscriber):
    """Records what stdout holds as each epoch ends."""

    def __init__(self, stdout):
        self.stdout, self.seen = stdout, {}

    def epoch_end(self, event):
        self.seen[event.epoch] = self.stdout.getvalue()


def run_with_spy(monkeypatch, *args):
    """`linscratch train ARGS` in-process with stdout in a buffer and a spy among the
    subscribers (after the epoch lines: it sees what they printed); returns the exit status,
    the whole output and the spy."""
    stdout = io.StringIO()
    spy = Spy(stdout)
    execute = train.execute
    monkeypatch.setattr(
        train, "execute", lambda s, d, subs, **kw: execute(s, d, [*subs, spy], **kw)
    )
    monkeypatch.setattr(sys, "stdout", stdout)
    from linscratch.cli import main

    return main(["train", *args]), stdout.getvalue(), spy


def test_epoch_lines_are_printed_as_epochs_end(monkeypatch):
    code, out, spy = run_with_spy(monkeypatch, "--seed", "3", "--epochs", "3")
    assert code == 0
    assert spy.seen[2].startswith("epoch 1, loss ") and "epoch 2, loss " in spy.seen[2]
    assert "epoch 3" not in spy.seen[2] and "exact least squares" not in spy.seen[2]
    # ... and the whole output is the report as printed at the end, line for line.
    assert out.count("epoch 1, loss ") == 1 and "exact least squares" in out


def test_streamed_text_is_the_report_bit_for_bit(cli):
    """The lines printed as epochs end, then the rest, are exactly `train_text` of the run
    (its losses through the JSON report, at full precision); also with standardized data
    (losses in the data's units) and more epochs than are shown."""
    for args in (("--seed", "5"), ("--seed", "6", "--epochs", "25", "--standardize")):
        text = cli("train", *args).out
        report = cli("train", *args, "--json").json
        losses = [e["loss"] for e in report["epochs"]]
        shown = [
            reports.epoch_line(i, loss)
            for i, loss in enumerate(losses, 1)
            if reports.shown_epoch(i, len(losses))
        ]
        assert text.splitlines()[: len(shown)] == shown
        assert not text.splitlines()[len(shown)].startswith("epoch")


def test_resumed_run_prints_every_epoch(cli, tmp_path):
    folder = str(tmp_path / "ckpt")
    first = cli("train", "--seed", "2", "--epochs", "2", "--checkpoint", folder)
    more = cli("train", "--seed", "2", "--epochs", "4", "--resume", folder)
    whole = cli("train", "--seed", "2", "--epochs", "4")
    assert first.code == more.code == whole.code == 0
    lines = [line for line in more.out.splitlines() if line.startswith("epoch")]
    assert lines == [line for line in whole.out.splitlines() if line.startswith("epoch")]
    assert len(lines) == 4


def test_json_and_quiet_keep_stdout(cli):
    report = cli("train", "--seed", "4", "--json")
    assert report.json["epochs"][0]["epoch"] == 1  # one JSON object, nothing before it
    quiet, plain = cli("train", "--seed", "4", "--quiet"), cli("train", "--seed", "4")
    assert quiet.out.splitlines()[:4] == plain.out.splitlines()[:4]
    assert quiet.err == plain.err == ""  # stderr is not a terminal here: nothing on it


@pytest.mark.slow
def test_first_epoch_line_reaches_a_pipe_while_the_run_goes_on():
    """The issue's target: read the pipe line by line; when `epoch 1` arrives the process
    has not printed its final lines and is still running."""
    command = [sys.executable, "-m", "linscratch", "train", "--engine", "autograd"]
    command += ["--num-examples", "300000", "--epochs", "3", "--seed", "1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        first = child.stdout.readline()
        running = child.poll() is None
        rest = child.stdout.read()
    assert first.startswith("epoch 1, loss ") and running
    assert rest.startswith("epoch 2, loss ") and "exact least squares" in rest


@pytest.fixture
def small_chunks(monkeypatch):
    """Engines that report every few thousand rows (so that small data has many chunks)."""
    for engine in (CompiledEngine, AutogradLoop, AnalyticEngine):
        monkeypatch.setattr(engine, "chunk_rows", 3_000)


class Counter(Subscriber):
    wants_progress = True

    def __init__(self):
        self.seen = []

    def progress(self, event):
        self.seen.append((event.epoch, event.step))


@pytest.mark.parametrize(
    ("engine", "shuffle"),
    [("compiled", "full"), ("compiled", "block"), ("autograd", "book"), ("analytic", "full")],
)
def test_progress_in_chunks_changes_no_number(small_chunks, engine, shuffle):
    """The same run with and without progress reports: the same parameters, losses and
    trace, bit for bit; the reports come every chunk, steps rising within each epoch."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_011, 3)).astype(np.float32)
    y = X @ np.float32([2, -3.4, 1]) + np.float32(4.2)
    runs = []
    for subscribers in ([Trace()], [Trace(), Counter()]):
        settings = dict(engine=engine, shuffle=shuffle, num_epochs=2, batch_size=7, seed=1)
        result = fit(X, y, lr=0.01, subscribers=subscribers, **settings)
        trace = subscribers[0].to_dict()
        runs.append((result.w, result.b, result.losses, {k: str(v) for k, v in trace.items()}))
        for key in ("step_loss", "params"):
            runs[-1][3][key] = trace[key].tobytes()
    assert runs[0] == runs[1]
    seen = subscribers[1].seen
    steps = -(-20_011 // 7)
    assert seen[-1] == (2, steps) and any(step < steps for _, step in seen)  # within epochs
    if shuffle != "block":  # (the block shuffle reports after whole runs of blocks)
        assert len(seen) >= 2 * 6  # 3,000 rows a chunk, 20,011 rows
    for epoch in (1, 2):
        mine = [step for e, step in seen if e == epoch]
        assert mine == sorted(set(mine)) and mine[-1] == steps


class Labels(progress.Feedback):
    """The feedback, remembering each label it showed."""

    def label(self, text):
        self.shown = [*getattr(self, "shown", []), text]
        super().label(text)


def test_labels_and_bar_on_a_terminal(monkeypatch):
    """Each phase of a run has its label, in order, and the bar's words reach the terminal,
    in Chinese under zh."""
    from rich.console import Console

    from linscratch import i18n
    from linscratch.spec import RunSpec
    from linscratch.train.runs import execute
    from linscratch.train.sources import load

    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    spec = RunSpec.build(seed=1, num_examples=5000, engine="compiled").with_seed(1)
    english = ["estimating the stability limit", "compiling kernels", "training"]
    chinese = ["正在估计稳定上限", "正在编译内核", "正在训练"]
    for lang, labels, bar in (("en", english, "minibatches"), ("zh", chinese, "小批量")):
        out = io.StringIO()
        monkeypatch.setattr(i18n, "_current", [lang])
        shown = Labels(console=Console(file=out, force_terminal=True, width=200))
        with shown:
            execute(spec, load(spec.data, spec.seed), [shown])
        exact = "computing the exact least squares" if lang == "en" else "正在计算精确最小二乘解"
        assert shown.shown == [exact, *labels]  # the exact answer first: it gives the limit
        assert bar in out.getvalue() and exact in out.getvalue()
