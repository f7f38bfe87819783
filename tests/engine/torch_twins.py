"""PyTorch twins of our layers and networks, for the comparison tests only.

``module_for(type, params, in_shapes)`` makes the torch module of one catalogue node;
``TorchTwin(spec)`` runs a whole NetworkSpec graph in topological order. Weights move between
the two sides in our layout ({"W", "b", "gamma", "beta", "running_mean", "running_var"}) with
``load_arrays`` / ``arrays_of``, which do the transposes: our Dense W is (in, out), torch's
Linear weight is (out, in); convolution kernels are (F, C, KH, KW) on both sides.

Importing this module needs torch: test modules call ``pytest.importorskip("torch")`` first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - torch's own idiom
from torch import nn

from nnstudio.engine import layers as L
from nnstudio.spec.network import NetworkSpec

TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


def tensor(array: Any, grad: bool = False) -> torch.Tensor:
    """A torch copy of a NumPy array (same dtype), optionally a leaf that wants a gradient."""
    t = torch.tensor(np.array(array, copy=True))
    return t.requires_grad_(grad)


def numpy_of(t: torch.Tensor | None) -> np.ndarray:
    """A NumPy copy (never a view that a later in-place torch update would change)."""
    assert t is not None, "torch computed no gradient here"
    return t.detach().cpu().numpy().copy()


# -- modules torch lacks under our names ---------------------------------------------------
class Heaviside(nn.Module):
    """(x >= 0) as x's dtype; zero gradient (0 * x keeps the graph connected)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x >= 0).to(x.dtype) + 0 * x


class Reshape(nn.Module):
    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.shape)


