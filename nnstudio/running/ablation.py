"""Switching units off (ablation): which filter or unit makes the network right or wrong.

A switched-off unit of a Dense or Conv2D layer has its weights and bias set to zero, in a
copy of the weights: the weights shown, trained or saved never change unless the person
applies the ablation (``switched_off`` gives the weights to keep then). ``Ablation`` holds the
units switched off and evaluates the network with them on a fixed set of samples, beside the
original: accuracy, accuracy per class and the confusion matrix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy

from nnstudio.engine.layers import Dense
from nnstudio.engine.layers.conv import Conv2D
from nnstudio.engine.metrics import confusion_matrix
from nnstudio.engine.network import Network

Weights = dict[str, dict[str, numpy.ndarray]]


def switchable_layers(network: Network) -> dict[str, int]:
    """{layer: number of units} for the layers whose units can be switched off: a Dense
    layer's outputs and a Conv2D layer's filters, in flow order."""
    found = {}
    for node in network.layer_nodes:
        if isinstance(node.layer, Dense):
            found[node.name] = node.layer.out_features
        elif isinstance(node.layer, Conv2D):
            found[node.name] = int(node.layer.params["W"].shape[0])
    return found


def switched_off(weights: Weights, off: dict[str, set[int]]) -> Weights:
    """A copy of ``weights`` with the weights and bias of the units in ``off`` at zero
    (Dense W is inputs x outputs: a unit is a column; Conv2D W is filters x ...: a row)."""
    result = {layer: dict(arrays) for layer, arrays in weights.items()}
    for layer, units in off.items():
        if not units:
            continue
        chosen = sorted(units)
        arrays = result[layer]
        w = arrays["W"].copy()
        if w.ndim == 2:
            w[:, chosen] = 0
        else:
            w[chosen] = 0
        arrays["W"] = w
        if "b" in arrays:
            b = arrays["b"].copy()
            b[chosen] = 0
            arrays["b"] = b
    return result


@dataclass
class Evaluation:
    """A network's answers on the samples: accuracy, per class, the confusion matrix."""

    predicted: numpy.ndarray
    actual: numpy.ndarray
    num_classes: int
    seconds: float = 0.0
    confusion: numpy.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.confusion = confusion_matrix(self.predicted, self.actual, self.num_classes)

    @property
    def accuracy(self) -> float:
        return float(numpy.mean(self.predicted == self.actual)) if len(self.actual) else 0.0

    @property
    def per_class(self) -> numpy.ndarray:
        """Accuracy of each true class (NaN for a class with no samples)."""
        totals = self.confusion.sum(axis=1)
        with numpy.errstate(invalid="ignore", divide="ignore"):
            return numpy.where(totals > 0, numpy.diag(self.confusion) / totals, numpy.nan)


def evaluate(network: Network, weights: Weights, x: numpy.ndarray, y: numpy.ndarray,
             num_classes: int) -> Evaluation:
    """The network with ``weights`` on ``x`` (labels ``y``: class indices or one-hot)."""
    start = time.perf_counter()
    network.set_weights(weights)
    outputs = network.predict(x).reshape(len(x), -1)
    if outputs.shape[1] == 1:
        predicted = (outputs[:, 0] > 0.5).astype(numpy.int64)
    else:
        predicted = outputs.argmax(axis=1)
    actual = numpy.asarray(y)
    if actual.ndim > 1:
        actual = actual.argmax(axis=1)
    actual = actual.astype(numpy.int64).reshape(-1)
    return Evaluation(predicted.astype(numpy.int64), actual,
                      max(num_classes, outputs.shape[1], 2), time.perf_counter() - start)


class Ablation:
    """The units switched off in one network, and its evaluation with and without them.

    ``network`` is a copy of its own (its weights are overwritten on every evaluation);
    ``weights`` the weights being looked at, never modified.
    """

    def __init__(self, network: Network, weights: Weights, x: numpy.ndarray, y: numpy.ndarray,
                 num_classes: int) -> None:
        self.network = network
        self.weights = weights
        self.x, self.y, self.num_classes = x, y, num_classes
        self.layers = switchable_layers(network)
        self.off: dict[str, set[int]] = {}
        self.original = evaluate(network, weights, x, y, num_classes)
        self.current = self.original

    @property
    def active(self) -> bool:
        return any(self.off.values())

    def count(self, layer: str | None = None) -> int:
        if layer is not None:
            return len(self.off.get(layer, ()))
        return sum(len(units) for units in self.off.values())

    def is_off(self, layer: str, unit: int) -> bool:
        return unit in self.off.get(layer, ())

    def set_off(self, layer: str, unit: int, off: bool = True) -> Evaluation:
        """Switch one unit off (or back on) and evaluate at once."""
        if layer not in self.layers:
            raise KeyError(f"{layer} has no units to switch off (only Dense and Conv2D do)")
        if not 0 <= unit < self.layers[layer]:
            raise IndexError(f"{layer} has {self.layers[layer]} units; there is no unit {unit}")
        units = self.off.setdefault(layer, set())
        if off:
            units.add(unit)
        else:
            units.discard(unit)
        return self._evaluate()

    def set_units(self, off: dict[str, set[int]]) -> Evaluation:
        """Exactly the units ``off`` switched off, evaluated at once."""
        for layer, units in off.items():
            for unit in units:
                if layer not in self.layers or not 0 <= unit < self.layers[layer]:
                    raise KeyError(f"{layer} has no unit {unit} to switch off")
        self.off = {layer: set(units) for layer, units in off.items() if units}
        return self._evaluate()

    def restore(self) -> Evaluation:
        """Every unit back on."""
        self.off = {}
        self.current = self.original
        return self.current

    def ablated_weights(self) -> Weights:
        return switched_off(self.weights, self.off)

    def _evaluate(self) -> Evaluation:
        if not self.active:
            self.current = self.original
        else:
            self.current = evaluate(self.network, self.ablated_weights(), self.x, self.y,
                                    self.num_classes)
        return self.current
