"""Whether loaded weights fit a network, said in words before they are used.

``check_weights(network, weights)`` compares {layer: {parameter: array}} (from a project, an
.npz or a network file's hand-set weights) with what the built network holds and reports
every problem at once: layers or parameters the network lacks, arrays of the wrong shape or
not numbers, values that are NaN or infinite, and the layers the weights leave out (those
keep their starting weights). ``apply_weights`` checks, then copies them into the network.
Nothing here imports Qt: the command line and the app share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy

from nnstudio.engine.network import Network

SHOWN = 5  # problems listed by name in one message; the rest are counted


class WeightsError(ValueError):
    """Weights that cannot be used for a network; the message lists what is wrong."""


@dataclass
class WeightReport:
    unknown_layers: list[str] = field(default_factory=list)  # named, but not in the network
    unknown_params: list[str] = field(default_factory=list)  # "layer.param" the layer lacks
    wrong: list[str] = field(default_factory=list)  # "layer.param: expected shape ..., got ..."
    non_finite: list[str] = field(default_factory=list)  # "layer.param" holding NaN or inf
    missing: list[str] = field(default_factory=list)  # "layer" or "layer.param" not given

    @property
    def usable(self) -> bool:
        """Whether the weights can be copied into the network (unknown names and wrong
        shapes or types cannot; NaN can, though nothing useful follows from it)."""
        return not self.unknown_layers and not self.unknown_params and not self.wrong

    @property
    def ok(self) -> bool:
        """Usable, finite and complete."""
        return self.usable and not self.non_finite and not self.missing

    def problems(self) -> list[str]:
        """Every problem but ``missing``, one phrase each."""
        return ([f"the network has no layer {name!r}" for name in self.unknown_layers]
                + [f"{name}: the layer has no such parameter" for name in self.unknown_params]
                + self.wrong
                + [f"{name} holds NaN or infinite values" for name in self.non_finite])

    def error_message(self) -> str:
        """The problems in one sentence (empty when there are none)."""
        return _listed(self.problems())

    def missing_note(self) -> str:
        """Which layers keep their starting weights (empty when the weights are complete)."""
        if not self.missing:
            return ""
        return (f"no saved weights for {_listed(self.missing)}; "
                f"{'it keeps' if len(self.missing) == 1 else 'they keep'} the starting weights")


def expected_shapes(network: Network) -> dict[str, dict[str, tuple[int, ...]]]:
    """{layer: {parameter or state array: shape}} of a built network."""
    return {node.name: {key: tuple(value.shape)
                        for key, value in {**node.layer.params, **node.layer.state}.items()}
            for node in network.layer_nodes}


def check_weights(network: Network, weights: Any) -> WeightReport:
    """Report how ``weights`` ({layer: {parameter: array-like}}) fit ``network``."""
    report = WeightReport()
    expected = {name: arrays for name, arrays in expected_shapes(network).items() if arrays}
    if not isinstance(weights, Mapping):
        report.wrong.append(f"the weights must map layer names to their arrays, not "
                            f"{type(weights).__name__}")
        return report
    for layer, arrays in weights.items():
        if layer not in expected:
            if not (isinstance(arrays, Mapping) and not arrays):  # {} for a layer: nothing
                report.unknown_layers.append(str(layer))
            continue
        if not isinstance(arrays, Mapping):
            report.wrong.append(f"{layer}: its weights must map parameter names to arrays, "
                                f"not {type(arrays).__name__}")
            continue
        for param, value in arrays.items():
            shape = expected[layer].get(param)
            if shape is None:
                report.unknown_params.append(f"{layer}.{param}")
            else:
                _check_array(report, f"{layer}.{param}", value, shape)
    for layer, shapes in expected.items():
        given = weights.get(layer)
        if given is None:
            report.missing.append(layer)
        elif isinstance(given, Mapping):
            report.missing += [f"{layer}.{param}" for param in shapes if param not in given]
    return report


def apply_weights(network: Network, weights: Any, source: str = "the weights") -> WeightReport:
    """Check ``weights``, copy them into ``network`` and return the report.

    Raises WeightsError, changing nothing, when they cannot be copied (names the network
    lacks, wrong shapes, not numbers). NaN and missing layers are reported, not refused:
    whether they matter is the caller's decision.
    """
    report = check_weights(network, weights)
    if not report.usable:
        raise WeightsError(f"{source} do not fit the network: {report.error_message()}")
    network.set_weights({layer: dict(arrays) for layer, arrays in weights.items() if arrays})
    return report


def _check_array(report: WeightReport, name: str, value: Any,
                 shape: tuple[int, ...]) -> None:
    try:
        array = numpy.asarray(value)
    except (TypeError, ValueError, OverflowError) as error:
        report.wrong.append(f"{name} is not an array of numbers ({error})")
        return
    if array.dtype.kind not in "fiu":
        report.wrong.append(f"{name} is not an array of numbers (type {array.dtype})")
    elif array.shape != shape:
        report.wrong.append(f"{name}: expected shape {_shape(shape)}, got {_shape(array.shape)}")
    elif array.dtype.kind == "f" and not numpy.isfinite(array).all():
        report.non_finite.append(name)


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape)) if shape else "a single number"


def _listed(items: list[str]) -> str:
    shown = "; ".join(items[:SHOWN])
    return shown + (f"; and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def same_weights(first: Mapping[str, Mapping[str, Any]],
                 second: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether two {node: {param: array}} hold the same arrays, value for value."""
    if first.keys() != second.keys():
        return False
    return all(first[node].keys() == second[node].keys()
               and all(numpy.array_equal(numpy.asarray(first[node][name]),
                                         numpy.asarray(second[node][name]))
                       for name in first[node])
               for node in first)
