"""The course's side-by-side experiments: every one loads, its variants differ only as they
should, see the same batches and start from the same weights where that makes sense."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.events import BatchEnd
from nnstudio.experiments.side_by_side import prepared_runs
from nnstudio.running.build import build_network
from nnstudio.running.session import create_session
from nnstudio.spec.comparisons import comparison_names, load_comparison

COURSE = {"shuffled-vs-sorted", "optimizers", "initializers", "dropout", "sigmoid-vs-relu"}


def test_the_course_experiments_are_all_there() -> None:
    assert COURSE <= set(comparison_names())


@pytest.mark.parametrize("name", sorted(COURSE))
def test_variants_share_the_seed_and_are_valid(name: str) -> None:
    comparison = load_comparison(name)
    runs = prepared_runs(comparison)
    assert len(runs) >= 2
    assert len({run.training.seed for run in runs}) == 1
    assert len({run.label for run in runs}) == len(runs)
    for run in runs:
        assert run.network.analyze().ok and not run.training.problems()


def start(run) -> dict:
    return build_network(run.network, run.training).get_weights()


def test_dropout_variant_starts_from_the_same_weights() -> None:
    without, with_dropout = prepared_runs(load_comparison("dropout"))
    assert any(n.type == "Dropout" for n in with_dropout.network.nodes)
    a, b = start(without), start(with_dropout)
    for layer in ("dense1", "dense2"):
        assert np.array_equal(a[layer]["W"], b[layer]["W"])


def test_initializer_variants_keep_their_own_weights() -> None:
    zeros, he, xavier = (start(run) for run in prepared_runs(load_comparison("initializers")))
    assert not zeros["dense1"]["W"].any()
    assert he["dense1"]["W"].std() > xavier["dense1"]["W"].std() > 0


def test_optimizer_variants_see_identical_batches_from_identical_weights() -> None:
    sgd, _, _, adam = prepared_runs(load_comparison("optimizers"))
    assert np.array_equal(start(sgd)["dense1"]["W"], start(adam)["dense1"]["W"])
    seen = []
    for run in (sgd, adam):
        from dataclasses import replace

        session = create_session(run.network, replace(run.training, epochs=1))
        batches = []
        trainer = session.trainer
        original = trainer.network.loss_and_backward

        def spy(xb, yb, loss, batches=batches, original=original):  # noqa: ANN001
            batches.append(np.asarray(yb).copy())
            return original(xb, yb, loss)

        trainer.network.loss_and_backward = spy
        for event in trainer.run():
            if isinstance(event, BatchEnd) and event.batch >= 4:
                trainer.control.stop()
        seen.append(batches[:5])
    for first, second in zip(*seen, strict=True):
        assert np.array_equal(first, second)


def test_a_run_reports_every_batch_loss_in_blocks_before_each_epoch() -> None:
    from nnstudio.experiments.side_by_side import variant_requests
    from nnstudio.experiments.trial_run import train
    from tests.experiments.toy import toy_network, toy_training

    runs = prepared_runs(load_comparison("optimizers"))
    assert all(request.batch_reports for request in variant_requests(runs))
    request = variant_requests(runs)[:1][0]
    request.spec, request.training = toy_network(), toy_training(epochs=3)
    reports: list = []
    outcome = train(request, on_epoch=lambda p: reports.append(p),
                    on_batches=lambda b: reports.append(b))
    batches = [r for r in reports if hasattr(r, "losses")]
    x = [v for b in batches for v in b.x]
    losses = [v for b in batches for v in b.losses]
    assert losses == pytest.approx(outcome.history["batch_loss"])
    per_epoch = len(x) // 3
    assert x == pytest.approx([(i + 1) / per_epoch for i in range(len(x))])
    # Each epoch's report comes after all of that epoch's batches.
    epochs_seen, batches_before = 0, 0
    for report in reports:
        if hasattr(report, "losses"):
            batches_before += len(report.x)
        else:
            epochs_seen += 1
            assert batches_before == epochs_seen * per_epoch
