"""`nnstudio.app.run`: importing the package does not import Qt; --screenshot renders a
1400x900 PNG offscreen. Also saves builder screenshots to look at
(NNSTUDIO_SHOTS_DIR, else the test's temporary folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from nnstudio.app import run


def test_importing_the_app_package_does_not_import_qt() -> None:
    code = "import sys, nnstudio.app; print(any(m.startswith('PySide6') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_run_with_screenshot(qapp, tmp_path: Path, settings_path: str) -> None:  # noqa: ANN001
    shot = tmp_path / "shot.png"
    assert run("lenet5", str(shot), settings_path) == 0
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1400, 900)
    icon = qapp.windowIcon()  # the package's own icon, found in a wheel as in a clone
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()


def test_run_with_screenshot_at_a_chosen_size(qapp, tmp_path: Path, settings_path: str) -> None:  # noqa: ANN001
    shot = tmp_path / "small.png"
    assert run("xor-mlp", str(shot), settings_path, size=(1024, 700)) == 0
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1024, 700)


def test_run_with_a_missing_file_fails_cleanly(qapp, tmp_path: Path, settings_path: str) -> None:  # noqa: ANN001
    assert run(str(tmp_path / "nope.json"), str(tmp_path / "x.png"), settings_path) == 2
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("name", ["lenet5", "residual-mlp", "mlp-784-100-10"])
def test_builder_screenshots(window, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    folder = Path(os.environ.get("NNSTUDIO_SHOTS_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    window.load_preset(name)
    first = next(iter(window.scene.nodes))
    window.select_node(first)
    window.fit_to_view()
    path = folder / f"builder-{name}.png"
    assert window.grab().save(str(path))
    assert QImage(str(path)).width() == 1400
