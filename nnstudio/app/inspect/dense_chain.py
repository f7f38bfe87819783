"""A small dense network read as the course draws it: columns of neurons, each Dense layer
(with the activation after it) a column, every weight an edge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.spec.catalogue import ACTIVATIONS
from nnstudio.spec.network import NetworkSpec

MAX_UNITS = 32
PASS_THROUGH = {"Dropout", "Identity"}  # nothing to draw at inference
LIMIT_TEXT = f"the diagram shows dense networks up to {MAX_UNITS} neurons per layer"


class NotDrawable(ValueError):
    """The network is not a small dense chain; the message says why in plain words."""


@dataclass(frozen=True)
class DenseColumn:
    """One layer of neurons: ``dense`` computes the net inputs, ``output`` node the outputs
    (the activation after it, or the Dense itself when none follows)."""

    dense: str
    output: str
    activation: str  # the activation's type, "" when there is none
    units: int


@dataclass(frozen=True)
class DenseChain:
    input: str
    input_size: int
    columns: tuple[DenseColumn, ...]

    @property
    def sizes(self) -> list[int]:
        return [self.input_size, *(c.units for c in self.columns)]

    def neuron_name(self, column: int, index: int) -> str:
        """The course's names: i1, i2 for inputs, h1.. for hidden neurons, o1.. for outputs
        (h2.1 and so on when there is more than one hidden layer)."""
        last = len(self.columns)
        if column == 0:
            return f"i{index + 1}"
        if column == last:
            return f"o{index + 1}"
        return f"h{index + 1}" if last == 2 else f"h{column}.{index + 1}"

    def weight_names(self) -> dict[tuple[int, int, int], str]:
        """(layer, source, target) -> "w1".., numbered as the course does: layer by layer,
        then by target neuron, then by source (w1 = i1->h1, w2 = i2->h1, w3 = i1->h2...)."""
        names, number = {}, 0
        for layer, (n_in, n_out) in enumerate(zip(self.sizes, self.sizes[1:], strict=False)):
            for target in range(n_out):
                for source in range(n_in):
                    number += 1
                    names[(layer, source, target)] = f"w{number}"
        return names


def dense_chain(spec: NetworkSpec, max_units: int = MAX_UNITS) -> DenseChain:
    """The chain of ``spec``, or NotDrawable saying what is in the way."""
    analysis = spec.analyze()
    if not analysis.ok:
        raise NotDrawable("the network has problems; fix them on the canvas first")
    order = analysis.order
    first = order[0]
    in_shape = analysis.shapes[first] or ()
    if len(in_shape) != 1:
        shape = "x".join(map(str, in_shape))
        raise NotDrawable(f"{LIMIT_TEXT}; this one's input is an image ({shape})")
    if in_shape[0] > max_units:
        raise NotDrawable(f"{LIMIT_TEXT}; this one has {in_shape[0]} inputs")
    columns: list[DenseColumn] = []
    previous = first
    for node_id in order[1:]:
        node = spec.node(node_id)
        sources = [e.source for e in spec.inputs_of(node_id)]
        if sources != [previous]:
            raise NotDrawable(f"{LIMIT_TEXT}, one layer after another; {node_id} has "
                              f"{len(sources)} inputs")
        previous = node_id
        if node.type == "Dense":
            units = int(spec.params_of(node_id)["units"])
            if units > max_units:
                raise NotDrawable(f"{LIMIT_TEXT}; {node_id} has {units} neurons")
            columns.append(DenseColumn(node_id, node_id, "", units))
        elif node.type in ACTIVATIONS or node.type in PASS_THROUGH:
            if not columns:
                raise NotDrawable(f"{LIMIT_TEXT}; {node_id} comes before the first Dense")
            if node.type in ACTIVATIONS and node.type != "Identity":
                last = columns[-1]
                columns[-1] = DenseColumn(last.dense, node_id, node.type, last.units)
        else:
            raise NotDrawable(f"{LIMIT_TEXT}; {node_id} is a {node.type} layer")
    if not columns:
        raise NotDrawable(f"{LIMIT_TEXT}; this one has no Dense layer")
    return DenseChain(first, int(in_shape[0]), tuple(columns))


def explain(reason: NotDrawable) -> str:
    """The reason as a paragraph for a panel, with where to go instead."""
    text = str(reason)
    return (f"{text[:1].upper()}{text[1:]}.\n\nThe Network diagram and Backprop step-by-step "
            "tabs are for small dense networks; Look inside works for any network. Small "
            "ones to try: File > New from Preset > Backpropagation worked by hand, or XOR.")


def column_values(chain: DenseChain,
                  activations: dict[str, np.ndarray]) -> tuple[list[np.ndarray],
                                                              list[np.ndarray]]:
    """(outputs per column, net inputs per column) for the first sample of ``activations``
    (as InspectionCopy.activations returns them); the input column's net inputs are its values."""
    inputs = np.asarray(activations[chain.input][0], dtype=np.float64).ravel()
    outputs, nets = [inputs], [inputs]
    for column in chain.columns:
        nets.append(np.asarray(activations[column.dense][0], dtype=np.float64).ravel())
        outputs.append(np.asarray(activations[column.output][0], dtype=np.float64).ravel())
    return outputs, nets


def plane_grid(points: np.ndarray, size: int) -> np.ndarray:
    """(size * size, 2) points on a grid over the 2-D ``points`` with a margin, row by row
    from the top (largest y) down, as an image is stored."""
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-3)
    low, high = low - 0.1 * span, high + 0.1 * span
    xs = np.linspace(low[0], high[0], size)
    ys = np.linspace(high[1], low[1], size)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)


def unit_maps(chain: DenseChain, activations: dict[str, np.ndarray],
              size: int) -> dict[tuple[int, int], np.ndarray]:
    """Each neuron's output over a ``size`` x ``size`` grid of the input plane, from the
    activations of the grid's points (as InspectionCopy.activations returns them): what
    TensorFlow Playground draws in each of its neurons."""
    maps = {}
    columns = [chain.input, *(column.output for column in chain.columns)]
    for c, node in enumerate(columns):
        values = np.asarray(activations[node], dtype=np.float64).reshape(size * size, -1)
        for index in range(values.shape[1]):
            maps[(c, index)] = values[:, index].reshape(size, size)
    return maps
