"""The rules of editing a network, without Qt (spec/edit_rules.py): the app's undoable network
asks them before each edit; tests/app/test_edited_network.py checks the edits themselves."""

from __future__ import annotations

import copy

from nnstudio.spec.edit_rules import (
    can_splice,
    connection_problem,
    downstream,
    fragment_to_add,
    id_problem,
    initial_params,
    new_network,
    next_free_port,
)
from nnstudio.spec.network import EdgeSpec, NodeSpec
from nnstudio.spec.presets import load_preset


def mlp():
    return load_preset("mlp-784-100-10").network


def test_connections_that_cannot_be_made_say_why() -> None:
    spec = mlp()
    assert "cycle" in connection_problem(spec, "softmax1", "dense1")
    assert "Input" in connection_problem(spec, "dense1", "input")
    assert "itself" in connection_problem(spec, "dense1", "dense1")
    assert "already feeds" in connection_problem(spec, "dense1", "relu1")
    assert "both ends" in connection_problem(spec, "dense1", "nowhere")
    assert connection_problem(spec, "input", "relu1") is None


def test_names_of_layers() -> None:
    spec = mlp()
    assert id_problem(spec, "hidden") is None
    assert id_problem(spec, "dense1", old_id="dense1") is None
    assert "already" in id_problem(spec, "relu1", old_id="dense1")
    assert "letters" in id_problem(spec, "two words")
    assert "needs a name" in id_problem(spec, "")


def test_splices_ports_and_reach() -> None:
    spec = mlp()
    assert not can_splice(spec, "relu1")  # connected already
    spec.nodes.append(NodeSpec("free", "ReLU", {}, (0.0, 0.0)))
    assert can_splice(spec, "free")
    assert not can_splice(spec, "missing")
    assert next_free_port([EdgeSpec("a", "m", 0), EdgeSpec("b", "m", 2)]) == 1
    assert downstream(spec, "relu1") >= {"relu1", "softmax1"}
    assert "input" not in downstream(spec, "relu1")


def test_a_new_network_and_a_new_layer() -> None:
    spec = new_network()
    assert [n.type for n in spec.nodes] == ["Input"] and spec.nodes[0].pos == (0.0, 0.0)
    params = initial_params("Dense")
    assert "units" in params
    params["units"] = 1  # a copy: the catalogue's default stays as it is
    assert initial_params("Dense")["units"] != 1


def test_pasted_layers_get_fresh_ids_their_own_edges_and_an_offset() -> None:
    spec = mlp()
    nodes = [copy.deepcopy(spec.node("dense1")), copy.deepcopy(spec.node("relu1"))]
    added, kept = fragment_to_add(spec, nodes, list(spec.edges), (30.0, 30.0))
    assert [n.id for n in added] == ["dense3", "relu2"]
    assert kept == [EdgeSpec("dense3", "relu2", 0)]
    assert added[0].pos == (spec.node("dense1").pos[0] + 30, spec.node("dense1").pos[1] + 30)
    assert len(spec.nodes) == len(mlp().nodes)  # the spec itself is left alone
