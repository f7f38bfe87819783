"""On the CPU a convolution takes its batch in runs of samples that stay in cache: the
output and every gradient are those of the whole batch taken at once."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine import layers as L
from nnstudio.engine.layers import im2col


def outputs_and_gradients(layer: L.Conv2D, x: np.ndarray, dy: np.ndarray) -> list[np.ndarray]:
    y = layer.forward(x).copy()
    dx = layer.backward(dy).copy()
    return [y, dx, layer.grads["W"].copy(), layer.grads["b"].copy()]


@pytest.mark.parametrize(("channels", "size", "stride", "padding"), [
    (3, 10, 1, "valid"),   # exact rows (a fifth of full-width rows would be wasted)
    (2, 30, 1, "same"),    # full-width rows
    (2, 11, 2, 1),         # strided
])
def test_runs_of_samples_give_the_whole_batchs_results(monkeypatch, channels, size, stride,
                                                       padding):
    rng = np.random.default_rng(0)
    layer = L.Conv2D(channels, 4, 3, stride=stride, padding=padding)
    layer.params["W"][...] = rng.standard_normal(layer.params["W"].shape)
    layer.params["b"][...] = rng.standard_normal(4)
    layer.grads = {k: np.zeros_like(v) for k, v in layer.params.items()}
    x = rng.standard_normal((13, channels, size, size)).astype(np.float32)
    shape = layer.forward(x).shape
    dy = rng.standard_normal(shape).astype(np.float32)
    whole = outputs_and_gradients(layer, x, dy)
    monkeypatch.setattr(im2col, "CHUNK_BYTES", 1)  # one sample per run
    assert len(layer.runs(layer.geometry)) == 13
    in_runs = outputs_and_gradients(layer, x, dy)
    for a, b in zip(whole, in_runs, strict=True):  # dW: the same sums, in another order
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(a).max())


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_a_kernel_taken_row_by_row_gives_the_column_matrixs_results(monkeypatch, padding):
    rng = np.random.default_rng(1)
    layer = L.Conv2D(4, 3, 5, padding=padding)
    layer.params["W"][...] = rng.standard_normal(layer.params["W"].shape)
    layer.params["b"][...] = rng.standard_normal(3)
    layer.grads = {k: np.zeros_like(v) for k, v in layer.params.items()}
    x = rng.standard_normal((6, 4, 9, 11)).astype(np.float32)
    dy = rng.standard_normal(layer.forward(x).shape).astype(np.float32)
    assert layer.by_kernel_rows(layer.geometry)
    by_rows = outputs_and_gradients(layer, x, dy)
    monkeypatch.setattr(L.Conv2D, "by_kernel_rows", lambda self, g: False)
    by_columns = outputs_and_gradients(layer, x, dy)
    for a, b in zip(by_rows, by_columns, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(a).max())
