"""Gradient and weight norms per layer over time, and histograms."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nnstudio.engine.events import Snapshot

from .conftest import run_through


def test_norm_series_follow_the_snapshots(dashboard, cnn_run) -> None:
    run_through(dashboard, cnn_run)
    view = dashboard.gradients_view
    snapshots = cnn_run.of_type(Snapshot)
    assert view.layers() == ["conv2d1", "conv2d2", "dense1"]
    for layer in view.layers():
        series = view.norm_series(layer)
        np.testing.assert_allclose(series["grad_norm"], [s.grad_norms[layer] for s in snapshots])
        np.testing.assert_allclose(series["weight_norm"],
                                   [s.weight_norms[layer] for s in snapshots])
        assert np.all(np.diff(series["x"]) >= 0)
        grad_curve, _ = view.curves[layer]
        np.testing.assert_allclose(grad_curve.yData, series["grad_norm"])
    assert view.grad_plot.getAxis("left").logMode  # vanishing gradients need a log axis
    # Snapshots without full gradients: weights only, and say how to get gradients.
    assert view.grad_stack.currentWidget() is view.no_grads
    weights = snapshots[-1].weights["conv2d1"]["W"]
    edges, counts = view.weight_hist.xData, view.weight_hist.yData
    assert counts.sum() == weights.size and edges[0] <= weights.min()


def test_gradient_histogram_when_snapshots_carry_gradients(dashboard, cnn_run) -> None:
    dashboard.start_run(cnn_run.context(), cnn_run.viewer())
    last = cnn_run.of_type(Snapshot)[-1]
    grads = {node: {"W": np.full_like(w["W"], 0.5)} for node, w in last.weights.items()}
    dashboard.on_snapshot(replace(last, grads=grads))
    view = dashboard.gradients_view
    view.select_layer("dense1")
    dashboard.refresh()
    assert view.grad_stack.currentWidget() is view.grad_hist_widget
    assert view.grad_hist.yData.sum() == last.weights["dense1"]["W"].size


def test_narrow_histograms_label_their_values_apart(dashboard) -> None:
    """A narrow gradient histogram wrote "0.0020.004": as many ticks as labels have room."""
    from PySide6.QtGui import QFontMetrics

    from nnstudio.app.plots.style import CompactAxis, compact_number

    axis = dashboard.gradients_view.grad_hist_plot.getAxis("bottom")
    assert isinstance(axis, CompactAxis)
    metrics = QFontMetrics(axis.style["tickFont"])
    for low, high, width in ((-0.006, 0.006, 120), (-0.013, 0.011, 90), (-2e-5, 3e-5, 100),
                             (-1.5, 2.0, 200), (0.0, 400.0, 60)):
        spacing, offset = axis.tickSpacing(low, high, width)[0]
        values = [v for v in np.arange(np.ceil(low / spacing) * spacing, high + 1e-12, spacing)]
        labels = axis.tickStrings(values, 1.0, spacing)
        assert len(values) >= 1
        pixels_apart = width * spacing / (high - low)
        widest = max(metrics.horizontalAdvance(label) for label in labels)
        assert widest < pixels_apart, (low, high, labels)
    assert compact_number(0.004, 0.002) == "0.004" and compact_number(2e-4, 1e-4) == "2e-4"
    assert compact_number(0.0, 0.5) == "0"
