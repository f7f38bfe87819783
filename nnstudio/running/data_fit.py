"""Whether a network's two ends fit a dataset: its Input takes as many values per sample as the
set has, and its last layer gives one output per class (or one for two classes) or per target.

The one place that words it: a run refuses to start with the message (session.check_fit),
and the builder marks the layer at fault before Start, from what the dataset list says of a
set without loading it (``DatasetInfo``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnstudio.data.datasets import DATASETS
from nnstudio.data.errors import DatasetError
from nnstudio.data.features import parse_features
from nnstudio.spec.network import Analysis


@dataclass(frozen=True)
class DataShape:
    """What a network must fit: values per sample, the task, and classes or targets."""

    name: str
    sample_shape: tuple[int, ...]
    task: str  # "classification" or "regression"
    outputs: int  # classes of a classification set, targets per sample of a regression set


@dataclass(frozen=True)
class FitProblem:
    node_id: str
    message: str


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


def fit_problems(analysis: Analysis, data: DataShape) -> list[FitProblem]:
    """The ends of a valid network that do not fit ``data`` (none for an invalid one: its
    own problems come first)."""
    if not analysis.ok or not analysis.order:
        return []
    first, last = analysis.order[0], analysis.order[-1]
    in_shape, out_shape = analysis.shapes[first], analysis.shapes[last]
    problems = []
    if math.prod(in_shape) != math.prod(data.sample_shape):
        problems.append(FitProblem(first, (
            f"The network's input takes {_shape(in_shape)} values per sample but "
            f"{data.name} has {_shape(data.sample_shape)}; change the Input layer's shape")))
    width = math.prod(out_shape)
    if data.task == "classification":
        if width != data.outputs and not (width == 1 and data.outputs == 2):
            problems.append(FitProblem(last, (
                f"The network ends in {width} outputs but {data.name} has {data.outputs} "
                f"classes; set the last Dense layer to {data.outputs} units")))
    elif width != data.outputs:
        problems.append(FitProblem(last, (
            f"The network ends in {width} outputs but {data.name} has {data.outputs} "
            f"targets per sample")))
    return problems


def listed_data_shape(dataset: str, features: str = "") -> DataShape | None:
    """What the dataset list says ``dataset`` holds, without loading it, with the input
    ``features`` asked of a 2-D set; None if unknown."""
    info = DATASETS.get(dataset.strip().lower())
    if info is None:
        return None
    outputs = len(info.classes) if info.task == "classification" else 1
    sample_shape = tuple(info.input_shape)
    if features.strip() and sample_shape == (2,):
        try:
            sample_shape = (len(parse_features(features)),)
        except DatasetError:
            pass  # a run says what is wrong with them
    return DataShape(info.name, sample_shape, info.task, outputs)
