"""Every rule between settings in one place, the spec (`spec.REQUIRES`): a setting without the
option it belongs to is refused alike by `RunSpec.build`, by `fit`, by the command line (its
flags named) and, where it exposes the setting, by the estimator (its parameters named), with
the same message; the combinations that were valid still work, restored specs included."""

# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)
from __future__ import annotations

import json

import numpy as np
import pytest
from test_hostile import (  # noqa: F401  (lin, here and the imports: fixtures)
    _imports_done_before_timing,
    assert_refused,
    assert_works,
    here,
    lin,
    snapshot,
)

from linscratch import RunSpec, UsageError, fit, i18n
from linscratch.cli.flags import flag
from linscratch.spec import DEFAULTS, REQUIRES, SECTION_OF


class Rule:
    """One bad combination: the library's settings and message, the same as flags with the
    command line's message, the commands that take those flags, and the estimator's parameters
    and message where it exposes the setting."""

    def __init__(self, settings, message, flags, cli_message, commands, params=None, said=None):
        self.settings, self.message = settings, message
        self.flags, self.cli_message, self.commands = flags, cli_message, commands
        self.params, self.said = params, said


RUN = ("train", "sweep")  # the commands whose flags are the run's settings
CASES = {
    "huber-delta-without-huber": Rule(
        {"huber_delta": 2.0},
        "huber_delta applies with loss huber",
        ["--huber-delta", "2"],
        "--huber-delta applies with --loss huber",
        (*RUN, "grad"),
        {"epsilon": 2.0},
        "epsilon applies with loss huber|epsilon_insensitive|squared_epsilon_insensitive",
    ),
    "huber-delta-with-squared": Rule(
        {"loss": "squared", "huber_delta": 0.5},
        "huber_delta applies with loss huber",
        ["--loss", "squared", "--huber-delta", "0.5"],
        "--huber-delta applies with --loss huber",
        (*RUN, "grad"),
        {"loss": "squared_error", "epsilon": 0.5},
        "epsilon applies with loss huber|epsilon_insensitive|squared_epsilon_insensitive",
    ),
    "epsilon-without-its-loss": Rule(
        {"epsilon": 0.5},
        "epsilon applies with loss epsilon_insensitive|squared_epsilon_insensitive",
        ["--epsilon", "0.5"],
        "--epsilon applies with --loss epsilon_insensitive|squared_epsilon_insensitive",
        (*RUN, "grad"),
    ),
    "tol-without-early-stopping": Rule(
        {"tol": 0.5},
        "tol applies with early_stopping",
        ["--tol", "0.5"],
        "--tol applies with --early-stopping",
        ("train",),  # the estimator's tol is its own switch: tol=None turns stopping off
    ),
    "n-iter-no-change-without-early-stopping": Rule(
        {"n_iter_no_change": 3},
        "n_iter_no_change applies with early_stopping",
        ["--n-iter-no-change", "3"],
        "--n-iter-no-change applies with --early-stopping",
        ("train",),
    ),
    "power-t-without-a-schedule": Rule(
        {"power_t": 0.9},
        "power_t applies with lr_schedule invscaling",
        ["--power-t", "0.9"],
        "--power-t applies with --lr-schedule invscaling",
        RUN,
        {"power_t": 0.9},
        "power_t applies with learning_rate invscaling",
    ),
    "power-t-with-step": Rule(
        {"lr_schedule": "step", "power_t": 0.9},
        "power_t applies with lr_schedule invscaling",
        ["--lr-schedule", "step", "--power-t", "0.9"],
        "--power-t applies with --lr-schedule invscaling",
        RUN,  # the estimator has no step schedule
    ),
    "lr-step-epochs-without-step": Rule(
        {"lr_step_epochs": 2},
        "lr_step_epochs applies with lr_schedule step",
        ["--lr-step-epochs", "2"],
        "--lr-step-epochs applies with --lr-schedule step",
        RUN,
    ),
    "lr-step-epochs-with-invscaling": Rule(
        {"lr_schedule": "invscaling", "lr_step_epochs": 2},
        "lr_step_epochs applies with lr_schedule step",
        ["--lr-schedule", "invscaling", "--lr-step-epochs", "2"],
        "--lr-step-epochs applies with --lr-schedule step",
        RUN,
    ),
    "lr-step-factor-without-step": Rule(
        {"lr_step_factor": 0.5},
        "lr_step_factor applies with lr_schedule step",
        ["--lr-step-factor", "0.5"],
        "--lr-step-factor applies with --lr-schedule step",
        RUN,
    ),
}
ESTIMATOR_CASES = {name: rule for name, rule in CASES.items() if rule.params is not None}
CLI_CASES = [
    pytest.param(rule, command, id=f"{command}-{name}")
    for name, rule in CASES.items()
    for command in rule.commands
]
SWEEP = ["--lr", "0.03", "--batch-size", "10", "--jobs", "1"]

X = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0], [3.0, 0.0], [4.0, 2.0], [5.0, 1.5]])
Y = X @ np.array([2.0, -3.4]) + 4.2


def test_every_rule_of_the_table_has_a_case_and_shares_its_owners_section():
    covered = {name for rule in CASES.values() for name in rule.settings if name in REQUIRES}
    assert covered == set(REQUIRES)
    for name, (owner, value) in REQUIRES.items():
        assert SECTION_OF[name] == SECTION_OF[owner]  # checked where the section is made
        assert DEFAULTS[owner] != value  # by default the setting's owner is off


@pytest.mark.parametrize("rule", CASES.values(), ids=CASES.keys())
def test_the_spec_refuses_it(rule):
    with pytest.raises(UsageError) as info:
        RunSpec.build(**rule.settings)
    assert str(info.value) == rule.message
    assert info.value.render(flag) == rule.cli_message  # the CLI's words, rendered with flags


@pytest.mark.parametrize("rule", CASES.values(), ids=CASES.keys())
def test_fit_refuses_it_before_training(rule):
    heard = []
    with pytest.raises(UsageError) as info:
        fit(X, Y, seed=0, callback=lambda *a: heard.append(a), **rule.settings)
    assert str(info.value) == rule.message and not heard


@pytest.mark.parametrize("rule", CASES.values(), ids=CASES.keys())
def test_replace_and_a_spec_given_to_fit_refuse_it(rule):
    """Reached another way: over a valid spec, or a valid spec then changed by `fit`."""
    with pytest.raises(UsageError, match=f"^{rule.message}$"):
        RunSpec.build(RunSpec.build(lr=0.1), **rule.settings)
    with pytest.raises(UsageError, match=f"^{rule.message}$"):
        fit(X, Y, RunSpec.build(lr=0.1, seed=0), **rule.settings)


@pytest.mark.parametrize(
    ("valid", "change", "message"),
    [
        ({"loss": "huber", "huber_delta": 2.0}, {"loss": "squared"}, "huber_delta applies with"),
        ({"early_stopping": True, "tol": 0.5}, {"early_stopping": False}, "tol applies with"),
        ({"lr_schedule": "invscaling", "power_t": 0.9}, {"lr_schedule": "step"}, "power_t"),
        ({"lr_schedule": "step", "lr_step_factor": 0.5}, {"lr_schedule": "constant"}, "lr_step"),
    ],
)
def test_turning_the_owner_off_leaves_a_conflict_that_is_refused(valid, change, message):
    spec = RunSpec.build(**valid)
    with pytest.raises(UsageError, match=message):
        spec.replace(**change)
    with pytest.raises(UsageError, match=message):
        fit(X, Y, spec, seed=0, **change)
    back = {name: DEFAULTS[name] for name in valid if name not in change}
    assert spec.replace(**change, **back) == RunSpec.build(**change)  # with it reset, fine


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize(("rule", "command"), CLI_CASES)
def test_the_command_line_refuses_it_in_one_line(lin, here, rule, command, as_json):
    before = snapshot(here)
    extra = SWEEP if command == "sweep" else []
    run = lin(command, *extra, *rule.flags, "--seed", "1", *(["--json"] * as_json), limit=30)
    assert_refused(run, here, before, as_json=as_json, words=(rule.cli_message,), seconds=10)
    if as_json:
        assert json.loads(run.out)["error"]["message"] == rule.cli_message
    else:
        assert run.err.strip() == f"linscratch {command}: error: {rule.cli_message}"


