"""Errors, warnings and notices in Chinese: a broad sample of the hostile cases (the tables of
`test_hostile`, and more across every command and kind of failure), each run in English and
then in Chinese. In Chinese a refusal exits as in English, on one line (after any warning),
and that line is Chinese: once flags, quoted values, file paths, numbers, field names and the
technical words below are taken out, no English word of three letters or more is left.
"""

# ruff: noqa: F811  (the fixtures imported from test_hostile are arguments of the tests)

from __future__ import annotations

import re

import pytest
from test_hostile import (  # noqa: F401  (lin, here, checkpointed and the imports: fixtures)
    BAD_CHECKPOINTS,
    BAD_FILE_FLAGS,
    BAD_FILES,
    BAD_MODELS,
    BAD_VALUES,
    OVERSIZED,
    RUN,
    SAME_FILE,
    GiB,
    _imports_done_before_timing,
    checkpointed,
    csv_text,
    data_command,
    here,
    lin,
    write_model,
)

from linscratch import i18n

# Words that are the same in a Chinese message: names of things, units, values a flag takes.
TECHNICAL = {
    "linscratch", "train", "sweep", "grad", "predict", "make", "data",  # commands
    "SGD", "NaN", "nan", "inf", "CSV", "NPY", "Parquet", "Arrow", "JSON", "UTF", "torchrun", "RANK",
    "CUDA", "cuda", "cpu", "float32", "float64", "dtype", "KiB", "MiB", "GiB", "TiB", "PiB",
    "auto", "autograd", "analytic", "compiled", "book", "full", "block", "none", "zero", "mean",
    "random", "seed", "longley", "true", "false", "max", "format",
}  # fmt: skip
CJK = re.compile(r"[\u4e00-\u9fff]")


def english_words(line: str) -> list[str]:
    """The English words of three letters or more left in `line` once what a Chinese message
    keeps as it is has been taken out: text in full-width brackets and after 无法读取 (the
    operating system's or a library's own reason), quoted values, flags, and every token with
    a dot, a slash, an underscore or a digit (paths, file names, extensions, numbers, field
    names, dtypes), a metavar in capitals (COMMAND), and the `TECHNICAL` words."""
    text = re.sub(r"（[^（）]*）", " ", line)
    text = re.sub(r"无法读取：.*", " ", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)
    text = re.sub(r"--[\w-]+", " ", text)
    text = re.sub(r"[^\s，。；：、（）]*[./_0-9][^\s，。；：、（）]*", " ", text)
    words = re.findall(r"[A-Za-z]{3,}", text)
    return [w for w in words if w not in TECHNICAL and not w.isupper()]


@pytest.fixture
def both(lin):
    """`both(*args)` runs a command in English, then in Chinese: (English, Chinese) outcomes."""

    def call(*args, **limits):
        english = lin(*args, **limits)
        i18n.set_language("zh")
        try:
            chinese = lin(*args, **limits)
        finally:
            i18n.set_language("en")
        return english, chinese

    return call


def assert_chinese(english, chinese) -> None:
    """The Chinese run fails as the English one does, on one line of Chinese."""
    assert english.crash is None and chinese.crash is None, chinese.show()
    assert english.code not in (0, None), english.show()
    assert chinese.code == english.code, chinese.show()
    lines = [line for line in chinese.err.splitlines() if "警告" not in line]
    assert len(lines) == 1, chinese.show()
    line = lines[0]
    assert line != english.err.splitlines()[-1], line
    assert CJK.search(line.split("错误：", 1)[-1]), line
    assert not english_words(line), f"English words {english_words(line)} in {line!r}"


def _file_cases():
    for case in BAD_FILES:
        for command in dict.fromkeys((case.commands[0], case.commands[-1])):
            yield pytest.param(case, command, id=f"{case.id}-{command}")


@pytest.mark.parametrize(("case", "command"), list(_file_cases()))
def test_a_hostile_data_file_is_refused_in_chinese(both, here, case, command):
    path = here / case.name
    case.make(path)
    write_model(here / "model.json", feature_names=list(case.features), target_name=case.target)
    assert_chinese(*both(*data_command(command, str(path), case.extra), limit=10))


@pytest.mark.parametrize(
    ("text", "flags"), [pytest.param(c[1], c[2], id=c[0]) for c in BAD_FILE_FLAGS]
)
def test_a_flag_the_file_cannot_satisfy_is_refused_in_chinese(both, here, text, flags):
    (here / "d.csv").write_text(text)
    assert_chinese(*both("train", "--data", "d.csv", "--seed", "1", *flags))


@pytest.mark.parametrize(("make", "data"), [pytest.param(*c[1:3], id=c[0]) for c in BAD_MODELS])
def test_a_hostile_model_is_refused_in_chinese(both, here, make, data):
    make(here / "model.json")
    (here / "d.csv").write_text(csv_text() if data is None else data)
    args = ["predict", "--model", "model.json", "--data", "d.csv", "--output", "preds.csv"]
    assert_chinese(*both(*args, limit=8))


@pytest.mark.parametrize("make", [pytest.param(c[1], id=c[0]) for c in BAD_CHECKPOINTS[::3]])
def test_a_hostile_checkpoint_is_refused_in_chinese(both, here, checkpointed, make):
    make(checkpointed)
    assert_chinese(*both(*RUN, "--epochs", "3", "--resume", "ck", limit=8))


@pytest.mark.parametrize("args", [pytest.param(c[1], id=c[0]) for c in OVERSIZED])
def test_an_oversized_run_is_refused_in_chinese(both, here, args):
    assert_chinese(*both(*args, "--seed", "1", limit=6, memory=3 * GiB))


