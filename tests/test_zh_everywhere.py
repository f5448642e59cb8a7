"""`--lang zh` on every command: everything printed (reports, help, warnings, errors, the
check-grad summary, sweep's table, predict's and make-data's lines) is Chinese. A walk through
the commands, successes and failures alike, finds no English word outside names that stay as
they are (flags, files, columns, engines, dtypes, the book's `tensor`)."""

from __future__ import annotations

import re
import warnings

import pytest

from linscratch import cli, i18n

# Words that are names, not English text: they stay as they are in Chinese output.
NAMES = set(
    """
    linscratch train sweep grad predict make data tensor
    dtype SGD OLS autograd analytic compiled auto book
    full block none float32 float64 torchrun cuda cpu
    zero mean longley json csv txt npy parquet arrow feather png
    svg max lambda inf nan NaN true false
    torch numpy help seed lang Python shuffle random
    sgd squared_loss data_iter linreg Noto Sans CJK RMSE
    MiB GiB Huber huber squared
    constant invscaling step scikit SGDRegressor PyTorch StepLR
    always never formulaic statsmodels const
    TensorBoard tensorboard
    """.split()
)
PACKAGES = ("fonts-noto-cjk",)  # Debian packages a message suggests installing: names too
LONGLEY = {"GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR", "TOTEMP"}


def english_words(text: str) -> list[str]:
    """Words of three or more Latin letters that are not a flag, a file, a package, an upper-case
    name (a metavar, a column) or one of NAMES, outside the book's own `epoch N, loss X` lines
    (d2l-zh and the study note print them in English, as the seed does) and the command lines
    of the help's examples."""
    text = re.sub(r"(?m)^epoch \d+, loss [\d.]+$", " ", text)
    text = re.sub(r"(?m)^\s*linscratch .*$", " ", text)
    text = re.sub("|".join(PACKAGES), " ", text)  # packages a message names
    text = re.sub(r"--?[a-z][a-z0-9-]*", " ", text)  # flags
    text = re.sub(r"[\w./-]+\.(json|csv|npy|parquet|arrow|feather|png|svg)\b", " ", text)  # files
    text = re.sub(r"/[\w./-]+", " ", text)  # paths
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)  # quoted values
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", text)
    return [
        w for w in words if w not in NAMES and w not in LONGLEY and not w.isupper() and "_" not in w
    ]


@pytest.fixture
def zh_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    def run(*argv, status=0):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = cli.main([*argv, "--lang", "zh"])
        out, err = capsys.readouterr()
        assert code == status, (argv, code, out, err)
        assert i18n.language() == "en"  # main leaves the language as it found it
        text = out + err + "".join(str(w.message) for w in caught)
        assert re.search(r"[\u4e00-\u9fff]", text), (argv, text)
        return text

    return run


RAW_DIVERGES = ["--lr", "0.03", "--val-fraction", "0.25", "--no-standardize"]
WALK = [
    (["train", "--seed", "1"], 0),
    (["train", "--seed", "1", "--check-grad"], 0),
    (["train", "--seed", "1", "--val-fraction", "0.2", "--plot", "zh.png"], 0),
    (["train", "--dataset", "longley", "--standardize", "--lr", "0.3", "--seed", "1"], 0),
    (["train", "--seed", "1", "--lr", "100"], 1),  # a warning, then divergence
    (["train", "--dataset", "longley", "--seed", "1", *RAW_DIVERGES], 1),
    (["train", "--dataset", "longley", "--seed", "1", "--epochs", "auto"], 0),  # not converged
    (["train", "--dataset", "longley", "--seed", "1"], 0),  # lr auto: the rate it chose
    (["train", "--seed", "1", "--epochs", "200", "--early-stopping"], 0),  # stops early
    (["train", "--tol", "0.1"], 2),  # without --early-stopping
    (["train", "--seed", "1", "--lr-schedule", "invscaling"], 0),
    (["train", "--seed", "1", "--lr-schedule", "step", "--lr-step-factor", "0.5"], 0),
    (["train", "--power-t", "0.5"], 2),  # without --lr-schedule invscaling
    (["train", "--seed", "1", "--loss", "huber", "--val-fraction", "0.2", "--plot", "h.png"], 0),
    (["train", "--seed", "1", "--loss", "huber", "--lr", "1e12"], 1),  # Huber's exact answer
    (["train", "--huber-delta", "2"], 2),  # without --loss huber
    (["grad", "--loss", "huber", "--huber-delta", "2"], 0),
    (["train", "--batch-size", "0"], 2),
    (["train", "--data", "missing.csv"], 2),
    (["train", "--epochs", "x"], 2),
    (["train", "--no-such-flag"], 2),
    (["grad"], 0),
    (["grad", "--l2", "0.1"], 0),  # weight decay: the penalty's lines
    (
        [
            "train",
            "--dataset",
            "longley",
            "--standardize",
            "--lr",
            "0.3",
            "--seed",
            "1",
            "--l2",
            "0.1",
            "--val-fraction",
            "0.25",
        ],
        0,
    ),  # ridge, RMSE and validation lines
    (["train", "--seed", "1", "--lr", "100", "--l2", "0.5"], 1),  # ridge beside a divergence
    (["train", "--l2", "-1"], 2),
    (["grad", "--example", "book"], 0),
    (["sweep", "--lr", "0.03,3", "--batch-size", "10", "--epochs", "2", "--seed", "1"], 0),
    (["make-data", "--num-examples", "50", "--seed", "1", "--out", "d.npy"], 0),
    (["predict", "--model", "missing.json", "--dataset", "longley"], 2),
]


@pytest.mark.parametrize("argv, status", WALK, ids=[" ".join(a) for a, _ in WALK])
def test_every_command_speaks_chinese(argv, status, zh_run):
    text = zh_run(*argv, status=status)
    assert english_words(text) == [], text


def test_an_existing_file_is_refused_in_chinese(zh_run):
    zh_run("make-data", "--num-examples", "50", "--seed", "1", "--out", "d.npy")
    text = zh_run("make-data", "--num-examples", "50", "--seed", "1", "--out", "d.npy", status=2)
    assert english_words(text) == [], text


def test_a_model_predicts_in_chinese(zh_run):
    zh_run(
        "train",
        "--dataset",
        "longley",
        "--standardize",
        "--lr",
        "0.3",
        "--seed",
        "1",
        "--save",
        "m.json",
    )
    text = zh_run("predict", "--model", "m.json", "--dataset", "longley", "--output", "p.csv")
    assert english_words(text) == [], text


@pytest.mark.parametrize("command", ["train", "sweep", "grad", "predict", "make-data"])
def test_help_is_chinese(command, capsys):
    try:
        code = cli.main([command, "--help", "--lang", "zh"])
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr().out
    assert code == 0 and re.search(r"[\u4e00-\u9fff]", out)
    assert english_words(out) == [], out
    assert i18n.language() == "en"


PLOTS = [(argv, status) for argv, status in WALK if "--plot" in argv]


@pytest.mark.parametrize("argv, status", PLOTS, ids=[" ".join(a) for a, _ in PLOTS])
def test_figures_without_a_chinese_font(argv, status, zh_run, monkeypatch):
    """Where no CJK font is installed (CI installs one; a user's machine may not have it), the
    figure falls back to English labels after one Chinese line that says so."""
    from linscratch.show import fonts

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    text = zh_run(*argv, status=status)
    assert english_words(text) == [], text
    assert "fonts-noto-cjk" in text
