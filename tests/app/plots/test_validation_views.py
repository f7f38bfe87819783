"""Misclassified samples and the confusion matrix, checked against the network itself."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt

from nnstudio.app.plots.validation import ValidationResults
from nnstudio.engine.events import EpochEnd
from nnstudio.engine.metrics import confusion_matrix

from .conftest import feed, run_through


def test_misclassified_samples_really_are(qtbot, dashboard, cnn_run) -> None:
    viewer = run_through(dashboard, cnn_run)
    view = dashboard.misclassified_view
    rows = view.misclassified()
    predicted = viewer.predict(cnn_run.x_val).argmax(axis=1)
    wrong = np.flatnonzero(predicted != cnn_run.y_val)
    assert len(rows) == len(wrong) > 0
    indices = [index for index, *_ in rows]
    assert sorted(indices) == sorted(wrong.tolist())
    for index, true, pred, _ in rows:
        assert true == cnn_run.y_val[index] and pred == predicted[index] != true
    confidences = [c for *_, c in rows]
    assert confidences == sorted(confidences, reverse=True)  # most confident first
    assert view.tiles.indices() == indices[:48]
    assert "misclassified" in view.header.text()

    with qtbot.waitSignal(dashboard.sample_selected) as signal:
        view.tiles.click_tile(2)
    assert signal.args == [indices[2]]
    assert dashboard.activations_view.sample == indices[2]


def test_confusion_matrix_matches_the_metrics(qtbot, dashboard, cnn_run) -> None:
    viewer = run_through(dashboard, cnn_run)
    view = dashboard.confusion_view
    counts = view.matrix()
    assert counts.sum() == len(cnn_run.y_val)
    predicted = viewer.predict(cnn_run.x_val).argmax(axis=1)
    np.testing.assert_array_equal(counts, confusion_matrix(predicted, cnn_run.y_val, 10))
    r, c = np.unravel_index(np.argmax(counts - np.diag(np.diag(counts))), counts.shape)
    assert view.texts[r][c].toPlainText() == str(counts[r, c])

    # A real click on the cell's centre lists its samples and selects the first.
    view.resize(600, 500)
    view.show()
    qtbot.waitExposed(view)
    scene_point = view.plot.vb.mapViewToScene(QPointF(c + 0.5, r + 0.5))
    point = view.plot_widget.mapFromScene(scene_point)
    with qtbot.waitSignal(dashboard.sample_selected) as signal:
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=point)
    samples = view.selected_samples()
    assert len(samples) == counts[r, c]
    assert all(cnn_run.y_val[i] == r and predicted[i] == c for i in samples)
    assert signal.args == [samples[0]]
    assert view.tiles.indices() == samples[:60]
    view.tiles.click_tile(len(samples) - 1)
    assert dashboard.activations_view.sample == samples[-1]


def test_validation_outputs_are_computed_when_the_run_does_not_keep_them(
        dashboard, cnn_run) -> None:
    viewer = cnn_run.viewer()
    dashboard.start_run(cnn_run.context(), viewer)
    events = [EpochEnd(**{**e.__dict__, "val_outputs": None}) if isinstance(e, EpochEnd) else e
              for e in cnn_run.events]
    feed(dashboard, events, viewer)
    dashboard.refresh()
    assert dashboard.confusion_view.matrix().sum() == len(cnn_run.y_val)


def test_non_image_mistakes_are_a_table(qtbot, dashboard, circles_run) -> None:
    dashboard.start_run(circles_run.context(), circles_run.viewer())
    outputs = np.linspace(0, 1, len(circles_run.y_val))[:, None]  # a poor classifier
    results = ValidationResults.from_outputs(3, outputs, circles_run.y_val, 2)
    dashboard.misclassified_view.on_validation(results)
    dashboard.refresh()
    view = dashboard.misclassified_view
    assert view.body.currentWidget() is view.table
    assert view.table.rowCount() == len(results.wrong) > 0
    first = int(view.table.item(0, 0).text())
    with qtbot.waitSignal(dashboard.sample_selected) as signal:
        view.table.cellClicked.emit(0, 1)
    assert signal.args == [first]
