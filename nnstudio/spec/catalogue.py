"""THE layer catalogue: every layer type's parameters, ports, shape rule and engine class.

The palette, the inspector, validation, the summary, the builder and export all read this
table; adding a layer type starts here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nnstudio.spec import shapes
from nnstudio.spec.shapes import Shape

GROUPS = ("Core", "Convolution", "Pooling", "Activation", "Normalization", "Regularization",
          "Merge")
INITIALIZER_CHOICES = ("auto", "zeros", "constant", "normal", "uniform", "xavier_normal",
                       "xavier_uniform", "he_normal", "he_uniform")


@dataclass(frozen=True)
class Param:
    """One setting of a layer (or, as its subclass ``Setting``, of training). ``required``
    ones must be present in a saved file; the others fall back to ``default``. Kinds: int,
    float, bool, choice, text, padding (valid, same or an int), shape (a list of positive
    ints)."""

    name: str
    kind: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    required: bool = False

    def check(self, value: Any) -> str | None:
        """A plain-words problem with ``value``, or None when it is acceptable."""
        if self.kind == "bool":
            return None if isinstance(value, bool) else f"{self.name} must be true or false"
        if self.kind == "choice":
            return None if value in self.choices else (
                f"{self.name} must be one of {', '.join(map(str, self.choices))}, not {value!r}")
        if self.kind == "shape":
            ok = isinstance(value, list | tuple) and value and all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
            return None if ok else f"{self.name} must be a list of positive whole numbers"
        if self.kind == "text":
            return None if isinstance(value, str) else f"{self.name} must be text, not {value!r}"
        if self.kind == "padding" and value in ("valid", "same"):
            return None
        if self.kind in ("int", "padding"):
            if not isinstance(value, int) or isinstance(value, bool):
                extra = ", 'valid' or 'same'" if self.kind == "padding" else ""
                return f"{self.name} must be a whole number{extra}, not {value!r}"
        elif self.kind == "float":
            if not isinstance(value, int | float) or isinstance(value, bool) \
                    or not math.isfinite(value):
                return f"{self.name} must be a number, not {value!r}"
        if self.minimum is not None and value < self.minimum:
            return f"{self.name} must be at least {self.minimum:g}, not {value}"
        if self.maximum is not None and value > self.maximum:
            return f"{self.name} must be at most {self.maximum:g}, not {value}"
        return None


@dataclass(frozen=True)
class LayerType:
    name: str
    group: str
    help: str
    params: tuple[Param, ...] = ()
    # Number of inputs: 0 for the input, 1 for most, None for merges (two or more).
    inputs: int | None = 1
    shape_rule: Callable[[list[Shape], dict[str, Any]], Shape] = shapes.same_shape
    count_params: Callable[[list[Shape], dict[str, Any]], int] = shapes.no_params
    # Parameters shown on a canvas node, in this order.
    key_params: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def describe(self, params: dict[str, Any]) -> str:
        """Key parameters in a few characters, e.g. '16@5x5 s1 same'."""
        merged = {**self.defaults(), **params}
        if self.name == "Conv2D":
            text = f"{merged['filters']}@{merged['kernel_size']}x{merged['kernel_size']}"
            if merged["stride"] != 1:
                text += f" /{merged['stride']}"
            if merged["padding"] != "valid":
                text += f" pad {merged['padding']}"
            return text
        if self.name in ("MaxPool2D", "AvgPool2D"):
            k = merged["pool_size"]
            text = f"{k}x{k}"
            return text + (f" /{merged['stride']}" if merged["stride"] else "")
        return "  ".join(f"{merged[k]}" if k in ("units",) else f"{k} {merged[k]}"
                         for k in self.key_params)


def _p(name, kind, default, help, **kw) -> Param:  # noqa: A002 - short for the table below
    return Param(name, kind, default, help, **kw)


INIT = _p("init", "choice", "auto",
          "How weights start. auto: He for ReLU-like layers after it, Xavier otherwise.",
          choices=INITIALIZER_CHOICES)
BIAS = _p("use_bias", "bool", True, "Add a learned bias to each output.")


def _activation(name: str, help: str, params: tuple[Param, ...] = ()) -> LayerType:  # noqa: A002
    return LayerType(name, "Activation", help, params, key_params=tuple(p.name for p in params))


LAYER_TYPES: dict[str, LayerType] = {t.name: t for t in (
    LayerType("Input", "Core", "Where the data enters: one sample's shape, e.g. 784 or 1x28x28.",
              (_p("shape", "shape", [784], "Shape of one sample, without the batch axis.",
                  required=True),),
              inputs=0, shape_rule=shapes.input_shape),
    LayerType("Dense", "Core",
              "Fully connected: every output is a weighted sum of every input plus a bias.",
              (_p("units", "int", 10, "Number of neurons.", minimum=1, maximum=100000,
                  required=True), BIAS, INIT),
              shape_rule=shapes.dense_shape, count_params=shapes.dense_params,
              key_params=("units",)),
    LayerType("Flatten", "Core", "Joins all axes of each sample into one vector.",
              shape_rule=shapes.flatten_shape),
    LayerType("Reshape", "Core", "Gives each sample a new shape with the same number of values.",
              (_p("shape", "shape", [1, 28, 28], "Target shape, without the batch axis.",
                  required=True),),
              shape_rule=shapes.reshape_shape, key_params=("shape",)),
    LayerType("Conv2D", "Convolution",
              "Slides learned kernels over the image: each filter gives one feature map. "
              "Output size: floor((n + 2p - k) / s) + 1.",
              (_p("filters", "int", 8, "Number of kernels (output channels).", minimum=1,
                  maximum=4096, required=True),
               _p("kernel_size", "int", 5, "Kernel height and width.", minimum=1, maximum=64,
                  required=True),
               _p("stride", "int", 1, "Step between windows.", minimum=1, maximum=64),
               _p("padding", "padding", "valid",
                  "Zeros around the input: valid (none), same (output size = input size / "
                  "stride) or a number of pixels.", minimum=0, maximum=64),
               BIAS, INIT),
              shape_rule=shapes.conv2d_shape, count_params=shapes.conv2d_params),
    LayerType("MaxPool2D", "Pooling", "Keeps the largest value of each window.",
              (_p("pool_size", "int", 2, "Window height and width.", minimum=1, maximum=64,
                  required=True),
               _p("stride", "int", 0, "Step between windows (0: same as the window).",
                  minimum=0, maximum=64)),
              shape_rule=shapes.pool_shape),
    LayerType("AvgPool2D", "Pooling", "Averages each window.",
              (_p("pool_size", "int", 2, "Window height and width.", minimum=1, maximum=64,
                  required=True),
               _p("stride", "int", 0, "Step between windows (0: same as the window).",
                  minimum=0, maximum=64)),
              shape_rule=shapes.pool_shape),
    LayerType("BatchNorm", "Normalization",
              "Normalizes each feature (or channel) over the batch, then scales and shifts it "
              "with learned gamma and beta; uses running averages when not training.",
              (_p("momentum", "float", 0.1, "Weight of each new batch in the running averages.",
                  minimum=0.0, maximum=1.0),
               _p("eps", "float", 1e-5, "Added to the variance to avoid dividing by zero.",
                  minimum=0.0, maximum=1.0)),
              count_params=shapes.batchnorm_params),
    LayerType("Dropout", "Regularization",
              "While training, zeroes each value with probability rate and scales the rest by "
              "1/(1 - rate); does nothing when evaluating.",
              (_p("rate", "float", 0.5, "Probability of dropping a value.", minimum=0.0,
                  maximum=0.99),),
              key_params=("rate",)),
    LayerType("Add", "Merge", "Adds its inputs (a residual or skip connection). Shapes must match.",
              inputs=None, shape_rule=shapes.add_shape),
    LayerType("Concat", "Merge", "Joins its inputs along features (or channels).",
              inputs=None, shape_rule=shapes.concat_shape),
    _activation("Heaviside", "The perceptron's step: 1 if x >= 0 else 0. Not trainable by "
                "gradients (its derivative is 0)."),
    _activation("Sigmoid", "1 / (1 + e^-x): squashes to (0, 1); saturates, which slows learning."),
    _activation("Tanh", "Squashes to (-1, 1), centred on 0."),
    _activation("ReLU", "max(0, x): cheap, does not saturate for x > 0."),
    _activation("LeakyReLU", "x for x > 0, alpha x otherwise: never completely silent.",
                (_p("alpha", "float", 0.01, "Slope for negative inputs.", minimum=0.0,
                    maximum=1.0),)),
    _activation("ELU", "x for x > 0, alpha (e^x - 1) otherwise: smooth, mean closer to 0.",
                (_p("alpha", "float", 1.0, "Value approached for very negative inputs.",
                    minimum=0.0, maximum=10.0),)),
    _activation("SELU", "Scaled ELU whose constants keep activations normalized (with "
                "LeCun-normal weights)."),
    _activation("Softmax", "e^x_i / sum_j e^x_j: turns scores into probabilities that sum to 1."),
    _activation("Identity", "Passes its input through unchanged (a linear output)."),
)}

ACTIVATIONS = tuple(name for name, t in LAYER_TYPES.items() if t.group == "Activation")


def layer_type(name: str) -> LayerType:
    try:
        return LAYER_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown layer type {name!r}") from None


def types_in_group(group: str) -> list[LayerType]:
    return [t for t in LAYER_TYPES.values() if t.group == group]
