"""Malformed ONNX models, each with the words its import error must contain."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

F32 = np.float32


def model(nodes: list, init: dict | None = None, in_shape: list | None = None,
          out: str = "y", opset: int = 17, raw_init: list | None = None) -> onnx.ModelProto:
    """A graph from x (a batch of ``in_shape``) to ``out``, not checked by onnx's checker."""
    tensors = [numpy_helper.from_array(v, k) for k, v in (init or {}).items()]
    graph = helper.make_graph(
        nodes, "malformed",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", *(in_shape or [4])])],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)],
        tensors + (raw_init or []))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def node(op: str, inputs: list[str], outputs: list[str], name: str = "bad", **attrs: object
         ) -> onnx.NodeProto:
    return helper.make_node(op, inputs, outputs, name=name, **attrs)


def gemm(**attrs: object) -> onnx.ModelProto:
    return model([node("Gemm", ["x", "w"], ["y"], **attrs)], {"w": np.ones((3, 4), F32)})


def wrong_length_initializer() -> onnx.ModelProto:
    w = numpy_helper.from_array(np.ones((4, 3), F32), "w")
    w.dims[:] = [4, 30]
    return model([node("MatMul", ["x", "w"], ["y"])], raw_init=[w])


def unknown_dtype_initializer() -> onnx.ModelProto:
    w = numpy_helper.from_array(np.ones((4, 3), F32), "w")
    w.data_type = 999
    return model([node("MatMul", ["x", "w"], ["y"])], raw_init=[w])


def undefined_attribute() -> onnx.ModelProto:
    relu = node("LeakyRelu", ["x"], ["y"])
    relu.attribute.add(name="alpha", type=AttributeProto.UNDEFINED)
    return model([relu])


def string_weights() -> onnx.ModelProto:
    w = helper.make_tensor("w", TensorProto.STRING, [4, 3], [b"a"] * 12)
    return model([node("MatMul", ["x", "w"], ["y"])], raw_init=[w])


def broken_constant() -> onnx.ModelProto:
    value = numpy_helper.from_array(np.array([-1, 4], np.int64))
    value.dims[:] = [7]
    return model([node("Constant", [], ["s"], value=value), node("Reshape", ["x", "s"], ["y"])])


