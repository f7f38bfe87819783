"""With validation split 0 a run measures itself on the test set every epoch, and the views
say "test", not "validation"."""

from __future__ import annotations

from dataclasses import replace

from nnstudio.engine.trainer import TrainerControl
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.running.training_process.child import RunRequest, prepare_session
from nnstudio.spec.presets import load_preset

from .conftest import feed


def run_in_views(dashboard, validation_split: float):
    preset = load_preset("circles-mlp")
    training = replace(preset.training, epochs=2, validation_split=validation_split)
    session, context = prepare_session(RunRequest(1, "run 1", preset.network, training),
                                       TrainerControl())
    viewer = InspectionCopy(preset.network, training)
    dashboard.start_run(context, viewer)
    feed(dashboard, list(session.trainer.run()), viewer)
    dashboard.refresh()
    for view in dashboard.views().values():
        view.redraw()
    return context


def texts(dashboard) -> str:
    views = dashboard.views()
    confusion, mistakes, loss = views["Confusion"], views["Misclassified"], \
        views["Loss"]
    return " ".join([confusion.plot.titleLabel.text, mistakes.header.text(), loss.key.text(),
                     mistakes.message_text() or ""])


def test_split_zero_says_test(dashboard) -> None:
    context = run_in_views(dashboard, 0.0)
    assert context.held_out == "test" and len(context.x_val) == 250
    shown = texts(dashboard)
    assert "test" in shown and "validation" not in shown.lower()


def test_a_split_says_validation(dashboard) -> None:
    context = run_in_views(dashboard, 0.2)
    assert context.held_out == "validation"
    assert "validation" in texts(dashboard)


def test_every_view_explains_itself_on_hover(dashboard) -> None:
    for title, view in dashboard.views().items():
        assert len(view.toolTip()) > 60, title
