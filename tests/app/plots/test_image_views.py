"""Activations and filters on a real run of small-cnn."""

from __future__ import annotations

import numpy as np

from nnstudio.app.plots.common import tile_images
from nnstudio.engine.events import Snapshot
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.spec.presets import load_preset

from .conftest import feed, run_through


def test_activations_are_the_viewer_activations_of_the_chosen_sample(
        dashboard, cnn_run) -> None:
    viewer = run_through(dashboard, cnn_run)
    view = dashboard.activations_view
    assert view.sample == 0
    drawn = view.current_activations()
    expected = viewer.activations(cnn_run.x_val[0:1])
    assert list(drawn) == viewer.order  # every layer, the input first
    for node, values in expected.items():
        np.testing.assert_allclose(drawn[node], values, rtol=1e-6)
    # The first conv layer's 8 maps of 24x24 are tiled into one image.
    shown = view.displayed_image("conv2d1")
    np.testing.assert_allclose(shown, tile_images(expected["conv2d1"][0]), rtol=1e-6)
    assert "conv2d1" in view.cards["conv2d1"].title.text()

    dashboard.select_sample(7)
    assert view.sample_box.value() == 7
    dashboard.refresh()
    np.testing.assert_allclose(view.current_activations()["softmax1"],
                               viewer.activations(cnn_run.x_val[7:8])["softmax1"], rtol=1e-6)
    assert dashboard.refresh() is False  # nothing new: nothing redrawn


def test_activations_follow_new_weights(dashboard, cnn_run) -> None:
    viewer = cnn_run.viewer()
    dashboard.start_run(cnn_run.context(), viewer)
    snapshots = [i for i, e in enumerate(cnn_run.events) if isinstance(e, Snapshot)]
    feed(dashboard, cnn_run.events[: snapshots[0] + 1], viewer)
    dashboard.refresh()
    early = dashboard.activations_view.current_activations()["softmax1"].copy()
    feed(dashboard, cnn_run.events[snapshots[0] + 1:], viewer)
    dashboard.refresh()
    late = dashboard.activations_view.current_activations()["softmax1"]
    assert not np.allclose(early, late)


def test_a_second_run_of_the_same_network_keeps_the_cards_and_shows_its_own_values(
        dashboard, cnn_run) -> None:
    """Building the cards is the dearest part of starting a run: the same layers keep
    them, and they show the new run's activations, not the old run's."""
    run_through(dashboard, cnn_run)
    view = dashboard.activations_view
    cards = dict(view.cards)
    confusion_texts = dashboard.confusion_view.texts
    viewer = cnn_run.viewer()  # fresh starting weights
    dashboard.start_run(cnn_run.context(2, "run 2"), viewer)
    dashboard.refresh()
    assert view.cards == cards and all(view.cards[n] is c for n, c in cards.items())
    assert dashboard.confusion_view.texts is confusion_texts
    assert all(t.toPlainText() == "" for row in confusion_texts for t in row)
    np.testing.assert_allclose(view.current_activations()["softmax1"],
                               viewer.activations(cnn_run.x_val[0:1])["softmax1"], rtol=1e-6)


def test_filters_change_as_the_network_learns(dashboard, cnn_run) -> None:
    viewer = cnn_run.viewer()
    dashboard.start_run(cnn_run.context(), viewer)
    view = dashboard.filters_view
    assert [s.node for s in view.sources] == ["conv2d1", "conv2d2"]
    snapshots = [i for i, e in enumerate(cnn_run.events) if isinstance(e, Snapshot)]
    feed(dashboard, cnn_run.events[: snapshots[0] + 1], viewer)
    dashboard.refresh()
    first_image = view.displayed_image().copy()
    first = cnn_run.events[snapshots[0]].weights["conv2d1"]["W"]
    np.testing.assert_array_equal(view.current_filters("conv2d1"), first)
    np.testing.assert_allclose(first_image, tile_images(first[:, 0]))
    levels = view.image.getLevels()
    assert np.isclose(levels[0], -levels[1])  # symmetric around 0

    feed(dashboard, cnn_run.events[snapshots[0] + 1:], viewer)
    dashboard.refresh()
    last = cnn_run.events[snapshots[-1]].weights["conv2d1"]["W"]
    np.testing.assert_array_equal(view.current_filters("conv2d1"), last)
    later_image = view.displayed_image()
    assert not np.allclose(np.nan_to_num(first_image), np.nan_to_num(later_image))

    view.select_layer("conv2d2")
    dashboard.refresh()
    assert view.displayed_image().shape == (16 * 6 - 1, 8 * 6 - 1)  # 16 filters x 8 inputs


def test_filters_of_a_dense_network_are_28x28_pictures(dashboard, cnn_run) -> None:
    preset = load_preset("mlp-784-100-10")
    viewer = InspectionCopy(preset.network, preset.training)
    context = cnn_run.context()
    context.spec = preset.network
    context.input_shape = (784,)
    context.x_val = cnn_run.x_val.reshape(len(cnn_run.x_val), 784)
    dashboard.start_run(context, viewer)
    dashboard.refresh()
    view = dashboard.filters_view
    assert [(s.node, s.kind) for s in view.sources] == [("dense1", "dense")]
    assert view.displayed_image().shape == (10 * 29 - 1, 10 * 29 - 1)  # 100 units of 28x28
    assert view.message_text() is None
    activations = dashboard.activations_view
    assert activations.displayed_image("input").shape == (28, 28)  # the digit, not a strip


def test_filters_say_so_without_convolutions(dashboard, circles_run) -> None:
    dashboard.start_run(circles_run.context(), circles_run.viewer())
    assert "no convolution layers" in dashboard.filters_view.message_text()


def test_the_dense_filters_caption_names_the_colour_the_map_gives_positive_weights() -> None:
    from nnstudio.app.plots.common import DIVERGING
    from nnstudio.app.plots.filters_view import filter_picture

    def colour_name(rgb) -> str:
        red, _, blue = rgb[:3]
        return "blue" if blue > red else "red"

    positive = colour_name(DIVERGING.map(1.0, mode="byte"))
    negative = colour_name(DIVERGING.map(0.0, mode="byte"))
    assert (positive, negative) == ("blue", "red")
    _, caption = filter_picture(np.random.default_rng(0).normal(size=(784, 4)), "dense")
    assert f"{positive}: ink there raises the unit" in caption
    assert f"{negative}: lowers it" in caption
