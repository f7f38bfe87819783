"""The words and numbers of each phase of a backpropagation step: table rows, and labels
for the neurons and edges of the diagram. Six decimals, as the course prints them."""

from __future__ import annotations

from nnstudio.app.inspect.backprop_steps import BackpropTrace, EdgeStep, NeuronStep
from nnstudio.app.inspect.diagram_scene import EdgeKey, NeuronKey

Row = tuple[str, str, str]  # quantity, value, how it is computed
LOSS_FORMULAS = {"mse": "½ Σ (target − out)²", "cross_entropy": "−Σ target · log softmax(net)",
                 "binary_cross_entropy": "−Σ t log o + (1 − t) log(1 − o)"}


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.6f}"


def factor(value: float | None) -> str:
    """A number inside a product: negative ones in brackets."""
    text = number(value)
    return f"({text})" if value is not None and value < 0 else text


def _activation(trace: BackpropTrace, column: int) -> str:
    name = trace.chain.columns[column - 1].activation
    return name.lower() if name else "identity"


def _sources(trace: BackpropTrace, neuron: NeuronStep) -> list[EdgeStep]:
    return [e for e in trace.edges if e.layer == neuron.column - 1 and e.target == neuron.index]


def _consumers(trace: BackpropTrace, neuron: NeuronStep) -> list[EdgeStep]:
    return [e for e in trace.edges if e.layer == neuron.column and e.source == neuron.index]


def _name(trace: BackpropTrace, column: int, index: int) -> str:
    return trace.chain.neuron_name(column, index)


def _net_formula(trace: BackpropTrace, neuron: NeuronStep) -> str:
    edges = _sources(trace, neuron)
    bias = f" + b({neuron.name})" if neuron.bias is not None else ""
    if len(edges) > 4:
        return f"Σ w · out + b({neuron.name})" if bias else "Σ w · out"
    terms = [f"{e.name}·{_name(trace, e.layer, e.source)}" if e.layer == 0 else
             f"{e.name}·out({_name(trace, e.layer, e.source)})" for e in edges]
    return " + ".join(terms) + bias


def _hidden_formula(trace: BackpropTrace, neuron: NeuronStep) -> str:
    edges = _consumers(trace, neuron)
    if len(edges) > 4:
        return "Σ δ · w over its outgoing edges"
    return " + ".join(f"δ({_name(trace, e.layer + 1, e.target)})·{e.name}" for e in edges)


def _source_value(trace: BackpropTrace, edge: EdgeStep) -> str:
    name = _name(trace, edge.layer, edge.source)
    return name if edge.layer == 0 else f"out({name})"


def _layers(trace: BackpropTrace) -> tuple[list[list[NeuronStep]], list[NeuronStep]]:
    """(hidden columns, output neurons)."""
    return trace.neurons[1:-1], trace.neurons[-1]


def phase_rows(trace: BackpropTrace, phase: int) -> list[Row]:
    hidden, outputs = _layers(trace)
    rows: list[Row] = []
    if phase == 0:
        for column in trace.neurons[1:]:
            for n in column:
                rows.append((f"net({n.name})", number(n.net), _net_formula(trace, n)))
                rows.append((f"out({n.name})", number(n.out),
                             f"{_activation(trace, n.column)}(net({n.name}))"))
    elif phase == 1:
        formula = LOSS_FORMULAS.get(trace.loss_name, trace.loss_name)
        rows.append(("E", number(trace.error), f"{trace.loss_name}: {formula}"))
        for n, t in zip(outputs, trace.target, strict=False):
            rows.append((f"target({n.name})", number(float(t)), "given"))
            if n.d_out is not None:
                rows.append((f"∂E/∂out({n.name})", number(n.d_out), "from the loss"))
            how = (f"∂E/∂out({n.name}) × {_activation(trace, n.column)}′(net({n.name}))"
                   if n.d_out is not None else f"{trace.loss_name} through the softmax")
            rows.append((f"δ({n.name})", number(n.delta), how))
    elif phase == 2:
        for column in reversed(hidden):
            for n in column:
                rows.append((f"∂E/∂out({n.name})", number(n.d_out), _hidden_formula(trace, n)))
                rows.append((f"δ({n.name})", number(n.delta),
                             f"∂E/∂out({n.name}) × {_activation(trace, n.column)}′"
                             f"(net({n.name}))"))
        if not hidden:
            rows.append(("—", "", "no hidden layer: the output deltas are all there is"))
    elif phase == 3:
        for e in trace.edges:
            target = _name(trace, e.layer + 1, e.target)
            rows.append((f"∂E/∂{e.name}", number(e.grad),
                         f"δ({target}) · {_source_value(trace, e)}"))
        for column in trace.neurons[1:]:
            for n in column:
                if n.bias_grad is not None:
                    rows.append((f"∂E/∂b({n.name})", number(n.bias_grad), f"δ({n.name})"))
    elif phase == 4:
        for e in trace.edges:
            rows.append((f"{e.name} new", number(e.new_weight),
                         f"{number(e.weight)} − {trace.lr:g} × {factor(e.grad)}"))
        for column in trace.neurons[1:]:
            for n in column:
                if n.new_bias is not None:
                    rows.append((f"b({n.name}) new", number(n.new_bias),
                                 f"{number(n.bias)} − {trace.lr:g} × {factor(n.bias_grad)}"))
    return rows


def _edge_key(edge: EdgeStep) -> EdgeKey:
    return edge.layer, edge.source, edge.target


def phase_labels(trace: BackpropTrace,
                 phase: int) -> tuple[dict[NeuronKey, str], dict[EdgeKey, str]]:
    """Text on the diagram for ``phase``: values on neurons, weights or gradients on edges."""
    hidden, outputs = _layers(trace)
    neurons: dict[NeuronKey, str] = {}
    edges: dict[EdgeKey, str] = {}
    if phase == 0:
        for n in trace.neurons[0]:
            neurons[(0, n.index)] = number(n.out)
        for column in trace.neurons[1:]:
            for n in column:
                bias = "" if n.bias is None else f"b = {n.bias:.2f}\n"
                neurons[(n.column, n.index)] = f"{bias}net {number(n.net)}\nout {number(n.out)}"
        edges = {_edge_key(e): f"{e.name} = {e.weight:.2f}" for e in trace.edges}
    elif phase == 1:
        for n, t in zip(outputs, trace.target, strict=False):
            lines = [f"target {float(t):.6f}"]
            if n.d_out is not None:
                lines.append(f"∂E/∂out {number(n.d_out)}")
            lines.append(f"δ {number(n.delta)}")
            neurons[(n.column, n.index)] = "\n".join(lines)
    elif phase == 2:
        for column in hidden:
            for n in column:
                neurons[(n.column, n.index)] = f"∂E/∂out {number(n.d_out)}\nδ {number(n.delta)}"
        for n in outputs:
            neurons[(n.column, n.index)] = f"δ {number(n.delta)}"
    elif phase == 3:
        edges = {_edge_key(e): f"∂E/∂{e.name} = {number(e.grad)}" for e in trace.edges}
    elif phase == 4:
        edges = {_edge_key(e): f"{e.name}: {number(e.weight)} → {number(e.new_weight)}"
                 for e in trace.edges}
    return neurons, edges
