"""A folder of colour images (red, green and blue shapes) imported in the window and
trained: the dashboard treats it as images (Filters in colour channels, misclassified
tiles in colour, the input in colour) and so do Look inside and its samples."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from nnstudio.running.training_process.state import RunState

SHOTS = os.environ.get("NNSTUDIO_SHOTS")  # a folder: also save the screenshots
COLOURS = {"red": (220, 30, 30), "green": (30, 180, 40), "blue": (30, 60, 220)}


def colour_folder(folder: Path, size: int = 12, per_class: int = 14) -> Path:
    """One subfolder per colour, each image a noisy square or disc of that colour."""
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[:size, :size]
    for name, rgb in COLOURS.items():
        (folder / "colours" / name).mkdir(parents=True)
        for i in range(per_class):
            image = np.full((size, size, 3), 235, dtype=np.float64)
            c = rng.integers(4, size - 4, 2)
            shape = (abs(yy - c[0]) < 3) & (abs(xx - c[1]) < 3) if i % 2 else \
                (yy - c[0]) ** 2 + (xx - c[1]) ** 2 < 9
            image[shape] = rgb
            noisy = np.clip(image + rng.normal(0, 12, image.shape), 0, 255).astype(np.uint8)
            Image.fromarray(noisy, "RGB").save(folder / "colours" / name / f"{i}.png")
    return folder / "colours"


def train(window, qtbot, epochs: int) -> None:  # noqa: ANN001 - the window fixture
    training = window.document.training
    window.document.set_training(training.__class__(**{**training.to_json(),
                                                       "epochs": epochs}))
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE and controller.last_finished
                    is not None, timeout=60000)


def shoot(window, qtbot, name: str) -> None:  # noqa: ANN001 - the fixtures
    if not SHOTS:
        return
    for width, height in ((1024, 700), (1400, 900), (1920, 1080)):
        window.resize(width, height)
        window.training.dashboard.refresh()
        window.grab().save(str(Path(SHOTS) / f"colour-{name}-{width}x{height}.png"))
        for view in ("Filters", "Misclassified", "Activations"):
            frame = window.training.dashboard_widget.frames[view]
            frame.grab().save(str(Path(SHOTS) / f"colour-{name}-{view}-{width}x{height}.png"))
        window.inspect.show_inside(window.inspect.inside)
        window.inspect.inside.refresh()
        qtbot.wait(100)
        window.grab().save(str(Path(SHOTS) / f"colour-{name}-inside-{width}x{height}.png"))
        window.training.tabs.setCurrentIndex(1)


def test_colour_images_train_and_every_image_view_shows_them_in_colour(qtbot, window,
                                                                        tmp_path):
    dialog = window.preview_data(str(colour_folder(tmp_path)))
    qtbot.addWidget(dialog)
    dataset = dialog.loaded.imported.dataset
    assert dataset.is_image and dataset.is_colour and dataset.input_shape == (3, 12, 12)
    window.use_data(dialog.loaded)
    assert window.document.spec.node("input").params["shape"] == [3 * 12 * 12]
    train(window, qtbot, 2)

    board = window.training.dashboard
    frames = window.training.dashboard_widget.frames
    board.refresh()
    assert not frames["Filters"].isHidden()  # a first Dense on RGB has filters
    filters = board.filters_view
    assert [s.image_shape for s in filters.sources] == [(3, 12, 12)]
    assert "red, green and blue" in filters.caption.text()
    assert filters.displayed_image().shape[1] > 3 * 12  # channels side by side

    misclassified = board.misclassified_view
    assert misclassified.body.currentWidget() is misclassified.tiles
    inputs = board.activations_view.displayed_image("input")
    assert inputs.shape == (12, 12, 3)  # the input card in colour
    np.testing.assert_allclose(inputs, board.context.x_val[0].reshape(3, 12, 12)
                               .transpose(1, 2, 0), atol=1e-6)

    # Look inside: a test sample and a validation sample, both in colour.
    inspect = window.inspect
    assert inspect.samples.image(dataset.name, 0).shape == (12, 12, 3)
    inspect.current.set_index(1)
    inspect.inside.refresh()
    assert inspect.inside.input_view.values.shape == (12, 12, 3)
    inspect.current.set_validation_index(0)
    assert inspect.current.image().shape == (12, 12, 3)
    inspect.inside.refresh()  # the input's row and its saliency in the three channels
    assert inspect.inside.rows["input"].activation.values.shape == (12, 3 * 12 + 2)
    shoot(window, qtbot, "dashboard")


def test_colour_images_through_a_convolution_show_its_filters(qtbot, window, tmp_path):
    assert window.load_preset("lenet5")
    dialog = window.preview_data(str(colour_folder(tmp_path, size=28, per_class=6)))
    qtbot.addWidget(dialog)
    window.use_data(dialog.loaded)
    assert window.document.spec.node("input").params["shape"] == [3, 28, 28]
    train(window, qtbot, 1)
    board = window.training.dashboard
    board.refresh()
    filters = board.filters_view
    assert filters.sources and filters.sources[0].kind == "conv"
    assert filters.current_filters(filters.sources[0].node).shape[1] == 3
    assert "one column per input channel (red, green, blue)" in filters.caption.text()
    assert board.activations_view.displayed_image("input").shape == (28, 28, 3)
    shoot(window, qtbot, "lenet5")

