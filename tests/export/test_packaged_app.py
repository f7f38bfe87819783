"""What changes when NN Studio runs as the PyInstaller bundle (packaging/nnstudio.spec)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nnstudio.export import ExportError
from nnstudio.export.errors import require
from nnstudio.resources import icon_path, resources_dir

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def test_resources_are_package_data() -> None:
    """Presets and the embedded subset live inside the package, found by importlib.resources
    (a clone, a wheel and the bundle alike), and the wheel's package data lists them."""
    folder = resources_dir()
    assert folder == Path(__file__).resolve().parents[2] / "nnstudio" / "resources"
    assert (folder / "presets" / "lenet5.json").exists()
    assert (folder / "mnist-subset.npz").exists()
    pyproject = (PACKAGING.parent / "pyproject.toml").read_text()
    for pattern in ("py.typed", "resources/*.npz", "resources/presets/*.json", "resources/icons/*"):
        assert f'"{pattern}"' in pyproject
    assert (PACKAGING.parent / "nnstudio" / "py.typed").exists()


def test_a_missing_package_in_the_bundle_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ExportError, match="packaged NN Studio does not include"):
        require("onnx", "Exporting to ONNX")


def test_packaging_files() -> None:
    spec = (PACKAGING / "nnstudio.spec").read_text()
    compile(spec, "nnstudio.spec", "exec")
    assert 'name="nnstudio"' in spec and "__main__.py" in spec
    assert 'collect_data_files("nnstudio")' in spec
    build = PACKAGING / "build.sh"
    assert build.stat().st_mode & 0o111, "build.sh must be executable"
    assert "--version" in build.read_text()
    desktop = dict(line.split("=", 1) for line in
                   (PACKAGING / "nnstudio.desktop").read_text().splitlines() if "=" in line)
    assert desktop["Exec"] == "nnstudio" and desktop["Icon"] == "nnstudio"
    assert icon_path("png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in icon_path("svg").read_text()
