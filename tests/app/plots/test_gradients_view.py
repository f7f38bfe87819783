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
