"""NumPy and CuPy behind one array module: the same layers give the same numbers on both."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine import backend
from nnstudio.engine.backend import CPU, BackendUnavailable, get_device
from nnstudio.engine.losses import make_loss
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset, preset_names

DEVICES = ["numpy", pytest.param("cupy", marks=pytest.mark.gpu)]


@pytest.fixture(params=DEVICES)
def device(request):
    if request.param == "cupy" and not backend.gpu_available():
        pytest.skip(f"no working GPU here: {backend.gpu_problem()}")
    return get_device(request.param)


def test_auto_picks_cupy_only_when_a_gpu_works() -> None:
    expected = "cupy" if backend.gpu_available() else "numpy"
    assert get_device("auto").name == expected


def test_asking_for_cupy_without_a_gpu_is_a_clear_error() -> None:
    if backend.gpu_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(BackendUnavailable, match="The CuPy \\(GPU\\) backend is not available"):
        get_device("cupy")


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(BackendUnavailable, match="numpy, cupy, auto"):
        get_device("tpu")


def test_cli_reports_missing_gpu_in_one_line(capsys) -> None:
    if backend.gpu_available():
        pytest.skip("this machine has a GPU")
    from nnstudio.cli import main

    assert main(["train", "xor-mlp", "--backend", "cupy", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnstudio: error: The CuPy (GPU) backend is not available")
    assert "Traceback" not in err


@pytest.mark.parametrize("preset", preset_names())
def test_presets_give_the_same_loss_and_gradients_on_every_device(preset, device) -> None:
    p = load_preset(preset)
    analysis = p.network.analyze()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, *analysis.shapes["input"])).astype(np.float32)
    out = analysis.shapes[analysis.order[-1]][0]
    y = rng.integers(0, out, 3) if out > 1 else rng.integers(0, 2, (3, 1)).astype(np.float32)
    loss = make_loss(p.training.loss)
    reference = build_network(p.network, p.training, device=CPU)
    other = build_network(p.network, p.training, device=device)
    ref_value, _ = reference.loss_and_backward(x, y, loss)
    value, _ = other.loss_and_backward(x, y, make_loss(p.training.loss))
    assert value == pytest.approx(ref_value, rel=1e-5, abs=1e-6)
    for node in reference.layer_nodes:
        for key, grad in node.layer.grads.items():
            theirs = device.to_host(other.layer(node.name).grads[key])
            np.testing.assert_allclose(theirs, grad, rtol=1e-4, atol=1e-5)
