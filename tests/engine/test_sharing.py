"""Batches shared across processes (engine/sharing.py): the same loss, outputs and
gradients as the whole batch in one process; what cannot be shared says why; a helper that
dies leaves the work to this process; no helper outlives its passes."""

from __future__ import annotations

import gc
import os
import signal

import numpy as np
import pytest

from nnstudio.engine import layers as L
from nnstudio.engine.losses import make_loss
from nnstudio.engine.network import Network, Node
from nnstudio.engine.optimizers import make_optimizer
from nnstudio.engine.sharing import SharedPasses, share_bounds, sharing_problem
from nnstudio.engine.trainer import Trainer, TrainerConfig
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset


def small_cnn() -> Network:
    preset = load_preset("small-cnn")
    return build_network(preset.network, preset.training)


def mnist_like(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n)


def conv_then(*layers: L.Layer, size: int = 8) -> Network:
    """input (1 x size x size) -> 3x3 conv with 4 filters -> ``layers`` -> flatten -> dense."""
    nodes = [Node("input", None), Node("conv", L.Conv2D(1, 4, 3), ["input"])]
    for index, layer in enumerate(layers):
        nodes.append(Node(f"layer{index}", layer, [nodes[-1].name]))
    nodes.append(Node("flat", L.Flatten(), [nodes[-1].name]))
    nodes.append(Node("dense", L.Dense(4 * (size - 2) ** 2, 3), ["flat"]))
    network = Network(nodes)
    rng = np.random.default_rng(1)
    for node in network.layer_nodes:
        for value in node.layer.params.values():
            value[...] = rng.standard_normal(value.shape) * 0.3
    return network


def test_share_bounds_cover_the_batch_in_nearly_equal_runs() -> None:
    assert share_bounds(37, 3) == [(0, 13), (13, 25), (25, 37)]
    assert share_bounds(64, 2) == [(0, 32), (32, 64)]


@pytest.fixture(autouse=True)
def three_cores(monkeypatch) -> None:
    """A machine of at least three cores, as far as sharing_problem can tell (on fewer the
    processes take turns: slower, the same results)."""
    cores = max(3, os.cpu_count() or 1)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)


@pytest.mark.parametrize("cores", [2, 3])
def test_shared_passes_give_the_whole_batchs_loss_outputs_and_gradients(cores: int) -> None:
    network, loss = small_cnn(), make_loss("cross_entropy")
    x, y = mnist_like(300)
    batch = slice(0, 37)  # shares of 13, 12 and 12 with three cores
    value, output = network.loss_and_backward(x[batch], y[batch], loss)
    gradient = network.parameters()[0].grad.copy()
    evaluated = network.loss_forward(x[batch], y[batch], loss, training=False)
    predicted = network.predict(x)
    with SharedPasses(network, loss, cores, 128, x, y) as passes:
        assert len(passes.helpers) == cores - 1
        shared_value, shared_output = passes.loss_and_backward(x[batch], y[batch], loss)
        shared_gradient = network.parameters()[0].grad.copy()
        shared_evaluated = passes.loss_forward(x[batch], y[batch], loss, training=False)
        shared_predicted = passes.predict(x)
    assert shared_value == pytest.approx(float(value), rel=1e-6)
    np.testing.assert_allclose(shared_output, output, rtol=1e-5, atol=1e-7)
    # The same sums in another order: float32 rounding only.
    np.testing.assert_allclose(shared_gradient, gradient, rtol=1e-4,
                               atol=1e-5 * np.abs(gradient).max())
    assert shared_evaluated[0] == pytest.approx(float(evaluated[0]), rel=1e-6)
    np.testing.assert_allclose(shared_evaluated[1], evaluated[1], rtol=1e-5, atol=1e-7)
    assert shared_predicted.shape == predicted.shape == (300, 10)
    np.testing.assert_allclose(shared_predicted, predicted, rtol=1e-5, atol=1e-7)


def test_helpers_step_with_the_parameters_this_process_changes() -> None:
    """The optimizer steps once, here, on memory the helpers read: the next shared pass
    uses the new weights."""
    network, loss = small_cnn(), make_loss("cross_entropy")
    x, y = mnist_like(64)
    optimizer = make_optimizer("sgd", lr=0.5)
    with SharedPasses(network, loss, 2, 64, x, y) as passes:
        passes.loss_and_backward(x, y, loss)
        optimizer.step(network.parameters())
        shared_value, _ = passes.loss_and_backward(x, y, loss)
        shared_gradient = network.parameters()[0].grad.copy()
    value, _ = network.loss_and_backward(x, y, loss)
    assert shared_value == pytest.approx(float(value), rel=1e-6)
    np.testing.assert_allclose(shared_gradient, network.parameters()[0].grad, rtol=1e-4,
                               atol=1e-5 * np.abs(shared_gradient).max())


def test_a_run_on_two_cores_follows_the_run_on_one() -> None:
    x, y = mnist_like(512)
    histories, weights = [], []
    for cores in (1, 2):
        network = small_cnn()
        trainer = Trainer(network, make_loss("cross_entropy"), make_optimizer("adam", lr=1e-3),
                          x[:448], y[:448], TrainerConfig(epochs=2, batch_size=64, cores=cores),
                          x[448:], y[448:])
        try:
            events = list(trainer.run())
            assert (trainer.sharing is not None) == (cores == 2)
            assert trainer.passes is (trainer.sharing if cores == 2 else network)
        finally:
            trainer.close()
        assert type(events[-1]).__name__ == "Finished"
        histories.append(trainer.history)
        weights.append(network.get_weights())
    one, two = histories
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(two[key], one[key], rtol=1e-4)
    for layer, arrays in weights[0].items():
        for key, value in arrays.items():
            np.testing.assert_allclose(weights[1][layer][key], value, rtol=1e-3,
                                       atol=1e-5 * np.abs(value).max())


