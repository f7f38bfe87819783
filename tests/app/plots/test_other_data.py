"""Data other than digits: a regression set, XOR without validation samples, a diverged run."""

from __future__ import annotations

from dataclasses import replace

from nnstudio.data.datasets import load_dataset
from nnstudio.engine.events import Diverged
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset
from nnstudio.spec.training import TrainingSpec

from .conftest import record_run, run_through


def test_regression_runs_show_what_applies_and_say_why_the_rest_does_not(dashboard) -> None:
    spec = NetworkSpec.sequential([("Dense", {"units": 16}), ("Tanh", {}),
                                   ("Dense", {"units": 1})], input_shape=[1])
    training = TrainingSpec(dataset="sine", loss="mse", optimizer="adam", lr=0.01, epochs=3)
    run = record_run(spec, training, load_dataset("sine"))
    run_through(dashboard, run)
    assert len(dashboard.loss_view.batch_losses()) > 0
    assert not dashboard.loss_view.accuracy_plot.isVisible()
    assert "classification" in dashboard.misclassified_view.message_text()
    assert "classification" in dashboard.confusion_view.message_text()
    assert dashboard.boundary_view.fitting  # sine shows its fitted curve there instead
    assert dashboard.boundary_view.message_text() is None
    assert "no convolution layers" in dashboard.filters_view.message_text()
    assert set(dashboard.activations_view.current_activations()) == {"input", "dense1",
                                                                      "tanh1", "dense2"}


def test_xor_without_validation_samples_still_draws_its_boundary(dashboard) -> None:
    preset = load_preset("xor-mlp")
    run = record_run(preset.network, replace(preset.training, epochs=300),
                     load_dataset("xor"))
    assert len(run.x_val) == 0
    run_through(dashboard, run)
    assert dashboard.boundary_view.grid_probabilities().shape == (80, 80)
    assert "no validation samples" in dashboard.confusion_view.message_text()
    # The activations view falls back to the test split's four points.
    assert dashboard.activations_view.current_activations()["input"].shape == (1, 2)


def test_a_diverged_run_is_marked_on_the_loss_plot(dashboard, circles_run) -> None:
    run_through(dashboard, circles_run)
    dashboard.on_diverged(Diverged(5, 2, 40, "dense1", "loss", "Training diverged"))
    dashboard.refresh()
    line = dashboard.loss_view._diverged_line
    assert line is not None and line in dashboard.loss_view.loss_plot.items


def test_a_context_without_validation_arrays_is_accepted(dashboard, circles_run) -> None:
    context = replace(circles_run.context(), x_val=None, y_val=None)
    dashboard.start_run(context, circles_run.viewer())
    dashboard.refresh()
    assert len(dashboard.context.x_val) == 0
    assert "no validation samples" in dashboard.misclassified_view.message_text()
