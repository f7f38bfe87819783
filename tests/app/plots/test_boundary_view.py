"""The decision boundary of a 2-D toy problem."""

from __future__ import annotations

import numpy as np

from .conftest import run_through


def test_decision_boundary_separates_the_circles(dashboard, circles_run) -> None:
    viewer = run_through(dashboard, circles_run)
    view = dashboard.boundary_view
    probs = view.grid_probabilities()
    assert probs.shape == (80, 80)
    xs, ys = view.grid_axes()
    x_train = circles_run.dataset.x_train
    y_train = circles_run.dataset.y_train
    columns = np.abs(xs[None, :] - x_train[:, :1]).argmin(axis=1)
    rows = np.abs(ys[None, :] - x_train[:, 1:]).argmin(axis=1)
    on_grid = probs[rows, columns] > 0.5
    assert (on_grid == (y_train == 1)).mean() > 0.9  # the map classifies most points right
    # It is the viewer's own answer on the grid.
    point = np.array([[xs[10], ys[30]]], dtype=np.float32)
    np.testing.assert_allclose(probs[30, 10], viewer.predict(point)[0, 0], rtol=1e-5)
    assert xs[0] < x_train[:, 0].min() and xs[-1] > x_train[:, 0].max()
    np.testing.assert_allclose(view.image.image, probs)
    assert [len(s.data) for s in view.scatters] == [int((y_train == c).sum()) for c in (0, 1)]
    assert "classified correctly" in view.caption.text()


def test_boundary_is_recomputed_only_when_the_weights_change(dashboard, circles_run) -> None:
    viewer = run_through(dashboard, circles_run)
    view = dashboard.boundary_view
    before = view.grid_probabilities()
    view.mark_dirty()
    dashboard.refresh()
    assert view.grid_probabilities() is not before  # a copy each call...
    assert view._drawn_version == viewer.version  # ...but no new evaluation was needed


def test_other_data_gets_a_clear_message(dashboard, cnn_run) -> None:
    dashboard.start_run(cnn_run.context(), cnn_run.viewer())
    assert "2-D data sets" in dashboard.boundary_view.message_text()


def test_the_class_legend_sits_under_the_plot_not_on_its_title(dashboard, circles_run) -> None:
    """At wide windows the legend, anchored at the layout's top right, once covered the
    title "Decision boundary"; it keeps its row under the plot."""
    run_through(dashboard, circles_run)
    view = dashboard.boundary_view
    view.graphics.resize(900, 600)
    view.graphics.ci.layout.activate()
    legend = view.legend.sceneBoundingRect()
    plot = view.plot.sceneBoundingRect()
    assert legend.top() >= plot.bottom() - 1
    assert not legend.intersects(view.plot.titleLabel.sceneBoundingRect())
