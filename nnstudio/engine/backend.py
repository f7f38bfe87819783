"""The one place that imports CuPy.

As in Chainer's ``backends/cuda.py``, importing CuPy is attempted once and any failure is kept:
a CPU-only machine imports this module fine, and the stored reason is given only when someone
asks for the GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy

try:  # pragma: no cover - depends on the machine
    import cupy

    _cupy_import_error: Exception | None = None
except Exception as error:  # noqa: BLE001 - any failure means "no GPU here"
    cupy = None
    _cupy_import_error = error

BACKEND_NAMES = ("numpy", "cupy", "auto")


class BackendUnavailable(RuntimeError):
    """The requested array backend cannot run on this machine."""


@dataclass(frozen=True)
class Device:
    """An array backend: ``xp`` is the array module (numpy or cupy)."""

    name: str
    xp: Any

    def send(self, array: Any, dtype: Any = None) -> Any:
        """Move an array (NumPy or CuPy) onto this device."""
        return self.xp.asarray(array, dtype=dtype)

    def to_host(self, array: Any) -> numpy.ndarray:
        """A NumPy copy of ``array``, wherever it lives."""
        if self.xp is numpy:
            return numpy.array(array, copy=True)
        return self.xp.asnumpy(array)

    def rng(self, seed: int | None) -> Any:
        """A random generator living on this device."""
        return self.xp.random.default_rng(seed)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # A device goes to another process by name (its module does not pickle).
        return get_device, (self.name,)

    def synchronize(self) -> None:
        """Wait for queued GPU work (for honest timings); a no-op on the CPU."""
        if self.name == "cupy":
            cupy.cuda.get_current_stream().synchronize()


CPU = Device("numpy", numpy)


def gpu_problem() -> str | None:
    """Why the GPU cannot be used, or None when CuPy really works here."""
    if cupy is None:
        return f"CuPy is not installed or failed to import ({_cupy_import_error})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
        if count < 1:
            return "CuPy is installed but no CUDA GPU was found"
        # A tiny kernel proves that the driver, runtime and compiler all work.
        total = int((cupy.arange(4, dtype=cupy.float32) * 2).sum())
        if total != 12:
            return "CuPy returned a wrong result on a test kernel"
    except Exception as error:  # noqa: BLE001 - report whatever the driver said
        return f"CuPy cannot use the GPU: {error}"
    return None


def gpu_available() -> bool:
    return gpu_problem() is None


def get_device(name: str = "numpy") -> Device:
    """The device for ``name``: 'numpy', 'cupy' or 'auto' (CuPy only when a GPU really works)."""
    name = (name or "numpy").lower()
    if name in ("numpy", "cpu"):
        return CPU
    if name == "auto":
        return Device("cupy", cupy) if gpu_available() else CPU
    if name in ("cupy", "gpu", "cuda"):
        problem = gpu_problem()
        if problem is not None:
            raise BackendUnavailable(
                f"The CuPy (GPU) backend is not available: {problem}. "
                "Install it with `pip install -e .[gpu]` on a machine with an NVIDIA GPU, "
                "or choose the numpy backend."
            )
        return Device("cupy", cupy)
    raise BackendUnavailable(f"Unknown backend {name!r}: choose one of {', '.join(BACKEND_NAMES)}")


# Other device array types and their modules (the tests' strict stand-in for CuPy).
_ARRAY_MODULES: dict[type, Any] = {}


def register_array_module(array_type: type, module: Any) -> None:
    """Make ``array_module`` answer ``module`` for arrays of ``array_type``."""
    _ARRAY_MODULES[array_type] = module


def array_module(array: Any) -> Any:
    """numpy or cupy, whichever owns ``array`` (CuPy's get_array_module idiom)."""
    if cupy is not None and isinstance(array, cupy.ndarray):
        return cupy
    return _ARRAY_MODULES.get(type(array), numpy)
