"""The help: every flag of every command explained with its default, grouped, with examples;
bare `linscratch`; `--lang zh` for help, argparse's own messages and every command; the flag
tables of the user guide's pages (docs/guide/COMMAND.md) are the parser's."""

import argparse
import re
from pathlib import Path

import pytest

from linscratch import i18n
from linscratch.cli.helpformat import Formatter, flag_table
from linscratch.cli.parsers import PARSERS, command_parser
from linscratch.i18n import width
from linscratch.i18n.layout import wrap

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide"
CHINESE = re.compile("[\u4e00-\u9fff]")


def flags_of(name: str) -> list[argparse.Action]:
    return [a for a in command_parser(name)._actions if a.option_strings != ["-h", "--help"]]


@pytest.mark.parametrize("name", PARSERS)
def test_every_flag_has_help_with_its_default(name):
    for action in flags_of(name):
        assert action.about and action.shown_default, action.option_strings
        if action.shown_default == "required":
            assert action.help.endswith("(required)")
        else:
            assert action.help.endswith(f"(default: {action.shown_default})")


def test_defaults_shown_are_the_specs():
    from linscratch.spec import SEED_TRUE_B, DataSpec, OptimSpec, RunSpec

    shown = {a.dest: a.shown_default for a in flags_of("train")}
    optim, data = OptimSpec(), DataSpec().resolved(0)
    book = RunSpec.build().with_seed(0).optim.lr  # the synthetic experiment's resolved rate
    assert optim.lr is None and shown["lr"].startswith("auto") and str(book) in shown["lr"]
    assert shown["batch_size"] == str(optim.batch_size)
    epochs = RunSpec.build().with_seed(0).optim.num_epochs  # the synthetic experiment's 3
    assert optim.num_epochs is None and shown["num_epochs"].startswith("auto")
    assert f"the book's {epochs}" in shown["num_epochs"]
    assert shown["num_examples"] == str(data.num_examples) and shown["noise"] == str(data.noise)
    assert shown["true_b"] == str(data.true_b) == str(SEED_TRUE_B)
    assert shown["num_features"] == str(data.num_features)


@pytest.mark.parametrize("name", PARSERS)
def test_help_groups_flags_and_ends_with_examples(cli, name):
    run = cli(name, "--help")
    assert run.code == 0 and run.err == ""
    examples = run.out.split("examples:\n")[1]
    commands = [line.strip() for line in examples.splitlines() if line.startswith("  linscr")]
    assert 2 <= len(commands) <= 3 and all(c.startswith(f"linscratch {name}") for c in commands)
    assert "\noutput:\n" in run.out


def test_train_lists_the_common_flags_first(cli):
    out = cli("train", "--help").out
    positions = [out.index(f"\n  {flag} ") for flag in ("--epochs", "--lr", "--batch-size")]
    assert positions == sorted(positions) and positions[-1] < out.index("\n  --engine ")
    assert out.index("the experiment:") < out.index("synthetic data") < out.index("how it runs:")


@pytest.mark.parametrize("name", PARSERS)
def test_help_in_chinese(cli, name):
    run = cli(name, "--lang", "zh", "--help")
    assert run.code == 0
    assert (
        run.out.startswith("用法：") and "示例：" in run.out and "显示此帮助信息并退出" in run.out
    )
    assert "\n选项：\n" in run.out and "\n输出：\n" in run.out  # headings, full-width colons
    examples = run.out.split("示例：\n")[1]
    assert f"  linscratch {name}" in examples and CHINESE.search(examples)
    # every flag's own help is Chinese (flag names and values aside)
    for action in flags_of(name):
        i18n.set_language("zh")
        try:
            zh = command_parser(name)._option_string_actions[action.option_strings[0]].help
        finally:
            i18n.set_language("en")
        assert CHINESE.search(zh), action.option_strings


