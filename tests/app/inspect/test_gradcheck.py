"""Train > Gradient check…: every layer of a real network passes, on a worker thread."""

from __future__ import annotations

from nnstudio.app.inspect.gradcheck_dialog import PASS_COLOR, GradcheckDialog
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset
from tests.app.inspect.conftest import save_shot


def test_every_layer_passes(qtbot) -> None:
    # mlp-784-100-10 keeps the test quick; lenet5 takes about a second (more on a busy machine)
    preset = load_preset("mlp-784-100-10")
    dialog = GradcheckDialog(lambda: (preset.network.copy(), preset.training))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.finished_check, timeout=60000):
        dialog.run_button.click()
        assert dialog.running and dialog.busy.isVisible()
    assert not dialog.running and not dialog.busy.isVisible()
    layers = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert layers == ["dense1", "dense2", "input (∂L/∂input)"]
    for row in range(dialog.table.rowCount()):
        assert dialog.table.item(row, 2).text() == "pass"
        assert float(dialog.table.item(row, 1).text()) < 1e-6
        assert dialog.table.item(row, 2).background().color().name() == PASS_COLOR
    assert dialog.status.text().startswith(f"All {len(layers)} pass")
    save_shot(dialog, "gradcheck")


def test_an_invalid_network_is_not_checked(qtbot) -> None:
    spec = NetworkSpec.sequential([("Dense", {"units": 0})], input_shape=[4])
    dialog = GradcheckDialog(lambda: (spec, load_preset("lenet5").training))
    qtbot.addWidget(dialog)
    dialog.run()
    assert not dialog.running
    assert "problems" in dialog.status.text()