@pytest.mark.parametrize("rule", CASES.values(), ids=CASES.keys())
def test_in_chinese_the_command_line_says_the_librarys_message(lin, here, rule):
    run = lin("train", *rule.flags, "--seed", "1", "--lang", "zh")
    assert run.code == 2
    try:
        i18n.set_language("zh")
        with pytest.raises(UsageError) as info:
            RunSpec.build(**rule.settings)
        words = info.value.render(flag)
    finally:
        i18n.set_language("en")
    assert "一起使用" in words and run.err.strip().endswith(words)


@pytest.mark.parametrize("rule", ESTIMATOR_CASES.values(), ids=ESTIMATOR_CASES.keys())
def test_the_estimator_refuses_it_in_its_own_names(rule):
    pytest.importorskip("sklearn")
    from linscratch.estimator import SGDLinearRegression

    for method in ("fit", "partial_fit"):
        model = SGDLinearRegression(max_iter=2, random_state=0, **rule.params)
        if method == "partial_fit" and model.learning_rate != "constant":
            continue  # partial_fit refuses invscaling itself
        with pytest.raises(UsageError) as info:
            getattr(model, method)(X, Y)
        assert str(info.value) == rule.said and isinstance(info.value, ValueError)
        assert not hasattr(model, "coef_")


# ---------------------------------------------------------------------------------------------
# What was valid stays valid
# ---------------------------------------------------------------------------------------------

OWNED = [  # each setting with its owner
    {"loss": "huber", "huber_delta": 2.0},
    {"early_stopping": True, "tol": 0.5, "n_iter_no_change": 3},
    {"lr_schedule": "invscaling", "power_t": 0.9},
    {"lr_schedule": "step", "lr_step_epochs": 2, "lr_step_factor": 0.5},
]


@pytest.mark.parametrize("settings", OWNED, ids=lambda s: "-".join(s))
def test_a_setting_with_its_owner_is_taken_and_used(settings):
    spec = RunSpec.build(**settings)
    assert all(spec.to_dict()[k] == v for k, v in settings.items())
    result = fit(X, Y, spec, seed=0, num_epochs=12, lr=0.01, dtype="float64")
    owner_only = {k: v for k, v in settings.items() if k not in REQUIRES}
    plain = fit(X, Y, seed=0, num_epochs=12, lr=0.01, dtype="float64", **owner_only)
    assert result.losses != plain.losses  # the setting changes the run


def test_a_setting_at_its_default_is_the_spec_without_it():
    """The rule is on values: a setting left at its default does nothing and is no mistake,
    whether given or not (equal specs are equally valid)."""
    defaults = {name: DEFAULTS[name] for name in REQUIRES}
    assert RunSpec.build(**defaults) == RunSpec()
    a = fit(X, Y, seed=0, dtype="float64", **defaults)
    b = fit(X, Y, seed=0, dtype="float64")
    assert a.losses == b.losses and a.w == b.w and a.b == b.b


@pytest.mark.parametrize(
    "settings", [{}, *OWNED, OWNED[0] | OWNED[1] | OWNED[3]], ids=lambda s: "-".join(s) or "none"
)
def test_a_spec_restored_from_its_dict_is_the_same_spec(settings):
    """Every field named, the owned ones at their defaults where their owner is off: the
    JSON `config` of a report, a sweep's spec, a checkpointed run's, `with_seed`'s."""
    spec = RunSpec.build(**settings).with_seed(7)
    config = spec.to_dict()
    assert set(REQUIRES) <= set(config)
    assert RunSpec.build(**config) == spec
    assert RunSpec.build(**json.loads(json.dumps(config))) == spec
    assert spec.with_seed(7) == spec


class Interrupt(Exception):
    pass


