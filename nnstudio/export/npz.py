"""The weights alone as a NumPy .npz: one array per "node/param" key, no pickled objects.

The arrays keep the engine's layout (Dense W is (in, out); Conv2D W is (F, C, KH, KW)).
Load them back with ``load_npz`` or ``numpy.load(path, allow_pickle=False)``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy

from nnstudio.export.errors import ExportError
from nnstudio.export.graph import Weights, export_plan
from nnstudio.spec.network import NetworkSpec
from nnstudio.storage.atomic_write import write_atomic
from nnstudio.storage.file_input import InputFileError, open_regular
from nnstudio.storage.weights_archive import WeightsArchiveError, read_weights_archive


def export_npz(spec: NetworkSpec, weights: Weights | None,
               path: str | os.PathLike[str]) -> list[Path]:
    """Write the network's weights (checked against ``spec``) to ``path``; returns [path]."""
    plan = export_plan(spec, weights)
    flat = {f"{node.id}/{name}": array for node in plan.nodes
            for name, array in node.arrays.items()}
    path = Path(path)
    # A file object: numpy would append .npz to a bare name.
    write_atomic(path, lambda handle: numpy.savez(handle, **flat))
    return [path]


def load_npz(path: str | os.PathLike[str]) -> dict[str, dict[str, numpy.ndarray]]:
    """{node: {param: array}} from a file written by ``export_npz``; arrays of numbers only,
    checked before they are read (see nnstudio.storage.weights_archive)."""
    name = Path(path).name
    try:
        with open_regular(path) as handle:
            return read_weights_archive(handle)
    except InputFileError as error:
        raise ExportError(f"{name}: {error.reason}") from None
    except WeightsArchiveError as error:
        raise ExportError(f"{name} {error}") from None
