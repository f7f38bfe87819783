"""A network: layers wired as a directed acyclic graph, run in topological order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy

from nnstudio.engine.backend import CPU, Device
from nnstudio.engine.layers import Layer, MaxPool2D, ReLU, Softmax
from nnstudio.engine.layers.conv import Conv2D
from nnstudio.engine.losses import Loss
from nnstudio.engine.optimizers import Parameter


@dataclass
class Node:
    """One vertex: ``layer`` applied to the outputs of the nodes named in ``inputs``."""

    name: str
    layer: Layer | None  # None for the input node
    inputs: list[str] = field(default_factory=list)


def relu_pool_pairs(nodes: list[Node],
                    consumers: dict[str, list[str]]) -> list[tuple[ReLU, MaxPool2D]]:
    """The ReLUs that feed only a max-pool, with that pool: the pool may apply the ReLU
    (see MaxPool2D.applies_relu)."""
    by_name = {node.name: node for node in nodes}
    pools = []
    for node in nodes:
        if isinstance(node.layer, MaxPool2D) and len(node.inputs) == 1:
            source = by_name[node.inputs[0]]
            if isinstance(source.layer, ReLU) and consumers[source.name] == [node.name]:
                pools.append((source.layer, node.layer))
    return pools


def _view(block: Any, layer: Layer, key: str, shape: tuple[int, ...]) -> Any:
    """A parameter's place in the flat buffer, shaped as the layer sees it (transposed in
    memory where the layer asks for it)."""
    if key in layer.transposed_in_memory and len(shape) == 2:
        return block.reshape(shape[::-1]).T
    return block.reshape(shape)


class Network:
    """Forward and backward over the graph; parameters, gradients and state in and out.

    ``nodes`` must be in topological order, starting with the single input node and ending
    with the single output node.
    """

    def __init__(self, nodes: list[Node], device: Device = CPU, dtype: Any = numpy.float32):
        self.nodes = nodes
        self.by_name = {node.name: node for node in nodes}
        self.input_name = nodes[0].name
        self.output_name = nodes[-1].name
        self.consumers: dict[str, list[str]] = {node.name: [] for node in nodes}
        for node in nodes:
            for source in node.inputs:
                self.consumers[source].append(node.name)
        self.device = CPU
        self.dtype = numpy.dtype(dtype)
        self.capture = False
        self.activations: dict[str, Any] = {}
        self.output_grads: dict[str, Any] = {}
        self.input_grad: Any = None
        self._input_grad_wanted = False
        self._training_mode: bool | None = None
        # (name, layer, input names) per layer node: the forward pass without lookups.
        self._plan = [(n.name, n.layer, tuple(n.inputs)) for n in nodes[1:]]
        self._backward_plan = self._plan[::-1]
        self._fused_pools = relu_pool_pairs(nodes, self.consumers)
        self.to(device, dtype)
        self.want_input_grad(False)

    # -- structure ---------------------------------------------------------------------
    @property
    def layer_nodes(self) -> list[Node]:
        return [node for node in self.nodes if node.layer is not None]

    def layer(self, name: str) -> Layer:
        layer = self.by_name[name].layer
        assert layer is not None, f"{name} is the input"
        return layer

    def to(self, device: Device, dtype: Any = None) -> Network:
        """Move every layer to ``device`` as ``dtype``, then pack the parameters into flat
        buffers so an optimizer updates them all in a few whole-array operations."""
        self.device = device
        self.dtype = numpy.dtype(dtype or self.dtype)
        for node in self.layer_nodes:
            node.layer.to(device, self.dtype)
        self._pack_parameters()
        return self

    def _pack_parameters(self, values: Any = None, grads: Any = None,
                         copy_values: bool = True) -> None:
        """Every parameter becomes a view into one contiguous array, weights ("W", which
        weight decay applies to) first, then the rest (biases, gamma, beta), with a matching
        flat gradient buffer: an optimizer's step is a few whole-array operations. The flat
        arrays are new unless given (see ``place_parameters``)."""
        xp = self.device.xp
        self._flat: list[Parameter] = []
        entries = [(node.layer, key) for decay in (True, False) for node in self.layer_nodes
                   if node.layer.trainable for key in node.layer.params if (key == "W") == decay]
        if not entries:
            return
        total = sum(int(layer.params[key].size) for layer, key in entries)
        values = xp.empty(total, dtype=self.dtype) if values is None else values
        grads = xp.zeros(total, dtype=self.dtype) if grads is None else grads
        for given in (values, grads):
            if given.shape != (total,) or given.dtype != self.dtype:
                raise ValueError(f"the network's parameters need a flat {self.dtype} array of "
                                 f"{total} values, not {given.dtype} {given.shape}")
        offset = decayed = 0
        for layer, key in entries:
            array = layer.params[key]
            size = int(array.size)
            layer.params[key] = _view(values[offset:offset + size], layer, key, array.shape)
            if copy_values:
                layer.params[key][...] = array
            layer.grads[key] = _view(grads[offset:offset + size], layer, key, array.shape)
            offset += size
            decayed += size if key == "W" else 0
        self._flat.append(Parameter(values, grads, decay=decayed > 0, decay_size=decayed))

    def parameter_size(self) -> int:
        """How many values the flat parameter buffer holds (0 without parameters)."""
        return sum(int(p.value.size) for p in self._flat)

    def place_parameters(self, values: Any, grads: Any = None, copy_values: bool = True) -> None:
        """Move the parameters (and gradients, when ``grads`` is given) into these flat
        arrays of ``parameter_size()`` values, e.g. memory shared with other processes (see
        sharing.py); with ``copy_values`` the current values are copied in, else ``values``
        already holds them. Anything holding the old arrays no longer sees the network's."""
        self._pack_parameters(values, grads, copy_values)

    def want_input_grad(self, wanted: bool) -> None:
        """Backward computes dL/d(input) only when asked (saliency maps): it is not free."""
        self._input_grad_wanted = wanted
        for node in self.layer_nodes:
            from_input_only = all(src == self.input_name for src in node.inputs)
            node.layer.needs_input_grad = wanted or not from_input_only

    def set_training(self, training: bool) -> None:
        if training == self._training_mode:
            return
        self._training_mode = training
        for node in self.layer_nodes:
            node.layer.training = training

    # -- forward and backward ----------------------------------------------------------
    def forward(self, x: Any, training: bool = False) -> Any:
        """The network's output for a batch; keeps every node's output while it runs."""
        self.set_training(training)
        # A ReLU that feeds only a max-pool is applied by the pool, on its 4x smaller output,
        # unless every node's output (and its gradient) is kept for the views.
        for relu, pool in self._fused_pools:
            relu.applied_by_consumer = pool.applies_relu = not self.capture
        outputs: dict[str, Any] = {self.input_name: self.device.send(x, self.dtype)}
        for name, layer, sources in self._plan:
            if len(sources) == 1:
                outputs[name] = layer.forward(outputs[sources[0]])
            else:
                outputs[name] = layer.forward(*(outputs[src] for src in sources))
        self._outputs = outputs
        self.activations = outputs if self.capture else {}
        return outputs[self.output_name]

    def loss_and_backward(self, x: Any, target: Any, loss: Loss) -> tuple[float, Any]:
        """One training pass: forward, loss, backward; returns (loss, network output).

        A loss that takes logits (cross-entropy) after a final Softmax gets the Softmax's
        input instead, and backward starts below the Softmax: the fused, stable form.
        """
        value, output, start = self.loss_forward(x, target, loss, training=True)
        self.backward(loss.backward(), start=start)
        return float(value), output

    def loss_forward(self, x: Any, target: Any, loss: Loss,
                     training: bool = True) -> tuple[Any, Any, str]:
        """(loss, output, node where backward starts): forward and loss, no backward."""
        output = self.forward(x, training=training)
        target = self.device.send(target)
        last = self.by_name[self.output_name]
        if loss.takes_logits and isinstance(last.layer, Softmax):
            return loss.forward(self._outputs[last.inputs[0]], target), output, last.inputs[0]
        return loss.forward(output, target), output, self.output_name

    def backward(self, grad_output: Any, start: str | None = None) -> None:
        """Backpropagate dL/d(output of ``start``) (default: the output node) to every layer."""
        grads: dict[str, Any] = {start or self.output_name: grad_output}
        capture = self.capture
        for name, layer, sources in self._backward_plan:
            dy = grads.pop(name, None)
            if dy is None:  # after the start, or this branch does not reach the loss
                continue
            if capture:
                self.output_grads[name] = dy
            dxs = layer.backward(dy)
            if len(sources) == 1:
                dxs = (dxs,)
            for source, dx in zip(sources, dxs, strict=True):
                if dx is None:
                    continue
                grads[source] = dx if source not in grads else grads[source] + dx
        self.input_grad = grads.get(self.input_name)

    @property
    def inference_batch_size(self) -> int:
        """Samples per forward pass when evaluating many. On the CPU a convolution's column
        matrix for 1000 samples is tens of MB, far past the caches: chunks of 128 ran
        small-cnn and LeNet-5 inference 1.5x faster. GPUs want large batches."""
        if self.device.name == "numpy" and any(isinstance(node.layer, Conv2D)
                                               for node in self.layer_nodes):
            return 128
        return 1000

    def predict(self, x: Any, batch_size: int | None = None) -> numpy.ndarray:
        """Outputs in eval mode, as a NumPy array, in batches to bound memory."""
        batch_size = batch_size or self.inference_batch_size
        parts = [self.device.to_host(self.forward(x[i : i + batch_size]))
                 for i in range(0, len(x), batch_size)]
        return numpy.concatenate(parts) if parts else numpy.zeros((0,))

    # -- parameters and weights --------------------------------------------------------
    def parameters(self) -> list[Parameter]:
        """The trainable values and gradients as (at most) one flat array, weights (which
        weight decay applies to) first. Each layer's arrays are views into it."""
        return self._flat

    def parameter_count(self) -> int:
        return sum(int(v.size) for node in self.layer_nodes for v in node.layer.params.values())

    def get_weights(self) -> dict[str, dict[str, numpy.ndarray]]:
        """NumPy copies of every parameter and state array, as {node: {name: array}}."""
        result = {}
        for node in self.layer_nodes:
            arrays = {**node.layer.params, **node.layer.state}
            if arrays:
                result[node.name] = {k: self.device.to_host(v) for k, v in arrays.items()}
        return result

    def set_weights(self, weights: dict[str, dict[str, Any]]) -> None:
        """Copy arrays in place (optimizers keep their references); shapes must match."""
        for name, arrays in weights.items():
            if name not in self.by_name or self.by_name[name].layer is None:
                raise KeyError(f"The network has no layer named {name!r}")
            layer = self.by_name[name].layer
            for key, value in arrays.items():
                target = layer.params.get(key, layer.state.get(key))
                if target is None:
                    raise KeyError(f"{name}: no parameter named {key!r}")
                value = numpy.asarray(value) if not hasattr(value, "shape") else value
                if tuple(target.shape) != tuple(value.shape):
                    raise ValueError(
                        f"{name}.{key}: expected shape {tuple(target.shape)}, "
                        f"got {tuple(value.shape)}"
                    )
                target[...] = self.device.send(value, self.dtype)

    def first_non_finite(self) -> tuple[str, str] | None:
        """(node, array name) of the first parameter or state array holding NaN or infinity."""
        xp = self.device.xp
        for node in self.layer_nodes:
            for key, array in {**node.layer.params, **node.layer.state}.items():
                if not bool(xp.isfinite(array).all()):
                    return node.name, key
        return None

    def state_arrays(self) -> dict[str, Any]:
        """Every parameter and state array on the device, keyed 'node/name' (for checks)."""
        return {f"{node.name}/{k}": v for node in self.layer_nodes
                for k, v in {**node.layer.params, **node.layer.state}.items()}
