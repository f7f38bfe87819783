"""A Step, in the window with a real training process, shows its batch in the loss plot at
once (the child sends a batch after which the run waits without holding it back)."""

from __future__ import annotations

from dataclasses import replace

from nnstudio.spec.presets import load_preset


def test_each_step_shows_its_batch(qtbot, window) -> None:  # noqa: ANN001
    preset = load_preset("xor-mlp")
    window.document.replace(preset.network, replace(preset.training, epochs=1000,
                                                    batch_mode="mini", batch_size=1))
    view = window.training.dashboard.loss_view
    controller = window.training.controller

    def batches() -> int:
        return 0 if view.current is None else len(view.current.series.batches)

    window.actions.train_step.trigger()  # from idle: a run that stops after one batch
    qtbot.waitUntil(lambda: batches() == 1, timeout=20000)
    window.training.dashboard.refresh()
    assert len(view.plotted("latest")[0]) == 1
    window.actions.train_step.trigger()
    qtbot.waitUntil(lambda: batches() == 2, timeout=10000)
    window.training.dashboard.refresh()
    x, _ = view.plotted("latest")
    assert x.tolist() == [view.batch_epochs()[-1]]  # the dot moved to the new batch
    with qtbot.waitSignal(controller.run_finished, timeout=10000):
        window.actions.train_stop.trigger()
