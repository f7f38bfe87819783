"""Exported PyTorch code computes what our engine computes, for every preset and layer type."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nnstudio.export import ExportError, export_torch  # noqa: E402
from nnstudio.spec.catalogue import LAYER_TYPES  # noqa: E402

from .conftest import ALL_NETWORKS  # noqa: E402
from .networks import network_named, ours, sample_input, varied_weights, zoo  # noqa: E402

TOLERANCE = 1e-5


def import_file(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_exported(path: Path, x: np.ndarray) -> np.ndarray:
    model = import_file(path).load_model()
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def test_the_zoo_uses_every_layer_type() -> None:
    assert {n.type for n in zoo().nodes} == set(LAYER_TYPES)


@pytest.mark.parametrize("name", ALL_NETWORKS)
def test_exported_module_matches_our_outputs(name: str, tmp_path: Path) -> None:
    spec = network_named(name)
    weights = varied_weights(spec)
    written = export_torch(spec, weights, tmp_path / "model.py")
    assert written == [tmp_path / "model.py", tmp_path / "model.pt"]
    assert all(path.exists() for path in written)
    for batch in (1, 7):
        x = sample_input(spec, batch)
        difference = np.abs(run_exported(written[0], x) - ours(spec, weights, x)).max()
        assert difference <= TOLERANCE, f"{name}: max difference {difference:.2e}"


def test_generated_code_is_readable_python(tmp_path: Path) -> None:
    spec = zoo()
    export_torch(spec, varied_weights(spec), tmp_path / "zoo.py")
    code = (tmp_path / "zoo.py").read_text()
    tree = ast.parse(code)
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes == ["Heaviside", "Reshape", "LayerZooEveryType"]
    assert "def load_model(" in code
    # One attribute per layer with state or a module of its own; Add and Concat inline.
    assert "self.conv_same = nn.Conv2d(3, 4, kernel_size=4, stride=1, padding=0" in code
    assert "conv_same = self.conv_same(F.pad(x, (1, 2, 1, 2)))" in code  # odd pixel last
    assert "self.conv_pad1 = nn.Conv2d(4, 2, kernel_size=3, stride=2, padding=1" in code
    assert "add3 = drop + tanh + sigmoid" in code
    assert "torch.cat([elu, conv_pad1], dim=1)" in code
    assert "return softmax" in code
    assert max(len(line) for line in code.splitlines()) <= 100


def test_state_dict_is_in_torch_layout(tmp_path: Path) -> None:
    spec = network_named("lenet5")
    weights = varied_weights(spec)
    export_torch(spec, weights, tmp_path / "lenet.py")
    state = torch.load(tmp_path / "lenet.pt", weights_only=True)
    assert np.array_equal(state["dense1.weight"].numpy(), weights["dense1"]["W"].T)
    assert np.array_equal(state["conv2d1.weight"].numpy(), weights["conv2d1"]["W"])
    assert np.array_equal(state["conv2d1.bias"].numpy(), weights["conv2d1"]["b"])


def test_generated_file_runs_as_a_script(tmp_path: Path) -> None:
    spec = network_named("small-cnn")
    export_torch(spec, varied_weights(spec), tmp_path / "cnn.py")
    done = subprocess.run([sys.executable, str(tmp_path / "cnn.py")], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path.parent)
    assert done.returncode == 0, done.stderr
    assert "-> output (1, 10)" in done.stdout


def test_missing_or_misshapen_weights_are_named(tmp_path: Path) -> None:
    spec = network_named("mlp-784-100-10")
    weights = varied_weights(spec)
    del weights["dense2"]["b"]
    with pytest.raises(ExportError, match="dense2: no weights for b"):
        export_torch(spec, weights, tmp_path / "m.py")
    weights = varied_weights(spec)
    weights["dense1"]["W"] = weights["dense1"]["W"].T
    with pytest.raises(ExportError, match=r"dense1.W: expected shape 784x100, got 100x784"):
        export_torch(spec, weights, tmp_path / "m.py")
    weights = varied_weights(spec)
    weights["ghost"] = {"W": np.zeros(3)}
    with pytest.raises(ExportError, match="ghost"):
        export_torch(spec, weights, tmp_path / "m.py")
    assert not list(tmp_path.iterdir())


def test_invalid_network_and_wrong_suffix(tmp_path: Path) -> None:
    spec = network_named("xor-mlp")
    weights = varied_weights(spec)
    with pytest.raises(ExportError, match=r"\.py file"):
        export_torch(spec, weights, tmp_path / "m.txt")
    broken = spec.copy()
    broken.edges.pop()
    with pytest.raises(ExportError, match="not valid"):
        export_torch(broken, weights, tmp_path / "m.py")


def test_without_torch_says_how_to_install(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    spec = network_named("xor-mlp")
    with pytest.raises(ExportError, match="pip install torch"):
        export_torch(spec, varied_weights(spec), tmp_path / "m.py")
