"""TensorBoard: the event files a run writes (`show.tensorboard.TensorBoard`, `--tensorboard`)
read back with TensorBoard's own reader, against the run's own losses and independent
references (a float64 gradient in numpy, scikit-learn's least squares); a sweep writes one
run per setting with its HParams; a bad folder is refused in one line."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import test_hostile
from sklearn.linear_model import LinearRegression
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2
from test_hostile import assert_refused, snapshot

from linscratch import fit
from linscratch.events import Trace
from linscratch.show.tensorboard import TensorBoard

here, lin = test_hostile.here, test_hostile.lin  # fixtures: the working folder, the CLI in-process


def read(folder) -> EventAccumulator:
    """Every event file in `folder`, through TensorBoard's reader (no sampling)."""
    board = EventAccumulator(str(folder), size_guidance={"scalars": 0, "tensors": 0})
    board.Reload()
    return board


def scalars(board, tag) -> dict[int, float]:
    return {e.step: e.value for e in board.Scalars(tag)}


def data(n=200, d=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 1.5 + rng.normal(0, 0.1, n)
    return X, y


def test_epoch_and_step_losses_are_the_runs_own(tmp_path):
    X, y = data()
    trace = Trace()
    board = TensorBoard(tmp_path / "run", lr=0.05, max_points=37)
    result = fit(X, y, lr=0.05, batch_size=10, num_epochs=4, seed=3, subscribers=[trace, board])
    events = read(tmp_path / "run")
    # TensorBoard keeps a scalar as float32.
    assert scalars(events, "loss/epoch") == {
        e: np.float32(loss) for e, loss in enumerate(result.losses, 1)
    }
    assert scalars(events, "lr") == dict.fromkeys(range(1, 5), np.float32(0.05))
    steps = trace.to_dict()["step_loss"]  # every step's loss, (80,)
    written = scalars(events, "loss/step")
    assert len(written) <= 37
    stride = -(-len(steps) // 37)
    assert set(written) == {*range(stride, len(steps) + 1, stride), len(steps)}
    assert all(value == np.float32(steps[step - 1]) for step, value in written.items())
    final = scalars(events, "w/x1"), scalars(events, "w/x2"), scalars(events, "b")
    assert [f[4] for f in final] == [np.float32(v) for v in [*result.w, result.b]]


def test_many_features_the_largest_by_name_the_rest_counted(tmp_path):
    X, y = data(d=6)
    X[:, 4] *= 1e-3  # its weight is large; the others' order follows the truth
    names = [f"f{j}" for j in range(6)]
    board = TensorBoard(tmp_path, names=names, top=3)
    result = fit(X, y, lr=0.05, batch_size=10, num_epochs=2, seed=1, subscribers=[board])
    events = read(tmp_path)
    largest = sorted(range(6), key=lambda j: -abs(result.w[j]))[:3]
    shown = {t.removeprefix("w/") for t in events.Tags()["scalars"] if t.startswith("w/")}
    assert shown == {names[j] for j in largest}
    text = events.Tensors("w/omitted/text_summary")[0].tensor_proto.string_val[0].decode()
    rest = [names[j] for j in range(6) if j not in largest]
    assert text == "+3 more (smallest |w|): " + ", ".join(rest)


def test_cli_gradient_norm_and_exact_line_against_references(lin, here):
    X, y = data(n=120, d=3, seed=5)
    table = np.column_stack([X, y])
    np.savetxt(here / "d.csv", table, delimiter=",", header="a,b,c,y", comments="")
    run = lin("train", "--data", "d.csv", "--target", "y", "--epochs", "5", "--lr", "0.1",
              "--batch-size", "8", "--seed", "2", "--tensorboard", "tb", "--json")  # fmt: skip
    assert run.code == 0, run.show()
    report = json.loads(run.out)
    w, b = np.array(report["w"]), report["b"]
    events = read(here / "tb")
    e = X @ w + b - y  # the mean loss ½ mean e²: its gradient in float64
    norm = np.linalg.norm(np.r_[X.T @ e, e.sum()] / len(y))
    assert scalars(events, "gradient/norm")[5] == pytest.approx(norm, rel=1e-5)
    ols = LinearRegression().fit(X, y)
    exact = 0.5 * np.mean((ols.predict(X) - y) ** 2)
    assert scalars(events, "loss/exact") == pytest.approx(dict.fromkeys(range(1, 6), exact))
    epochs = scalars(events, "loss/epoch")
    assert epochs == {k + 1: np.float32(v["loss"]) for k, v in enumerate(report["epochs"])}


def test_sweep_writes_one_run_per_setting_with_its_hparams(lin, here):
    run = lin("sweep", "--lr", "0.03,0.3", "--batch-size", "10,50", "--epochs", "2",
              "--num-examples", "200", "--seed", "1", "--tensorboard", "tb", "--json")  # fmt: skip
    assert run.code == 0, run.show()
    report = json.loads(run.out)
    folders = sorted(p.name for p in (here / "tb").iterdir())
    expected = sorted(f"lr={r['lr']:g},batch_size={r['batch_size']}" for r in report["runs"])
    assert folders == expected and len(folders) == 4
    for r in report["runs"]:
        events = read(here / "tb" / f"lr={r['lr']:g},batch_size={r['batch_size']}")
        losses = {k + 1: np.float32(v["loss"]) for k, v in enumerate(r["epochs"])}
        assert scalars(events, "loss/epoch") == losses
        content = events.PluginTagToContent("hparams")["_hparams_/session_start_info"]
        info = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
        assert info.hparams["lr"].number_value == r["lr"]
        assert info.hparams["batch_size"].number_value == r["batch_size"]
        assert scalars(events, "hparam/final_loss")[0] == np.float32(r["final_loss"])


@pytest.mark.parametrize("as_json", [False, True])
def test_a_folder_with_event_files_or_a_file_is_refused(lin, here, as_json):
    (here / "old").mkdir()
    (here / "old" / "events.out.tfevents.1.host").write_bytes(b"x")
    (here / "file").write_text("x")
    flags = ["--json"] if as_json else []
    for target, words in [("old", ("TensorBoard", "--force")), ("file", ("not a folder",))]:
        before = snapshot(here)
        run = lin("train", "--tensorboard", target, "--epochs", "1", *flags)
        assert_refused(run, here, before, as_json=as_json, words=("--tensorboard", *words))


def test_without_the_package_one_line_before_any_work(lin, here, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # find_spec says it is missing
    before = snapshot(here)
    run = lin("train", "--tensorboard", "tb", "--epochs", "1")
    assert_refused(run, here, before, words=("--tensorboard", "tensorboard package"))
