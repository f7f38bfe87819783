"""The training panel, the command line and TrainingSpec agree on every training setting:
all three are generated from one table, so each refuses (or clamps) the same values and
offers the same choices."""

from __future__ import annotations

import argparse
import warnings
from dataclasses import replace

import pytest

from nnstudio.app.training.panel import TrainingPanel
from nnstudio.cli import train as cli_train
from nnstudio.spec.training import TrainingSpec
from nnstudio.spec.training_settings import DEFAULT_LR, SETTINGS, TRAINING_SETTINGS

NUMBERS = [s for s in TRAINING_SETTINGS if s.kind in ("int", "float")]
CHOICES = [s for s in TRAINING_SETTINGS if s.kind == "choice"]


def out_of_range(setting) -> list:
    """A value just below the setting's range and one above it."""
    if setting.kind == "int":
        return [int(setting.minimum) - 1, int(setting.maximum) + 1]
    below = setting.minimum / 2 if setting.minimum > 0 else setting.minimum - 1.0
    return [below, setting.maximum * 2]


def parse_train(*args: str) -> argparse.Namespace:
    """``nnstudio train xor-mlp ARGS`` as the command line parses it."""
    parser = argparse.ArgumentParser(prog="nnstudio")
    cli_train.register(parser.add_subparsers())
    return parser.parse_args(["train", "xor-mlp", *args])


def cli_refusal(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        parse_train(*args)
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.fixture
def panel(qtbot) -> TrainingPanel:
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize("setting", NUMBERS, ids=lambda s: s.name)
def test_a_number_out_of_range_is_refused_by_spec_and_cli_and_clamped_by_the_panel(
        capsys, panel, setting) -> None:
    for value, bound in zip(out_of_range(setting), (setting.minimum, setting.maximum),
                            strict=True):
        problems = replace(TrainingSpec(), **{setting.name: value}).problems()
        assert [p for p in problems if p.startswith(f"{setting.name} must")], value
        assert f"argument {setting.flag}: must be" in cli_refusal(
            capsys, setting.flag, str(value))
        assert getattr(parse_train(setting.flag, str(bound)), setting.name) == bound
        if setting.group is None:
            assert setting.name not in panel.editors
            continue
        box = panel.editors[setting.name].box
        assert (box.minimum(), box.maximum()) == (setting.minimum, setting.maximum)
        if value > 2**31 - 1:  # past what a spin box holds: refused on the way in
            with pytest.raises(OverflowError), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # shiboken says it first
                box.setValue(value)
            continue
        with qtbot_signal(panel) as seen:
            box.setValue(value)
        assert box.value() == bound
        edited = seen[-1] if seen else panel.training()
        assert getattr(edited, setting.name) == bound and edited.problems() == []


class qtbot_signal:  # noqa: N801 - reads as a context manager of the panel's signal
    """The specs ``changed`` emitted while inside."""

    def __init__(self, panel: TrainingPanel) -> None:
        self.panel, self.seen = panel, []

    def __enter__(self) -> list:
        self.panel.changed.connect(self.seen.append)
        return self.seen

    def __exit__(self, *exc: object) -> None:
        self.panel.changed.disconnect(self.seen.append)


@pytest.mark.parametrize("setting", CHOICES, ids=lambda s: s.name)
def test_every_choice_is_offered_by_spec_cli_and_panel_and_no_other(
        capsys, panel, setting) -> None:
    combo = panel.editors[setting.name].box
    assert [combo.itemData(i) for i in range(combo.count())] == list(setting.choices)
    for index, choice in enumerate(setting.choices):
        assert replace(TrainingSpec(), **{setting.name: choice}).problems() == []
        assert getattr(parse_train(setting.flag, choice), setting.name) == choice
        with qtbot_signal(panel) as seen:
            combo.setCurrentIndex(index)
        assert getattr(panel.training(), setting.name) == choice
        assert all(getattr(spec, setting.name) == choice for spec in seen)
    assert replace(TrainingSpec(), **{setting.name: "nope"}).problems()
    assert f"argument {setting.flag}: invalid choice" in cli_refusal(
        capsys, setting.flag, "nope")


@pytest.mark.parametrize("setting", [s for s in TRAINING_SETTINGS if s.kind == "bool"],
                         ids=lambda s: s.name)
def test_a_switch_turns_its_default_over_on_the_command_line_and_in_the_panel(
        panel, setting) -> None:
    assert getattr(parse_train(), setting.name) is None  # left as the project has it
    assert getattr(parse_train(setting.flag), setting.name) is (not setting.default)
    box = panel.editors[setting.name].box
    assert box.text() == setting.label and box.isChecked() is setting.default
    box.setChecked(not setting.default)
    assert getattr(panel.training(), setting.name) is (not setting.default)
    assert replace(TrainingSpec(), **{setting.name: "yes"}).problems()


def test_each_panel_widget_explains_its_setting(panel) -> None:
    for name, editor in panel.editors.items():
        assert editor.widget.toolTip() == SETTINGS[name].help


@pytest.mark.parametrize(("setting", "other", "on", "off"), [
    ("momentum", "optimizer", "nesterov", "adam"),
    ("momentum", "optimizer", "rmsprop", "sgd"),
    ("batch_size", "batch_mode", "mini", "full"),
    ("sort_by_class", "shuffle", False, True),
])
def test_a_setting_is_enabled_only_where_it_matters(panel, setting, other, on, off) -> None:
    for value, enabled in ((on, True), (off, False), (on, True)):
        panel.set_training(replace(panel.training(), **{other: value}))
        assert panel.editors[setting].widget.isEnabled() is enabled, value


def test_choosing_an_optimizer_offers_its_learning_rate(panel) -> None:
    combo = panel.editors["optimizer"].box
    panel.editors["lr"].box.setValue(0.5)
    with qtbot_signal(panel) as seen:
        combo.setCurrentIndex(combo.findData("adadelta"))
    assert seen[-1].optimizer == "adadelta" and seen[-1].lr == DEFAULT_LR["adadelta"]
    assert panel.editors["lr"].box.value() == DEFAULT_LR["adadelta"]
    assert panel.editors["momentum"].widget.isEnabled() is False
    combo.setCurrentIndex(combo.findData("momentum"))
    assert panel.training().lr == DEFAULT_LR["momentum"]
    assert panel.editors["momentum"].widget.isEnabled() is True


def test_set_training_shows_every_value_without_echoing_it(panel) -> None:
    spec = TrainingSpec(optimizer="nesterov", lr=0.02, momentum=0.95, batch_size=1_000_000,
                        epochs=7, l2=0.001, early_stopping=3, shuffle=False,
                        sort_by_class=True, seed=42, backend="auto", init="he_normal")
    with qtbot_signal(panel) as seen:
        panel.set_training(spec)
    assert seen == [] and panel.training() == spec
    for name, editor in panel.editors.items():
        shown = editor.box.currentData() if SETTINGS[name].kind == "choice" else (
            editor.box.isChecked() if SETTINGS[name].kind == "bool" else editor.box.value())
        assert shown == getattr(spec, name), name