@pytest.mark.parametrize("args", [pytest.param(c[1], id=c[0]) for c in [*BAD_VALUES, *SAME_FILE]])
def test_a_bad_value_or_a_clash_of_files_is_refused_in_chinese(both, here, args):
    (here / "d.csv").write_text(csv_text())
    write_model(here / "model.json")
    assert_chinese(*both(*args, "--seed", "1", limit=30))


# More kinds of failure: (id, files to write first, command line)
MORE = [
    ("unknown-flag", (), ["train", "--nope"]),
    ("bad-number", (), ["train", "--lr", "abc"]),
    ("bad-whole-number", (), ["sweep", "--lr", "0.1", "--batch-size", "0"]),
    ("no-such-dataset", (), ["train", "--dataset", "nope"]),
    ("bad-engine", (), ["train", "--engine", "warp"]),
    ("flag-without-its-value", (), ["train", "--lr"]),
    ("ambiguous-flag", (), ["train", "--num", "3"]),
    ("predict-without-model", (), ["predict", "--data", "d.csv"]),
    ("unknown-command", (), ["fly"]),
    ("data-and-dataset", ("d.csv",), ["train", "--data", "d.csv", "--dataset", "longley"]),
    ("target-without-data", (), ["train", "--target", "y"]),
    ("true-w-length", (), ["train", "--true-w", "1,2,3", "--num-features", "2"]),
    ("no-such-data-file", (), ["train", "--data", "missing.csv"]),
    ("unknown-extension", ("d.txt",), ["train", "--data", "d.txt"]),
    ("data-is-a-folder", (), ["train", "--data", "."]),
    ("no-such-target", ("d.csv",), ["train", "--data", "d.csv", "--target", "zz"]),
    ("save-exists", ("d.csv", "m.json"), ["train", "--data", "d.csv", "--save", "m.json"]),
    ("plot-bad-suffix", (), ["train", "--plot", "p.xyz"]),
    ("save-is-a-folder", (), ["train", "--save", "."]),
    ("checkpoint-is-a-file", ("d.csv",), ["train", "--checkpoint", "d.csv"]),
    ("resume-no-checkpoint", (), ["train", "--resume", "."]),
    ("checkpoint-and-resume", (), ["train", "--checkpoint", "a", "--resume", "b"]),
    ("check-grad-numba", (), ["train", "--check-grad", "--engine", "compiled"]),
    ("grad-seed-with-num-examples", (), ["grad", "--num-examples", "5"]),
    ("grad-w-length", (), ["grad", "--w", "1,2,3"]),
    ("make-data-bad-suffix", (), ["make-data", "--num-examples", "10", "--out", "d.csv"]),
    ("predict-missing-columns", ("m2.json", "d.csv"), ["predict", "--model", "m2.json",
                                                      "--data", "d.csv"]),
    ("predict-output-exists", ("model.json", "d.csv"), ["predict", "--model", "model.json",
                                                        "--data", "d.csv", "--output", "d.csv"]),
    ("diverged", ("d.csv",), ["train", "--data", "d.csv", "--lr", "100", "--standardize"]),
    ("diverged-unstandardized", (), ["train", "--lr", "5", "--num-examples", "100"]),
]  # fmt: skip


def _write(here, name: str) -> None:
    if name.endswith(".csv") or name.endswith(".txt"):
        (here / name).write_text(csv_text())
    elif name == "m2.json":
        write_model(here / name, feature_names=["p", "q"])
    else:
        write_model(here / name)


@pytest.mark.parametrize(("files", "args"), [pytest.param(*c[1:], id=c[0]) for c in MORE])
def test_every_kind_of_failure_is_told_in_chinese(both, here, files, args):
    for name in files:
        _write(here, name)
    assert_chinese(*both(*args, "--seed", "1", limit=30))


@pytest.mark.parametrize(
    ("env", "args"),
    [
        pytest.param({"RANK": "x", "WORLD_SIZE": "2"}, ["train"], id="rank-not-a-number"),
        pytest.param({"RANK": "5", "WORLD_SIZE": "2"}, ["train"], id="rank-beyond-world-size"),
        pytest.param({"RANK": "0", "WORLD_SIZE": "2"}, ["grad"], id="grad-under-torchrun"),
        pytest.param(
            {"RANK": "0", "WORLD_SIZE": "2"}, ["train", "--check-grad"], id="check-grad-torchrun"
        ),
    ],
)
def test_torchrun_refusals_are_told_in_chinese(both, here, monkeypatch, env, args):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert_chinese(*both(*args))


@pytest.mark.parametrize(("error", "code"), [(KeyboardInterrupt, 130), (None, 143)])
def test_interrupted_and_terminated_are_told_in_chinese(both, here, monkeypatch, error, code):
    from linscratch import cli

    class Stops:
        @staticmethod
        def run(args):
            raise error if error is not None else cli.Terminated

    monkeypatch.setattr(cli, "_command", lambda name: Stops)
    english, chinese = both("make-data", "--num-examples", "10", "--out", "d.npy")
    assert english.code == chinese.code == code
    assert chinese.err.strip() in ("linscratch: 已中断", "linscratch: 已终止"), chinese.err


def test_the_stability_warning_is_told_in_chinese(both, here):
    _, chinese = both("train", "--lr", "5", "--num-examples", "100", "--seed", "1")
    warning = [line for line in chinese.err.splitlines() if "警告" in line]
    assert len(warning) == 1 and warning[0].startswith("linscratch train: 警告："), chinese.err
    assert not english_words(warning[0]), warning[0]


def test_the_english_words_check_can_fail():
    assert english_words("linscratch train: 错误：--lr 必须是 'abc' but got it") == ["but", "got"]
    assert not english_words("linscratch train: 错误：d.csv：列 'a'，第 2 行：nan 不是有限值")
