"""The shared helpers: a buffer that stays bounded, image tiling, validation verdicts."""

from __future__ import annotations

import math

import numpy as np

from nnstudio.app.plots.common import thin_out, tile_images, wrap_strip
from nnstudio.app.plots.validation import ValidationResults
from nnstudio.engine.series import GrowingBuffer


def test_buffer_grows_by_doubling_and_keeps_every_row_while_small() -> None:
    buffer = GrowingBuffer(2, capacity=4, max_points=1000)
    for i in range(100):
        buffer.append(i, 2 * i)
    assert len(buffer) == 100
    assert buffer.capacity >= 100
    np.testing.assert_array_equal(buffer.column(0), np.arange(100))
    np.testing.assert_array_equal(buffer.column(1), 2 * np.arange(100))


def test_buffer_stays_bounded_after_300k_points() -> None:
    buffer = GrowingBuffer(2, max_points=200_000)
    n = 300_000
    for i in range(n):
        buffer.append(i, math.sin(i / 1000))
    assert buffer.appended == n
    assert len(buffer) <= 200_000
    assert buffer.capacity <= 200_001  # memory stays flat
    assert buffer.stride == 2
    x = buffer.column(0)
    assert np.all(np.diff(x) > 0)  # still in order
    assert x[0] < 1 and x[-1] > n - 3  # and still spans the whole run
    # Averaging pairs keeps the shape of the curve.
    np.testing.assert_allclose(buffer.column(1), np.sin(x / 1000), atol=1e-5)


def test_tile_images_lays_out_a_near_square_grid_with_gaps() -> None:
    images = np.arange(6 * 5 * 5, dtype=np.float32).reshape(6, 5, 5)
    grid = tile_images(images)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 2)
    np.testing.assert_array_equal(grid[:5, :5], images[0])
    np.testing.assert_array_equal(grid[6:, 12:], images[5])
    assert np.isnan(grid[5]).all()  # the gap row between the two rows of tiles
    rows = tile_images(np.zeros((12, 3, 3)), columns=4)
    assert rows.shape == (3 * 3 + 2, 4 * 3 + 3)


def test_wrap_strip_folds_long_vectors() -> None:
    assert wrap_strip(np.arange(10)).shape == (1, 10)
    strip = wrap_strip(np.arange(250), max_width=100)
    assert strip.shape == (3, 84)
    np.testing.assert_array_equal(strip.ravel()[:250], np.arange(250))


def test_validation_results_from_softmax_and_from_one_sigmoid_column() -> None:
    outputs = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    results = ValidationResults.from_outputs(0, outputs, np.array([1, 1, 0]), 2)
    np.testing.assert_array_equal(results.predicted, [1, 0, 1])
    np.testing.assert_allclose(results.confidence, [0.9, 0.8, 0.7])
    np.testing.assert_array_equal(results.wrong, [1, 2])  # most confident mistake first
    np.testing.assert_array_equal(results.confusion(), [[0, 1], [1, 1]])
    sigmoid = ValidationResults.from_outputs(0, np.array([[0.2], [0.9]]), np.array([1, 1]), 2)
    np.testing.assert_array_equal(sigmoid.predicted, [0, 1])
    np.testing.assert_allclose(sigmoid.confidence, [0.8, 0.9])


def test_views_handed_out_survive_decimation() -> None:
    buffer = GrowingBuffer(1, max_points=8)
    for i in range(8):
        buffer.append(i)
    drawn = buffer.column(0)
    buffer.append(8)  # halves into a new array
    np.testing.assert_array_equal(drawn, np.arange(8))
    np.testing.assert_array_equal(buffer.column(0)[:4], [0.5, 2.5, 4.5, 6.5])


def test_thin_out_keeps_the_ends() -> None:
    values = np.arange(10_001.0)
    thinned = thin_out(values, 4000)
    assert len(thinned) <= 4001 and thinned[0] == 0 and thinned[-1] == 10_000
    short = np.arange(5.0)
    assert thin_out(short, 4000) is not short


def test_steady_range_holds_still_grows_with_room_and_fits_a_finished_run(qtbot) -> None:
    import pyqtgraph as pg

    from nnstudio.app.plots.steady_range import SteadyRange, settle

    assert settle(None, (0.0, 1.0), (0.0, 0.25), 0.4) == (0.0, 1.25)
    assert settle((0.0, 1.25), (0.0, 1.2), (0.0, 0.25), 0.4) == (0.0, 1.25)  # inside: still
    assert settle((0.0, 1.25), (0.0, 1.3), (0.0, 0.25), 0.4) == (0.0, 1.625)  # left it
    assert settle((0.0, 10.0), (2.0, 3.0), (0.1, 0.1), 0.4) == (1.9, 3.1)  # fills 10%: refit
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    steady = SteadyRange(widget.getPlotItem())
    for end in np.linspace(0.1, 2.0, 40):
        steady.follow((0.0, float(end)), (0.0, 1.0))
    assert steady.moves < 15, "the range moved on most redraws"
    assert steady.ranges[0][1] > 2.0
    steady.follow((0.0, 2.0), (0.0, 1.0), final=True)
    assert steady.ranges[0] == (0.0, 2.0)
