"""Making a network's two ends fit a dataset: the Input layer takes the data's shape, the
last Dense layer gives one unit per class (or per regression target), and a regression
network loses a closing Softmax or Sigmoid. The same rule serves the command line's
``train --data`` and the window's import (as one undoable edit)."""

from __future__ import annotations

import math

from nnstudio.spec.network import NetworkSpec

CLOSING_SQUASHES = ("Softmax", "Sigmoid", "LogSoftmax")


def suggested_loss(task: str) -> str:
    """Cross-entropy for classes, mean squared error for a numeric target."""
    return "mse" if task == "regression" else "cross_entropy"


def fit_ends(spec: NetworkSpec, input_shape: tuple[int, ...], output_size: int,
             task: str) -> tuple[NetworkSpec, list[str]]:
    """A copy of ``spec`` fitted to the data, and what changed, one phrase each.

    An Input of one dimension (an MLP's) takes the flat size of the data; others take its
    shape. The last Dense layer takes ``output_size`` units (two classes keep a single
    unit if it has one).
    """
    fitted = spec.copy()
    changes: list[str] = []
    order, _ = fitted.topological_order()
    inputs = [n for n in fitted.nodes if n.type == "Input"]
    if inputs:
        node = inputs[0]
        old = list(node.params.get("shape", []))
        new = [math.prod(input_shape)] if len(old) == 1 else list(input_shape)
        if old != new:
            node.params["shape"] = new
            changes.append(f"{node.id} shape {'x'.join(map(str, old))} → "
                           f"{'x'.join(map(str, new))}")
    if task == "regression":
        changes += _drop_closing_squash(fitted, order)
        order, _ = fitted.topological_order()
    dense = [node_id for node_id in order if fitted.node(node_id).type == "Dense"]
    if dense:
        node = fitted.node(dense[-1])
        old_units = node.params.get("units")
        binary = task == "classification" and output_size == 2 and old_units == 1
        if old_units != output_size and not binary:
            node.params["units"] = output_size
            changes.append(f"{node.id} units {old_units} → {output_size}")
    return fitted, changes


def _drop_closing_squash(spec: NetworkSpec, order: list[str]) -> list[str]:
    if not order:
        return []
    last = spec.node(order[-1])
    incoming = spec.inputs_of(last.id)
    if last.type not in CLOSING_SQUASHES or len(incoming) != 1:
        return []
    spec.edges = [e for e in spec.edges if e.target != last.id]
    spec.nodes = [n for n in spec.nodes if n.id != last.id]
    return [f"{last.id} ({last.type}) removed: a regression outputs numbers as they are"]

