"""An ONNX model back into a NetworkSpec and weights, for graphs made of the ops we export.

Ops map one to one onto catalogue layers, with three patterns folded back: MatMul followed
by Add of a vector (a Dense with bias), GreaterOrEqual 0 followed by Cast to float
(Heaviside), and chains of Add (one Add layer with several inputs). Node names become layer
ids. What ONNX attributes cannot say (a Dropout exported as Identity, 'same' padding) is
read from the doc_string that ``export_onnx`` writes.

PyTorch's exports import too: a batch size fixed by the example input becomes a free one,
shape arithmetic such as ``x.view(x.size(0), -1)`` is worked out at import
(``onnx_shape_values``), and weights kept in a file beside the model are read from it.

Anything else, or anything malformed, raises ExportError naming the node or initializer
(and the file, when reading one); the work is linear in the number of nodes.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy

from nnstudio.engine.layers.activations import SELU
from nnstudio.engine.layers.conv import same_padding
from nnstudio.export.errors import ExportError, require
from nnstudio.export.graph import expected_arrays
from nnstudio.export.onnx_export import SAME_DOC
from nnstudio.export.onnx_shape_values import (
    BATCH,
    SHAPE_OPS,
    FoldError,
    ShapeValue,
    fold,
    shape_of,
)
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec
from nnstudio.spec.shapes import Shape, ShapeError
from nnstudio.storage.file_input import InputFileError, open_regular

Weights = dict[str, dict[str, numpy.ndarray]]
DROPOUT_RATE = re.compile(r"^Dropout\(rate=([0-9.eE+-]+)\)")
SIMPLE = {"Sigmoid": "Sigmoid", "Tanh": "Tanh", "Relu": "ReLU"}
# Inputs an op cannot do without (the others need one).
REQUIRED_INPUTS = {"Gemm": 2, "MatMul": 2, "Conv": 2, "Reshape": 2, "BatchNormalization": 5,
                   "Add": 2, "GreaterOrEqual": 2, "Constant": 0, "Shape": 1}
# The type each attribute we read must have (onnx.AttributeProto's names).
ATTRIBUTE_TYPES = {
    **dict.fromkeys(("axis", "transA", "transB", "group", "ceil_mode", "training_mode", "to",
                     "allowzero", "start", "end"), "INT"),
    **dict.fromkeys(("strides", "pads", "dilations", "kernel_shape", "axes", "starts",
                     "ends"), "INTS"),
    **dict.fromkeys(("alpha", "beta", "gamma", "epsilon", "momentum", "ratio"), "FLOAT"),
    "auto_pad": "STRING",
}
# Malformed graphs can trip the translation anywhere; these become an ExportError naming
# the node, never a traceback.
MALFORMED = (IndexError, KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError,
             AttributeError)


def import_onnx(source: str | os.PathLike[str] | Any) -> tuple[NetworkSpec, Weights]:
    """(network, weights) from an ONNX file or ``onnx.ModelProto``."""
    onnx = require("onnx", "Importing ONNX")
    if isinstance(source, onnx.ModelProto):
        return _import_model(onnx, source, None)
    path = Path(os.fspath(source))
    try:  # every error names the file
        return _import_model(onnx, _load(onnx, path), path.parent)
    except ExportError as error:
        raise ExportError(f"{path.name}: {error}") from None


def _import_model(onnx: Any, model: Any, folder: Path | None) -> tuple[NetworkSpec, Weights]:
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    if not 1 <= opset <= 1000:
        raise ExportError(f"the model's opset version {opset} is not a valid one")
    return _Importer(onnx, model.graph, opset, folder).run()


def _load(onnx: Any, path: Path) -> Any:
    """The model in the regular file ``path``, without its external data (read later)."""
    try:
        with open_regular(path) as handle:
            return onnx.load_model_from_string(handle.read())
    except InputFileError as error:
        raise ExportError(error.reason) from None
    except OSError as error:
        raise ExportError(f"cannot read it ({error.strerror or error})") from None
    except Exception as error:  # noqa: BLE001 - protobuf's decode errors have no common base
        raise ExportError(f"cannot read it as ONNX ({error})") from None


@dataclass
class _Layer:
    """A layer being built: its spec node, weights, output shape and (for Add) open chain."""

    node: NodeSpec
    arrays: dict[str, numpy.ndarray] = field(default_factory=dict)
    shape: Shape = ()
    inputs: int = 0  # edges into it so far (the next port of an Add chain)


class _Importer:
    def __init__(self, onnx: Any, graph: Any, opset: int, folder: Path | None) -> None:
        self.onnx = onnx
        self.folder = folder  # where external data files are looked for
        self.graph = graph
        self.opset = opset
        self.nodes = list(graph.node)
        self.constants = {t.name: self._initializer(t) for t in graph.initializer}
        self.shape_values: dict[str, ShapeValue] = {}  # tensors that compute a shape
        self.spec = NetworkSpec(name=graph.name or "imported", description=graph.doc_string)
        self.layers: dict[str, _Layer] = {}
        self.producer: dict[str, str] = {}  # ONNX tensor name -> layer id
        self.consumers: dict[str, list[int]] = {}  # tensor -> indexes of the nodes using it
        for index, node in enumerate(self.nodes):
            for name in node.input:
                self.consumers.setdefault(name, []).append(index)
        self.graph_outputs = {o.name for o in graph.output}
        self.skip: set[int] = set()  # ONNX nodes already folded into a layer
        self.next_number: dict[str, int] = {}  # type -> the first number new_id may try
        self.batch: int | None = None  # the batch size fixed by the exported file, if any

    def _initializer(self, tensor: Any) -> numpy.ndarray:
        where = f"the initializer {tensor.name!r}"
        if tensor.data_location == self.onnx.TensorProto.EXTERNAL:
            tensor = self._with_external_data(tensor, where)
        return self._tensor_array(tensor, where)

    def _with_external_data(self, tensor: Any, where: str) -> Any:
        """A copy of ``tensor`` holding the values PyTorch wrote to a file beside the model.

        Only a file in the model's folder is read, and only the bytes the tensor's type and
        shape call for.
        """
        entries = {entry.key: entry.value for entry in tensor.external_data}
        location = entries.get("location", "")
        relative = PurePosixPath(location.replace("\\", "/"))
        if self.folder is None:
            raise ExportError(f"{where} keeps its values in an external file; import the "
                              f".onnx file by its path")
        if not location or relative.is_absolute() or ".." in relative.parts:
            raise ExportError(f"{where}: its values file {location!r} is not a file in the "
                              f"model's folder")
        try:
            itemsize = numpy.dtype(self.onnx.helper.tensor_dtype_to_np_dtype(
                tensor.data_type)).itemsize
            offset = int(entries.get("offset", 0))
            size = math.prod(tensor.dims) * itemsize
            if offset < 0 or size < 0 or int(entries.get("length", size)) != size:
                raise ValueError("its offset or length does not fit its type and shape")
        except (KeyError, TypeError, ValueError, OverflowError) as error:
            raise ExportError(f"{where}: its external values are described wrongly "
                              f"({error})") from None
        path = self.folder / relative
        try:
            with open_regular(path) as handle:
                status = os.fstat(handle.fileno())
                if offset + size > status.st_size:  # checked before reading anything
                    raise ExportError(f"{where}: its values file {path} ends before its "
                                      f"values do")
                handle.seek(offset)
                data = handle.read(size)
        except InputFileError as error:
            raise ExportError(f"{where}: cannot read its values file {path}: "
                              f"{error.reason}") from None
        except OSError as error:
            raise ExportError(f"{where}: cannot read its values file {path}: "
                              f"{error.strerror or error}") from None
        inline = self.onnx.TensorProto()
        inline.CopyFrom(tensor)
        del inline.external_data[:]
        inline.data_location = self.onnx.TensorProto.DEFAULT
        inline.raw_data = data
        return inline

    def _tensor_array(self, tensor: Any, where: str) -> numpy.ndarray:
        if tensor.data_type not in self.onnx.TensorProto.DataType.values() \
                or tensor.data_type == self.onnx.TensorProto.UNDEFINED:
            raise ExportError(f"{where}: unknown data type {tensor.data_type}")
        if any(d < 0 for d in tensor.dims):
            raise ExportError(f"{where}: negative dimension in {list(tensor.dims)}")
        try:
            return self.onnx.numpy_helper.to_array(tensor)
        except MALFORMED as error:
            raise ExportError(f"{where}: its values do not match its type and shape "
                              f"{list(tensor.dims)} ({error})") from None

    # -- the walk ----------------------------------------------------------------------
    def run(self) -> tuple[NetworkSpec, Weights]:
        inputs = [i for i in self.graph.input if i.name not in self.constants]
        if len(inputs) != 1 or len(self.graph.output) != 1:
            raise ExportError("only graphs with one input and one output can be imported")
        self._add_input(inputs[0])
        for index, node in enumerate(self.nodes):
            if index in self.skip:
                continue
            where = f"{node.name or node.op_type} ({node.op_type})"
            self._check_ports(node, where)
            try:
                if node.op_type == "Constant":
                    self._constant(node, where)
                elif self._is_shape_arithmetic(node):
                    self._shape_value(node, where)
                else:
                    self._translate(node, where)
            except MALFORMED as error:
                if isinstance(error, ExportError):
                    raise
                raise ExportError(f"{where}: malformed node ({error})") from None
        output = self.graph.output[0].name
        if output not in self.producer:
            raise ExportError(f"the graph's output {output!r} is not computed by its nodes")
        analysis = self.spec.analyze()
        if not analysis.ok:
            raise ExportError("the imported graph is not a valid network: "
                              + "; ".join(str(p) for p in analysis.problems))
        weights = {i: layer.arrays for i, layer in self.layers.items() if layer.arrays}
        return self.spec, weights

    def _is_shape_arithmetic(self, node: Any) -> bool:
        """Shape, Gather... always; a Concat or Cast when no layer computes its inputs."""
        if node.op_type in ("Concat", "Cast"):
            return not any(name in self.producer for name in node.input)
        return node.op_type in SHAPE_OPS

    def _check_ports(self, node: Any, where: str) -> None:
        needed = REQUIRED_INPUTS.get(node.op_type, 1)
        if len(node.input) < needed or not all(node.input[:needed]):
            raise ExportError(f"{where}: needs {needed} input(s), has "
                              f"{sum(1 for name in node.input if name)}")
        if not node.output or not node.output[0]:
            raise ExportError(f"{where}: has no output")

    def _add_input(self, value_info: Any) -> None:
        dims = value_info.type.tensor_type.shape.dim
        shape = [d.dim_value for d in dims[1:]]
        if dims and dims[0].dim_value > 0:
            self.batch = dims[0].dim_value  # a fixed batch (PyTorch's example input's)
        if not dims or not shape or any(d <= 0 for d in shape):
            raise ExportError(f"the input {value_info.name!r} needs a fixed shape after the "
                              f"batch axis")
        node = NodeSpec(self._fresh_id(value_info.name, "Input"), "Input", {"shape": shape})
        self._register(node, value_info.name, tuple(shape))

    def _constant(self, node: Any, where: str) -> None:
        value = next((a for a in node.attribute if a.name == "value"), None)
        if value is None or value.type != self.onnx.AttributeProto.TENSOR:
            raise ExportError(f"{where}: only tensor constants are supported")
        self.constants[node.output[0]] = self._tensor_array(value.t, where)

    def _shape_value(self, node: Any, where: str) -> None:
        """Shape arithmetic (the target of a Reshape, say): folded into a ShapeValue."""
        attrs = self._attributes(node, where)
        try:
            if node.op_type == "Shape":
                value = shape_of(self._shape_of(node.input[0], where), attrs)
            else:
                value = fold(node.op_type, [self._value_of(name) for name in node.input],
                             attrs, self.opset)
        except FoldError as error:
            raise ExportError(f"{where}: cannot work out this shape computation at import "
                              f"({error})") from None
        self.shape_values[node.output[0]] = value

    def _value_of(self, tensor: str) -> ShapeValue | None:
        if not tensor:
            return None
        if tensor in self.shape_values:
            return self.shape_values[tensor]
        if tensor in self.constants:
            return ShapeValue.of_array(self.constants[tensor])
        raise FoldError(f"its input {tensor!r} is neither a constant nor a shape")

    # -- one op ------------------------------------------------------------------------
    def _translate(self, node: Any, where: str) -> None:
        op, attrs = node.op_type, self._attributes(node, where)
        if op in SIMPLE:
            self._layer(node, SIMPLE[op], {}, node.input[:1])
        elif op == "Identity":
            match = DROPOUT_RATE.match(node.doc_string or "")
            if match:
                self._layer(node, "Dropout", {"rate": float(match.group(1))}, node.input[:1])
            else:
                self._layer(node, "Identity", {}, node.input[:1])
        elif op == "Dropout":
            rate = attrs.get("ratio", 0.5)
            if len(node.input) > 1 and node.input[1]:
                rate = float(self._constant_of(node.input[1], where))
            self._layer(node, "Dropout", {"rate": round(float(rate), 6)}, node.input[:1])
        elif op == "LeakyRelu":
            self._layer(node, "LeakyReLU", {"alpha": _f32(attrs.get("alpha", 0.01))},
                        node.input[:1])
        elif op == "Elu":
            self._layer(node, "ELU", {"alpha": _f32(attrs.get("alpha", 1.0))}, node.input[:1])
        elif op == "Selu":
            alpha, gamma = attrs.get("alpha", SELU.alpha), attrs.get("gamma", SELU.scale)
            if abs(alpha - SELU.alpha) > 1e-6 or abs(gamma - SELU.scale) > 1e-6:
                raise ExportError(f"{where}: only SELU's standard constants are supported")
            self._layer(node, "SELU", {}, node.input[:1])
        elif op == "Softmax":
            rank = len(self._shape_of(node.input[0], where)) + 1
            if self.opset < 13 and rank != 2:
                raise ExportError(f"{where}: before opset 13, Softmax flattens its input; "
                                  f"only 2-D inputs are supported there")
            self._check_axis(node, attrs.get("axis", -1 if self.opset >= 13 else 1), where)
            self._layer(node, "Softmax", {}, node.input[:1])
        elif op == "Gemm":
            self._gemm(node, attrs, where)
        elif op == "MatMul":
            self._matmul(node, where)
        elif op == "Conv":
            self._conv(node, attrs, where)
        elif op in ("MaxPool", "AveragePool"):
            self._pool(node, attrs, where)
        elif op == "Flatten":
            if attrs.get("axis", 1) != 1:
                raise ExportError(f"{where}: only Flatten with axis 1 is supported")
            self._layer(node, "Flatten", {}, node.input[:1])
        elif op == "Reshape":
            self._reshape(node, attrs, where)
        elif op == "BatchNormalization":
            self._batchnorm(node, attrs, where)
        elif op == "Add":
            self._add(node, where)
        elif op == "Concat":
            self._check_axis(node, attrs.get("axis"), where)
            self._layer(node, "Concat", {}, list(node.input))
        elif op == "GreaterOrEqual":
            self._heaviside(node, where)
        else:
            raise ExportError(f"{where}: the ONNX op {op} is not supported; NN Studio imports "
                              f"graphs of the ops it exports")

    def _gemm(self, node: Any, attrs: dict[str, Any], where: str) -> None:
        if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 \
                or attrs.get("beta", 1.0) != 1.0:
            raise ExportError(f"{where}: only Gemm with alpha 1, beta 1 and no transA is "
                              f"supported")
        b = self._constant_of(node.input[1], where)
        w = b.T if attrs.get("transB", 0) else b
        arrays = {"W": w}
        if len(node.input) > 2 and node.input[2]:
            arrays["b"] = self._bias(self._constant_of(node.input[2], where), w.shape[1], where)
        self._dense(node, node.input[0], arrays, where)

    def _matmul(self, node: Any, where: str) -> None:
        arrays = {"W": self._constant_of(node.input[1], where)}
        output = node.output[0]
        followers = self.consumers.get(output, [])
        add = self.nodes[followers[0]] if len(followers) == 1 else None
        if add is not None and add.op_type == "Add" and not self._is_graph_output(output):
            other = [name for name in add.input if name != output]
            if len(other) == 1 and other[0] in self.constants:
                arrays["b"] = self._bias(self.constants[other[0]], arrays["W"].shape[-1], where)
                self.skip.add(followers[0])
                self._dense(node, node.input[0], arrays, where, output=add.output[0])
                return
        self._dense(node, node.input[0], arrays, where)

    def _dense(self, node: Any, source: str, arrays: dict[str, numpy.ndarray], where: str,
               output: str | None = None) -> None:
        w = arrays["W"]
        if w.ndim != 2:
            raise ExportError(f"{where}: the weight must be a matrix")
        params = {"units": int(w.shape[1]), "use_bias": "b" in arrays}
        self._layer(node, "Dense", params, [source], arrays, output)

    def _conv(self, node: Any, attrs: dict[str, Any], where: str) -> None:
        w = self._constant_of(node.input[1], where)
        if w.ndim != 4 or w.shape[2] != w.shape[3]:
            raise ExportError(f"{where}: only 2-D convolutions with square kernels are supported")
        k = int(w.shape[2])
        stride = self._square(attrs.get("strides", [1, 1]), "strides", where)
        if attrs.get("group", 1) != 1 or any(d != 1 for d in attrs.get("dilations", [1, 1])):
            raise ExportError(f"{where}: grouped or dilated convolutions are not supported")
        _, h, width = self._image_shape(node.input[0], where)
        same = (*same_padding(h, k, stride), *same_padding(width, k, stride))
        auto_pad = attrs.get("auto_pad", b"NOTSET")
        auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
        if auto_pad == "SAME_UPPER":
            pads = (same[0], same[2], same[1], same[3])
        elif auto_pad in ("NOTSET", "VALID"):
            pads = tuple(attrs.get("pads", [0, 0, 0, 0])) if auto_pad == "NOTSET" else (0,) * 4
        else:
            raise ExportError(f"{where}: auto_pad {auto_pad} is not supported")
        top, left, bottom, right = pads
        padding: str | int
        if (top, bottom, left, right) == same and (SAME_DOC in (node.doc_string or "")
                                                   or auto_pad == "SAME_UPPER"
                                                   or top != bottom or left != right):
            padding = "same"
        elif len(set(pads)) == 1:
            padding = "valid" if top == 0 else int(top)
        else:
            raise ExportError(f"{where}: padding {list(pads)} is neither symmetric nor "
                              f"TensorFlow's 'same'")
        arrays = {"W": w}
        if len(node.input) > 2 and node.input[2]:
            arrays["b"] = self._bias(self._constant_of(node.input[2], where), w.shape[0], where)
        params = {"filters": int(w.shape[0]), "kernel_size": k, "stride": stride,
                  "padding": padding, "use_bias": "b" in arrays}
        self._layer(node, "Conv2D", params, node.input[:1], arrays)

    def _pool(self, node: Any, attrs: dict[str, Any], where: str) -> None:
        k = self._square(attrs.get("kernel_shape", []), "kernel_shape", where)
        stride = self._square(attrs.get("strides", [1, 1]), "strides", where)
        if any(attrs.get("pads", [0])) or attrs.get("ceil_mode", 0) \
                or any(d != 1 for d in attrs.get("dilations", [1])) \
                or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID", "NOTSET",
                                                             "VALID"):
            raise ExportError(f"{where}: only unpadded, floor-mode pooling is supported")
        kind = "MaxPool2D" if node.op_type == "MaxPool" else "AvgPool2D"
        params = {"pool_size": k} if stride == k else {"pool_size": k, "stride": stride}
        self._layer(node, kind, params, node.input[:1])

    def _reshape(self, node: Any, attrs: dict[str, Any], where: str) -> None:
        target = self._reshape_target(node.input[1], where)
        in_shape = self._shape_of(node.input[0], where)
        copy = not attrs.get("allowzero", 0)  # 0 copies the input's size (unless allowzero)
        if not target or not (target[0] is BATCH or target[0] == -1 or copy and target[0] == 0
                              or self.batch is not None and target[0] == self.batch):
            raise ExportError(f"{where}: a Reshape must keep the batch axis first (its target "
                              f"is {_sizes(target)})")
        rest = [in_shape[i - 1] if copy and v == 0 and i - 1 < len(in_shape) else v
                for i, v in enumerate(target) if i > 0]
        if rest.count(-1) > (0 if target[0] == -1 else 1) \
                or any(v is BATCH or v == 0 or v < -1 for v in rest):
            raise ExportError(f"{where}: cannot resolve the Reshape target {_sizes(target)}")
        if -1 in rest:
            known = math.prod(v for v in rest if v != -1)
            rest[rest.index(-1)] = math.prod(in_shape) // max(known, 1)
        self._layer(node, "Reshape", {"shape": rest}, node.input[:1])

    def _reshape_target(self, tensor: str, where: str) -> list[int | None]:
        """A Reshape's target sizes, BATCH where it takes the batch size from the input."""
        if tensor in self.shape_values:
            return list(self.shape_values[tensor].values)
        target = self._constant_of(tensor, where)
        if target.ndim != 1 or target.dtype.kind not in "iu":
            raise ExportError(f"{where}: the Reshape target must be a list of whole numbers")
        return [int(v) for v in target]

    def _batchnorm(self, node: Any, attrs: dict[str, Any], where: str) -> None:
        if attrs.get("training_mode", 0) or len(node.output) > 1 and any(node.output[1:]):
            raise ExportError(f"{where}: only BatchNormalization for inference is supported")
        names = ("gamma", "beta", "running_mean", "running_var")
        arrays = {name: self._constant_of(t, where) for name, t in zip(names, node.input[1:5],
                                                                       strict=True)}
        params = {"eps": _f32(attrs.get("epsilon", 1e-5)),
                  "momentum": round(1.0 - float(attrs.get("momentum", 0.9)), 6)}
        self._layer(node, "BatchNorm", params, node.input[:1], arrays)

    def _add(self, node: Any, where: str) -> None:
        if any(name in self.constants for name in node.input):
            raise ExportError(f"{where}: adding a constant is only supported after a MatMul")
        first = node.input[0]
        chain = self.producer.get(first)
        layer = self.layers.get(chain) if chain else None
        if layer is not None and layer.node.type == "Add" \
                and len(self.consumers.get(first, [])) == 1 and not self._is_graph_output(first):
            # a chain (a + b) + c: one Add layer with one more input
            self.spec.edges.append(EdgeSpec(self._source(node.input[1], where), layer.node.id,
                                            layer.inputs))
            layer.inputs += 1
            self.producer[node.output[0]] = layer.node.id
            return
        self._layer(node, "Add", {}, list(node.input))

    def _heaviside(self, node: Any, where: str) -> None:
        threshold = self._constant_of(node.input[1], where)
        followers = self.consumers.get(node.output[0], [])
        cast = self.nodes[followers[0]] if len(followers) == 1 else None
        to_float = cast is not None and cast.op_type == "Cast" and \
            self._attributes(cast, where).get("to") == self.onnx.TensorProto.FLOAT
        if cast is None or not to_float or threshold.size != 1 \
                or float(threshold.reshape(-1)[0]) != 0.0:
            raise ExportError(f"{where}: only GreaterOrEqual 0 followed by a Cast to float "
                              f"(a Heaviside step) is supported")
        self.skip.add(followers[0])
        self._layer(node, "Heaviside", {}, node.input[:1], output=cast.output[0])

    # -- bookkeeping -------------------------------------------------------------------
    def _layer(self, node: Any, type_name: str, params: dict[str, Any], inputs: list[str],
               arrays: dict[str, numpy.ndarray] | None = None, output: str | None = None) -> None:
        where = f"{node.name or node.op_type} ({node.op_type})"
        sources = [self._source(name, where) for name in inputs]
        spec_node = NodeSpec(self._fresh_id(node.name, type_name), type_name, params)
        in_shapes = [self.layers[s].shape for s in sources]
        layer_type = LAYER_TYPES[type_name]
        for param in layer_type.params:
            value = params.get(param.name)
            problem = param.check(value) if param.name in params else None
            if isinstance(value, float) and not math.isfinite(value):
                problem = f"{param.name} must be a finite number, not {value}"
            if problem:
                raise ExportError(f"{where}: {problem}")
        merged = {**layer_type.defaults(), **params}
        try:
            shape = layer_type.shape_rule(in_shapes, merged)
        except ShapeError as error:
            raise ExportError(f"{where}: {error}") from None
        for port, source in enumerate(sources):
            self.spec.edges.append(EdgeSpec(source, spec_node.id, port))
        arrays = self._weights(arrays or {}, type_name, in_shapes, merged, where)
        self._register(spec_node, output or node.output[0], shape, arrays)
        self.layers[spec_node.id].inputs = len(sources)

    def _weights(self, arrays: dict[str, numpy.ndarray], type_name: str, in_shapes: list[Shape],
                 params: dict[str, Any], where: str) -> dict[str, numpy.ndarray]:
        """The layer's arrays as float32, checked against the shapes the layer needs."""
        expected = expected_arrays(type_name, in_shapes[0], params) if in_shapes else {}
        found = {}
        for name, array in arrays.items():
            if array.dtype.kind not in "fiub":
                raise ExportError(f"{where}: its {name} holds {array.dtype} values, not numbers")
            if array.shape != expected.get(name):
                raise ExportError(f"{where}: its {name} has shape {_sizes(array.shape)}, but "
                                  f"this {type_name} needs {_sizes(expected.get(name, ()))}")
            found[name] = numpy.asarray(array, dtype=numpy.float32)
        return found

    def _register(self, node: NodeSpec, output: str, shape: Shape,
                  arrays: dict[str, numpy.ndarray] | None = None) -> None:
        if output in self.producer or output in self.constants or output in self.shape_values:
            raise ExportError(f"{node.id}: its output {output!r} is computed twice")
        self.spec.nodes.append(node)
        self.layers[node.id] = _Layer(node, arrays or {}, tuple(shape))
        self.producer[output] = node.id

    def _fresh_id(self, wanted: str, type_name: str) -> str:
        if wanted and wanted not in self.layers:
            return wanted
        stem = type_name.lower()  # as NetworkSpec.new_id names them, in constant time
        number = self.next_number.get(stem, 1)
        while f"{stem}{number}" in self.layers:
            number += 1
        self.next_number[stem] = number + 1
        return f"{stem}{number}"

    def _source(self, tensor: str, where: str) -> str:
        if tensor not in self.producer:
            raise ExportError(f"{where}: its input {tensor!r} is not computed by an earlier "
                              f"node (only constant weights may come from initializers)")
        return self.producer[tensor]

    def _shape_of(self, tensor: str, where: str) -> Shape:
        return self.layers[self._source(tensor, where)].shape

    def _image_shape(self, tensor: str, where: str) -> Shape:
        shape = self._shape_of(tensor, where)
        if len(shape) != 3:
            raise ExportError(f"{where}: needs an image input (channels x height x width)")
        return shape

    def _constant_of(self, tensor: str, where: str) -> numpy.ndarray:
        if tensor not in self.constants:
            raise ExportError(f"{where}: {tensor!r} must be a constant (an initializer)")
        return self.constants[tensor]

    def _bias(self, value: numpy.ndarray, size: int, where: str) -> numpy.ndarray:
        if value.size != size:
            raise ExportError(f"{where}: the bias has {value.size} values, not {size}")
        return value.reshape(size)

    def _square(self, values: Any, what: str, where: str) -> int:
        values = [int(v) for v in values]
        if len(values) != 2 or values[0] != values[1]:
            raise ExportError(f"{where}: only equal {what} along height and width are supported")
        if values[0] < 1:
            raise ExportError(f"{where}: its {what} must be at least 1, not {values[0]}")
        return values[0]

    def _check_axis(self, node: Any, axis: Any, where: str) -> None:
        rank = len(self._shape_of(node.input[0], where)) + 1
        if axis is None or not (axis == 1 or axis < 0 and axis + rank == 1):
            raise ExportError(f"{where}: only axis 1 (features or channels) is supported")

    def _attributes(self, node: Any, where: str) -> dict[str, Any]:
        found = {}
        for attribute in node.attribute:
            kind = ATTRIBUTE_TYPES.get(attribute.name)
            if kind and attribute.type != getattr(self.onnx.AttributeProto, kind):
                raise ExportError(f"{where}: its attribute {attribute.name} must be of type "
                                  f"{kind}")
            try:
                found[attribute.name] = self.onnx.helper.get_attribute_value(attribute)
            except ValueError as error:
                raise ExportError(f"{where}: its attribute {attribute.name!r} cannot be read "
                                  f"({error})") from None
        return found

    def _is_graph_output(self, tensor: str) -> bool:
        return tensor in self.graph_outputs


def _sizes(sizes: Any) -> str:
    """[N, 784] for a list of sizes, N where the batch size goes."""
    return "[" + ", ".join("N" if v is BATCH else str(v) for v in sizes) + "]"


def _f32(value: float) -> float:
    """A float32 attribute as the short decimal it was written from (0.2, not 0.200000003)."""
    return float(str(numpy.float32(value)))
