"""A strict stand-in for CuPy on a machine without a GPU, so that GPU mistakes show up in CPU
tests. Like CuPy, its arrays

- refuse to become NumPy arrays implicitly (``numpy.asarray(a)`` raises TypeError, with
  CuPy's words) and refuse NumPy arrays as operands or assigned values;
- come back from reductions as 0-d arrays (reading one as a number is a transfer);

and its array module offers only the names in CuPy's API reference (cupy_api.txt, with
its source). Every transfer between host and "device" is counted in ``TRANSFERS``:
``asarray`` of host data, ``asnumpy``/``.get()``, and ``float``/``int``/``bool``/``item``/
``tolist`` of a device array. Host memory is never shared with the device: a transfer copies.
"""

from __future__ import annotations

import operator
from collections import Counter
from pathlib import Path
from typing import Any

import numpy

from nnstudio.engine import backend
from nnstudio.engine.backend import Device

API_FILE = Path(__file__).with_name("cupy_api.txt")
CUPY_NAMES = frozenset(line.strip() for line in API_FILE.read_text().splitlines()
                       if line.strip() and not line.startswith("#"))
# CuPy re-exports NumPy's scalar types (cupy.float32 is numpy.float32); they are types, not
# routines, so its API reference does not list them.
SCALAR_TYPES = ("bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                "uint64", "float16", "float32", "float64", "complex64", "complex128")
IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. "
            "Please use `.get()` to construct a NumPy array explicitly.")


class Transfers(Counter):
    """Counts of 'to_host' and 'to_device' transfers."""

    def reset(self) -> None:
        self.clear()


TRANSFERS = Transfers()


def _unwrap(value: Any) -> Any:
    if isinstance(value, StrictArray):
        return value._a
    if isinstance(value, numpy.ndarray):
        raise TypeError(f"Unsupported type {type(value)}: a NumPy array where a device array "
                        "is needed (send it with xp.asarray first)")
    if isinstance(value, tuple | list):
        return type(value)(_unwrap(v) for v in value)
    return value


def _unwrap_index(key: Any) -> Any:
    """Indices may be host arrays, as in CuPy (which sends them to the device)."""
    if isinstance(key, numpy.ndarray):
        TRANSFERS["to_device"] += 1
        return key.copy()
    if isinstance(key, tuple):
        return tuple(_unwrap_index(k) for k in key)
    return _unwrap(key)


def _wrap(value: Any) -> Any:
    if isinstance(value, numpy.ndarray):
        return StrictArray(value)
    if isinstance(value, numpy.generic):  # CuPy's reductions give 0-d arrays, not scalars
        return StrictArray(numpy.asarray(value))
    if isinstance(value, tuple | list):
        return type(value)(_wrap(v) for v in value)
    return value


def _device_call(function: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return _wrap(function(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()}))
    call.__name__ = getattr(function, "__name__", "function")
    return call


class StrictArray:
    """A device array: a NumPy array inside, that NumPy itself may not touch."""

    __slots__ = ("_a", "__weakref__")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, array: numpy.ndarray) -> None:
        self._a = array

    # -- what CuPy refuses ------------------------------------------------------------------
    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(IMPLICIT)

    def __array_function__(self, function: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise TypeError(f"numpy.{function.__name__} was given a device array: use the array "
                        "module (xp) or copy it to the host explicitly")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # CuPy runs NumPy's ufuncs on device arrays; host arrays among them are refused.
        return _device_call(getattr(ufunc, method))(*inputs, **kwargs)

    # -- explicit transfers ------------------------------------------------------------------
    def get(self) -> numpy.ndarray:
        TRANSFERS["to_host"] += 1
        return self._a.copy()

    def _scalar(self, convert: Any) -> Any:
        TRANSFERS["to_host"] += 1
        return convert(self._a)

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __index__(self) -> int:
        return self._scalar(operator.index)

    def __bool__(self) -> bool:
        return self._scalar(bool)

    def item(self) -> Any:
        return self._scalar(lambda a: a.item())

    def tolist(self) -> Any:
        return self._scalar(lambda a: a.tolist())

    # -- the array's own attributes and methods -----------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._a.shape

    @property
    def ndim(self) -> int:
        return self._a.ndim

    @property
    def size(self) -> int:
        return self._a.size

    @property
    def dtype(self) -> numpy.dtype:
        return self._a.dtype

    @property
    def nbytes(self) -> int:
        return self._a.nbytes

    @property
    def itemsize(self) -> int:
        return self._a.itemsize

    @property
    def strides(self) -> tuple[int, ...]:
        return self._a.strides

    @property
    def T(self) -> StrictArray:  # noqa: N802 - NumPy's name
        return StrictArray(self._a.T)

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Any:
        return (_wrap(row) for row in self._a)

    def __repr__(self) -> str:
        return f"StrictArray(shape={self._a.shape}, dtype={self._a.dtype})"

    def __getattr__(self, name: str) -> Any:
        # Not _a (unset during copy or pickle) nor NumPy's hooks (__array_interface__ would
        # let NumPy read the memory behind CuPy's back).
        if name == "_a" or name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self._a, name)
        return _device_call(value) if callable(value) else value

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_unwrap_index(key)])

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_unwrap_index(key)] = _unwrap(value)