def test_a_checkpointed_run_with_every_owned_setting_resumes_bit_for_bit(tmp_path):
    kwargs = dict(
        loss="huber",
        huber_delta=0.5,
        lr_schedule="step",
        lr_step_epochs=2,
        lr_step_factor=0.5,
        early_stopping=True,
        tol=1e-9,
        n_iter_no_change=2,
        num_epochs=6,
        seed=3,
        lr=0.01,
    )
    whole = fit(X, Y, checkpoint=str(tmp_path / "a"), **kwargs)

    def stop_after_3(epoch, loss, w, b):
        if epoch == 3:
            raise Interrupt

    (tmp_path / "b").mkdir()
    with pytest.raises(Interrupt):
        fit(X, Y, checkpoint=str(tmp_path / "b"), callback=stop_after_3, **kwargs)
    resumed = fit(X, Y, resume=str(tmp_path / "b"), **kwargs)
    assert resumed.losses == whole.losses and resumed.w == whole.w and resumed.b == whole.b
    assert len(whole.losses) == 6


def test_the_command_line_resumes_a_huber_run_on_a_step_schedule(lin, here):
    flags = ["--seed", "1", "--loss", "huber", "--huber-delta", "0.5", "--lr-schedule", "step"]
    flags += ["--lr-step-epochs", "2", "--lr-step-factor", "0.5", "--json"]
    whole = assert_works(lin("train", *flags, "--epochs", "4"))
    assert_works(lin("train", *flags, "--epochs", "2", "--checkpoint", "c"))
    resumed = assert_works(lin("train", *flags, "--epochs", "4", "--resume", "c"))
    assert resumed["epochs"][2:] == whole["epochs"][2:]
    assert resumed["w"] == whole["w"] and resumed["b"] == whole["b"]


def _sweep_and_train(lin, jobs: str):
    flags = ["--seed", "1", "--loss", "huber", "--huber-delta", "0.5", "--lr-schedule", "step"]
    flags += ["--lr-step-factor", "0.5", "--epochs", "4", "--json"]
    pairs = ["--lr", "0.03,0.1", "--batch-size", "10", "--jobs", jobs]
    sweep = assert_works(lin("sweep", *pairs, *flags))
    assert sweep["config"]["huber_delta"] == 0.5 and sweep["config"]["lr_schedule"] == "step"
    plain = assert_works(lin("train", "--seed", "1", "--epochs", "4", "--lr", "0.03", "--json"))
    for run in sweep["runs"]:  # each pair as train runs it, the owned settings kept
        alone = assert_works(lin("train", *flags, "--lr", str(run["lr"]), "--batch-size", "10"))
        assert run["epochs"] == alone["epochs"]
    assert sweep["runs"][0]["epochs"] != plain["epochs"]


def test_a_sweep_keeps_each_owned_setting_in_every_pair(lin, here):
    _sweep_and_train(lin, "1")


@pytest.mark.slow
def test_a_sweep_s_forked_workers_keep_each_owned_setting(lin, here):
    _sweep_and_train(lin, "2")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 3 epochs
def test_the_estimator_still_takes_its_settings_with_their_options():
    pytest.importorskip("sklearn")
    from linscratch.estimator import SGDLinearRegression

    kw = dict(max_iter=3, random_state=0, tol=None, learning_rate_init=0.01)
    huber = SGDLinearRegression(loss="huber", epsilon=0.5, **kw).fit(X, Y)
    reference = fit(X, Y, loss="huber", huber_delta=0.5, **_as_fit(huber, X))
    assert huber.loss_curve_ == reference.losses
    inv = SGDLinearRegression(learning_rate="invscaling", power_t=0.9, **kw).fit(X, Y)
    reference = fit(X, Y, lr_schedule="invscaling", power_t=0.9, **_as_fit(inv, X))
    assert inv.loss_curve_ == reference.losses
    plain = SGDLinearRegression(**kw).fit(X, Y)  # epsilon and power_t at their defaults
    assert plain.loss_curve_ == fit(X, Y, **_as_fit(plain, X)).losses


def _as_fit(model, X) -> dict:
    """The `fit` settings the estimator trains with (its seed drawn as it draws it)."""
    from sklearn.utils import check_random_state

    seed = int(check_random_state(model.random_state).randint(2**31 - 1))
    return dict(
        lr=model.learning_rate_init,
        batch_size=model.batch_size,
        num_epochs=model.max_iter,
        seed=seed,
        dtype="float64",
    )
