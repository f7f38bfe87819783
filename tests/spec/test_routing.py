"""Edges run around the layers they would cross (spec/routing.py, no Qt): after Auto Layout
a skip connection straight down through a layer takes a lane beside it, so it no longer looks
as if that layer fed both inputs of the Add."""

from __future__ import annotations

from nnstudio.spec.layout import NODE_HEIGHT, NODE_WIDTH, auto_layout
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec
from nnstudio.spec.routing import crosses, direct, route


def frame(pos: tuple[float, float]) -> tuple[float, float, float, float]:
    return (pos[0], pos[1], pos[0] + NODE_WIDTH, pos[1] + NODE_HEIGHT)


def skip_over_one_layer() -> NetworkSpec:
    """relu1 -> dense2 -> add1 (input 0), and relu1 -> add1 (input 1): Auto Layout puts
    dense2 straight between relu1 and add1."""
    spec = NetworkSpec.sequential([("Dense", {"units": 8}), ("ReLU", {}),
                                   ("Dense", {"units": 8})], input_shape=[4])
    spec.nodes.append(NodeSpec("add1", "Add", {}))
    spec.edges += [EdgeSpec("dense2", "add1", 0), EdgeSpec("relu1", "add1", 1)]
    return spec


def test_a_straight_vertical_edge_through_a_layer_is_seen_to_cross_it() -> None:
    # The bug: a straight drop has a control box of zero width, which "intersects" nothing.
    straight = direct((110.0, 232.0), (110.0, 360.0))
    assert crosses(straight, (0.0, 270.0, 220.0, 322.0))
    assert not crosses(straight, (300.0, 270.0, 520.0, 322.0))


def test_after_auto_layout_the_skip_goes_around_the_layer_it_skips() -> None:
    spec = skip_over_one_layer()
    positions = auto_layout(spec)
    frames = {node_id: frame(pos) for node_id, pos in positions.items()}
    # Both ends and the skipped layer share one column, as the teacher found them.
    assert positions["relu1"][0] == positions["dense2"][0] == positions["add1"][0]
    for edge in spec.edges:
        source, target = frames[edge.source], frames[edge.target]
        start = ((source[0] + source[2]) / 2, source[3])
        end = (target[0] + NODE_WIDTH * (edge.port + 1) / 4, target[1])
        others = [f for node_id, f in frames.items() if node_id not in (edge.source,
                                                                        edge.target)]
        way = route(start, end, others)
        assert not any(crosses(way, other) for other in others), edge
        assert way.detour is ((edge.source, edge.target) == ("relu1", "add1")), edge
        assert way.points()[0] == start and way.points()[-1] == end


def test_a_detour_takes_the_nearer_free_lane_past_every_layer_in_its_way() -> None:
    blocks = [(0.0, 100.0, 220.0, 152.0), (0.0, 190.0, 220.0, 242.0),
              (-260.0, 150.0, -40.0, 202.0)]  # a third layer where the left lane would be
    way = route((110.0, 52.0), (110.0, 300.0), blocks)
    assert way.detour and not any(crosses(way, block) for block in blocks)
    lane_x = way.segments[1].end[0]
    assert lane_x > 220.0  # right: the left lane is taken by the third layer


def test_a_short_edge_stays_direct() -> None:
    way = route((110.0, 52.0), (110.0, 90.0), [(0.0, 60.0, 220.0, 80.0)])
    assert not way.detour and len(way.segments) == 1
