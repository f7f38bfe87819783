"""Shape arithmetic inside an ONNX graph, folded at import into lists of sizes.

PyTorch writes ``x.view(x.size(0), -1)`` as Shape -> Gather -> Unsqueeze -> Concat ->
Reshape: these ops compute a Reshape's target, not a layer. Here each such tensor becomes a
ShapeValue: its integers, with BATCH standing for the batch size, which is only known when
the network runs. ``fold`` computes one op's output from its inputs' values, or says why not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy

BATCH = None  # the batch size: free in NN Studio, whatever the exported file fixed

Size = int | None


class FoldError(ValueError):
    """The op's inputs are not shape arithmetic that can be worked out at import."""


@dataclass(frozen=True)
class ShapeValue:
    """A 0-D (scalar) or 1-D integer tensor whose values may include BATCH."""

    values: tuple[Size, ...]
    scalar: bool = False

    @classmethod
    def of_array(cls, array: numpy.ndarray) -> ShapeValue:
        if array.ndim > 1 or array.dtype.kind not in "iub":
            raise FoldError("it is not a list of whole numbers")
        return cls(tuple(int(v) for v in array.reshape(-1)), scalar=array.ndim == 0)


SHAPE_OPS = ("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast")


def fold(op: str, inputs: Sequence[ShapeValue | None], attrs: dict[str, Any],
         opset: int) -> ShapeValue:
    """The value of ``op`` (one of SHAPE_OPS but Shape) applied to ``inputs``.

    Optional inputs left out are None. Raises FoldError when it cannot be worked out.
    """
    if not inputs or inputs[0] is None:
        raise FoldError("its data input is missing")
    return _FOLDERS[op](inputs, attrs, opset)


def shape_of(sample_shape: Sequence[int], attrs: dict[str, Any]) -> ShapeValue:
    """Shape's output for a tensor of one sample's shape ``sample_shape`` (batch first)."""
    full: list[Size] = [BATCH, *sample_shape]
    start, end = attrs.get("start", 0), attrs.get("end", len(full))
    return ShapeValue(tuple(full[_int(start):_int(end)]))


def _gather(inputs: Sequence[ShapeValue | None], attrs: dict[str, Any], opset: int
            ) -> ShapeValue:
    data, indices = inputs[0], _operand(inputs, 1, "indices")
    if data.scalar or _int(attrs.get("axis", 0)) != 0:
        raise FoldError("only a Gather along axis 0 of a list is supported")
    picked = tuple(data.values[_index(i, len(data.values))] for i in indices.values)
    return ShapeValue(picked, scalar=indices.scalar)


def _unsqueeze(inputs: Sequence[ShapeValue | None], attrs: dict[str, Any], opset: int
               ) -> ShapeValue:
    axes = list(attrs.get("axes", [])) if opset < 13 else list(
        _operand(inputs, 1, "axes").values)
    if not inputs[0].scalar or [_int(a) for a in axes] not in ([0], [-1]):
        raise FoldError("only an Unsqueeze of a single number into a list is supported")
    return ShapeValue(inputs[0].values)


def _squeeze(inputs: Sequence[ShapeValue | None], attrs: dict[str, Any], opset: int
             ) -> ShapeValue:
    if inputs[0].scalar or len(inputs[0].values) != 1:
        raise FoldError("only a Squeeze of a one-element list is supported")
    return ShapeValue(inputs[0].values, scalar=True)


def _concat(inputs: Sequence[ShapeValue | None], attrs: dict[str, Any], opset: int
            ) -> ShapeValue:
    if _int(attrs.get("axis", 0)) not in (0, -1):
        raise FoldError("only a Concat of lists along axis 0 is supported")
    parts = [_operand(inputs, i, "part") for i in range(len(inputs))]
    if any(part.scalar for part in parts):
        raise FoldError("a Concat cannot join single numbers")
    return ShapeValue(tuple(v for part in parts for v in part.values))


def _slice(inputs: Sequence[ShapeValue | None], attrs: dict[str, Any], opset: int
           ) -> ShapeValue:
    data = inputs[0]
    if opset < 10:
        starts, ends = list(attrs.get("starts", [])), list(attrs.get("ends", []))
        axes, steps = list(attrs.get("axes", [0])), [1]
    else:
        starts = list(_operand(inputs, 1, "starts").values)
        ends = list(_operand(inputs, 2, "ends").values)
        axes = list(_optional(inputs, 3, (0,)))
        steps = list(_optional(inputs, 4, (1,)))
    if data.scalar or len(starts) != 1 or len(ends) != 1 or [_int(a) for a in axes] not in (
            [0], [-1]) or len(steps) != 1 or _int(steps[0]) == 0:
        raise FoldError("only a Slice of a list along its one axis is supported")
    return ShapeValue(data.values[slice(_int(starts[0]), _int(ends[0]), _int(steps[0]))])


def _cast(inputs: Sequence[ShapeValue | None], attrs: dict[str, Any], opset: int
          ) -> ShapeValue:
    return inputs[0]  # shape arithmetic stays in whole numbers whatever the type


def _operand(inputs: Sequence[ShapeValue | None], index: int, what: str) -> ShapeValue:
    value = inputs[index] if index < len(inputs) else None
    if value is None:
        raise FoldError(f"its {what} input is missing")
    if BATCH in value.values and what != "part":
        raise FoldError(f"its {what} depend on the batch size")
    return value


def _optional(inputs: Sequence[ShapeValue | None], index: int, default: tuple[int, ...]
              ) -> tuple[Size, ...]:
    value = inputs[index] if index < len(inputs) else None
    return default if value is None else _operand(inputs, index, "options").values


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | numpy.integer):
        raise FoldError(f"{value!r} is not a whole number")
    return int(value)


def _index(value: Size, length: int) -> int:
    index = _int(value)
    if not -length <= index < length:
        raise FoldError(f"index {index} is outside a list of {length}")
    return index


_FOLDERS: dict[str, Callable[[Sequence[ShapeValue | None], dict[str, Any], int], ShapeValue]] = {
    "Gather": _gather, "Unsqueeze": _unsqueeze, "Squeeze": _squeeze, "Concat": _concat,
    "Slice": _slice, "Cast": _cast,
}
