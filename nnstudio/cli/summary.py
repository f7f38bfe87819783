"""Text and JSON summaries of a network (as Keras's model.summary()), for `nnstudio summary`."""

from __future__ import annotations

from typing import Any

from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.shapes import format_shape


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

