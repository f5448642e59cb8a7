"""The run specification: one default per setting, every value checked once with a message in
the library's vocabulary, a flat `to_dict` that is the JSON `config`."""

import numpy as np
import pytest
import torch

from linscratch import DivergedError, RunSpec, UsageError, fit
from linscratch.cli.flags import flag
from linscratch.rules import RULES
from linscratch.spec import SECTION_OF

CONFIG_KEYS = [
    "num_examples",
    "num_features",
    "true_w",
    "true_b",
    "noise",
    "data",
    "dataset",
    "target",
    "features",
    "weights",
    "no_header",
    "drop_missing",
    "categorical",
    "formula",
    "standardize",
    "val_fraction",
    "init",
    "fit_intercept",
    "l2",
    "loss",
    "huber_delta",
    "epsilon",
    "lr",
    "batch_size",
    "num_epochs",
    "short_batch",
    "early_stopping",
    "tol",
    "n_iter_no_change",
    "average",
    "lr_schedule",
    "power_t",
    "lr_step_epochs",
    "lr_step_factor",
    "engine",
    "shuffle",
    "dtype",
    "device",
    "check_grad",
    "exact",
    "threads",
    "save",
    "save_exact",
    "plot",
    "checkpoint",
    "resume",
    "tensorboard",
    "force",
    "summary",
    "live",
    "seed",
]


def test_config_is_the_documented_flat_schema():
    spec = RunSpec.build().with_seed(1)
    config = spec.to_dict()
    assert list(config) == CONFIG_KEYS
    assert config["true_w"] == [2.0, -3.4] and config["num_examples"] == 1000
    assert config["num_epochs"] == 3 and config["lr"] == 0.03 and config["seed"] == 1


def test_every_field_has_a_rule_and_a_flag():
    for name in SECTION_OF:
        assert name in RULES
        assert flag(name).startswith("--")
    assert flag("num_epochs") == "--epochs" and flag("batch_size") == "--batch-size"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"batch_size": 0}, "batch_size must be a whole number >= 1, got 0"),
        ({"batch_size": 2.5}, "batch_size must be a whole number >= 1, got 2.5"),
        ({"num_epochs": True}, "num_epochs must be a whole number >= 1 or auto, got True"),
        ({"lr": -1.0}, "lr must be a positive finite number (at least 1e-30) or auto, got -1.0"),
        (
            {"lr": float("nan")},
            "lr must be a positive finite number (at least 1e-30) or auto, got nan",
        ),
        ({"dtype": "float16"}, "dtype must be one of float32, float64, got 'float16'"),
        ({"l2": -0.1}, "l2 must be a number from 0 to 1e30 (0: no weight decay), got -0.1"),
        ({"l2": float("inf")}, "l2 must be a number from 0 to 1e30 (0: no weight decay), got inf"),
        ({"seed": -3}, "seed must be a whole number from 0 to 2**63-1, got -3"),
        ({"device": "tpu"}, "device must be cpu, cuda or cuda:N, got 'tpu'"),
        ({"data": "x.csv", "noise": 0.1}, "noise applies to synthetic data, not to data/dataset"),
        ({"target": "y"}, "target applies to data or dataset"),
        ({"true_w": [1.0, 2.0], "num_features": 3}, "true_w has 2 values but num_features is 3"),
        ({"checkpoint": "a", "resume": "b"}, "checkpoint and resume name different folders"),
    ],
)
def test_bad_settings_name_the_field_and_the_rule(settings, message):
    with pytest.raises(UsageError) as info:
        RunSpec.build(**settings)
    assert message in str(info.value)
    assert "--" not in str(info.value)  # the library's vocabulary, never a flag


def test_the_cli_renders_the_same_error_with_flags():
    with pytest.raises(UsageError) as info:
        RunSpec.build(data="x.csv", num_examples=5)
    assert info.value.render(flag) == (
        "--num-examples applies to synthetic data, not to --data/--dataset"
    )


def test_an_unknown_setting_is_a_type_error():
    with pytest.raises(TypeError, match="unknown run setting"):
        RunSpec.build(learning_rate=0.1)


def test_replace_and_with_seed():
    spec = RunSpec.build(lr=0.1, num_features=3)
    assert spec.replace(batch_size=32).optim == spec.optim.__class__(lr=0.1, batch_size=32)
    resolved = spec.with_seed(7)
    assert len(resolved.data.true_w) == 3 and resolved.data.num_examples == 1000
    assert resolved.with_seed(7) == resolved  # resolving twice changes nothing


def test_fit_validates_at_the_edge():
    X, y = np.ones((7, 2)), np.ones(10)
    with pytest.raises(UsageError, match=r"X must be \(n, d\) and y \(n,\)"):
        fit(X, y)
    with pytest.raises(UsageError, match="batch_size must be a whole number"):
        fit(np.ones((10, 2)), np.ones(10), batch_size=0)


def test_diverged_error_speaks_the_librarys_vocabulary():
    g = torch.Generator().manual_seed(0)
    X = torch.normal(0, 1, (200, 2), generator=g)
    with pytest.raises(DivergedError) as info:
        fit(X, X @ torch.tensor([1.0, 2.0]), lr=50.0, seed=1, engine="compiled")
    text = str(info.value)
    assert "learning rate 50.0" in text and "step" in text and "--" not in text
    bound = {"lr_max": 0.9, "gd_lr_max": 1.8, "batch_size": 10}
    limited = info.value.with_limit(bound, standardized=False)
    text = str(limited)
    assert "SGD's stability limit at batch size 10 = 0.9" in text and "2/λ_max = 1.8" in text
    assert "try lr 0.23" in text
    assert "try --lr 0.23 or --standardize" in limited.render(flag)
