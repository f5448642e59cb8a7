"""Flags from the spec: each run setting's flag is described by its field's metadata
(`spec.setting`), and every command's parser is built from it; `flags.FLAG_OF` names every
flag whose name is not its field's with dashes, so that a message naming a field names the
flag the user typed."""

import dataclasses

import pytest

from linscratch import spec
from linscratch.cli import flags
from linscratch.cli.flags import OWN, flag
from linscratch.cli.parsers import PARSERS, command_parser
from linscratch.i18n import Words
from linscratch.rules import RULES


def test_every_setting_but_the_notebooks_has_a_flag_described():
    described = {name for name, f in spec.FIELDS.items() if f.metadata}
    assert set(spec.FIELDS) - described == {"live"}
    for name in described:
        meta = spec.FIELDS[name].metadata
        assert isinstance(meta["about"], Words) and isinstance(meta["group"], Words), name
        assert name in RULES, name
    sections = [f.name for cls in spec.SECTIONS.values() for f in dataclasses.fields(cls)]
    assert list(spec.FIELDS) == [*sections, "seed"]


@pytest.mark.parametrize("name", PARSERS)
def test_every_flag_is_the_one_flag_names(name):
    """An error about a flag's field, rendered with `flag`, names this very flag."""
    for action in command_parser(name)._actions:
        if action.dest in spec.FIELDS or action.dest in OWN:
            # a setting the data decides is given either way: --standardize, --no-standardize
            assert action.option_strings[0] == flag(action.dest), action.dest
            negative = flag(action.dest).replace("--", "--no-", 1)
            assert action.option_strings[1:] in ([], [negative]), action.dest


def test_train_flags_read_the_spec_metadata():
    """train takes every described setting, with the metadata's words, value name, group and
    the spec's default; a change in the metadata is a change in the help."""
    parser = command_parser("train")
    titles = {a.dest: g.title for g in parser._action_groups for a in g._group_actions}
    actions = {a.dest: a for a in parser._actions}
    defaults = spec.DEFAULTS | spec.SYNTHETIC_DEFAULTS
    for name, field in spec.FIELDS.items():
        if not field.metadata:
            continue
        action, meta = actions[name], field.metadata
        assert titles[name] == meta["group"], name
        assert action.metavar == meta["metavar"], name
        # the help's values filled in where the cli knows them (the planner's numbers, the
        # formats' registry): the metadata's words with those values
        values = flags.HELP_VALUES.get(name, {})
        assert action.about == Words(meta["about"], **values).said(), name
        if "shown" in meta:
            said = getattr(meta["shown"], "said", None)
            assert action.shown_default == (said() if said else meta["shown"]), name
        elif field.type != "bool":
            shown = defaults[name]
            assert action.shown_default == ("none" if shown is None else str(shown)), name


def test_a_sweep_takes_lists_of_the_settings_values_each_checked(cli):
    parser = command_parser("sweep")
    args = parser.parse_args(["--lr", "0.1,0.3", "--batch-size", "5,10", "--epochs", "2"])
    assert args.lr == [0.1, 0.3] and args.batch_size == [5, 10] and args.num_epochs == 2
    run = cli("sweep", "--lr", "0.1,0", "--batch-size", "5")
    assert run.code == 2 and run.err.strip() == (
        "linscratch sweep: error: argument --lr: must be a positive finite number "
        "(at least 1e-30) or auto, got '0'"
    )
