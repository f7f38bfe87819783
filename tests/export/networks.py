"""Networks for the export tests: every preset, plus graphs that use every layer type.

``ZOO`` covers each catalogue type at least once, with what presets lack: TensorFlow-style
'same' padding with the odd pixel bottom/right, convolutions without bias, BatchNorm on
images, vectors and 2-D samples, a three-way Add, Concat of image branches, a Reshape.
``ODD_NAMES`` uses node ids that are keywords, clash with nn.Module attributes or ONNX's
graph input and output names, or are not identifiers at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnstudio.running.build import build_network
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec
from nnstudio.spec.presets import load_preset

Weights = dict[str, dict[str, np.ndarray]]


def graph(name: str, nodes: list[tuple[str, str, dict[str, Any]]],
          edges: list[tuple[str, ...]]) -> NetworkSpec:
    """A spec from (id, type, params) nodes and (source, target) or (source, target, port)."""
    spec = NetworkSpec(name=name)
    spec.nodes = [NodeSpec(i, t, p) for i, t, p in nodes]
    for edge in edges:
        source, target, *port = edge
        spec.edges.append(EdgeSpec(source, target, int(port[0]) if port else 0))
    assert spec.analyze().ok, spec.analyze().problems
    return spec


def zoo() -> NetworkSpec:
    return graph("Layer zoo: every type", [
        ("input", "Input", {"shape": [3, 9, 7]}),
        ("conv_same", "Conv2D", {"filters": 4, "kernel_size": 4, "padding": "same"}),
        ("bn_image", "BatchNorm", {"eps": 1e-3, "momentum": 0.2}),
        ("leaky", "LeakyReLU", {"alpha": 0.2}),
        ("conv_same_s2", "Conv2D", {"filters": 3, "kernel_size": 3, "stride": 2,
                                    "padding": "same", "use_bias": False}),
        ("elu", "ELU", {"alpha": 0.5}),
        ("conv_pad1", "Conv2D", {"filters": 2, "kernel_size": 3, "stride": 2, "padding": 1}),
        ("cat_images", "Concat", {}),
        ("max_s1", "MaxPool2D", {"pool_size": 2, "stride": 1}),
        ("avg", "AvgPool2D", {"pool_size": 2}),
        ("flat", "Flatten", {}),
        ("dense_nobias", "Dense", {"units": 6, "use_bias": False}),
        ("bn_vector", "BatchNorm", {}),
        ("selu", "SELU", {}),
        ("drop", "Dropout", {"rate": 0.3}),
        ("dense_t", "Dense", {"units": 6}),
        ("tanh", "Tanh", {}),
        ("dense_s", "Dense", {"units": 6}),
        ("sigmoid", "Sigmoid", {}),
        ("add3", "Add", {}),
        ("reshape", "Reshape", {"shape": [2, 3]}),
        ("bn_rank3", "BatchNorm", {}),
        ("flat2", "Flatten", {}),
        ("relu", "ReLU", {}),
        ("step", "Heaviside", {}),
        ("dense_h", "Dense", {"units": 4}),
        ("ident", "Identity", {}),
        ("dense_r", "Dense", {"units": 4}),
        ("add2", "Add", {}),
        ("cat_vectors", "Concat", {}),
        ("dense_out", "Dense", {"units": 5}),
        ("softmax", "Softmax", {}),
    ], [
        ("input", "conv_same"), ("conv_same", "bn_image"), ("bn_image", "leaky"),
        ("leaky", "conv_same_s2"), ("conv_same_s2", "elu"), ("leaky", "conv_pad1"),
        ("elu", "cat_images", 0), ("conv_pad1", "cat_images", 1), ("cat_images", "max_s1"),
        ("max_s1", "avg"), ("avg", "flat"), ("flat", "dense_nobias"),
        ("dense_nobias", "bn_vector"), ("bn_vector", "selu"), ("selu", "drop"),
        ("drop", "dense_t"), ("dense_t", "tanh"), ("drop", "dense_s"), ("dense_s", "sigmoid"),
        ("drop", "add3", 0), ("tanh", "add3", 1), ("sigmoid", "add3", 2),
        ("add3", "reshape"), ("reshape", "bn_rank3"), ("bn_rank3", "flat2"),
        ("flat2", "relu"), ("relu", "step"), ("step", "dense_h"), ("dense_h", "ident"),
        ("flat2", "dense_r"), ("ident", "add2", 0), ("dense_r", "add2", 1),
        ("add2", "cat_vectors", 0), ("flat2", "cat_vectors", 1),
        ("cat_vectors", "dense_out"), ("dense_out", "softmax"),
    ])


def odd_names() -> NetworkSpec:
    return graph("42 odd names!", [
        ("x", "Input", {"shape": [5]}),
        ("class", "Dense", {"units": 4}),
        ("training", "ReLU", {}),
        ("a-b", "Dense", {"units": 4}),
        ("a_b", "Dense", {"units": 4}),
        ("output", "Add", {}),
        ("1st layer", "Dense", {"units": 3}),
        ("input", "Sigmoid", {}),
        ("F", "Dense", {"units": 3}),
        ("forward", "Heaviside", {}),
        ("self", "Concat", {}),
        ("torch", "Softmax", {}),
    ], [
        ("x", "class"), ("class", "training"), ("training", "a-b"), ("training", "a_b"),
        ("a-b", "output", 0), ("a_b", "output", 1), ("output", "1st layer"),
        ("1st layer", "input"), ("output", "F"), ("F", "forward"),
        ("input", "self", 0), ("forward", "self", 1), ("self", "torch"),
    ])


EXTRA_NETWORKS = {"zoo": zoo, "odd-names": odd_names}


def network_named(name: str) -> NetworkSpec:
    """A preset's network, or one of the extra graphs above."""
    return EXTRA_NETWORKS[name]() if name in EXTRA_NETWORKS else load_preset(name).network


def varied_weights(spec: NetworkSpec, seed: int = 0) -> Weights:
    """Starting weights with nonzero biases and BatchNorm statistics, so that every array
    matters: a transposed or misplaced one shows in the outputs."""
    rng = np.random.default_rng(seed)
    weights = build_network(spec, seed=seed).get_weights()
    for arrays in weights.values():
        for name, array in arrays.items():
            if name in ("b", "beta", "running_mean"):
                arrays[name] = rng.normal(0, 0.3, array.shape).astype(np.float32)
            elif name in ("gamma", "running_var"):
                arrays[name] = rng.uniform(0.5, 2.0, array.shape).astype(np.float32)
    return weights


def ours(spec: NetworkSpec, weights: Weights, x: np.ndarray) -> np.ndarray:
    """Our engine's outputs (float32, evaluation mode)."""
    network = build_network(spec)
    network.set_weights(weights)
    return network.predict(x)


def sample_input(spec: NetworkSpec, batch: int = 7, seed: int = 1) -> np.ndarray:
    shape = spec.analyze().shapes[next(n.id for n in spec.nodes if n.type == "Input")]
    return np.random.default_rng(seed).normal(size=(batch, *shape)).astype(np.float32)
