"""Text and JSON summaries of a network (as Keras's model.summary()), and gradient checks."""

from __future__ import annotations

from typing import Any

import numpy

from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.shapes import format_shape
from nnstudio.spec.training import TrainingSpec


def summary_rows(spec: NetworkSpec) -> list[dict[str, Any]]:
    analysis = spec.analyze()
    placed = set(analysis.order)
    order = analysis.order + [n.id for n in spec.nodes if n.id not in placed]
    return [{"id": node_id, "type": spec.node(node_id).type,
             "output_shape": list(analysis.shapes[node_id]) if analysis.shapes[node_id] else None,
             "params": analysis.param_counts[node_id]} for node_id in order]


def summary_json(name: str, spec: NetworkSpec) -> dict[str, Any]:
    analysis = spec.analyze()
    return {"name": name, "layers": summary_rows(spec), "total_params": analysis.total_params,
            "valid": analysis.ok, "problems": [str(p) for p in analysis.problems]}


def format_summary(name: str, spec: NetworkSpec) -> str:
    analysis = spec.analyze()
    rows = summary_rows(spec)
    width = 64
    lines = [f'Model: "{name}"', "-" * width,
             f"{'Layer (type)':<30}{'Output Shape':<20}{'Param #':>14}", "=" * width]
    for row in rows:
        shape = format_shape(tuple(row["output_shape"])) if row["output_shape"] else "?"
        lines.append(f"{row['id'] + ' (' + row['type'] + ')':<30}{shape:<20}"
                     f"{row['params']:>14,}")
    lines += ["=" * width, f"Total params: {analysis.total_params:,}"]
    if analysis.problems:
        lines.append(f"{len(analysis.problems)} problem(s):")
        lines += [f"  - {p}" for p in analysis.problems]
    return "\n".join(lines)


def run_gradcheck(spec: NetworkSpec, training: TrainingSpec, batch: int = 4,
                  seed: int = 0) -> dict[str, float]:
    """Per-layer largest relative error between backprop and finite differences (float64)."""
    from nnstudio.build import build_network
    from nnstudio.engine.gradcheck import check_network
    from nnstudio.engine.losses import make_loss

    network = build_network(spec, training, dtype=numpy.float64, seed=seed)
    analysis = spec.analyze()
    in_shape = analysis.shapes[analysis.order[0]]
    out_shape = analysis.shapes[analysis.order[-1]]
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal((batch, *in_shape))
    loss = make_loss(training.loss)
    if len(out_shape) == 1 and out_shape[0] > 1 and training.loss != "binary_cross_entropy":
        target = rng.integers(0, out_shape[0], batch)
    else:
        target = rng.uniform(0.1, 0.9, (batch, *out_shape)).round()
    return check_network(network, x, target, loss, seed=seed)
