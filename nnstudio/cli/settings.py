"""The command line's options for the training settings, generated from their table
(spec/training_settings.py): one flag per setting that has one, with its choices, its type
and its range, so that a bad value is refused by argparse naming the flag ("argument
--momentum: must be a number between 0 and 0.9999, not 2") before anything runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from nnstudio.spec.training_settings import TRAINING_SETTINGS, Setting

# The settings that say which data a saved network is evaluated on (``nnstudio eval``).
DATA_SETTINGS = ("dataset", "data_dir", "backend")


def setting_type(setting: Setting) -> Callable[[str], Any]:
    """An argparse type for a number setting: a finite number within its range."""
    kind = int if setting.kind == "int" else float
    what = "a whole number" if kind is int else "a number"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, not {text!r}") from None
        if setting.check(value) is not None:  # refuses NaN and infinity too
            low, high = _bounds(setting)
            raise argparse.ArgumentTypeError(f"must be {what} between {low} and {high}, "
                                             f"not {text}")
        return value
    parse.__name__ = setting.name  # argparse names the type in some messages
    return parse


def _bounds(setting: Setting) -> tuple[str, str]:
    def written(value: float) -> str:
        return str(int(value)) if setting.kind == "int" else f"{value:g}"
    return written(setting.minimum), written(setting.maximum)


def _help(setting: Setting) -> str:
    text = setting.flag_help or setting.help.rstrip(".")
    if not text[1:2].isupper():  # "L1 ..." keeps its capital
        text = text[:1].lower() + text[1:]
    if setting.kind in ("int", "float"):
        text += " ({} to {})".format(*_bounds(setting))
    return text


def add_setting_options(parser: argparse.ArgumentParser,
                        names: Iterable[str] | None = None) -> None:
    """A flag for each training setting (of ``names``, else all) that has one. A flag left
    out leaves the setting as the opened project has it (its value is None)."""
    wanted = set(names) if names is not None else None
    for setting in TRAINING_SETTINGS:
        if setting.flag is None or (wanted is not None and setting.name not in wanted):
            continue
        common: dict[str, Any] = {"dest": setting.name, "default": None,
                                  "help": _help(setting)}
        if setting.kind == "bool":  # the flag turns the default over: --augment, --no-shuffle
            parser.add_argument(setting.flag, action="store_const",
                                const=not setting.default, **common)
        elif setting.kind == "choice":
            parser.add_argument(setting.flag, choices=setting.choices, **common)
        elif setting.kind in ("int", "float"):
            parser.add_argument(setting.flag, type=setting_type(setting),
                                metavar="N" if setting.kind == "int" else "X", **common)
        else:
            parser.add_argument(setting.flag, **common)


def settings_from_args(training: Any, args: argparse.Namespace) -> Any:
    """``training`` (a TrainingSpec) with the settings given on the command line."""
    changes = {setting.name: getattr(args, setting.name, None) for setting in TRAINING_SETTINGS
               if setting.flag is not None}
    if changes.get("data_dir"):  # kept with a saved project, so `eval` finds the same data
        changes["data_dir"] = str(Path(changes["data_dir"]).resolve())
    return replace(training, **{k: v for k, v in changes.items() if v is not None})
