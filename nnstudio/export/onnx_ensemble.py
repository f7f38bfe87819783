"""An ensemble as one ONNX model: the averaged model.

Each member is the network's own ONNX graph (``onnx_model``) with its names prefixed
("m0_", "m1_", ...); all of them read the one input "input", and "output" is the ``Mean`` of
their probabilities: a network that ends in scores rather than a Softmax or Sigmoid gets one
(Softmax over the classes, Sigmoid for a single output) before the mean. Its argmax is the
ensemble's mean-probability vote (``nnstudio.engine.voting``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nnstudio.export.errors import ExportError, require
from nnstudio.export.graph import Weights
from nnstudio.export.onnx_export import INPUT_NAME, OUTPUT_NAME, onnx_model
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.outputs import ends_in_probabilities
from nnstudio.storage.atomic_write import write_atomic


def export_ensemble_onnx(spec: NetworkSpec, members: list[Weights],
                         path: str | os.PathLike[str], opset: int = 17) -> list[Path]:
    """Write the averaged model of ``members`` (each one's weights) at ``path``."""
    model = ensemble_onnx_model(spec, members, opset)
    path = Path(path)
    write_atomic(path, model.SerializeToString())
    return [path]


def ensemble_onnx_model(spec: NetworkSpec, members: list[Weights], opset: int = 17) -> Any:
    """The ``onnx.ModelProto`` whose output is the members' mean probability."""
    onnx = require("onnx", "Exporting to ONNX")
    if not members:
        raise ExportError("an ensemble needs at least one member to export")
    helper = onnx.helper
    probabilities = ends_in_probabilities(spec)
    nodes, initializers, averaged = [], [], []
    first = None
    for index, weights in enumerate(members):
        prefix = f"m{index}_"
        member = onnx.compose.add_prefix(onnx_model(spec, weights, opset), prefix,
                                         rename_inputs=False)
        first = first or member
        graph = member.graph
        nodes.extend(graph.node)
        initializers.extend(graph.initializer)
        out = graph.output[0].name
        if not probabilities:
            width = graph.output[0].type.tensor_type.shape.dim[-1].dim_value
            squash = "Sigmoid" if width == 1 else "Softmax"
            attributes = {} if width == 1 else {"axis": -1}
            nodes.append(helper.make_node(squash, [out], [f"{prefix}probabilities"],
                                          name=f"{prefix}{squash.lower()}", **attributes))
            out = f"{prefix}probabilities"
        averaged.append(out)
    nodes.append(helper.make_node("Mean", averaged, [OUTPUT_NAME], name="ensemble_mean",
                                  doc_string=f"the mean probability of {len(members)} members"))
    output = onnx.ValueInfoProto()
    output.CopyFrom(first.graph.output[0])
    output.name = OUTPUT_NAME
    inputs = [value for value in first.graph.input if value.name == INPUT_NAME]
    graph = helper.make_graph(nodes, f"{spec.name or 'network'} ensemble of {len(members)}",
                              inputs, [output], initializers,
                              doc_string=f"The mean probability of {len(members)} members "
                                         f"trained from different seeds (NN Studio).")
    model = helper.make_model(graph, opset_imports=list(first.opset_import),
                              producer_name=first.producer_name,
                              producer_version=first.producer_version,
                              ir_version=first.ir_version)
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # noqa: BLE001 - the checker's errors have no common base
        raise ExportError(f"the ensemble's ONNX model failed the ONNX checker: {error}") from None
    return model
