"""The training health on the canvas: a vanishing gradient shows as a red badge with the
course's explanation, and the Health dock lists the run's warnings."""

from __future__ import annotations

from nnstudio.app.builder.health_badges import badge_of
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


def deep_sigmoid_stack(depth: int = 8) -> NetworkSpec:
    layers = []
    for _ in range(depth):
        layers += [("Dense", {"units": 32}), ("Sigmoid", {})]
    return NetworkSpec.sequential([*layers, ("Dense", {"units": 10}), ("Softmax", {})],
                                  input_shape=[784])


def test_a_vanishing_gradient_turns_the_first_layers_badge_red(qtbot, window) -> None:
    window.document.replace(deep_sigmoid_stack(),
                            TrainingSpec(optimizer="sgd", lr=0.1, epochs=1))
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE
                    and controller.last_finished is not None, timeout=60000)
    badge = badge_of(window.scene, "dense1")
    assert badge is not None and badge.text.startswith("∇ 1/")
    assert badge.line.name() == "#c62828"  # red
    assert "the vanishing gradient; try ReLU or He initialization" in badge.toolTip()
    assert badge_of(window.scene, "dense9").text == "∇ 1"  # the strongest, healthy
    assert badge_of(window.scene, "softmax1") is None  # nothing to say about a softmax
    lines = window.training.health_panel.warning_lines()
    assert lines and lines[0].startswith("dense1 · ∇ 1/")
    # A click on a warning selects its layer on the canvas.
    window.training.health_panel.node_activated.emit("dense1")
    assert window.scene.selected_node_ids() == ["dense1"]
    # Another network: its layers have no measured health.
    window.document.replace(deep_sigmoid_stack(2), TrainingSpec())
    assert badge_of(window.scene, "dense1") is None
