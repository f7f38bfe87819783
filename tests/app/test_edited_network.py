"""EditedNetwork edits: each changes the spec as expected, reruns shape inference, and
undo/redo round-trips spec.to_json() exactly."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.spec.edit_rules import EditError, new_network
from nnstudio.spec.network import EdgeSpec
from nnstudio.spec.presets import load_preset


def doc_for(preset: str) -> EditedNetwork:
    p = load_preset(preset)
    doc = EditedNetwork()
    doc.replace(p.network, p.training)
    return doc


def round_trip(doc: EditedNetwork, edit: Callable[[], object]) -> tuple[dict, dict]:
    """Run ``edit``; check undo gives back the exact JSON and redo the edited one."""
    before = copy.deepcopy(doc.spec.to_json())
    edit()
    after = copy.deepcopy(doc.spec.to_json())
    assert after != before
    steps = doc.undo_stack.index()
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.spec.to_json() == before
    assert doc.analysis.total_params == doc.spec.analyze().total_params
    for _ in range(steps):
        doc.undo_stack.redo()
    assert doc.spec.to_json() == after
    return before, after


@pytest.fixture
def mlp(qapp) -> EditedNetwork:  # noqa: ANN001
    return doc_for("mlp-784-100-10")


def test_add_node_with_connection(mlp: EditedNetwork) -> None:
    _, after = round_trip(mlp, lambda: mlp.add_node("Dropout", (300.0, 40.0),
                                                    connect_from="relu1"))
    assert any(n["id"] == "dropout1" and n["pos"] == [300.0, 40.0] for n in after["nodes"])
    assert {"source": "relu1", "target": "dropout1", "port": 0} in after["edges"]


def test_remove_node_takes_its_edges_and_undo_restores_order(mlp: EditedNetwork) -> None:
    _, after = round_trip(mlp, lambda: mlp.remove(["relu1"]))
    assert "relu1" not in [n["id"] for n in after["nodes"]]
    assert all("relu1" not in (e["source"], e["target"]) for e in after["edges"])
    assert any("no input" in p.message for p in mlp.analysis.problems_of("dense2"))


def test_remove_edge(mlp: EditedNetwork) -> None:
    edge = EdgeSpec("dense1", "relu1", 0)
    _, after = round_trip(mlp, lambda: mlp.remove([], [edge]))
    assert edge.to_json() not in after["edges"]
    assert not mlp.analysis.ok


def test_connect_replaces_the_input_of_a_one_input_layer(mlp: EditedNetwork) -> None:
    mlp.add_node("Dense", (400.0, 0.0), {"units": 100})
    mlp.undo_stack.clear()
    _, after = round_trip(mlp, lambda: mlp.connect("dense3", "relu1"))
    assert {"source": "dense3", "target": "relu1", "port": 0} in after["edges"]
    assert {"source": "dense1", "target": "relu1", "port": 0} not in after["edges"]


def test_merge_layers_take_the_next_free_port(qapp) -> None:  # noqa: ANN001
    doc = doc_for("residual-mlp")
    doc.remove([], [EdgeSpec("relu1", "add1", 0)])
    doc.add_node("Dense", (500.0, 200.0), {"units": 64}, connect_from="relu1")
    doc.undo_stack.clear()
    _, after = round_trip(doc, lambda: doc.connect("relu1", "add1"))
    assert {"source": "relu1", "target": "add1", "port": 0} in after["edges"]
    edge = doc.connect("dense4", "add1")
    assert edge.port == 2
    assert [e.port for e in doc.spec.inputs_of("add1")] == [0, 1, 2]


def test_connections_that_cannot_be_made(mlp: EditedNetwork) -> None:
    with pytest.raises(EditError, match="cycle"):
        mlp.connect("softmax1", "dense1")
    with pytest.raises(EditError, match="Input"):
        mlp.connect("dense1", "input")
    with pytest.raises(EditError, match="itself"):
        mlp.connect("dense1", "dense1")
    assert mlp.undo_stack.count() == 0


def test_insert_on_edge(mlp: EditedNetwork) -> None:
    edge = EdgeSpec("dense1", "relu1", 0)
    _, after = round_trip(mlp, lambda: mlp.insert_on_edge("Dropout", edge, (10.0, 10.0)))
    assert {"source": "dense1", "target": "dropout1", "port": 0} in after["edges"]
    assert {"source": "dropout1", "target": "relu1", "port": 0} in after["edges"]
    assert edge.to_json() not in after["edges"]
    assert mlp.analysis.ok


def test_insert_keeps_the_port_of_a_merge_input(qapp) -> None:  # noqa: ANN001
    doc = doc_for("residual-mlp")
    round_trip(doc, lambda: doc.insert_on_edge("Dropout", EdgeSpec("relu2", "add1", 1)))
    assert EdgeSpec("dropout1", "add1", 1) in doc.spec.edges
    assert doc.analysis.ok


def test_set_param_merges_only_within_one_editing_session(mlp: EditedNetwork) -> None:
    session = object()

    def edit() -> None:
        mlp.set_param("dense1", "units", 20, merge_key=session)
        mlp.set_param("dense1", "units", 30, merge_key=session)

    _, after = round_trip(mlp, edit)
    assert mlp.undo_stack.count() == 1  # steps of one session of one field merge
    assert after["nodes"][1]["params"]["units"] == 30
    assert mlp.analysis.param_counts["dense1"] == 784 * 30 + 30


def test_separate_edits_of_one_parameter_are_separate_undo_steps(mlp: EditedNetwork) -> None:
    mlp.set_param("dense1", "units", 20)
    mlp.set_param("dense1", "units", 30)
    assert mlp.undo_stack.count() == 2
    mlp.undo_stack.undo()
    assert mlp.spec.node("dense1").params["units"] == 20


def test_set_param_that_was_absent_is_removed_by_undo(mlp: EditedNetwork) -> None:
    before, after = round_trip(mlp, lambda: mlp.set_param("dense1", "use_bias", False))
    assert "use_bias" not in before["nodes"][1]["params"]
    assert after["nodes"][1]["params"]["use_bias"] is False


def test_moves_merge(mlp: EditedNetwork) -> None:
    def edit() -> None:
        mlp.move_nodes({"dense1": (10.0, 100.0)})
        mlp.move_nodes({"dense1": (20.0, 110.0)})

    round_trip(mlp, edit)
    assert mlp.undo_stack.count() == 1


def test_rename(mlp: EditedNetwork) -> None:
    _, after = round_trip(mlp, lambda: mlp.rename_node("dense1", "hidden"))
    assert {"source": "hidden", "target": "relu1", "port": 0} in after["edges"]
    with pytest.raises(EditError, match="already"):
        mlp.rename_node("hidden", "relu1")
    with pytest.raises(EditError):
        mlp.rename_node("hidden", "two words")


def test_paste_renames_keeps_internal_edges_and_offsets(mlp: EditedNetwork) -> None:
    spec = mlp.spec
    nodes = [copy.deepcopy(spec.node("dense1")), copy.deepcopy(spec.node("relu1"))]
    edges = list(spec.edges)
    ids: list[str] = []
    _, after = round_trip(mlp, lambda: ids.extend(mlp.add_fragment(nodes, edges, (30.0, 30.0))))
    assert ids == ["dense3", "relu2"]
    assert {"source": "dense3", "target": "relu2", "port": 0} in after["edges"]
    assert mlp.spec.node("dense3").pos == (spec.node("dense1").pos[0] + 30,
                                           spec.node("dense1").pos[1] + 30)
    assert len(after["edges"]) == 5  # only the internal edge came along


def test_append_builds_a_stack(qapp) -> None:  # noqa: ANN001
    doc = EditedNetwork(new_network())
    for type_name in ("Dense", "ReLU", "Dense", "Softmax"):
        doc.append_layer(type_name)
    assert doc.analysis.ok
    assert [n.type for n in doc.spec.nodes] == ["Input", "Dense", "ReLU", "Dense", "Softmax"]


def test_append_after_a_middle_layer_inserts_and_makes_room(mlp: EditedNetwork) -> None:
    below = mlp.spec.node("relu1").pos
    new = ""

    def edit() -> None:
        nonlocal new
        new = mlp.append_layer("Dropout", after="dense1")

    round_trip(mlp, edit)
    assert mlp.analysis.ok
    assert mlp.spec.inputs_of(new)[0].source == "dense1"
    assert mlp.spec.node(new).pos == below
    assert mlp.spec.node("relu1").pos[1] > below[1]
    assert mlp.undo_stack.count() == 1  # one step for the insert and the moves


def test_modified_follows_the_undo_stack(mlp: EditedNetwork) -> None:
    seen: list[bool] = []
    mlp.modified_changed.connect(seen.append)
    mlp.set_param("dense1", "units", 5)
    assert mlp.is_modified
    mlp.undo_stack.undo()
    assert not mlp.is_modified
    assert seen == [True, False]


def test_every_edit_reruns_analysis(mlp: EditedNetwork) -> None:
    analyses = []
    mlp.analysis_changed.connect(analyses.append)
    mlp.set_param("dense2", "units", 7)
    assert analyses and analyses[-1].shapes["softmax1"] == (7,)
