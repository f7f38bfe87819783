"""The training loop on real data: accuracy targets, the course's shuffle experiment, the guards.

Full-MNIST targets need the IDX files (--mnist-dir, NNSTUDIO_MNIST_DIR or ../shared/data/mnist)
and skip without them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnstudio.data.datasets import find_local_mnist, load_dataset
from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished, Paused, Started
from nnstudio.engine.trainer import TrainerControl
from nnstudio.running.session import SessionError, create_session
from nnstudio.spec.presets import DEFAULT_PRESET, load_preset


@pytest.fixture(scope="module")
def subset():
    return load_dataset("mnist-subset")


@pytest.fixture(scope="module")
def mnist():
    folder = find_local_mnist()
    if folder is None:
        pytest.skip("the full MNIST is not here (set NNSTUDIO_MNIST_DIR)")
    return load_dataset("mnist", data_dir=folder)


def train(preset: str, dataset, **changes):
    p = load_preset(preset)
    training = replace(p.training, **changes)
    session = create_session(p.network, training, dataset=dataset)
    events = list(session.trainer.run())
    loss, accuracy = session.trainer.evaluate(session.x_test, session.y_test)
    return session, events, loss, accuracy


def test_default_preset_reaches_94_percent_on_the_embedded_subset(subset) -> None:
    _, events, _, accuracy = train(DEFAULT_PRESET, subset)
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    print(f"default preset on the subset: {accuracy:.4f} in {events[-1].seconds:.1f} s")
    assert accuracy >= 0.94


def test_same_seed_gives_the_same_run(subset) -> None:
    def losses():
        _, events, _, _ = train("mlp-784-100-10", subset, epochs=1, seed=3)
        return [e.loss for e in events if isinstance(e, BatchEnd)]

    assert losses() == losses()


def test_data_ordered_by_class_trains_much_worse_than_shuffled(subset) -> None:
    # The course's experiment: plain SGD over digits sorted 0, 0, ..., 9, 9 forgets all but
    # the last classes it saw.
    settings = {"epochs": 1, "optimizer": "sgd", "lr": 0.1, "validation_split": 0.0}
    _, _, _, shuffled = train("mlp-784-100-10", subset, **settings)
    _, _, _, ordered = train("mlp-784-100-10", subset, shuffle=False, sort_by_class=True,
                             **settings)
    print(f"shuffled {shuffled:.3f}, ordered by class {ordered:.3f}")
    assert shuffled > 0.85
    assert ordered < shuffled - 0.3


@pytest.mark.parametrize("mode", ["full", "online", "mini"])
def test_batch_modes_on_xor(mode: str) -> None:
    xor = load_dataset("xor")
    epochs = {"full": 3000, "online": 800, "mini": 1500}[mode]
    session, events, _, accuracy = train("xor-mlp", xor, batch_mode=mode, batch_size=2,
                                         epochs=epochs)
    started = events[0]
    assert isinstance(started, Started)
    assert started.batches_per_epoch == {"full": 1, "online": 4, "mini": 2}[mode]
    assert accuracy == 1.0


def test_early_stopping_stops_and_restores_best(subset) -> None:
    _, events, _, _ = train("mlp-784-100-10", subset, epochs=30, early_stopping=1,
                            optimizer="adam", lr=0.05)
    finished = events[-1]
    assert finished.reason == "early_stopping"
    assert finished.epochs_run < 30


def test_divergence_names_the_cause_and_keeps_good_weights(subset) -> None:
    p = load_preset("mlp-784-100-10")
    session = create_session(p.network, replace(p.training, optimizer="sgd", lr=100.0),
                             dataset=subset)
    before = session.network.get_weights()
    events = list(session.trainer.run())
    diverged = [e for e in events if isinstance(e, Diverged)]
    assert diverged and "diverged" in diverged[0].message
    assert events[-1].reason == "diverged"
    after = session.network.get_weights()
    for layer in before:
        for name in before[layer]:
            assert np.all(np.isfinite(after[layer][name]))
    loss, _ = session.trainer.evaluate(session.x_test, session.y_test)
    assert np.isfinite(loss) and loss < 100


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_nan_names_the_first_layer_that_went_non_finite(subset) -> None:
    p = load_preset("mlp-784-100-10")
    session = create_session(p.network, replace(p.training, epochs=1), dataset=subset)
    events = session.trainer.run()
    next(events)  # Started
    session.network.layer("dense2").params["W"][0, 0] = np.inf
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert diverged.layer == "dense2" and diverged.where == "output"


def test_pause_step_resume_and_stop(subset) -> None:
    p = load_preset("mlp-784-100-10")
    control = TrainerControl()
    session = create_session(p.network, replace(p.training, epochs=1), dataset=subset,
                             control=control)
    events = session.trainer.run()
    next(events)
    assert isinstance(next(events), BatchEnd)
    control.pause()
    control.step(2)  # two more batches, then paused again
    batches = [next(events), next(events)]
    assert [b.step for b in batches] == [2, 3]
    control.stop()
    rest = list(events)
    assert isinstance(rest[-1], Finished) and rest[-1].reason == "stopped"
    assert not any(isinstance(e, BatchEnd) for e in rest)


def test_paused_run_reports_paused_then_resumes(subset) -> None:
    import threading

    p = load_preset("mlp-784-100-10")
    control = TrainerControl()
    session = create_session(p.network, replace(p.training, epochs=1), dataset=subset,
                             control=control)
    events = session.trainer.run()
    next(events), next(events)
    control.pause()
    threading.Timer(0.2, control.resume).start()
    assert isinstance(next(events), Paused)
    assert isinstance(next(events), BatchEnd)
    control.stop()
    list(events)


def test_network_that_does_not_fit_the_data_says_how() -> None:
    from nnstudio.spec.network import NetworkSpec

    p = load_preset("mlp-784-100-10")
    ten_outputs = NetworkSpec.sequential([("Dense", {"units": 10}), ("Softmax", {})],
                                         input_shape=[2])
    with pytest.raises(SessionError, match="2 classes; set the last Dense layer to 2 units"):
        create_session(ten_outputs, p.training, dataset=load_dataset("circles"))
    with pytest.raises(SessionError,
                       match="takes 2 values per sample but mnist-subset has 1x28x28"):
        create_session(load_preset("xor-mlp").network, p.training,
                       dataset=load_dataset("mnist-subset"))


def test_epoch_events_carry_validation_metrics(subset) -> None:
    _, events, _, _ = train("mlp-784-100-10", subset, epochs=2)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert len(epochs) == 2
    assert epochs[1].train_loss < epochs[0].train_loss
    assert 0.8 < epochs[1].val_accuracy <= 1.0


# -- full MNIST targets -------------------------------------------------------------------------

@pytest.mark.slow
def test_course_network_reaches_95_percent(mnist) -> None:
    _, _, _, accuracy = train("course-784-30-10", mnist, validation_split=0.0)
    print(f"course-784-30-10: {accuracy:.4f}")
    assert accuracy >= 0.95


@pytest.mark.slow
def test_mlp_with_adam_reaches_97_5_percent_in_5_epochs(mnist) -> None:
    _, _, _, accuracy = train("mlp-784-100-10", mnist, epochs=5, validation_split=0.0)
    print(f"mlp-784-100-10: {accuracy:.4f}")
    assert accuracy >= 0.975


@pytest.mark.slow
def test_small_cnn_reaches_98_5_percent_in_3_epochs(mnist) -> None:
    _, _, _, accuracy = train("small-cnn", mnist, epochs=3, validation_split=0.0)
    print(f"small-cnn: {accuracy:.4f}")
    assert accuracy >= 0.985


@pytest.mark.very_slow
def test_lenet5_reaches_99_percent_in_10_epochs(mnist) -> None:
    _, _, _, accuracy = train("lenet5", mnist, epochs=10, validation_split=0.0)
    print(f"lenet5: {accuracy:.4f}")
    assert accuracy >= 0.99


def batchnorm_trainer(x: np.ndarray, optimizer: str = "adam"):
    from nnstudio.engine.losses import make_loss
    from nnstudio.engine.optimizers import make_optimizer
    from nnstudio.engine.trainer import Trainer, TrainerConfig
    from nnstudio.running.build import build_network
    from nnstudio.spec.network import NetworkSpec

    spec = NetworkSpec.sequential([("Dense", {"units": 16}), ("BatchNorm", {}), ("ReLU", {}),
                                   ("Dense", {"units": 3})], input_shape=[8])
    network = build_network(spec)
    y = np.arange(len(x)) % 3
    config = TrainerConfig(epochs=1, batch_size=16, shuffle=False, checkpoint_batches=2)
    return Trainer(network, make_loss("cross_entropy"), make_optimizer(optimizer, lr=0.01),
                   x, y, config)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("optimizer", ["adam", "nadam", "momentum", "adadelta", "rmsprop"])
def test_one_nan_pixel_leaves_batchnorm_statistics_and_moments_as_they_were(optimizer) -> None:
    x = np.random.default_rng(0).standard_normal((64, 8)).astype(np.float32)
    x[56, 3] = np.nan  # in the fourth batch of 16; the last checkpoint was at the third
    trainer = batchnorm_trainer(x, optimizer)
    events = list(trainer.run())
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert diverged.batch == 3 and "restored" in diverged.message
    assert trainer.network.first_non_finite() is None
    state = trainer.network.layer("batchnorm1").state
    assert np.isfinite(state["running_mean"]).all() and np.isfinite(state["running_var"]).all()
    for slot in trainer.optimizer.slots.values():
        assert all(np.isfinite(v).all() for v in slot.values())
    assert trainer.optimizer.t == 2  # back to the checkpoint after two steps
    clean = np.nan_to_num(x)
    assert np.isfinite(trainer.network.predict(clean)).all()  # eval mode: running statistics


def test_a_last_step_that_makes_weights_non_finite_is_undone() -> None:
    x = np.random.default_rng(0).standard_normal((64, 8)).astype(np.float32)
    trainer = batchnorm_trainer(x, optimizer="sgd")
    step = trainer.optimizer.step

    def poisoned_step(params) -> None:  # noqa: ANN001
        step(params)
        if trainer.optimizer.t == 4:  # the run's last batch
            params[0].value[0] = np.inf
    trainer.optimizer.step = poisoned_step
    events = list(trainer.run())
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert diverged.where == "weights" and diverged.layer == "dense1"
    assert events[-1].reason == "diverged"
    assert trainer.network.first_non_finite() is None


def test_nan_starting_weights_are_refused_naming_the_layer(subset) -> None:
    p = load_preset("mlp-784-100-10")
    session = create_session(p.network, replace(p.training, epochs=1), dataset=subset)
    weights = session.network.get_weights()
    weights["dense2"]["b"][:] = np.nan
    with pytest.raises(SessionError, match="dense2.b holds NaN"):
        create_session(p.network, p.training, dataset=subset, weights=weights)


def test_a_long_online_run_keeps_a_bounded_decimated_batch_history(monkeypatch) -> None:
    import nnstudio.engine.trainer

    monkeypatch.setattr(nnstudio.engine.trainer, "BATCH_LOSS_POINTS", 100, raising=False)
    xor = load_dataset("xor")  # 4 samples: online mode makes 4 batches per epoch
    p = load_preset("xor-mlp")
    session = create_session(p.network, replace(p.training, batch_mode="online", epochs=500),
                             dataset=xor)
    events = list(session.trainer.run())
    batch_losses = [e.loss for e in events if isinstance(e, BatchEnd)]
    history = events[-1].history
    assert len(batch_losses) == 2000 and len(history["batch_loss"]) <= 100
    stride = history["batch_loss_stride"]
    assert stride == 32  # 2000 batches halved to 100 points or fewer
    assert history["batch_loss"][0] == pytest.approx(np.mean(batch_losses[:stride]), rel=1e-6)
    assert history["epoch"] == list(range(500))  # epochs stay exact
    assert len(history["train_loss"]) == 500


def test_a_million_batch_losses_take_bounded_memory() -> None:
    from nnstudio.engine.trainer import BATCH_LOSS_POINTS

    xor = load_dataset("xor")
    p = load_preset("xor-mlp")
    trainer = create_session(p.network, replace(p.training, epochs=1), dataset=xor).trainer
    for step in range(1_000_000):  # a long online run's batch events, without the arithmetic
        trainer.batch_losses.append(1.0 + step % 2)
    assert trainer.batch_losses.capacity <= BATCH_LOSS_POINTS + 1
    history = list(trainer.run())[-1].history
    assert len(history["batch_loss"]) <= BATCH_LOSS_POINTS
    assert np.mean(history["batch_loss"][:-1]) == pytest.approx(1.5, abs=1e-3)  # means