class Add(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        total = xs[0]
        for x in xs[1:]:
            total = total + x
        return total


class Concat(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.cat(xs, dim=1)


def tf_same_pads(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (written independently of the engine's helper)."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Module):
    """TensorFlow 'same' for any stride: F.pad (extra pixel bottom/right), then a valid conv.

    torch's own padding='same' only allows stride 1; the parameters live in ``self.conv`` so
    parameter counts are those of a plain Conv2d.
    """

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        self.conv = conv

    @property
    def weight(self) -> nn.Parameter:
        return self.conv.weight

    @property
    def bias(self) -> nn.Parameter | None:
        return self.conv.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kh, kw = self.conv.kernel_size
        s = self.conv.stride[0]
        top, bottom = tf_same_pads(x.shape[2], kh, s)
        left, right = tf_same_pads(x.shape[3], kw, s)
        return self.conv(F.pad(x, (left, right, top, bottom)))


# -- one node ------------------------------------------------------------------------------
def conv_module(in_channels: int, filters: int, kernel: int | tuple[int, int], stride: int,
                padding: str | int, use_bias: bool) -> nn.Module:
    if padding == "same" and stride != 1:
        conv = nn.Conv2d(in_channels, filters, kernel, stride, 0, bias=use_bias)
        return SameConv2d(conv)
    pad = 0 if padding == "valid" else padding  # int, or 'same' with stride 1 (torch's own)
    return nn.Conv2d(in_channels, filters, kernel, stride, pad, bias=use_bias)


def module_for(type_name: str, params: dict[str, Any], in_shapes: list[tuple[int, ...]]
               ) -> nn.Module:
    """The torch module of one catalogue node (params with defaults filled in)."""
    p = params
    if type_name == "Dense":
        return nn.Linear(in_shapes[0][0], p["units"], bias=p["use_bias"])
    if type_name == "Conv2D":
        return conv_module(in_shapes[0][0], p["filters"], p["kernel_size"], p["stride"],
                           p["padding"], p["use_bias"])
    if type_name == "MaxPool2D":
        return nn.MaxPool2d(p["pool_size"], p["stride"] or p["pool_size"])
    if type_name == "AvgPool2D":
        return nn.AvgPool2d(p["pool_size"], p["stride"] or p["pool_size"])
    if type_name == "BatchNorm":
        cls = nn.BatchNorm1d if len(in_shapes[0]) == 1 else nn.BatchNorm2d
        return cls(in_shapes[0][0], eps=p["eps"], momentum=p["momentum"])
    if type_name == "Dropout":
        return nn.Dropout(p["rate"])
    if type_name == "Flatten":
        return nn.Flatten()
    if type_name == "Reshape":
        return Reshape(tuple(p["shape"]))
    if type_name == "LeakyReLU":
        return nn.LeakyReLU(p["alpha"])
    if type_name == "ELU":
        return nn.ELU(p["alpha"])
    if type_name == "Softmax":
        return nn.Softmax(dim=1)
    simple = {"Add": Add, "Concat": Concat, "Heaviside": Heaviside, "Sigmoid": nn.Sigmoid,
              "Tanh": nn.Tanh, "ReLU": nn.ReLU, "SELU": nn.SELU, "Identity": nn.Identity}
    return simple[type_name]()


def module_for_layer(layer: L.Layer) -> nn.Module:
    """The torch twin of one engine layer, with the layer's parameters and state copied in."""
    dtype = next(iter({**layer.params, **layer.state}.values()), np.zeros(0, np.float32)).dtype
    if isinstance(layer, L.Dense):
        module = nn.Linear(layer.in_features, layer.out_features, bias=layer.use_bias)
    elif isinstance(layer, L.Conv2D):
        f, c = layer.params["W"].shape[:2]
        module = conv_module(c, f, layer.kernel, layer.stride, layer.padding, layer.use_bias)
    elif isinstance(layer, L.BatchNorm):
        raise TypeError("BatchNorm's twin depends on the input rank: use batchnorm_module")
    else:
        raise TypeError(f"no parameterised twin for {type(layer).__name__}")
    module.to(TORCH_DTYPES[np.dtype(dtype)])
    load_arrays(module, {**layer.params, **layer.state})
    return module


def batchnorm_module(layer: L.BatchNorm, rank: int) -> nn.Module:
    """BatchNorm1d for (N, F) inputs (rank 2), BatchNorm2d for (N, C, H, W) (rank 4)."""
    cls = nn.BatchNorm1d if rank == 2 else nn.BatchNorm2d
    module = cls(layer.params["gamma"].shape[0], eps=layer.eps, momentum=layer.momentum)
    module.to(TORCH_DTYPES[np.dtype(layer.params["gamma"].dtype)])
    load_arrays(module, {**layer.params, **layer.state})
    return module


# -- weights across the two layouts --------------------------------------------------------
def _pairs(module: nn.Module) -> dict[str, tuple[torch.Tensor, bool]]:
    """Our name -> (torch tensor, transposed?) for a module's parameters and buffers."""
    if isinstance(module, nn.Linear):
        found = {"W": (module.weight, True)}
        if module.bias is not None:
            found["b"] = (module.bias, False)
        return found
    if isinstance(module, nn.Conv2d | SameConv2d):
        found = {"W": (module.weight, False)}
        if module.bias is not None:
            found["b"] = (module.bias, False)
        return found
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return {"gamma": (module.weight, False), "beta": (module.bias, False),
                "running_mean": (module.running_mean, False),
                "running_var": (module.running_var, False)}
    return {}


def load_arrays(module: nn.Module, arrays: dict[str, Any]) -> None:
    """Copy arrays in our layout into the module's parameters and buffers."""
    pairs = _pairs(module)
    for key, value in arrays.items():
        target, transposed = pairs[key]
        value = np.asarray(value)
        with torch.no_grad():
            target.copy_(torch.from_numpy(np.ascontiguousarray(value.T if transposed else value)))


def arrays_of(module: nn.Module, what: str = "data") -> dict[str, np.ndarray]:
    """The module's arrays ('data') or parameter gradients ('grad') in our layout."""
    result = {}
    for key, (t, transposed) in _pairs(module).items():
        source = t.grad if what == "grad" else t
        if source is None:
            continue
        value = numpy_of(source)
        result[key] = value.T if transposed else value
    return result


# -- a whole network -----------------------------------------------------------------------
class TorchTwin(nn.Module):
    """A NetworkSpec as a torch module: nodes run in the spec's topological order."""

    def __init__(self, spec: NetworkSpec) -> None:
        super().__init__()
        analysis = spec.analyze()
        assert analysis.ok, analysis.problems
        self.order = list(analysis.order)
        self.input_name = next(i for i in self.order if spec.node(i).type == "Input")
        self.sources = {i: [e.source for e in spec.inputs_of(i)] for i in self.order}
        self.output_name = self.order[-1]
        self.types = {i: spec.node(i).type for i in self.order}
        self.nodes = nn.ModuleDict()
        for node_id in self.order:
            if node_id == self.input_name:
                continue
            in_shapes = [analysis.shapes[s] for s in self.sources[node_id]]
            self.nodes[node_id] = module_for(self.types[node_id], spec.params_of(node_id),
                                             in_shapes)

    def forward(self, x: torch.Tensor, keep: dict[str, torch.Tensor] | None = None
                ) -> torch.Tensor:
        """The output; every node's output goes into ``keep`` when one is given."""
        outputs = {self.input_name: x}
        for node_id in self.order:
            if node_id == self.input_name:
                continue
            outputs[node_id] = self.nodes[node_id](*(outputs[s] for s in self.sources[node_id]))
        if keep is not None:
            keep.update(outputs)
        return outputs[self.output_name]

    def load_weights(self, weights: dict[str, dict[str, np.ndarray]]) -> None:
        """Copy ``Network.get_weights()`` ({node: {name: array}}) into the twin."""
        for node_id, arrays in weights.items():
            load_arrays(self.nodes[node_id], arrays)

    def weights(self, what: str = "data") -> dict[str, dict[str, np.ndarray]]:
        """Parameters ('data', with buffers) or gradients ('grad') per node, in our layout."""
        found = {name: arrays_of(module, what) for name, module in self.nodes.items()}
        return {name: arrays for name, arrays in found.items() if arrays}
