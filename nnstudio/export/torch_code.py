"""A NetworkSpec as readable PyTorch code: one ``nn.Module`` subclass in a standalone .py file.

The generated file needs only torch. It defines the module (one attribute per layer, a
``forward`` that follows the graph in topological order, Add and Concat written inline) and
``load_model()``. The weights go beside it as ``<stem>.pt``: a ``state_dict`` saved with
``torch.save``, which ``load_model()`` reads with ``weights_only=True`` (no pickled code).

Layout differences are handled here: our Dense W is (in, out), torch's Linear weight is
(out, in); TensorFlow-style 'same' padding puts any odd pixel bottom/right, which torch's
Conv2d cannot express, so those convolutions get an explicit ``F.pad`` in ``forward``.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy

from nnstudio import __version__
from nnstudio.engine.layers.conv import same_padding
from nnstudio.export.errors import ExportError, require
from nnstudio.export.graph import ExportNode, ExportPlan, Weights, export_plan
from nnstudio.export.names import class_name, unique_names
from nnstudio.spec.network import NetworkSpec
from nnstudio.storage.atomic_write import write_atomic

# Names the generated code uses itself; node names must not shadow them.
GENERATED_NAMES = ("self", "x", "torch", "nn", "F", "Path", "Heaviside", "Reshape",
                   "load_model", "WEIGHTS_FILE", "INPUT_SHAPE", "model")

SIMPLE_MODULES = {"Sigmoid": "nn.Sigmoid()", "Tanh": "nn.Tanh()", "ReLU": "nn.ReLU()",
                  "SELU": "nn.SELU()", "Identity": "nn.Identity()", "Flatten": "nn.Flatten()",
                  "Softmax": "nn.Softmax(dim=1)", "Heaviside": "Heaviside()"}
INLINE = ("Add", "Concat")  # no module: written as an expression in forward
BATCHNORM_CLASSES = {2: "nn.BatchNorm1d", 3: "nn.BatchNorm1d", 4: "nn.BatchNorm2d",
                     5: "nn.BatchNorm3d"}

HEAVISIDE_CODE = '''class Heaviside(nn.Module):
    """The perceptron's step: 1 where x >= 0, else 0."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x >= 0).to(x.dtype)
'''

RESHAPE_CODE = '''class Reshape(nn.Module):
    """Gives each sample a new shape; the batch axis stays."""

    def __init__(self, *shape: int) -> None:
        super().__init__()
        self.shape = shape

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.shape)
'''


def export_torch(spec: NetworkSpec, weights: Weights | None,
                 path_py: str | os.PathLike[str]) -> list[Path]:
    """Write ``path_py`` (the module's code) and ``<stem>.pt`` beside it (its weights).

    Returns the two paths. Raises ExportError when the network or weights do not fit, or
    torch is not installed (it is needed to write the .pt file).
    """
    torch = require("torch", "Exporting to PyTorch")
    plan = export_plan(spec, weights)
    path_py = Path(path_py)
    if path_py.suffix != ".py":
        raise ExportError(f"{path_py.name}: PyTorch code goes in a .py file")
    path_pt = path_py.with_suffix(".pt")
    reserved = set(GENERATED_NAMES) | set(dir(torch.nn.Module()))
    names = unique_names((n.id for n in plan.nodes), reserved)
    code = module_code(plan, names, path_pt.name)
    state = {key: torch.from_numpy(numpy.ascontiguousarray(value))
             for key, value in state_dict_arrays(plan, names).items()}
    write_atomic(path_pt, lambda handle: torch.save(state, handle))
    write_atomic(path_py, code.encode("utf-8"))
    return [path_py, path_pt]


def state_dict_arrays(plan: ExportPlan, names: dict[str, str]) -> dict[str, numpy.ndarray]:
    """The module's state_dict as NumPy arrays, in torch's layout and key names."""
    state: dict[str, numpy.ndarray] = {}
    for node in plan.nodes:
        prefix, a = names[node.id], node.arrays
        if node.type == "Dense":
            state[f"{prefix}.weight"] = a["W"].T
        elif node.type == "Conv2D":
            state[f"{prefix}.weight"] = a["W"]
        elif node.type == "BatchNorm":
            state[f"{prefix}.weight"] = a["gamma"]
            state[f"{prefix}.bias"] = a["beta"]
            state[f"{prefix}.running_mean"] = a["running_mean"]
            state[f"{prefix}.running_var"] = a["running_var"]
            state[f"{prefix}.num_batches_tracked"] = numpy.array(0, dtype=numpy.int64)
        if "b" in a:
            state[f"{prefix}.bias"] = a["b"]
    return state


def module_code(plan: ExportPlan, names: dict[str, str], weights_file: str) -> str:
    """The text of the generated .py file."""
    cls = class_name(plan.name)
    if cls in GENERATED_NAMES:
        cls += "Net"
    used = {n.type for n in plan.nodes}
    init_lines = [f"self.{names[n.id]} = {_module_expr(n)}" for n in plan.nodes
                  if n.type not in INLINE]
    var = {plan.input_id: "x", **names}
    forward_lines = [f"{var[n.id]} = {_call_expr(n, names[n.id], var)}" for n in plan.nodes]
    forward_lines.append(f"return {var[plan.output_id]}")
    batch_shape = ", ".join(["batch", *map(str, plan.input_shape)])
    out_shape = ", ".join(["batch", *map(str, plan.output_shape)])
    about = textwrap.fill(f"The network {plan.name!r} as a PyTorch module, exported by "
                          f"NN Studio {__version__}.", 88)
    if plan.description:
        about += "\n\n" + textwrap.fill(" ".join(plan.description.split()), 88)
    docstring = f'''{about}

    model = load_model()  # the weights come from {weights_file} beside this file
    y = model(x)          # x: float32, shape ({batch_shape}); y: shape ({out_shape})

