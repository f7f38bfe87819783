"""How much memory a network needs, estimated from its spec's shapes before anything is
allocated, and how much this machine has: a network far too big (784 -> 100000 -> 100000
-> 10) is refused with its size and its largest layer instead of running out of memory."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from nnstudio.spec.network import Analysis, NetworkSpec

# Arrays an optimizer keeps per weight (momentum, squared-gradient averages...).
OPTIMIZER_MOMENTS = {"sgd": 1, "momentum": 1, "nesterov": 1, "adagrad": 1, "adadelta": 2,
                     "rmsprop": 2, "adam": 2, "nadam": 2}
INIT_BYTES_PER_WEIGHT = 8  # initializers draw a layer's weights in float64 on the host
# Per value of each layer's output in a training batch: the output, its gradient, and what
# the layer keeps for backward (BatchNorm's normalized input, a mask, pooling's indices).
TRAINING_COPIES_PER_OUTPUT = 3


class NetworkTooLarge(ValueError, MemoryError):
    """The network would need more memory than the machine has; the message says how much,
    and which layer needs most."""


@dataclass(frozen=True)
class MemoryEstimate:
    total_bytes: int
    by_layer: dict[str, int]  # bytes each layer accounts for

    @property
    def largest_layer(self) -> str | None:
        return max(self.by_layer, key=self.by_layer.__getitem__, default=None)


def estimate_memory(spec: NetworkSpec, analysis: Analysis, value_bytes: int = 4,
                    batch_size: int | None = None, optimizer: str = "adam") -> MemoryEstimate:
    """Bytes to build the network (weights, gradients, the initializer's float64 draw) and,
    with ``batch_size``, to train it too (optimizer moments, the divergence guard's copies,
    every layer's activations for one batch)."""
    moments = OPTIMIZER_MOMENTS.get(optimizer, 2)
    # values + gradients; when training also the moments and the known-good copies of both
    per_param = value_bytes * (2 + (2 * moments + 1 if batch_size else 0))
    largest_init = max(analysis.param_counts.values(), default=0) * INIT_BYTES_PER_WEIGHT
    by_layer: dict[str, int] = {}
    for node_id in analysis.order:
        need = analysis.param_counts.get(node_id, 0) * per_param
        shape = analysis.shapes.get(node_id)
        if batch_size and shape is not None:
            values = math.prod(shape) + _convolution_columns(spec, analysis, node_id)
            need += values * batch_size * value_bytes * TRAINING_COPIES_PER_OUTPUT
        by_layer[node_id] = need
    return MemoryEstimate(sum(by_layer.values()) + largest_init, by_layer)


def _convolution_columns(spec: NetworkSpec, analysis: Analysis, node_id: str) -> int:
    """Values per sample of a convolution's unfolded input (im2col), 0 for other layers."""
    node = spec.node(node_id)
    if node.type != "Conv2D":
        return 0
    edges = spec.inputs_of(node_id)
    shape_in, shape_out = analysis.shapes.get(edges[0].source), analysis.shapes[node_id]
    if shape_in is None or shape_out is None:
        return 0
    kernel = int(spec.params_of(node_id)["kernel_size"])
    return shape_in[0] * kernel * kernel * math.prod(shape_out[1:])


def available_memory() -> int | None:
    """Bytes of memory free for a new allocation (Linux's MemAvailable), else the physical
    memory; None where neither can be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    for pages in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
        try:
            count, size = os.sysconf(pages), os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            continue
        if count > 0 and size > 0:
            return count * size
    return None


def format_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def check_memory(spec: NetworkSpec, analysis: Analysis, value_bytes: int = 4,
                 batch_size: int | None = None, optimizer: str = "adam") -> None:
    """Raise NetworkTooLarge when the estimate exceeds the memory available."""
    available = available_memory()
    if available is None:
        return
    estimate = estimate_memory(spec, analysis, value_bytes, batch_size, optimizer)
    if estimate.total_bytes <= available:
        return
    largest = estimate.largest_layer
    doing = f"train in batches of {batch_size:,}" if batch_size else "build"
    layer = ""
    if largest is not None:
        layer = (f"; its largest layer, {largest}, needs {format_bytes(estimate.by_layer[largest])}"
                 f" ({analysis.param_counts.get(largest, 0):,} parameters)")
    raise NetworkTooLarge(
        f"The network is too big: it needs about {format_bytes(estimate.total_bytes)} of "
        f"memory to {doing} ({analysis.total_params:,} parameters) but this machine has "
        f"{format_bytes(available)} available{layer}. Make its layers smaller"
        + (" or the batch smaller" if batch_size else ""))
