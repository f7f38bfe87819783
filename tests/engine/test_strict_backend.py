"""The engine on a strict stand-in for CuPy (strict_backend.py): what CuPy refuses is refused
here too, so every preset's training and every view's snapshot are checked for GPU mistakes
on machines without a GPU; and a training batch moves nothing between host and device but
the two numbers its event reports."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine import inspect
from nnstudio.engine.backend import CPU
from nnstudio.engine.events import BatchEnd, EpochEnd, Snapshot
from nnstudio.engine.losses import make_loss
from nnstudio.engine.optimizers import make_optimizer
from nnstudio.engine.trainer import Trainer, TrainerConfig
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset, preset_names
from tests.engine.strict_backend import CUPY_NAMES, STRICT, STRICT_XP, TRANSFERS, StrictArray


def test_strict_arrays_refuse_what_cupy_refuses() -> None:
    a = STRICT_XP.asarray(np.ones((2, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array"):
        np.asarray(a)
    with pytest.raises(TypeError, match="Unsupported type"):
        a + np.ones((2, 3), dtype=np.float32)
    with pytest.raises(TypeError, match="Unsupported type"):
        np.ones((2, 3), dtype=np.float32) * a
    with pytest.raises(TypeError):
        np.concatenate([a, a])
    with pytest.raises(AttributeError, match="CuPy has no cupy.errstate"):
        STRICT_XP.errstate  # noqa: B018
    with pytest.raises(AttributeError, match="has no 'permutation'"):
        STRICT_XP.random.default_rng(0).permutation(3)
    assert isinstance(a.sum(), StrictArray)  # a 0-d array, as CuPy's reductions give
    assert isinstance(STRICT_XP.exp(a) * 2 + np.float32(1), StrictArray)
    np.testing.assert_array_equal(STRICT.to_host(a), np.ones((2, 3)))


def test_the_cupy_name_list_is_cupys() -> None:
    assert {"matmul", "count_nonzero", "random.default_rng", "linalg.norm"} <= CUPY_NAMES
    assert "errstate" not in CUPY_NAMES and "add.at" not in CUPY_NAMES


def classification_data(p, n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    analysis = p.network.analyze()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, *analysis.shapes["input"])).astype(np.float32)
    out = analysis.shapes[analysis.order[-1]][0]
    y = rng.integers(0, out, n) if out > 1 else rng.integers(0, 2, (n, 1)).astype(np.float32)
    return x, y


def trainer_for(preset: str, device, epochs: int = 1, batch_size: int = 8) -> Trainer:
    p = load_preset(preset)
    x, y = classification_data(p)
    network = build_network(p.network, p.training, device=device)
    # As the app's training process runs it: every snapshot the views read switched on.
    config = TrainerConfig(epochs=epochs, batch_size=batch_size, snapshot_seconds=1e-9,
                           snapshot_grads=True, keep_val_outputs=True)
    return Trainer(network, make_loss(p.training.loss), make_optimizer(p.training.optimizer,
                   lr=p.training.lr), x[:16], y[:16], config, x[16:], y[16:])


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_trains_and_every_view_snapshot_is_taken_on_strict_arrays(preset) -> None:
    events = list(trainer_for(preset, STRICT).run())
    reference = list(trainer_for(preset, CPU).run())
    losses = [e.loss for e in events if isinstance(e, BatchEnd)]
    assert losses == pytest.approx([e.loss for e in reference if isinstance(e, BatchEnd)],
                                   rel=1e-5, abs=1e-6)
    snapshot = next(e for e in events if isinstance(e, Snapshot))
    assert all(isinstance(a, np.ndarray) for arrays in snapshot.weights.values()
               for a in arrays.values())
    assert all(isinstance(a, np.ndarray) for arrays in snapshot.grads.values()
               for a in arrays.values())
    epoch = next(e for e in events if isinstance(e, EpochEnd))
    assert isinstance(epoch.val_outputs, np.ndarray)
    # The inspection views: activations, saliency, gradients per layer, predictions.
    p = load_preset(preset)
    x, y = classification_data(p, 2)
    network = build_network(p.network, p.training, device=STRICT)
    assert all(isinstance(a, np.ndarray) for a in inspect.activations(network, x).values())
    assert isinstance(inspect.saliency(network, x, 0), np.ndarray)
    value, grads, params = inspect.output_gradients(network, x, y, make_loss(p.training.loss))
    assert isinstance(value, float) and all(isinstance(g, np.ndarray) for g in grads.values())
    assert isinstance(network.predict(x), np.ndarray)


@pytest.mark.parametrize("preset", ["course-784-30-10", "small-cnn", "lenet5", "residual-mlp"])
def test_a_training_batch_moves_only_its_events_numbers_to_the_host(preset) -> None:
    """Per batch: the loss and the accuracy come to the host (BatchEnd reports them); nothing
    goes to the device. The epoch's shuffled order goes once per epoch; weights are checked
    for NaN every checkpoint_batches batches."""
    trainer = trainer_for(preset, STRICT, epochs=2, batch_size=2)
    trainer.config.snapshot_seconds = 0
    per_batch = []
    TRANSFERS.reset()
    for event in trainer.run():
        if isinstance(event, BatchEnd):
            per_batch.append((event.step, dict(TRANSFERS)))
        TRANSFERS.reset()
    checkpoints = trainer.config.checkpoint_batches
    ordinary = [moved for step, moved in per_batch
                if (step - 1) % checkpoints and step - 1 not in (0, 8)]  # not first of epoch
    assert ordinary and all(moved == {"to_host": 2} for moved in ordinary), ordinary