def test_help_lines_fit_the_screen_in_chinese(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("train", "--lang=zh", "--help").out
    too_wide = [line for line in out.splitlines() if width(line) > 80]
    assert not too_wide


def test_wrap_counts_chinese_characters_twice_and_keeps_punctuation():
    lines = wrap("学习率（默认：0.03）" * 4, 20)
    assert all(width(line) <= 20 for line in lines)
    assert not any(line[0] in "，。；：）" or line[-1] == "（" for line in lines)
    assert wrap("a few words here", 7) == ["a few", "words", "here"]


def test_bare_linscratch_lists_the_commands(cli):
    run = cli()
    assert run.code == 0 and run.err == ""
    assert run.out.startswith("usage: linscratch")
    for name in PARSERS:
        assert re.search(rf"^    {name} +\S", run.out, flags=re.M), name
    assert "--help" in run.out
    zh = cli("--lang", "zh")
    assert zh.code == 0 and "用小批量随机梯度下降训练" in zh.out


def test_grad_example_book_is_the_seed_batch(cli):
    book, seed, default = (
        cli("grad", "--example", "book"),
        cli("grad", "--example", "seed"),
        cli("grad"),
    )
    assert book.code == seed.code == 0 and book.out == seed.out == default.out
    reports = [cli("grad", "--example", e, "--json").json for e in ("book", "seed")]
    assert reports[0] == reports[1] and reports[0]["example"] == "book"
    assert reports[0]["analytic"]["b"] == pytest.approx(-40.9567, abs=1e-4)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "--lang", "zh", "--engine", "warp"], "无效的选项"),
        (["sweep", "--lang", "zh", "--lr", "0.1"], "缺少必需的参数：--batch-size"),
        (["predict", "--lang=zh", "--model", "m.json"], "必须给出参数"),
        (["make-data", "--lang", "zh", "--out", "x.npy", "--num-examples"], "需要一个值"),
        (["grad", "--lang", "zh", "--bogus"], "无法识别的参数：--bogus"),
    ],
)
def test_a_parse_error_in_chinese_is_one_line_and_exit_2(cli, args, words):
    run = cli(*args)
    assert run.code == 2 and run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "错误" in lines[0], run.err


def test_english_again_after_each_command(cli):
    before = argparse._
    for args in (["train", "--lang", "zh", "--help"], ["train", "--lang", "zh", "--lr", "x"]):
        cli(*args)
        assert i18n.language() == "en" and argparse._ is before
    run = cli("train", "--engine", "warp")
    assert "invalid choice" in run.err and "错误" not in run.err


@pytest.mark.parametrize("name", PARSERS)
def test_every_command_takes_lang(name):
    from linscratch.cli.parsers import build_parser

    required = {
        "sweep": ["--lr", "0.1", "--batch-size", "10"],
        "make-data": ["--num-examples", "5", "--out", "x.npy"],
        "predict": ["--model", "m.json", "--dataset", "longley"],
    }
    args = build_parser().parse_args([name, *required.get(name, []), "--lang", "zh"])
    assert args.lang == "zh"


def test_make_data_takes_lang_and_writes(cli, tmp_path):
    import numpy as np

    out = tmp_path / "d.npy"
    run = cli("make-data", "--num-examples", "5", "--seed", "1", "--out", str(out), "--lang", "zh")
    assert run.code == 0 and np.load(out).shape == (5, 3)
    assert i18n.language() == "en"


@pytest.mark.parametrize("name", PARSERS)
def test_guide_tables_are_the_parsers(name):
    table = flag_table(command_parser(name))
    page = GUIDE / f"{name}.md"
    assert table in page.read_text(), f"docs/guide/{name}.md's flags differ; the table is:\n{table}"


def test_a_long_list_of_choices_is_named_in_the_usage(monkeypatch):
    """Choices too long for a usage line beside its indent show there by the flag's name; the
    flag's own line still lists them, and every line fits the screen (English and Chinese)."""
    monkeypatch.setenv("COLUMNS", "80")
    names = [f"long_choice_{k:03d}" for k in range(4)]  # 15 characters each
    for lang in ("en", "zh"):
        i18n.set_language(lang)
        try:
            parser = argparse.ArgumentParser(prog="linscratch train", formatter_class=Formatter)
            parser.add_argument("--pick", choices=names)
            parser.add_argument("--engine", choices=("auto", "compiled"))
            usage, text = parser.format_usage(), parser.format_help()
        finally:
            i18n.set_language("en")
        assert "[--pick PICK]" in usage and "[--engine {auto,compiled}]" in usage
        assert "--pick {" + ",".join(names) + "}" in text
        assert all(width(line) <= 80 for line in text.splitlines())
        assert parser._option_string_actions["--pick"].metavar is None  # restored
