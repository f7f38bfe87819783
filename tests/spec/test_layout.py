"""Auto-layout and free spots, without Qt (spec/layout.py): the builder places nodes with it."""

from __future__ import annotations

from nnstudio.spec.layout import (
    COLUMN_STEP,
    NODE_HEIGHT,
    NODE_WIDTH,
    ROW_STEP,
    auto_layout,
    bounding_box,
    depths,
    free_spot,
    needs_layout,
    overlapping,
)
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec
from nnstudio.spec.presets import load_preset, preset_names


def test_every_preset_lays_out_one_row_per_depth_without_overlaps() -> None:
    for name in preset_names():
        spec = load_preset(name).network
        positions = auto_layout(spec, origin=(10.0, 20.0))
        assert set(positions) == {n.id for n in spec.nodes}, name
        assert not overlapping(positions), name
        depth = depths(spec)
        assert all(y == 20.0 + depth[i] * ROW_STEP for i, (_, y) in positions.items()), name
        assert min(x for x, _ in positions.values()) == 10.0, name


def test_branches_sit_side_by_side_around_their_parent() -> None:
    spec = NetworkSpec(nodes=[NodeSpec("in", "Input", {"shape": [4]}),
                              NodeSpec("a", "ReLU", {}), NodeSpec("b", "Sigmoid", {})],
                       edges=[EdgeSpec("in", "a", 0), EdgeSpec("in", "b", 0)])
    positions = auto_layout(spec)
    assert positions["a"][1] == positions["b"][1] == ROW_STEP
    assert positions["b"][0] - positions["a"][0] == COLUMN_STEP
    centre = positions["in"][0]
    assert positions["a"][0] < centre < positions["b"][0]


def test_needs_layout_free_spot_and_bounding_box() -> None:
    spec = load_preset("mlp-784-100-10").network
    for node, pos in auto_layout(spec).items():
        spec.node(node).pos = pos
    assert not needs_layout(spec)
    first = spec.nodes[0].pos
    spot = free_spot(spec, first)
    assert spot != first and spot[1] == first[1]
    assert free_spot(spec, spot) == spot
    left, top, right, bottom = bounding_box(spec)
    assert right - left >= NODE_WIDTH and bottom - top >= NODE_HEIGHT
    spec.nodes[1].pos = spec.nodes[0].pos
    assert needs_layout(spec)
    spec.nodes[1].pos = None
    assert needs_layout(spec)
