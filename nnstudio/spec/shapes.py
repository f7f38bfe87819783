"""Shape rules and parameter counts, one pair per layer type.

Shapes leave out the batch axis: (784,) for a flat vector, (C, H, W) for an image stack.
A rule gets the input shapes and the node's parameters and returns the output shape, or
raises ShapeError with a message in plain words (the caller prefixes the node's name).
"""

from __future__ import annotations

import math
from typing import Any

Shape = tuple[int, ...]


class ShapeError(ValueError):
    """The layer cannot take inputs of this shape."""


def format_shape(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    return "x".join(str(s) for s in shape)


def conv_output_size(size: int, kernel: int, stride: int, padding: str | int) -> int:
    """Output length of a convolution or pooling along one axis: floor((n + 2p - k) / s) + 1."""
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else int(padding)
    return (size + 2 * pad - kernel) // stride + 1


def _one_input(inputs: list[Shape]) -> Shape:
    return inputs[0]


def _image_input(inputs: list[Shape], what: str) -> Shape:
    shape = inputs[0]
    if len(shape) != 3:
        raise ShapeError(
            f"{what} needs an image input (channels x height x width) but gets "
            f"{format_shape(shape)}; set the input shape to e.g. 1x28x28 or add a Reshape"
        )
    return shape


def input_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    return tuple(int(s) for s in params["shape"])


def dense_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    shape = _one_input(inputs)
    if len(shape) != 1:
        raise ShapeError(
            f"Dense needs a flat input but gets {format_shape(shape)}; add a Flatten before it"
        )
    return (int(params["units"]),)


def dense_params(inputs: list[Shape], params: dict[str, Any]) -> int:
    units = int(params["units"])
    return inputs[0][0] * units + (units if params.get("use_bias", True) else 0)


def _window_shape(inputs: list[Shape], kernel: int, stride: int, padding: str | int,
                  channels: int | None, what: str) -> Shape:
    c, h, w = _image_input(inputs, what)
    if padding == "valid" or padding == 0:
        if kernel > h or kernel > w:
            raise ShapeError(f"a {kernel}x{kernel} {what.lower()} does not fit a {h}x{w} input")
    oh = conv_output_size(h, kernel, stride, padding)
    ow = conv_output_size(w, kernel, stride, padding)
    if oh < 1 or ow < 1:
        raise ShapeError(f"a {kernel}x{kernel} {what.lower()} does not fit a {h}x{w} input")
    return (channels if channels is not None else c, oh, ow)


def conv2d_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    return _window_shape(inputs, int(params["kernel_size"]), int(params["stride"]),
                         params["padding"], int(params["filters"]), "kernel")


def conv2d_params(inputs: list[Shape], params: dict[str, Any]) -> int:
    c = inputs[0][0]
    k = int(params["kernel_size"])
    f = int(params["filters"])
    return f * c * k * k + (f if params.get("use_bias", True) else 0)


def pool_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    k = int(params["pool_size"])
    stride = int(params.get("stride") or 0) or k
    return _window_shape(inputs, k, stride, "valid", None, "pooling window")


def flatten_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    return (math.prod(_one_input(inputs)),)


def reshape_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    target = tuple(int(s) for s in params["shape"])
    size = math.prod(_one_input(inputs))
    if math.prod(target) != size:
        raise ShapeError(
            f"cannot reshape {format_shape(inputs[0])} ({size} values) into "
            f"{format_shape(target)} ({math.prod(target)} values)"
        )
    return target


def batchnorm_params(inputs: list[Shape], params: dict[str, Any]) -> int:
    return 2 * inputs[0][0]


def add_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    first = inputs[0]
    for other in inputs[1:]:
        if other != first:
            shapes = ", ".join(format_shape(s) for s in inputs)
            raise ShapeError(f"Add needs inputs of one shape but gets {shapes}")
    return first


def concat_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    rest = inputs[0][1:]
    for other in inputs[1:]:
        if other[1:] != rest or len(other) != len(inputs[0]):
            shapes = ", ".join(format_shape(s) for s in inputs)
            raise ShapeError(
                f"Concat joins along the first axis; the other axes must agree, but gets {shapes}"
            )
    return (sum(s[0] for s in inputs), *rest)


def no_params(inputs: list[Shape], params: dict[str, Any]) -> int:
    return 0


def same_shape(inputs: list[Shape], params: dict[str, Any]) -> Shape:
    return _one_input(inputs)
