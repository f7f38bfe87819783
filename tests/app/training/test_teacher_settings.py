"""Settings a teacher expects in the training panel: every setting explained on hover, the
step schedule's step and factor, and the toy sets' sliders (points, noise, test share)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel

from nnstudio.app.training.panel import TrainingPanel
from nnstudio.running.session import create_session, load_training_data
from nnstudio.spec.presets import load_preset
from nnstudio.spec.training import TrainingSpec


@pytest.fixture
def panel(qtbot) -> TrainingPanel:
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    return widget


def test_every_row_of_the_panel_explains_itself_on_hover(panel) -> None:
    forms = panel.findChildren(QFormLayout)
    rows = 0
    for form in forms:
        for row in range(form.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if widget is None or (isinstance(widget, QLabel) and not widget.text()):
                    continue  # an empty note or a nested layout
                if isinstance(widget, QLabel) and widget.objectName() == "help":
                    continue
                rows += 1
                assert len(widget.toolTip()) > 30, (widget, widget.toolTip())
    assert rows >= 2 * 20


def test_the_step_schedule_has_its_step_and_factor_in_the_panel(panel) -> None:
    step, gamma = panel.editors["schedule_step"], panel.editors["schedule_gamma"]
    panel.set_training(replace(panel.training(), schedule="constant"))
    assert not step.widget.isEnabled() and not gamma.widget.isEnabled()
    combo = panel.editors["schedule"].box
    combo.setCurrentIndex(combo.findData("step"))
    assert step.widget.isEnabled() and gamma.widget.isEnabled()
    step.box.setValue(3)
    gamma.box.setValue(0.25)
    assert (panel.training().schedule_step, panel.training().schedule_gamma) == (3, 0.25)


def test_toy_sliders_show_only_for_toy_sets_and_set_points_noise_and_share(panel) -> None:
    toy = panel.toy_settings
    assert toy.isHidden()
    panel.dataset.setCurrentIndex(panel.dataset.findData("circles"))
    assert not toy.isHidden()
    assert toy.values["toy_noise"].text() == "0.05"  # the set's own, until moved
    toy.sliders["toy_samples"].setValue(30)
    toy.sliders["toy_noise"].setValue(20)
    toy.sliders["toy_test_ratio"].setValue(2)
    training = panel.training()
    assert (training.toy_samples, training.toy_noise, training.toy_test_ratio) == (300, 0.2,
                                                                                  0.2)
    dataset = load_training_data(training)
    assert len(dataset.x_train) + len(dataset.x_test) == 300
    assert len(dataset.x_test) == 60
    panel.dataset.setCurrentIndex(panel.dataset.findData("mnist-subset"))
    assert toy.isHidden()


def test_xor_is_its_truth_table_until_points_are_asked_for(panel) -> None:
    panel.set_training(TrainingSpec(dataset="xor"))
    assert panel.toy_settings.note.isVisibleTo(panel) and "truth table" in \
        panel.toy_settings.note.text()
    panel.toy_settings.sliders["toy_samples"].setValue(20)
    assert not panel.toy_settings.note.isVisibleTo(panel)
    preset = load_preset("xor-mlp")
    session = create_session(preset.network, replace(preset.training, toy_samples=200))
    assert len(session.dataset.x_train) == 100


def test_toy_settings_leave_other_sets_alone() -> None:
    training = TrainingSpec(dataset="sine", toy_noise=0.3, toy_samples=40, toy_test_ratio=0.25)
    dataset = load_training_data(training)
    assert (len(dataset.x_train), len(dataset.x_test)) == (30, 10)
    assert load_training_data(replace(training, dataset="mnist-subset")).name == "mnist-subset"


def test_feature_boxes_set_the_features_and_the_input_follows(qtbot) -> None:
    from nnstudio.app.builder.edited_network import EditedNetwork
    from nnstudio.app.training.toy_settings import input_follows_features

    preset = load_preset("circles-mlp")
    document = EditedNetwork(preset.network, preset.training)
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.set_training(preset.training)

    def follow(training) -> None:
        before = document.training
        document.set_training(training)
        input_follows_features(document, before, training)

    panel.changed.connect(follow)
    boxes = panel.toy_settings.features
    assert boxes["x"].isChecked() and boxes["y"].isChecked() and not boxes["xy"].isChecked()
    boxes["x^2"].setChecked(True)
    boxes["sin y"].setChecked(True)
    assert document.training.features == "x, y, x^2, sin y"
    assert document.spec.node("input").params["shape"] == [4]
    boxes["x"].setChecked(False)
    boxes["y"].setChecked(False)
    boxes["x^2"].setChecked(False)
    boxes["sin y"].setChecked(False)  # the last one stays: a network needs an input
    assert boxes["sin y"].isChecked() and document.training.features == "sin y"
    assert document.spec.node("input").params["shape"] == [1]
    document.undo_stack.undo()
    assert document.spec.node("input").params["shape"] == [2]
    panel.set_training(replace(preset.training, dataset="sine"))
    assert not panel.toy_settings.features_row.isVisibleTo(panel)  # 1-D: no features
