"""The preset gallery shows a thumbnail of each preset's network."""

from __future__ import annotations

from nnstudio.app import theme
from nnstudio.app.builder.gallery import THUMBNAIL, PresetGallery
from nnstudio.app.builder.thumbnail import layer_columns, network_thumbnail, skip_edges
from nnstudio.spec.presets import load_preset, preset_names


def group_pixels(pixmap, group: str) -> int:
    """How many pixels of ``pixmap`` are exactly ``group``'s colour (the chips' fill)."""
    image = pixmap.toImage()
    wanted = theme.group_color(group).rgb()
    return sum(image.pixel(x, y) == wanted for x in range(image.width())
               for y in range(image.height()))


def test_every_preset_has_a_thumbnail_in_the_gallery(qtbot) -> None:
    gallery = PresetGallery(None)
    qtbot.addWidget(gallery)
    assert len(gallery.entries("preset")) == len(preset_names())
    for item in gallery.entries("preset") + gallery.entries("comparison"):
        icon = item.icon()
        assert not icon.isNull() and icon.availableSizes()[0] == THUMBNAIL


def test_a_thumbnail_draws_each_group_of_the_network(qtbot) -> None:
    lenet = network_thumbnail(load_preset("lenet5").network)
    assert group_pixels(lenet, "Convolution") > 0 and group_pixels(lenet, "Pooling") > 0
    mlp = network_thumbnail(load_preset("xor-mlp").network)
    assert group_pixels(mlp, "Convolution") == 0 and group_pixels(mlp, "Core") > 0
    # The residual preset's skip arcs over the layers it skips; a chain has no such edge.
    residual = load_preset("residual-mlp").network
    skips = skip_edges(residual, layer_columns(residual))
    assert [(e.source, e.target) for e in skips] == [("relu1", "add1")]
    xor = load_preset("xor-mlp").network
    assert skip_edges(xor, layer_columns(xor)) == []
