"""The terminal's small things: aligned tables, the language from the environment, full-width
Chinese punctuation, one Chinese term per concept, help wrapped between words, counts with
the right English plural, a resumed run said so, a gap marked in early-stopped epoch lines."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import linscratch
from linscratch import i18n
from linscratch.i18n import catalogue, environment_language, width
from linscratch.i18n.glossary import GLOSSARY
from linscratch.i18n.layout import wrap

HAN = "\u4e00-\u9fff"


def right_edges(line: str) -> list[int]:
    """The terminal column where each whitespace-separated cell of `line` ends."""
    edges, column = [], 0
    for part in re.split(r"(\s+)", line):
        column += width(part)
        if part and not part.isspace():
            edges.append(column)
    return edges


def assert_aligned(lines: list[str]) -> None:
    """Every row of a right-justified table ends its cells where the header does, and no two
    cells run together (a row has as many cells as the header)."""
    head = right_edges(lines[0])
    for line in lines[1:]:
        if line.strip() == "…":
            continue
        assert right_edges(line) == head, f"not aligned:\n{lines[0]}\n{line}"


def table_after(text: str, heading: str, stop) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading)) + 1
    end = next(i for i in range(start, len(lines)) if stop(lines[i]))
    return lines[start:end]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_grad_tables_align_negative_numbers_of_mixed_widths(cli, lang):
    run = cli("grad", "--example", "random", "--seed", "2", "--w", "2,-3.4", "--b", "4.2",
              "--num-examples", "20", "--lang", lang)  # fmt: skip
    assert run.code == 0
    step1 = "Step 1." if lang == "en" else "步骤 1"
    rows = table_after(run.out, step1, lambda line: line.lstrip().startswith(("row", "第")))
    # the cell that ran into its left (its digits past the fourth depend on the CPU's vectors)
    assert len(rows) == 13 and " -0.000195" in rows[-2]
    assert_aligned(rows)
    step5 = "Step 5." if lang == "en" else "步骤 5"
    head, *rows = table_after(run.out, step5, lambda line: " vs " in line or "对比" in line)
    assert_aligned(rows)  # the labels' column has no heading; the methods' end over theirs
    assert set(right_edges(rows[0])[1:]) <= set(right_edges(head))


def test_explain_table_aligns_too():
    rng = np.random.default_rng(4)
    X = torch.tensor(rng.normal(size=(6, 3)) * [1, 100, 1e-4])
    y = torch.tensor(rng.normal(size=6) * 1e3)
    w, b = torch.tensor([2.0, -3.4, 1e5], dtype=X.dtype), torch.tensor([4.2], dtype=X.dtype)
    check = linscratch.check_gradients(X, y, w, b)
    text = linscratch.explain(check, lang="en")
    assert_aligned(table_after(text, "Step 1.", lambda line: line.lstrip().startswith("row")))


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL comes first
        ({"LC_MESSAGES": "zh_CN", "LANG": "C"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # empty counts as unset
        ({"LINSCRATCH_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"LINSCRATCH_LANG": "zh", "LANG": "C.UTF-8"}, "zh"),
        ({}, None),
    ],
)
def test_the_environment_chooses_the_language(env, expected):
    assert environment_language(env) == expected


def test_the_cli_speaks_the_locale_unless_told(cli, monkeypatch):
    for name in i18n.LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    run = cli("train", "--epochs", "1", "--seed", "1", "--batch-size", "0")
    assert run.code == 2 and "错误：" in run.err
    run = cli("grad")
    assert "步骤 1" in run.out
    assert "Step 1." in cli("grad", "--lang", "en").out
    monkeypatch.setenv("LINSCRATCH_LANG", "en")
    assert "Step 1." in cli("grad").out
    assert i18n.language() == "en"  # restored after each command


def test_chinese_punctuation_is_full_width_after_chinese():
    """No half-width , : ; ? ! right after a Chinese character, and no Chinese text in
    half-width parentheses, in any entry; the one exception is d2l-zh's own print of the
    estimation errors, quoted as the book prints it (`w的估计误差: `)."""
    book = {"error in estimating w", "error in estimating b"}
    pattern = re.compile(rf"[{HAN}]\s*[,:;?!]|(?<![A-Za-z])\([{HAN}]|[{HAN}]\)")
    bad = [v for k, v in catalogue("zh").items() if k not in book and pattern.search(v)]
    assert not bad


@pytest.mark.parametrize(
    "args",
    [
        ("grad",),
        ("grad", "--loss", "huber", "--example", "random", "--seed", "3"),
        ("train", "--epochs", "2", "--seed", "1", "--early-stopping", "--n-iter-no-change", "1"),
        ("sweep", "--lr", "0.03,5", "--batch-size", "10", "--epochs", "2", "--seed", "1"),
        ("train", "--lr", "5", "--epochs", "2", "--seed", "1"),
    ],
)
def test_what_the_commands_print_in_chinese_is_full_width(cli, args):
    run = cli(*args, "--lang", "zh")
    book = ("w的估计误差: ", "b的估计误差: ")  # d2l-zh's own print, as the book prints it
    pattern = re.compile(rf"[{HAN}]\s*[,:;?!]|(?<![A-Za-z])\([{HAN}]|[{HAN}]\)")
    for line in (run.out + run.err).splitlines():
        assert line.startswith(book) or not pattern.search(line), line


def test_the_error_prefix_is_full_width(cli):
    run = cli("train", "--batch-size", "0", "--lang", "zh")
    assert run.err.startswith("linscratch train: 错误：参数 --batch-size：")


def test_one_chinese_term_per_concept():
    """Each glossary term: an entry whose English says it says the Chinese term (or keeps the
    English word, a name such as the engine `analytic`); no entry uses a refused name."""
    strip = re.compile(r"\{[^{}]*\}")  # placeholders are names, not words
    problems = []
    for key, text in catalogue("zh").items():
        english, chinese = strip.sub("", key.split("\x04")[-1]), strip.sub("", text)
        for term in GLOSSARY:
            refused = [r for r in term.refused if r in text]
            if refused:
                problems.append(f"{refused[0]} for {term.chinese}: {text}")
            said = re.search(rf"\b{term.english}\b", english, re.I)
            kept = re.search(rf"\b{term.english}\b", chinese, re.I)
            if said and not kept and term.chinese not in chinese:
                problems.append(f"{term.english} without {term.chinese}: {text}")
    assert not problems, "\n".join(problems)


def test_the_glossary_has_one_chinese_term_for_each_english():
    chinese = [t.chinese for t in GLOSSARY]
    assert len(chinese) == len(set(chinese))
    assert not {r for t in GLOSSARY for r in t.refused} & set(chinese)


@pytest.mark.parametrize("columns", range(20, 60, 3))
def test_help_breaks_between_chinese_words_never_inside_a_word_or_formula(columns):
    text = (
        "SGD 最小化的损失：huber，|ŷ − y| ≤ δ 时为 ½(ŷ − y)²，否则为 δ(|ŷ − y| − δ/2)，"
        "异常值对它的拉动较小；提前停止：以 --n-iter-no-change 个迭代周期为一个窗口（默认：关闭）"
    )
    lines = wrap(text, columns)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
    joined = "\n".join(lines)
    for whole in ["默认", "关闭", "迭代周期", "--n-iter-no-change", "δ(|ŷ − y| − δ/2)",
                  "|ŷ − y| ≤ δ", "½(ŷ − y)²"]:  # fmt: skip
        assert whole in joined, f"{whole!r} broken at {columns} columns:\n{joined}"
    assert all(width(line) <= columns or " " not in line for line in lines)


def test_the_chinese_help_keeps_words_and_formulas_whole(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("train", "--help", "--lang", "zh").out
    assert "δ(|ŷ − y| − δ/2)" in out and "（默认：关闭）" in out.replace("\n", "").replace(" ", "")
    for line in out.splitlines():
        assert not re.search(r"默$|^\s*认|关$|^\s*闭", line), line


@pytest.mark.parametrize(
    "n, one, many, expected",
    [
        (1, "{n:,} feature", "{n:,} features", "1 feature"),
        (0, "{n:,} feature", "{n:,} features", "0 features"),
        (1000, "{n:,} row", "{n:,} rows", "1,000 rows"),
    ],
)
def test_counts_take_the_right_english_plural(n, one, many, expected):
    assert i18n.counted(n, one, many) == expected
    with i18n.speaking("zh"):
        assert i18n.counted(n, one, many) == catalogue("zh")[one].format(n=n)


def test_one_feature_and_one_epoch_read_as_such(cli, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    table = np.column_stack([x, 2 * x + 1])
    np.savetxt(tmp_path / "one.csv", table, delimiter=",", header="x,y", comments="")
    run = cli("train", "--data", str(tmp_path / "one.csv"), "--target", "y", "--epochs", "1")
    assert "1 epoch x 1,000 examples in " in run.out and "(s)" not in run.out
    result = linscratch.fit(x.reshape(-1, 1), 2 * x + 1, num_epochs=1, seed=0)
    assert "1 epoch x 1,000 rows" in repr(result)
    check = linscratch.check_gradients(
        torch.ones(1, 1), torch.ones(1), torch.ones(1), torch.ones(1)
    )
    assert "1 row x 1 feature" in check._repr_html_()
    made = cli("make-data", "--num-examples", "1000", "--num-features", "1", "--seed", "3",
               "--out", str(tmp_path / "m.npy"))  # fmt: skip
    assert made.out.startswith("wrote 1,000 rows x 1 feature and the target to ")
    walk = cli("grad", "--example", "random", "--num-features", "1", "--num-examples", "1")
    assert "on a batch of 1 row, 1 feature (float64)" in walk.out.splitlines()[0]
    sweep = cli("sweep", "--lr", "0.03", "--batch-size", "10", "--epochs", "1", "--jobs", "1")
    assert sweep.out.splitlines()[-1].startswith("1 run in ") and " on 1 process," in sweep.out


def test_a_resumed_run_says_where_it_resumed(cli, tmp_path):
    folder = str(tmp_path / "ck")
    cli("train", "--seed", "1", "--epochs", "2", "--checkpoint", folder)
    run = cli("train", "--seed", "1", "--epochs", "4", "--resume", folder)
    lines = run.out.splitlines()
    assert lines[:5] == [
        lines[0],
        lines[1],
        "resumed at epoch 3",
        *[line for line in lines[3:5] if line.startswith(("epoch 3,", "epoch 4,"))],
    ]
    assert lines[0].startswith("epoch 1,") and lines[1].startswith("epoch 2,")


def test_an_early_stop_between_shown_epochs_is_marked(cli):
    run = cli("train", "--early-stopping", "--epochs", "100", "--seed", "1",
              "--n-iter-no-change", "2")  # fmt: skip
    lines = [line for line in run.out.splitlines() if line.startswith("epoch") or line == "…"]
    stopped = int(re.search(r"stopped early at epoch (\d+)", run.out).group(1))
    assert 2 < stopped < 10  # between epoch 1 and epoch 10, the rule's next line
    assert lines == [lines[0], "…", lines[-1]]
    assert lines[0].startswith("epoch 1,") and lines[-1].startswith(f"epoch {stopped},")
