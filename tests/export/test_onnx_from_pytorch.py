"""PyTorch's own ONNX exports import, whatever batch the example input fixed, and predict
what PyTorch predicts: Flatten, view(batch, -1), reshape(-1, n), fixed or dynamic batch,
the TorchScript exporter and (where onnxscript is installed) the dynamo one."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from torch import nn  # noqa: E402

from nnstudio.export import ExportError, import_onnx  # noqa: E402

from .networks import ours  # noqa: E402


class ViewByBatch(nn.Module):
    """The classic ``x.view(x.size(0), -1)`` before a Linear."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.linear = nn.Linear(2 * 26 * 26, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.conv(x).view(x.shape[0], -1))


class ReshapeByFeatures(ViewByBatch):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.conv(x).reshape(-1, 2 * 26 * 26))


def issue_example() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(784, 10))


def mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.Tanh(), nn.Linear(16, 10),
                         nn.Softmax(dim=1))


MODELS = {"issue-example": issue_example, "mlp": mlp, "view": ViewByBatch,
          "reshape": ReshapeByFeatures}


def export(model: nn.Module, path: Path, batch: int, dynamic: bool, dynamo: bool) -> None:
    options: dict = {"dynamo": dynamo}
    if dynamic and dynamo:
        options["dynamic_shapes"] = ({0: torch.export.Dim("batch")},)
    elif dynamic:
        options.update(input_names=["input"], dynamic_axes={"input": {0: "n"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.randn(batch, 1, 28, 28),), str(path), **options)


def assert_predicts_as_pytorch(model: nn.Module, path: Path) -> None:
    spec, weights = import_onnx(path)
    x = np.random.default_rng(3).normal(size=(3, 1, 28, 28)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(spec, weights, x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dynamic", [False, True], ids=["fixed", "dynamic"])
@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("name", MODELS)
def test_torchscript_exports_import(name: str, batch: int, dynamic: bool,
                                    tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = MODELS[name]().eval()
    export(model, tmp_path / "m.onnx", batch, dynamic, dynamo=False)
    assert_predicts_as_pytorch(model, tmp_path / "m.onnx")


@pytest.mark.parametrize("dynamic", [False, True], ids=["fixed", "dynamic"])
@pytest.mark.parametrize("name", MODELS)
def test_dynamo_exports_import(name: str, dynamic: bool, tmp_path: Path) -> None:
    pytest.importorskip("onnxscript")  # torch's default exporter needs it
    torch.manual_seed(0)
    model = MODELS[name]().eval()
    export(model, tmp_path / "m.onnx", 2, dynamic, dynamo=True)  # weights go to m.onnx.data
    assert_predicts_as_pytorch(model, tmp_path / "m.onnx")


def dynamo_issue_graph(batch: int, target: list[int]) -> onnx.ModelProto:
    """What torch 2.13's default exporter writes for the issue's example, by hand."""
    rng = np.random.default_rng(0)
    init = [numpy_helper.from_array(rng.normal(size=(4, 1, 3, 3)).astype(np.float32), "cw"),
            numpy_helper.from_array(rng.normal(size=(10, 784)).astype(np.float32), "lw"),
            numpy_helper.from_array(np.array(target, np.int64), "target")]
    nodes = [helper.make_node("Conv", ["x", "cw"], ["c"], pads=[1, 1, 1, 1], name="node_conv2d"),
             helper.make_node("Relu", ["c"], ["r"], name="node_relu"),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Reshape", ["p", "target"], ["v"], allowzero=1, name="node_view"),
             helper.make_node("Gemm", ["v", "lw"], ["y"], transB=1, name="node_linear")]
    graph = helper.make_graph(
        nodes, "main_graph",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 1, 28, 28])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 10])], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])


@pytest.mark.parametrize("batch", [1, 2])
def test_a_fixed_batch_in_a_reshape_becomes_a_free_one(batch: int) -> None:
    spec, _ = import_onnx(dynamo_issue_graph(batch, [batch, 784]))
    reshape = next(n for n in spec.nodes if n.type == "Reshape")
    assert reshape.params["shape"] == [784]


def test_a_reshape_across_the_batch_is_still_refused() -> None:
    with pytest.raises(ExportError, match=r"node_view \(Reshape\): a Reshape must keep the "
                                          r"batch axis first \(its target is \[1, 1568\]\)"):
        import_onnx(dynamo_issue_graph(2, [1, 1568]))


def with_external_weight(location: str, offset: int = 0) -> onnx.ModelProto:
    """The issue's graph with its Linear weight kept outside, as the dynamo exporter does."""
    model = dynamo_issue_graph(2, [2, 784])
    weight = model.graph.initializer[1]
    weight.ClearField("raw_data")
    weight.ClearField("float_data")
    weight.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", str(offset)),
                       ("length", str(10 * 784 * 4))):
        weight.external_data.add(key=key, value=value)
    return model


def test_external_data_beside_the_model_is_read(tmp_path: Path) -> None:
    values = np.random.default_rng(5).normal(size=(10, 784)).astype(np.float32)
    (tmp_path / "m.onnx.data").write_bytes(b"1234" + values.tobytes())
    (tmp_path / "m.onnx").write_bytes(with_external_weight("m.onnx.data", 4).SerializeToString())
    _, weights = import_onnx(tmp_path / "m.onnx")
    assert np.array_equal(weights["node_linear"]["W"], values.T)


def test_a_short_external_data_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "m.onnx.data").write_bytes(b"short")
    (tmp_path / "m.onnx").write_bytes(with_external_weight("m.onnx.data").SerializeToString())
    with pytest.raises(ExportError, match=r"initializer 'lw': its values file .*m.onnx.data "
                                          r"ends before its values do"):
        import_onnx(tmp_path / "m.onnx")


@pytest.mark.parametrize("location", ["../secret.bin", "/etc/hostname"])
def test_external_data_outside_the_model_folder_is_refused(location: str,
                                                          tmp_path: Path) -> None:
    (tmp_path / "m.onnx").write_bytes(with_external_weight(location).SerializeToString())
    with pytest.raises(ExportError, match=r"initializer 'lw': its values file .* is not a file "
                                          r"in the model's folder"):
        import_onnx(tmp_path / "m.onnx")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_external_data_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "m.onnx.data")
    (tmp_path / "m.onnx").write_bytes(with_external_weight("m.onnx.data").SerializeToString())
    with pytest.raises(ExportError, match=r"its values file .*m.onnx.data: not a regular file"):
        import_onnx(tmp_path / "m.onnx")