def test_what_cannot_be_shared_says_why() -> None:
    assert sharing_problem(small_cnn(), 1) is None
    assert sharing_problem(small_cnn(), 2) is None
    assert "CPU cores, not 100000" in sharing_problem(small_cnn(), 100_000)
    batch_norm = conv_then(L.BatchNorm(4))
    assert "layer0 keeps statistics over each whole batch" in sharing_problem(batch_norm, 2)
    mlp = load_preset("mlp-784-100-10")
    assert "without convolutions" in sharing_problem(build_network(mlp.network, mlp.training), 2)
    with pytest.raises(ValueError, match="statistics"):
        SharedPasses(batch_norm, make_loss("mse"), 2, 8, *mnist_like(8))


def test_a_trainer_that_cannot_share_trains_in_its_own_process() -> None:
    network = conv_then(L.BatchNorm(4))
    x = np.random.default_rng(0).random((64, 1, 8, 8), dtype=np.float32)
    y = np.random.default_rng(1).integers(0, 3, 64)
    trainer = Trainer(network, make_loss("cross_entropy"), make_optimizer("sgd", lr=0.1), x, y,
                      TrainerConfig(epochs=1, batch_size=32, cores=2))
    finished = list(trainer.run())[-1]
    assert finished.reason == "completed"
    assert trainer.sharing is None and "statistics" in trainer.sharing_problem
    assert trainer.passes is network


def test_each_share_draws_its_own_dropout_masks() -> None:
    network, loss = conv_then(L.Dropout(0.5, seed=3)), make_loss("mse")
    x = np.random.default_rng(0).random((64, 1, 8, 8), dtype=np.float32)
    x[32:] = x[:32]  # the second share is the first one again
    y = np.zeros((64, 3), dtype=np.float32)
    import nnstudio.engine.sharing as sharing

    original = sharing.MIN_SHARE_WORK
    sharing.MIN_SHARE_WORK = 0  # this tiny network is shared anyway
    try:
        with SharedPasses(network, loss, 2, 64, x, y) as passes:
            _, output = passes.loss_and_backward(x, y, loss)
            assert passes.problem is None
    finally:
        sharing.MIN_SHARE_WORK = original
    assert not np.allclose(output[:32], output[32:])


def test_a_helper_that_dies_leaves_the_batch_to_this_process() -> None:
    network, loss = small_cnn(), make_loss("cross_entropy")
    x, y = mnist_like(64)
    value, _ = network.loss_and_backward(x, y, loss)
    gradient = network.parameters()[0].grad.copy()
    passes = SharedPasses(network, loss, 2, 64, x, y)
    process = passes.helpers[0].process
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=10)
    shared_value, output = passes.loss_and_backward(x, y, loss)
    assert "a helper process ended" in passes.problem and not passes.helpers
    assert shared_value == pytest.approx(float(value), rel=1e-6) and output.shape == (64, 10)
    np.testing.assert_array_equal(network.parameters()[0].grad, gradient)  # this process's
    passes.close()


def test_no_helper_outlives_its_passes() -> None:
    network, loss = small_cnn(), make_loss("cross_entropy")
    passes = SharedPasses(network, loss, 3, 64, *mnist_like(64))
    processes = [helper.process for helper in passes.helpers]
    assert all(process.is_alive() for process in processes)
    del passes
    gc.collect()
    for process in processes:
        process.join(timeout=10)
        assert not process.is_alive()
    # The network still trains here, on the parameters it kept.
    value, _ = network.loss_and_backward(*mnist_like(16), loss)
    assert np.isfinite(value)


def test_ctrl_c_is_left_to_the_process_that_started_the_helpers() -> None:
    """Ctrl+C in a terminal reaches every process of the group: a helper goes on (no
    traceback of its own) until the process that started it ends it."""
    network, loss = small_cnn(), make_loss("cross_entropy")
    x, y = mnist_like(64)
    with SharedPasses(network, loss, 2, 64, x, y) as passes:
        process = passes.helpers[0].process
        os.kill(process.pid, signal.SIGINT)
        value, _ = passes.loss_and_backward(x, y, loss)
        assert passes.problem is None and process.is_alive() and np.isfinite(value)
    process.join(timeout=10)
    assert not process.is_alive()


def test_a_network_that_cannot_be_copied_trains_in_its_own_process() -> None:
    network = small_cnn()
    network.layer("conv2d1").unpicklable = lambda: None  # e.g. a layer someone extended
    x, y = mnist_like(128)
    trainer = Trainer(network, make_loss("cross_entropy"), make_optimizer("sgd", lr=0.1), x, y,
                      TrainerConfig(epochs=1, batch_size=64, cores=2))
    finished = list(trainer.run())[-1]
    assert finished.reason == "completed" and trainer.sharing is None
    assert "cannot be copied to a helper process" in trainer.sharing_problem
