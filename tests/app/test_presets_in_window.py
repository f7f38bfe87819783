"""Every preset opens with the shapes and parameter counts of NetworkSpec.analyze() on the
nodes, on the edges and in the summary dock; the gallery lists them all."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from nnstudio.app.builder.gallery import (
    EXPERIMENTS_HEADING,
    KIND_ROLE,
    NETWORKS_HEADING,
    PresetGallery,
)
from nnstudio.spec.presets import load_preset, preset_names
from nnstudio.spec.shapes import format_shape


@pytest.mark.parametrize("name", preset_names())
def test_preset_opens_with_analyze_numbers(window, name: str) -> None:  # noqa: ANN001
    assert window.load_preset(name)
    expected = load_preset(name).network.analyze()
    scene, summary = window.scene, window.summary
    assert set(scene.nodes) == set(expected.shapes)
    for node_id, item in scene.nodes.items():
        assert item.content.shape == format_shape(expected.shapes[node_id])
        assert item.content.params == expected.param_counts[node_id]
        assert not item.has_error()
    rows = {summary.table.item(r, 0).text(): (summary.table.item(r, 2).text(),
                                               summary.table.item(r, 3).text())
            for r in range(summary.table.rowCount() - 1)}
    assert rows == {i: (format_shape(expected.shapes[i]), f"{expected.param_counts[i]:,}")
                    for i in expected.shapes}
    assert summary.total_text() == f"{expected.total_params:,}"
    assert window.validity_text() == f"Valid network · {expected.total_params:,} parameters"
    assert not window.isWindowModified()
    assert len(scene.edges) == len(load_preset(name).network.edges)


def test_summary_order_matches_the_cli(window) -> None:  # noqa: ANN001
    from nnstudio.cli.summary import summary_rows

    window.load_preset("residual-mlp")
    table = window.summary.table
    ids = [table.item(r, 0).text() for r in range(table.rowCount() - 1)]
    assert ids == [row["id"] for row in summary_rows(window.document.spec)]


def test_gallery_lists_presets_and_opens_the_choice(window, monkeypatch) -> None:  # noqa: ANN001
    gallery = PresetGallery(window, current="lenet5")
    assert [item.text() for item in gallery.entries("preset")] == [
        load_preset(n).title for n in preset_names()]
    assert gallery.chosen() == "lenet5"
    assert "LeNet" in gallery.details.text()
    gallery.deleteLater()

    def pick(self: PresetGallery) -> int:
        self.select("xor-mlp")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PresetGallery, "exec", pick)
    window.actions.new_from_preset.trigger()
    assert window.document.spec.name == load_preset("xor-mlp").network.name
    assert window.settings.value("choices/last_preset") == "xor-mlp"


def test_gallery_offers_the_course_experiments_and_opens_one_side_by_side(
        window, monkeypatch) -> None:  # noqa: ANN001
    from nnstudio.spec.comparisons import comparison_names, load_comparison

    gallery = PresetGallery(window)
    headings = [gallery.list.item(i).text() for i in range(gallery.list.count())
                if gallery.list.item(i).data(KIND_ROLE) is None]
    assert headings == [NETWORKS_HEADING, EXPERIMENTS_HEADING]
    assert [item.text() for item in gallery.entries("comparison")] == [
        load_comparison(n).title for n in comparison_names()]
    gallery.select("optimizers", "comparison")
    assert gallery.chosen() is None and gallery.chosen_comparison() == "optimizers"
    assert "Variants" in gallery.details.text() and "Nesterov" in gallery.details.text()
    gallery.deleteLater()

    def pick(self: PresetGallery) -> int:
        self.select("optimizers", "comparison")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PresetGallery, "exec", pick)
    name_before = window.document.spec.name
    window.actions.new_from_preset.trigger()
    experiments = window.experiments
    assert window.training.tabs.currentIndex() == experiments.tab_index
    assert experiments.pages.currentIndex() == experiments._index_of(experiments.side_by_side)
    assert experiments.side_by_side.comparison().name == "optimizers"
    assert window.document.spec.name == name_before  # the canvas keeps its network
