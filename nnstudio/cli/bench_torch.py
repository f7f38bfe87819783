"""The PyTorch side of `nnstudio bench --vs-torch`: the presets' twins, timed the same way
as ours (one epoch of shuffled batches, then inference of 10,000 samples), and the one place
that sets how many threads both engines may use."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import numpy

EPOCH = 60000  # times are reported per epoch of this many samples, however many were run

# The presets PyTorch is timed on: input shape, loss and the twin's layers (see torch_model).
TWIN_INPUTS = {"mlp-784-100-10": (784,), "small-cnn": (1, 28, 28), "lenet5": (1, 28, 28),
               "course-784-30-10": (784,)}


@contextlib.contextmanager
def threads_limited(count: int) -> Iterator[None]:
    """Both engines on ``count`` threads: the BLAS and OpenMP pools (threadpoolctl) and
    PyTorch's intra-op pool (torch.set_num_threads), as they were again afterwards."""
    from threadpoolctl import threadpool_limits

    torch = _torch_or_none()
    before = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(count)
    try:
        with threadpool_limits(limits=count):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)


def _torch_or_none() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_model(preset: str) -> Any:
    """The preset as torch.nn layers (the softmax left to the loss, as ours fuses it)."""
    import torch.nn as nn

    if preset == "mlp-784-100-10":
        return nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    if preset == "small-cnn":
        return nn.Sequential(nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(256, 10))
    if preset == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                             nn.Linear(84, 10))
    if preset == "course-784-30-10":
        return nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
    raise ValueError(preset)


def torch_loss(preset: str) -> Any:
    """Cross-entropy, or for the course's network its quadratic cost 1/n sum 1/2 ||y - a||^2."""
    import torch

    if preset != "course-784-30-10":
        return torch.nn.CrossEntropyLoss()

    def quadratic(output: Any, target: Any) -> Any:
        onehot = torch.nn.functional.one_hot(target, output.shape[1]).to(output.dtype)
        return 0.5 * ((output - onehot) ** 2).sum() / len(output)
    return quadratic


def time_torch(preset: str, x: numpy.ndarray, y: numpy.ndarray, batch_size: int,
               lr: float) -> dict[str, float]:
    import torch

    model = torch_model(preset)
    xs = torch.from_numpy(x.reshape(len(x), *TWIN_INPUTS[preset]))
    ys = torch.from_numpy(y.astype(numpy.int64))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch_loss(preset)

    def epoch(limit: int | None = None) -> None:
        order = torch.randperm(len(xs))
        for i, start in enumerate(range(0, len(xs), batch_size)):
            if limit is not None and i >= limit:
                return
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss_fn(model(xs[idx]), ys[idx]).backward()
            optimizer.step()

    epoch(limit=5)
    start = time.perf_counter()
    epoch()
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, 10000, 1000):
            model(xs[i:i + 1000])
    return {"train_seconds": train_seconds * EPOCH / len(x),
            "inference_seconds": time.perf_counter() - start,
            "samples_per_second": len(x) / train_seconds, "threads": torch.get_num_threads()}
