"""A file with node positions of NaN, inf or 1e30 is refused with one clear message (it
crashed or hung the window), and the canvas draws whatever it is given without failing."""

from __future__ import annotations

import json
import math
import zipfile

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from nnstudio.files import documents
from nnstudio.spec.network import MAX_POSITION
from nnstudio.spec.presets import load_preset


def write_with_pos(path, pos) -> None:  # noqa: ANN001
    preset = load_preset("mlp-784-100-10")
    documents.save_document(path, preset.network, preset.training)
    if path.suffix == ".json":
        data = json.loads(path.read_text())
        data["network"]["nodes"][1]["pos"] = pos
        path.write_text(json.dumps(data))
        return
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    meta = json.loads(members["project.json"])
    meta["network"]["nodes"][1]["pos"] = pos
    members["project.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("suffix", [".json", ".nnstudio"])
@pytest.mark.parametrize("pos", [[math.nan, 10], [math.inf, 0], [1e30, -1e30]])
def test_opening_bad_positions_says_so_and_changes_nothing(window, tmp_path, monkeypatch,
                                                           suffix, pos) -> None:
    path = tmp_path / f"bad{suffix}"
    write_with_pos(path, pos)
    reported = []
    monkeypatch.setattr(window, "_report", lambda title, text: reported.append(text))
    before = window.document.spec.to_json()
    assert not window.open_file(str(path))
    assert len(reported) == 1 and "'pos'" in reported[0] and "dense1" in reported[0]
    assert window.document.spec.to_json() == before
    window.grab()  # still draws


def test_the_canvas_draws_a_network_at_the_edge_of_the_allowed_range(window) -> None:
    preset = load_preset("mlp-784-100-10")
    for i, node in enumerate(preset.network.nodes):
        node.pos = (MAX_POSITION * (-1) ** i, -MAX_POSITION * (-1) ** i)
    window.document.replace(preset.network, preset.training)
    window.fit_to_view()
    for zoom in (1.0, 0.5, 2.0):
        window.view.set_zoom(zoom)
        assert not window.grab().isNull()


@pytest.mark.parametrize("rect", [QRectF(math.nan, 0, 100, 100), QRectF(0, 0, math.inf, 10),
                                  QRectF(-1e30, -1e30, 2e30, 2e30)])
def test_the_background_grid_survives_any_rectangle(window, rect) -> None:
    image = QImage(50, 50, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        window.view.set_zoom(1.0)
        window.view.drawBackground(painter, rect)
    finally:
        painter.end()


def test_pasting_layers_with_bad_positions_pastes_nothing(window) -> None:
    from PySide6.QtGui import QGuiApplication

    from nnstudio.app.builder.clipboard import FRAGMENT_FORMAT

    fragment = {"format": FRAGMENT_FORMAT, "edges": [],
                "nodes": [{"id": "d", "type": "Dense", "params": {"units": 3},
                           "pos": [1e30, math.nan]}]}
    QGuiApplication.clipboard().setText(json.dumps(fragment))
    before = len(window.document.spec.nodes)
    assert window.paste() == []
    assert len(window.document.spec.nodes) == before
