"""The gradient check of a network as it will train: backprop against finite differences,
per layer, in float64 (`nnstudio gradcheck` and the app's Gradient check dialog)."""

from __future__ import annotations

import numpy

from nnstudio.engine.gradcheck import check_network
from nnstudio.engine.losses import make_loss
from nnstudio.running.build import build_network
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


def run_gradcheck(spec: NetworkSpec, training: TrainingSpec, batch: int = 4,
                  seed: int = 0) -> dict[str, float]:
    """Per-layer largest relative error between backprop and finite differences (float64)."""
    network = build_network(spec, training, dtype=numpy.float64, seed=seed)
    analysis = spec.analyze()
    in_shape = analysis.shapes[analysis.order[0]]
    out_shape = analysis.shapes[analysis.order[-1]]
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal((batch, *in_shape))
    loss = make_loss(training.loss)
    if len(out_shape) == 1 and out_shape[0] > 1 and training.loss != "binary_cross_entropy":
        target = rng.integers(0, out_shape[0], batch)
    else:
        target = rng.uniform(0.1, 0.9, (batch, *out_shape)).round()
    return check_network(network, x, target, loss, seed=seed)
