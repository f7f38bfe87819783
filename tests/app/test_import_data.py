"""File > Import Data in the window: the preview of a table and of an image folder, the
network following the data as one undo step, a run on the data with the views that fit it
(predicted against true for a regression), and a saved project that refers to its data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QMessageBox

from nnstudio.files.documents import open_file
from nnstudio.running.training_process.state import RunState

SHOTS = os.environ.get("NNSTUDIO_SHOTS")  # a folder: also save the preview's screenshots


def blobs_csv(folder: Path) -> Path:
    rng = np.random.default_rng(0)
    lines = ["width,height,colour,kind"]
    for i in range(120):
        kind = ["alpha", "beta", "gamma"][i % 3]
        cx, cy = {"alpha": (0, 0), "beta": (4, 0), "gamma": (0, 4)}[kind]
        lines.append(f"{rng.normal(cx, .5):.3f},{rng.normal(cy, .5):.3f},"
                     f"{['red', 'green', ''][i % 5 % 3]},{kind}")
    path = folder / "blobs.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def image_folder(folder: Path) -> Path:
    rng = np.random.default_rng(1)
    for name in ("circle", "square", "stripes"):
        (folder / "shapes" / name).mkdir(parents=True)
        for i in range(12):
            image = np.zeros((24, 24), dtype=np.uint8)
            if name == "square":
                image[6:18, 6:18] = 255
            elif name == "stripes":
                image[::4] = 255
            else:
                yy, xx = np.mgrid[:24, :24]
                image[(yy - 12) ** 2 + (xx - 12) ** 2 < 60] = 255
            noisy = np.clip(image + rng.normal(0, 20, image.shape), 0, 255).astype(np.uint8)
            Image.fromarray(noisy).save(folder / "shapes" / name / f"{i}.png")
    (folder / "shapes" / "square" / "broken.png").write_bytes(b"no image here")
    return folder / "shapes"


def save_with_data(qtbot, window, data: Path, project: Path):  # noqa: ANN001, ANN201
    """Import ``data`` as its preview loads it, save the window as ``project``, and return
    what the preview loaded."""
    dialog = window.preview_data(str(data))
    qtbot.addWidget(dialog)
    window.use_data(dialog.loaded)
    assert window.save_to(str(project))
    return dialog.loaded


def shoot(dialog: QDialog, name: str) -> None:
    if not SHOTS:
        return
    for width, height in ((1024, 700), (1400, 900), (1920, 1080)):
        dialog.resize(width, height)
        dialog.grab().save(str(Path(SHOTS) / f"import-{name}-{width}x{height}.png"))


def test_a_table_preview_then_import_fits_the_network_with_undo(qtbot, window, tmp_path):
    dialog = window.preview_data(str(blobs_csv(tmp_path)))
    qtbot.addWidget(dialog)
    assert dialog.loaded is not None and dialog.import_button.isEnabled()
    assert "blobs.csv" in dialog.summary.text() and "cross-entropy" in dialog.summary.text()
    assert dialog.target.currentText() == "kind"
    assert "dropped 24 rows with missing values" in dialog.notes.text()
    dialog.missing.setCurrentIndex(1)  # fill instead: every row is kept
    assert len(dialog.loaded.imported.dataset.x_train) == 96
    shoot(dialog, "table")
    spec_before = window.document.spec.copy()
    changes = window.use_data(dialog.loaded)
    assert changes == ["input shape 784 → 4", "dense2 units 10 → 3"]
    assert window.document.spec.node("input").params["shape"] == [4]
    assert window.document.training.dataset == "blobs.csv"
    assert window.training.panel.dataset.currentText() == "blobs.csv (imported)"
    window.document.undo_stack.undo()  # one step puts both ends back
    assert window.document.spec.to_json() == spec_before.to_json()
    window.document.undo_stack.redo()

    # Train on it in the window, save, and the project refers to the data.
    controller = window.training.controller
    window.document.set_training(
        window.document.training.__class__(**{**window.document.training.to_json(),
                                               "epochs": 3}))
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE and controller.last_finished
                    is not None, timeout=30000)
    assert controller.context.dataset.name == "blobs.csv"
    project = tmp_path / "blobs.nnstudio"
    assert window.save_to(str(project))
    assert open_file(project).data.sha256 == dialog.loaded.source.sha256


def test_an_image_folder_preview_shows_a_grid_and_skips_the_broken(qtbot, window, tmp_path):
    dialog = window.preview_data(str(image_folder(tmp_path)))
    qtbot.addWidget(dialog)
    assert dialog.loaded is not None
    assert "skipped 1 file that is not a readable image: " in dialog.notes.text()
    assert "broken.png" in dialog.notes.text()
    dialog.height.setValue(16)
    dialog.width.setValue(16)
    dialog.reload()
    assert dialog.loaded.imported.dataset.input_shape == (1, 16, 16)
    shoot(dialog, "images")
    window.use_data(dialog.loaded)
    assert window.document.spec.node("input").params["shape"] == [256]


def test_a_bad_file_shows_its_line_and_import_stays_off(qtbot, window, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,y\n1,2,0\n3,4\n")
    dialog = window.preview_data(str(path))
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert "ragged.csv, line 3: 2 fields where the header has 3" in dialog.error.text()
    shoot(dialog, "error")


def test_a_regression_run_shows_predicted_against_true(qtbot, window, tmp_path):
    path = tmp_path / "line.csv"
    xs = np.linspace(-1, 1, 200)
    path.write_text("x,y\n" + "".join(f"{x:.4f},{2000 * x + 5000:.4f}\n" for x in xs))
    dialog = window.preview_data(str(path))
    qtbot.addWidget(dialog)
    before = window.document.training
    changes = window.use_data(dialog.loaded)
    assert "softmax1 (Softmax) removed: a regression outputs numbers as they are" in changes
    assert window.document.training.loss == "mse"
    window.document.undo_stack.undo()  # one step: the network, the loss and the dataset
    assert window.document.training == before and window.data_source is None
    assert window.document.spec.node("softmax1") is not None
    assert window.training.panel.training().loss == before.loss
    window.document.undo_stack.redo()
    assert window.document.training.loss == "mse" and window.data_source is not None
    assert window.training.panel.dataset.currentText() == "line.csv (imported)"
    training = window.document.training
    window.document.set_training(training.__class__(**{**training.to_json(), "epochs": 4}))
    window.resize(1400, 900)
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE and controller.last_finished
                    is not None, timeout=30000)
    board = window.training.dashboard
    board.refresh()
    view = board.predicted_view
    assert view.message_text() is None and view.scores is not None
    true = view.points.getData()[0]  # in the target's own units, not standardized ones
    assert 3000 <= true.min() and true.max() <= 7000
    assert board.confusion_view.message_text().startswith("The confusion matrix is shown for "
                                                          "classification")
    if SHOTS:
        window.training.tabs.setCurrentIndex(1)
        for width, height in ((1024, 700), (1400, 900), (1920, 1080)):
            window.resize(width, height)
            board.refresh()
            window.grab().save(str(Path(SHOTS) / f"import-regression-{width}x{height}.png"))
            window.training.dashboard_widget.frames["Decision boundary"].grab().save(
                str(Path(SHOTS) / f"import-regression-curve-{width}x{height}.png"))


def test_dropping_a_file_opens_the_preview(qtbot, window, tmp_path, monkeypatch):
    path = blobs_csv(tmp_path)
    previewed: list[str] = []
    monkeypatch.setattr(type(window), "import_data",
                        lambda self, p: previewed.append(p) or True)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert previewed == [str(path)]


def test_reopening_a_project_whose_data_are_gone_says_which(qtbot, window, tmp_path,
                                                            monkeypatch):
    project = tmp_path / "p.nnstudio"
    save_with_data(qtbot, window, blobs_csv(tmp_path), project)
    (tmp_path / "blobs.csv").unlink()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a: said.append(f"{title}: {text}")))
    monkeypatch.setattr(type(window), "_report",
                        lambda self, title, text: said.append(f"{title}: {text}"))
    assert window.open_file(str(project))
    assert said and "blobs.csv are missing" in said[0]


def test_a_reopened_project_shows_its_data_in_look_inside_before_a_run(qtbot, window,
                                                                        tmp_path,
                                                                        settings_path):
    from nnstudio.app.main_window import MainWindow
    from nnstudio.app.settings import make_settings

    project = tmp_path / "shapes.nnstudio"
    loaded = save_with_data(qtbot, window, image_folder(tmp_path), project)
    reopened = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(reopened, before_close_func=lambda w: w.document.mark_saved(w.document.path))
    reopened.show()
    assert reopened.open_file(str(project))
    current = reopened.inspect.current
    assert current.sample_count() == len(loaded.imported.dataset.x_test)
    assert current.x() is not None and current.image().shape == (24, 24)
    assert current.describe() == "test sample 0 (label circle)"  # its classes' names
    reopened.inspect.show_inside(reopened.inspect.inside)
    reopened.inspect.inside.refresh()
    assert reopened.inspect.inside.input_view.values.shape == (24, 24)
    if SHOTS:
        for width, height in ((1024, 700), (1400, 900), (1920, 1080)):
            reopened.resize(width, height)
            qtbot.wait(50)
            reopened.grab().save(str(Path(SHOTS) / f"import-reopened-{width}x{height}.png"))


@pytest.fixture(autouse=True)
def _no_exec(monkeypatch):
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)


def test_the_preview_copies_the_data_into_the_project_only_when_ticked(qtbot, window,
                                                                       tmp_path):
    import zipfile

    dialog = window.preview_data(str(blobs_csv(tmp_path)))
    qtbot.addWidget(dialog)
    assert not dialog.chosen().source.embedded
    dialog.embed.setChecked(True)
    window.use_data(dialog.chosen())
    project = tmp_path / "carried.nnstudio"
    assert window.save_to(str(project))
    assert "data/blobs.csv" in zipfile.ZipFile(project).namelist()