The weights are a state_dict saved with torch.save. load_model() returns the model in eval
mode (dropout off, batch normalization with its running averages), as NN Studio predicts.
'''
    pads_in_forward = any("F.pad(" in line for line in forward_lines)
    functional = "import torch.nn.functional as F  # noqa: N812\n" if pads_in_forward else ""
    blocks = [code for kind, code in (("Heaviside", HEAVISIDE_CODE), ("Reshape", RESHAPE_CODE))
              if kind in used]
    helpers = "".join(f"\n\n\n{code.strip()}" for code in blocks)
    body = "\n".join(f"        {line}" for line in init_lines) or "        pass"
    forward = "\n".join(f"        {line}" for line in forward_lines)
    return f'''"""{_escape_docstring(docstring)}"""

from pathlib import Path

import torch
{functional}from torch import nn

WEIGHTS_FILE = Path(__file__).with_name({weights_file!r})
INPUT_SHAPE = {tuple(plan.input_shape)!r}{helpers}


class {cls}(nn.Module):
    def __init__(self) -> None:
        super().__init__()
{body}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
{forward}


def load_model(weights: str | Path = WEIGHTS_FILE,
               map_location: str = "cpu") -> {cls}:
    """The network with its exported weights, in eval mode."""
    model = {cls}()
    model.load_state_dict(torch.load(weights, map_location=map_location, weights_only=True))
    return model.eval()


if __name__ == "__main__":
    model = load_model()
    with torch.no_grad():
        y = model(torch.zeros(1, *INPUT_SHAPE))
    print(f"{{type(model).__name__}}: input (batch, *{{INPUT_SHAPE}}) -> output {{tuple(y.shape)}}")
'''


def _escape_docstring(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _conv_pads(node: ExportNode) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) for the node's input size."""
    padding = node.params["padding"]
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        _, h, w = node.in_shapes[0]
        k, s = int(node.params["kernel_size"]), int(node.params["stride"])
        return (*same_padding(h, k, s), *same_padding(w, k, s))
    p = int(padding)
    return p, p, p, p


def _symmetric(pads: tuple[int, int, int, int]) -> bool:
    top, bottom, left, right = pads
    return top == bottom and left == right


def _module_expr(node: ExportNode) -> str:
    p = node.params
    if node.type in SIMPLE_MODULES:
        return SIMPLE_MODULES[node.type]
    if node.type == "Dense":
        return f"nn.Linear({node.in_shapes[0][0]}, {p['units']}, bias={bool(p['use_bias'])})"
    if node.type == "Conv2D":
        pads = _conv_pads(node)
        top, _, left, _ = pads if _symmetric(pads) else (0, 0, 0, 0)
        padding = top if top == left else (top, left)
        return (f"nn.Conv2d({node.in_shapes[0][0]}, {p['filters']}, "
                f"kernel_size={p['kernel_size']}, stride={p['stride']}, padding={padding}, "
                f"bias={bool(p['use_bias'])})")
    if node.type in ("MaxPool2D", "AvgPool2D"):
        k = int(p["pool_size"])
        cls = "nn.MaxPool2d" if node.type == "MaxPool2D" else "nn.AvgPool2d"
        return f"{cls}(kernel_size={k}, stride={int(p['stride']) or k})"
    if node.type == "BatchNorm":
        rank = len(node.in_shapes[0]) + 1
        if rank not in BATCHNORM_CLASSES:
            raise ExportError(f"{node.id}: PyTorch has no batch normalization for inputs of "
                              f"{rank} axes")
        return (f"{BATCHNORM_CLASSES[rank]}({node.in_shapes[0][0]}, eps={float(p['eps'])!r}, "
                f"momentum={float(p['momentum'])!r})")
    if node.type == "Dropout":
        return f"nn.Dropout(p={float(p['rate'])!r})"
    if node.type == "Reshape":
        return f"Reshape({', '.join(str(int(s)) for s in p['shape'])})"
    if node.type == "LeakyReLU":
        return f"nn.LeakyReLU(negative_slope={float(p['alpha'])!r})"
    if node.type == "ELU":
        return f"nn.ELU(alpha={float(p['alpha'])!r})"
    raise ExportError(f"{node.id}: PyTorch export does not support {node.type} layers yet")


def _call_expr(node: ExportNode, attribute: str, var: dict[str, str]) -> str:
    sources = [var[s] for s in node.inputs]
    if node.type == "Add":
        return " + ".join(sources)
    if node.type == "Concat":
        return f"torch.cat([{', '.join(sources)}], dim=1)"
    argument = sources[0]
    if node.type == "Conv2D":
        pads = _conv_pads(node)
        if not _symmetric(pads):
            top, bottom, left, right = pads
            argument = f"F.pad({argument}, ({left}, {right}, {top}, {bottom}))"
    return f"self.{attribute}({argument})"