def _operator(name: str, inplace: bool = False) -> Any:
    def method(self: StrictArray, *others: Any) -> Any:
        result = getattr(self._a, name)(*_unwrap(others))
        if result is NotImplemented:
            return NotImplemented
        return self if inplace else _wrap(result)
    method.__name__ = name
    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and",
              "or", "xor", "lshift", "rshift"):
    setattr(StrictArray, f"__{_name}__", _operator(f"__{_name}__"))
    setattr(StrictArray, f"__r{_name}__", _operator(f"__r{_name}__"))
    setattr(StrictArray, f"__i{_name}__", _operator(f"__i{_name}__", inplace=True))
for _name in ("lt", "le", "eq", "ne", "gt", "ge", "neg", "pos", "abs", "invert"):
    setattr(StrictArray, f"__{_name}__", _operator(f"__{_name}__"))


class StrictGenerator:
    """cupy.random.Generator's methods (no permutation, no choice: CuPy has none)."""

    METHODS = ("random", "uniform", "integers", "standard_normal", "normal", "binomial")

    def __init__(self, seed: Any) -> None:
        self._rng = numpy.random.default_rng(seed)

    def __getattr__(self, name: str) -> Any:
        if name not in self.METHODS:
            raise AttributeError(f"cupy.random.Generator has no {name!r}")
        return _device_call(getattr(self._rng, name))


class StrictModule:
    """``xp``: only what CuPy's API reference lists, each working on device arrays."""

    ndarray = StrictArray

    def __init__(self, prefix: str = "") -> None:
        self.__name__ = f"strict_cupy{'.' if prefix else ''}{prefix.rstrip('.')}"
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        full = self._prefix + name
        if name in SCALAR_TYPES and not self._prefix:
            return getattr(numpy, name)
        if any(n.startswith(full + ".") for n in CUPY_NAMES):
            return StrictModule(full + ".")
        if full not in CUPY_NAMES:
            raise AttributeError(f"CuPy has no cupy.{full}: the engine may use only what "
                                 f"CuPy offers (tests/engine/{API_FILE.name})")
        special = _SPECIAL.get(full)
        if special is not None:
            return special
        target: Any = numpy
        for part in full.split("."):
            target = getattr(target, part)
        return _device_call(target) if callable(target) and not isinstance(target, type) \
            else target


def asarray(a: Any, dtype: Any = None) -> StrictArray:
    if isinstance(a, StrictArray):
        return a if dtype is None or a.dtype == dtype else StrictArray(a._a.astype(dtype))
    TRANSFERS["to_device"] += 1
    return StrictArray(numpy.array(a, dtype=dtype, copy=True))


def asnumpy(a: Any) -> numpy.ndarray:
    if isinstance(a, StrictArray):
        return a.get()
    return numpy.asarray(a)


def get_array_module(*arrays: Any) -> Any:
    return STRICT_XP if any(isinstance(a, StrictArray) for a in arrays) else numpy


_SPECIAL = {"asarray": asarray, "array": asarray, "asnumpy": asnumpy,
            "get_array_module": get_array_module, "random.default_rng": StrictGenerator,
            "ndarray": StrictArray}

STRICT_XP = StrictModule()
STRICT = Device("strict", STRICT_XP)
backend.register_array_module(StrictArray, STRICT_XP)
