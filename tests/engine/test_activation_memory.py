"""A batch's memory stays the same however many batches ran: layers keep only the last
batch's activations and their reused buffers, nothing per batch piles up."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from nnstudio.engine.events import BatchEnd
from nnstudio.engine.losses import make_loss
from nnstudio.engine.optimizers import make_optimizer
from nnstudio.engine.trainer import Trainer, TrainerConfig
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset


@pytest.mark.parametrize("preset", ["lenet5", "course-784-30-10"])
def test_memory_of_a_batch_does_not_grow_with_the_number_of_batches(preset) -> None:
    p = load_preset(preset)
    shape = p.network.analyze().shapes["input"]
    rng = np.random.default_rng(0)
    batches, batch_size = 28, 8
    x = rng.random((batches * batch_size, *shape), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    network = build_network(p.network, p.training)
    trainer = Trainer(network, make_loss(p.training.loss), make_optimizer("adam", lr=1e-3), x,
                      y, TrainerConfig(epochs=1, batch_size=batch_size))
    held, peaks = [], []
    tracemalloc.start()
    try:
        for event in trainer.run():
            if isinstance(event, BatchEnd):
                current, peak = tracemalloc.get_traced_memory()
                held.append(current)
                peaks.append(peak)
                tracemalloc.reset_peak()
    finally:
        tracemalloc.stop()
    # After the first few batches (buffers allocated, the optimizer's moments made), what is
    # held between batches and the peak within one stay flat: the per-batch loss history
    # (8 bytes a batch) is the only thing allowed to grow.
    early, late = slice(4, 12), slice(-8, None)
    assert max(held[late]) <= max(held[early]) + 16 * 1024, (held[early], held[late])
    assert max(peaks[late]) <= max(peaks[early]) + 16 * 1024, (peaks[early], peaks[late])
