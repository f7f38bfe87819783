"""The regression toy sets show the fitted curve over their points as the network trains."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nnstudio.app.plots.curve_fit import POINTS
from nnstudio.engine.trainer import TrainerControl
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.running.training_process.child import RunRequest, prepare_session
from nnstudio.spec.presets import load_preset

from .conftest import feed


def test_the_sine_preset_draws_its_fitted_curve_over_the_points(dashboard) -> None:
    preset = load_preset("sine-mlp")
    session, context = prepare_session(
        RunRequest(1, "run 1", preset.network, preset.training), TrainerControl())
    viewer = InspectionCopy(preset.network, preset.training)
    view = dashboard.views()["Decision boundary"]
    dashboard.start_run(context, viewer)
    assert view.fitting and view.plot.titleLabel.text == "Fitted curve: sine"
    events = list(session.trainer.run())
    feed(dashboard, events[:3], viewer)  # a few batches in: a poor fit
    view.refresh()
    early = np.abs(view.fitted.ys - np.sin(np.pi * view.fitted.xs)).mean()
    feed(dashboard, events[3:], viewer)
    view.refresh()
    xs, ys = view.fitted.curve.getData()
    assert len(xs) == POINTS and view.message_text() is None
    late = np.abs(ys - np.sin(np.pi * xs)).mean()
    assert late < 0.1 < early
    assert "mean squared error" in view.caption.text()
    assert not view.image.isVisible() and not view.colorbar.isVisible()


def test_a_classification_set_after_a_curve_shows_the_boundary_again(dashboard,
                                                                     circles_run) -> None:
    preset = load_preset("sine-mlp")
    _, context = prepare_session(RunRequest(1, "run 1", preset.network,
                                            replace(preset.training, epochs=1)),
                                 TrainerControl())
    view = dashboard.views()["Decision boundary"]
    dashboard.start_run(context, InspectionCopy(preset.network, preset.training))
    dashboard.start_run(circles_run.context(), circles_run.viewer())
    assert not view.fitting and view.fitted.items == []
    assert view.plot.titleLabel.text == "Decision boundary"
