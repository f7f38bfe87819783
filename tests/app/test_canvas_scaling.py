"""A long chain opens without freezing the window: each edge is routed around the layers
level with it only, not all of them (10,000 layers took minutes), and the routes are the
same as when every layer is looked at."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.app.builder.items import EdgeItem
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset


def scene_for(spec: NetworkSpec) -> NetworkScene:
    QApplication.instance() or QApplication([])
    document = EditedNetwork()
    document.replace(spec)  # lays the layers out, as opening a file does
    return NetworkScene(document)


def test_each_edge_of_a_long_chain_meets_a_few_layers(monkeypatch) -> None:  # noqa: ANN001
    spec = NetworkSpec.sequential([("Dense", {"units": 4})] + [("ReLU", {})] * 499,
                                  input_shape=[4])
    scene = scene_for(spec)
    looked_at: list[int] = []
    original = EdgeItem.update_path
    monkeypatch.setattr(EdgeItem, "update_path", lambda self, obstacles: (
        looked_at.append(len(obstacles)), original(self, obstacles)))
    scene.update_edges()
    assert len(looked_at) == 500 and max(looked_at) <= 4


def test_routes_equal_those_around_every_layer(monkeypatch) -> None:  # noqa: ANN001
    scene = scene_for(load_preset("residual-mlp").network)
    scene.update_edges()
    routed = {item.edge: item.path() for item in scene.edges}
    frames = {node_id: item.frame() for node_id, item in scene.nodes.items()}
    for item in scene.edges:
        ends = (item.source.node_id, item.target.node_id)
        item.update_path([r for n, r in frames.items() if n not in ends])
        assert item.path() == routed[item.edge], item.edge
