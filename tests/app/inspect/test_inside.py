"""Look inside one input and the filter explorer show real values of the current weights."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from nnstudio.app.inspect.current_input import DRAWING, SAMPLE, CurrentInput
from nnstudio.app.inspect.filters import FilterExplorer
from nnstudio.app.inspect.inside import LookInside
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.app.inspect.top_samples import SAMPLES
from tests.app.inspect.conftest import dataset, save_shot

SAMPLE_INDEX = 7


def make(qtbot, widget_class, source, index: int = SAMPLE_INDEX):  # noqa: ANN001, ANN201
    current = CurrentInput(source, TestSamples())
    current.set_index(index)
    widget = widget_class(current)
    qtbot.addWidget(widget)
    widget.resize(1200, 850)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresher.run()
    return widget


def test_saliency_and_activations_are_the_viewers(qtbot, source_for) -> None:
    source = source_for("lenet5")
    inside = make(qtbot, LookInside, source)
    viewer = source.viewer
    x = dataset("mnist-subset").features("test", (1, 28, 28))[SAMPLE_INDEX][None]
    predicted = int(np.argmax(viewer.predict(x)))
    assert inside.predicted == predicted
    expected = viewer.saliency(x, predicted)[0].reshape(28, 28)
    np.testing.assert_allclose(inside.saliency_view.values, expected, rtol=1e-5)

    inside.saliency_class.setCurrentIndex(inside.saliency_class.findData(3))
    np.testing.assert_allclose(inside.saliency_view.values,
                               viewer.saliency(x, 3)[0].reshape(28, 28), rtol=1e-5)

    activations = viewer.activations(x)
    dense = inside.rows["dense3"].activation.values
    np.testing.assert_allclose(dense.ravel(), activations["dense3"][0], rtol=1e-5)
    relu1 = inside.rows["relu1"].activation.values  # six 28x28 maps tiled with gaps
    assert np.isclose(np.nanmax(relu1), activations["relu1"][0].max())
    label = int(dataset("mnist-subset").y_test[SAMPLE_INDEX])
    loss, grads, _ = viewer.output_gradients(x, np.array([label]))
    assert abs(inside.loss - loss) < 1e-6
    np.testing.assert_allclose(inside.rows["dense3"].gradient.values.ravel(),
                               grads["dense3"][0], rtol=1e-5)
    assert "top filters of conv2d1" in inside.rows["relu1"].note.text()
    save_shot(inside, "inside")


def test_the_drawing_becomes_the_input(qtbot, source_for) -> None:
    source = source_for("mlp-784-100-10")
    inside = make(qtbot, LookInside, source)
    assert inside.current.mode == SAMPLE
    digit = np.zeros((28, 28), dtype=np.float32)
    digit[4:24, 12:16] = 1.0
    inside.current.set_drawing(digit)
    assert inside.current.mode == DRAWING and inside.chooser.drawing.isChecked()
    inside.refresh()
    np.testing.assert_array_equal(inside.input_view.values, digit)
    qtbot.mouseClick(inside.chooser.sample, Qt.MouseButton.LeftButton)
    assert inside.current.mode == SAMPLE


def test_filter_tiles_and_details_are_the_conv_weights(qtbot, source_for) -> None:
    source = source_for("lenet5")
    explorer = make(qtbot, FilterExplorer, source)
    weights = source.viewer.weights()["conv2d1"]["W"]  # (6, 1, 5, 5)
    assert len(explorer.tiles) == 6
    np.testing.assert_allclose(explorer.tiles[4].values, weights[4, 0])
    qtbot.mouseClick(explorer.tiles[4], Qt.MouseButton.LeftButton)
    assert explorer.channel == 4 and explorer.tiles[4].selected
    np.testing.assert_allclose(explorer.weights_view.values, weights[4, 0])
    low, high = explorer.weights_view.levels
    assert low == -high and high == np.abs(weights[4]).max()

    x = dataset("mnist-subset").features("test", (1, 28, 28))[SAMPLE_INDEX][None]
    label = int(dataset("mnist-subset").y_test[SAMPLE_INDEX])
    _, _, params = source.viewer.output_gradients(x, np.array([label]))
    np.testing.assert_allclose(explorer.gradient_view.values, params["conv2d1"]["W"][4, 0],
                               rtol=1e-5)
    response = source.viewer.activations(x)["relu1"][0][4]
    np.testing.assert_allclose(explorer.activation_view.values, response, rtol=1e-5)

    # The click found the samples that excite filter 4 most, among the first 1000.
    first = dataset("mnist-subset").features("test", (1, 28, 28))[:SAMPLES]
    maxima = np.concatenate([source.viewer.activations(first[i:i + 500])["relu1"][:, 4]
                             .reshape(len(first[i:i + 500]), -1).max(axis=1)
                             for i in range(0, len(first), 500)])
    best = int(np.argmax(maxima))
    assert explorer.sample_captions[0].text().startswith(f"#{best}\n")
    save_shot(explorer, "filters")

    explorer.layer.setCurrentIndex(1)
    assert len(explorer.tiles) == 16
    assert "from earlier weights" not in explorer.samples_status.text()


def test_no_convolution_says_so(qtbot, source_for) -> None:
    explorer = make(qtbot, FilterExplorer, source_for("mlp-784-100-10"))
    assert explorer.message.isVisible() and "no convolution" in explorer.message.text()