CASES = {
    # missing inputs and outputs
    "gemm without its weight": (
        model([node("Gemm", ["x"], ["y"])]), r"bad \(Gemm\): needs 2 input\(s\), has 1"),
    "relu without input": (model([node("Relu", [], ["y"])]), r"bad \(Relu\): needs 1 input"),
    "batchnorm missing statistics": (
        model([node("BatchNormalization", ["x", "g", "b"], ["y"])],
              {"g": np.ones(4, F32), "b": np.ones(4, F32)}),
        r"bad \(BatchNormalization\): needs 5 input\(s\), has 3"),
    "node without output": (model([node("Relu", ["x"], [])]), r"bad \(Relu\): has no output"),
    "dangling graph output": (model([node("Relu", ["x"], ["r"])]),
                              r"the graph's output 'y' is not computed by its nodes"),
    "empty graph": (model([]), r"the graph's output 'y' is not computed by its nodes"),
    "cycle": (model([node("Relu", ["y"], ["y"])]),
              r"bad \(Relu\): its input 'y' is not computed by an earlier node"),
    "tensor computed twice": (
        model([node("Relu", ["x"], ["y"], name="a"), node("Tanh", ["x"], ["y"], name="b")]),
        r"b: its output 'y' is computed twice"),
    # initializers
    "initializer of the wrong length": (
        wrong_length_initializer(), r"initializer 'w': its values do not match its type and "
                                    r"shape \[4, 30\]"),
    "initializer of an unknown type": (unknown_dtype_initializer(),
                                       r"initializer 'w': unknown data type 999"),
    "string weights": (string_weights(), r"bad \(MatMul\): its W holds object values"),
    "broken constant": (broken_constant(), r"bad \(Constant\): its values do not match"),
    "constant that is not a tensor": (
        model([node("Constant", [], ["y"], value_float=1.0)]),
        r"bad \(Constant\): only tensor constants are supported"),
    # attributes
    "strides of the wrong type": (
        model([node("Conv", ["x", "k"], ["y"], strides=[1.5, 1.5])],
              {"k": np.ones((2, 1, 3, 3), F32)}, [1, 8, 8]),
        r"bad \(Conv\): its attribute strides must be of type INTS"),
    "axis as text": (model([node("Softmax", ["x"], ["y"], axis="one")]),
                     r"bad \(Softmax\): its attribute axis must be of type INT"),
    "attribute without a type": (
        undefined_attribute(), r"bad \(LeakyRelu\): its attribute alpha must be of type FLOAT"),
    "alpha of NaN": (model([node("LeakyRelu", ["x"], ["y"], alpha=float("nan"))]),
                     r"bad \(LeakyRelu\): alpha must be a finite number, not nan"),
    "stride 0": (model([node("Conv", ["x", "k"], ["y"], strides=[0, 0])],
                       {"k": np.ones((2, 1, 3, 3), F32)}, [1, 8, 8]),
                 r"bad \(Conv\): its strides must be at least 1, not 0"),
    "pool without kernel": (model([node("MaxPool", ["x"], ["y"])], in_shape=[1, 8, 8]),
                            r"bad \(MaxPool\): only equal kernel_shape"),
    # weights that do not fit the layer
    "gemm weight not transposed": (
        gemm(), r"bad \(Gemm\): its W has shape \[3, 4\], but this Dense needs \[4, 4\]"),
    "gemm bias of the wrong size": (
        model([node("Gemm", ["x", "w", "b"], ["y"], transB=1)],
              {"w": np.ones((3, 4), F32), "b": np.ones(5, F32)}),
        r"bad \(Gemm\): the bias has 5 values, not 3"),
    "conv of the wrong channels": (
        model([node("Conv", ["x", "k"], ["y"])], {"k": np.ones((2, 3, 3, 3), F32)}, [1, 8, 8]),
        r"bad \(Conv\): its W has shape \[2, 3, 3, 3\], but this Conv2D needs \[2, 1, 3, 3\]"),
    "batchnorm statistics of the wrong size": (
        model([node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"])],
              {k: np.ones(3, F32) for k in "gbmv"}),
        r"bad \(BatchNormalization\): its gamma has shape \[3\], but this BatchNorm needs "
        r"\[4\]"),
    # reshape targets
    "reshape to a computed shape": (
        model([node("Relu", ["x"], ["r"], name="r"), node("Reshape", ["x", "r"], ["y"])]),
        r"bad \(Reshape\): 'r' must be a constant"),
    "reshape to fractions": (
        model([node("Reshape", ["x", "s"], ["y"])], {"s": np.array([-1, 4.0], F32)}),
        r"bad \(Reshape\): the Reshape target must be a list of whole numbers"),
    "reshape to a matrix": (
        model([node("Reshape", ["x", "s"], ["y"])], {"s": np.array([[-1, 4]], np.int64)}),
        r"bad \(Reshape\): the Reshape target must be a list of whole numbers"),
    "reshape to negative sizes": (
        model([node("Reshape", ["x", "s"], ["y"])], {"s": np.array([-1, -4], np.int64)}),
        r"bad \(Reshape\): cannot resolve the Reshape target \[-1, -4\]"),
    "gather out of range": (
        model([node("Shape", ["x"], ["s"], name="shape"),
               node("Gather", ["s", "i"], ["y"]), ],
              {"i": np.array(9, np.int64)}),
        r"bad \(Gather\): cannot work out this shape computation at import \(index 9"),
    # the model itself
    "negative opset": (model([node("Relu", ["x"], ["y"])], opset=-3),
                       r"opset version -3 is not a valid one"),
    "input without a shape": (
        helper.make_model(helper.make_graph(
            [node("Relu", ["x"], ["y"])], "g", [helper.make_value_info("x", onnx.TypeProto())],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])),
        r"the input 'x' needs a fixed shape after the batch axis"),
}
