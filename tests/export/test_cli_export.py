"""`nnstudio export` on a preset and on a saved project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.export import load_npz
from nnstudio.files.project import Project, save_project
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset

from .networks import ours, sample_input, varied_weights


def test_preset_to_npz_uses_starting_weights_with_a_note(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mlp.npz"
    assert main(["export", "mlp-784-100-10", "--format", "npz", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "no trained weights" in captured.err and "seed 0" in captured.err
    assert str(out) in captured.out
    preset = load_preset("mlp-784-100-10")
    expected = build_network(preset.network, preset.training).get_weights()
    loaded = load_npz(out)
    assert np.array_equal(loaded["dense1"]["W"], expected["dense1"]["W"])


def test_hand_set_weights_are_exported(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "xor-gates", "-f", "npz", "-o", str(tmp_path)]) == 0
    assert "set in the network file" in capsys.readouterr().err
    preset = load_preset("xor-gates")
    loaded = load_npz(tmp_path / "xor-gates.npz")  # a folder gets <name>.npz inside
    assert np.array_equal(loaded["dense1"]["W"],
                          np.asarray(preset.network.weights["dense1"]["W"], np.float32))


def test_default_output_name_in_the_current_folder(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnx")
    monkeypatch.chdir(tmp_path)
    assert main(["export", "lenet5", "--format", "onnx", "--opset", "13"]) == 0
    assert (tmp_path / "lenet5.onnx").exists()


def test_project_exports_its_trained_weights(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    torch = pytest.importorskip("torch")
    import importlib.util

    preset = load_preset("small-cnn")
    weights = varied_weights(preset.network, seed=5)
    project_path = tmp_path / "my cnn.nnstudio"
    save_project(project_path, Project(preset.network, preset.training, weights))
    assert main(["export", str(project_path), "--format", "torch",
                 "-o", str(tmp_path / "cnn.py")]) == 0
    captured = capsys.readouterr()
    assert "note" not in captured.err
    assert "cnn.py" in captured.out and "cnn.pt" in captured.out
    spec = importlib.util.spec_from_file_location("exported_cli_cnn", tmp_path / "cnn.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = sample_input(preset.network)
    with torch.no_grad():
        theirs = module.load_model()(torch.from_numpy(x)).numpy()
    assert np.abs(theirs - ours(preset.network, weights, x)).max() <= 1e-5


def test_project_default_torch_name_is_an_identifier(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    preset = load_preset("xor-mlp")
    save_project(tmp_path / "my xor-net.nnstudio", Project(preset.network, preset.training))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "my xor-net.nnstudio", "-f", "torch"]) == 0
    assert (tmp_path / "my_xor_net.py").exists() and (tmp_path / "my_xor_net.pt").exists()


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "no-such-preset", "-f", "npz"]) == 2
    assert main(["export", "xor-mlp", "-f", "npz", "--opset", "13"]) == 2
    preset = load_preset("xor-mlp")
    weights = varied_weights(preset.network)
    weights["dense1"]["W"] = np.zeros((3, 3), np.float32)
    save_project(tmp_path / "stale.nnstudio", Project(preset.network, preset.training, weights))
    assert main(["export", str(tmp_path / "stale.nnstudio"), "-f", "npz",
                 "-o", str(tmp_path / "w.npz")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and all(line.startswith("nnstudio: error: ") for line in errors)
    assert "dense1.W: expected shape 2x2, got 3x3" in errors[2]
    assert not (tmp_path / "w.npz").exists()


def test_nan_weights_are_not_exported(tmp_path, capsys) -> None:
    """A project whose weights hold NaN (a diverged run saved by an older version) is refused
    naming the array, and nothing is written."""
    import numpy

    from nnstudio.cli import main
    from nnstudio.files.project import Project, save_project
    from nnstudio.running.build import build_network
    from nnstudio.spec.presets import load_preset

    preset = load_preset("xor-mlp")
    weights = build_network(preset.network).get_weights()
    weights["dense1"]["b"][0] = numpy.inf
    project = tmp_path / "bad.nnstudio"
    save_project(project, Project(preset.network, preset.training, weights))
    for fmt in ("npz", "onnx"):
        assert main(["export", str(project), "--format", fmt, "-o", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("nnstudio: error: bad: the saved weights cannot be exported: "
                              "dense1.b holds NaN or infinite values"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nnstudio"]


def test_weights_missing_a_layer_export_with_a_note(tmp_path, capsys) -> None:
    import numpy

    from nnstudio.cli import main
    from nnstudio.files.project import Project, save_project
    from nnstudio.running.build import build_network
    from nnstudio.spec.presets import load_preset

    preset = load_preset("xor-mlp")
    weights = build_network(preset.network, seed=5).get_weights()
    kept = weights.pop("dense2")
    project = tmp_path / "partial.nnstudio"
    save_project(project, Project(preset.network, preset.training, weights))
    assert main(["export", str(project), "--format", "npz", "-o", str(tmp_path)]) == 0
    assert "no saved weights for dense2" in capsys.readouterr().err
    with numpy.load(tmp_path / "partial.npz") as arrays:
        assert numpy.array_equal(arrays["dense1/W"], weights["dense1"]["W"])
        assert arrays["dense2/W"].shape == kept["W"].shape
